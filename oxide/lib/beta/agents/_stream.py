"""`sessions.create(stream=True)`'s stream: the session's events, registered tool handlers run
as their calls arrive, and the first turn's result on request.

oxide's streams are made by the engine (`AsyncStream`; `Stream` is its sync face), so these
wrap one instead of subclassing it as the SDK's do; iteration, `response`, `close()` and the
context-manager protocol are the same.
"""

from __future__ import annotations

from types import TracebackType
from typing import TYPE_CHECKING, Any, Generic

from ...._exceptions import IncompleteStreamError
from ...._response import AsyncAPIResponse, LegacyAPIResponse, _ResponseBase
from ...._streaming import Stream
from ._result import (
    AgentOutputParseError,
    AgentTurnResult,
    AgentTurnResultCollection,
    AgentTurnResultError,
    OutputT,
)

if TYPE_CHECKING:
    from typing_extensions import Self

    from ...._http import Response
    from ...._streaming import AsyncStream
    from ....types.beta.agent_session_event import AgentSessionEvent
    from ...streaming.agents._dispatch import AsyncToolDispatcher, Pending, ToolDispatcher

__all__ = [
    "AgentSessionEventStream",
    "AgentSessionRawResponse",
    "AgentSessionStreamedResponse",
    "AsyncAgentSessionEventStream",
    "bind_event_stream",
]


class AgentSessionEventStream(Generic[OutputT]):
    """Beta: a creation event stream that can collect its initial turn's result.

    Event iteration and response access behave like ``Stream``. Registered tool
    handlers execute during iteration, after their call event is yielded.
    Supply initial input when creating a session to collect its turn result.
    """

    def __init__(
        self,
        stream: Stream[AgentSessionEvent],
        *,
        output_type: Any = None,
        dispatcher: ToolDispatcher | None = None,
    ) -> None:
        self._stream = stream
        self.response: Response = stream.response
        self._dispatcher = dispatcher
        self._collection: AgentTurnResultCollection[OutputT] = AgentTurnResultCollection()
        # Set as is: `create` checked it when it built the schema.
        self._collection.output_type = output_type
        self._pending: Pending | None = None
        self._closed = False

    def __iter__(self) -> Self:
        return self

    def __next__(self) -> AgentSessionEvent:
        try:
            pending, self._pending = self._pending, None
            # The previous event's tool call runs once the caller asks for the next event.
            if pending is not None and self._dispatcher is not None and not self._closed:
                self._dispatcher.dispatch(pending)
            if self._closed:
                raise StopIteration
            event = next(self._stream)
        except (StopIteration, IncompleteStreamError):
            # A body ending before a terminal session event is no observation failure: to
            # get_final_result() the turn is unfinished ("incomplete", as the SDK's silently
            # ended stream); plain iteration still gets oxide's IncompleteStreamError.
            self.close()
            raise
        except Exception as error:
            self._collection.record_error(error)
            self.close()
            raise
        self._collection.accept(event)
        if self._dispatcher is not None:
            self._pending = self._dispatcher.prepare(event)
        return event

    def _handled(self) -> Any:
        return self._dispatcher.handlers if self._dispatcher is not None else ()

    def with_result_collection(self) -> Self:
        """Beta: retain final messages for a result; call before consuming events."""
        self._collection.enable()
        return self

    def get_final_result(self) -> AgentTurnResult[OutputT]:
        """Consume remaining events and return the successful initial turn result.

        Raises AgentTurnResultError for an unsuccessful or unobserved outcome.
        Collection starts automatically on a fresh stream. To iterate first, call
        with_result_collection() before consuming events. Repeated calls return
        the cached result without consuming more events.
        """
        collector = self._collection.enable()
        try:
            collector.check_outcome(self._handled())
            if not collector.is_done():
                for _ in self:
                    collector.check_outcome(self._handled())
                    if collector.is_done():
                        break
            return self._collection.result()
        except (AgentTurnResultError, AgentOutputParseError):
            raise
        except IncompleteStreamError as error:
            raise collector.error("incomplete") from error
        except Exception as error:
            collector.cause = error
            raise collector.error("observation_failed") from error
        finally:
            self.close()

    def close(self) -> None:
        """Close the response and release the connection."""
        self._closed = True
        self._pending = None
        self._stream.close()

    def __enter__(self) -> Self:
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.close()


class AsyncAgentSessionEventStream(Generic[OutputT]):
    """Beta: asynchronous counterpart of AgentSessionEventStream."""

    def __init__(
        self,
        stream: AsyncStream[AgentSessionEvent],
        *,
        output_type: Any = None,
        dispatcher: AsyncToolDispatcher | None = None,
    ) -> None:
        self._stream = stream
        self.response: Response = stream.response
        self._dispatcher = dispatcher
        self._collection: AgentTurnResultCollection[OutputT] = AgentTurnResultCollection()
        self._collection.output_type = output_type
        self._pending: Pending | None = None
        self._closed = False

    def __aiter__(self) -> Self:
        return self

    async def __anext__(self) -> AgentSessionEvent:
        try:
            pending, self._pending = self._pending, None
            if pending is not None and self._dispatcher is not None and not self._closed:
                await self._dispatcher.dispatch(pending)
            if self._closed:
                raise StopAsyncIteration
            event = await self._stream.__anext__()
        except (StopAsyncIteration, IncompleteStreamError):
            # A body ending before a terminal session event is no observation failure: to
            # get_final_result() the turn is unfinished ("incomplete", as the SDK's silently
            # ended stream); plain iteration still gets oxide's IncompleteStreamError.
            await self.close()
            raise
        except Exception as error:
            self._collection.record_error(error)
            await self.close()
            raise
        self._collection.accept(event)
        if self._dispatcher is not None:
            self._pending = self._dispatcher.prepare(event)
        return event

    def _handled(self) -> Any:
        return self._dispatcher.handlers if self._dispatcher is not None else ()

    def with_result_collection(self) -> Self:
        """Beta: retain final messages for a result; call before consuming events."""
        self._collection.enable()
        return self

    async def get_final_result(self) -> AgentTurnResult[OutputT]:
        """Consume remaining events and return the successful initial turn result.

        Enables collection on a fresh stream. To iterate first, call
        with_result_collection() before consuming events.
        """
        collector = self._collection.enable()
        try:
            collector.check_outcome(self._handled())
            if not collector.is_done():
                async for _ in self:
                    collector.check_outcome(self._handled())
                    if collector.is_done():
                        break
            return self._collection.result()
        except (AgentTurnResultError, AgentOutputParseError):
            raise
        except IncompleteStreamError as error:
            raise collector.error("incomplete") from error
        except Exception as error:
            collector.cause = error
            raise collector.error("observation_failed") from error
        finally:
            await self.close()

    async def close(self) -> None:
        """Close the response and release the connection."""
        self._closed = True
        self._pending = None
        await self._stream.close()

    async def __aenter__(self) -> Self:
        return self

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        await self.close()


class _EventStreamBinding(_ResponseBase):
    """`sessions.with_raw_response.create(stream=True)` / `with_streaming_response`: `.parse()`
    gives the session event stream bound to the call's `output_type` and tool handlers, as
    the SDK's (whose post-parser binds them); `.parse(to=...)` is the plain stream of that
    type."""

    _agent_binding: tuple[Any, Any] = (None, None)  # (output_type, dispatcher), set by create

    def _open_stream(self, to: Any) -> Any:
        stream = super()._open_stream(to)
        if to is not None:
            return stream
        output_type, dispatcher = self._agent_binding
        if isinstance(stream, Stream):
            return AgentSessionEventStream(stream, output_type=output_type, dispatcher=dispatcher)
        return AsyncAgentSessionEventStream(stream, output_type=output_type, dispatcher=dispatcher)


class AgentSessionRawResponse(_EventStreamBinding, LegacyAPIResponse[Any]):
    """`with_raw_response.create(stream=True)`'s response."""


class AgentSessionStreamedResponse(_EventStreamBinding, AsyncAPIResponse[Any]):
    """`with_streaming_response.create(stream=True)`'s response (the sync client's
    `APIResponse` wraps it)."""


def bind_event_stream(result: Any, output_type: Any, dispatcher: Any) -> None:
    """Gives a raw or streamed response of `create(stream=True)` what its `.parse()` binds."""
    target = getattr(result, "_inner", result)  # the sync APIResponse wraps the async one
    if isinstance(target, _EventStreamBinding):
        target._agent_binding = (output_type, dispatcher)
