"""Decoded objects match the official SDK's: realtime spec examples, a synthesized payload (and
two full ones) for every model of `openai.types`, and random payloads for the hot types.

"Match" is everything `assert_same` checks: to_dict (all option combos users pass), model_dump,
model_dump_json (byte for byte), to_json, model_fields_set, model_extra and repr."""

from __future__ import annotations

import importlib
import json
import zlib
from collections import defaultdict
from typing import Any, Generic, TypeVar

import openai.pagination
import openai.types as ot
import openai.types.chat as otc
import openai.types.responses as otr
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import oxide.types as xt
import oxide.types.chat as xtc
import oxide.types.responses as xtr
from oxide._models import BaseModel, decode
from tests.types._examples import by_kind, examples
from tests.types._parity import assert_same, fallback_affected, oxide_twin
from tests.types._synth import payload, sdk_build, sdk_models, seeded

# -- spec examples ----------------------------------------------------------------------------

EXAMPLE_KINDS = [
    ("chat.completion", otc.ChatCompletion, xtc.ChatCompletion),
    ("chat.completion.chunk", otc.ChatCompletionChunk, xtc.ChatCompletionChunk),
    ("response", otr.Response, xtr.Response),
    ("list:embedding", ot.CreateEmbeddingResponse, xt.CreateEmbeddingResponse),
    ("model", ot.Model, xt.Model),
    ("model.deleted", ot.ModelDeleted, xt.ModelDeleted),
    ("text_completion", ot.Completion, xt.Completion),
]


def _example_cases() -> list[Any]:
    cases = []
    for kind, sdk_type, ox_type in EXAMPLE_KINDS:
        found = examples(kind)
        assert found, kind
        for i, doc in enumerate(found):
            cases.append(pytest.param(doc, sdk_type, ox_type, id=f"{kind}-{i}"))
    return cases


@pytest.mark.parametrize(("doc", "sdk_type", "ox_type"), _example_cases())
@pytest.mark.parametrize("as_bytes", [True, False], ids=["bytes", "str"])
def test_spec_example(doc: dict[str, Any], sdk_type: Any, ox_type: Any, as_bytes: bool) -> None:
    text = json.dumps(doc)
    ours = decode(ox_type, text.encode() if as_bytes else text)
    assert type(ours) is ox_type
    assert_same(ours, sdk_build(sdk_type, json.loads(text)))


def _stream_event_cases() -> list[Any]:
    known = set(xtr.ResponseStreamEvent._oxide_map())  # type: ignore[attr-defined]
    cases = []
    for kind, docs in sorted(by_kind().items()):
        if kind.startswith("type:") and kind[5:] in known:
            for i, doc in enumerate(docs):
                cases.append(pytest.param(doc, id=f"{kind[5:]}-{i}"))
    return cases


STREAM_EVENT_CASES = _stream_event_cases()


def test_spec_has_many_stream_event_examples() -> None:
    assert len({c.id.rsplit("-", 1)[0] for c in STREAM_EVENT_CASES}) >= 40


@pytest.mark.parametrize("doc", STREAM_EVENT_CASES)
def test_spec_example_stream_event(doc: dict[str, Any]) -> None:
    text = json.dumps(doc)
    ours = decode(xtr.ResponseStreamEvent, text)  # SSE data is a str
    sdk = sdk_build(otr.ResponseStreamEvent, json.loads(text))
    assert type(ours).__name__ == type(sdk).__name__
    assert_same(ours, sdk)


_T = TypeVar("_T")


class Page(BaseModel, Generic[_T]):
    """A SyncPage-like envelope, to show generic Structs decode through `decode`."""

    data: list[_T]
    object: str


def test_spec_example_model_list() -> None:
    (doc,) = examples("list:model")
    text = json.dumps(doc)
    page = decode(Page[xt.Model], text)
    sdk = sdk_build(openai.pagination.SyncPage[ot.Model], json.loads(text))
    assert [type(m) for m in page.data] == [xt.Model] * len(doc["data"])
    assert [m.to_dict() for m in page.data] == [m.to_dict() for m in sdk.data]
    assert page.to_dict() == sdk.to_dict()
    items = decode(list[xt.Model], json.dumps(doc["data"]))
    for ours, theirs in zip(items, sdk.data, strict=True):
        assert_same(ours, theirs)


# -- every model, synthesized payloads --------------------------------------------------------


def _models_by_module() -> dict[str, list[tuple[str, Any]]]:
    out: dict[str, list[tuple[str, Any]]] = defaultdict(list)
    for modname, name, cls in sdk_models():
        out[modname].append((name, cls))
    return dict(out)


MODELS_BY_MODULE = _models_by_module()


def _check(sdk_type: Any, ox_type: Any, doc: Any, context: str) -> None:
    text = json.dumps(doc)
    ours = decode(ox_type, text)
    sdk = sdk_build(sdk_type, json.loads(text))
    if type(ours) in fallback_affected():
        assert ours.to_dict() == sdk.to_dict(warnings=False), context
    else:
        assert_same(ours, sdk, context=context)


@pytest.mark.parametrize("modname", sorted(MODELS_BY_MODULE))
def test_every_model_decodes_like_the_sdk(modname: str) -> None:
    """Per model: the required fields only, and twice every field (some explicitly null)."""
    twin_module = importlib.import_module("oxide" + modname[len("openai") :])
    for name, cls in MODELS_BY_MODULE[modname]:
        twin = getattr(twin_module, name)
        for full, seed in ((False, 0), (True, 0), (True, 1)):
            draw = seeded(zlib.crc32(f"{modname}.{name}.{seed}".encode()))
            doc = payload(cls, draw, full=full)
            _check(cls, twin, doc, f"{name} full={full} seed={seed}: {json.dumps(doc)[:300]}")


def test_model_count() -> None:
    assert sum(len(v) for v in MODELS_BY_MODULE.values()) > 2000


# -- random payloads for the hot types --------------------------------------------------------

HOT = [
    otc.ChatCompletion,
    otc.ChatCompletionChunk,
    otr.Response,
    ot.CreateEmbeddingResponse,
    ot.Completion,
    *sorted(
        {
            t
            for t in xtr.ResponseStreamEvent._oxide_map().values()  # type: ignore[attr-defined]
        },
        key=lambda t: t.__name__,
    ),
]
HOT = [
    getattr(importlib.import_module("openai" + t.__module__[5:]), t.__name__)
    if t.__module__.startswith("oxide")
    else t
    for t in HOT
]


@pytest.mark.parametrize("sdk_type", HOT, ids=lambda t: t.__name__)
@settings(
    max_examples=15,
    deadline=None,
    derandomize=True,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)
@given(data=st.data())
def test_hot_types_random_payloads(sdk_type: Any, data: st.DataObject) -> None:
    full = data.draw(st.booleans())
    doc = payload(sdk_type, lambda options: data.draw(st.sampled_from(list(options))), full=full)
    _check(sdk_type, oxide_twin(sdk_type), doc, json.dumps(doc)[:300])


def test_stream_event_union_random_payloads() -> None:
    """Every ResponseStreamEvent member through the top-level union decoder."""
    members = sorted(
        set(otr.ResponseStreamEvent.__origin__.__args__),  # type: ignore[attr-defined]
        key=lambda t: t.__name__,
    )
    assert len(members) >= 50
    for i, member in enumerate(members):
        doc = payload(member, seeded(i), full=bool(i % 2))
        text = json.dumps(doc, separators=(",", ":"))
        ours = decode(xtr.ResponseStreamEvent, text)
        sdk = sdk_build(otr.ResponseStreamEvent, json.loads(text))
        assert type(ours).__name__ == type(sdk).__name__ == member.__name__
        assert_same(ours, sdk, context=member.__name__)
