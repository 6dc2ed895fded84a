"""oxide.lib.responses_tool_runner against the official SDK's runner, over a scripted server.

Each scenario runs twice on the same script, once with oxide's runner on an oxide client and
once with the SDK's runner on an official client, and compares what they return or raise and
every request body they send (tool outputs posted back, budget projections, rotated keys).
"""

from __future__ import annotations

import asyncio
import json
import threading
import time
from collections.abc import Callable, Iterator
from types import ModuleType
from typing import Any

import msgspec
import openai
import openai.lib.responses_tool_runner as sdk_runner
import pytest

import oxide
import oxide.lib.responses_tool_runner as ox_runner
from oxide.lib._tools import responses_function_tool

from ._runner_server import ScriptedResponses, function_call, message, response, serve

MODULES = {"oxide": ox_runner, "sdk": sdk_runner}


@pytest.fixture(scope="module")
def server() -> Iterator[ScriptedResponses]:
    yield from serve()


def tool(name: str, *, strict: bool = True) -> dict[str, Any]:
    return {
        "type": "function",
        "name": name,
        "description": f"The {name} tool.",
        "parameters": {
            "type": "object",
            "properties": {"a": {"type": "integer"}, "b": {"type": "integer"}},
            "required": ["a", "b"],
            "additionalProperties": False,
        },
        "strict": strict,
    }


def add(args: dict[str, Any]) -> str:
    return str(args["a"] + args["b"])


def mul(args: dict[str, Any]) -> str:
    return str(args["a"] * args["b"])


def client_for(name: str, server: ScriptedResponses, *, aio: bool = False, **kw: Any) -> Any:
    if name == "oxide":
        cls: Any = oxide.AsyncOpenAI if aio else oxide.OpenAI
    else:
        cls = openai.AsyncOpenAI if aio else openai.OpenAI
    return cls(api_key="sk-test", base_url=server.url, max_retries=0, **kw)


TWO_TURNS = [
    response("resp_1", [function_call("call_1", "add", {"a": 1, "b": 2}, item_id="fc_1")]),
    response(
        "resp_2",
        [
            function_call("call_2", "add", {"a": 3, "b": 4}, item_id="fc_2"),
            function_call("call_3", "mul", {"a": 3, "b": 4}, item_id="fc_3"),
        ],
    ),
    response("resp_3", [message("done: 3, 7, 12", item_id="msg_3")]),
]
PARAMS = {"model": "gpt-test", "input": "compute", "instructions": "use the tools"}


def run_sync(
    name: str,
    server: ScriptedResponses,
    script: list[dict[str, Any]],
    *,
    functions: Callable[[ModuleType], list[Any]] | None = None,
    runner: dict[str, Any] | None = None,
    params: dict[str, Any] | None = None,
    client: dict[str, Any] | None = None,
    **run: Any,
) -> tuple[Any, list[dict[str, Any]]]:
    """(the final output text, or the raised error as (class name, message, ids)), bodies."""
    module = MODULES[name]
    server.reset(*json.loads(json.dumps(script)))
    registered = (
        functions(module)
        if functions is not None
        else [
            module.RegisteredFunction(tool=tool("add"), execute=add),
            module.RegisteredFunction(tool=tool("mul"), execute=mul),
        ]
    )
    tool_runner = module.ResponsesToolRunner(functions=registered, **(runner or {}))
    api = client_for(name, server, **(client or {}))
    try:
        result: Any = tool_runner.run(api, dict(params or PARAMS), **run).output_text
    except (module.ToolRunnerError, ValueError, RuntimeError) as exc:
        result = outcome(exc)
    finally:
        api.close()
    return result, server.bodies


def outcome(exc: BaseException) -> tuple[Any, ...]:
    return (
        type(exc).__name__,
        str(exc),
        getattr(exc, "attempted_call_ids", None),
        getattr(exc, "completed_call_ids", None),
    )


def both(server: ScriptedResponses, script: list[dict[str, Any]], **kw: Any) -> Any:
    ours = run_sync("oxide", server, script, **kw)
    theirs = run_sync("sdk", server, script, **kw)
    assert ours == theirs
    return ours


@pytest.mark.parametrize("stream", [False, True])
def test_multi_turn_loop_posts_outputs_back(server: ScriptedResponses, stream: bool) -> None:
    result, bodies = both(server, TWO_TURNS, stream=stream)
    assert result == "done: 3, 7, 12"
    assert len(bodies) == 3
    last = bodies[2]["input"]
    assert last[0] == {"role": "user", "content": "compute"}
    outputs = [item for item in last if item.get("type") == "function_call_output"]
    assert outputs == [
        {"type": "function_call_output", "call_id": "call_1", "output": "3"},
        {"type": "function_call_output", "call_id": "call_2", "output": "7"},
        {"type": "function_call_output", "call_id": "call_3", "output": "12"},
    ]
    assert all(body["include"] == ["reasoning.encrypted_content"] for body in bodies)
    assert all(body.get("stream", False) is stream for body in bodies)


def test_idempotency_key_rotates_per_request(server: ScriptedResponses) -> None:
    for name in MODULES:
        run_sync(name, server, TWO_TURNS, client={"default_headers": {"Idempotency-Key": "first"}})
        keys = [request["headers"]["idempotency-key"] for request in server.requests]
        assert keys[0] == "first"
        assert len(set(keys)) == 3 and all(
            k.startswith("stainless-python-retry-") for k in keys[1:]
        )


def test_max_steps_stops_with_receipts(server: ScriptedResponses) -> None:
    result, bodies = both(server, TWO_TURNS, max_steps=2)
    assert result == (
        "ToolRunnerError",
        "Tool run reached max_steps before completion.",
        ("call_1",),
        ("call_1",),
    )
    assert len(bodies) == 2


def test_failing_tool_stops_the_run(server: ScriptedResponses) -> None:
    def functions(module: ModuleType) -> list[Any]:
        def broken(args: dict[str, Any]) -> str:
            raise KeyError("boom")

        return [
            module.RegisteredFunction(tool=tool("add"), execute=broken),
            module.RegisteredFunction(tool=tool("mul"), execute=mul),
        ]

    seen: dict[str, list[Any]] = {"oxide": [], "sdk": []}
    for name in MODULES:
        result, bodies = run_sync(
            name,
            server,
            TWO_TURNS,
            functions=functions,
            on_diagnostic=lambda d, n=name: seen[n].append((d["stage"], d["reason"], d["call_id"])),
        )
        assert result == (
            "ToolRunnerError",
            "Tool run stopped before completion.",
            ("call_1",),
            (),
        )
        assert len(bodies) == 1
    assert seen["oxide"] == seen["sdk"]
    assert ("action", "driver_failed", "call_1") in seen["oxide"]


def test_invalid_tool_result_and_unregistered_call(server: ScriptedResponses) -> None:
    def functions(module: ModuleType) -> list[Any]:
        return [module.RegisteredFunction(tool=tool("add"), execute=lambda args: 42)]

    result, _ = both(server, TWO_TURNS, functions=functions)
    assert result[:2] == ("ToolRunnerError", "Tool run stopped before completion.")
    script = [response("r", [function_call("c", "nope", {"a": 1, "b": 1}, item_id="fc")])]
    result, _ = both(server, script)
    assert result == (
        "ToolRunnerError",
        "Function was not registered or lacks native metadata.",
        (),
        (),
    )


def test_api_error_is_a_runner_error(server: ScriptedResponses) -> None:
    script = [TWO_TURNS[0], {"error_status": 400, "message": "bad input"}]
    result, bodies = both(server, script)
    assert result == (
        "ToolRunnerError",
        "Tool run stopped before completion.",
        ("call_1",),
        ("call_1",),
    )
    assert len(bodies) == 2


def test_cancelled_callback_stops_before_next_request(server: ScriptedResponses) -> None:
    for name in MODULES:
        calls: list[str] = []

        def functions(module: ModuleType, calls: list[str] = calls) -> list[Any]:
            def record(args: dict[str, Any]) -> str:
                calls.append("add")
                return add(args)

            return [
                module.RegisteredFunction(tool=tool("add"), execute=record),
                module.RegisteredFunction(tool=tool("mul"), execute=mul),
            ]

        result, bodies = run_sync(
            name, server, TWO_TURNS, functions=functions, cancelled=lambda calls=calls: bool(calls)
        )
        assert result == ("ToolRunnerError", "Tool run was cancelled.", ("call_1",), ("call_1",))
        assert len(bodies) == 1


@pytest.mark.parametrize(
    "kw",
    [
        {"eager": True},
        {"max_steps": 0},
        {"max_concurrent_calls": 0, "stream": True},
        {"params": {"model": "m", "input": "x", "previous_response_id": "r"}},
        {"params": {"model": "m", "input": "x", "tool_choice": "required"}},
        {"context_budget": {"max_input_bytes": 0, "max_input_images": 0}},
        {"context_budget": {"max_input_bytes": 10, "max_input_images": 0, "extra": 1}},
    ],
)
def test_bad_arguments_are_refused_like_the_sdk(
    server: ScriptedResponses, kw: dict[str, Any]
) -> None:
    result, bodies = both(server, TWO_TURNS, **kw)
    assert result[0] == "ValueError" and bodies == []


def test_context_budget_without_compact_stops(server: ScriptedResponses) -> None:
    result, bodies = both(
        server, TWO_TURNS, context_budget={"max_input_bytes": 100, "max_input_images": 0}
    )
    # The first request fits; the history with the first call and its output does not.
    assert result == (
        "ToolRunnerError",
        "Native request input exceeds context_budget.",
        ("call_1",),
        ("call_1",),
    )
    assert len(bodies) == 1


def test_context_budget_compacts_old_calls(server: ScriptedResponses) -> None:
    snapshots: dict[str, list[Any]] = {"oxide": [], "sdk": []}
    for name in MODULES:

        def compact(snapshot: Any, name: str = name) -> Any:
            snapshots[name].append(snapshot)
            return {"drop_call_ids": snapshot["eligible_call_ids"], "summary": "3, 7, 12"}

        result, bodies = run_sync(
            name,
            server,
            TWO_TURNS,
            context_budget={"max_input_bytes": 560, "max_input_images": 0, "compact": compact},
        )
        snapshots[name].append(bodies)
        assert result == "done: 3, 7, 12"
        assert bodies[0]["truncation"] == "disabled"
        later = bodies[-1]["input"]
        assert later[0]["content"] == "Caller summary of omitted completed tool results: 3, 7, 12"
        assert later[1]["content"].startswith(
            'Omitted completed tool receipts: [{"call_id":"call_1","kind":"function_call",'
        )
        assert later[2] == {"role": "user", "content": "compute"}
        assert not any("call_id" in item for item in later)
        # The first two requests fit: compaction only starts when the history outgrows it.
        assert "call_id" in json.dumps(bodies[1]["input"])
    assert snapshots["oxide"] == snapshots["sdk"]
    assert snapshots["oxide"][0]["eligible_call_ids"] == ["call_1", "call_2", "call_3"]
    assert len(snapshots["oxide"]) == 2  # one compaction, then the bodies


@pytest.mark.parametrize("stream", [False, True])
def test_ledger_checkpoints_match_and_resume(server: ScriptedResponses, stream: bool) -> None:
    saved: dict[str, list[Any]] = {"oxide": [], "sdk": []}
    for name in MODULES:
        module = MODULES[name]
        ledger = module.ResponsesToolLedger(run_id="run-1", save=saved[name].append)
        result, _ = run_sync(name, server, TWO_TURNS, ledger=ledger, stream=stream)
        assert result == "done: 3, 7, 12"
    assert saved["oxide"] == saved["sdk"]
    phases = [checkpoint["phase"] for checkpoint in saved["oxide"]]
    assert phases[0] == "boundary" and phases[-1] == "final"
    assert [c["revision"] for c in saved["oxide"]] == list(range(1, len(phases) + 1))

    # Resume from the boundary after the first tool turn: the saved history is replayed.
    boundary = next(
        c for c in saved["oxide"] if c["phase"] == "boundary" and c["returned_call_ids"]
    )
    resumed: dict[str, Any] = {}
    for name in MODULES:
        module = MODULES[name]
        ledger = module.ResponsesToolLedger(
            run_id="run-1", save=lambda c: None, resume_from=boundary
        )
        resumed[name] = run_sync(
            name,
            server,
            TWO_TURNS[1:],
            ledger=ledger,
            params={"model": "gpt-test", "input": "continue please"},
        )
    assert resumed["oxide"] == resumed["sdk"]
    result, bodies = resumed["oxide"]
    assert result == "done: 3, 7, 12"
    first = bodies[0]["input"]
    assert first[-1] == {"role": "user", "content": "continue please"}
    assert {"type": "function_call_output", "call_id": "call_1", "output": "3"} in first


def test_ledger_refuses_a_mismatched_checkpoint(server: ScriptedResponses) -> None:
    saved: list[Any] = []
    ledger = ox_runner.ResponsesToolLedger(run_id="run-1", save=saved.append)
    run_sync("oxide", server, TWO_TURNS, ledger=ledger)
    boundary = next(c for c in saved if c["phase"] == "boundary" and c["returned_call_ids"])
    for name in MODULES:
        module = MODULES[name]
        other = module.ResponsesToolLedger(
            run_id="run-2", save=lambda c: None, resume_from=boundary
        )
        result, bodies = run_sync(name, server, TWO_TURNS, ledger=other)
        assert result == (
            "ValueError",
            "Only a matching completed boundary can resume; reconcile pending work externally.",
            None,
            None,
        )
        assert bodies == []


def test_iterate_supplies_outputs_and_appends_text(server: ScriptedResponses) -> None:
    results: dict[str, Any] = {}
    for name in MODULES:
        module = MODULES[name]
        server.reset(*json.loads(json.dumps(TWO_TURNS)))
        runner = module.ResponsesToolRunner(
            functions=[
                module.RegisteredFunction(
                    tool=tool("add"), execute=add, allow_output_override=True
                ),
                module.RegisteredFunction(tool=tool("mul"), execute=mul),
            ]
        )
        api = client_for(name, server)
        turns = runner.iterate(api, dict(PARAMS))
        seen = []
        for turn in turns:
            seen.append((turn.step, turn.final, turn.tools_executed, turn.attempted_call_ids))
            if turn.step == 1:
                turn.supply_outputs(
                    [{"type": "function_call_output", "call_id": "call_1", "output": "three"}]
                )
                turn.append_user_text("also be brief")
                with pytest.raises(ValueError, match="not permitted"):
                    turn.supply_outputs(
                        [{"type": "function_call_output", "call_id": "call_9", "output": "x"}]
                    )
            if turn.step == 2:
                # mul did not opt in: its output cannot be supplied.
                with pytest.raises(ValueError, match="not permitted"):
                    turn.supply_outputs(
                        [{"type": "function_call_output", "call_id": "call_3", "output": "x"}]
                    )
        api.close()
        results[name] = (seen, server.bodies)
    assert results["oxide"] == results["sdk"]
    seen, bodies = results["oxide"]
    assert [s[:2] for s in seen] == [(1, False), (2, False), (3, True)]
    second = bodies[1]["input"]
    assert {"type": "function_call_output", "call_id": "call_1", "output": "three"} in second
    assert second[-1] == {"role": "user", "content": "also be brief"}


def test_typed_function_from_tool(server: ScriptedResponses) -> None:
    class Pair(msgspec.Struct):
        a: int
        b: int

    received: list[Any] = []

    def typed_add(pair: Pair) -> str:
        received.append(pair)
        return str(pair.a + pair.b)

    typed = responses_function_tool(Pair, name="add")
    server.reset(*json.loads(json.dumps([TWO_TURNS[0], TWO_TURNS[2]])))
    runner = ox_runner.ResponsesToolRunner(
        functions=[ox_runner.RegisteredFunction.from_tool(typed, execute=typed_add)]
    )
    with client_for("oxide", server) as api:
        final = runner.run(api, dict(PARAMS))
    assert final.output_text == "done: 3, 7, 12"
    assert received == [Pair(a=1, b=2)]
    assert server.bodies[0]["tools"][0]["parameters"] == typed["parameters"]
    with pytest.raises(ValueError, match="from_tool requires"):
        ox_runner.RegisteredFunction.from_tool(tool("add"), execute=typed_add)  # type: ignore[arg-type]


def test_runner_lifecycle(server: ScriptedResponses) -> None:
    runner = ox_runner.ResponsesToolRunner(
        functions=[ox_runner.RegisteredFunction(tool=tool("add"), execute=add)]
    )
    server.reset(*json.loads(json.dumps(TWO_TURNS)))
    api = client_for("oxide", server)
    turns = runner.iterate(api, dict(PARAMS))
    next(turns)
    with pytest.raises(RuntimeError, match="busy with another call"):
        runner.run(api, dict(PARAMS))
    assert runner.close() == {"status": "draining"}
    turns.close()
    with pytest.raises(RuntimeError, match="Responses runner is closed"):
        runner.run(api, dict(PARAMS))
    api.close()
    with pytest.raises(ValueError, match="unique and nonempty"):
        ox_runner.ResponsesToolRunner(
            functions=[
                ox_runner.RegisteredFunction(tool=tool("add"), execute=add),
                ox_runner.RegisteredFunction(tool=tool("add"), execute=mul),
            ]
        )


def test_eager_execution_runs_tools_before_the_stream_ends(server: ScriptedResponses) -> None:
    for name in MODULES:
        events: list[str] = []

        def functions(module: ModuleType, events: list[str] = events) -> list[Any]:
            def record(args: dict[str, Any]) -> str:
                events.append("tool")
                return add(args)

            return [
                module.RegisteredFunction(tool=tool("add"), execute=record),
                module.RegisteredFunction(tool=tool("mul"), execute=mul),
            ]

        result, _ = run_sync(
            name,
            server,
            TWO_TURNS[:1] + TWO_TURNS[2:],
            functions=functions,
            stream=True,
            eager=True,
            on_event=lambda event, events=events: events.append(event.type),
        )
        assert result == "done: 3, 7, 12"
        first = events[: events.index("response.completed") + 1]
        assert first.index("tool") > first.index("response.output_item.done")
        assert first.index("tool") < first.index("response.completed")


def test_early_execution_selects_functions(server: ScriptedResponses) -> None:
    order: dict[str, list[str]] = {"oxide": [], "sdk": []}
    for name in MODULES:

        def functions(module: ModuleType, log: list[str] = order[name]) -> list[Any]:
            def logged(fn: Callable[[dict[str, Any]], str], label: str) -> Any:
                def run(args: dict[str, Any]) -> str:
                    log.append(label)
                    return fn(args)

                return run

            return [
                module.RegisteredFunction(tool=tool("add"), execute=logged(add, "add")),
                module.RegisteredFunction(tool=tool("mul"), execute=logged(mul, "mul")),
            ]

        result, _ = run_sync(
            name,
            server,
            TWO_TURNS[1:],
            functions=functions,
            runner={"early_execution": {"functions": ["add"]}},
            stream=True,
            eager=True,
            on_event=lambda event, log=order[name]: (
                log.append("completed") if event.type == "response.completed" else None
            ),
        )
        assert result == "done: 3, 7, 12"
    assert order["oxide"] == order["sdk"]
    # add ran early, inside the stream; mul (not selected) only after inspection.
    assert order["oxide"][:3] == ["add", "completed", "mul"]
    with pytest.raises(ValueError, match="unique registered function names"):
        ox_runner.ResponsesToolRunner(
            functions=[ox_runner.RegisteredFunction(tool=tool("add"), execute=add)],
            early_execution={"functions": ["mul"]},
        )


def test_independent_functions_run_in_parallel(server: ScriptedResponses) -> None:
    for name in MODULES:
        barrier = threading.Barrier(2, timeout=10)
        threads: set[int] = set()

        def functions(
            module: ModuleType, barrier: threading.Barrier = barrier, threads: set[int] = threads
        ) -> list[Any]:
            def together(fn: Callable[[dict[str, Any]], str]) -> Any:
                def run(args: dict[str, Any]) -> str:
                    threads.add(threading.get_ident())
                    barrier.wait()  # both calls are in flight at once, or this times out
                    return fn(args)

                return run

            return [
                module.RegisteredFunction(
                    tool=tool("add"), execute=together(add), independent=True
                ),
                module.RegisteredFunction(
                    tool=tool("mul"), execute=together(mul), independent=True
                ),
            ]

        result, bodies = run_sync(
            name, server, TWO_TURNS[1:], functions=functions, stream=True, eager=True
        )
        assert result == "done: 3, 7, 12"
        assert len(threads) == 2
        outputs = [i for i in bodies[1]["input"] if i.get("type") == "function_call_output"]
        assert [o["output"] for o in outputs] == ["7", "12"]


# -- async ---------------------------------------------------------------------------------


async def run_async(
    name: str,
    server: ScriptedResponses,
    script: list[dict[str, Any]],
    **run: Any,
) -> tuple[Any, list[dict[str, Any]]]:
    module = MODULES[name]
    server.reset(*json.loads(json.dumps(script)))

    async def aadd(args: dict[str, Any]) -> str:
        await asyncio.sleep(0)
        return add(args)

    async def amul(args: dict[str, Any]) -> str:
        return mul(args)

    runner = module.AsyncResponsesToolRunner(
        functions=[
            module.AsyncRegisteredFunction(tool=tool("add"), execute=aadd, independent=True),
            module.AsyncRegisteredFunction(tool=tool("mul"), execute=amul, independent=True),
        ]
    )
    client = client_for(name, server, aio=True)
    try:
        result: Any = (await runner.run(client, dict(PARAMS), **run)).output_text
    except (module.ToolRunnerError, ValueError) as exc:
        result = outcome(exc)
    finally:
        await client.close()
    return result, server.bodies


@pytest.mark.asyncio
@pytest.mark.parametrize(
    "kw", [{}, {"stream": True}, {"stream": True, "eager": True}, {"max_steps": 1}]
)
async def test_async_runner_matches_the_sdk(server: ScriptedResponses, kw: dict[str, Any]) -> None:
    ours = await run_async("oxide", server, TWO_TURNS, **kw)
    theirs = await run_async("sdk", server, TWO_TURNS, **kw)
    assert ours == theirs
    if kw.get("max_steps") == 1:
        assert ours[0][1] == "Tool run reached max_steps before completion."
    else:
        assert ours[0] == "done: 3, 7, 12"


@pytest.mark.asyncio
async def test_async_ledger_and_budget_match_the_sdk(server: ScriptedResponses) -> None:
    saved: dict[str, list[Any]] = {"oxide": [], "sdk": []}
    bodies: dict[str, Any] = {}
    for name in MODULES:
        module = MODULES[name]

        async def save(checkpoint: Any, name: str = name) -> None:
            saved[name].append(checkpoint)

        async def compact(snapshot: Any) -> Any:
            return {"drop_call_ids": snapshot["eligible_call_ids"]}

        bodies[name] = await run_async(
            name,
            server,
            TWO_TURNS,
            ledger=module.AsyncResponsesToolLedger(run_id="r", save=save),
            context_budget={"max_input_bytes": 400, "max_input_images": 0, "compact": compact},
        )
    assert saved["oxide"] == saved["sdk"]
    assert bodies["oxide"] == bodies["sdk"]
    assert bodies["oxide"][0] == "done: 3, 7, 12"


@pytest.mark.asyncio
async def test_async_task_cancellation_reports_receipts(server: ScriptedResponses) -> None:
    for name in MODULES:
        module = MODULES[name]
        server.reset(*json.loads(json.dumps(TWO_TURNS)))
        started = asyncio.Event()

        async def aadd(args: dict[str, Any], started: asyncio.Event = started) -> str:
            started.set()
            await asyncio.sleep(30)
            return add(args)

        runner = module.AsyncResponsesToolRunner(
            functions=[module.AsyncRegisteredFunction(tool=tool("add"), execute=aadd)]
        )
        client = client_for(name, server, aio=True)
        task = asyncio.ensure_future(runner.run(client, dict(PARAMS), stream=True, eager=True))
        await asyncio.wait_for(started.wait(), 10)
        begun = time.monotonic()
        task.cancel()
        with pytest.raises(module.ToolRunnerCancelledError) as info:
            await task
        assert time.monotonic() - begun < 5
        assert isinstance(info.value, asyncio.CancelledError)
        assert info.value.attempted_call_ids == ("call_1",)
        assert info.value.completed_call_ids == ()
        await client.close()
        # The runner is free again after a cancelled run.
        assert runner.close() == {"status": "closed"}


def test_diagnostics_match_the_sdk(server: ScriptedResponses) -> None:
    seen: dict[str, list[Any]] = {"oxide": [], "sdk": []}
    for name in MODULES:
        run_sync(
            name,
            server,
            TWO_TURNS,
            stream=True,
            on_diagnostic=lambda d, n=name: seen[n].append(
                {k: v for k, v in d.items() if k != "duration_ms"}
            ),
        )
    assert seen["oxide"] == seen["sdk"]
    assert seen["oxide"][0] == {
        "api": "responses",
        "stage": "request",
        "reason": "completed",
        "call_id": None,
        "member": None,
        "usage": {"input_tokens": 10, "output_tokens": 5, "total_tokens": 15},
    }


MCP = {
    "type": "mcp",
    "server_label": "docs",
    "server_url": "https://mcp.example.com/sse?api_key=secret",
    "headers": {"Authorization": "Bearer secret"},
    "require_approval": "always",
}


def mcp_request(request_id: str) -> dict[str, Any]:
    return {
        "type": "mcp_approval_request",
        "id": request_id,
        "server_label": "docs",
        "name": "search",
        "arguments": '{"q": "runner"}',
    }


@pytest.mark.parametrize("approve", [True, False])
def test_mcp_approval_round_trip(server: ScriptedResponses, approve: bool) -> None:
    script = [
        response("resp_1", [mcp_request("mcpr_1")]),
        response("resp_2", [message("searched", item_id="msg_2")]),
    ]
    asked: dict[str, list[Any]] = {"oxide": [], "sdk": []}
    saved: dict[str, list[Any]] = {"oxide": [], "sdk": []}
    results = {}
    for name in MODULES:

        def approve_mcp(request: Any, name: str = name) -> bool:
            asked[name].append((request.server_label, request.name, request.arguments))
            return approve

        results[name] = run_sync(
            name,
            server,
            script,
            params={"model": "gpt-test", "input": "look it up", "tools": [MCP]},
            approve_mcp=approve_mcp,
            ledger=MODULES[name].ResponsesToolLedger(run_id="m", save=saved[name].append),
        )
    assert results["oxide"] == results["sdk"]
    assert asked["oxide"] == asked["sdk"] == [("docs", "search", '{"q": "runner"}')]
    assert saved["oxide"] == saved["sdk"]
    result, bodies = results["oxide"]
    assert result == "searched"
    assert bodies[1]["input"][-1] == {
        "type": "mcp_approval_response",
        "approval_request_id": "mcpr_1",
        "approve": approve,
    }
    # The saved declaration has no credentials: headers dropped, the URL fingerprinted.
    saved_tool = saved["oxide"][0]["tools"][-1]
    assert "headers" not in saved_tool and saved_tool["server_url"].startswith("sha256:")


def test_mcp_approval_without_callback_stops(server: ScriptedResponses) -> None:
    result, bodies = both(
        server,
        [response("resp_1", [mcp_request("mcpr_1")])],
        params={"model": "gpt-test", "input": "look it up", "tools": [MCP]},
    )
    assert result == (
        "ToolRunnerError",
        "MCP approval requires an application callback.",
        ("mcpr_1",),
        (),
    )


def test_pydantic_typed_functions_match_the_sdk(server: ScriptedResponses) -> None:
    import pydantic

    class Pair(pydantic.BaseModel):
        """Two numbers to add."""

        a: int
        b: int

    # The SDK's `openai.pydantic_responses_function_tool` and oxide's twin make the same tool.
    ours_tool = oxide.pydantic_responses_function_tool(Pair, name="add")
    assert json.dumps(ours_tool) == json.dumps(
        openai.pydantic_responses_function_tool(Pair, name="add")
    )
    received: dict[str, list[Any]] = {"oxide": [], "sdk": []}

    def functions(module: ModuleType) -> list[Any]:
        library = oxide if module is ox_runner else openai
        typed = library.pydantic_responses_function_tool(Pair, name="add")
        log = received["oxide" if module is ox_runner else "sdk"]

        def typed_add(pair: Pair) -> str:
            log.append(pair)
            return str(pair.a + pair.b)

        return [
            module.RegisteredFunction.from_tool(typed, execute=typed_add),
            module.RegisteredFunction(tool=tool("mul"), execute=mul),
        ]

    result, bodies = both(server, TWO_TURNS, functions=functions)
    assert result == "done: 3, 7, 12"
    assert received["oxide"] == received["sdk"] == [Pair(a=1, b=2), Pair(a=3, b=4)]
    # Arguments the type refuses stop the run before the tool runs, in both.
    bad = [response("r", [function_call("c", "add", {"a": "x", "b": 1}, item_id="fc")])]
    result, _ = both(server, bad, functions=functions)
    assert result == ("ToolRunnerError", "Tool run stopped before completion.", (), ())


def test_before_early_call_defers_or_executes(server: ScriptedResponses) -> None:
    order: dict[str, list[str]] = {"oxide": [], "sdk": []}
    for name in MODULES:
        log = order[name]

        def functions(module: ModuleType, log: list[str] = log) -> list[Any]:
            def logged(fn: Callable[[dict[str, Any]], str], label: str) -> Any:
                def run(args: dict[str, Any]) -> str:
                    log.append(label)
                    return fn(args)

                return run

            return [
                module.RegisteredFunction(tool=tool("add"), execute=logged(add, "add")),
                module.RegisteredFunction(tool=tool("mul"), execute=logged(mul, "mul")),
            ]

        def before_early_call(call: Any, log: list[str] = log) -> str:
            log.append("ask:" + call.name)
            return "execute" if call.name == "add" else "defer"

        result, _ = run_sync(
            name,
            server,
            TWO_TURNS[1:],
            functions=functions,
            stream=True,
            eager=True,
            before_early_call=before_early_call,
            on_event=lambda event, log=log: (
                log.append("completed") if event.type == "response.completed" else None
            ),
        )
        assert result == "done: 3, 7, 12"
    assert order["oxide"] == order["sdk"]
    assert order["oxide"][:5] == ["ask:add", "add", "ask:mul", "completed", "mul"]


@pytest.mark.asyncio
async def test_async_failing_tool_and_events(server: ScriptedResponses) -> None:
    results: dict[str, Any] = {}
    for name in MODULES:
        module = MODULES[name]
        server.reset(*json.loads(json.dumps(TWO_TURNS)))
        events: list[str] = []

        async def on_event(event: Any, events: list[str] = events) -> None:
            events.append(event.type)

        async def broken(args: dict[str, Any]) -> str:
            raise RuntimeError("tool failed")

        runner = module.AsyncResponsesToolRunner(
            functions=[module.AsyncRegisteredFunction(tool=tool("add"), execute=broken)]
        )
        client = client_for(name, server, aio=True)
        try:
            await runner.run(client, dict(PARAMS), stream=True, on_event=on_event)
        except module.ToolRunnerError as exc:
            results[name] = (outcome(exc), events, server.bodies)
        finally:
            await client.close()
    assert results["oxide"] == results["sdk"]
    error, events, bodies = results["oxide"]
    assert error == ("ToolRunnerError", "Tool run stopped before completion.", ("call_1",), ())
    assert events[0] == "response.created" and events[-1] == "response.completed"
    assert len(bodies) == 1


HISTORY = [
    {"role": "user", "content": "hello"},
    {
        "type": "reasoning",
        "id": "rs_0",
        "summary": [{"type": "summary_text", "text": "thinking"}],
        "encrypted_content": "opaque",
    },
    {
        "type": "message",
        "id": "msg_0",
        "role": "assistant",
        "status": "completed",
        "content": [
            {
                "type": "output_text",
                "text": "hi there",
                "annotations": [
                    {
                        "type": "url_citation",
                        "url": "https://example.com",
                        "title": "Example",
                        "start_index": 0,
                        "end_index": 2,
                    }
                ],
            }
        ],
    },
    function_call("call_0", "add", {"a": 1, "b": 1}, item_id="fc_0"),
    {"type": "function_call_output", "call_id": "call_0", "output": "2"},
    {
        "role": "user",
        "content": [
            {"type": "input_text", "text": "now compute"},
            {"type": "input_image", "image_url": "https://example.com/a.png", "detail": "auto"},
        ],
    },
]


def test_replayed_history_is_checked_like_the_sdk(server: ScriptedResponses) -> None:
    budget = {"max_input_bytes": 100_000, "max_input_images": 5}
    params = {"model": "gpt-test", "input": HISTORY}
    result, bodies = both(server, TWO_TURNS, params=params, context_budget=budget)
    assert result == "done: 3, 7, 12"
    assert bodies[0]["input"] == HISTORY
    # A tampered assistant message (an index given as a string) is refused before any request:
    # when a ledger is set up (ValueError), and at the first budgeted boundary.
    tampered = json.loads(json.dumps(HISTORY))
    tampered[2]["content"][0]["annotations"][0]["start_index"] = "0"
    for name in MODULES:
        ledger = MODULES[name].ResponsesToolLedger(run_id="h", save=lambda c: None)
        result, bodies = run_sync(
            name, server, TWO_TURNS, params={**params, "input": tampered}, ledger=ledger
        )
        assert result == (
            "ValueError",
            "Replay history requires native message input fields.",
            None,
            None,
        )
        assert bodies == []
    stopped = ("ToolRunnerError", "Tool run stopped before completion.", (), ())
    # A tampered message, an output without its call, a duplicate call ID.
    for broken in (tampered, HISTORY[:3] + HISTORY[4:], HISTORY[:5] + HISTORY[3:]):
        result, bodies = both(
            server, TWO_TURNS, params={**params, "input": broken}, context_budget=budget
        )
        assert result == stopped and bodies == []


@pytest.mark.parametrize("stream", [False, True])
def test_explicit_nulls_are_sent_as_the_sdk_sends_them(
    server: ScriptedResponses, stream: bool
) -> None:
    # The sync stream helper used to drop every None argument (`instructions=None` vanished).
    params = {"model": "gpt-test", "input": "x", "instructions": None, "temperature": None}
    result, bodies = both(server, TWO_TURNS[2:], params=params, stream=stream)
    assert result == "done: 3, 7, 12"
    assert bodies[0]["instructions"] is None and bodies[0]["temperature"] is None


@pytest.mark.parametrize("stream", [False, True])
def test_native_call_fields_are_replayed_verbatim(server: ScriptedResponses, stream: bool) -> None:
    call = function_call("call_1", "add", {"a": 1, "b": 2}, item_id="fc_1")
    call.update({"async": False, "namespace": "add", "caller": {"type": "direct"}})
    result, bodies = both(server, [response("r1", [call]), TWO_TURNS[2]], stream=stream)
    assert result == "done: 3, 7, 12"
    assert bodies[1]["input"][1] == call  # `async` under its wire name, not `async_`


@pytest.mark.asyncio
async def test_async_cancellation_mid_stream(server: ScriptedResponses) -> None:
    results: dict[str, Any] = {}
    for name in MODULES:
        module = MODULES[name]
        server.reset(*json.loads(json.dumps(TWO_TURNS)))
        server.hold_after = 3  # the stream stalls after its first events
        events: list[str] = []
        diagnostics: list[Any] = []
        got_events = asyncio.Event()

        async def on_event(event: Any, events: list[str] = events, got: Any = got_events) -> None:
            events.append(event.type)
            got.set()

        async def aadd(args: dict[str, Any]) -> str:
            return add(args)

        runner = module.AsyncResponsesToolRunner(
            functions=[module.AsyncRegisteredFunction(tool=tool("add"), execute=aadd)]
        )
        client = client_for(name, server, aio=True)
        task = asyncio.ensure_future(
            runner.run(
                client,
                dict(PARAMS),
                stream=True,
                on_event=on_event,
                on_diagnostic=lambda d, log=diagnostics: log.append((d["stage"], d["reason"])),
            )
        )
        await asyncio.wait_for(got_events.wait(), 10)
        task.cancel()
        with pytest.raises(module.ToolRunnerCancelledError) as info:
            await asyncio.wait_for(task, 10)
        await client.close()
        results[name] = (
            info.value.attempted_call_ids,
            info.value.completed_call_ids,
            diagnostics,
            events[0],
        )
    assert results["oxide"] == results["sdk"]
    assert results["oxide"] == ((), (), [("request", "cancelled")], "response.created")
