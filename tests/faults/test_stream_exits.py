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


MESSAGES = [{"role": "user", "content": "hi"}]


async def consume_and_break(client: oxide.AsyncOpenAI) -> int:
    n = 0
    async for _ in await create_stream(client):
        n += 1
        if n == 3:
            break
    return n


# -- every stream type and helper, async: how to open it, and what to iterate and close --------


async def open_chat(client: oxide.AsyncOpenAI) -> tuple[Any, Any]:
    stream = await client.chat.completions.create(model="m", messages=MESSAGES, stream=True)
    return stream, stream


async def open_responses(client: oxide.AsyncOpenAI) -> tuple[Any, Any]:
    stream = await client.responses.create(model="m", input="hi", stream=True)
    return stream, stream


async def open_raw(client: oxide.AsyncOpenAI) -> tuple[Any, Any]:
    raw = await client.with_raw_response.chat.completions.create(
        model="m", messages=MESSAGES, stream=True
    )
    stream = raw.parse()
    return stream, stream


async def open_chat_helper(client: oxide.AsyncOpenAI) -> tuple[Any, Any]:
    stream = await client.chat.completions.stream(model="m", messages=MESSAGES).__aenter__()
    return stream, stream


async def open_responses_helper(client: oxide.AsyncOpenAI) -> tuple[Any, Any]:
    stream = await client.responses.stream(model="m", input="hi").__aenter__()
    return stream, stream


ASYNC_KINDS: dict[str, Callable[[oxide.AsyncOpenAI], Awaitable[tuple[Any, Any]]]] = {
    "chat": open_chat,
    "responses": open_responses,
    "raw-response": open_raw,
    "chat-helper": open_chat_helper,
    "responses-helper": open_responses_helper,
}


class Stop(Exception):
    pass


async def exit_break(opened: Awaitable[tuple[Any, Any]]) -> None:
    it, _ = await opened
    n = 0
    async for _ in it:
        n += 1
        if n == 3:
            break


async def exit_return(opened: Awaitable[tuple[Any, Any]]) -> None:
    it, _ = await opened
    n = 0
    async for _ in it:
        n += 1
        if n == 3:
            return
    raise AssertionError("the stream ended")


async def exit_exception(opened: Awaitable[tuple[Any, Any]]) -> None:
    it, _ = await opened
    with contextlib.suppress(Stop):
        async for _ in it:
            raise Stop


async def exit_dropped(opened: Awaitable[tuple[Any, Any]]) -> None:
    it, obj = await opened
    await it.__anext__()
    del it, obj


async def exit_close(opened: Awaitable[tuple[Any, Any]]) -> None:
    it, obj = await opened
    await it.__anext__()
    await obj.close()


async def exit_context_manager(opened: Awaitable[tuple[Any, Any]]) -> None:
    it, obj = await opened
    async with obj:
        await it.__anext__()


async def exit_cancelled(opened: Awaitable[tuple[Any, Any]]) -> None:
    started = asyncio.Event()

    async def consume() -> None:
        it, _ = await opened
        async for _ in it:
            started.set()
            await asyncio.sleep(0)

    task = asyncio.ensure_future(consume())
    await started.wait()
    task.cancel()
    # Waited for without re-raising: `await task` would hand this frame the CancelledError,
    # whose traceback holds the cancelled frame (and the stream in its local) for as long as
    # the task keeps that exception. That is Python's, not the stream's, reference.
    await asyncio.wait([task])
    assert task.cancelled()
    del task


ASYNC_EXITS: dict[str, Callable[[Awaitable[tuple[Any, Any]]], Awaitable[None]]] = {
    "break": exit_break,
    "return": exit_return,
    "exception": exit_exception,
    "dropped": exit_dropped,
    "close": exit_close,
    "context-manager": exit_context_manager,
    "cancelled": exit_cancelled,
}


@pytest.mark.asyncio
@pytest.mark.parametrize("exit_path", list(ASYNC_EXITS))
@pytest.mark.parametrize("kind", list(ASYNC_KINDS))
async def test_l2_every_exit_of_every_async_stream_releases_its_connection_at_once(
    endless, make_client, kind, exit_path
):
    streams, url = endless
    client = make_client(url)
    with no_gc():
        await ASYNC_EXITS[exit_path](ASYNC_KINDS[kind](client))
        # No await in between: the connection is back (closed, since the body was unread)
        # as soon as the last reference to the stream went away.
        assert acquired(client) == 0
    await streams.wait_ended(1)  # and the server stops generating
    assert streams.open == 0


@pytest.mark.asyncio
async def test_l2_raw_response_never_parsed_releases_its_connection(endless, make_client):
    streams, url = endless
    client = make_client(url)
    with no_gc():
        raw = await client.with_raw_response.chat.completions.create(
            model="m", messages=MESSAGES, stream=True
        )
        assert raw.status_code == 200
        del raw
        assert acquired(client) == 0
    await streams.wait_ended(1)


@pytest.mark.asyncio
async def test_l2_streaming_response_left_without_its_context_manager(endless, make_client):
    # `with_streaming_response` used without `async with`: the chain of async generators
    # under `iter_lines()` is finalised by the loop, one level per iteration or so, so the
    # connection comes back a few loop iterations later (no GC pass, no await from the user).
    streams, url = endless
    client = make_client(url)
    with no_gc():
        response = await client.with_streaming_response.chat.completions.create(
            model="m", messages=MESSAGES, stream=True
        ).__aenter__()
        async for _ in response.iter_lines():
            break
        del response
        for _ in range(20):
            if acquired(client) == 0:
                break
            await asyncio.sleep(0)
        assert acquired(client) == 0
    await streams.wait_ended(1)


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


# -- the sync client: every stream type and helper, every exit ---------------------------------


def sync_acquired(client: oxide.OpenAI) -> int:
    return client._engine._holder.connection_counts()[0]


def sync_open_chat(client: oxide.OpenAI) -> tuple[Any, Any]:
    stream = client.chat.completions.create(model="m", messages=MESSAGES, stream=True)
    return stream, stream


def sync_open_responses(client: oxide.OpenAI) -> tuple[Any, Any]:
    stream = client.responses.create(model="m", input="hi", stream=True)
    return stream, stream


def sync_open_raw(client: oxide.OpenAI) -> tuple[Any, Any]:
    raw = client.with_raw_response.chat.completions.create(
        model="m", messages=MESSAGES, stream=True
    )
    stream = raw.parse()
    return stream, stream


def sync_open_chat_helper(client: oxide.OpenAI) -> tuple[Any, Any]:
    stream = client.chat.completions.stream(model="m", messages=MESSAGES).__enter__()
    return stream, stream


def sync_open_responses_helper(client: oxide.OpenAI) -> tuple[Any, Any]:
    stream = client.responses.stream(model="m", input="hi").__enter__()
    return stream, stream


SYNC_KINDS: dict[str, Callable[[oxide.OpenAI], tuple[Any, Any]]] = {
    "chat": sync_open_chat,
    "responses": sync_open_responses,
    "raw-response": sync_open_raw,
    "chat-helper": sync_open_chat_helper,
    "responses-helper": sync_open_responses_helper,
}


def sync_exit_break(opened: tuple[Any, Any]) -> None:
    it, _ = opened
    for n, _ in enumerate(it):
        if n == 2:
            break


def sync_exit_exception(opened: tuple[Any, Any]) -> None:
    it, _ = opened
    with contextlib.suppress(Stop):
        for _ in it:
            raise Stop


def sync_exit_dropped(opened: tuple[Any, Any]) -> None:
    it, obj = opened
    next(iter(it))
    del it, obj


def sync_exit_close(opened: tuple[Any, Any]) -> None:
    it, obj = opened
    next(iter(it))
    obj.close()


def sync_exit_context_manager(opened: tuple[Any, Any]) -> None:
    it, obj = opened
    with obj:
        next(iter(it))


SYNC_EXITS: dict[str, Callable[[tuple[Any, Any]], None]] = {
    "break": sync_exit_break,
    "exception": sync_exit_exception,
    "dropped": sync_exit_dropped,
    "close": sync_exit_close,
    "context-manager": sync_exit_context_manager,
}


@pytest.fixture(scope="module")
def endless_sync_url() -> Iterator[tuple[EndlessStreams, str]]:
    from .conftest import ThreadServer

    streams = EndlessStreams()
    ts = ThreadServer(streams.handler)
    try:
        yield streams, ts.server.url
    finally:
        ts.stop()


@pytest.mark.parametrize("exit_path", list(SYNC_EXITS))
@pytest.mark.parametrize("kind", list(SYNC_KINDS))
def test_l2_every_exit_of_every_sync_stream_releases_its_connection_at_once(
    endless_sync_url, kind, exit_path
):
    _streams, url = endless_sync_url
    with oxide.OpenAI(api_key="sk-test", base_url=url) as client, no_gc():
        SYNC_EXITS[exit_path](SYNC_KINDS[kind](client))
        assert sync_acquired(client) == 0


def test_l2_sync_streams_left_with_break_keep_a_small_pool_usable(endless_sync_url):
    _streams, url = endless_sync_url
    client = oxide.OpenAI(
        api_key="sk-test",
        base_url=url,
        connection_limit=2,
        timeout=oxide.Timeout(5.0, connect=2.0),
        max_retries=0,
    )
    with client, no_gc():
        for _ in range(20):
            n = 0
            for _ in client.chat.completions.create(
                model="gpt-test", messages=MESSAGES, stream=True
            ):
                n += 1
                if n == 3:
                    break
            assert n == 3
