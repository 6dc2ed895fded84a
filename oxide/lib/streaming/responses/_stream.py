"""`client.responses.stream(...)`: typed events, `get_final_response()`, and for background
responses, automatic resumption after a dropped connection.

A background response keeps running on the server when the connection breaks; its events can
be replayed from a sequence number (`GET /responses/{id}?stream=true&starting_after=N`). When
the stream breaks mid-way (`APIConnectionError`, timeouts included) and the response is a
background one, the stream reconnects from the last event it delivered, up to `max_resumes`
times, so the consumer sees every event exactly once. A foreground response cannot be
resumed: the error is raised, as the official SDK does.
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Awaitable, Callable, Iterator
from types import TracebackType
from typing import Any, Generic, TypeVar

from ...._exceptions import APIConnectionError
from ...._streaming import AsyncStream
from ._state import ResponseStreamState

__all__ = [
    "AsyncResponseStream",
    "AsyncResponseStreamManager",
    "ResponseStream",
    "ResponseStreamManager",
]

TextFormatT = TypeVar("TextFormatT")

Resume = Callable[[str, int], Awaitable[AsyncStream[Any]]]


class AsyncResponseStream(Generic[TextFormatT]):
    def __init__(
        self,
        *,
        raw_stream: AsyncStream[Any],
        text_format: Any,
        input_tools: Any,
        starting_after: int | None,
        resume: Resume | None = None,
        max_resumes: int = 0,
    ) -> None:
        self._raw_stream = raw_stream
        self.response = raw_stream.response
        self._state = ResponseStreamState(text_format=text_format, input_tools=input_tools)
        self._starting_after = starting_after
        self._resume = resume
        self._resumes_left = max_resumes
        self.resumes = 0
        """How many times the stream reconnected after a drop."""
        self._pending: list[Any] = []
        self._pos = 0

    def __aiter__(self) -> AsyncIterator[Any]:
        return self

    async def __anext__(self) -> Any:
        while self._pos >= len(self._pending):
            raw = await self._next_raw()
            seq = getattr(raw, "sequence_number", None)
            skip_before = self._starting_after
            if skip_before is not None and isinstance(seq, int) and seq <= skip_before:
                continue
            self._pending = self._state.handle_event(raw)
            self._pos = 0
        event = self._pending[self._pos]
        self._pos += 1
        return event

    async def _next_raw(self) -> Any:
        while True:
            try:
                return await self._raw_stream.__anext__()
            except APIConnectionError:
                state = self._state
                if (
                    self._resume is None
                    or self._resumes_left <= 0
                    or not state.background
                    or state.response_id is None
                    or state.completed_response is not None
                ):
                    raise
                self._resumes_left -= 1
                self.resumes += 1
                after = state.last_sequence_number if state.last_sequence_number is not None else -1
                # Replayed events at or before `after` were delivered already: skip them.
                self._starting_after = after
                self._raw_stream = await self._resume(state.response_id, after)

    async def until_done(self) -> AsyncResponseStream[TextFormatT]:
        async for _ in self:
            pass
        return self

    async def get_final_response(self) -> Any:
        """Waits for the end of the stream; the `ParsedResponse` of `response.completed`."""
        await self.until_done()
        response = self._state.completed_response
        if response is None:
            raise RuntimeError("Didn't receive a `response.completed` event.")
        return response

    @property
    def response_id(self) -> str | None:
        return self._state.response_id

    @property
    def completed(self) -> bool:
        """True once the stream ended with a terminal event (`response.completed`, `.failed`,
        `.incomplete`, `error`) or `[DONE]`; one cut off before raises
        `oxide.IncompleteStreamError` from the iteration (after resuming, for background
        responses)."""
        return self._raw_stream.completed

    @property
    def last_sequence_number(self) -> int | None:
        """What `starting_after` must be to resume after the last event delivered."""
        return self._state.last_sequence_number

    async def close(self) -> None:
        await self._raw_stream.close()

    async def __aenter__(self) -> AsyncResponseStream[TextFormatT]:
        return self

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        await self.close()


class AsyncResponseStreamManager(Generic[TextFormatT]):
    def __init__(
        self,
        api_request: Awaitable[AsyncStream[Any]],
        *,
        text_format: Any,
        input_tools: Any,
        starting_after: int | None,
        resume: Resume | None = None,
        max_resumes: int = 0,
    ) -> None:
        self._api_request = api_request
        self._text_format = text_format
        self._input_tools = input_tools
        self._starting_after = starting_after
        self._resume = resume
        self._max_resumes = max_resumes
        self._stream: AsyncResponseStream[TextFormatT] | None = None

    async def __aenter__(self) -> AsyncResponseStream[TextFormatT]:
        raw = await self._api_request
        self._stream = AsyncResponseStream(
            raw_stream=raw,
            text_format=self._text_format,
            input_tools=self._input_tools,
            starting_after=self._starting_after,
            resume=self._resume,
            max_resumes=self._max_resumes,
        )
        return self._stream

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        if self._stream is not None:
            await self._stream.close()


class ResponseStream(Generic[TextFormatT]):
    """Sync twin: the async stream is driven on the client's loop thread, one network chunk's
    worth of raw events per hop."""

    def __init__(self, astream: AsyncResponseStream[TextFormatT], runner: Any) -> None:
        self._astream = astream
        self._runner = runner
        self._loop = runner.current()  # the loop slot the response lives on
        self.response = astream.response
        self._buffer: list[Any] = []
        self._pos = 0
        self._done = False

    async def _batch(self) -> list[Any] | None:
        out: list[Any] = []
        a = self._astream
        try:
            out.append(await a.__anext__())
        except StopAsyncIteration:
            return None
        # Drain what is already decoded without awaiting more network data.
        while a._pos < len(a._pending):
            out.append(a._pending[a._pos])
            a._pos += 1
        return out

    def __iter__(self) -> Iterator[Any]:
        return self

    def __next__(self) -> Any:
        if self._pos >= len(self._buffer):
            if self._done:
                raise StopIteration
            batch = self._runner.run(self._batch(), self._loop)
            if batch is None:
                self._done = True
                raise StopIteration
            self._buffer, self._pos = batch, 0
        event = self._buffer[self._pos]
        self._pos += 1
        return event

    def until_done(self) -> ResponseStream[TextFormatT]:
        for _ in self:
            pass
        return self

    def get_final_response(self) -> Any:
        self.until_done()
        response = self._astream._state.completed_response
        if response is None:
            raise RuntimeError("Didn't receive a `response.completed` event.")
        return response

    @property
    def response_id(self) -> str | None:
        return self._astream.response_id

    @property
    def completed(self) -> bool:
        return self._astream.completed

    @property
    def last_sequence_number(self) -> int | None:
        return self._astream.last_sequence_number

    def close(self) -> None:
        self._runner.run(self._astream.close(), self._loop)

    def __enter__(self) -> ResponseStream[TextFormatT]:
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.close()


class ResponseStreamManager(Generic[TextFormatT]):
    def __init__(self, amanager: AsyncResponseStreamManager[TextFormatT], runner: Any) -> None:
        self._amanager = amanager
        self._runner = runner
        self._stream: ResponseStream[TextFormatT] | None = None

    def __enter__(self) -> ResponseStream[TextFormatT]:
        astream = self._runner.run(self._amanager.__aenter__())
        self._stream = ResponseStream(astream, self._runner)
        return self._stream

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        if self._stream is not None:
            self._stream.close()
