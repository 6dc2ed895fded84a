"""oxide.lib.computer against the official SDK 3.63's openai.lib.computer.

Each scenario runs both libraries' ComputerToolset over real sockets against the same scripted
Responses server, with the same fake screen, and compares what matters: the request bodies
sent at every step, the driver calls, the diagnostics, the outputs and the errors.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import Any

import openai
import openai.lib.computer as sdk_computer
import pytest

import oxide
import oxide.lib.computer as computer
from oxide._models import convert
from oxide.types.responses import Response, ResponseComputerToolCall

from ._computer_fixtures import (
    SCREEN,
    AsyncFakeScreen,
    FakeScreen,
    ScriptedResponses,
    computer_call,
    message,
    reasoning,
    response,
    serve,
)

CLICK = {"type": "click", "button": "left", "x": 10, "y": 20}
TYPE = {"type": "type", "text": "hello"}
SAFETY = [{"id": "sc_1", "code": "malicious_instructions", "message": "Check the page."}]


@pytest.fixture(scope="module")
def server() -> Iterator[ScriptedResponses]:
    yield from serve()


def _diagnostics() -> tuple[list[dict[str, Any]], Callable[[Any], None]]:
    seen: list[dict[str, Any]] = []

    def observe(event: Any) -> None:
        assert event["duration_ms"] >= 0
        seen.append({k: v for k, v in event.items() if k != "duration_ms"})

    return seen, observe


def _run_both(
    server: ScriptedResponses,
    replies: list[dict[str, Any]],
    params: dict[str, Any],
    *,
    screen: Any = None,
    fail_on: str | None = None,
    **options: Any,
) -> tuple[dict[str, Any], dict[str, Any]]:
    """Run oxide's and the SDK's sync toolsets on the same script; what each did and sent."""
    outcomes = []
    for library, module in ((oxide, computer), (openai, sdk_computer)):
        server.reset(*replies)
        driver = FakeScreen(screen=screen, fail_on=fail_on)
        seen, observe = _diagnostics()
        client = library.OpenAI(api_key="sk-test", base_url=server.url, max_retries=0)
        outcome: dict[str, Any] = {}
        try:
            result = module.ComputerToolset(driver).run(
                client, dict(params), on_diagnostic=observe, **options
            )
            outcome["result"] = result.to_dict()
        except Exception as exc:
            outcome["error"] = (type(exc).__name__, str(exc))
            response_seen = getattr(exc, "response", None)
            outcome["error_response"] = response_seen and response_seen.id
        finally:
            client.close()
        outcome.update(bodies=server.bodies, driver=driver.log, diagnostics=seen)
        outcomes.append(outcome)
    return outcomes[0], outcomes[1]


def test_run_two_steps_sends_what_the_sdk_sends(server: ScriptedResponses) -> None:
    replies = [
        response("resp_1", [reasoning(), computer_call("call_1", [CLICK, TYPE])]),
        response("resp_2", [message("Done.")]),
    ]
    params = {"model": "computer-use-test", "input": "Open the page.", "store": False}
    mine, theirs = _run_both(server, replies, params)
    assert mine == theirs
    # The shape of the loop, spelled out: one tool, non-streaming, encrypted reasoning replayed.
    first, second = mine["bodies"]
    assert first["tools"] == [{"type": "computer"}]
    assert first["stream"] is False
    assert first["include"] == ["reasoning.encrypted_content"]
    assert first["input"] == [{"role": "user", "content": "Open the page."}]
    assert [item.get("type") for item in second["input"]] == [
        None,
        "reasoning",
        "computer_call",
        "computer_call_output",
    ]
    assert second["input"][-1] == {
        "type": "computer_call_output",
        "call_id": "call_1",
        "output": SCREEN,
        "acknowledged_safety_checks": [],
    }
    assert mine["driver"] == [("click", CLICK), ("type", TYPE), ("screenshot", None)]
    assert mine["result"]["id"] == "resp_2"
    assert [(d["stage"], d["reason"], d["member"]) for d in mine["diagnostics"]] == [
        ("action", "completed", "click"),
        ("action", "completed", "type"),
        ("action", "completed", "screenshot"),
    ]


def test_run_returns_an_oxide_response(server: ScriptedResponses) -> None:
    server.reset(response("resp_1", [message("Nothing to do.")]))
    with oxide.OpenAI(api_key="sk-test", base_url=server.url, max_retries=0) as client:
        result = computer.ComputerToolset(FakeScreen()).run(client, {"model": "m", "input": "hi"})
    assert type(result) is Response
    assert result.output_text == "Nothing to do."


def test_unknown_fields_survive_the_snapshot(server: ScriptedResponses) -> None:
    # Fields this SDK version does not declare are kept on the returned response and replayed.
    call_item = {**computer_call("call_1", [CLICK]), "brand_new": {"a": 1}}
    final = {**response("resp_2", [{**message("ok"), "annotated": True}]), "store": False}
    replies = [response("resp_1", [call_item]), {**final, "service_note": "x"}]
    mine, theirs = _run_both(server, replies, {"model": "m", "input": "go"})
    assert mine == theirs
    assert mine["result"]["service_note"] == "x" and mine["result"]["store"] is False
    assert mine["result"]["output"][0]["annotated"] is True
    assert mine["bodies"][1]["input"][1]["brand_new"] == {"a": 1}


def test_legacy_action_with_approved_safety_checks(server: ScriptedResponses) -> None:
    legacy = computer_call("call_1", action=CLICK, pending_safety_checks=SAFETY)
    replies = [response("resp_1", [legacy]), response("resp_2", [message("ok")])]
    approvals: list[Any] = []

    def approve(call: Any) -> bool:
        approvals.append(call.pending_safety_checks[0].id)
        return True

    mine, theirs = _run_both(
        server, replies, {"model": "m", "input": "go"}, approve_safety_checks=approve
    )
    assert mine == theirs
    assert approvals == ["sc_1", "sc_1"]
    assert mine["bodies"][1]["input"][-1]["acknowledged_safety_checks"] == SAFETY
    assert mine["diagnostics"][0] == {
        "api": "computer",
        "stage": "approval",
        "reason": "completed",
        "call_id": "call_1",
        "member": None,
        "usage": None,
    }


@pytest.mark.parametrize("answer", [False, None, "yes", 1])
def test_safety_checks_need_exactly_true(server: ScriptedResponses, answer: Any) -> None:
    legacy = computer_call("call_1", action=CLICK, pending_safety_checks=SAFETY)
    mine, theirs = _run_both(
        server,
        [response("resp_1", [legacy])],
        {"model": "m", "input": "go"},
        approve_safety_checks=lambda call: answer,
    )
    assert mine == theirs
    assert mine["error"] == ("ComputerUseError", "Computer safety checks require explicit approval")
    assert mine["error_response"] == "resp_1"
    assert mine["driver"] == []


def test_before_action_refusal_stops_before_the_driver(server: ScriptedResponses) -> None:
    refused: list[str] = []

    def before(action: Any) -> bool:
        refused.append(action.type)
        return action.type != "type"

    mine, theirs = _run_both(
        server,
        [response("resp_1", [computer_call("call_1", [CLICK, TYPE])])],
        {"model": "m", "input": "go"},
        before_action=before,
    )
    assert mine == theirs
    assert mine["error"] == ("ComputerUseError", "Computer action was not approved")
    assert mine["driver"] == [("click", CLICK)]
    assert mine["diagnostics"][-1]["reason"] == "refused"


def test_driver_errors_propagate_unchanged(server: ScriptedResponses) -> None:
    mine, theirs = _run_both(
        server,
        [response("resp_1", [computer_call("call_1", [CLICK, TYPE])])],
        {"model": "m", "input": "go"},
        fail_on="type",
    )
    assert mine == theirs
    assert mine["error"] == ("OSError", "type failed")
    assert mine["diagnostics"][-1]["reason"] == "driver_failed"


@pytest.mark.parametrize(
    "screen",
    [
        {"type": "computer_screenshot"},
        {"type": "input_image", "image_url": "data:,"},
        {"type": "computer_screenshot", "image_url": "   "},
        "data:image/png;base64,AAAA",
    ],
)
def test_bad_screenshots_are_refused(server: ScriptedResponses, screen: Any) -> None:
    mine, theirs = _run_both(
        server,
        [response("resp_1", [computer_call("call_1", [CLICK])])],
        {"model": "m", "input": "go"},
        screen=screen,
    )
    assert mine == theirs
    assert mine["error"] == (
        "ComputerUseError",
        "Driver must return a computer_screenshot with image_url or file_id",
    )


@pytest.mark.parametrize(
    "output",
    [
        [computer_call("call_1", [{"type": "click", "button": "middle", "x": 1, "y": 2}])],
        [computer_call("call_1", [{"type": "zoom"}])],
        [computer_call("call_1", [CLICK], action=CLICK)],
        [computer_call("call_1", [])],
        [computer_call("call_1", action=CLICK)],  # legacy without safety checks
        [computer_call("call_1", [CLICK], status="in_progress")],
        [computer_call("call_1", [CLICK]), computer_call("call_1", [TYPE])],
        [message("a"), message("b")],  # duplicate item ids
        [message("thinking", phase="commentary")],
        [{"type": "function_call", "id": "fc", "call_id": "c", "name": "f", "arguments": "{}"}],
        [{"type": "brand_new_item", "id": "x"}],
    ],
)
def test_responses_the_loop_cannot_replay(
    server: ScriptedResponses, output: list[dict[str, Any]]
) -> None:
    mine, theirs = _run_both(server, [response("resp_1", output)], {"model": "m", "input": "go"})
    assert "error" in mine
    assert mine == theirs
    assert mine["driver"] == []


def test_incomplete_response_and_max_steps(server: ScriptedResponses) -> None:
    mine, theirs = _run_both(
        server, [response("resp_1", [], status="incomplete")], {"model": "m", "input": "go"}
    )
    assert mine == theirs
    assert mine["error"] == ("ComputerUseError", "Response did not complete")
    mine, theirs = _run_both(
        server,
        [response("resp_1", [computer_call("call_1", [CLICK])])],
        {"model": "m", "input": "go"},
        max_steps=1,
    )
    assert mine == theirs
    assert mine["error"] == ("ComputerUseError", "Computer run reached max_steps before completion")


@pytest.mark.parametrize(
    "params",
    [
        {"model": "m", "input": "go", "stream": True},
        {"model": "m", "input": "go", "background": True},
        {"model": "m", "input": "go", "previous_response_id": "resp_0"},
        {"model": "m", "input": "go", "conversation": "conv_1"},
        {"model": "m", "input": "go", "tools": None},
        {"model": "m", "input": "go", "tools": []},
        {"model": "m", "input": "go", "tools": [{"type": "computer"}, {"type": "computer"}]},
        {"model": "m", "input": "go", "tools": [{"type": "web_search"}]},
        {"model": "m", "input": "go", "extra_body": {"tools": []}},
    ],
)
def test_requests_the_loop_refuses(server: ScriptedResponses, params: dict[str, Any]) -> None:
    mine, theirs = _run_both(server, [], params)
    assert mine == theirs
    assert mine["error"][0] == "ValueError"
    assert mine["bodies"] == []


@pytest.mark.parametrize("max_steps", [0, -1, True, 1.5, "3"])
def test_max_steps_must_be_a_positive_integer(server: ScriptedResponses, max_steps: Any) -> None:
    mine, theirs = _run_both(server, [], {"model": "m", "input": "go"}, max_steps=max_steps)
    assert mine == theirs
    assert mine["error"] == ("ValueError", "max_steps must be a positive integer")


def test_forced_tool_choice_is_relaxed_after_the_first_step(server: ScriptedResponses) -> None:
    replies = [
        response("resp_1", [computer_call("call_1", [CLICK])]),
        response("resp_2", [message("ok")]),
    ]
    params = {
        "model": "m",
        "input": [{"role": "user", "content": "go"}],
        "tool_choice": {"type": "computer"},
        "tools": [
            {
                "type": "computer_use_preview",
                "display_width": 800,
                "display_height": 600,
                "environment": "browser",
            }
        ],
        "include": ["message.output_text.logprobs"],
    }
    mine, theirs = _run_both(server, replies, params)
    assert mine == theirs
    assert mine["bodies"][0]["tool_choice"] == {"type": "computer"}
    assert mine["bodies"][1]["tool_choice"] == "auto"
    assert mine["bodies"][0]["include"] == [
        "message.output_text.logprobs",
        "reasoning.encrypted_content",
    ]


def test_idempotency_key_rotates_between_steps(server: ScriptedResponses) -> None:
    server.reset(
        response("resp_1", [computer_call("call_1", [CLICK])]),
        response("resp_2", [message("ok")]),
    )
    with oxide.OpenAI(
        api_key="sk-test",
        base_url=server.url,
        max_retries=0,
        default_headers={"Idempotency-Key": "first-key"},
    ) as client:
        computer.ComputerToolset(FakeScreen()).run(client, {"model": "m", "input": "go"})
    keys = [request["headers"]["idempotency-key"] for request in server.requests]
    assert keys[0] == "first-key"
    assert keys[1].startswith("stainless-python-retry-")


def test_caller_params_are_not_mutated(server: ScriptedResponses) -> None:
    server.reset(
        response("resp_1", [computer_call("call_1", [CLICK])]),
        response("resp_2", [message("ok")]),
    )
    history = [{"role": "user", "content": "go"}]
    params: Any = {"model": "m", "input": history, "extra_headers": {"X-Trace": "1"}}
    with oxide.OpenAI(api_key="sk-test", base_url=server.url, max_retries=0) as client:
        computer.ComputerToolset(FakeScreen()).run(client, params)
    assert history == [{"role": "user", "content": "go"}]
    assert params["extra_headers"] == {"X-Trace": "1"}
    assert all(request["headers"]["x-trace"] == "1" for request in server.requests)


def test_cancellation_between_actions(server: ScriptedResponses) -> None:
    for module, library in ((computer, oxide), (sdk_computer, openai)):
        server.reset(response("resp_1", [computer_call("call_1", [CLICK, TYPE])]))
        driver = FakeScreen()
        seen, observe = _diagnostics()
        client = library.OpenAI(api_key="sk-test", base_url=server.url, max_retries=0)
        with pytest.raises(module.ComputerUseError, match="Computer run was cancelled") as info:
            module.ComputerToolset(driver).run(
                client,
                {"model": "m", "input": "go"},
                cancelled=lambda driver=driver: len(driver.log) == 1,
                on_diagnostic=observe,
            )
        client.close()
        assert info.value.response is not None and info.value.response.id == "resp_1"
        assert driver.log == [("click", CLICK)]
        assert [(d["stage"], d["reason"]) for d in seen] == [("action", "cancelled")]


# --------------------------------------------------------------------------------------------
# execute(): one call, no API
# --------------------------------------------------------------------------------------------


def _calls(item: dict[str, Any]) -> tuple[ResponseComputerToolCall, Any]:
    from openai.types.responses import ResponseComputerToolCall as SdkCall

    return convert(ResponseComputerToolCall, item), SdkCall.construct(**item)


def test_execute_matches_the_sdk() -> None:
    item = computer_call(
        "call_9",
        [{"type": "drag", "path": [{"x": 1, "y": 2}, {"x": 3, "y": 4}]}, {"type": "wait"}],
        pending_safety_checks=[],
    )
    mine_call, sdk_call = _calls(item)
    mine_driver, sdk_driver = FakeScreen(), FakeScreen()
    mine = computer.ComputerToolset(mine_driver).execute(mine_call)
    theirs = sdk_computer.ComputerToolset(sdk_driver).execute(
        openai.types.responses.ResponseComputerToolCall.model_validate(item)
    )
    assert mine == theirs
    assert mine_driver.log == sdk_driver.log
    assert mine_driver.log[0] == ("drag", item["actions"][0])
    del sdk_call


def test_execute_takes_a_call_built_in_code() -> None:
    from oxide.types.responses import computer_action

    built = ResponseComputerToolCall(
        id="cu_1",
        call_id="call_1",
        status="completed",
        type="computer_call",
        actions=[computer_action.Click(type="click", button="left", x=10, y=20)],
        pending_safety_checks=[],
    )
    driver = FakeScreen()
    computer.ComputerToolset(driver).execute(built)
    assert driver.log == [("click", CLICK), ("screenshot", None)]
    # Plain dicts, as the SDK's constructor would parse them; a malformed one is refused.
    loose: Any = ResponseComputerToolCall(
        id="cu_1",
        call_id="call_1",
        status="completed",
        type="computer_call",
        action=dict(TYPE),
        pending_safety_checks=[dict(SAFETY[0])],
    )
    output = computer.ComputerToolset(FakeScreen()).execute(
        loose, approve_safety_checks=lambda call: True
    )
    assert output["acknowledged_safety_checks"] == SAFETY
    assert loose.action == TYPE  # the caller's call is left as it was
    loose.action = {"type": "click", "button": "left", "x": "10", "y": 20}
    with pytest.raises(computer.ComputerUseError, match="Invalid computer action"):
        computer.ComputerToolset(FakeScreen()).execute(loose, approve_safety_checks=lambda c: True)


def test_execute_screenshot_action_takes_one_screenshot() -> None:
    item = computer_call("call_1", [{"type": "screenshot"}])
    driver = FakeScreen(screen={"type": "computer_screenshot", "file_id": "file_1", "extra": 1})
    output = computer.ComputerToolset(driver).execute(convert(ResponseComputerToolCall, item))
    assert driver.log == [("screenshot", None)]
    assert output["output"] == {"type": "computer_screenshot", "file_id": "file_1"}


def test_execute_does_not_let_the_driver_mutate_the_call() -> None:
    call = convert(ResponseComputerToolCall, computer_call("call_1", [CLICK]))

    class Mutating(FakeScreen):
        def click(self, action: Any) -> None:
            action.x = 999
            super().click(action)

    computer.ComputerToolset(Mutating()).execute(call)
    assert call.actions is not None and call.actions[0].x == 10


def test_lifecycle_close_and_busy() -> None:
    call = convert(ResponseComputerToolCall, computer_call("call_1", [CLICK]))
    toolset: computer.ComputerToolset

    class Reentrant(FakeScreen):
        def click(self, action: Any) -> None:
            with pytest.raises(RuntimeError, match="Computer toolset is busy with another call."):
                toolset.execute(call)
            super().click(action)

    toolset = computer.ComputerToolset(Reentrant())
    toolset.execute(call)
    assert toolset.close() == {"status": "closed"}
    with pytest.raises(RuntimeError, match="Computer toolset is closed."):
        toolset.execute(call)


def test_driver_flavor_is_checked_up_front() -> None:
    with pytest.raises(ValueError) as mine:
        computer.ComputerToolset(AsyncFakeScreen())  # type: ignore[arg-type]
    with pytest.raises(ValueError) as theirs:
        sdk_computer.ComputerToolset(AsyncFakeScreen())  # type: ignore[arg-type]
    assert str(mine.value) == str(theirs.value)
    assert "use AsyncComputerToolset" in str(mine.value)
    with pytest.raises(ValueError, match="use ComputerToolset"):
        computer.AsyncComputerToolset(FakeScreen())  # type: ignore[arg-type]
    with pytest.raises(ValueError, match="requires callable computer driver methods"):
        computer.ComputerToolset(object())  # type: ignore[arg-type]


def test_sync_driver_returning_an_awaitable_is_refused() -> None:
    class Sneaky(FakeScreen):
        def click(self, action):  # type: ignore[no-untyped-def]  # unannotated: flavor unknown
            async def later() -> None: ...

            return later()

    call = convert(ResponseComputerToolCall, computer_call("call_1", [CLICK]))
    with pytest.raises(computer.ComputerUseError, match="returned an awaitable"):
        computer.ComputerToolset(Sneaky()).execute(call)


def test_cancelled_is_passed_to_drivers_that_take_it() -> None:
    received: list[Any] = []

    class Aware(FakeScreen):
        def click(self, action: Any, *, cancelled: Any = None) -> None:
            received.append(cancelled)
            super().click(action)

    def never() -> bool:
        return False

    call = convert(ResponseComputerToolCall, computer_call("call_1", [CLICK]))
    computer.ComputerToolset(Aware()).execute(call, cancelled=never)
    assert received == [never]


# --------------------------------------------------------------------------------------------
# Async
# --------------------------------------------------------------------------------------------


@pytest.mark.asyncio
async def test_async_run_matches_the_sdk(server: ScriptedResponses) -> None:
    replies = [
        response("resp_1", [computer_call("call_1", [CLICK, {"type": "wait"}])]),
        response("resp_2", [message("Done.")]),
    ]
    outcomes = []
    for library, module in ((oxide, computer), (openai, sdk_computer)):
        server.reset(*replies)
        driver = AsyncFakeScreen()
        seen, observe = _diagnostics()
        approved: list[str] = []

        async def before(action: Any, approved: list[str] = approved) -> bool:
            approved.append(action.type)
            return True

        client = library.AsyncOpenAI(api_key="sk-test", base_url=server.url, max_retries=0)
        result = await module.AsyncComputerToolset(driver).run(
            client, {"model": "m", "input": "go"}, before_action=before, on_diagnostic=observe
        )
        await client.close()
        outcomes.append((result.to_dict(), server.bodies, driver.log, seen, approved))
    assert outcomes[0] == outcomes[1]
    assert outcomes[0][4] == ["click", "wait", "screenshot"]


@pytest.mark.asyncio
async def test_async_errors_and_cancellation() -> None:
    call = convert(ResponseComputerToolCall, computer_call("call_1", [CLICK, TYPE]))
    with pytest.raises(OSError, match="type failed"):
        await computer.AsyncComputerToolset(AsyncFakeScreen(fail_on="type")).execute(call)

    async def refuse(action: Any) -> bool:
        return False

    with pytest.raises(computer.ComputerUseError, match="Computer action was not approved"):
        await computer.AsyncComputerToolset(AsyncFakeScreen()).execute(call, before_action=refuse)
    driver = AsyncFakeScreen()
    seen, observe = _diagnostics()
    with pytest.raises(computer.ComputerUseError, match="Computer run was cancelled"):
        await computer.AsyncComputerToolset(driver).execute(
            call, cancelled=lambda: bool(driver.log), on_diagnostic=observe
        )
    assert driver.log == [("click", CLICK)]
    assert [(d["reason"], d["member"]) for d in seen] == [("cancelled", "click")]
    bad = AsyncFakeScreen(screen={"type": "computer_screenshot"})
    with pytest.raises(computer.ComputerUseError, match="Driver must return"):
        await computer.AsyncComputerToolset(bad).execute(call)


@pytest.mark.asyncio
async def test_async_safety_checks(server: ScriptedResponses) -> None:
    legacy = convert(
        ResponseComputerToolCall,
        computer_call("call_1", action=CLICK, pending_safety_checks=SAFETY),
    )

    async def approve(call: ResponseComputerToolCall) -> bool:
        return call.pending_safety_checks[0].code == "malicious_instructions"

    output = await computer.AsyncComputerToolset(AsyncFakeScreen()).execute(
        legacy, approve_safety_checks=approve
    )
    assert output["acknowledged_safety_checks"] == SAFETY
    with pytest.raises(computer.ComputerUseError, match="require explicit approval"):
        await computer.AsyncComputerToolset(AsyncFakeScreen()).execute(legacy)


def test_public_names_match_the_sdk() -> None:
    import oxide.compat.lib.computer as compat_computer

    import oxide.compat as compat

    assert computer.__all__ == sorted(sdk_computer.__all__)
    for name in computer.__all__:
        assert getattr(compat_computer, name) is getattr(computer, name)
    for name in (
        "ComputerToolset",
        "AsyncComputerToolset",
        "ComputerDriver",
        "AsyncComputerDriver",
    ):
        assert name in oxide.__all__
        assert getattr(oxide, name) is getattr(computer, name)
        assert getattr(compat, name) is getattr(computer, name)
