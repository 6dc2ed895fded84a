"""Connection-level faults (§3.2 C1-C5) and foreign exceptions during a send (§3.3 B9).

Byte-exact faults come from a raw asyncio server: RST (SO_LINGER 1,0 + abort), FIN, short
Content-Length, chunked bodies cut mid-way. Backoff-only rows use `max_retries=1`, so one
0.375-0.5 s sleep separates the two attempts.
"""

from __future__ import annotations

import asyncio
import time
from typing import Any

import aiohttp
import orjson
import pytest
from aiohttp import web

import oxide

from .conftest import (
    API_KEY,
    BACKOFF_0,
    MESSAGES,
    SLACK,
    acquired,
    chat_chunk,
    chat_completion,
    chunk,
    contents,
    create,
    create_stream,
    free_port,
    get_model,
    http_head,
    http_response,
    model_obj,
    rst,
    sse,
)

COMPLETION = orjson.dumps(chat_completion())


def in_backoff(seconds: float) -> bool:
    return BACKOFF_0[0] - 0.005 <= seconds <= BACKOFF_0[1] + SLACK


# -- C1: connection refused ---------------------------------------------------------------------------


@pytest.mark.asyncio
async def test_c1_refused_is_retried_then_connection_error(make_client):
    client = make_client(f"http://127.0.0.1:{free_port()}/v1", max_retries=1)
    t0 = time.monotonic()
    with pytest.raises(oxide.APIConnectionError) as info:
        await create(client)
    elapsed = time.monotonic() - t0
    err = info.value
    # One backoff sleep: exactly one retry (none would be ~0 s, two would be >= 1.125 s).
    assert in_backoff(elapsed), elapsed
    assert type(err) is oxide.APIConnectionError
    assert err.message == "Connection error."
    assert isinstance(err.__cause__, aiohttp.ClientConnectorError)
    assert isinstance(err.__cause__.os_error, ConnectionRefusedError)
    assert err.request.method == "POST"
    assert err.request.url.endswith("/v1/chat/completions")
    assert err.body is None and err.code is None
    assert acquired(client) == 0


@pytest.mark.asyncio
async def test_c1_refused_without_retries_fails_fast(make_client):
    client = make_client(f"http://127.0.0.1:{free_port()}/v1", max_retries=0)
    t0 = time.monotonic()
    with pytest.raises(oxide.APIConnectionError):
        await get_model(client)
    assert time.monotonic() - t0 < 0.2


# -- C2: RST before response headers ------------------------------------------------------------------


def reset_first(resets: int):
    """Reads a request; RSTs the first `resets` connections, answers the rest."""

    async def on_connection(server, reader, writer):
        while (attempt := await server.read_request(reader)) is not None:
            if server.count <= resets:
                rst(writer)
                return
            body = COMPLETION if attempt.method == "POST" else orjson.dumps(model_obj())
            writer.write(http_response(200, body))

    return on_connection


@pytest.mark.asyncio
async def test_c2_rst_before_headers_post_retried_then_connection_error(raw_server, make_client):
    server = await raw_server(reset_first(10**9))
    client = make_client(server.url, max_retries=1)
    with pytest.raises(oxide.APIConnectionError) as info:
        await create(client)
    err = info.value
    assert type(err) is oxide.APIConnectionError
    assert isinstance(err.__cause__, aiohttp.ClientOSError)
    # At-least-once: the server read the request both times (aiohttp never retries POST).
    assert server.retry_counts == ["0", "1"]
    assert [a.json() for a in server.attempts] == [{"model": "gpt-test", "messages": MESSAGES}] * 2
    assert in_backoff(server.gaps[0]), server.gaps
    assert acquired(client) == 0


@pytest.mark.asyncio
async def test_c2_rst_then_success(raw_server, make_client):
    server = await raw_server(reset_first(1))
    client = make_client(server.url, max_retries=1)
    result = await create(client)
    assert result.id == "chatcmpl-1"
    assert server.retry_counts == ["0", "1"]
    assert acquired(client) == 0


@pytest.mark.asyncio
async def test_c2_rst_on_get_is_also_retried_inside_aiohttp(raw_server, make_client):
    # aiohttp resends idempotent requests once after ClientOSError (RFC 9112 §9.3.1.1), with
    # the same headers: every oxide attempt reaches the server twice, and the retry-count
    # header counts oxide's attempts only.
    server = await raw_server(reset_first(10**9))
    client = make_client(server.url, max_retries=1)
    with pytest.raises(oxide.APIConnectionError):
        await get_model(client)
    assert server.retry_counts == ["0", "0", "1", "1"]
    assert acquired(client) == 0


# -- C3: FIN before headers on a kept-alive connection (stale pooled socket) --------------------------


def stale_second_request():
    """Connection 1 answers its first request, then closes (FIN) on reading the second."""

    async def on_connection(server, reader, writer):
        served = 0
        first_connection = server.connections == 1
        while (attempt := await server.read_request(reader)) is not None:
            if first_connection and served == 1:
                writer.close()
                return
            body = COMPLETION if attempt.method == "POST" else orjson.dumps(model_obj())
            writer.write(http_response(200, body))
            served += 1

    return on_connection


@pytest.mark.asyncio
async def test_c3_stale_keepalive_post_is_retried_by_oxide(raw_server, make_client):
    server = await raw_server(stale_second_request())
    client = make_client(server.url, max_retries=1)
    await create(client)
    t0 = time.monotonic()
    result = await create(client)
    elapsed = time.monotonic() - t0
    assert result.id == "chatcmpl-1"
    assert server.retry_counts == ["0", "0", "1"]
    assert server.connections == 2
    assert in_backoff(elapsed), elapsed  # oxide's own retry, with its backoff
    assert acquired(client) == 0


@pytest.mark.asyncio
async def test_c3_stale_keepalive_post_without_retries(raw_server, make_client):
    server = await raw_server(stale_second_request())
    client = make_client(server.url, max_retries=0)
    await create(client)
    with pytest.raises(oxide.APIConnectionError, match="Server disconnected") as info:
        await create(client)
    assert isinstance(info.value.__cause__, aiohttp.ServerDisconnectedError)
    assert server.count == 2


@pytest.mark.asyncio
async def test_c3_stale_keepalive_get_is_retried_inside_aiohttp_once(raw_server, make_client):
    server = await raw_server(stale_second_request())
    client = make_client(server.url, max_retries=1)
    await get_model(client)
    t0 = time.monotonic()
    await get_model(client)
    # aiohttp resent it at once on a new connection; oxide saw no failure, so no backoff and
    # no extra retry-count.
    assert time.monotonic() - t0 < BACKOFF_0[0]
    assert server.retry_counts == ["0", "0", "0"]
    assert server.connections == 2


# -- C4: non-stream body cut short ----------------------------------------------------------------------


def truncated(kind: str, failures: int):
    async def on_connection(server, reader, writer):
        while (await server.read_request(reader)) is not None:
            if server.count > failures:
                writer.write(http_response(200, orjson.dumps(model_obj())))
                continue
            if kind.startswith("length"):
                writer.write(http_head(200, content_length=100) + b'{"id": "g')
            elif kind == "chunked-no-terminator":
                writer.write(http_head(200, chunked=True) + chunk(b'{"id": "gpt-test"}'))
            else:  # chunked, cut inside a chunk
                writer.write(http_head(200, chunked=True) + b"40\r\n" + b'{"id": "gpt')
            await writer.drain()
            await asyncio.sleep(0.02)
            if kind.endswith("rst"):
                rst(writer)
            else:
                writer.close()
            return

    return on_connection


C4_KINDS = ["length-fin", "length-rst", "chunked-no-terminator", "chunked-mid-chunk-rst"]


@pytest.mark.asyncio
@pytest.mark.parametrize("kind", C4_KINDS)
async def test_c4_truncated_body_is_retried_then_connection_error(raw_server, make_client, kind):
    server = await raw_server(truncated(kind, 10**9))
    client = make_client(server.url, max_retries=1)
    with pytest.raises(oxide.APIConnectionError) as info:
        await get_model(client)
    err = info.value
    # A transport failure, never a JSON decode error, and never a timeout.
    assert type(err) is oxide.APIConnectionError
    assert isinstance(err.__cause__, (aiohttp.ClientPayloadError, aiohttp.ClientOSError))
    assert server.retry_counts == ["0", "1"]
    assert in_backoff(server.gaps[0]), server.gaps
    assert acquired(client) == 0


@pytest.mark.asyncio
@pytest.mark.parametrize("kind", ["length-fin", "chunked-mid-chunk-rst"])
async def test_c4_truncated_body_then_success(raw_server, make_client, kind):
    server = await raw_server(truncated(kind, 1))
    client = make_client(server.url, max_retries=1)
    result = await get_model(client)
    assert result.id == "gpt-test"
    assert server.retry_counts == ["0", "1"]
    assert acquired(client) == 0


# -- C5: the connection breaks in the middle of an SSE stream ---------------------------------------------


@pytest.mark.asyncio
@pytest.mark.parametrize("close", ["rst", "fin"])
async def test_c5_break_mid_stream_raises_typed_error_not_retried(raw_server, make_client, close):
    async def on_connection(server, reader, writer):
        await server.read_request(reader)
        writer.write(http_head(200, chunked=True, content_type="text/event-stream"))
        writer.write(chunk(sse(chat_chunk("a")) + sse(chat_chunk("b"))))
        writer.write(chunk(b'data: {"id": "chatcmpl-1", "obj'))  # half an event
        await writer.drain()
        await asyncio.sleep(0.05)
        rst(writer) if close == "rst" else writer.close()

    server = await raw_server(on_connection)
    client = make_client(server.url)
    stream = await create_stream(client)
    got = []
    with pytest.raises(oxide.APIConnectionError) as info:
        async for item in stream:
            got.append(item)
    assert contents(got) == ["a", "b"]  # the partial event is dropped
    assert isinstance(info.value.__cause__, (aiohttp.ClientPayloadError, aiohttp.ClientOSError))
    assert not isinstance(info.value, oxide.APITimeoutError)
    assert server.count == 1  # a stream that has yielded events is never re-requested
    assert acquired(client) == 0


# -- B9: exceptions that are not transport failures propagate at once ----------------------------------


class SoftTimeLimitExceeded(Exception):
    """Celery's, raised into whatever the worker was awaiting (openai/openai-python#2737)."""


def raising_session(signal: str) -> aiohttp.ClientSession:
    trace = aiohttp.TraceConfig()

    async def boom(*args: Any) -> None:
        raise SoftTimeLimitExceeded()

    getattr(trace, signal).append(boom)
    return aiohttp.ClientSession(trace_configs=[trace])


@pytest.mark.asyncio
@pytest.mark.parametrize("signal", ["on_request_headers_sent", "on_response_chunk_received"])
async def test_b9_application_exception_during_send_is_not_retried(web_server, signal):
    async def handler(request: web.Request, n: int) -> web.StreamResponse:
        return web.json_response(chat_completion())

    server = await web_server(handler)
    session = raising_session(signal)
    client = oxide.AsyncOpenAI(api_key=API_KEY, base_url=server.url, http_client=session)
    try:
        t0 = time.monotonic()
        with pytest.raises(SoftTimeLimitExceeded):
            await create(client)
        assert time.monotonic() - t0 < BACKOFF_0[0]  # no backoff sleep: not retried
        await asyncio.sleep(0.05)
        assert server.count <= 1
        assert len(session.connector._acquired) == 0  # type: ignore[union-attr]
    finally:
        await client.close()
        await session.close()


@pytest.mark.asyncio
async def test_b9_cancellation_while_waiting_for_headers(raw_server, make_client):
    async def on_connection(server, reader, writer):
        await server.read_request(reader)
        await server.release.wait()

    server = await raw_server(on_connection)
    client = make_client(server.url)
    task = asyncio.ensure_future(create(client))
    while server.count < 1:
        await asyncio.sleep(0.01)
    task.cancel()
    with pytest.raises(asyncio.CancelledError):
        await task
    await asyncio.sleep(0.05)
    assert server.count == 1
    assert acquired(client) == 0


@pytest.mark.asyncio
async def test_b9_cancellation_during_backoff_sleep(raw_server, make_client):
    server = await raw_server(reset_first(10**9))
    client = make_client(server.url, max_retries=2)
    task = asyncio.ensure_future(create(client))
    while server.count < 1:
        await asyncio.sleep(0.01)
    await asyncio.sleep(0.1)  # inside the first 0.375-0.5 s backoff
    task.cancel()
    with pytest.raises(asyncio.CancelledError):
        await task
    await asyncio.sleep(0.5)
    assert server.count == 1
    assert acquired(client) == 0


@pytest.mark.asyncio
async def test_b9_api_key_provider_error_propagates(web_server):
    async def handler(request: web.Request, n: int) -> web.StreamResponse:
        return web.json_response(chat_completion())

    server = await web_server(handler)

    async def provider() -> str:
        raise SoftTimeLimitExceeded()

    client = oxide.AsyncOpenAI(api_key=provider, base_url=server.url)
    try:
        with pytest.raises(SoftTimeLimitExceeded):
            await create(client)
        assert server.count == 0
    finally:
        await client.close()
