"""Server-sent event streams: raw socket bytes -> SSE events -> typed objects.

`AsyncStream` is the iterator `create(stream=True)` returns; `Stream` is its sync face, which
pulls one network chunk's worth of events per hop into the client's loop thread, not one event.
"""

from __future__ import annotations

import asyncio
from collections import deque
from collections.abc import AsyncIterator, Callable, Iterator
from types import TracebackType
from typing import TYPE_CHECKING, Any, Generic, TypeVar

import aiohttp
import msgspec

from ._exceptions import APIError, APIResponseValidationError
from ._http import Request, Response
from ._speedups import ServerSentEvent, SSEDecoder
from ._transport._errors import TRANSPORT_ERRORS, translate

_UNSET: Any = object()

if TYPE_CHECKING:
    from ._sync import LoopThread

__all__ = ["AsyncStream", "ServerSentEvent", "Stream"]

_T = TypeVar("_T")


class _ErrorProbe(msgspec.Struct):
    # Reads only the top-level "error" key; msgspec skips the rest without building it.
    error: Any = None


_probe = msgspec.json.Decoder(_ErrorProbe).decode


def _raise_stream_error(data: str, request: Request) -> None:
    """`data: {"error": ...}` mid-stream is an API error, as in the official SDK."""
    try:
        error = _probe(data).error
    except (msgspec.DecodeError, msgspec.ValidationError):
        return
    if error:
        message = error.get("message") if isinstance(error, dict) else None
        if not message or not isinstance(message, str):
            message = "An error occurred during streaming"
        raise APIError(message, request, body=error)


class AsyncStream(Generic[_T]):
    """An async iterator of decoded stream items; also an async context manager.

    The connection goes back to the pool when the stream ends cleanly and is closed when the
    consumer stops early or the stream breaks, so nothing leaks either way.
    """

    response: Response

    def __init__(
        self,
        *,
        decode: Callable[[str], _T],
        response: aiohttp.ClientResponse,
        request: Request,
    ) -> None:
        self._decode = decode
        self._raw = response
        self._request = request
        self.response = Response(
            response.status,
            response.headers,
            b"",
            request,
            reason_phrase=response.reason or "",
        )
        self._decoder = SSEDecoder()
        self._pending: deque[ServerSentEvent] = deque()
        self._done = False
        self.completed = False
        """True once the server ended the stream (`[DONE]` or end of body) without an error."""

    # -- iteration ---------------------------------------------------------------------------
    def __aiter__(self) -> AsyncIterator[_T]:
        return self

    async def __anext__(self) -> _T:
        while True:
            pending = self._pending
            while pending:
                item = self._process(pending.popleft())
                if item is not None:
                    return item
            if self._done:
                raise StopAsyncIteration
            await self._read_chunk()

    async def _next_batch(self) -> list[_T] | None:
        """All items the next network chunk completes (at least one), or None at the end.
        The sync face calls this so that one hop between threads carries many events."""
        out: list[_T] = []
        while not out:
            pending = self._pending
            while pending:
                item = self._process(pending.popleft())
                if item is not None:
                    out.append(item)
            if out:
                return out
            if self._done:
                return None
            await self._read_chunk()
        return out

    def _process(self, sse: ServerSentEvent) -> _T | None:
        data = sse.data
        if data.startswith("[DONE]"):
            self._finish(clean=True)
            return None
        # Cheap substring test first: the error check must not cost a second full JSON parse
        # of every chunk.
        if '"error"' in data:
            try:
                _raise_stream_error(data, self._request)
            except BaseException:
                self._finish(clean=False)
                raise
        if not data or data.isspace():  # no copy of every event, as strip() would make
            return None
        try:
            return self._decode(data)
        except Exception as exc:
            self._finish(clean=False)
            raise APIResponseValidationError(
                self.response, data, message=f"Could not decode stream event: {exc}"
            ) from exc

    async def _read_chunk(self) -> None:
        try:
            chunk = await self._raw.content.readany()
        except asyncio.CancelledError:
            self._finish(clean=False)
            raise
        except TRANSPORT_ERRORS as exc:
            # Never retried here: the caller may already hold events of this generation.
            self._finish(clean=False)
            raise translate(exc, self._request) from exc
        if not chunk:
            self._pending.extend(self._decoder.flush())
            self._finish(clean=True)
            return
        self._pending.extend(self._decoder.feed(chunk))

    def _finish(self, *, clean: bool) -> None:
        if self._done:
            return
        self._done = True
        self._pending.clear()
        raw = self._raw
        if clean:
            self.completed = True
            # A body read to its end returns the socket to the pool; one with bytes still
            # unread (a server that sends [DONE] and lingers) is closed, never waited on.
            if raw.content.at_eof():
                raw.release()
            else:
                raw.close()
        else:
            raw.close()

    # -- lifecycle ---------------------------------------------------------------------------
    async def close(self) -> None:
        """Close the response and release the connection (not pooled if unread data remains)."""
        if not self._done:
            self._done = True
            self._pending.clear()
            self._raw.close()

    async def __aenter__(self) -> AsyncStream[_T]:
        return self

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        await self.close()


class Stream(Generic[_T]):
    """The sync client's stream: iterates in the calling thread, reads in the loop thread."""

    def __init__(self, astream: AsyncStream[_T], runner: LoopThread, loop: Any = _UNSET) -> None:
        self._astream = astream
        self._runner = runner
        # The loop the response lives on (the creating thread's): every read runs there.
        # (None is a real value here: the runner's hand-off loop.)
        self._loop = runner.current() if loop is _UNSET else loop
        self._buffer: deque[_T] = deque()
        self.response = astream.response

    @property
    def completed(self) -> bool:
        return self._astream.completed

    def __iter__(self) -> Iterator[_T]:
        return self

    def __next__(self) -> _T:
        buf = self._buffer
        if not buf:
            batch = self._runner.run(self._astream._next_batch(), self._loop)
            if batch is None:
                raise StopIteration
            buf.extend(batch)
        return buf.popleft()

    def close(self) -> None:
        self._buffer.clear()
        if not self._astream._done:
            self._runner.run(self._astream.close(), self._loop)

    def __enter__(self) -> Stream[_T]:
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.close()

    def __del__(self) -> None:
        # Closing a socket is plain I/O on the loop thread, never a coroutine scheduled on
        # whichever loop happens to run (openai/openai-python#1254).
        astream = getattr(self, "_astream", None)
        if astream is not None and not astream._done:
            try:
                self._runner.call_soon(astream._raw.close, self._loop)
            except Exception:
                pass
