"""The Responses tool runner driving a computer toolset next to registered functions, against
the official SDK's runner and toolset on the same scripted server and the same fake screen."""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import Any

import openai
import openai.lib.computer as sdk_computer
import openai.lib.responses_tool_runner as sdk_runner
import pytest

import oxide
import oxide.lib.computer as ox_computer
import oxide.lib.responses_tool_runner as ox_runner

from ._runner_server import ScriptedResponses, function_call, message, response, serve

LIBS = {"oxide": (ox_runner, ox_computer, oxide), "sdk": (sdk_runner, sdk_computer, openai)}
SCREEN = {"type": "computer_screenshot", "image_url": "data:image/png;base64,AAAA"}
ADD = {
    "type": "function",
    "name": "add",
    "parameters": {
        "type": "object",
        "properties": {"a": {"type": "integer"}, "b": {"type": "integer"}},
        "required": ["a", "b"],
        "additionalProperties": False,
    },
    "strict": True,
}


@pytest.fixture(scope="module")
def server() -> Iterator[ScriptedResponses]:
    yield from serve()


class Screen:
    """A fake caller-owned driver: records each action, returns the same screenshot."""

    def __init__(self) -> None:
        self.log: list[str] = []

    def _record(self, action: Any) -> None:
        self.log.append(action.type)

    click = double_click = drag = keypress = move = scroll = type = wait = _record

    def screenshot(self) -> dict[str, str]:
        self.log.append("screenshot")
        return dict(SCREEN)


def computer_call(call_id: str, actions: list[dict[str, Any]]) -> dict[str, Any]:
    return {
        "type": "computer_call",
        "id": "cu_" + call_id,
        "call_id": call_id,
        "status": "completed",
        "actions": actions,
        "pending_safety_checks": [],
    }


SCRIPT = [
    response(
        "resp_1",
        [
            computer_call(
                "cc_1", [{"type": "click", "x": 10, "y": 20, "button": "left"}, {"type": "wait"}]
            ),
            function_call("call_1", "add", {"a": 2, "b": 2}, item_id="fc_1"),
        ],
    ),
    response("resp_2", [computer_call("cc_2", [{"type": "type", "text": "hello"}])]),
    response("resp_3", [message("typed hello", item_id="msg_3")]),
]


def run(
    name: str, server: ScriptedResponses, script: list[dict[str, Any]], **kw: Any
) -> tuple[Any, list[str], list[Any], list[Any]]:
    runner_module, computer_module, library = LIBS[name]
    server.reset(*json.loads(json.dumps(script)))
    screen = Screen()
    actions: list[str] = []
    saved: list[Any] = []

    def before_action(action: Any) -> bool:
        actions.append(action.type)
        return True

    runner = runner_module.ResponsesToolRunner(
        computer=computer_module.ComputerToolset(screen),
        functions=[
            runner_module.RegisteredFunction(
                tool=ADD, execute=lambda args: str(args["a"] + args["b"])
            )
        ],
    )
    client = library.OpenAI(api_key="sk-test", base_url=server.url, max_retries=0)
    ledger = runner_module.ResponsesToolLedger(run_id="c", save=saved.append)
    try:
        result: Any = runner.run(
            client,
            {"model": "computer-use-preview", "input": "type hello"},
            before_action=before_action,
            ledger=ledger,
            **kw,
        ).output_text
    except runner_module.ToolRunnerError as exc:
        result = (str(exc), exc.attempted_call_ids, exc.completed_call_ids)
    finally:
        client.close()
    return result, screen.log + ["|"] + actions, server.bodies, saved


@pytest.mark.parametrize("stream", [False, True])
def test_computer_and_functions_in_one_loop(server: ScriptedResponses, stream: bool) -> None:
    ours = run("oxide", server, SCRIPT, stream=stream)
    theirs = run("sdk", server, SCRIPT, stream=stream)
    assert ours == theirs
    result, log, bodies, saved = ours
    assert result == "typed hello"
    assert log[: log.index("|")] == ["click", "wait", "screenshot", "type", "screenshot"]
    assert bodies[0]["tools"] == [ADD, {"type": "computer"}]
    second = bodies[1]["input"]
    outputs = [
        i for i in second if i.get("type") in ("computer_call_output", "function_call_output")
    ]
    assert outputs == [
        {
            "type": "computer_call_output",
            "call_id": "cc_1",
            "output": SCREEN,
            "acknowledged_safety_checks": [],
        },
        {"type": "function_call_output", "call_id": "call_1", "output": "4"},
    ]
    assert saved[-1]["phase"] == "final"


def test_unsafe_computer_call_stops_the_run(server: ScriptedResponses) -> None:
    call = computer_call("cc_1", [{"type": "click", "x": 1, "y": 1, "button": "left"}])
    call["pending_safety_checks"] = [{"id": "sc_1", "code": "malicious", "message": "careful"}]
    script = [response("resp_1", [call])]
    ours = run("oxide", server, script)
    theirs = run("sdk", server, script)
    assert ours == theirs
    assert ours[0][1:] == (("cc_1",), ())
    assert ours[1] == ["|"]  # nothing ran on the screen
