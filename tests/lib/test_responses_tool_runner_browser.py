"""The Responses tool runner driving a browser toolset next to a registered function, against
the official SDK's runner and toolset on the same scripted server and the same fake browser."""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import Any

import openai
import openai.lib.browser as sdk_browser
import openai.lib.responses_tool_runner as sdk_runner
import pytest

import oxide
import oxide.lib.browser as ox_browser
import oxide.lib.responses_tool_runner as ox_runner

from ._runner_server import ScriptedResponses, function_call, message, response, serve

LIBS = {"oxide": (ox_runner, ox_browser, oxide), "sdk": (sdk_runner, sdk_browser, openai)}
IMAGE = {"type": "input_image", "image_url": "data:image/png;base64,AAAA", "detail": "high"}
ECHO = {
    "type": "function",
    "name": "echo",
    "parameters": {
        "type": "object",
        "properties": {"text": {"type": "string"}},
        "required": ["text"],
        "additionalProperties": False,
    },
    "strict": True,
}


@pytest.fixture(scope="module")
def server() -> Iterator[ScriptedResponses]:
    yield from serve()


class Browser:
    """A read-only fake browser: one tab, a page text, a screenshot; records each call."""

    def __init__(self, *, fail: bool = False) -> None:
        self.log: list[str] = []
        self.fail = fail

    def state(self) -> Any:
        return {
            "tabs": [{"id": "t1", "title": "Home", "url": "https://example.com/", "active": True}]
        }

    def read_page(self, action: Any) -> str:
        self.log.append("read_page")
        if self.fail:
            raise OSError("the page crashed")
        return "page text"

    def screenshot(self, action: Any) -> Any:
        self.log.append("screenshot")
        return dict(IMAGE)


SCRIPT = [
    response(
        "resp_1",
        [
            function_call(
                "call_1", "browser_read_page", {"tab_id": None, "filter": "all"}, item_id="fc_1"
            ),
            function_call("call_2", "echo", {"text": "hi"}, item_id="fc_2"),
        ],
    ),
    response(
        "resp_2",
        [function_call("call_3", "browser_screenshot", {"tab_id": "t1"}, item_id="fc_3")],
    ),
    response("resp_3", [message("read it", item_id="msg_3")]),
]


def run(
    name: str, server: ScriptedResponses, *, fail: bool = False, **kw: Any
) -> tuple[Any, list[str], list[Any], list[Any]]:
    runner_module, browser_module, library = LIBS[name]
    server.reset(*json.loads(json.dumps(SCRIPT)))
    driver = Browser(fail=fail)
    saved: list[Any] = []
    runner = runner_module.ResponsesToolRunner(
        browser=browser_module.BrowserToolset(driver),
        functions=[runner_module.RegisteredFunction(tool=ECHO, execute=lambda a: a["text"])],
    )
    client = library.OpenAI(api_key="sk-test", base_url=server.url, max_retries=0)
    try:
        result: Any = runner.run(
            client,
            {"model": "gpt-test", "input": "read the page"},
            ledger=runner_module.ResponsesToolLedger(run_id="b", save=saved.append),
            **kw,
        ).output_text
    except runner_module.ToolRunnerError as exc:
        result = (str(exc), exc.attempted_call_ids, exc.completed_call_ids)
    finally:
        client.close()
    return result, driver.log, server.bodies, saved


@pytest.mark.parametrize("stream", [False, True])
def test_browser_and_functions_in_one_loop(server: ScriptedResponses, stream: bool) -> None:
    ours = run("oxide", server, stream=stream)
    theirs = run("sdk", server, stream=stream)
    assert ours == theirs
    result, log, bodies, saved = ours
    assert result == "read it"
    assert log == ["read_page", "screenshot"]
    names = [tool["name"] for tool in bodies[0]["tools"]]
    assert names == ["browser_read_page", "browser_screenshot", "browser_list_tabs", "echo"]
    outputs = {
        item["call_id"]: item["output"]
        for item in bodies[2]["input"]
        if item.get("type") == "function_call_output"
    }
    assert outputs["call_2"] == "hi"
    assert any(block.get("type") == "input_image" for block in outputs["call_3"])
    assert saved[-1]["phase"] == "final"


def test_failed_browser_action_needs_reconciliation(server: ScriptedResponses) -> None:
    ours = run("oxide", server, fail=True)
    theirs = run("sdk", server, fail=True)
    assert ours == theirs
    result, log, bodies, _ = ours
    assert result == (
        "Browser result requires reconciliation before another call.",
        ("call_1",),
        ("call_1",),
    )
    assert log == ["read_page"] and len(bodies) == 1
