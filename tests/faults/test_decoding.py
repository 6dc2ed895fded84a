"""Response bodies the generated types do not expect -> what the client returns (§3.2 F1-F8).

An `aiohttp.web` server returns a fixed body (JSON, or an event stream) to
`chat.completions.create(...)`, `responses.create(...)`, `models.retrieve(...)` and their
streams. The same bytes go to the official SDK (openai 3.3.1) pointed at the same server, and
the two results are compared (`to_dict()`, or attributes where the SDK's pydantic serializer
would warn). The mechanics are in the oxide/_models.py docstring.

Rows
----
F1 Unknown fields, top level and nested: kept, readable as attributes, in `model_extra`,
   `to_dict()` and `model_dump()` (pydantic's `extra="allow"`).
F2 Unknown enum values (`finish_reason`, `status`, ...): decoded, value kept.
F3 Unknown union tags (a new output item, content part, stream event type): decoded as an
   `UnknownVariant` (the raw object with attribute access), known siblings keep their types,
   and a stream goes on past the unknown event.
F4 Missing required fields: decoded leniently; a stream does not die on one malformed event.
F5 Type mismatches (int where str is expected, ...): the value is kept as given.
F6 Lone surrogate escapes (`"\\ud800"`): decoded (stdlib json fallback), equal to json.loads.
F7 `1e400` / `-1e400`: float('inf') / float('-inf'), as json.loads gives (and 1e-400 -> 0.0).
F8 Duplicate keys: the last one wins (json.loads and the SDK agree), nested ones too.

Where oxide deliberately differs from the SDK
---------------------------------------------
* F3: for an unknown tag the SDK builds the union's first variant (`output[0]` of an unknown
  type is a `ResponseOutputMessage` whose declared fields are None); oxide returns an
  `UnknownVariant` holding exactly what the server sent, so `isinstance` checks on the known
  types stay truthful. `to_dict()` is the same for both; `model_dump()` differs only in the
  SDK's None-filled fields of the wrong variant.
* F4: a required field the server left out reads `UNSET` (falsy, shown as None in repr and
  left out of `to_dict()`), where the SDK's `construct` reads None.
* F4: `responses.stream(...)` survives a delta event with its indices missing; the SDK's
  accumulator dies with TypeError (`snapshot.output[None]`).
"""

from __future__ import annotations

import json
import math
import warnings
from collections.abc import Awaitable, Callable
from typing import Any

import openai
import orjson
import pytest
from aiohttp import web
from msgspec import UNSET

import oxide
from oxide._models import UnknownVariant
from oxide.types import Model
from oxide.types.chat import ChatCompletion, ChatCompletionChunk
from oxide.types.responses import (
    ResponseCompletedEvent,
    ResponseCreatedEvent,
    ResponseOutputMessage,
    ResponseOutputText,
    ResponseTextDeltaEvent,
)

from .conftest import API_KEY, MESSAGES, acquired, chat_chunk, chat_completion, model_obj, sse

DONE = b"data: [DONE]\n\n"
Call = Callable[[Any], Awaitable[Any]]


# -- the calls, for both clients -------------------------------------------------------------------


async def chat(client: Any) -> Any:
    return await client.chat.completions.create(model="gpt-test", messages=MESSAGES)


async def responses(client: Any) -> Any:
    return await client.responses.create(model="gpt-test", input="hi")


async def model(client: Any) -> Any:
    return await client.models.retrieve("gpt-test")


async def chat_stream(client: Any) -> list[Any]:
    stream = await client.chat.completions.create(model="gpt-test", messages=MESSAGES, stream=True)
    items = [item async for item in stream]
    if isinstance(client, oxide.AsyncOpenAI):
        assert stream.completed
    return items


async def responses_stream(client: Any) -> list[Any]:
    stream = await client.responses.create(model="gpt-test", input="hi", stream=True)
    items = [item async for item in stream]
    if isinstance(client, oxide.AsyncOpenAI):
        assert stream.completed
    return items


async def serve(web_server: Any, body: bytes, content_type: str = "application/json") -> Any:
    async def handler(request: web.Request, n: int) -> web.Response:
        return web.Response(body=body, content_type=content_type)

    return await web_server(handler)


async def both(
    web_server: Any,
    make_client: Any,
    body: bytes,
    call: Call,
    content_type: str = "application/json",
) -> tuple[Any, Any]:
    """`call` made by oxide, then by the SDK, against a server that always returns `body`."""
    server = await serve(web_server, body, content_type)
    client = make_client(server.url)
    ours = await call(client)
    assert server.count == 1
    assert acquired(client) == 0
    async with openai.AsyncOpenAI(api_key=API_KEY, base_url=server.url, max_retries=0) as sdk:
        theirs = await call(sdk)
    return ours, theirs


async def both_streamed(web_server: Any, make_client: Any, body: bytes, call: Call) -> Any:
    return await both(web_server, make_client, body, call, "text/event-stream")


def sdk_dict(obj: Any) -> Any:
    """The SDK's `to_dict()`, without pydantic's serializer warnings about mismatched types."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", UserWarning)
        return obj.to_dict()


def response_obj(output: list[Any], **extra: Any) -> dict[str, Any]:
    return {
        "id": "resp_1",
        "object": "response",
        "created_at": 1700000000,
        "model": "gpt-test",
        "output": output,
        "parallel_tool_calls": True,
        "tool_choice": "auto",
        "tools": [],
        "status": "completed",
        **extra,
    }


def message_item(text: str = "hi", **extra: Any) -> dict[str, Any]:
    return {
        "type": "message",
        "id": "msg_1",
        "role": "assistant",
        "status": "completed",
        "content": [{"type": "output_text", "text": text, "annotations": []}],
        **extra,
    }


def event_sse(obj: dict[str, Any]) -> bytes:
    return b"event: " + obj["type"].encode() + b"\ndata: " + orjson.dumps(obj) + b"\n\n"


def created_event(seq: int = 0) -> dict[str, Any]:
    return {
        "type": "response.created",
        "response": response_obj([], status="in_progress"),
        "sequence_number": seq,
    }


def completed_event(seq: int, text: str = "hi") -> dict[str, Any]:
    return {
        "type": "response.completed",
        "response": response_obj([message_item(text)]),
        "sequence_number": seq,
    }


def delta_event(seq: int, delta: str = "hi", **extra: Any) -> dict[str, Any]:
    return {
        "type": "response.output_text.delta",
        "item_id": "msg_1",
        "output_index": 0,
        "content_index": 0,
        "delta": delta,
        "logprobs": [],
        "sequence_number": seq,
        **extra,
    }


def text_stream_prelude() -> bytes:
    """created, output_item.added and content_part.added: what a helper needs before deltas."""
    item = {**message_item(), "status": "in_progress", "content": []}
    part = {"type": "output_text", "text": "", "annotations": []}
    return (
        event_sse(created_event(0))
        + event_sse(
            {
                "type": "response.output_item.added",
                "output_index": 0,
                "item": item,
                "sequence_number": 1,
            }
        )
        + event_sse(
            {
                "type": "response.content_part.added",
                "item_id": "msg_1",
                "output_index": 0,
                "content_index": 0,
                "part": part,
                "sequence_number": 2,
            }
        )
    )


# -- F1: unknown fields ------------------------------------------------------------------------------


@pytest.mark.asyncio
async def test_f1_unknown_fields_in_a_chat_completion_kept_like_the_sdk(web_server, make_client):
    body = chat_completion()
    body["new_top"] = {"nested": [1, 2]}
    body["choices"][0]["new_choice_field"] = "c"
    body["choices"][0]["message"]["reasoning_content"] = "thinking"
    body["usage"]["new_usage"] = 7
    ours, theirs = await both(web_server, make_client, orjson.dumps(body), chat)
    assert isinstance(ours, ChatCompletion)
    # Attributes.
    assert ours.new_top == {"nested": [1, 2]}
    assert ours.choices[0].new_choice_field == "c"
    assert ours.choices[0].message.reasoning_content == "thinking"
    assert ours.usage.new_usage == 7
    # model_extra, per object.
    assert ours.model_extra == {"new_top": {"nested": [1, 2]}}
    assert ours.choices[0].message.model_extra == {"reasoning_content": "thinking"}
    assert ours.usage.model_extra == theirs.usage.model_extra == {"new_usage": 7}
    # Dumps: the unknown fields are in them, exactly as in the SDK's.
    assert ours.to_dict()["choices"][0]["message"]["reasoning_content"] == "thinking"
    assert ours.to_dict() == theirs.to_dict()
    assert ours.model_dump() == theirs.model_dump()
    assert json.loads(ours.to_json()) == json.loads(theirs.to_json())
    # Known fields are unaffected.
    assert ours.choices[0].message.content == "hi"
    assert ours.usage.total_tokens == 2


@pytest.mark.asyncio
async def test_f1_unknown_fields_in_a_response_and_a_model(web_server, make_client):
    item = message_item(new_item_field=3)
    item["content"][0]["new_part_field"] = {"k": "v"}
    body = orjson.dumps(response_obj([item], new_top="t"))
    ours, theirs = await both(web_server, make_client, body, responses)
    assert ours.new_top == "t"
    assert ours.output[0].new_item_field == 3
    assert ours.output[0].content[0].new_part_field == {"k": "v"}
    assert isinstance(ours.output[0], ResponseOutputMessage)
    assert isinstance(ours.output[0].content[0], ResponseOutputText)
    assert ours.output_text == theirs.output_text == "hi"
    assert ours.to_dict() == theirs.to_dict()
    assert ours.model_dump() == theirs.model_dump()

    ours, theirs = await both(
        web_server, make_client, orjson.dumps({**model_obj(), "context_window": 128000}), model
    )
    assert isinstance(ours, Model)
    assert ours.context_window == theirs.context_window == 128000
    assert ours.model_extra == theirs.model_extra == {"context_window": 128000}
    assert ours.to_dict() == theirs.to_dict()


@pytest.mark.asyncio
async def test_f1_unknown_fields_in_stream_chunks(web_server, make_client):
    first = chat_chunk("")
    first["choices"][0]["delta"] = {"reasoning_content": "think"}
    first["obfuscation"] = "xyz"
    body = sse(first) + sse(chat_chunk("a")) + DONE
    ours, theirs = await both_streamed(web_server, make_client, body, chat_stream)
    assert ours[0].choices[0].delta.reasoning_content == "think"
    assert ours[0].choices[0].delta.content is None
    assert ours[0].obfuscation == "xyz"
    assert ours[1].choices[0].delta.content == "a"
    assert [c.to_dict() for c in ours] == [c.to_dict() for c in theirs]


# -- F2: unknown enum values -----------------------------------------------------------------------


@pytest.mark.asyncio
async def test_f2_unknown_enum_values_in_a_chat_completion(web_server, make_client):
    body = chat_completion()
    body["choices"][0]["finish_reason"] = "brand_new"
    body["service_tier"] = "brand_new_tier"
    body["object"] = "chat.completion.v2"
    ours, theirs = await both(web_server, make_client, orjson.dumps(body), chat)
    assert ours.choices[0].finish_reason == theirs.choices[0].finish_reason == "brand_new"
    assert ours.service_tier == theirs.service_tier == "brand_new_tier"
    assert ours.object == "chat.completion.v2"
    assert ours.to_dict() == theirs.to_dict()


@pytest.mark.asyncio
async def test_f2_unknown_status_in_a_response(web_server, make_client):
    body = orjson.dumps(
        response_obj([message_item(status="brand_new_item_status")], status="brand_new_status")
    )
    ours, theirs = await both(web_server, make_client, body, responses)
    assert ours.status == theirs.status == "brand_new_status"
    assert isinstance(ours.output[0], ResponseOutputMessage)
    assert ours.output[0].status == "brand_new_item_status"
    assert ours.to_dict() == sdk_dict(theirs)


@pytest.mark.asyncio
async def test_f2_unknown_finish_reason_in_a_stream(web_server, make_client):
    body = sse(chat_chunk("a")) + sse(chat_chunk("", finish="brand_new")) + DONE
    ours, theirs = await both_streamed(web_server, make_client, body, chat_stream)
    assert [c.choices[0].finish_reason for c in ours] == [None, "brand_new"]
    assert [c.to_dict() for c in ours] == [c.to_dict() for c in theirs]


# -- F3: unknown union tags ------------------------------------------------------------------------

NEW_ITEM = {"type": "brand_new_item", "id": "bn_1", "payload": {"k": [1, 2]}}
NEW_PART = {"type": "brand_new_part", "data": "z"}


@pytest.mark.asyncio
async def test_f3_unknown_output_item_and_content_part_in_a_response(web_server, make_client):
    item = message_item()
    item["content"].insert(0, NEW_PART)
    body = orjson.dumps(response_obj([NEW_ITEM, item]))
    ours, theirs = await both(web_server, make_client, body, responses)
    unknown = ours.output[0]
    assert isinstance(unknown, UnknownVariant)
    assert not isinstance(unknown, ResponseOutputMessage)
    assert (unknown.type, unknown.id, unknown.payload) == ("brand_new_item", "bn_1", {"k": [1, 2]})
    assert unknown == NEW_ITEM  # exactly what the server sent
    assert unknown.to_dict() == NEW_ITEM
    with pytest.raises(AttributeError):
        _ = unknown.missing
    # The known sibling keeps its type, and the unknown part inside it is kept too.
    assert isinstance(ours.output[1], ResponseOutputMessage)
    assert isinstance(ours.output[1].content[0], UnknownVariant)
    assert ours.output[1].content[0].data == "z"
    assert isinstance(ours.output[1].content[1], ResponseOutputText)
    assert ours.output_text == theirs.output_text == "hi"
    # The SDK builds its first variant for the unknown tag; its `.type` and dump agree.
    assert theirs.output[0].type == "brand_new_item"
    assert ours.to_dict() == sdk_dict(theirs)


@pytest.mark.asyncio
async def test_f3_unknown_stream_event_type_then_the_stream_goes_on(web_server, make_client):
    new_event = {"type": "response.brand_new", "sequence_number": 1, "foo": {"a": 1}}
    body = (
        event_sse(created_event(0))
        + event_sse(new_event)
        + event_sse(delta_event(2))
        + event_sse(completed_event(3))
    )
    ours, theirs = await both_streamed(web_server, make_client, body, responses_stream)
    assert [type(e) for e in ours] == [
        ResponseCreatedEvent,
        UnknownVariant,
        ResponseTextDeltaEvent,
        ResponseCompletedEvent,
    ]
    assert ours[1] == new_event
    assert (ours[1].type, ours[1].sequence_number, ours[1].foo) == (
        "response.brand_new",
        1,
        {"a": 1},
    )
    assert ours[2].delta == "hi"
    assert [e.type for e in ours] == [e.type for e in theirs]
    assert [e.to_dict() for e in ours] == [sdk_dict(e) for e in theirs]


@pytest.mark.asyncio
async def test_f3_responses_helper_passes_an_unknown_event_through(web_server, make_client):
    new_event = {"type": "response.brand_new", "sequence_number": 3}
    body = (
        text_stream_prelude()
        + event_sse(new_event)
        + event_sse(delta_event(4))
        + event_sse(completed_event(5))
    )
    server = await serve(web_server, body, "text/event-stream")
    client = make_client(server.url)
    async with client.responses.stream(model="gpt-test", input="hi") as stream:
        events = [e async for e in stream]
        final = await stream.get_final_response()
    assert "response.brand_new" in [e.type for e in events]
    assert isinstance(next(e for e in events if e.type == "response.brand_new"), UnknownVariant)
    assert final.output_text == "hi"
    assert acquired(client) == 0


# -- F4: missing required fields ---------------------------------------------------------------------


@pytest.mark.asyncio
async def test_f4_missing_required_fields_decode_leniently(web_server, make_client):
    body = model_obj()
    del body["owned_by"], body["created"]
    ours, theirs = await both(web_server, make_client, orjson.dumps(body), model)
    assert isinstance(ours, Model)
    assert ours.id == "gpt-test"
    # Deliberate: UNSET (falsy), where the SDK's construct() reads None.
    assert ours.owned_by is UNSET and not ours.owned_by
    assert theirs.owned_by is None
    assert ours.to_dict() == theirs.to_dict() == {"id": "gpt-test", "object": "model"}

    body = chat_completion()
    del body["id"], body["created"], body["choices"][0]["index"]
    del body["choices"][0]["message"]["role"]
    ours, theirs = await both(web_server, make_client, orjson.dumps(body), chat)
    assert ours.choices[0].message.content == "hi"
    assert ours.choices[0].index is UNSET
    assert ours.to_dict() == theirs.to_dict()


@pytest.mark.asyncio
async def test_f4_chat_stream_survives_a_malformed_chunk(web_server, make_client):
    no_delta = chat_chunk("x")
    del no_delta["choices"][0]["delta"]
    body = (
        sse(chat_chunk("a"))
        + b'data: {"id":"c"}\n\n'  # no choices at all
        + sse(no_delta)
        + sse(chat_chunk("b"))
        + sse(chat_chunk("", finish="stop"))
        + DONE
    )
    ours, theirs = await both_streamed(web_server, make_client, body, chat_stream)
    assert all(isinstance(c, ChatCompletionChunk) for c in ours)
    assert len(ours) == 5
    assert ours[1].id == "c" and ours[1].choices is UNSET
    assert ours[2].choices[0].delta is UNSET
    assert ours[3].choices[0].delta.content == "b"
    assert [c.to_dict() for c in ours] == [c.to_dict() for c in theirs]


@pytest.mark.asyncio
async def test_f4_chat_helper_survives_a_malformed_chunk_like_the_sdk(web_server, make_client):
    body = (
        sse(chat_chunk("a"))
        + b'data: {"id":"c"}\n\n'
        + sse(chat_chunk("b"))
        + sse(chat_chunk("", finish="stop"))
        + DONE
    )

    async def helper(client: Any) -> tuple[list[str], str]:
        async with client.chat.completions.stream(model="gpt-test", messages=MESSAGES) as s:
            kinds = [e.type async for e in s]
            final = await s.get_final_completion()
        return kinds, final.choices[0].message.content

    ours, theirs = await both_streamed(web_server, make_client, body, helper)
    assert ours == theirs
    assert ours[1] == "ab"


@pytest.mark.asyncio
async def test_f4_responses_stream_survives_a_malformed_event(web_server, make_client):
    malformed = {"type": "response.output_text.delta", "sequence_number": 3}  # no ids, no delta
    body = (
        text_stream_prelude()
        + event_sse(malformed)
        + event_sse(delta_event(4))
        + event_sse(completed_event(5))
    )
    ours, theirs = await both_streamed(web_server, make_client, body, responses_stream)
    assert isinstance(ours[3], ResponseTextDeltaEvent)
    assert ours[3].delta is UNSET and ours[3].output_index is UNSET
    assert ours[4].delta == "hi"
    assert isinstance(ours[-1], ResponseCompletedEvent)
    assert [e.to_dict() for e in ours] == [sdk_dict(e) for e in theirs]

    # The helper too (the SDK's accumulator raises TypeError on this event).
    server = await serve(web_server, body, "text/event-stream")
    client = make_client(server.url)
    async with client.responses.stream(model="gpt-test", input="hi") as stream:
        events = [e async for e in stream]
        final = await stream.get_final_response()
    assert [e.type for e in events].count("response.output_text.delta") == 2
    assert final.output_text == "hi"
    assert acquired(client) == 0


# -- F5: type mismatches ------------------------------------------------------------------------------


@pytest.mark.asyncio
async def test_f5_mismatched_types_are_kept_as_given(web_server, make_client):
    body = {**model_obj(), "created": "yesterday", "owned_by": 5}
    ours, theirs = await both(web_server, make_client, orjson.dumps(body), model)
    assert (ours.created, ours.owned_by) == (theirs.created, theirs.owned_by) == ("yesterday", 5)
    assert ours.to_dict() == sdk_dict(theirs) == body

    body = chat_completion()
    body["choices"][0]["index"] = "0"
    body["choices"][0]["message"]["content"] = 5
    body["usage"]["total_tokens"] = "2"
    body["created"] = 1.5
    ours, theirs = await both(web_server, make_client, orjson.dumps(body), chat)
    assert ours.choices[0].index == theirs.choices[0].index == "0"
    assert ours.choices[0].message.content == theirs.choices[0].message.content == 5
    assert ours.created == theirs.created == 1.5
    # Deliberate: kept as given. The SDK coerces "2" to 2 here, because its lax validation of
    # the `usage` object as a whole succeeds (it keeps "0" and 5 above, whose objects fail).
    assert ours.usage.total_tokens == "2"
    assert theirs.usage.total_tokens == 2
    ours_dict, theirs_dict = ours.to_dict(), sdk_dict(theirs)
    assert ours_dict.pop("usage") == {**body["usage"], "total_tokens": "2"}
    theirs_dict.pop("usage")
    assert ours_dict == theirs_dict


@pytest.mark.asyncio
async def test_f5_mismatched_type_in_a_stream_chunk(web_server, make_client):
    odd = chat_chunk("x")
    odd["choices"][0]["delta"]["content"] = 5
    body = sse(chat_chunk("a")) + sse(odd) + sse(chat_chunk("b")) + DONE
    ours, theirs = await both_streamed(web_server, make_client, body, chat_stream)
    assert [c.choices[0].delta.content for c in ours] == ["a", 5, "b"]
    assert [c.to_dict() for c in ours] == [sdk_dict(c) for c in theirs]


# -- F6: lone surrogates ---------------------------------------------------------------------------------


@pytest.mark.asyncio
async def test_f6_lone_surrogate_escapes_decode_like_json_loads(web_server, make_client):
    body = (
        b'{"id":"a\\ud800b","object":"model","created":1,"owned_by":"\\udfff",'
        b'"extra":"\\ud83d","pair":"\\ud83d\\ude00"}'
    )
    expected = json.loads(body)
    assert expected["id"] == "a\ud800b" and expected["pair"] == "\U0001f600"
    ours, theirs = await both(web_server, make_client, body, model)
    assert (ours.id, ours.owned_by, ours.extra, ours.pair) == (
        "a\ud800b",
        "\udfff",
        "\ud83d",
        "\U0001f600",
    )
    assert ours.to_dict() == theirs.to_dict() == expected


@pytest.mark.asyncio
async def test_f6_lone_surrogates_in_a_completion_and_a_stream(web_server, make_client):
    body = orjson.dumps(chat_completion("hi")).replace(b'"content":"hi"', b'"content":"h\\ud800i"')
    ours, theirs = await both(web_server, make_client, body, chat)
    assert ours.choices[0].message.content == theirs.choices[0].message.content == "h\ud800i"

    # An emoji's surrogate pair split across two chunks: each chunk holds a lone half.
    high = sse(chat_chunk("HIGH")).replace(b"HIGH", b"\\ud83d")
    low = sse(chat_chunk("LOW")).replace(b"LOW", b"\\ude00")
    body = sse(chat_chunk("a")) + high + low + sse(chat_chunk("b")) + DONE
    ours, theirs = await both_streamed(web_server, make_client, body, chat_stream)
    got = [c.choices[0].delta.content for c in ours]
    assert got == ["a", "\ud83d", "\ude00", "b"]
    assert got == [c.choices[0].delta.content for c in theirs]
    # Joined, the halves are the emoji again (in Python's surrogatepass sense).
    assert "".join(got[1:3]).encode("utf-16", "surrogatepass").decode("utf-16") == "\U0001f600"


# -- F7: out-of-range numbers --------------------------------------------------------------------------


@pytest.mark.asyncio
async def test_f7_huge_exponents_decode_like_json_loads(web_server, make_client):
    body = (
        b'{"id":"gpt-test","object":"model","created":1e400,"owned_by":"openai",'
        b'"neg":-1e400,"tiny":1e-400,"big_int":123456789012345678901234567890}'
    )
    expected = json.loads(body)
    ours, theirs = await both(web_server, make_client, body, model)
    assert ours.created == math.inf and isinstance(ours.created, float)
    assert ours.neg == -math.inf
    assert ours.tiny == 0.0
    assert ours.big_int == 123456789012345678901234567890
    assert ours.to_dict() == sdk_dict(theirs) == expected


@pytest.mark.asyncio
async def test_f7_huge_exponent_in_a_completion_and_a_stream(web_server, make_client):
    body = orjson.dumps(chat_completion()).replace(b'"prompt_tokens":1', b'"prompt_tokens":1e400')
    ours, theirs = await both(web_server, make_client, body, chat)
    assert ours.usage.prompt_tokens == theirs.usage.prompt_tokens == math.inf

    odd = sse(chat_chunk("x")).replace(b'"created":1700000000', b'"created":1e400')
    body = sse(chat_chunk("a")) + odd + sse(chat_chunk("b")) + DONE
    ours, theirs = await both_streamed(web_server, make_client, body, chat_stream)
    assert [c.choices[0].delta.content for c in ours] == ["a", "x", "b"]
    assert ours[1].created == math.inf == theirs[1].created


# -- F8: duplicate keys -------------------------------------------------------------------------------------


@pytest.mark.asyncio
@pytest.mark.parametrize(
    "body",
    [
        b'{"id":"a","id":"b","object":"model","created":1,"owned_by":"x","owned_by":"y"}',
        b'{"id":"a","object":"model","created":"bad","created":7,"owned_by":"x"}',
        b'{"id":"a","object":"model","created":7,"created":"bad","owned_by":"x"}',
        b'{"id":"a","object":"model","created":1,"owned_by":"x","zz":1,"zz":2}',
        b'{"id":"a","object":"model","created":1,"owned_by":"x","n":{"k":1,"k":{"j":2}}}',
    ],
    ids=["known", "bad-then-good", "good-then-bad", "unknown", "nested-unknown"],
)
async def test_f8_duplicate_keys_last_wins(web_server, make_client, body):
    expected = json.loads(body)
    ours, theirs = await both(web_server, make_client, body, model)
    assert ours.to_dict() == sdk_dict(theirs) == expected
    assert ours.id == expected["id"] and ours.created == expected["created"]


@pytest.mark.asyncio
async def test_f8_duplicate_keys_nested_in_a_completion_and_a_stream(web_server, make_client):
    body = orjson.dumps(chat_completion("hi")).replace(
        b'"content":"hi"', b'"content":"first","content":"hi"'
    )
    ours, theirs = await both(web_server, make_client, body, chat)
    assert ours.choices[0].message.content == theirs.choices[0].message.content == "hi"

    dup = sse(chat_chunk("x")).replace(b'"content":"x"', b'"content":"y","content":"x"')
    dup = dup.replace(b'"index":0', b'"index":3,"index":0')
    body = sse(chat_chunk("a")) + dup + DONE
    ours, theirs = await both_streamed(web_server, make_client, body, chat_stream)
    assert [(c.choices[0].index, c.choices[0].delta.content) for c in ours] == [(0, "a"), (0, "x")]
    assert [c.to_dict() for c in ours] == [c.to_dict() for c in theirs]
