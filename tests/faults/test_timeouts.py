"""Timeouts (§1.1, §3.2 C7-C11): connect, read (per chunk, never a total), pool wait.

Stalls wait on the server's `release` event (set at teardown), never on long sleeps.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import Awaitable, Callable

import aiohttp
import pytest
from aiohttp import web

import oxide
from oxide._constants import DEFAULT_TIMEOUT
from oxide._transport._session import client_timeout

from .conftest import (
    BACKOFF_0,
    SLACK,
    AppServer,
    acquired,
    chat_chunk,
    contents,
    create_stream,
    get_model,
    http_head,
    json_response,
    model_obj,
    sse,
)

# -- defaults and the mapping to aiohttp ------------------------------------------------------------------


def test_default_timeout_matches_the_sdk():
    client = oxide.AsyncOpenAI(api_key="k")
    assert client.timeout == oxide.Timeout(600, connect=5.0)
    assert client.timeout == DEFAULT_TIMEOUT
    assert client.max_retries == 2
    t = client_timeout(DEFAULT_TIMEOUT)
    # No total: a stream lives as long as data keeps coming (aiohttp's default total=300 would
    # kill it). read is per chunk; connect is per new socket; the pool wait is pool + connect.
    assert t.total is None
    assert (t.sock_read, t.sock_connect, t.connect) == (600, 5.0, 605.0)


@pytest.mark.parametrize(
    "timeout,expected",
    [
        (None, (None, None, None, None)),
        (oxide.Timeout(10), (None, 10, 10, 20)),
        (oxide.Timeout(10, connect=1, pool=2), (None, 10, 1, 3)),
        (oxide.Timeout(10, pool=None), (None, 10, 10, None)),
        (oxide.Timeout(connect=None, read=None, write=None, pool=None), (None, None, None, None)),
    ],
)
def test_timeout_mapping(timeout, expected):
    t = client_timeout(timeout)
    assert (t.total, t.sock_read, t.sock_connect, t.connect) == expected


@pytest.mark.asyncio
async def test_float_timeout_per_call_and_per_client(web_server, make_client):
    async def handler(request: web.Request, n: int) -> web.StreamResponse:
        return json_response(model_obj())

    server = await web_server(handler)
    client = make_client(server.url, timeout=7.5)
    await get_model(client)
    await get_model(client, timeout=3.5)
    await get_model(client.with_options(timeout=oxide.Timeout(9, read=2)))
    assert [a.headers["x-stainless-read-timeout"] for a in server.attempts] == ["7.5", "3.5", "2"]


# -- C7: stall before headers, or in the middle of a body ----------------------------------------------


@pytest.mark.asyncio
async def test_c7_stall_before_headers_retried_then_timeout(web_server, make_client):
    async def handler(request: web.Request, n: int) -> web.StreamResponse:
        await server.release.wait()
        return json_response(model_obj())

    server = await web_server(handler)
    client = make_client(server.url, max_retries=1, timeout=oxide.Timeout(5, read=0.2))
    t0 = time.monotonic()
    with pytest.raises(oxide.APITimeoutError) as info:
        await get_model(client)
    elapsed = time.monotonic() - t0
    err = info.value
    assert isinstance(err, oxide.APIConnectionError) and isinstance(err, TimeoutError)
    assert err.message == "Request timed out."
    assert isinstance(err.__cause__, aiohttp.SocketTimeoutError)
    assert server.retry_counts == ["0", "1"]
    # read timeout, one backoff, read timeout
    assert 0.2 + BACKOFF_0[0] + 0.2 - 0.01 <= elapsed <= 0.2 + BACKOFF_0[1] + 0.2 + SLACK
    assert 0.2 + BACKOFF_0[0] - 0.01 <= server.gaps[0]
    assert acquired(client) == 0


@pytest.mark.asyncio
async def test_c7_stall_then_success(web_server, make_client):
    async def handler(request: web.Request, n: int) -> web.StreamResponse:
        if n == 0:
            await server.release.wait()
        return json_response(model_obj())

    server = await web_server(handler)
    client = make_client(server.url, max_retries=1, timeout=oxide.Timeout(5, read=0.2))
    result = await get_model(client)
    assert result.id == "gpt-test"
    assert server.retry_counts == ["0", "1"]


@pytest.mark.asyncio
async def test_c7_stall_in_the_middle_of_a_body(raw_server, make_client):
    async def on_connection(server, reader, writer):
        while (await server.read_request(reader)) is not None:
            writer.write(http_head(200, content_length=100) + b'{"id": "g')
            await server.release.wait()

    server = await raw_server(on_connection)
    client = make_client(server.url, max_retries=1, timeout=oxide.Timeout(5, read=0.2))
    with pytest.raises(oxide.APITimeoutError) as info:
        await get_model(client)
    assert isinstance(info.value.__cause__, aiohttp.SocketTimeoutError)
    assert server.retry_counts == ["0", "1"]
    assert acquired(client) == 0


@pytest.mark.asyncio
async def test_c7_slow_but_steady_body_is_not_a_timeout(raw_server, make_client):
    # read is the gap between chunks, not a deadline for the whole body.
    async def on_connection(server, reader, writer):
        await server.read_request(reader)
        body = b'{"id": "gpt-test", "object": "model", "created": 1, "owned_by": "o"}'
        writer.write(http_head(200, content_length=len(body)))
        for i in range(0, len(body), 10):
            writer.write(body[i : i + 10])
            await asyncio.sleep(0.1)

    server = await raw_server(on_connection)
    client = make_client(server.url, max_retries=0, timeout=oxide.Timeout(5, read=0.3))
    t0 = time.monotonic()
    result = await get_model(client)
    assert time.monotonic() - t0 >= 0.6
    assert result.id == "gpt-test"


# -- C8: connect timeout ---------------------------------------------------------------------------------


@pytest.mark.asyncio
async def test_c8_connect_timeout_retried_then_timeout(blackhole, make_client):
    client = make_client(
        f"http://127.0.0.1:{blackhole}/v1", max_retries=1, timeout=oxide.Timeout(5, connect=0.2)
    )
    t0 = time.monotonic()
    with pytest.raises(oxide.APITimeoutError) as info:
        await get_model(client)
    elapsed = time.monotonic() - t0
    assert isinstance(info.value.__cause__, aiohttp.ConnectionTimeoutError)
    # connect timeout, one backoff, connect timeout: so exactly one retry
    assert 0.2 + BACKOFF_0[0] + 0.2 - 0.01 <= elapsed <= 0.2 + BACKOFF_0[1] + 0.2 + SLACK
    assert acquired(client) == 0


# -- C9: stall after k SSE events ------------------------------------------------------------------------


@pytest.mark.asyncio
async def test_c9_stall_mid_stream_is_a_timeout_from_the_iterator(web_server, make_client):
    async def handler(request: web.Request, n: int) -> web.StreamResponse:
        resp = web.StreamResponse(headers={"Content-Type": "text/event-stream"})
        await resp.prepare(request)
        await resp.write(sse(chat_chunk("a")) + sse(chat_chunk("b")))
        await server.release.wait()
        return resp

    server = await web_server(handler)
    client = make_client(server.url, timeout=oxide.Timeout(5, read=0.3))
    stream = await create_stream(client)
    got = []
    t0 = time.monotonic()
    with pytest.raises(oxide.APITimeoutError) as info:
        async for item in stream:
            got.append(item)
    elapsed = time.monotonic() - t0
    assert contents(got) == ["a", "b"]
    assert isinstance(info.value.__cause__, aiohttp.SocketTimeoutError)
    assert 0.3 - 0.01 <= elapsed <= 0.3 + SLACK
    assert server.count == 1  # not retried: the caller already holds events
    assert acquired(client) == 0
    with pytest.raises(StopAsyncIteration):  # finished for good
        await stream.__anext__()


# -- C10: keep-alive comments longer than the read timeout --------------------------------------------------


@pytest.mark.asyncio
async def test_c10_keepalive_comments_keep_a_slow_stream_alive(web_server, make_client):
    async def handler(request: web.Request, n: int) -> web.StreamResponse:
        resp = web.StreamResponse(headers={"Content-Type": "text/event-stream"})
        await resp.prepare(request)
        await resp.write(sse(chat_chunk("first")))
        for _ in range(10):  # 1 s of comments, far beyond the 0.3 s read timeout
            await asyncio.sleep(0.1)
            await resp.write(b": keep-alive\n\n")
        await resp.write(sse(chat_chunk("last")) + b"data: [DONE]\n\n")
        return resp

    server = await web_server(handler)
    client = make_client(server.url, max_retries=0, timeout=oxide.Timeout(0.6, read=0.3))
    t0 = time.monotonic()
    stream = await create_stream(client)
    items = [item async for item in stream]
    assert time.monotonic() - t0 >= 1.0  # longer than every limit set above
    assert contents(items) == ["first", "last"]
    assert stream.completed
    assert acquired(client) == 0


# -- C11: pool exhaustion ------------------------------------------------------------------------------------


def holding_streams(
    server: Callable[[], AppServer],
) -> Callable[..., Awaitable[web.StreamResponse]]:
    """A handler whose streams send one chunk, then hold their connection until teardown."""

    async def handler(request: web.Request, n: int) -> web.StreamResponse:
        resp = web.StreamResponse(headers={"Content-Type": "text/event-stream"})
        await resp.prepare(request)
        await resp.write(sse(chat_chunk("held")))
        await server().release.wait()
        return resp

    return handler


@pytest.mark.asyncio
async def test_c11_pool_exhaustion_times_out_and_never_hangs(web_server, make_client):
    async def handler(request: web.Request, n: int) -> web.StreamResponse:
        if request.method == "GET":
            return json_response(model_obj())
        resp = web.StreamResponse(headers={"Content-Type": "text/event-stream"})
        await resp.prepare(request)
        await resp.write(sse(chat_chunk("held")))
        await server.release.wait()
        return resp

    server = await web_server(handler)
    client = make_client(
        server.url,
        connection_limit=1,
        max_retries=0,
        timeout=oxide.Timeout(5, connect=0.1, pool=0.2),
    )
    stream = await create_stream(client)
    assert contents([await stream.__anext__()]) == ["held"]
    assert acquired(client) == 1

    t0 = time.monotonic()
    with pytest.raises(oxide.APITimeoutError) as info:
        await asyncio.wait_for(get_model(client), timeout=3)  # never a hang
    elapsed = time.monotonic() - t0
    assert isinstance(info.value.__cause__, aiohttp.ConnectionTimeoutError)
    # The wait for a pooled connection is bounded by `pool` alone (0.2 s), as in the SDK.
    assert 0.2 - 0.01 <= elapsed <= 0.3 + SLACK
    assert server.count == 1  # the second request never got a socket

    await stream.close()
    assert acquired(client) == 0
    assert (await get_model(client)).id == "gpt-test"
    assert acquired(client) == 0


@pytest.mark.asyncio
async def test_c11_pool_wait_is_retried_like_the_sdk_pool_timeout(web_server, make_client):
    server = await web_server(holding_streams(lambda: server))
    client = make_client(
        server.url,
        connection_limit=1,
        max_retries=1,
        timeout=oxide.Timeout(5, connect=0.05, pool=0.1),
    )
    stream = await create_stream(client)
    t0 = time.monotonic()
    with pytest.raises(oxide.APITimeoutError):
        await asyncio.wait_for(create_stream(client), timeout=3)
    elapsed = time.monotonic() - t0
    # Each attempt waits `pool` (0.1 s) for a connection, then the SDK's first backoff.
    assert 2 * 0.1 + BACKOFF_0[0] - 0.01 <= elapsed <= 2 * 0.1 + BACKOFF_0[1] + SLACK
    await stream.close()
    assert acquired(client) == 0


@pytest.mark.asyncio
async def test_c11_pool_wait_fires_on_its_own_not_after_pool_plus_connect(web_server, make_client):
    # The official Timeout.pool bounds the wait for a free connection by itself; aiohttp's only
    # knob would make it pool + connect (here 5.2 s).
    server = await web_server(holding_streams(lambda: server))
    client = make_client(
        server.url, connection_limit=1, max_retries=0, timeout=oxide.Timeout(5, pool=0.2)
    )
    stream = await create_stream(client)
    t0 = time.monotonic()
    with pytest.raises(oxide.APITimeoutError) as info:
        await asyncio.wait_for(get_model(client), timeout=4)
    elapsed = time.monotonic() - t0
    assert 0.2 - 0.01 <= elapsed <= 0.2 + SLACK
    assert isinstance(info.value.__cause__, aiohttp.ConnectionTimeoutError)
    await stream.close()


# -- C12: a long healthy stream --------------------------------------------------------------------------


@pytest.mark.asyncio
async def test_c12_stream_longer_than_every_limit_completes(web_server, make_client):
    # Compressed in time: 1.5 s of events every 0.1 s under a 0.3 s read timeout, a 0.5 s
    # connect timeout and a 0.4 s call deadline (which covers the start of the stream only).
    async def handler(request: web.Request, n: int) -> web.StreamResponse:
        resp = web.StreamResponse(headers={"Content-Type": "text/event-stream"})
        await resp.prepare(request)
        for i in range(15):
            await resp.write(sse(chat_chunk(f"t{i}")))
            await asyncio.sleep(0.1)
        await resp.write(b"data: [DONE]\n\n")
        return resp

    server = await web_server(handler)
    client = make_client(server.url, max_retries=0, timeout=oxide.Timeout(0.5, read=0.3, total=0.4))
    t0 = time.monotonic()
    stream = await create_stream(client)
    items = [item async for item in stream]
    assert time.monotonic() - t0 >= 1.4
    assert contents(items) == [f"t{i}" for i in range(15)]
    assert stream.completed


# -- the call deadline (Timeout.total, an oxide extra) ------------------------------------------------------


@pytest.mark.asyncio
async def test_total_deadline_cuts_a_stalled_attempt_and_spans_retries(web_server, make_client):
    async def handler(request: web.Request, n: int) -> web.StreamResponse:
        await server.release.wait()  # never answers
        return json_response(model_obj())

    server = await web_server(handler)
    client = make_client(server.url, max_retries=2, timeout=oxide.Timeout(10, total=0.3))
    t0 = time.monotonic()
    with pytest.raises(oxide.APITimeoutError, match=r"Timeout.total=0.3"):
        await get_model(client)
    elapsed = time.monotonic() - t0
    assert 0.3 - 0.01 <= elapsed <= 0.3 + SLACK
    assert server.count == 1  # no retry is started past the deadline
    assert acquired(client) == 0


@pytest.mark.asyncio
async def test_total_deadline_bounds_retries_of_a_failing_server(web_server, make_client):
    async def handler(request: web.Request, n: int) -> web.StreamResponse:
        await asyncio.sleep(0.2)  # each attempt stalls, then the read timeout fires
        return json_response(model_obj())

    server = await web_server(handler)
    client = make_client(server.url, max_retries=5, timeout=oxide.Timeout(10, read=0.05, total=1.2))
    t0 = time.monotonic()
    with pytest.raises(oxide.APITimeoutError):
        await get_model(client)
    elapsed = time.monotonic() - t0
    # Attempts of 0.05 s separated by 0.375-0.5 s and 0.75-1 s backoffs: the third would start
    # past 1.2 s, so there are two, and the call ends well before five retries would.
    assert server.count == 2
    assert elapsed <= 1.2 + SLACK


def test_total_deadline_on_the_sync_client(thread_server):
    async def handler(request: web.Request, n: int) -> web.StreamResponse:
        await asyncio.sleep(2)
        return json_response(model_obj())

    server = thread_server(handler)
    t0 = time.monotonic()
    with oxide.OpenAI(api_key="sk-test", base_url=server.url) as client:
        with pytest.raises(oxide.APITimeoutError):
            client.models.retrieve("gpt-test", timeout=oxide.Timeout(10, total=0.3))
    assert time.monotonic() - t0 <= 0.3 + SLACK + 0.2


def test_timeout_total_is_kept_by_copies_and_compared():
    t = oxide.Timeout(600, connect=5.0, total=30)
    assert oxide.Timeout(t).total == 30
    assert t != oxide.Timeout(600, connect=5.0)
    assert t == oxide.Timeout(600, connect=5.0, total=30)
    assert "total=30" in repr(t)
    client = oxide.AsyncOpenAI(api_key="k", timeout=t)
    assert client.with_options(max_retries=0).timeout == t
