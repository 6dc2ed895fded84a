"""oxide.lib.decisions_tool_runner against the official SDK's runner, over a scripted server.

The same observe/candidates/verify callbacks and the same scripted Decisions replies drive both
runners; results, errors (reason, message, candidate receipts), diagnostics and request bodies
must match.
"""

from __future__ import annotations

import asyncio
import json
from collections.abc import Iterator
from types import ModuleType
from typing import Any

import openai
import openai.lib.decisions_tool_runner as sdk_runner
import pytest

import oxide
import oxide.lib.decisions_tool_runner as ox_runner

from ._runner_server import ScriptedResponses, decision, serve

MODULES = {"oxide": ox_runner, "sdk": sdk_runner}
PARAMS = {"model": "gpt-test", "input": "tidy the desk", "safety_identifier": "user-1"}


@pytest.fixture(scope="module")
def server() -> Iterator[ScriptedResponses]:
    yield from serve()


class Desk:
    """A tiny world: `sort` and `dust` actions; the task is done once both have run."""

    def __init__(self, *, fail: bool = False) -> None:
        self.done: list[str] = []
        self.fail = fail

    def observe(self) -> Any:
        return [{"type": "input_text", "text": f"done so far: {self.done}"}]

    def action(self, name: str) -> Any:
        def execute() -> None:
            if self.fail:
                raise OSError("the arm is stuck")
            self.done.append(name)

        return execute

    def candidates(self, observation: Any) -> list[Any]:
        actions = [
            {"id": name, "description": f"{name} the desk", "execute": self.action(name)}
            for name in ("sort", "dust")
            if name not in self.done
        ]
        return [*actions, {"id": "done", "description": "the desk is tidy", "done": True}]

    def verify(self, observation: Any) -> bool:
        return self.done == ["sort", "dust"]


def run_sync(
    name: str,
    server: ScriptedResponses,
    script: list[dict[str, Any]],
    *,
    desk: Desk | None = None,
    verify: bool = True,
    params: dict[str, Any] | None = None,
    **run: Any,
) -> tuple[Any, list[Any], list[Any]]:
    module: ModuleType = MODULES[name]
    server.reset(*json.loads(json.dumps(script)))
    desk = desk or Desk()
    diagnostics: list[Any] = []
    runner = module.DecisionsToolRunner(
        observe=desk.observe,
        candidates=desk.candidates,
        verify=desk.verify if verify else None,
    )
    client = (oxide.OpenAI if name == "oxide" else openai.OpenAI)(
        api_key="sk-test", base_url=server.url, max_retries=0
    )
    try:
        result = runner.run(
            client,
            dict(params or PARAMS),
            on_diagnostic=lambda d: diagnostics.append((d["stage"], d["reason"], d["call_id"])),
            **run,
        )
        out: Any = (
            result["status"],
            [d.answers[0].choice for d in result["decisions"] if d.answers[0].type == "choice"],
            result["attempted_candidate_ids"],
            result["completed_candidate_ids"],
        )
    except module.DecisionsToolRunnerError as exc:
        out = (
            "error",
            exc.reason,
            str(exc),
            exc.attempted_candidate_ids,
            exc.completed_candidate_ids,
        )
    finally:
        client.close()
    return out, server.bodies, diagnostics


def both(server: ScriptedResponses, script: list[dict[str, Any]], **kw: Any) -> Any:
    ours = run_sync("oxide", server, script, **kw)
    theirs = run_sync("sdk", server, script, **kw)
    assert ours == theirs
    return ours


SCRIPT = [decision("sort"), decision("dust")]


def test_runs_chosen_actions_until_done_and_verifies(server: ScriptedResponses) -> None:
    result, bodies, diagnostics = both(server, SCRIPT)
    assert result == ("verified", ["sort", "dust"], ["sort", "dust"], ["sort", "dust"])
    # After both actions only `done` is left: no third request.
    assert len(bodies) == 2
    question = bodies[0]["questions"][0]
    assert question["name"] == "next_action" and question["type"] == "choice"
    assert [c["value"] for c in question["choices"]] == ["sort", "dust", "done"]
    assert [c["value"] for c in bodies[1]["questions"][0]["choices"]] == ["dust", "done"]
    assert bodies[0]["input"][0] == {"role": "user", "content": "tidy the desk"}
    assert bodies[0]["safety_identifier"] == "user-1"
    assert ("verification", "completed", "done") in diagnostics


def test_done_without_verify_is_unverified(server: ScriptedResponses) -> None:
    result, bodies, _ = both(server, [decision("done")], verify=False)
    assert result == ("unverified", ["done"], [], [])
    assert len(bodies) == 1


def test_refusal_and_unknown_choice(server: ScriptedResponses) -> None:
    result, _, diagnostics = both(server, [decision(None)])
    assert result == ("refused", [], [], [])
    assert ("selection", "refused", None) in diagnostics
    result, _, _ = both(server, [decision("polish")])
    assert result == (
        "error",
        "invalid_answer",
        "Decision did not select a registered candidate.",
        (),
        (),
    )


def test_failing_action_and_step_limit(server: ScriptedResponses) -> None:
    result, _, diagnostics = both(server, SCRIPT, desk=Desk(fail=True))
    assert result == ("error", "failed", "Decision run stopped before completion.", ("sort",), ())
    assert ("action", "driver_failed", "sort") in diagnostics
    result, bodies, diagnostics = both(server, SCRIPT, max_steps=1)
    assert result[:2] == ("error", "step_limit")
    assert ("run", "step_limit", None) in diagnostics


def test_api_error_and_bad_params(server: ScriptedResponses) -> None:
    result, _, diagnostics = both(server, [{"error_status": 500, "message": "x"}])
    assert result == ("error", "failed", "Decision run stopped before completion.", (), ())
    assert ("request", "api_failed", None) in diagnostics
    result, bodies, _ = both(server, SCRIPT, params={"model": "m", "input": "x", "temperature": 1})
    assert result[:2] == ("error", "invalid_params") and bodies == []


def test_cancelled_between_steps(server: ScriptedResponses) -> None:
    results = {}
    for name in MODULES:
        desk = Desk()
        results[name] = run_sync(
            name, server, SCRIPT, desk=desk, cancelled=lambda desk=desk: bool(desk.done)
        )
    assert results["oxide"] == results["sdk"]
    result, bodies, _ = results["oxide"]
    assert result == ("error", "cancelled", "Decision run was cancelled.", ("sort",), ("sort",))
    assert len(bodies) == 1


def test_idempotency_key_rotates(server: ScriptedResponses) -> None:
    for name in MODULES:
        run_sync(name, server, SCRIPT)
        keys = [request["headers"].get("idempotency-key") for request in server.requests]
        assert keys[0] is None and keys[1] is None  # no key configured: none invented
    oxide_client = oxide.OpenAI(
        api_key="k", base_url=server.url, default_headers={"Idempotency-Key": "first"}
    )
    server.reset(*json.loads(json.dumps(SCRIPT)))
    desk = Desk()
    with oxide_client:
        ox_runner.DecisionsToolRunner(observe=desk.observe, candidates=desk.candidates).run(
            oxide_client, dict(PARAMS)
        )
    keys = [request["headers"]["idempotency-key"] for request in server.requests]
    assert keys[0] == "first" and keys[1].startswith("stainless-python-retry-")


@pytest.mark.asyncio
async def test_async_runner_matches_the_sdk(server: ScriptedResponses) -> None:
    results: dict[str, Any] = {}
    for name in MODULES:
        module = MODULES[name]
        server.reset(*json.loads(json.dumps(SCRIPT)))
        desk = Desk()

        async def observe(desk: Desk = desk) -> Any:
            return desk.observe()

        async def candidates(observation: Any, desk: Desk = desk) -> list[Any]:
            entries = desk.candidates(observation)
            for entry in entries:
                if "execute" in entry:
                    sync = entry["execute"]

                    async def execute(sync: Any = sync) -> None:
                        await asyncio.sleep(0)
                        sync()

                    entry["execute"] = execute
            return entries

        async def verify(observation: Any, desk: Desk = desk) -> bool:
            return desk.verify(observation)

        runner = module.AsyncDecisionsToolRunner(
            observe=observe, candidates=candidates, verify=verify
        )
        client = (oxide.AsyncOpenAI if name == "oxide" else openai.AsyncOpenAI)(
            api_key="sk-test", base_url=server.url, max_retries=0
        )
        result = await runner.run(client, dict(PARAMS))
        await client.close()
        results[name] = (
            result["status"],
            result["attempted_candidate_ids"],
            [d.model for d in result["decisions"]],
            server.bodies,
        )
    assert results["oxide"] == results["sdk"]
    assert results["oxide"][:2] == ("verified", ["sort", "dust"])


@pytest.mark.asyncio
async def test_async_task_cancellation_keeps_receipts(server: ScriptedResponses) -> None:
    outcomes: dict[str, Any] = {}
    for name in MODULES:
        module = MODULES[name]
        server.reset(*json.loads(json.dumps(SCRIPT)))
        started = asyncio.Event()

        async def observe() -> Any:
            return "a desk"

        async def candidates(observation: Any, started: asyncio.Event = started) -> list[Any]:
            async def slow() -> None:
                started.set()
                await asyncio.sleep(30)

            return [
                {"id": "sort", "description": "sort the desk", "execute": slow},
                {"id": "done", "description": "the desk is tidy", "done": True},
            ]

        runner = module.AsyncDecisionsToolRunner(observe=observe, candidates=candidates)
        client = (oxide.AsyncOpenAI if name == "oxide" else openai.AsyncOpenAI)(
            api_key="sk-test", base_url=server.url, max_retries=0
        )
        task = asyncio.ensure_future(runner.run(client, dict(PARAMS)))
        await asyncio.wait_for(started.wait(), 10)
        task.cancel()
        with pytest.raises(module.DecisionsToolRunnerCancelledError) as info:
            await task
        await client.close()
        assert isinstance(info.value, asyncio.CancelledError)
        outcomes[name] = (
            info.value.reason,
            str(info.value),
            info.value.attempted_candidate_ids,
            info.value.completed_candidate_ids,
            runner.close(),
        )
    assert outcomes["oxide"] == outcomes["sdk"]
    assert outcomes["oxide"] == (
        "cancelled",
        "Decision run was cancelled.",
        ("sort",),
        (),
        {"status": "closed"},
    )
