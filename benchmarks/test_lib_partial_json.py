"""Partial JSON on every delta of a streamed structured answer: oxide vs jiter (the SDK's way).

Run: .venv/bin/python -m pytest benchmarks/test_lib_partial_json.py -p no:xdist --benchmark-only

A ~4 KB structured answer is cut into ~500 deltas (7-9 characters, as model deltas are); each
benchmark round streams the whole answer and produces a snapshot after every delta.

* `oxide_incremental`: `PartialJSONParser.feed(delta)` (scans only the delta, orjson-parses the
  completed prefix).
* `jiter_sdk`: what the official SDK does per chunk: `from_json(bytes(snapshot, "utf-8"),
  partial_mode=True)` on the growing snapshot.
* `oxide_one_shot`: `parse_partial_json(snapshot)` on the growing snapshot (no incremental state).
"""

from __future__ import annotations

import json
import random
from typing import Any

import jiter
import pytest

from oxide.lib import PartialJSONParser, parse_partial_json


def _answer() -> str:
    rng = random.Random(7)
    words = 'alpha beta gamma delta épsilon zeta 😀 theta "iota" kappa\nlambda mu'.split(" ")
    steps = []
    while True:
        steps.append(
            {
                "explanation": " ".join(rng.choice(words) for _ in range(rng.randint(6, 14))),
                "output": rng.choice(words) + str(rng.randint(0, 9999)),
                "confidence": round(rng.random(), 4),
                "tags": [rng.choice(words) for _ in range(3)],
                "done": rng.random() > 0.5,
                "ref": None,
            }
        )
        doc = {"steps": steps, "final_answer": "x = 42", "score": 1.5e3}
        text = json.dumps(doc, ensure_ascii=False, indent=1)
        if len(text) >= 4096:
            return text


ANSWER = _answer()


def _deltas(text: str) -> list[str]:
    rng = random.Random(11)
    out = []
    i = 0
    while i < len(text):
        n = rng.randint(7, 9)
        out.append(text[i : i + n])
        i += n
    return out


DELTAS = _deltas(ANSWER)


def _oxide_incremental(trailing: bool) -> Any:
    parser = PartialJSONParser(trailing_strings=trailing)
    value = None
    for delta in DELTAS:
        value = parser.feed(delta)
    return value


def _jiter_sdk(trailing: bool) -> Any:
    mode: Any = "trailing-strings" if trailing else True
    snapshot = ""
    value = None
    for delta in DELTAS:
        snapshot += delta
        value = jiter.from_json(bytes(snapshot, "utf-8"), partial_mode=mode)
    return value


def _oxide_one_shot(trailing: bool) -> Any:
    snapshot = ""
    value = None
    for delta in DELTAS:
        snapshot += delta
        value = parse_partial_json(snapshot, trailing_strings=trailing)
    return value


@pytest.mark.parametrize("trailing", [False, True], ids=["on", "trailing-strings"])
@pytest.mark.parametrize(
    "impl",
    [_oxide_incremental, _jiter_sdk, _oxide_one_shot],
    ids=["oxide_incremental", "jiter_sdk", "oxide_one_shot"],
)
def test_partial_json_stream(benchmark: Any, impl: Any, trailing: bool) -> None:
    benchmark.group = f"partial JSON, {len(ANSWER)} chars in {len(DELTAS)} deltas, {'trailing-strings' if trailing else 'on'}"
    result = benchmark(impl, trailing)
    assert result == json.loads(ANSWER)


def test_same_snapshots_as_jiter() -> None:
    for trailing in (False, True):
        mode: Any = "trailing-strings" if trailing else True
        parser = PartialJSONParser(trailing_strings=trailing)
        snapshot = ""
        for delta in DELTAS:
            snapshot += delta
            assert parser.feed(delta) == jiter.from_json(snapshot.encode(), partial_mode=mode)
