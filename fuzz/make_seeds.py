"""Write the committed seed corpus in ``fuzz/seeds/`` (re-run after changing an input layout).

SSE seeds are real streams in the harness's layout (see ``fuzz_sse.py``); tool-call and
finite seeds are the JSON forms their harnesses read.
"""

from __future__ import annotations

import json
import shutil
from pathlib import Path
from typing import Any

SEEDS = Path(__file__).resolve().parent / "seeds"


def _chat(i: int, content: str) -> bytes:
    chunk = {
        "id": "chatcmpl-1",
        "object": "chat.completion.chunk",
        "created": 1,
        "model": "gpt-4o-mini",
        "choices": [{"index": 0, "delta": {"content": content}, "finish_reason": None}],
    }
    return b"data: " + json.dumps(chunk, ensure_ascii=False).encode() + b"\n\n"


CHAT = b"".join(_chat(i, t) for i, t in enumerate(["Hel", "lo \u00e9\u20ac", "\U0001f600"]))
CHAT += b"data: [DONE]\n\n"
RESPONSES = (
    b'event: response.created\nid: 1\ndata: {"type":"response.created"}\n\n'
    b'event: response.output_text.delta\nid: 2\ndata: {"delta":"a"}\n\n'
    b": keep-alive\n\nretry: 1500\nevent: response.completed\ndata: {}\n\n"
)
SSE_BODIES = {
    "chat_lf": CHAT,
    "chat_crlf": CHAT.replace(b"\n", b"\r\n"),
    "chat_cr": CHAT.replace(b"\n", b"\r"),
    "bom": b"\xef\xbb\xbf" + CHAT,
    "responses": RESPONSES,
    "invalid_utf8": b"data: \xff\xfe ok \xe2\x82\ndata: \xf0\x9f\x98\n\nid: \xc0\xaf\ndata: x\n\n",
    "fields": b"id\nid: a\x00b\ndata\nDATA: no\nretry: 007\nretry: 1x\nevent:\ndata:  two\n\n",
    "unterminated": b"data: 1\n\ndata: partial",
}
# (name, body, flags, cuts): flags as documented in fuzz_sse.py; cuts are raw 16-bit values.
SSE_SEEDS: list[tuple[str, bytes, int, list[int]]] = [
    *[(name, body, 0, []) for name, body in SSE_BODIES.items()],
    ("chat_crlf_cut", SSE_BODIES["chat_crlf"], 3, [1, 7, 80, 81, 150, 151]),
    ("bom_split", SSE_BODIES["bom"], 1, [1, 2]),
    ("chat_cr_reconnect", SSE_BODIES["chat_cr"], 32 + 4, [40, 120]),
    ("responses_odd_chunk", RESPONSES, 64 + 128, [5]),
]


def _delta(index: Any, id_: Any = None, name: Any = None, args: Any = None) -> dict[str, Any]:
    entry: dict[str, Any] = {"index": index}
    if id_ is not None:
        entry["id"] = id_
        entry["type"] = "function"
    if name is not None or args is not None:
        entry["function"] = {"name": name, "arguments": args}
    return entry


TOOL_CALL_SEEDS: dict[str, list[Any]] = {
    "openai_parallel": [
        ["feed", 0, [_delta(0, "call_1", "get_weather", "")]],
        ["feed", 0, [_delta(0, args='{"city": ')]],
        ["feed", 0, [_delta(0, args='"Paris"}')]],
        ["feed", 0, [_delta(1, "call_2", "get_time", '{"tz":')]],
        ["feed", 0, [_delta(1, args=' "CET"}')]],
        ["finish", 0],
        ["calls", 0],
    ],
    "gemini_null_index_empty_id": [
        ["feed", 0, [_delta(None, "", "f", '{"a": 1}')]],
        ["feed", 0, [_delta(None, "", "f", '{"a": 2}')]],
        ["finish", None],
    ],
    "repeats_and_reused_index": [
        ["feed", 0, [_delta(0, "call_A", "f", "{")]],
        ["feed", 0, [_delta(0, "call_A", "f", '"x": "\\u00e9\\"}"')]],
        ["feed", 0, [_delta(0, "call_B", "g", "[1, 2]")]],
        ["feed", 0, [_delta(2, None, None, "")]],
        ["finish", None],
    ],
    "two_choices_interleaved": [
        ["feed", 0, [_delta(0, "a", "f", '{"k"')]],
        ["feed", 1, [_delta(0, "b", "g", "[")]],
        ["feed", 0, [_delta(0, args=": 1}"), _delta(0, args=" ")]],
        ["feed", 1, [_delta(0, args="]")]],
        ["finish", 1],
        ["finish", None],
    ],
    "wrong_types": [
        ["feed", 0, [{"index": "0", "id": 5}]],
        ["feed", 0, [{"index": 0, "function": {"name": ["f"], "arguments": {}}}]],
        ["feed", True, [{"index": 1}]],
        ["feed", 0, None],
        ["feed", 0, [None, 1, "x", []]],
        ["finish", "0"],
        ["calls", None],
    ],
}

FINITE_SEEDS: dict[str, str] = {
    "request": json.dumps(
        {
            "model": "gpt-4o-mini",
            "messages": [{"role": "user", "content": "hi"}] * 3,
            "temperature": 0.7,
            "tools": [{"type": "function", "function": {"parameters": {"maximum": 1e308}}}],
        }
    ),
    "nan_deep": '{"a": [1, [2, [3, {"b": NaN}]], Infinity]}',
    "inf_first": "[[-Infinity], [NaN, 1]]",
    "negative_zero_big_int": '[-0.0, 18446744073709551616, -1e-310, 5e-324, "NaN"]',
    "tuples": '[[1, 2, 3], [4, 5], [[6]], {"x": [7.5, 8.5, Infinity]}]',
    "deep": "[" * 990 + "NaN" + "]" * 990,
}


def main() -> None:
    shutil.rmtree(SEEDS, ignore_errors=True)
    for module in ("sse", "tool_calls", "finite"):
        (SEEDS / module).mkdir(parents=True)
    for name, body, flags, cuts in SSE_SEEDS:
        tail = bytes([flags]) + b"".join(c.to_bytes(2, "little") for c in reversed(cuts))
        (SEEDS / "sse" / name).write_bytes(body + tail + bytes([len(cuts)]))
    for name, ops in TOOL_CALL_SEEDS.items():
        (SEEDS / "tool_calls" / f"{name}.json").write_text(json.dumps(ops, ensure_ascii=False))
    for name, text in FINITE_SEEDS.items():
        (SEEDS / "finite" / f"{name}.json").write_text(text)


if __name__ == "__main__":
    main()
