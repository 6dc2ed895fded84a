"""`client.chat.completions.stream(...)`: context managers over a typed event stream."""

from __future__ import annotations

from collections.abc import AsyncIterator, Awaitable, Callable, Iterator
from types import TracebackType
from typing import Any, Generic, TypeVar

from ...._streaming import AsyncStream, Stream
from ._state import ChatCompletionStreamState

__all__ = [
    "AsyncChatCompletionStream",
    "AsyncChatCompletionStreamManager",
    "ChatCompletionStream",
    "ChatCompletionStreamManager",
]

ResponseFormatT = TypeVar("ResponseFormatT")


class AsyncChatCompletionStream(Generic[ResponseFormatT]):
    """Async iterator of `ChatCompletionStreamEvent`s, plus the accumulated completion."""

    def __init__(
        self, *, raw_stream: AsyncStream[Any], response_format: Any, input_tools: Any
    ) -> None:
        self._raw_stream = raw_stream
        self.response = raw_stream.response
        self._state: ChatCompletionStreamState[ResponseFormatT] = ChatCompletionStreamState(
            response_format=response_format, input_tools=input_tools
        )
        self._pending: list[Any] = []
        self._pos = 0

    def __aiter__(self) -> AsyncIterator[Any]:
        return self

    async def __anext__(self) -> Any:
        while self._pos >= len(self._pending):
            chunk = await self._raw_stream.__anext__()  # StopAsyncIteration ends us too
            if chunk.object not in ("chat.completion.chunk", None) and not chunk.choices:
                # Azure's asynchronous content filter sends chunks with object "" (SDK rule).
                continue
            self._pending = self._state.handle_chunk(chunk)
            self._pos = 0
        event = self._pending[self._pos]
        self._pos += 1
        return event

    async def until_done(self) -> AsyncChatCompletionStream[ResponseFormatT]:
        """Consumes the stream to its end."""
        async for _ in self:
            pass
        return self

    async def get_final_completion(self) -> Any:
        """Waits for the end of the stream; the `ParsedChatCompletion`."""
        await self.until_done()
        return self._state.get_final_completion()

    @property
    def current_completion_snapshot(self) -> Any:
        return self._state.current_completion_snapshot

    @property
    def completed(self) -> bool:
        """True once the server ended the stream with its end marker; a stream cut off before
        it raises `oxide.IncompleteStreamError` from the iteration instead."""
        return self._raw_stream.completed

    async def close(self) -> None:
        await self._raw_stream.close()

    async def __aenter__(self) -> AsyncChatCompletionStream[ResponseFormatT]:
        return self

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        await self.close()


class AsyncChatCompletionStreamManager(Generic[ResponseFormatT]):
    """What `AsyncCompletions.stream()` returns: `async with ... as stream:` sends the request."""

    def __init__(
        self, api_request: Awaitable[AsyncStream[Any]], *, response_format: Any, input_tools: Any
    ) -> None:
        self._api_request = api_request
        self._response_format = response_format
        self._input_tools = input_tools
        self._stream: AsyncChatCompletionStream[ResponseFormatT] | None = None

    async def __aenter__(self) -> AsyncChatCompletionStream[ResponseFormatT]:
        raw = await self._api_request
        self._stream = AsyncChatCompletionStream(
            raw_stream=raw, response_format=self._response_format, input_tools=self._input_tools
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


class ChatCompletionStream(Generic[ResponseFormatT]):
    """Sync twin: chunks are read through the client's sync runner, events built in the caller's thread."""

    def __init__(self, *, raw_stream: Stream[Any], response_format: Any, input_tools: Any) -> None:
        self._raw_stream = raw_stream
        self.response = raw_stream.response
        self._state: ChatCompletionStreamState[ResponseFormatT] = ChatCompletionStreamState(
            response_format=response_format, input_tools=input_tools
        )
        # A generator of its own, not a method: a generator holding `self` would make a
        # reference cycle, and a dropped stream would keep its connection until a GC pass.
        self._iterator = _events(raw_stream, self._state)

    def __iter__(self) -> Iterator[Any]:
        return self._iterator

    def __next__(self) -> Any:
        return next(self._iterator)

    def until_done(self) -> ChatCompletionStream[ResponseFormatT]:
        for _ in self:
            pass
        return self

    def get_final_completion(self) -> Any:
        self.until_done()
        return self._state.get_final_completion()

    @property
    def current_completion_snapshot(self) -> Any:
        return self._state.current_completion_snapshot

    @property
    def completed(self) -> bool:
        return self._raw_stream.completed

    def close(self) -> None:
        self._raw_stream.close()

    def __enter__(self) -> ChatCompletionStream[ResponseFormatT]:
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.close()


def _events(raw_stream: Stream[Any], state: ChatCompletionStreamState[Any]) -> Iterator[Any]:
    for chunk in raw_stream:
        if chunk.object not in ("chat.completion.chunk", None) and not chunk.choices:
            continue
        yield from state.handle_chunk(chunk)


class ChatCompletionStreamManager(Generic[ResponseFormatT]):
    def __init__(
        self, api_request: Callable[[], Stream[Any]], *, response_format: Any, input_tools: Any
    ) -> None:
        self._api_request = api_request
        self._response_format = response_format
        self._input_tools = input_tools
        self._stream: ChatCompletionStream[ResponseFormatT] | None = None

    def __enter__(self) -> ChatCompletionStream[ResponseFormatT]:
        self._stream = ChatCompletionStream(
            raw_stream=self._api_request(),
            response_format=self._response_format,
            input_tools=self._input_tools,
        )
        return self._stream

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        if self._stream is not None:
            self._stream.close()
