"""Event-stream bytes on the wire -> what a stream yields or raises (§3.2 E1-E13; issue 9).

A raw asyncio server answers `chat.completions.create(..., stream=True)` (or
`responses.create(..., stream=True)`) with an exact `text/event-stream` body, one HTTP chunk per
write, optionally split over several writes with a pause between them so that the client's reads
see the split. Every test also checks that nothing was retried (`server.count == 1`) and that the
connection went back (`acquired(client) == 0`). The SSE parser follows WHATWG HTML §9.2.5-9.2.6
(oxide/_speedups/_sse_py.py); the suite runs once per twin (compiled and OXIDE_NO_EXTENSIONS=1).

Rows
----
E1  `data: {"error": ...}` after k chunks (also under `event: error`, also without a message):
    the k chunks, then `oxide.APIError` (message, or "An error occurred during streaming";
    body = the error object); the response is closed and the stream is over.
E2  Responses `error`, `response.failed`, `response.incomplete` events are yielded as typed
    events, as in the SDK; `responses.stream(...).get_final_response()` raises RuntimeError.
E3  Blocks without data (`event: x`, `id: 1`, `retry: 3000`, bare blank lines) fire nothing.
E4  Comments (`: ping`, `:`) anywhere, also inside a multi-line event, are ignored.
E5  A ~10 MB `data:` line in one write or 4093-byte writes (64 KB in 1-byte writes): exact.
E6  A small multi-event stream split into two writes at every byte offset: the same items.
E7  2-, 3- and 4-byte UTF-8 (emoji, ZWJ sequences) split inside the JSON string: intact.
E8  CR-only line ends, CRLF split as CR | LF, `\\n\\r\\n`, `\\r\\r`; a block ended by a CR is
    dispatched at once, without waiting for the next byte (which could be its LF).
E9  Invalid UTF-8 (`\\xff`, truncated sequences, an encoded surrogate, overlong, > U+10FFFF)
    becomes U+FFFD (maximal subparts, like WHATWG and Python's "replace") and the stream goes
    on. The SSE layer replaces; the JSON layer may still reject what is left
    (`APIResponseValidationError`, its body the replaced text).
E10 One leading BOM is stripped (also when it arrives split); after a double BOM the first
    event is lost (its field name is "\\ufeffdata"); a BOM before a later event loses that one.
E11 U+2028, U+2029, U+0085 (raw) and VT, FF, NUL (escaped) in a JSON string arrive verbatim;
    raw in the line, they do not end it (the whole line reaches the JSON layer).
E12 `data: [DONE]` then more bytes, from a server that never closes: iteration ends at
    `[DONE]` at once and the connection is closed.
E13 `data:x` / `data: x` -> "x", `data:  x` -> " x" (one space stripped), `data` alone is an
    empty data line, `DATA:`, `Data:`, ` data:` are ignored fields, `id: a<NUL>b` and
    `retry: 1000x` are ignored.

Where oxide differs from the official SDK (openai 3.3.1), and why
-----------------------------------------------------------------
* Invalid UTF-8 (E9): the SDK decodes each line strictly and dies with UnicodeDecodeError; the
  spec (and every browser) replaces. oxide replaces; only the JSON layer can still reject.
* `event:`/`id:`/`retry:`-only blocks (E3): the SDK fires an event with empty data and dies with
  JSONDecodeError on it (and once any `id` was seen, on every later blank line); per spec
  nothing is dispatched while the data buffer is empty.
* BOM (E10): the SDK does not strip a leading BOM, so the first event of such a stream is lost
  (its field name is "\\ufeffdata"); oxide strips exactly one, only at the start of the stream.
* CR line ends (E8): the SDK cuts events where the buffered bytes end in `\\r\\r`, `\\n\\n` or
  `\\r\\n\\r\\n`, so an event ended by `\\r\\n\\r` or `\\n\\r` waits for more bytes; oxide
  ends a line at a CR at once and drops an LF that follows in the next read.
* `retry: -1` is taken by the SDK (`int()`); the spec accepts ASCII digits only (not
  observable through the client API: the stream never reconnects).
"""

from __future__ import annotations

import asyncio
from typing import Any

import openai
import orjson
import pytest

import oxide
from oxide.types.responses import (
    ResponseCreatedEvent,
    ResponseErrorEvent,
    ResponseFailedEvent,
    ResponseIncompleteEvent,
)

from .conftest import (
    API_KEY,
    acquired,
    chat_chunk,
    chunk,
    contents,
    create_stream,
    http_head,
    sse,
)

DONE = b"data: [DONE]\n\n"
BOM = b"\xef\xbb\xbf"
# How long a test waits for something that must happen at once (a fast failure, not a hang).
PROMPT = 2.0
# Pause between two writes, so that the client reads them separately.
GAP = 0.002

# An asyncio.Event in a part list: the server waits for it before the next write.
Part = bytes | asyncio.Event


def mini(content: str) -> bytes:
    """A small chat chunk (the generated type decodes it leniently: absent fields stay UNSET)."""
    return orjson.dumps({"id": "c", "choices": [{"index": 0, "delta": {"content": content}}]})


def data(payload: bytes, end: bytes = b"\n\n") -> bytes:
    return b"data: " + payload + end


def sse_server(raw_server: Any, *parts: Part, gap: float = GAP) -> Any:
    """Answers every request (one per connection) with an event stream made of `parts`: each
    non-empty bytes part is one write and one HTTP chunk, followed by a pause of `gap`
    seconds (`sleep(0)` when 0); an asyncio.Event part is waited for. Then the chunked end."""

    async def on_connection(server: Any, reader: Any, writer: Any) -> None:
        if await server.read_request(reader) is None:
            return
        writer.write(
            http_head(200, {"Connection": "close"}, chunked=True, content_type="text/event-stream")
        )
        await writer.drain()
        for part in parts:
            if isinstance(part, asyncio.Event):
                await asyncio.wait_for(part.wait(), PROMPT)
            elif part:
                writer.write(chunk(part))
                await writer.drain()
                await asyncio.sleep(gap)
        writer.write(b"0\r\n\r\n")
        await writer.drain()
        writer.close()

    return raw_server(on_connection)


async def collect(client: oxide.AsyncOpenAI) -> list[Any]:
    """Every item of one chat stream, which must end with its end marker."""
    stream = await create_stream(client)
    items = [item async for item in stream]
    assert stream.completed
    return items


async def stream_contents(raw_server: Any, make_client: Any, *parts: Part, **kw: Any) -> list:
    server = await sse_server(raw_server, *parts, **kw)
    client = make_client(server.url)
    items = await collect(client)
    assert server.count == 1
    assert acquired(client) == 0
    return contents(items)


async def expect_validation_error(
    raw_server: Any, make_client: Any, body: bytes
) -> tuple[list[Any], oxide.APIResponseValidationError]:
    """Streams `body`; returns the items before the JSON layer rejected an event, and the error."""
    server = await sse_server(raw_server, body)
    client = make_client(server.url)
    stream = await create_stream(client)
    got: list[Any] = []
    with pytest.raises(oxide.APIResponseValidationError) as info:
        async for item in stream:
            got.append(item)
    assert info.value.message.startswith("Could not decode stream event")
    assert not stream.completed
    assert server.count == 1
    assert acquired(client) == 0
    return got, info.value


# -- E1: in-stream error object ----------------------------------------------------------------


ERROR_FORMS = {
    "data": (
        b'data: {"error":{"message":"m","type":"server_error"}}\n\n',
        "m",
        {"message": "m", "type": "server_error"},
    ),
    "event-error": (
        b'event: error\ndata: {"error":{"message":"m","type":"server_error"}}\n\n',
        "m",
        {"message": "m", "type": "server_error"},
    ),
    "no-message": (
        b'data: {"error":{"type":"server_error","code":null}}\n\n',
        "An error occurred during streaming",
        {"type": "server_error", "code": None},
    ),
    "non-string-message": (
        b'data: {"error":{"message":42}}\n\n',
        "An error occurred during streaming",
        {"message": 42},
    ),
    "string-error": (
        b'data: {"error":"overloaded"}\n\n',
        "An error occurred during streaming",
        "overloaded",
    ),
}


@pytest.mark.asyncio
@pytest.mark.parametrize("k", [0, 2])
@pytest.mark.parametrize("form", list(ERROR_FORMS))
async def test_e1_in_stream_error_raises_api_error_after_k_chunks(raw_server, make_client, form, k):
    block, message, body = ERROR_FORMS[form]
    before = [sse(chat_chunk(f"c{i}")) for i in range(k)]
    server = await sse_server(raw_server, *before, block, sse(chat_chunk("never")), DONE)
    client = make_client(server.url)
    stream = await create_stream(client)
    got: list[Any] = []
    with pytest.raises(oxide.APIError) as info:
        async for item in stream:
            got.append(item)
    err = info.value
    assert contents(got) == [f"c{i}" for i in range(k)]
    assert type(err) is oxide.APIError  # not a status error, not a connection error
    assert err.message == message
    assert err.body == body
    assert err.request.url.endswith("/v1/chat/completions")
    # The stream is over: the response is closed, nothing more is yielded.
    assert not stream.completed
    assert [item async for item in stream] == []
    assert server.count == 1
    assert acquired(client) == 0


# -- E2: Responses error / failed / incomplete events ----------------------------------------------


def response_obj(status: str, **extra: Any) -> dict[str, Any]:
    return {
        "id": "resp_1",
        "object": "response",
        "created_at": 1700000000,
        "model": "gpt-test",
        "output": [],
        "parallel_tool_calls": True,
        "tool_choice": "auto",
        "tools": [],
        "status": status,
        **extra,
    }


def response_sse(obj: dict[str, Any]) -> bytes:
    return b"event: " + obj["type"].encode() + b"\n" + data(orjson.dumps(obj))


CREATED = response_sse(
    {"type": "response.created", "response": response_obj("in_progress"), "sequence_number": 0}
)
TERMINAL_EVENTS = {
    "error": (
        {
            "type": "error",
            "code": "server_error",
            "message": "The server had an error",
            "param": None,
            "sequence_number": 5,
        },
        ResponseErrorEvent,
    ),
    "response.failed": (
        {
            "type": "response.failed",
            "response": response_obj(
                "failed", error={"code": "server_error", "message": "The server had an error"}
            ),
            "sequence_number": 5,
        },
        ResponseFailedEvent,
    ),
    "response.incomplete": (
        {
            "type": "response.incomplete",
            "response": response_obj(
                "incomplete", incomplete_details={"reason": "max_output_tokens"}
            ),
            "sequence_number": 5,
        },
        ResponseIncompleteEvent,
    ),
}


@pytest.mark.asyncio
@pytest.mark.parametrize("kind", list(TERMINAL_EVENTS))
async def test_e2_responses_terminal_events_are_yielded_typed_like_the_sdk(
    raw_server, make_client, kind
):
    obj, cls = TERMINAL_EVENTS[kind]
    server = await sse_server(raw_server, CREATED, response_sse(obj))
    client = make_client(server.url)
    stream = await client.responses.create(model="gpt-test", input="hi", stream=True)
    events = [e async for e in stream]
    assert [type(e) for e in events] == [ResponseCreatedEvent, cls]
    last = events[-1]
    assert last.type == kind
    assert last.sequence_number == 5
    if kind == "error":
        assert (last.code, last.message, last.param) == (
            "server_error",
            "The server had an error",
            None,
        )
    elif kind == "response.failed":
        assert last.response.status == "failed"
        assert last.response.error.code == "server_error"
    else:
        assert last.response.status == "incomplete"
        assert last.response.incomplete_details.reason == "max_output_tokens"
    # A terminal event ends the stream: no [DONE] needed, not an IncompleteStreamError.
    assert stream.completed
    assert server.count == 1
    assert acquired(client) == 0

    # The SDK yields the same events from the same bytes.
    async with openai.AsyncOpenAI(api_key=API_KEY, base_url=server.url, max_retries=0) as sdk:
        sdk_stream = await sdk.responses.create(model="gpt-test", input="hi", stream=True)
        sdk_events = [e async for e in sdk_stream]
    assert [type(e).__name__ for e in sdk_events] == [type(e).__name__ for e in events]
    assert [e.to_dict() for e in sdk_events] == [e.to_dict() for e in events]


@pytest.mark.asyncio
@pytest.mark.parametrize("kind", list(TERMINAL_EVENTS))
async def test_e2_responses_helper_final_response_raises_on_terminal_failure(
    raw_server, make_client, kind
):
    obj, cls = TERMINAL_EVENTS[kind]
    server = await sse_server(raw_server, CREATED, response_sse(obj))
    client = make_client(server.url)
    async with client.responses.stream(model="gpt-test", input="hi") as stream:
        events = [e async for e in stream]
        assert isinstance(events[-1], cls)
        with pytest.raises(RuntimeError, match=r"Didn't receive a `response\.completed` event\."):
            await stream.get_final_response()
        assert stream.completed
    assert server.count == 1
    assert acquired(client) == 0

    # The same exception, with the same message, as the SDK's helper.
    async with openai.AsyncOpenAI(api_key=API_KEY, base_url=server.url, max_retries=0) as sdk:
        async with sdk.responses.stream(model="gpt-test", input="hi") as sdk_stream:
            with pytest.raises(RuntimeError, match=r"Didn't receive a `response\.completed`"):
                await sdk_stream.get_final_response()


# -- E3: blocks without data dispatch nothing ----------------------------------------------------

NO_DATA_BLOCKS = {
    "event-only": b"event: x\n\n",
    "id-only": b"id: 1\n\n",
    "retry-only": b"retry: 3000\n\n",
    "blank-lines": b"\n\n\n\n",
    "event-id-retry": b"event: x\nid: 2\nretry: 10\n\n\n",
    "crlf-event-only": b"event: x\r\n\r\n",
}


@pytest.mark.asyncio
@pytest.mark.parametrize("block", list(NO_DATA_BLOCKS))
async def test_e3_blocks_without_data_fire_nothing(raw_server, make_client, block):
    filler = NO_DATA_BLOCKS[block]
    got = await stream_contents(
        raw_server,
        make_client,
        sse(chat_chunk("a")) + filler,  # in the same write as a real chunk
        filler,  # alone in a write
        sse(chat_chunk("b")),
        filler * 3,
        sse(chat_chunk("c")),
        DONE,
    )
    assert got == ["a", "b", "c"]


@pytest.mark.asyncio
async def test_e3_all_no_data_blocks_between_chunks(raw_server, make_client):
    fillers = b"".join(NO_DATA_BLOCKS.values())
    got = await stream_contents(
        raw_server, make_client, sse(chat_chunk("a")), fillers, sse(chat_chunk("b")), DONE
    )
    assert got == ["a", "b"]


@pytest.mark.asyncio
async def test_e3_id_with_data_dispatches_exactly_one_event(raw_server, make_client):
    # `id: 1\ndata: {}` does dispatch (its data buffer is "{}"): one empty chunk, as in the SDK
    # (which builds a ChatCompletionChunk with no fields set); the blank lines after it do not.
    server = await sse_server(
        raw_server, sse(chat_chunk("a")), b"id: 1\ndata: {}\n\n\n\n", sse(chat_chunk("b")), DONE
    )
    client = make_client(server.url)
    items = await collect(client)
    assert len(items) == 3
    assert contents([items[0], items[2]]) == ["a", "b"]
    assert items[1].to_dict() == {}
    assert acquired(client) == 0


# -- E4: comments --------------------------------------------------------------------------------


@pytest.mark.asyncio
async def test_e4_comments_interleaved_are_ignored(raw_server, make_client):
    pings = b": ping\n\n" * 200
    half = orjson.dumps(chat_chunk("m"))
    cut = half.index(b'"choices"')
    multi_line = (
        b": before\n"
        + data(half[:cut], b"\n")
        + b":inside, no space\n:\n"
        + data(half[cut:], b"\n")
        + b": after\n\n"
    )
    got = await stream_contents(
        raw_server,
        make_client,
        pings,
        sse(chat_chunk("a")) + pings + sse(chat_chunk("b")),
        b":\n\n" + b":no-space\r\n\r\n" + b": x" * 1000 + b"\n\n",
        multi_line,
        pings,
        DONE,
        pings,
    )
    assert got == ["a", "b", "m"]


# -- E5: one huge data line ----------------------------------------------------------------------


def big_text(size: int) -> str:
    # ASCII and multibyte characters, so that write boundaries fall inside sequences too.
    unit = "abcdefgh-é-中-😀-"
    return (unit * (size // len(unit.encode()) + 1))[: size // 2] + "end"


def pieces(body: bytes, size: int) -> list[bytes]:
    return [body[i : i + size] for i in range(0, len(body), size)]


@pytest.mark.asyncio
@pytest.mark.parametrize(
    ("size", "write"),
    [(10 * 2**20, None), (10 * 2**20, 4093), (64 * 2**10, 1)],
    ids=["10MB-one-write", "10MB-4093-byte-writes", "64KB-1-byte-writes"],
)
async def test_e5_huge_data_line_arrives_exact(raw_server, make_client, size, write):
    text = big_text(size)
    event = sse(chat_chunk(text))
    assert len(event) > size // 2
    parts = [event] if write is None else pieces(event, write)
    got = await stream_contents(
        raw_server, make_client, *parts, DONE, gap=0 if write is not None else GAP
    )
    assert len(got) == 1
    assert got[0] == text


# -- E6: every split point --------------------------------------------------------------------------

SMALL_STREAM = (
    b": hi\n\n"
    + data(mini("a"), b"\r\n\r\n")
    + b"event: x\nid: 7\n\n"
    + b'data: {"id":"c",\ndata: "choices":[{"index":0,"delta":{"content":"b"}}]}\n\n'
    + DONE
)


@pytest.mark.asyncio
async def test_e6_every_split_point_gives_the_same_items(raw_server, make_client):
    assert 150 <= len(SMALL_STREAM) <= 250
    body = SMALL_STREAM
    split_at: list[int] = []  # the split point the next connection uses (0: unsplit)

    async def on_connection(server: Any, reader: Any, writer: Any) -> None:
        if await server.read_request(reader) is None:
            return
        i = split_at[server.count - 1]
        writer.write(
            http_head(200, {"Connection": "close"}, chunked=True, content_type="text/event-stream")
        )
        for part in (body[:i], body[i:]):
            if part:
                writer.write(chunk(part))
                await writer.drain()
                await asyncio.sleep(GAP)
        writer.write(b"0\r\n\r\n")
        writer.close()

    server = await raw_server(on_connection)
    client = make_client(server.url)

    split_at.append(0)
    reference = [item.to_dict() for item in await collect(client)]
    assert [r["choices"][0]["delta"]["content"] for r in reference] == ["a", "b"]
    for i in range(1, len(body)):
        split_at.append(i)
        items = await collect(client)
        assert [item.to_dict() for item in items] == reference, f"split at {i}: {body[:i]!r}"
        assert acquired(client) == 0
    assert server.count == len(body)  # one request per run: nothing retried


# -- E7: multibyte UTF-8 split inside the JSON string ------------------------------------------

TEXT = "é ß ŋ | € 中文 ⌘ | 𝄞 😀 | 👩🏽‍🚀 🇫🇷 | end"


@pytest.mark.asyncio
async def test_e7_multibyte_split_at_every_offset_inside_the_string(raw_server, make_client):
    event = sse(chat_chunk(TEXT))
    encoded = TEXT.encode()
    start = event.index(encoded)
    offsets = range(start + 1, start + len(encoded))
    split_at = iter(offsets)

    async def on_connection(server: Any, reader: Any, writer: Any) -> None:
        if await server.read_request(reader) is None:
            return
        i = next(split_at)
        writer.write(
            http_head(200, {"Connection": "close"}, chunked=True, content_type="text/event-stream")
        )
        for part in (event[:i], event[i:], DONE):
            writer.write(chunk(part))
            await writer.drain()
            await asyncio.sleep(GAP)
        writer.write(b"0\r\n\r\n")
        writer.close()

    server = await raw_server(on_connection)
    client = make_client(server.url)
    for i in offsets:
        assert contents(await collect(client)) == [TEXT], f"split at {i}"
    assert server.count == len(offsets)
    assert acquired(client) == 0


@pytest.mark.asyncio
async def test_e7_multibyte_in_one_byte_writes(raw_server, make_client):
    event = sse(chat_chunk(TEXT))
    got = await stream_contents(raw_server, make_client, *pieces(event, 1), DONE, gap=0)
    assert got == [TEXT]


# -- E8: CR line endings ----------------------------------------------------------------------------


def split_json(content: str) -> tuple[bytes, bytes]:
    """A chunk's JSON cut between two members: two data lines that are valid only when joined
    by the LF the parser puts between them."""
    raw = orjson.dumps(chat_chunk(content))
    cut = raw.index(b'"choices"')
    return raw[:cut], raw[cut:]


@pytest.mark.asyncio
async def test_e8_cr_only_line_endings(raw_server, make_client):
    head, tail = split_json("m")
    body = (
        data(orjson.dumps(chat_chunk("a")), b"\r\r")
        + b": comment\revent: x\rid: 1\r\r"
        + b"data: "
        + head
        + b"\rdata: "
        + tail
        + b"\r\r"
        + b"data: [DONE]\r\r"
    )
    assert b"\n" not in body
    assert await stream_contents(raw_server, make_client, body) == ["a", "m"]


@pytest.mark.asyncio
async def test_e8_crlf_split_between_cr_and_lf_is_one_line_end(raw_server, make_client):
    # If the LF opening the second write were a line of its own (a blank line), the first half
    # of the JSON would be dispatched alone and fail to decode.
    head, tail = split_json("m")
    got = await stream_contents(
        raw_server,
        make_client,
        b"data: " + head + b"\r",
        b"\ndata: " + tail + b"\r",
        b"\n\r",
        b"\n" + sse(chat_chunk("b")),
        DONE,
    )
    assert got == ["m", "b"]


@pytest.mark.asyncio
@pytest.mark.parametrize("ending", [b"\n\r\n", b"\r\r", b"\r\n\n", b"\n\r", b"\r\n\r\n"], ids=repr)
async def test_e8_mixed_line_endings_end_each_event(raw_server, make_client, ending):
    # Each ending is a line end plus a blank line: two events, never one with two data lines
    # (which would be "{...}\n{...}", not JSON).
    body = data(orjson.dumps(chat_chunk("a")), ending) + data(orjson.dumps(chat_chunk("b")), ending)
    got = await stream_contents(raw_server, make_client, body, DONE)
    assert got == ["a", "b"]


@pytest.mark.asyncio
@pytest.mark.parametrize("ending", [b"\r\r", b"\r\n\r", b"\n\r"], ids=repr)
async def test_e8_block_ended_by_cr_dispatches_without_waiting(raw_server, make_client, ending):
    received = asyncio.Event()
    server = await sse_server(
        raw_server,
        data(orjson.dumps(chat_chunk("a")), ending),
        received,  # the server sends nothing more until the test has the item
        b"\n" + sse(chat_chunk("b")) + DONE,
    )
    client = make_client(server.url)
    stream = await create_stream(client)
    first = await asyncio.wait_for(stream.__anext__(), PROMPT)
    assert contents([first]) == ["a"]
    received.set()
    rest = await asyncio.wait_for(_drain(stream), PROMPT)
    assert contents(rest) == ["b"]
    assert stream.completed
    assert server.count == 1
    assert acquired(client) == 0


async def _drain(stream: Any) -> list[Any]:
    return [item async for item in stream]


# -- E9: invalid UTF-8 -----------------------------------------------------------------------------

INVALID_UTF8 = {
    "ff": (b"a\xffb", "a\ufffdb"),
    "lone-continuation": (b"a\x80b", "a\ufffdb"),
    "truncated-3-byte": (b"a\xe4\xb8b", "a\ufffdb"),
    "truncated-4-byte-at-end": (b"a\xf0\x9f\x98", "a\ufffd"),
    "encoded-surrogate": (b"a\xed\xa0\x80b", "a\ufffd\ufffd\ufffdb"),
    "overlong": (b"a\xc0\xafb", "a\ufffd\ufffdb"),
    "above-10ffff": (b"a\xf4\x90\x80\x80b", "a\ufffd\ufffd\ufffd\ufffdb"),
    "valid-after-invalid": (b"\xe4\xb8\xe4\xb8\xad", "\ufffd\u4e2d"),
}


def chunk_with_raw_content(raw: bytes) -> bytes:
    marker = "\x00MARK\x00"
    template = orjson.dumps(chat_chunk(marker))
    return template.replace(orjson.dumps(marker)[1:-1], raw)


@pytest.mark.asyncio
@pytest.mark.parametrize("case", list(INVALID_UTF8))
@pytest.mark.parametrize("split", ["one-write", "1-byte-writes"])
async def test_e9_invalid_utf8_in_a_string_becomes_replacement_char(
    raw_server, make_client, case, split
):
    raw, expected = INVALID_UTF8[case]
    assert raw.decode("utf-8", "replace") == expected  # the WHATWG / Python "replace" result
    event = data(chunk_with_raw_content(raw))
    parts = [event] if split == "one-write" else pieces(event, 1)
    got = await stream_contents(
        raw_server, make_client, *parts, sse(chat_chunk("next")), DONE, gap=0
    )
    assert got == [expected, "next"]


@pytest.mark.asyncio
async def test_e9_invalid_utf8_outside_a_string_is_a_json_error_not_a_unicode_error(
    raw_server, make_client
):
    got, err = await expect_validation_error(
        raw_server, make_client, sse(chat_chunk("a")) + b'data: {"x":\xff}\n\n' + DONE
    )
    assert contents(got) == ["a"]
    assert err.body == '{"x":\ufffd}'  # replaced by the SSE layer, rejected by the JSON layer
    assert not isinstance(err.__cause__, UnicodeError)


# -- E10: byte order marks ---------------------------------------------------------------------------


@pytest.mark.asyncio
@pytest.mark.parametrize(
    ("parts", "expected"),
    [
        ([BOM + sse(chat_chunk("a")) + sse(chat_chunk("b"))], ["a", "b"]),
        ([BOM[:1], BOM[1:2], BOM[2:] + sse(chat_chunk("a")), sse(chat_chunk("b"))], ["a", "b"]),
        ([BOM, sse(chat_chunk("a")), sse(chat_chunk("b"))], ["a", "b"]),
        ([BOM + BOM + sse(chat_chunk("a")) + sse(chat_chunk("b"))], ["b"]),
        ([BOM, BOM + sse(chat_chunk("a")), sse(chat_chunk("b"))], ["b"]),
        ([sse(chat_chunk("a")), BOM + sse(chat_chunk("b")), sse(chat_chunk("c"))], ["a", "c"]),
        ([sse(chat_chunk("a")) + BOM + sse(chat_chunk("b")) + sse(chat_chunk("c"))], ["a", "c"]),
    ],
    ids=[
        "leading",
        "leading-split",
        "leading-alone",
        "double",
        "double-split",
        "later-event",
        "later-event-same-write",
    ],
)
async def test_e10_bom(raw_server, make_client, parts, expected):
    got = await stream_contents(raw_server, make_client, *parts, DONE)
    assert got == expected


# -- E11: separators that are not line ends ------------------------------------------------------------

SPECIAL = "a\u2028b\u2029c\u0085d\x0be\x0cf\x00g"


@pytest.mark.asyncio
async def test_e11_unicode_separators_and_controls_kept_verbatim(raw_server, make_client):
    event = sse(chat_chunk(SPECIAL))
    # orjson writes U+2028, U+2029 and U+0085 raw; VT, FF and NUL must be escaped in JSON.
    for raw in ("\u2028", "\u2029", "\u0085"):
        assert raw.encode() in event
    for escaped in (b"\\u000b", b"\\f", b"\\u0000"):
        assert escaped in event
    got = await stream_contents(raw_server, make_client, event, sse(chat_chunk("next")), DONE)
    assert got == [SPECIAL, "next"]


@pytest.mark.asyncio
async def test_e11_raw_controls_in_a_line_do_not_end_it(raw_server, make_client):
    # Raw VT/FF/NUL are not valid JSON, so the JSON layer rejects the event: its body shows that
    # the SSE layer passed the whole line on, every separator in place.
    value = "x\u2028\u2029\u0085\x0b\x0c\x00y"
    got, err = await expect_validation_error(
        raw_server,
        make_client,
        sse(chat_chunk("a")) + b'data: {"k":"' + value.encode() + b'"}\n\n' + DONE,
    )
    assert contents(got) == ["a"]
    assert err.body == '{"k":"' + value + '"}'


# -- E12: [DONE] from a server that lingers ----------------------------------------------------------


@pytest.mark.asyncio
@pytest.mark.parametrize("after", ["nothing", "same-write", "later-write"])
async def test_e12_done_ends_iteration_and_closes_a_lingering_connection(
    raw_server, make_client, after
):
    closed = asyncio.Event()
    trailing = sse(chat_chunk("after")) + b"data: {not json\n\n"

    async def on_connection(server: Any, reader: Any, writer: Any) -> None:
        await server.read_request(reader)
        writer.write(http_head(200, chunked=True, content_type="text/event-stream"))
        body = sse(chat_chunk("a")) + DONE
        writer.write(chunk(body + trailing if after == "same-write" else body))
        await writer.drain()
        try:
            if after == "later-write":
                await asyncio.sleep(0.05)
                writer.write(chunk(trailing))
                await writer.drain()
            await reader.read()  # no chunked end, no close: wait for the client to hang up
        except ConnectionError:
            pass
        finally:
            closed.set()

    server = await raw_server(on_connection)
    client = make_client(server.url)
    stream = await create_stream(client)
    items = await asyncio.wait_for(_drain(stream), PROMPT)
    assert contents(items) == ["a"]
    assert stream.completed
    assert acquired(client) == 0
    # The client closed the socket (it had unread bytes, or an unfinished body): not pooled.
    await asyncio.wait_for(closed.wait(), PROMPT)
    assert server.count == 1


# -- E13: field-line shapes ----------------------------------------------------------------------------


@pytest.mark.asyncio
@pytest.mark.parametrize(
    ("line", "value"),
    [
        (b"data:x", "x"),
        (b"data: x", "x"),
        (b"data:  x", " x"),
        (b"data:\tx", "\tx"),
        (b"data: x ", "x "),
        (b"data\ndata: x", "\nx"),
        (b"data:x\ndata:\ndata: y", "x\n\ny"),
        (b"data: a:b", "a:b"),
    ],
    ids=repr,
)
async def test_e13_data_value_is_taken_after_one_optional_space(
    raw_server, make_client, line, value
):
    # Not JSON, so the JSON layer rejects the event and reports the exact data string.
    got, err = await expect_validation_error(
        raw_server, make_client, sse(chat_chunk("a")) + line + b"\n\n" + DONE
    )
    assert contents(got) == ["a"]
    assert err.body == value


@pytest.mark.asyncio
@pytest.mark.parametrize("sep", [b"data:", b"data: ", b"data:  "], ids=repr)
async def test_e13_json_data_with_or_without_space(raw_server, make_client, sep):
    body = sep + orjson.dumps(chat_chunk("a")) + b"\n\n"
    assert await stream_contents(raw_server, make_client, body, DONE) == ["a"]


@pytest.mark.asyncio
@pytest.mark.parametrize(
    "block",
    [b"data\n\n", b"data:\n\n", b"data: \n\n", b"DATA: x\n\n", b"Data: x\n\n", b" data: x\n\n"],
    ids=repr,
)
async def test_e13_empty_or_ignored_data_dispatches_nothing_decodable(
    raw_server, make_client, block
):
    # `data` alone dispatches an event with empty data (skipped, as blank data always is);
    # `DATA:`, `Data:`, ` data:` are other fields: nothing at all. No error either way.
    got = await stream_contents(
        raw_server, make_client, sse(chat_chunk("a")), block, sse(chat_chunk("b")), DONE
    )
    assert got == ["a", "b"]


@pytest.mark.asyncio
@pytest.mark.parametrize(
    "field",
    [b"DATA: x", b"Data: x", b" data: x", b"id: a\x00b", b"retry: 1000x", b"retry: -1", b"x: y"],
    ids=repr,
)
async def test_e13_ignored_fields_inside_an_event_leave_its_data_alone(
    raw_server, make_client, field
):
    # Were the field taken as data, the event would be "x\n{...}" and fail to decode.
    body = field + b"\n" + sse(chat_chunk("a")) + sse(chat_chunk("b")) + field + b"\n\n"
    assert await stream_contents(raw_server, make_client, body, DONE) == ["a", "b"]
