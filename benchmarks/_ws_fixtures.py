"""The Responses tool loop of the WebSocket-mode benchmark, built in memory (seeded, no files).

A coding agent's 20 turns against the Responses API, each turn continuing from the previous one
with `previous_response_id`:

* every turn sends the same defaults (model, instructions, 3 function tools: what an agent
  re-sends each turn, since `previous_response_id` does not carry instructions or tools over)
  plus a small `input`: the user's task on turn 0, then the `function_call_output` answering
  the previous turn's call (a short file read, ~0.3-0.7 KB);
* turns 0-18 answer with one `function_call` item, turn 19 with a text message. Each answer is
  a Response whose id is fixed (`resp_…`, chained: answer k has `previous_response_id` = answer
  k-1's id), so the server picks the answer from the request's `previous_response_id` alone.

Each answer exists in the three forms the server sends: the completed Response (non-streaming
HTTP), its `response.*` events (18 for a call, 20 for the text: created, in_progress, the item
added, 12 argument or text deltas with `obfuscation`, the done events, completed) as SSE
(streaming HTTP) and as WebSocket text frames. `server.py` and `_ws_worker.py` both build them
from here, so they agree on every byte.
"""

from __future__ import annotations

import random
from dataclasses import dataclass, field
from typing import Any

import orjson
from make_fixtures import (
    CREATED,
    _hex,
    _obfuscation,
    _rand_id,
    _split,
    code_file,
    make_tool,
    paragraph,
    sentence,
    tool_args,
)

SEED = 20261101
TURNS = 20
DELTAS = 12  # argument / text deltas per streamed answer
MODEL = "gpt-4.1-mini"
TOOL_NAMES = ("read_file", "grep", "run_tests")


@dataclass
class Loop:
    defaults: dict[str, Any]  # the parameters every turn sends
    inputs: list[list[dict[str, Any]]]  # turn k's `input`
    outputs: list[str]  # what the tool called by turn k returns (turn k+1's input)
    finals: list[dict[str, Any]]  # turn k's completed Response
    events: list[list[dict[str, Any]]]  # turn k's streamed events
    ids: list[str]  # turn k's response id
    steps: list[list[str]]  # turns 0-18: [call_id, name, arguments]
    text: str  # turn 19's text
    index: dict[str, int] = field(default_factory=dict)  # response id -> turn

    def __post_init__(self) -> None:
        self.index = {rid: k for k, rid in enumerate(self.ids)}

    def body(self, turn: int) -> dict[str, Any]:
        """Turn `turn`'s request as a dict (what an HTTP client sends; WS adds the type)."""
        body = {**self.defaults, "input": self.inputs[turn]}
        if turn:
            body["previous_response_id"] = self.ids[turn - 1]
        return body

    def sse(self, turn: int) -> bytes:
        return b"".join(
            b"event: " + e["type"].encode() + b"\ndata: " + orjson.dumps(e) + b"\n\n"
            for e in self.events[turn]
        )


def build(seed: int = SEED) -> Loop:
    rng = random.Random(seed)
    tools = []
    for name in TOOL_NAMES:
        fn = make_tool(rng, name, strict=True)["function"]
        tools.append({"type": "function", **fn})
    defaults = {
        "model": MODEL,
        "instructions": paragraph(rng, 5),
        "tools": tools,
        "temperature": 0.2,
        "max_output_tokens": 2048,
    }
    ids = ["resp_" + _hex(rng, 48) for _ in range(TURNS)]
    inputs: list[list[dict[str, Any]]] = [[{"role": "user", "content": paragraph(rng, 2)}]]
    outputs: list[str] = []
    steps: list[list[str]] = []
    finals: list[dict[str, Any]] = []
    events: list[list[dict[str, Any]]] = []
    text = ""
    for k in range(TURNS):
        envelope = {
            "id": ids[k],
            "object": "response",
            "created_at": CREATED + 10 * k,
            "status": "in_progress",
            "background": False,
            "completed_at": None,
            "error": None,
            "incomplete_details": None,
            "instructions": defaults["instructions"],
            "max_output_tokens": 2048,
            "max_tool_calls": None,
            "model": "gpt-4.1-mini-2025-04-14",
            "output": [],
            "parallel_tool_calls": True,
            "previous_response_id": ids[k - 1] if k else None,
            "prompt_cache_key": None,
            "reasoning": {"effort": None, "summary": None},
            "safety_identifier": None,
            "service_tier": "auto",
            "store": True,
            "temperature": 0.2,
            "text": {"format": {"type": "text"}, "verbosity": "medium"},
            "tool_choice": "auto",
            "tools": tools,
            "top_logprobs": 0,
            "top_p": 1.0,
            "truncation": "disabled",
            "usage": None,
            "user": None,
            "metadata": {},
        }
        seq = 0
        evs: list[dict[str, Any]] = []

        def ev(kind: str, data: dict[str, Any], evs: list[dict[str, Any]] = evs) -> None:
            nonlocal seq
            evs.append({"type": kind, **data, "sequence_number": seq})
            seq += 1

        ev("response.created", {"response": envelope})
        ev("response.in_progress", {"response": envelope})
        if k < TURNS - 1:
            name = TOOL_NAMES[k % len(TOOL_NAMES)]
            call_id = "call_" + _rand_id(rng, 24)
            args = tool_args(rng, name, 120)
            item: dict[str, Any] = {
                "id": "fc_" + _hex(rng, 48),
                "type": "function_call",
                "status": "completed",
                "arguments": args,
                "call_id": call_id,
                "name": name,
            }
            steps.append([call_id, name, args])
            outputs.append(code_file(rng, rng.randint(8, 16)))
            inputs.append([tool_result(call_id, outputs[-1])])
            ev(
                "response.output_item.added",
                {"output_index": 0, "item": {**item, "status": "in_progress", "arguments": ""}},
            )
            for piece in _split(args, DELTAS, rng):
                ev(
                    "response.function_call_arguments.delta",
                    {
                        "item_id": item["id"],
                        "output_index": 0,
                        "delta": piece,
                        "obfuscation": _obfuscation(rng, piece),
                    },
                )
            ev(
                "response.function_call_arguments.done",
                {"item_id": item["id"], "name": name, "output_index": 0, "arguments": args},
            )
            output_tokens = 40
        else:
            text = " ".join(sentence(rng, 8, 16, 0.05) for _ in range(3))
            part: dict[str, Any] = {
                "type": "output_text",
                "annotations": [],
                "logprobs": [],
                "text": text,
            }
            item = {
                "id": "msg_" + _hex(rng, 48),
                "type": "message",
                "status": "completed",
                "content": [part],
                "role": "assistant",
            }
            ev(
                "response.output_item.added",
                {"output_index": 0, "item": {**item, "status": "in_progress", "content": []}},
            )
            base = {"item_id": item["id"], "output_index": 0, "content_index": 0}
            ev("response.content_part.added", {**base, "part": {**part, "text": ""}})
            for piece in _split(text, DELTAS, rng):
                ev(
                    "response.output_text.delta",
                    {
                        **base,
                        "delta": piece,
                        "logprobs": [],
                        "obfuscation": _obfuscation(rng, piece),
                    },
                )
            ev("response.output_text.done", {**base, "text": text, "logprobs": []})
            ev("response.content_part.done", {**base, "part": part})
            output_tokens = 90
        ev("response.output_item.done", {"output_index": 0, "item": item})
        final = {
            **envelope,
            "status": "completed",
            "completed_at": CREATED + 10 * k + 3,
            "output": [item],
            "usage": {
                "input_tokens": 2_400 + 350 * k,
                "input_tokens_details": {"cached_tokens": 2_048 + 256 * k},
                "output_tokens": output_tokens,
                "output_tokens_details": {"reasoning_tokens": 0},
                "total_tokens": 2_400 + 350 * k + output_tokens,
            },
        }
        ev("response.completed", {"response": final})
        finals.append(final)
        events.append(evs)
    return Loop(defaults, inputs, outputs, finals, events, ids, steps, text)


def tool_result(call_id: str, output: str) -> dict[str, Any]:
    """The input item answering a function call."""
    return {"type": "function_call_output", "call_id": call_id, "output": output}


def ws_frame(payload: bytes, opcode: int = 1) -> bytes:
    """An unmasked (server-to-client) WebSocket frame, FIN set."""
    n = len(payload)
    if n < 126:
        head = bytes((0x80 | opcode, n))
    elif n < 1 << 16:
        head = bytes((0x80 | opcode, 126)) + n.to_bytes(2, "big")
    else:
        head = bytes((0x80 | opcode, 127)) + n.to_bytes(8, "big")
    return head + payload


if __name__ == "__main__":
    loop = build()
    body = [len(orjson.dumps(loop.body(k))) for k in range(TURNS)]
    final = [len(orjson.dumps(f)) for f in loop.finals]
    sse = [len(loop.sse(k)) for k in range(TURNS)]
    print(f"request bytes per turn: {min(body)}-{max(body)}")
    print(f"Response bytes: {min(final)}-{max(final)}; SSE per turn: {min(sse)}-{max(sse)}")
    print(f"events per turn: {sorted({len(e) for e in loop.events})}")
