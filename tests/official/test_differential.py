"""oxide.official's two shortcuts give what the official code gives, object for object:

* building results: pydantic-core validation when the data is strictly valid, else the official
  `construct_type` (compared with `construct_type` on valid and invalid payloads);
* the request transform: a walk over the data for params types without aliased or formatted
  fields (compared with the official `maybe_transform` on the benchmark bodies and odd inputs).
"""

from __future__ import annotations

import copy
import json
from pathlib import Path
from typing import Any

import openai
import orjson
import pydantic
import pytest
from openai._models import construct_type
from openai._utils import _transform as official_transform
from openai.types import CreateEmbeddingResponse, EmbeddingCreateParams
from openai.types.chat import (
    ChatCompletion,
    ChatCompletionChunk,
    ChatCompletionMessage,
    completion_create_params,
)
from openai.types.responses import Response, ResponseStreamEvent, response_create_params

from oxide.official._route import _builder
from oxide.official._transform import is_plain, maybe_transform

FIXTURES = Path(__file__).parents[2] / "benchmarks" / "fixtures"


def same(a: Any, b: Any, where: str = "") -> None:
    """Equal values of the same classes all the way down, with the same fields set.

    One difference is allowed: pydantic counts a validated object's extra keys (fields the
    types do not declare) as set, `construct_type` does not; they are in `model_extra` and in
    every dump (`model_dump(exclude_unset=True)`, `to_dict()`) either way."""
    assert type(a) is type(b), f"{where}: {type(a)} != {type(b)}"
    if isinstance(a, pydantic.BaseModel):
        extra = (a.model_extra or {}).keys()
        assert extra == (b.model_extra or {}).keys(), where
        assert a.model_fields_set - extra == b.model_fields_set - extra, where
        for name in type(a).model_fields:
            same(getattr(a, name), getattr(b, name), f"{where}.{name}")
        for name, value in (a.model_extra or {}).items():
            same(value, b.model_extra[name], f"{where}.{name}")  # type: ignore[index]
    elif isinstance(a, dict):
        assert a.keys() == b.keys(), where
        for k in a:
            same(a[k], b[k], f"{where}[{k!r}]")
    elif isinstance(a, list):
        assert len(a) == len(b), where
        for i, (x, y) in enumerate(zip(a, b, strict=True)):
            same(x, y, f"{where}[{i}]")
    else:
        assert a == b, f"{where}: {a!r} != {b!r}"


def check_builder(tp: Any, payload: bytes) -> None:
    build = _builder(tp)
    for _ in range(5):  # also past the gate that stops validating after failures
        got, want = build(payload), construct_type(value=orjson.loads(payload), type_=tp)
        same(got, want)
        if isinstance(want, pydantic.BaseModel):
            # (no serializer warnings: invalid data is dumped as it is on both sides)
            dump = {"exclude_unset": True, "warnings": False}
            assert got.model_dump(**dump) == want.model_dump(**dump)
            assert got.to_json(warnings=False) == want.to_json(warnings=False)


def sse_payloads(name: str) -> list[bytes]:
    lines = (FIXTURES / name).read_bytes().split(b"\n")
    return [line[6:] for line in lines if line.startswith(b"data: {")]


@pytest.mark.parametrize(
    ("tp", "fixture"),
    [
        (ChatCompletion, "chat_tiny.response.json"),
        (ChatCompletion, "chat_heavy.response.json"),
        (Response, "responses.response.json"),
        (CreateEmbeddingResponse, "embeddings_float.response.json"),
        (CreateEmbeddingResponse, "embeddings_base64.response.json"),
    ],
)
def test_bodies_build_as_construct_type_builds_them(tp: Any, fixture: str) -> None:
    check_builder(tp, (FIXTURES / fixture).read_bytes())


@pytest.mark.parametrize(
    ("tp", "fixture"),
    [(ChatCompletionChunk, "chat_stream.sse"), (ResponseStreamEvent, "responses_stream.sse")],
)
def test_stream_events_build_as_construct_type_builds_them(tp: Any, fixture: str) -> None:
    payloads = sse_payloads(fixture)
    assert len(payloads) > 50
    for payload in payloads:
        check_builder(tp, payload)


def tiny() -> dict[str, Any]:
    return json.loads((FIXTURES / "chat_tiny.response.json").read_bytes())


def mutated(change: Any) -> bytes:
    data = tiny()
    change(data)
    return orjson.dumps(data)


@pytest.mark.parametrize(
    "change",
    [
        # an enum value newer than the installed types
        lambda d: d["choices"][0].update(finish_reason="a_new_reason"),
        # a field the types do not know, at the top and nested
        lambda d: d.update(new_field={"x": 1}),
        lambda d: d["choices"][0]["message"].update(new_nested=[1, 2]),
        # a required field missing
        lambda d: d.pop("created"),
        # types off: a string for an int, an int for a float, null for a list
        lambda d: d.update(created="1767225600"),
        lambda d: d["usage"].update(total_tokens=12.0),
        lambda d: d.update(choices=None),
        # a different discriminated variant than the data shape
        lambda d: d["choices"][0]["message"].update(
            tool_calls=[{"id": "c", "type": "a_new_tool_type", "whatever": 1}]
        ),
    ],
    ids=[
        "unknown-enum",
        "extra-top",
        "extra-nested",
        "missing-required",
        "str-for-int",
        "float-for-int",
        "null-list",
        "unknown-variant",
    ],
)
def test_invalid_data_builds_as_the_official_client_builds_it(change: Any) -> None:
    check_builder(ChatCompletion, mutated(change))


def test_unknown_stream_event_type_is_kept_as_the_official_client_keeps_it() -> None:
    payload = orjson.dumps({"type": "response.brand_new", "sequence_number": 3, "x": [1]})
    check_builder(ResponseStreamEvent, payload)


def test_malformed_json_is_a_decode_error() -> None:
    import msgspec

    with pytest.raises(msgspec.DecodeError):
        _builder(ChatCompletion)(b'{"id": ')


# -- the request transform -------------------------------------------------------------------

CHAT = completion_create_params.CompletionCreateParamsNonStreaming
RESPONSES = response_create_params.ResponseCreateParamsNonStreaming


def request(name: str) -> dict[str, Any]:
    return json.loads((FIXTURES / name).read_bytes())


def check_transform(data: Any, tp: Any) -> None:
    want = official_transform.maybe_transform(copy.deepcopy(data), tp)
    got = maybe_transform(copy.deepcopy(data), tp)
    assert orjson.dumps(got) == orjson.dumps(want)
    same(got, want)


@pytest.mark.parametrize(
    ("fixture", "tp"),
    [
        ("chat_tiny.request.json", CHAT),
        ("chat_heavy.request.json", CHAT),
        ("agent.request.json", CHAT),
        ("responses.request.json", RESPONSES),
        ("embeddings.request.json", EmbeddingCreateParams),
    ],
)
def test_benchmark_bodies_transform_as_the_official_transform_does(fixture: str, tp: Any) -> None:
    assert is_plain(tp)
    check_transform(request(fixture), tp)


def test_models_sentinels_and_iterables_transform_as_the_official_transform_does() -> None:
    message = ChatCompletionMessage.model_validate(
        {"role": "assistant", "content": None, "refusal": None}
    )
    body = {
        "model": "gpt-4o-mini",
        "messages": (  # a tuple: a list on the wire
            {"role": "user", "content": "hi", "name": openai.omit},
            message,  # an official model, dumped with exclude_unset
            {"role": "user", "content": [{"type": "text", "text": "x"}]},
        ),
        "temperature": openai.NOT_GIVEN,
        "metadata": {"k": "v"},
        "stop": ["a", "b"],
    }
    check_transform(body, CHAT)
    # a generator is consumed once by each transform: built afresh for each
    for transform in (official_transform.maybe_transform, maybe_transform):
        got = transform({"model": "m", "messages": (m for m in [{"role": "user"}])}, CHAT)
        assert got["messages"] == [{"role": "user"}]


def test_params_types_with_aliases_go_to_the_official_transform() -> None:
    from openai.types.beta import response_create_params as beta_params

    tp = beta_params.ResponseCreateParamsNonStreaming
    assert not is_plain(tp)
    body = {"model": "m", "input": "hi", "betas": ["x"]}
    assert maybe_transform(dict(body), tp) == official_transform.maybe_transform(dict(body), tp)
