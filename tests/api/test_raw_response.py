"""with_raw_response and with_streaming_response, async and sync, as in the official SDK."""

from __future__ import annotations

import datetime

import pytest
from aiohttp import web

import oxide
from oxide._response import APIResponse, AsyncAPIResponse, LegacyAPIResponse
from oxide.types.chat import ChatCompletion, ChatCompletionChunk

from .conftest import Recorder, completion

MESSAGES = [{"role": "user", "content": "hi"}]


def routes(rec: Recorder):
    async def chat(request: web.Request) -> web.Response:
        await rec.record(request)
        return web.json_response(
            completion("raw!"),
            headers={"x-request-id": "req_raw", "x-ratelimit-remaining-requests": "99"},
        )

    async def models(request: web.Request) -> web.Response:
        return web.json_response(
            {
                "object": "list",
                "data": [{"id": "m1", "object": "model", "created": 1, "owned_by": "o"}],
            }
        )

    async def lines(request: web.Request) -> web.StreamResponse:
        resp = web.StreamResponse(headers={"Content-Type": "application/json"})
        await resp.prepare(request)
        for part in (b'{"a":', b" 1}\r", b"\nline2\n", b"line3"):
            await resp.write(part)
        await resp.write_eof()
        return resp

    return {
        ("POST", "/v1/chat/completions"): chat,
        ("GET", "/v1/models"): models,
        ("GET", "/v1/models/{id}"): lines,
    }


@pytest.mark.asyncio
async def test_with_raw_response_async(serve) -> None:
    rec = Recorder()
    url = await serve(routes(rec))
    async with oxide.AsyncOpenAI(api_key="k", base_url=url) as client:
        raw = await client.with_raw_response.chat.completions.create(model="m", messages=MESSAGES)
        assert isinstance(raw, LegacyAPIResponse)
        assert raw.status_code == 200
        assert raw.headers["x-ratelimit-remaining-requests"] == "99"
        assert raw.request_id == "req_raw"
        assert raw.http_request.method == "POST"
        assert raw.retries_taken == 0
        assert isinstance(raw.elapsed, datetime.timedelta)
        assert raw.json()["choices"][0]["message"]["content"] == "raw!"
        parsed = raw.parse()
        assert isinstance(parsed, ChatCompletion) and parsed._request_id == "req_raw"
        assert raw.parse() is parsed  # cached
        # The resource-level spelling works too.
        raw2 = await client.chat.completions.with_raw_response.create(model="m", messages=MESSAGES)
        assert raw2.parse().choices[0].message.content == "raw!"
        page = (await client.with_raw_response.models.list()).parse()
        assert [m.id for m in page.data] == ["m1"]
        # The plain client is unaffected.
        assert isinstance(
            await client.chat.completions.create(model="m", messages=MESSAGES), ChatCompletion
        )


@pytest.mark.asyncio
async def test_with_streaming_response_async(serve) -> None:
    rec = Recorder()
    url = await serve(routes(rec))
    async with oxide.AsyncOpenAI(api_key="k", base_url=url) as client:
        async with client.with_streaming_response.chat.completions.create(
            model="m", messages=MESSAGES
        ) as resp:
            assert isinstance(resp, AsyncAPIResponse)
            assert resp.headers["x-request-id"] == "req_raw"
            parsed = await resp.parse()
            assert parsed.choices[0].message.content == "raw!"
        async with client.with_streaming_response.models.retrieve("x") as resp:
            assert [line async for line in resp.iter_lines()] == ['{"a": 1}', "line2", "line3"]
        async with client.models.with_streaming_response.retrieve("x") as resp:
            assert b"".join([c async for c in resp.iter_bytes()]) == b'{"a": 1}\r\nline2\nline3'
        assert client._holder.connection_counts()[0] == 0


@pytest.mark.asyncio
async def test_raw_response_of_a_stream_parses_to_the_stream(serve) -> None:
    from .conftest import chunk, sse

    async def handler(request: web.Request) -> web.StreamResponse:
        resp = web.StreamResponse(
            headers={"Content-Type": "text/event-stream", "x-request-id": "req_st"}
        )
        await resp.prepare(request)
        await resp.write(
            sse(chunk({"content": "a"})) + sse(chunk({"content": "b"})) + b"data: [DONE]\n\n"
        )
        await resp.write_eof()
        return resp

    url = await serve({("POST", "/v1/chat/completions"): handler})
    async with oxide.AsyncOpenAI(api_key="k", base_url=url) as client:
        raw = await client.with_raw_response.chat.completions.create(
            model="m", messages=MESSAGES, stream=True
        )
        assert raw.request_id == "req_st"
        stream = raw.parse()
        chunks = [c async for c in stream]
        assert all(isinstance(c, ChatCompletionChunk) for c in chunks)
        assert [c.choices[0].delta.content for c in chunks] == ["a", "b"]


def test_raw_and_streaming_responses_sync(serve_in_thread: str) -> None:
    with oxide.OpenAI(api_key="k", base_url=serve_in_thread) as client:
        raw = client.with_raw_response.chat.completions.create(model="m", messages=MESSAGES)
        assert raw.request_id == "req_t"
        assert raw.parse().choices[0].message.content == "Hello!"

        raw_stream = client.chat.completions.with_raw_response.create(
            model="m", messages=MESSAGES, stream=True
        )
        assert len(list(raw_stream.parse())) == 50
        with client.with_streaming_response.chat.completions.create(
            model="m", messages=MESSAGES
        ) as resp:
            assert isinstance(resp, APIResponse)
            assert resp.status_code == 200
            assert resp.json()["choices"][0]["message"]["content"] == "Hello!"
        with client.chat.completions.with_streaming_response.create(
            model="m", messages=MESSAGES, stream=True
        ) as resp:
            text = "".join(c.choices[0].delta.content for c in resp.parse())
        assert text.startswith("t0 t1 ")


def test_sync_raw_list_parses_to_a_sync_page() -> None:
    from oxide.pagination import SyncPage
    from oxide.testing import MockOpenAI

    with MockOpenAI.in_thread() as url, oxide.OpenAI(api_key="k", base_url=url) as client:
        page = client.with_raw_response.models.list().parse()
        assert isinstance(page, SyncPage)
        assert [m.id for m in page] == [m.id for m in client.models.list()]
