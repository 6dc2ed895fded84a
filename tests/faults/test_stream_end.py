"""How a stream ends: complete, or cut off cleanly before its end (§3.2 C6; issue 9 defect 6).

A body that ends cleanly (the chunked terminator, or `Connection: close` without framing)
before the server's end marker is a truncated generation, not a complete one: a proxy or a
server that died mid-answer. oxide's rule:

* complete: `data: [DONE]` (or `event: done`), a terminal event (`response.completed`,
  `.failed`, `.incomplete`, `error`), or, for servers that omit `[DONE]`, a last chunk whose
  choices all carry a `finish_reason` (or the usage chunk after them). `stream.completed` is
  True and iteration ends normally;
* anything else: every item that arrived is delivered, then the iterator raises
  `oxide.IncompleteStreamError` (an `APIConnectionError`, never retried) and `completed` stays
  False. The helpers' final objects (`get_final_completion()`, `get_final_response()`) raise it.

The official SDK ends such a stream silently (`completed` does not exist there).
"""

from __future__ import annotations

import asyncio
from typing import Any

import orjson
import pytest

import oxide

from .conftest import (
    acquired,
    chat_chunk,
    chunk,
    contents,
    create_stream,
    http_head,
    sse,
)


def usage_chunk() -> dict[str, Any]:
    c = chat_chunk("")
    c["choices"] = []
    c["usage"] = {"prompt_tokens": 1, "completion_tokens": 2, "total_tokens": 3}
    return c


def response_event(kind: str, seq: int, **extra: Any) -> dict[str, Any]:
    if kind == "response.output_text.delta":
        return {
            "type": kind,
            "item_id": "msg_1",
            "output_index": 0,
            "content_index": 0,
            "delta": "hi",
            "logprobs": [],
            "sequence_number": seq,
        }
    response = {
        "id": "resp_1",
        "object": "response",
        "created_at": 1700000000,
        "model": "gpt-test",
        "output": [],
        "parallel_tool_calls": True,
        "tool_choice": "auto",
        "tools": [],
        "status": "completed" if kind == "response.completed" else "in_progress",
        **extra,
    }
    return {"type": kind, "response": response, "sequence_number": seq}


def serve_bytes(raw_server: Any, body: bytes, *, framing: str = "chunked") -> Any:
    async def on_connection(server: Any, reader: Any, writer: Any) -> None:
        await server.read_request(reader)
        if framing == "chunked":
            writer.write(http_head(200, chunked=True, content_type="text/event-stream"))
            writer.write((chunk(body) if body else b"") + b"0\r\n\r\n")  # a clean end of body
        else:  # no framing at all: the body ends when the server closes
            writer.write(
                http_head(200, {"Connection": "close"}, content_type="text/event-stream") + body
            )
        await writer.drain()
        writer.close()

    return raw_server(on_connection)


@pytest.mark.asyncio
@pytest.mark.parametrize("framing", ["chunked", "connection-close"])
async def test_c6_clean_eof_mid_generation_raises_after_every_item(
    raw_server, make_client, framing
):
    body = sse(chat_chunk("a")) + sse(chat_chunk("b"))
    server = await serve_bytes(raw_server, body, framing=framing)
    client = make_client(server.url)
    stream = await create_stream(client)
    got: list[Any] = []
    with pytest.raises(oxide.IncompleteStreamError) as info:
        async for item in stream:
            got.append(item)
    assert contents(got) == ["a", "b"]
    assert isinstance(info.value, oxide.APIConnectionError)
    assert info.value.last_item is got[-1]
    assert not stream.completed
    assert server.count == 1  # never retried
    assert acquired(client) == 0


@pytest.mark.asyncio
@pytest.mark.parametrize(
    ("body", "label"),
    [
        (sse(chat_chunk("a")) + b"data: [DONE]\n\n", "done-marker"),
        (sse(chat_chunk("a")) + b"event: done\ndata: {}\n\n", "done-event"),
        (sse(chat_chunk("a")) + sse(chat_chunk("", finish="stop")), "finish-reason-no-marker"),
        (
            sse(chat_chunk("a")) + sse(chat_chunk("", finish="length")) + sse(usage_chunk()),
            "usage-chunk-no-marker",
        ),
    ],
    ids=lambda v: v if isinstance(v, str) else "",
)
async def test_c6_complete_streams_end_normally(raw_server, make_client, body, label):
    server = await serve_bytes(raw_server, body)
    client = make_client(server.url)
    stream = await create_stream(client)
    items = [item async for item in stream]
    assert contents(items[:1]) == ["a"]
    assert stream.completed, label
    assert acquired(client) == 0


@pytest.mark.asyncio
async def test_c6_empty_stream_body_is_incomplete(raw_server, make_client):
    server = await serve_bytes(raw_server, b"")
    client = make_client(server.url)
    stream = await create_stream(client)
    with pytest.raises(oxide.IncompleteStreamError) as info:
        async for _ in stream:
            pass
    assert info.value.last_item is None


@pytest.mark.asyncio
async def test_c6_chat_helper_final_completion_raises_when_cut_off(raw_server, make_client):
    server = await serve_bytes(raw_server, sse(chat_chunk("a")))
    client = make_client(server.url)
    async with client.chat.completions.stream(
        model="gpt-test", messages=[{"role": "user", "content": "hi"}]
    ) as stream:
        with pytest.raises(oxide.IncompleteStreamError):
            await stream.get_final_completion()
        assert not stream.completed
        # What arrived is still in the snapshot.
        assert stream.current_completion_snapshot.choices[0].message.content == "a"


@pytest.mark.asyncio
async def test_c6_chat_helper_completed_with_done(raw_server, make_client):
    body = sse(chat_chunk("a")) + sse(chat_chunk("", finish="stop")) + b"data: [DONE]\n\n"
    server = await serve_bytes(raw_server, body)
    client = make_client(server.url)
    async with client.chat.completions.stream(
        model="gpt-test", messages=[{"role": "user", "content": "hi"}]
    ) as stream:
        final = await stream.get_final_completion()
        assert stream.completed
    assert final.choices[0].message.content == "a"


def responses_body(*kinds: str) -> bytes:
    return b"".join(
        f"event: {kind}\n".encode() + b"data: " + orjson.dumps(response_event(kind, i)) + b"\n\n"
        for i, kind in enumerate(kinds)
    )


@pytest.mark.asyncio
async def test_c6_responses_stream_complete_on_terminal_event_without_done(raw_server, make_client):
    body = responses_body("response.created", "response.output_text.delta", "response.completed")
    server = await serve_bytes(raw_server, body)
    client = make_client(server.url)
    stream = await client.responses.create(model="gpt-test", input="hi", stream=True)
    events = [e async for e in stream]
    assert [e.type for e in events][-1] == "response.completed"
    assert stream.completed


@pytest.mark.asyncio
async def test_c6_responses_helper_cut_off_raises_incomplete(raw_server, make_client):
    body = responses_body("response.created", "response.output_text.delta")
    server = await serve_bytes(raw_server, body)
    client = make_client(server.url)
    async with client.responses.stream(model="gpt-test", input="hi") as stream:
        with pytest.raises(oxide.IncompleteStreamError):
            await stream.get_final_response()
        assert not stream.completed


def test_c6_sync_stream_cut_off_raises_incomplete(thread_server):
    async def handler(request: Any, n: int) -> Any:
        from aiohttp import web

        resp = web.StreamResponse(headers={"Content-Type": "text/event-stream"})
        await resp.prepare(request)
        await resp.write(sse(chat_chunk("a")))
        await asyncio.sleep(0.01)
        return resp  # ends the chunked body cleanly, without [DONE]

    server = thread_server(handler)
    with oxide.OpenAI(api_key="sk-test", base_url=server.url) as client:
        stream = client.chat.completions.create(
            model="gpt-test", messages=[{"role": "user", "content": "hi"}], stream=True
        )
        got = []
        with pytest.raises(oxide.IncompleteStreamError):
            for item in stream:
                got.append(item.choices[0].delta.content)
        assert got == ["a"]
        assert not stream.completed


@pytest.mark.asyncio
@pytest.mark.parametrize("raw", [False, True], ids=["create", "with_raw_response"])
async def test_c6_cut_before_the_usage_chunk_that_was_asked_for_is_incomplete(
    raw_server, make_client, raw
):
    # Found by `make soak`: with `stream_options.include_usage`, a body ending right after the
    # finish_reason chunk is missing its last chunk (the usage), so it is not complete.
    body = sse(chat_chunk("a")) + sse(chat_chunk("", finish="stop"))
    server = await serve_bytes(raw_server, body)
    client = make_client(server.url)
    params: dict[str, Any] = {
        "model": "gpt-test",
        "messages": [{"role": "user", "content": "hi"}],
        "stream": True,
        "stream_options": {"include_usage": True},
    }
    if raw:
        stream = (await client.with_raw_response.chat.completions.create(**params)).parse()
    else:
        stream = await client.chat.completions.create(**params)
    got: list[Any] = []
    with pytest.raises(oxide.IncompleteStreamError):
        async for item in stream:
            got.append(item)
    assert len(got) == 2
    assert not stream.completed


@pytest.mark.asyncio
async def test_c6_usage_chunk_that_was_asked_for_completes_the_stream(raw_server, make_client):
    body = sse(chat_chunk("a")) + sse(chat_chunk("", finish="stop")) + sse(usage_chunk())
    server = await serve_bytes(raw_server, body)
    client = make_client(server.url)
    stream = await create_stream(client, stream_options={"include_usage": True})
    items = [item async for item in stream]
    assert items[-1].usage.total_tokens == 3
    assert stream.completed
