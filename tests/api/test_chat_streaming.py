"""chat.completions.create(stream=True) end to end over real sockets."""

from __future__ import annotations

import asyncio
import json

import pytest
from aiohttp import web

import oxide
from oxide.types.chat import ChatCompletionChunk

from .conftest import Recorder, acquired, chunk, sse

pytestmark = pytest.mark.asyncio

MESSAGES = [{"role": "user", "content": "hi"}]


def stream_handler(parts: list[bytes], rec: Recorder | None = None, *, split: int = 0):
    async def handler(request: web.Request) -> web.StreamResponse:
        if rec is not None:
            await rec.record(request)
        resp = web.StreamResponse(
            headers={"Content-Type": "text/event-stream", "x-request-id": "req_s"}
        )
        await resp.prepare(request)
        payload = b"".join(parts)
        if split:
            for i in range(0, len(payload), split):
                await resp.write(payload[i : i + split])
        else:
            for part in parts:
                await resp.write(part)
        await resp.write_eof()
        return resp

    return handler


def content_parts(words: list[str]) -> list[bytes]:
    parts = [sse(chunk({"role": "assistant", "content": ""}))]
    parts += [sse(chunk({"content": w})) for w in words]
    parts.append(sse(chunk({}, finish_reason="stop")))
    parts.append(b"data: [DONE]\n\n")
    return parts


@pytest.mark.parametrize("split", [0, 1, 7, 4096])
async def test_stream_yields_typed_chunks_in_order(serve, split: int) -> None:
    words = ["Hel", "lo", ", ", "wörld", " 👋"]
    rec = Recorder()
    url = await serve(
        {("POST", "/v1/chat/completions"): stream_handler(content_parts(words), rec, split=split)}
    )
    async with oxide.AsyncOpenAI(api_key="sk-test", base_url=url) as client:
        stream = await client.chat.completions.create(model="m", messages=MESSAGES, stream=True)
        chunks = [c async for c in stream]
        assert all(isinstance(c, ChatCompletionChunk) for c in chunks)
        text = "".join(c.choices[0].delta.content or "" for c in chunks)
        assert text == "".join(words)
        assert chunks[-1].choices[0].finish_reason == "stop"
        assert stream.completed
        assert stream.response.headers["x-request-id"] == "req_s"
        assert acquired(client) == 0
    headers = rec.requests[0]["headers"]
    assert headers["Accept"] == "text/event-stream"
    assert headers["Cache-Control"] == "no-cache"
    assert rec.requests[0]["body"]["stream"] is True


async def test_stream_connection_is_reused_after_done(serve) -> None:
    url = await serve({("POST", "/v1/chat/completions"): stream_handler(content_parts(["a", "b"]))})
    async with oxide.AsyncOpenAI(api_key="sk-test", base_url=url) as client:
        for _ in range(3):
            stream = await client.chat.completions.create(model="m", messages=MESSAGES, stream=True)
            assert [c.choices[0].delta.content async for c in stream if c.choices] == [
                "",
                "a",
                "b",
                None,
            ]
        assert acquired(client) == 0


async def test_breaking_out_early_closes_without_leak(serve) -> None:
    parts = content_parts([f"w{i}" for i in range(200)])
    url = await serve({("POST", "/v1/chat/completions"): stream_handler(parts)})
    async with oxide.AsyncOpenAI(api_key="sk-test", base_url=url) as client:
        async with await client.chat.completions.create(
            model="m", messages=MESSAGES, stream=True
        ) as stream:
            async for c in stream:
                if c.choices[0].delta.content == "w3":
                    break
        assert acquired(client) == 0
        # The client still works afterwards.
        stream = await client.chat.completions.create(model="m", messages=MESSAGES, stream=True)
        assert len([c async for c in stream]) == 202


async def test_mid_stream_error_raises_api_error_after_chunks(serve) -> None:
    parts = [
        sse(chunk({"content": "a"})),
        sse(chunk({"content": "b"})),
        sse({"error": {"message": "overloaded", "type": "server_error", "code": None}}),
        sse(chunk({"content": "never"})),
    ]
    url = await serve({("POST", "/v1/chat/completions"): stream_handler(parts)})
    async with oxide.AsyncOpenAI(api_key="sk-test", base_url=url) as client:
        stream = await client.chat.completions.create(model="m", messages=MESSAGES, stream=True)
        got = []
        with pytest.raises(oxide.APIError) as info:
            async for c in stream:
                got.append(c.choices[0].delta.content)
        assert got == ["a", "b"]
        assert info.value.message == "overloaded"
        assert info.value.type == "server_error"
        assert not stream.completed
        assert acquired(client) == 0


async def test_error_without_message_gets_default_text(serve) -> None:
    parts = [sse({"error": {"type": "x"}}, event="error")]
    url = await serve({("POST", "/v1/chat/completions"): stream_handler(parts)})
    async with oxide.AsyncOpenAI(api_key="sk-test", base_url=url) as client:
        stream = await client.chat.completions.create(model="m", messages=MESSAGES, stream=True)
        with pytest.raises(oxide.APIError, match="An error occurred during streaming"):
            async for _ in stream:
                pass


async def test_meta_only_events_and_comments_are_skipped(serve) -> None:
    parts = [
        b": keep-alive\n\n",
        b"id: 7\n\n",
        b"retry: 3000\n\n",
        b"event: ping\n\n",
        b"id: 1\ndata: " + json.dumps(chunk({"content": "x"})).encode() + b"\n\n\n\n",
        b"data: [DONE]\n\n",
    ]
    url = await serve({("POST", "/v1/chat/completions"): stream_handler(parts)})
    async with oxide.AsyncOpenAI(api_key="sk-test", base_url=url) as client:
        stream = await client.chat.completions.create(model="m", messages=MESSAGES, stream=True)
        assert [c.choices[0].delta.content async for c in stream] == ["x"]


async def test_done_stops_without_waiting_for_eof(serve) -> None:
    release = asyncio.Event()

    async def handler(request: web.Request) -> web.StreamResponse:
        resp = web.StreamResponse(headers={"Content-Type": "text/event-stream"})
        await resp.prepare(request)
        await resp.write(sse(chunk({"content": "x"})) + b"data: [DONE]\n\n")
        await release.wait()  # never closes on its own
        return resp

    url = await serve({("POST", "/v1/chat/completions"): handler})
    async with oxide.AsyncOpenAI(api_key="sk-test", base_url=url) as client:
        stream = await client.chat.completions.create(model="m", messages=MESSAGES, stream=True)
        got = await asyncio.wait_for(_collect(stream), timeout=2)
        assert got == ["x"]
        assert acquired(client) == 0
    release.set()


async def _collect(stream) -> list[str | None]:
    return [c.choices[0].delta.content async for c in stream]


async def test_clean_eof_mid_generation_raises_after_the_items(serve) -> None:
    # The body ends cleanly, but neither [DONE] nor a finish_reason came: a cut-off answer.
    parts = [sse(chunk({"content": "a"}))]
    url = await serve({("POST", "/v1/chat/completions"): stream_handler(parts)})
    async with oxide.AsyncOpenAI(api_key="sk-test", base_url=url) as client:
        stream = await client.chat.completions.create(model="m", messages=MESSAGES, stream=True)
        got = []
        with pytest.raises(oxide.IncompleteStreamError) as info:
            async for c in stream:
                got.append(c.choices[0].delta.content)
        assert got == ["a"]  # everything that arrived was delivered first
        assert info.value.last_item is not None
        assert not stream.completed
        assert acquired(client) == 0


async def test_invalid_event_payload_raises_validation_error(serve) -> None:
    parts = [sse(chunk({"content": "a"})), b"data: {not json\n\n"]
    url = await serve({("POST", "/v1/chat/completions"): stream_handler(parts)})
    async with oxide.AsyncOpenAI(api_key="sk-test", base_url=url) as client:
        stream = await client.chat.completions.create(model="m", messages=MESSAGES, stream=True)
        with pytest.raises(oxide.APIResponseValidationError):
            async for _ in stream:
                pass
        assert acquired(client) == 0


async def test_stream_answered_with_json_error_raises(serve) -> None:
    async def handler(request: web.Request) -> web.Response:
        return web.json_response({"error": {"message": "no streams here", "type": "invalid"}})

    url = await serve({("POST", "/v1/chat/completions"): handler})
    async with oxide.AsyncOpenAI(api_key="sk-test", base_url=url) as client:
        with pytest.raises(oxide.APIError, match="no streams here"):
            await client.chat.completions.create(model="m", messages=MESSAGES, stream=True)


async def test_stream_answered_with_json_body_is_a_validation_error(serve) -> None:
    from .conftest import completion

    async def handler(request: web.Request) -> web.Response:
        return web.json_response(completion())

    url = await serve({("POST", "/v1/chat/completions"): handler})
    async with oxide.AsyncOpenAI(api_key="sk-test", base_url=url) as client:
        # Handed back as the SDK does (so creating and closing it works), never read as empty.
        stream = await client.chat.completions.create(model="m", messages=MESSAGES, stream=True)
        with pytest.raises(oxide.APIResponseValidationError, match="text/event-stream"):
            await stream.__anext__()


async def test_unknown_fields_and_enum_values_in_chunks_decode(serve) -> None:
    c = chunk({"content": "a", "brand_new_field": 1}, finish_reason="brand_new_reason")
    c["system_fingerprint_v9"] = {"x": 1}
    parts = [sse(c), b"data: [DONE]\n\n"]
    url = await serve({("POST", "/v1/chat/completions"): stream_handler(parts)})
    async with oxide.AsyncOpenAI(api_key="sk-test", base_url=url) as client:
        stream = await client.chat.completions.create(model="m", messages=MESSAGES, stream=True)
        chunks = [c async for c in stream]
        assert chunks[0].choices[0].finish_reason == "brand_new_reason"
        assert chunks[0].choices[0].delta.content == "a"
