"""Server-sent event streams: raw socket bytes -> SSE events -> typed objects.

`AsyncStream` is the iterator `create(stream=True)` returns; `Stream` is its sync face, which
runs the loop (see `oxide._sync`) once per network chunk's worth of events, not once per event.
"""

from __future__ import annotations

import asyncio
import weakref
from collections import deque
from collections.abc import AsyncIterator, Callable, Iterator
from types import TracebackType
from typing import TYPE_CHECKING, Any, Generic, TypeVar

import aiohttp
import msgspec

from ._exceptions import APIError, APIResponseValidationError, IncompleteStreamError
from ._http import Request, Response
from ._speedups import ServerSentEvent, SSEDecoder
from ._transport._aiohttp_private import close_dropped_response
from ._transport._errors import TRANSPORT_ERRORS, translate

if TYPE_CHECKING:
    from ._sync import LoopSlot, SyncRunner

__all__ = ["AsyncStream", "ServerSentEvent", "Stream"]

_T = TypeVar("_T")


class _ErrorProbe(msgspec.Struct):
    # Reads only the top-level "error" key; msgspec skips the rest without building it.
    error: Any = None


_probe = msgspec.json.Decoder(_ErrorProbe).decode

# Events after which a stream has nothing more to say (Responses, audio, image streams).
_FINAL_EVENT_TYPES = frozenset(
    {
        "response.completed",
        "response.failed",
        "response.incomplete",
        "error",
        "transcript.text.done",
        "speech.audio.done",
        "image_generation.completed",
        "image_edit.completed",
        # Agents session streams (`stream_mode="events"`): the session settled or gave up.
        "agent.session.idle",
        "agent.session.failed",
        "agent.session.budget_reached",
    }
)


def _looks_final(item: Any, expect_usage: bool = False) -> bool:
    """Whether the last item of a stream that ended without `[DONE]` ends the generation: a
    terminal event type, or a chat/completion chunk whose choices all carry a finish_reason
    (or the usage chunk that follows them; the only final one when usage was asked for).
    Read once per stream, at its end."""
    if item is None:
        return False
    kind = getattr(item, "type", None)
    if isinstance(kind, str):
        return kind in _FINAL_EVENT_TYPES
    choices = getattr(item, "choices", None)
    if choices is None:
        return False
    if not choices:
        return getattr(item, "usage", None) is not None
    if expect_usage:
        return False
    return all(getattr(c, "finish_reason", None) is not None for c in choices)


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
        expect_usage: bool = False,
        failure: BaseException | None = None,
        events_only: bool = False,
    ) -> None:
        self._decode = decode
        # Wrap `thread.*` events Assistants-style unless the call said `stream_mode="events"`.
        self._legacy = not events_only
        # Raised by the first read instead of any event: a JSON body where events were asked
        # for. The SDK hands such a stream back and yields nothing; oxide hands it back too
        # (so code that only closes it works the same) but never lets it pass as empty.
        self._failure = failure
        # `stream_options.include_usage` was asked: the usage chunk is the last one.
        self._expect_usage = expect_usage
        self._raw = response
        self._request = request
        self.response = Response(
            response.status,
            response.headers,
            b"",
            request,
            reason_phrase=response.reason or "",
        )
        self.response._closer = weakref.WeakMethod(self._close_now)
        self._decoder = SSEDecoder()
        self._pending: deque[ServerSentEvent] = deque()
        self._done = False
        self._eof = False
        self._last: Any = None
        self.completed = False
        """True once the server ended the stream with its end marker (see `_at_eof`)."""

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
            if self._eof:
                self._at_eof()
            else:
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
            if self._eof:
                self._at_eof()
            else:
                await self._read_chunk()
        return out

    def _process(self, sse: ServerSentEvent) -> _T | None:
        data = sse.data
        if data.startswith("[DONE]") or sse.event == "done":
            # `[DONE]` ends chat and completion streams; `event: done` the Assistants ones.
            self._finish(clean=True)
            return None
        # Cheap substring test first: the error check must not cost a second full JSON parse
        # of every chunk. Events-mode streams (Agents sessions) carry `type: "error"` events
        # as values, as in the SDK: not raised.
        if self._legacy and '"error"' in data:
            try:
                _raise_stream_error(data, self._request)
            except BaseException:
                self._finish(clean=False)
                raise
        if not data or data.isspace():  # no copy of every event, as strip() would make
            return None
        event = sse.event
        if event is not None and self._legacy and event.startswith("thread."):
            # Assistants events name their type only in the SSE `event:` field; as the SDK
            # does, decode `{"event": ..., "data": ...}` (AssistantStreamEvent's tag).
            data = '{"event":' + msgspec.json.encode(event).decode() + ',"data":' + data + "}"
        try:
            item = self._decode(data)
        except Exception as exc:  # RecursionError from a 5,000-deep event included
            self._finish(clean=False)
            raise APIResponseValidationError(
                self.response, data, message=f"Could not decode stream event: {exc}"
            ) from exc
        self._last = item
        return item

    async def _read_chunk(self) -> None:
        if self._failure is not None:
            failure, self._failure = self._failure, None
            self._finish(clean=True)
            raise failure
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
            self._eof = True  # decided once the events still pending are delivered
            return
        self._pending.extend(self._decoder.feed(chunk))

    def _at_eof(self) -> None:
        """The body ended without `[DONE]`. Complete if the last item says the generation was
        over (servers that omit the marker), else a truncated stream: raise, so that a cut-off
        answer is never taken for a whole one (the official SDK ends silently)."""
        if _looks_final(self._last, self._expect_usage):
            self._finish(clean=True)
            return
        self._finish(clean=False)
        raise IncompleteStreamError(self._request, last_item=self._last)

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
        self._close_now()

    def _close_now(self) -> None:
        if not self._done:
            self._done = True
            self._pending.clear()
            self._raw.close()

    def __del__(self) -> None:
        # Left with `break`, `return` or an exception, or just dropped, without close(): the
        # connection is closed now, with no await, instead of staying checked out until the
        # server ends the body (never, once the unread rest fills the read buffer). This relies
        # on AsyncStream and the helpers built on it holding no reference cycles, so that
        # reference counting drops them at once (tests/faults/test_stream_exits.py).
        if not getattr(self, "_done", True):
            self._done = True
            close_dropped_response(self._raw)

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
    """The sync client's stream: iterates in the calling thread; each read runs on the loop the
    response lives on (see `oxide._sync`), one network chunk's worth of events at a time.
    Any thread may read it, one at a time."""

    def __init__(
        self, astream: AsyncStream[_T], runner: SyncRunner, slot: LoopSlot | None = None
    ) -> None:
        self._astream = astream
        self._runner = runner
        # The loop the response lives on (the one the creating call ran on): reads run there.
        self._slot = runner.current() if slot is None else slot
        self._buffer: deque[_T] = deque()
        self.response = astream.response
        # Closed from the calling thread, on the loop the response lives on.
        self.response._closer = weakref.WeakMethod(self.close)

    @property
    def completed(self) -> bool:
        return self._astream.completed

    def __iter__(self) -> Iterator[_T]:
        return self

    def __next__(self) -> _T:
        buf = self._buffer
        if not buf:
            batch = self._runner.run(self._astream._next_batch(), self._slot)
            if batch is None:
                raise StopIteration
            buf.extend(batch)
        return buf.popleft()

    def close(self) -> None:
        self._buffer.clear()
        if not self._astream._done:
            self._runner.run(self._astream.close(), self._slot)

    def __enter__(self) -> Stream[_T]:
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.close()

    # Dropped without close(): the AsyncStream inside closes its connection (`__del__`).
