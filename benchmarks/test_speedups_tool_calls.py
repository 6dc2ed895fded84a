"""Tool-call assembler micro-benchmark: the same workload through both twins, same group.

Run: ``.venv/bin/python -m pytest benchmarks -p no:xdist --benchmark-only``.

The workload is one assistant turn as a stream delivers it: three parallel calls whose
arguments (about 1 KB each, strings with escapes and braces, a nested array) arrive in about
100 fragments each, round-robin like an interleaving server, then a fourth call whose 2 KB
argument arrives one character per chunk; ``finish()`` at the end. 2,306 delta entries in all.
It is fed as the client feeds it (``ChoiceDeltaToolCall`` Structs decoded by oxide, one list per
chunk) and, for comparison, as plain dicts. Decoding is done once, outside the timing.
"""

from __future__ import annotations

import json
import random
from typing import Any

import msgspec
import pytest

from oxide._models import decode
from oxide._speedups import ToolCallAssemblerC, ToolCallAssemblerPy
from oxide.types.chat.chat_completion_chunk import ChatCompletionChunk

TWINS = {"py": ToolCallAssemblerPy, "c": ToolCallAssemblerC}


def _fragments(text: str, count: int, rnd: random.Random) -> list[str]:
    cuts = sorted(rnd.sample(range(1, len(text)), count - 1))
    return [text[a:b] for a, b in zip([0, *cuts], [*cuts, len(text)], strict=True)]


def _workload() -> list[list[dict[str, Any]]]:
    """The tool-call entries of each chunk (choice 0), as dicts."""
    rnd = random.Random(5)
    arguments = [
        json.dumps(
            {
                "location": f"Paris, France ({i})" * 6,
                "unit": "celsius",
                "days": list(range(30)),
                "query": 'say "{hi}" \\ [there]' * 12,
                "nested": {"a": [{"b": None}, {"c": True}], "d": "caf\u00e9 \U0001f600"},
            }
        )
        for i in range(3)
    ]
    chunks: list[list[dict[str, Any]]] = []
    for i in range(3):
        head = {"index": i, "id": f"call_{i}", "type": "function"}
        chunks.append([{**head, "function": {"name": "get_weather", "arguments": ""}}])
    pieces = [_fragments(a, 100, rnd) for a in arguments]
    for k in range(100):
        for i in range(3):
            chunks.append([{"index": i, "function": {"arguments": pieces[i][k]}}])
    big = json.dumps({"text": "".join(rnd.choice("abcdefgh \"'{}") for _ in range(2000))})
    head = {"index": 3, "id": "call_3", "type": "function"}
    chunks.append([{**head, "function": {"name": "write_file", "arguments": ""}}])
    chunks += [[{"index": 3, "function": {"arguments": ch}}] for ch in big]
    return chunks


def _as_structs(chunks: list[list[dict[str, Any]]]) -> list[Any]:
    out = []
    for entries in chunks:
        body = {
            "id": "chatcmpl-1",
            "object": "chat.completion.chunk",
            "created": 1,
            "model": "gpt-4o",
            "choices": [{"index": 0, "delta": {"tool_calls": entries}, "finish_reason": None}],
        }
        decoded = decode(ChatCompletionChunk, msgspec.json.encode(body))
        out.append(decoded.choices[0].delta.tool_calls)
    return out


DICTS = _workload()
STRUCTS = _as_structs(DICTS)


def _assemble(cls: type, chunks: list[Any]) -> int:
    assembler = cls()
    feed = assembler.feed
    n = 0
    for entries in chunks:
        n += len(feed(0, entries))
    n += len(assembler.finish())
    return n


def _cls(twin: str) -> type:
    cls = TWINS[twin]
    if cls is None:  # not skipped: a benchmark run without the compiled twin is a broken build
        pytest.fail("the compiled twin is not built (run setup.py build_ext --inplace)")
    return cls


@pytest.mark.benchmark(group="tool_calls: structs (as the client feeds them)")
@pytest.mark.parametrize("twin", ["py", "c"])
def test_assemble_structs(benchmark: Any, twin: str) -> None:
    events = benchmark(_assemble, _cls(twin), STRUCTS)
    assert events == len(STRUCTS) + 4  # one delta per entry, one done per call


@pytest.mark.benchmark(group="tool_calls: dicts")
@pytest.mark.parametrize("twin", ["py", "c"])
def test_assemble_dicts(benchmark: Any, twin: str) -> None:
    events = benchmark(_assemble, _cls(twin), DICTS)
    assert events == len(DICTS) + 4


def test_twins_agree() -> None:
    """Both twins assemble the workload identically (a guard on what is being timed)."""
    results = []
    for twin in ("py", "c"):
        assembler = _cls(twin)()
        for entries in STRUCTS:
            assembler.feed(0, entries)
        assembler.finish()
        results.append(
            [(c.index, c.id, c.name, c.arguments, c.complete) for c in assembler.calls(0)]
        )
    assert results[0] == results[1]
    assert all(call[4] for call in results[0])
