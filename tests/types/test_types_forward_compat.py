"""RELIABILITY §3.5 (F1-F8): what a newer API or a sloppy compatible server sends decodes, never
crashes, stays reachable, and matches what the official SDK gives."""

from __future__ import annotations

import copy
import json
from typing import Any

import msgspec
import openai.types.chat as otc
import openai.types.responses as otr
import pytest

import oxide._models as om
import oxide.types.chat as xtc
import oxide.types.responses as xtr
from oxide._models import UNSET, UnknownVariant, convert, decode, decoder_for
from tests.types._parity import assert_same
from tests.types._synth import sdk_build

COMPLETION: dict[str, Any] = {
    "id": "chatcmpl-1",
    "object": "chat.completion",
    "created": 1741569952,
    "model": "gpt-4.1",
    "choices": [
        {
            "index": 0,
            "message": {"role": "assistant", "content": "Hi", "refusal": None, "annotations": []},
            "logprobs": None,
            "finish_reason": "stop",
        }
    ],
    "usage": {"prompt_tokens": 5, "completion_tokens": 1, "total_tokens": 6},
}

CHUNK: dict[str, Any] = {
    "id": "chatcmpl-1",
    "object": "chat.completion.chunk",
    "created": 1741569952,
    "model": "gpt-4.1",
    "choices": [{"index": 0, "delta": {"content": "Hi"}, "logprobs": None, "finish_reason": None}],
}

RESPONSE: dict[str, Any] = {
    "id": "resp_1",
    "object": "response",
    "created_at": 1741476542,
    "status": "completed",
    "model": "gpt-5.4",
    "output": [
        {
            "type": "message",
            "id": "msg_1",
            "status": "completed",
            "role": "assistant",
            "content": [{"type": "output_text", "text": "Hello", "annotations": []}],
        },
        {
            "type": "function_call",
            "id": "fc_1",
            "call_id": "call_1",
            "name": "f",
            "arguments": "{}",
            "status": "completed",
        },
    ],
    "parallel_tool_calls": True,
    "tool_choice": "auto",
    "tools": [],
}


def both(sdk_type: Any, ox_type: Any, doc: Any) -> tuple[Any, Any]:
    text = json.dumps(doc)
    return decode(ox_type, text), sdk_build(sdk_type, json.loads(text))


@pytest.fixture
def no_slow_path(monkeypatch: pytest.MonkeyPatch) -> None:
    """Fail if a decode leaves msgspec's fast path."""

    def boom(tp: Any, value: Any) -> Any:
        raise AssertionError(f"slow path taken for {tp!r}")

    monkeypatch.setattr(om, "_lenient", boom)
    # Fresh decoders: one that just saw extras would skip its fast attempt for a while.
    monkeypatch.setattr(om, "_DECODERS", {})


# -- F1: unknown fields -----------------------------------------------------------------------


def test_unknown_top_level_field_is_kept() -> None:
    ours, sdk = both(
        otc.ChatCompletion, xtc.ChatCompletion, {**COMPLETION, "brand_new": {"a": [1]}}
    )
    assert ours.brand_new == {"a": [1]}
    assert ours.model_extra == {"brand_new": {"a": [1]}}
    assert ours.to_dict()["brand_new"] == {"a": [1]}
    assert_same(ours, sdk)


def test_unknown_nested_field_is_an_attribute() -> None:
    """`delta.reasoning_content` from DeepSeek/vLLM-style servers, as with the SDK."""
    doc = copy.deepcopy(CHUNK)
    doc["choices"][0]["delta"]["reasoning_content"] = "thinking"
    ours, sdk = both(otc.ChatCompletionChunk, xtc.ChatCompletionChunk, doc)
    delta = ours.choices[0].delta
    assert delta.reasoning_content == "thinking"
    assert delta.model_extra == {"reasoning_content": "thinking"}
    assert isinstance(delta, xtc.chat_completion_chunk.ChoiceDelta)
    assert_same(ours, sdk)


def test_unknown_field_inside_a_union_member() -> None:
    doc = copy.deepcopy(RESPONSE)
    doc["output"][1]["new_flag"] = True
    ours, sdk = both(otr.Response, xtr.Response, doc)
    assert type(ours.output[0]) is xtr.ResponseOutputMessage
    assert type(ours.output[1]) is xtr.ResponseFunctionToolCall
    assert ours.output[1].new_flag is True
    assert_same(ours, sdk)


def test_unknown_field_named_like_a_method() -> None:
    ours = decode(
        xtc.ChatCompletion, json.dumps({**COMPLETION, "to_dict": 1, "not-an-identifier": 2})
    )
    assert callable(ours.to_dict)
    assert ours.model_extra == {"to_dict": 1, "not-an-identifier": 2}
    assert ours.to_dict()["to_dict"] == 1


def test_extras_survive_repeated_decodes() -> None:
    """After one payload with extras, the decoder goes straight to the lenient path for a
    while; payloads with and without extras keep decoding the same way."""
    decoder = decoder_for(xtc.ChatCompletion)
    with_extra = json.dumps({**COMPLETION, "x": 1})
    plain = json.dumps(COMPLETION)
    first = [decoder(with_extra), decoder(plain)] * 40
    assert all(o.to_dict() == json.loads(with_extra) for o in first[::2])
    assert all(o.to_dict() == json.loads(plain) for o in first[1::2])
    assert all(o.model_extra == {} for o in first[1::2])


def test_obfuscation_and_store_stay_on_the_fast_path(no_slow_path: None) -> None:
    """OpenAI pads streamed deltas with `obfuscation` and echoes `store` on responses; the
    pinned SDK declares neither on Responses stream events and Response (it declares
    `ChatCompletionChunk.obfuscation`, a plain field then). They decode in C, and behave as
    extras."""
    chunk = decode(xtc.ChatCompletionChunk, json.dumps({**CHUNK, "obfuscation": "k3Zp"}))
    assert chunk.obfuscation == "k3Zp"
    assert chunk.model_extra == {}
    assert "obfuscation" in chunk.model_fields_set
    event = decode(
        xtr.ResponseStreamEvent,
        '{"type":"response.output_text.delta","item_id":"m","output_index":0,'
        '"content_index":0,"delta":"Hi","logprobs":[],"sequence_number":3,"obfuscation":"z"}',
    )
    assert event.model_extra == {"obfuscation": "z"}
    response = decode(xtr.Response, json.dumps({**RESPONSE, "store": True}))
    assert response.model_extra == {"store": True}
    assert decode(xtc.ChatCompletionChunk, json.dumps(CHUNK)).model_extra == {}


def test_shadow_fields_match_the_sdk() -> None:
    ours, sdk = both(
        otc.ChatCompletionChunk, xtc.ChatCompletionChunk, {**CHUNK, "obfuscation": "q"}
    )
    assert_same(ours, sdk)
    ours, sdk = both(otr.Response, xtr.Response, {**RESPONSE, "store": False, "later": 1})
    assert_same(ours, sdk)


# -- F2: unknown enum values ------------------------------------------------------------------


def test_unknown_enum_values() -> None:
    doc = copy.deepcopy(COMPLETION)
    doc["choices"][0]["finish_reason"] = "brand_new"
    doc["choices"][0]["message"]["role"] = "narrator"
    doc["service_tier"] = "galactic"
    ours, sdk = both(otc.ChatCompletion, xtc.ChatCompletion, doc)
    assert ours.choices[0].finish_reason == "brand_new"
    assert ours.choices[0].message.role == "narrator"
    assert_same(ours, sdk)


def test_unknown_enum_values_stay_on_the_fast_path(no_slow_path: None) -> None:
    doc = copy.deepcopy(RESPONSE)
    doc["status"] = "paused"
    doc["output"][0]["status"] = "archived"
    doc["tool_choice"] = "sometimes"
    assert decode(xtr.Response, json.dumps(doc)).tool_choice == "sometimes"


# -- F3: unknown union members ----------------------------------------------------------------


def test_unknown_output_item_type() -> None:
    doc = copy.deepcopy(RESPONSE)
    doc["output"].insert(1, {"type": "hologram", "id": "h_1", "frames": [1, 2]})
    ours = decode(xtr.Response, json.dumps(doc))
    item = ours.output[1]
    assert isinstance(item, UnknownVariant)
    assert item.type == "hologram"
    assert item.frames == [1, 2]
    assert item["id"] == "h_1"
    assert dict(item) == doc["output"][1]
    # Known siblings keep their precise types.
    assert type(ours.output[0]) is xtr.ResponseOutputMessage
    assert type(ours.output[2]) is xtr.ResponseFunctionToolCall
    assert ours.output_text == "Hello"
    # The SDK builds its first variant with the unknown data; the dict form is the same.
    sdk = sdk_build(otr.Response, json.loads(json.dumps(doc)))
    assert ours.to_dict() == sdk.to_dict(warnings=False)
    assert item.to_dict() == doc["output"][1]


@pytest.mark.parametrize(
    "data",
    [
        b'{"type":"response.hologram.delta","sequence_number":9,"frames":[1]}',
        '{"type":"response.hologram.delta","sequence_number":9,"frames":[1]}',
        b' {"sequence_number":9, "frames":[1], "type":"response.hologram.delta"}',
    ],
    ids=["bytes", "str", "type-not-first"],
)
def test_unknown_stream_event_type(data: bytes | str) -> None:
    event = decode(xtr.ResponseStreamEvent, data)
    assert isinstance(event, UnknownVariant)
    assert event.type == "response.hologram.delta"
    assert event.sequence_number == 9


@pytest.mark.parametrize(
    "data",
    [
        b' {"sequence_number":1,"item_id":"m","output_index":0,"content_index":0,"logprobs":[],'
        b'"delta":"x","type":"response.output_text.delta"}',
        b'{"type":"response.output_text.delta","item_id":"m","output_index":0,"content_index":0,'
        b'"logprobs":[],"delta":"x","sequence_number":1}',
    ],
    ids=["type-last", "type-first"],
)
def test_known_stream_event_in_any_key_order(data: bytes) -> None:
    event = decode(xtr.ResponseStreamEvent, data)
    assert type(event) is xtr.ResponseTextDeltaEvent
    assert event.delta == "x"


def test_unknown_tool_call_type_in_chat_completion() -> None:
    doc = copy.deepcopy(COMPLETION)
    doc["choices"][0]["message"]["tool_calls"] = [
        {"id": "c1", "type": "function", "function": {"name": "f", "arguments": "{}"}},
        {"id": "c2", "type": "teleport", "destination": "mars"},
    ]
    ours = decode(xtc.ChatCompletion, json.dumps(doc))
    calls = ours.choices[0].message.tool_calls
    assert type(calls[0]).__name__ == "ChatCompletionMessageFunctionToolCall"
    assert isinstance(calls[1], UnknownVariant) and calls[1].destination == "mars"


def test_missing_discriminator_falls_back_to_matching() -> None:
    """No `type` at all: chosen by shape (the SDK builds its first variant, a message)."""
    doc = copy.deepcopy(RESPONSE)
    del doc["output"][1]["type"]
    ours, sdk = both(otr.Response, xtr.Response, doc)
    assert type(ours.output[1]) is xtr.ResponseFunctionToolCall
    assert ours.output[1].call_id == "call_1"
    assert ours.to_dict() == sdk.to_dict(warnings=False)


# -- F4 / F5: missing required fields, mismatched types ---------------------------------------


def test_missing_required_fields(no_slow_path: None) -> None:
    doc = {k: v for k, v in CHUNK.items() if k not in ("id", "created", "object")}
    chunk = decode(xtc.ChatCompletionChunk, json.dumps(doc))
    assert chunk.choices[0].delta.content == "Hi"
    assert chunk.id is UNSET  # the SDK's construct reads None here; UNSET is falsy
    assert not chunk.created
    assert "id" not in chunk.to_dict()
    assert chunk.model_dump()["id"] is None


def test_missing_required_fields_match_the_sdk() -> None:
    doc = {k: v for k, v in COMPLETION.items() if k not in ("created", "object", "choices")}
    ours, sdk = both(otc.ChatCompletion, xtc.ChatCompletion, doc)
    assert_same(ours, sdk)


@pytest.mark.parametrize(
    "patch",
    [
        {"created": "yesterday"},
        {"choices": [{"index": "0", "message": {"role": "assistant", "content": 42}}]},
        {"usage": {"prompt_tokens": 1.5, "completion_tokens": None, "total_tokens": "n/a"}},
        {"choices": "none"},
        {"usage": [1, 2]},
    ],
    ids=["str-for-int", "nested", "floats-and-null", "str-for-list", "list-for-object"],
)
def test_mismatched_types_are_kept_as_given(patch: dict[str, Any]) -> None:
    ours, sdk = both(otc.ChatCompletion, xtc.ChatCompletion, {**COMPLETION, **patch})
    assert ours.to_dict() == sdk.to_dict(warnings=False)
    assert ours.model_dump() == sdk.model_dump(warnings=False)
    assert repr(ours) == repr(sdk)


def test_float_fields_take_integers() -> None:
    ours, sdk = both(otr.Response, xtr.Response, RESPONSE)
    assert ours.created_at == 1741476542.0 and type(ours.created_at) is float
    assert_same(ours, sdk)


# -- F6 / F7 / F8 -----------------------------------------------------------------------------


def test_lone_surrogate_escape() -> None:
    text = json.dumps(COMPLETION).replace('"Hi"', '"\\ud800 Hi"')
    with pytest.raises(msgspec.DecodeError):
        msgspec.json.decode(text)
    ours = decode(xtc.ChatCompletion, text)
    assert ours.choices[0].message.content == json.loads(text)["choices"][0]["message"]["content"]


def test_huge_float() -> None:
    text = json.dumps({"data": [], "model": "m", "object": "list"})
    text = text.replace(
        '"data": []', '"data": [{"embedding": [1e400, 0.5], "index": 0, "object": "embedding"}]'
    )
    import openai.types as ot

    import oxide.types as xt

    ours = decode(xt.CreateEmbeddingResponse, text)
    assert ours.data[0].embedding == [float("inf"), 0.5]
    assert ours.to_dict() == sdk_build(ot.CreateEmbeddingResponse, json.loads(text)).to_dict()


def test_duplicate_keys_last_wins() -> None:
    text = json.dumps(COMPLETION)[:-1] + ', "model": "second"}'
    assert decode(xtc.ChatCompletion, text).model == "second"


# -- what still raises ------------------------------------------------------------------------


@pytest.mark.parametrize("data", [b"", b"{", b'{"id": }', b"nope"])
def test_malformed_json_raises_decode_error(data: bytes) -> None:
    with pytest.raises(msgspec.DecodeError):
        decode(xtc.ChatCompletion, data)


@pytest.mark.parametrize("data", [b"[]", b'"text"', b"42", b"null"])
def test_wrong_top_level_shape_raises_validation_error(data: bytes) -> None:
    with pytest.raises(msgspec.ValidationError):
        decode(xtc.ChatCompletion, data)


def test_union_top_level_keeps_non_objects() -> None:
    assert decode(xtr.ResponseStreamEvent, b"[1]") == [1]


# -- the decode API ---------------------------------------------------------------------------


def test_decoder_for_is_cached() -> None:
    assert decoder_for(xtc.ChatCompletion) is decoder_for(xtc.ChatCompletion)
    assert decoder_for(list[xtc.ChatCompletion]) is decoder_for(list[xtc.ChatCompletion])
    assert decoder_for(xtr.ResponseStreamEvent)(json.dumps(RESPONSE | {"type": "x"})).type == "x"


def test_convert_from_python_objects() -> None:
    doc = copy.deepcopy(COMPLETION)
    doc["extra_key"] = {"n": 1}
    before = copy.deepcopy(doc)
    ours = convert(xtc.ChatCompletion, doc)
    assert doc == before  # the input is not modified
    assert ours.extra_key == {"n": 1}
    assert ours.to_dict() == doc
    assert convert(xtr.ResponseStreamEvent, {"type": "x", "a": 1}) == {"type": "x", "a": 1}
    items = convert(list[xtc.ChatCompletion], [COMPLETION, COMPLETION])
    assert [type(i) for i in items] == [xtc.ChatCompletion] * 2


def test_decode_lists_and_bytes_like() -> None:
    text = json.dumps([COMPLETION, {**COMPLETION, "x": 1}])
    items = decode(list[xtc.ChatCompletion], text.encode())
    assert items[1].x == 1 and type(items[0]) is xtc.ChatCompletion
    assert decode(xtc.ChatCompletion, bytearray(json.dumps(COMPLETION).encode())).id == "chatcmpl-1"
    assert (
        decode(xtc.ChatCompletion, memoryview(json.dumps(COMPLETION).encode())).id == "chatcmpl-1"
    )
