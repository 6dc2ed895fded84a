"""Decode time of the hot response types: oxide's msgspec Structs against the official SDK's
pydantic models (its own path, `json.loads` + `construct_type`, and `model_validate_json`), on
the benchmark's fixture payloads. One group per payload."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import openai.types as ot
import openai.types.chat as otc
import openai.types.responses as otr
import pytest
from openai._models import construct_type

import oxide.types as xt
import oxide.types.chat as xtc
import oxide.types.responses as xtr
from oxide._models import decode

FIXTURES = Path(__file__).parent / "fixtures"


def _stream_payloads(name: str) -> list[bytes]:
    out = []
    for line in (FIXTURES / name).read_bytes().splitlines():
        if line.startswith(b"data: ") and line[6:] != b"[DONE]":
            out.append(line[6:])
    return out


CASES: dict[str, tuple[Any, Any, list[bytes]]] = {
    "chat_completion": (
        xtc.ChatCompletion,
        otc.ChatCompletion,
        [(FIXTURES / "chat_heavy.response.json").read_bytes()],
    ),
    "chat_stream_114_chunks": (
        xtc.ChatCompletionChunk,
        otc.ChatCompletionChunk,
        _stream_payloads("chat_stream.sse"),
    ),
    "response_with_tool_calls": (
        xtr.Response,
        otr.Response,
        [(FIXTURES / "responses.response.json").read_bytes()],
    ),
    "embedding_1536_floats": (
        xt.CreateEmbeddingResponse,
        ot.CreateEmbeddingResponse,
        [(FIXTURES / "embeddings_float.response.json").read_bytes()],
    ),
}


def _oxide(tp: Any, payloads: list[bytes]) -> Any:
    return [decode(tp, p) for p in payloads]


def _sdk_construct(tp: Any, payloads: list[bytes]) -> Any:
    return [construct_type(type_=tp, value=json.loads(p)) for p in payloads]


def _sdk_validate(tp: Any, payloads: list[bytes]) -> Any:
    return [tp.model_validate_json(p) for p in payloads]


IMPLS = {"oxide": _oxide, "openai-construct": _sdk_construct, "openai-validate": _sdk_validate}


# The SDK's own path is `construct_type` (no validation). `model_validate_json` is shown where
# the fixture passes pydantic's validation; the Response fixture leaves out fields pydantic
# requires (as compatible servers do), which only the lenient paths accept.
COMBOS = [
    (c, i)
    for c in CASES
    for i in IMPLS
    if not (c == "response_with_tool_calls" and i == "openai-validate")
]


@pytest.mark.parametrize("case,impl", COMBOS)
def test_decode(benchmark: Any, case: str, impl: str) -> None:
    ours, theirs, payloads = CASES[case]
    tp = ours if impl == "oxide" else theirs
    benchmark.group = f"decode: {case}"
    result = benchmark(IMPLS[impl], tp, payloads)
    # Same content either way.
    expected = _sdk_construct(theirs, payloads[-1:])[0].to_dict()
    assert json.loads(json.dumps(result[-1].to_dict())) == json.loads(json.dumps(expected))
