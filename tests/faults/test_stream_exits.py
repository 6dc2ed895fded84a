"""Every way out of a stream releases its connection (§3.8 L1, L2; issue 9 defect 1).

A stream left without `async with` or `close()` (`break`, `return`, an exception in the loop
body, or simply dropped) must give its connection back at once, with no await from the caller
and no garbage-collector pass: the official SDK releases it when the stream is dropped, and an
agent farm that breaks out of streams would otherwise fill its pool and hang. The server here
streams forever (and fast, so the unread rest exceeds every read buffer), which is the worst
case: nothing but closing the connection ends the response.

`gc` is disabled around each exit so that only reference counting can release the stream;
a reference cycle anywhere in a stream object would make these tests fail.
"""

from __future__ import annotations

import asyncio
import contextlib
import gc
from collections.abc import AsyncIterator, Awaitable, Callable, Iterator
from typing import Any

import pytest
import pytest_asyncio
from aiohttp import web

import oxide

from .conftest import AppServer, acquired, chat_chunk, create_stream, sse


@contextlib.contextmanager
def no_gc() -> Iterator[None]:
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()


def response_event(n: int) -> dict[str, Any]:
    return {
        "type": "response.output_text.delta",
        "item_id": "msg_1",
        "output_index": 0,
        "content_index": 0,
        "delta": "x" * 64,
        "logprobs": [],
        "sequence_number": n,
    }


class EndlessStreams:
    """A server whose streams never end; counts open and finished (disconnected) streams."""

    def __init__(self) -> None:
        self.open = 0
        self.ended = 0
        self.changed = asyncio.Event()

    async def handler(self, request: web.Request, n: int) -> web.StreamResponse:
        resp = web.StreamResponse(headers={"Content-Type": "text/event-stream"})
        await resp.prepare(request)
        self.open += 1
        responses = request.path.endswith("/responses")
        try:
            i = 0
            while True:
                if responses:
                    data = sse(response_event(i))
                else:
                    data = sse(chat_chunk("token " * 20))
                await resp.write(data * 16)
                i += 1
        except (ConnectionError, asyncio.CancelledError):
            pass
        finally:
            self.open -= 1
            self.ended += 1
            self.changed.set()
        return resp

    async def wait_ended(self, count: int, timeout: float = 5.0) -> None:
        async def until() -> None:
            while self.ended < count:
                self.changed.clear()
                await self.changed.wait()

        await asyncio.wait_for(until(), timeout)


@pytest_asyncio.fixture
async def endless(web_server: Callable[..., Awaitable[AppServer]]) -> tuple[EndlessStreams, str]:
    streams = EndlessStreams()
    server = await web_server(streams.handler)
    return streams, server.url


async def consume_and_break(client: oxide.AsyncOpenAI) -> int:
    n = 0
    async for _ in await create_stream(client):
        n += 1
        if n == 3:
            break
    return n


async def consume_and_return(client: oxide.AsyncOpenAI) -> int:
    n = 0
    async for _ in await create_stream(client):
        n += 1
        if n == 3:
            return n
    raise AssertionError("the stream ended")


class Stop(Exception):
    pass


async def consume_and_raise(client: oxide.AsyncOpenAI) -> int:
    n = 0
    async for _ in await create_stream(client):
        n += 1
        if n == 3:
            raise Stop
    raise AssertionError("the stream ended")


async def consume_and_drop(client: oxide.AsyncOpenAI) -> int:
    stream = await create_stream(client)
    first = await stream.__anext__()
    del stream
    return 1 if first is not None else 0


async def responses_break(client: oxide.AsyncOpenAI) -> int:
    n = 0
    async for _ in await client.responses.create(model="gpt-test", input="hi", stream=True):
        n += 1
        if n == 3:
            break
    return n


async def raw_response_break(client: oxide.AsyncOpenAI) -> int:
    raw = await client.with_raw_response.chat.completions.create(
        model="gpt-test", messages=[{"role": "user", "content": "hi"}], stream=True
    )
    n = 0
    async for _ in raw.parse():
        n += 1
        if n == 3:
            break
    return n


async def raw_response_never_parsed(client: oxide.AsyncOpenAI) -> int:
    raw = await client.with_raw_response.chat.completions.create(
        model="gpt-test", messages=[{"role": "user", "content": "hi"}], stream=True
    )
    return raw.status_code


async def chat_helper_dropped(client: oxide.AsyncOpenAI) -> int:
    # The manager entered but never exited: what a caller holding the stream object and
    # forgetting it does.
    manager = client.chat.completions.stream(
        model="gpt-test", messages=[{"role": "user", "content": "hi"}]
    )
    stream = await manager.__aenter__()
    n = 0
    async for _ in stream:
        n += 1
        if n == 3:
            break
    return n


async def responses_helper_dropped(client: oxide.AsyncOpenAI) -> int:
    manager = client.responses.stream(model="gpt-test", input="hi")
    stream = await manager.__aenter__()
    n = 0
    async for _ in stream:
        n += 1
        if n == 3:
            break
    return n


EXITS: dict[str, Callable[[oxide.AsyncOpenAI], Awaitable[int]]] = {
    "break": consume_and_break,
    "return": consume_and_return,
    "exception": consume_and_raise,
    "dropped": consume_and_drop,
    "responses-break": responses_break,
    "raw-response-break": raw_response_break,
    "raw-response-never-parsed": raw_response_never_parsed,
    "chat-helper-dropped": chat_helper_dropped,
    "responses-helper-dropped": responses_helper_dropped,
}


@pytest.mark.asyncio
@pytest.mark.parametrize("exit_path", list(EXITS))
async def test_l2_leaving_a_stream_releases_its_connection_at_once(endless, make_client, exit_path):
    streams, url = endless
    client = make_client(url)
    with no_gc():
        with contextlib.suppress(Stop):
            await EXITS[exit_path](client)
        # No await in between: the connection is back (closed, since the body was unread)
        # as soon as the last reference to the stream went away.
        assert acquired(client) == 0
    await streams.wait_ended(1)  # and the server stops generating
    assert streams.open == 0


@pytest.mark.asyncio
async def test_l2_two_hundred_abandoned_streams_leave_a_small_pool_usable(endless, make_client):
    streams, url = endless
    client = make_client(url, connection_limit=4, timeout=oxide.Timeout(5.0, connect=2.0))
    with no_gc():
        for _ in range(200):
            assert await consume_and_break(client) == 3
            assert acquired(client) <= 1
    await streams.wait_ended(200)
    # The pool still serves: a call after the exits gets a connection at once.
    assert await asyncio.wait_for(consume_and_break(client), 5.0) == 3


@pytest.mark.asyncio
async def test_l1_cancelled_consumer_releases_the_connection(endless, make_client):
    streams, url = endless
    client = make_client(url)
    started = asyncio.Event()

    async def consumer() -> None:
        async for _ in await create_stream(client):
            started.set()
            await asyncio.sleep(0.001)

    task = asyncio.ensure_future(consumer())
    await started.wait()
    task.cancel()
    with pytest.raises(asyncio.CancelledError):
        await task
    assert acquired(client) == 0
    await streams.wait_ended(1)


@pytest.mark.asyncio
async def test_a_stream_kept_by_the_caller_is_not_released_behind_its_back(endless, make_client):
    # The release is tied to the stream's lifetime, not to leaving a loop: a stream the caller
    # still holds can be iterated again after a break.
    _streams, url = endless
    client = make_client(url)
    stream = await create_stream(client)
    async for _ in stream:
        break
    assert acquired(client) == 1
    items = [item async for item, _ in _zip_range(stream, 3)]
    assert len(items) == 3
    await stream.close()
    assert acquired(client) == 0


async def _zip_range(stream: Any, n: int) -> AsyncIterator[tuple[Any, int]]:
    i = 0
    async for item in stream:
        yield item, i
        i += 1
        if i == n:
            return


def test_sync_stream_left_with_break_releases_its_connection(thread_server):
    streams = EndlessStreams()
    server = thread_server(streams.handler)
    client = oxide.OpenAI(
        api_key="sk-test",
        base_url=server.url,
        connection_limit=2,
        timeout=oxide.Timeout(5.0, connect=2.0),
        max_retries=0,
    )
    with client, no_gc():
        for _ in range(20):
            n = 0
            for _ in client.chat.completions.create(
                model="gpt-test", messages=[{"role": "user", "content": "hi"}], stream=True
            ):
                n += 1
                if n == 3:
                    break
            assert n == 3
