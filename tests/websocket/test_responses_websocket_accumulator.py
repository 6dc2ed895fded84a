"""`ResponsesWebSocketAccumulator` against the official SDK's, event by event: the same wire
events, decoded by each library as its connection decodes them (`parse_event`), fed to each
accumulator; every outcome (accepted, or the error's type and message), compact snapshot and
detailed snapshot must match. The accumulator owns no socket (it is fed by the caller), so
this compares the two directly; `test_responses_websocket_lanes.py` feeds it over sockets."""

from __future__ import annotations

import dataclasses
import json
import random
from typing import Any

import openai.lib.responses_websocket as sdk_rws
import pytest
from openai._models import construct_type_unchecked
from openai.types.responses.responses_server_event import (
    ResponsesServerEvent as SdkResponsesServerEvent,
)

import oxide.lib.responses_websocket as rws
from oxide._models import decode
from oxide.types.responses.responses_server_event import ResponsesServerEvent


def response(status: str, **extra: Any) -> dict[str, Any]:
    body: dict[str, Any] = {
        "id": "resp_1",
        "object": "response",
        "created_at": 1700000000,
        "status": status,
        "model": "gpt-test",
        "parallel_tool_calls": True,
        "tool_choice": "auto",
        "tools": [],
        "error": None,
        "incomplete_details": None,
        "instructions": None,
        "metadata": {},
        "temperature": 1.0,
        "top_p": 1.0,
    }
    body.update(extra)
    return body


def ev(kind: str, **fields: Any) -> dict[str, Any]:
    return {"type": kind, "sequence_number": 0, **fields}


RICH = [
    ev("response.created", response=response("in_progress", output=[])),
    ev(
        "response.output_item.added",
        output_index=0,
        item={
            "type": "reasoning",
            "id": "rs_1",
            "summary": [],
            "content": [{"type": "reasoning_text", "text": ""}],
        },
    ),
    ev(
        "response.reasoning_summary_part.added",
        output_index=0,
        item_id="rs_1",
        summary_index=0,
        part={"type": "summary_text", "text": ""},
    ),
    ev(
        "response.reasoning_summary_text.delta",
        output_index=0,
        item_id="rs_1",
        summary_index=0,
        delta="Think",
    ),
    ev(
        "response.reasoning_summary_text.delta",
        output_index=0,
        item_id="rs_1",
        summary_index=0,
        delta="ing",
    ),
    ev(
        "response.reasoning_text.delta",
        output_index=0,
        item_id="rs_1",
        content_index=0,
        delta="deep",
    ),
    ev(
        "response.reasoning_text.done",
        output_index=0,
        item_id="rs_1",
        content_index=0,
        text="deeper",
    ),
    ev(
        "response.output_item.added",
        output_index=1,
        item={
            "type": "code_interpreter_call",
            "id": "ci_1",
            "code": "",
            "status": "in_progress",
            "container_id": "c",
            "outputs": None,
        },
    ),
    ev(
        "response.code_interpreter_call_code.delta",
        output_index=1,
        item_id="ci_1",
        delta="print(1)",
    ),
    ev("response.code_interpreter_call.interpreting", output_index=1, item_id="ci_1"),
    ev(
        "response.output_item.added",
        output_index=2,
        item={
            "type": "shell_call",
            "id": "sh_1",
            "call_id": "call_sh",
            "action": {"commands": [], "timeout_ms": None, "max_output_length": None},
            "status": "in_progress",
        },
    ),
    ev("response.shell_call_command.added", output_index=2, command_index=0, command="ls"),
    ev("response.shell_call_command.delta", output_index=2, command_index=0, delta=" -la"),
    ev(
        "response.output_item.added",
        output_index=3,
        item={
            "type": "shell_call_output",
            "id": "sho_1",
            "call_id": "call_sh",
            "output": [],
            "status": "in_progress",
        },
    ),
    ev(
        "response.shell_call_output_content.delta",
        output_index=3,
        item_id="sho_1",
        command_index=0,
        delta={"stdout": "a\n"},
    ),
    ev(
        "response.shell_call_output_content.done",
        output_index=3,
        item_id="sho_1",
        command_index=0,
        output=[{"stdout": "a\nb\n", "stderr": "", "outcome": {"type": "exit", "exit_code": 0}}],
    ),
    ev(
        "response.output_item.added",
        output_index=4,
        item={"type": "custom_tool_call", "id": "ct_1", "call_id": "c2", "name": "g", "input": ""},
    ),
    ev("response.custom_tool_call_input.delta", output_index=4, item_id="ct_1", delta="x="),
    ev("response.custom_tool_call_input.done", output_index=4, item_id="ct_1", input="x=1"),
    ev(
        "response.output_item.done",
        output_index=0,
        item={
            "type": "reasoning",
            "id": "rs_2",
            "summary": [{"type": "summary_text", "text": "S"}],
        },
    ),
    ev("response.function_call_arguments.delta", output_index=5, item_id="fc_9", delta="{}"),
    ev("response.brand_new_event", output_index=0),
    ev("response.incomplete", response=response("incomplete")),
]

TEXT = [
    ev("response.created", response=response("in_progress")),
    ev(
        "response.output_item.added",
        output_index=0,
        item={
            "type": "message",
            "id": "m1",
            "role": "assistant",
            "status": "in_progress",
            "content": [],
        },
    ),
    ev(
        "response.content_part.added",
        output_index=0,
        content_index=0,
        item_id="m1",
        part={"type": "output_text", "text": "", "annotations": []},
    ),
    ev(
        "response.output_text.delta",
        output_index=0,
        content_index=0,
        item_id="m1",
        delta="Hi",
        logprobs=[],
    ),
    ev(
        "response.output_text.done",
        output_index=0,
        content_index=0,
        item_id="m1",
        text="Hi!",
        logprobs=[],
    ),
    ev(
        "response.refusal.delta",
        output_index=0,
        content_index=1,
        item_id="m1",
        delta="no",
    ),
    ev("response.refusal.done", output_index=0, content_index=1, item_id="m1", refusal="No."),
    ev(
        "response.output_item.added",
        output_index=1,
        item={
            "type": "function_call",
            "id": "fc_1",
            "call_id": "call_1",
            "name": "f",
            "arguments": "",
        },
    ),
    ev("response.function_call_arguments.delta", output_index=1, item_id="fc_1", delta='{"a"'),
    ev(
        "response.function_call_arguments.done", output_index=1, item_id="fc_1", arguments='{"a":1}'
    ),
    ev("response.output_text.delta", output_index=-1, content_index=0, item_id="m1", delta="x"),
    ev(
        "response.completed",
        response=response(
            "completed",
            output=[
                {
                    "type": "message",
                    "id": "m1",
                    "role": "assistant",
                    "status": "completed",
                    "content": [],
                }
            ],
        ),
    ),
]

ERROR = [
    ev("response.created", response=response("in_progress")),
    ev("response.output_text.delta", output_index=0, content_index=0, item_id="m1", delta="p"),
    {
        "type": "error",
        "error": {"type": "server_error", "code": "x", "message": "m", "param": None},
    },
    ev("response.completed", response=response("completed")),
]


def observe(accumulator: Any, event: Any) -> tuple[Any, ...]:
    try:
        accumulator.add_event(event)
        outcome: tuple[str, str] = ("ok", "")
    except Exception as exc:  # compared with the SDK's, type and message
        outcome = (type(exc).__name__, str(exc))
    try:
        final: Any = accumulator.get_final_response()
        final = (final.id, final.status, [getattr(i, "id", None) for i in final.output or []])
    except Exception as exc:
        final = (type(exc).__name__, str(exc))
    return (
        outcome,
        dataclasses.asdict(accumulator.snapshot()),
        accumulator.detailed_snapshot(),
        final,
    )


def run(events: list[dict[str, Any]], stream_id: str | None = None) -> tuple[list[Any], list[Any]]:
    ours, theirs = rws.ResponsesWebSocketAccumulator(), sdk_rws.ResponsesWebSocketAccumulator()
    got_ours, got_theirs = [], []
    for wire in events:
        if stream_id is not None:
            wire = {**wire, "stream_id": stream_id}
        data = json.dumps(wire)
        got_ours.append(observe(ours, decode(ResponsesServerEvent, data)))
        sdk_event = construct_type_unchecked(value=json.loads(data), type_=SdkResponsesServerEvent)
        got_theirs.append(observe(theirs, sdk_event))
    return got_ours, got_theirs


@pytest.mark.parametrize("script", [RICH, TEXT, ERROR], ids=["rich", "text", "error"])
@pytest.mark.parametrize("stream_id", [None, "lane-1"])
def test_every_step_matches_the_sdk(script: list[dict[str, Any]], stream_id: str | None) -> None:
    ours, theirs = run(script, stream_id)
    for step, (mine, sdk) in enumerate(zip(ours, theirs, strict=True)):
        assert mine == sdk, f"step {step}: {script[step]['type']}"
    assert ours[-1][0][0] in ("ok", "RuntimeError", "ResponsesWebSocketError")


def test_rich_projection() -> None:
    ours, _ = run(RICH)
    outcome, snapshot, detailed, final = ours[-1]
    assert outcome == ("ok", "")
    assert final == ("resp_1", "incomplete", [])  # the exact server response: output omitted
    rows = {row["output_index"]: row for row in detailed["output"]}
    assert rows[0]["item"]["summary"] == [{"type": "summary_text", "text": "S"}]  # replaced
    assert rows[1]["item"]["code"] == "print(1)" and rows[1]["item"]["status"] == "interpreting"
    assert rows[2]["item"]["action"]["commands"] == ["ls -la"]
    assert rows[3]["shell_output"][0]["data"]["output"][0]["stdout"] == "a\nb\n"
    assert [o["input"] for o in snapshot["output"] if o["type"] == "custom_tool_call"] == ["x=1"]


def test_the_error_event_is_kept_and_raised() -> None:
    ours, _ = run(ERROR)
    assert ours[2][0] == (
        "ResponsesWebSocketError",
        "The Responses WebSocket request returned an error event",
    )
    # Later events need a reset; the final response stays the error.
    assert ours[3][0] == ("RuntimeError", "Reset the accumulator before adding another turn")
    assert ours[3][3][0] == "ResponsesWebSocketError"


@pytest.mark.parametrize("seed", range(40))
def test_shuffled_and_thinned_streams_match_the_sdk(seed: int) -> None:
    # Events out of their usual order or missing (a malformed or partial stream) end in the
    # same projection or the same error, step by step.
    rng = random.Random(seed)
    script = list(rng.choice([RICH, TEXT]))
    script = [e for e in script if rng.random() > 0.2]
    if seed % 2:
        middle = script[1:-1]
        rng.shuffle(middle)
        script = script[:1] + middle + script[-1:]
    ours, theirs = run(script, rng.choice([None, "s"]))
    assert ours == theirs


# -- the session's final-response collection, against the SDK session's --------------------------


def item(mid: str, kind: str = "message", **extra: Any) -> dict[str, Any]:
    base: dict[str, Any] = {"type": kind, "id": mid, "status": "completed"}
    if kind == "message":
        base.update(
            role="assistant", content=[{"type": "output_text", "text": mid, "annotations": []}]
        )
    if kind == "function_call":
        base.update(call_id=extra.pop("call_id", "call_" + mid), name="f", arguments="{}")
    base.update(extra)
    return base


def done(index: int, value: dict[str, Any]) -> dict[str, Any]:
    return ev("response.output_item.done", output_index=index, item=value)


CREATED = ev("response.created", response=response("in_progress", output=[]))
COLLECTIONS = {
    "omitted output": [
        CREATED,
        done(0, item("a")),
        done(1, item("b", "function_call")),
        ev("response.completed", response=response("completed")),
    ],
    "explicit output": [
        CREATED,
        done(0, item("a")),
        ev("response.completed", response=response("completed", output=[item("a")])),
    ],
    "null output, failed": [
        CREATED,
        done(1, item("b")),
        done(0, item("a")),
        ev("response.failed", response=response("failed", output=None)),
    ],
    "replaced at an index": [
        CREATED,
        done(0, item("a")),
        done(0, item("c")),
        ev("response.incomplete", response=response("incomplete")),
    ],
    "one item at two indices": [
        CREATED,
        done(0, item("a")),
        done(1, item("a")),
        ev("response.completed", response=response("completed")),
    ],
    "another response id": [
        CREATED,
        done(0, item("a")),
        ev("response.completed", response={**response("completed"), "id": "resp_2"}),
    ],
    "unfinished item": [
        ev("response.created", response=response("in_progress", output=[item("x")])),
        ev("response.completed", response=response("completed", output=[])),
    ],
    "finished differently": [
        CREATED,
        done(0, item("a", "function_call", call_id="k")),
        ev(
            "response.completed",
            response=response("completed", output=[item("z", "function_call", call_id="k")]),
        ),
    ],
    "error then terminal": [
        CREATED,
        {"type": "error", "error": {"type": "t", "code": "c", "message": "m", "param": None}},
        ev("response.completed", response=response("completed")),
    ],
    "terminal without response": [CREATED, {"type": "response.completed", "sequence_number": 1}],
    "no created": [done(0, item("a")), ev("response.completed", response=response("completed"))],
    "over max_response_bytes": [
        CREATED,
        done(0, item("a" * 500)),
        ev("response.completed", response=response("completed")),
    ],
}


def collect(events: list[dict[str, Any]], limit: int | None) -> tuple[list[Any], list[Any]]:
    from openai.lib.responses_websocket._session import _Accumulator

    from oxide.lib.responses_websocket._router import _Collector

    results: tuple[list[Any], list[Any]] = ([], [])
    collectors: tuple[Any, Any] = (_Collector(limit), _Accumulator(limit))
    for wire in events:
        data = json.dumps(wire)
        decoded = (
            decode(ResponsesServerEvent, data),
            construct_type_unchecked(value=json.loads(data), type_=SdkResponsesServerEvent),
        )
        for collector, event, out in zip(collectors, decoded, results, strict=True):
            try:
                collector.add(event, len(data))
                outcome = "ok"
            except Exception as exc:  # as the session's pop(): kept as the lane's error
                collector.error = exc
                outcome = f"{type(exc).__name__}: {exc}"
            final = collector.final
            out.append(
                (
                    outcome,
                    None
                    if final is None
                    else (
                        type(final).__name__,
                        final.id,
                        final.status,
                        # Left out by the server: UNSET (oxide), absent (SDK).
                        [i.id for i in getattr(final, "output", None) or []],
                    ),
                    None
                    if collector.error is None
                    else f"{type(collector.error).__name__}: {collector.error}",
                )
            )
    return results


@pytest.mark.parametrize("name", list(COLLECTIONS))
def test_final_response_collection_matches_the_sdk_session(name: str) -> None:
    limit = 700 if name == "over max_response_bytes" else None
    ours, theirs = collect(COLLECTIONS[name], limit)
    assert ours == theirs
    expected_last = {
        "omitted output": ("ParsedResponse", "resp_1", "completed", ["a", "b"]),
        "null output, failed": ("Response", "resp_1", "failed", ["a", "b"]),
        "replaced at an index": ("Response", "resp_1", "incomplete", ["c"]),
        "no created": ("Response", "resp_1", "completed", []),
    }
    if name in expected_last:
        assert ours[-1][1] == expected_last[name]


@pytest.mark.parametrize("seed", range(30))
def test_thinned_collections_match_the_sdk_session(seed: int) -> None:
    rng = random.Random(seed)
    events = [e for e in rng.choice(list(COLLECTIONS.values())) if rng.random() > 0.25]
    ours, theirs = collect(events, rng.choice([None, 900]))
    assert ours == theirs
