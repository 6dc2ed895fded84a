"""`sessions.stream(session_id, input=...)`: one turn of an idle session, from subscribing to
its events, through submitting the input and running tool handlers, to the turn's terminal
session event."""

from __future__ import annotations

import uuid
from collections import deque
from collections.abc import Iterable, Mapping
from types import TracebackType
from typing import TYPE_CHECKING, Any, Generic

from ...._exceptions import IncompleteStreamError
from ...._types import NOT_GIVEN, Omit, omit
from ...beta.agents._result import (
    AgentOutputParseError,
    AgentTurnResult,
    AgentTurnResultCollection,
    AgentTurnResultError,
    OutputT,
)
from ._dispatch import AsyncToolDispatcher, Pending, ToolDispatcher, request_options

if TYPE_CHECKING:
    from typing_extensions import Self

    from ...._streaming import AsyncStream, Stream
    from ....resources.beta.agents.sessions.sessions import AsyncSessions, Sessions
    from ....types.beta.agent_session_event import AgentSessionEvent
    from ....types.beta.agent_session_input_message_param import AgentSessionInputMessageParam
    from ...beta.agents._tool_error import AsyncToolErrorHandler, ToolErrorHandler
    from ._types import AsyncToolHandler, ToolHandler

__all__ = ["AgentSessionStream", "AsyncAgentSessionStream"]


def _input_key(idempotency_key: str | Omit, headers: Mapping[str, Any] | None) -> str:
    # As with other methods, extra_headers overrides the named parameter. Consumed here, so a
    # differently capitalized header cannot add a second key.
    for key, value in (headers or {}).items():
        if key.lower() == "idempotency-key":
            return str(value)
    return str(uuid.uuid4()) if isinstance(idempotency_key, Omit) else idempotency_key


def _input_event(input: str | Iterable[AgentSessionInputMessageParam]) -> dict[str, Any]:
    messages: list[Any]
    if isinstance(input, str):
        if not input:
            raise ValueError("input must not be empty")
        messages = [{"role": "user", "content": [{"type": "input_text", "text": input}]}]
    else:
        messages = list(input)
        if not messages:
            raise ValueError("input must not be empty")
    return {"type": "agent.session.input.message", "input": messages}


_RECENT_EVENT_LIMIT = 1024
_ENDED_TURN = (
    "agent.session.turn.completed",
    "agent.session.turn.failed",
    "agent.session.turn.cancelled",
)


class _TurnState:
    """Which turn is ours, whether it ended, and which events were already delivered."""

    def __init__(self) -> None:
        self.turn_id: str | None = None
        self.turn_ended = False
        self.event_ids: set[str] = set()
        self.recent_events: deque[str] = deque()

    def accept(self, event: Any) -> bool:
        """False for a redelivered event (skipped)."""
        event_id = getattr(event, "event_id", None)
        if isinstance(event_id, str):
            if event_id in self.event_ids:
                return False
            # Recent duplicates only: every text delta of a long turn is not kept. Tool calls
            # are tracked separately for the whole turn.
            if len(self.recent_events) == _RECENT_EVENT_LIMIT:
                self.event_ids.discard(self.recent_events.popleft())
            self.recent_events.append(event_id)
            self.event_ids.add(event_id)
        kind = getattr(event, "type", None)
        if (
            kind == "agent.session.turn.created"
            and event.turn.subagent_id is None
            and self.turn_id is None
        ):
            self.turn_id = event.turn_id
        if kind in _ENDED_TURN and self.turn_id is not None and event.turn_id == self.turn_id:
            self.turn_ended = True
        return True

    def terminal(self, event: Any, session_id: str) -> bool:
        kind = getattr(event, "type", None)
        if kind == "agent.session.budget_reached":
            snapshot = getattr(event, "session", None)
            snapshot_id = (
                snapshot.get("id") if isinstance(snapshot, dict) else getattr(snapshot, "id", None)
            )
            return (
                isinstance(snapshot_id, str)
                and bool(snapshot_id)
                and snapshot_id == session_id
                and (self.turn_id is None or self.turn_ended)
            )
        return kind == "agent.session.failed" or (kind == "agent.session.idle" and self.turn_ended)


_ENDED_EARLY = "Session event stream ended before the turn reached idle or failed"
_NOT_IDLE = (
    "sessions.stream requires an idle session; use sessions.events.stream to follow an "
    "active session"
)


class AgentSessionStream(Generic[OutputT]):
    """Submit input to an idle session and stream through the resulting turn's terminal session event.

    Use as a context manager. Only one caller may submit input to this session while
    the helper runs: the input endpoint does not return a turn ID for correlating
    concurrent writers. Initial idle events and subagent turn completions do not
    end iteration. Failed/cancelled turns remain visible as events; an unexpected
    end of the connection raises RuntimeError. Closing the stream does not cancel
    the backend turn.

    Optional tool handlers run sequentially during iteration, after their call
    event is yielded. Unregistered tools are left for the caller to handle. A
    handler exception submits a generic failure result without exception text.
    Input and tool submissions each use an idempotency key across retries. The
    optional idempotency_key argument applies only to the input submission.
    """

    def __init__(
        self,
        sessions: Sessions,
        session_id: str,
        *,
        input: str | Iterable[AgentSessionInputMessageParam],
        output_type: type[OutputT] | None = None,
        tool_handlers: Mapping[str, ToolHandler] | None = None,
        on_tool_error: ToolErrorHandler | None = None,
        idempotency_key: str | Omit = omit,
        extra_headers: Mapping[str, Any] | None = None,
        timeout: Any = NOT_GIVEN,
    ) -> None:
        self._sessions = sessions
        self._session_id = session_id
        self._input: Any = _input_event(input)
        self._dispatcher = ToolDispatcher(
            sessions,
            tool_handlers,
            on_tool_error=on_tool_error,
            extra_headers=extra_headers,
            timeout=timeout,
        )
        self._handlers = self._dispatcher.handlers
        self._idempotency_key = _input_key(idempotency_key, extra_headers)
        self._options = request_options(extra_headers, timeout)
        self._state = _TurnState()
        self._collection: AgentTurnResultCollection[OutputT] = AgentTurnResultCollection(
            session_id, output_type
        )
        self._stream: Stream[AgentSessionEvent] | None = None
        self._pending: Pending | None = None
        self._finished = False  # the terminal event was handed out
        self._entered = False
        self._closed = False

    def __enter__(self) -> Self:
        if self._entered or self._closed:
            raise RuntimeError("An AgentSessionStream can only be entered once")
        self._entered = True
        session = self._sessions.retrieve(self._session_id, **self._options)
        if session.status != "idle":
            raise ValueError(_NOT_IDLE)
        # Subscribed first, so that no event of the turn the input starts is missed.
        self._stream = self._sessions.events.stream(self._session_id, **self._options)
        try:
            self._sessions.events.create(
                self._session_id,
                events=[self._input],
                idempotency_key=self._idempotency_key,
                **self._options,
            )
        except BaseException:
            self.close()
            raise
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.close()

    def __iter__(self) -> Self:
        return self

    def __next__(self) -> AgentSessionEvent:
        if self._stream is None and not self._closed:
            raise RuntimeError("Use sessions.stream in a with block")
        try:
            return self._next()
        except StopIteration:
            raise
        except Exception as error:
            self._collection.record_error(error)
            self.close()
            raise

    def _next(self) -> AgentSessionEvent:
        pending, self._pending = self._pending, None
        if pending is not None and not self._closed:
            self._dispatcher.dispatch(pending)
        while True:
            if self._closed or self._finished or self._stream is None:
                raise StopIteration
            try:
                event = next(self._stream)
            except StopIteration:
                raise RuntimeError(_ENDED_EARLY) from None
            except IncompleteStreamError as error:  # no end marker: the same early end
                raise RuntimeError(_ENDED_EARLY) from error
            if not self._state.accept(event):
                continue
            self._collection.accept(event)
            if self._state.terminal(event, self._session_id):
                self._finished = True
                self.close()
                return event
            self._pending = self._dispatcher.prepare(event)
            return event

    def until_done(self) -> None:
        """Consume the remaining events, including any registered tool calls."""
        for _ in self:
            pass

    def with_result_collection(self) -> Self:
        """Beta: retain final messages for a result; call before consuming events."""
        self._collection.enable()
        return self

    def get_final_result(self) -> AgentTurnResult[OutputT]:
        """Beta: drain this turn, executing handlers, and collect its final answer.

        Raises AgentTurnResultError when a successful complete result cannot be
        established. Draining executes registered handlers and submits their
        outputs. Result properties themselves do not execute handlers.
        To iterate first, call with_result_collection() before consuming events.
        """
        collector = self._collection.enable()
        try:
            collector.check_outcome(self._handlers)
            if not collector.is_done():
                for _ in self:
                    collector.check_outcome(self._handlers)
                    if collector.is_done():
                        break
            return self._collection.result()
        except (AgentTurnResultError, AgentOutputParseError):
            raise
        except Exception as error:
            self._collection.record_error(error)
            raise collector.error("observation_failed") from error
        finally:
            self.close()

    def close(self) -> None:
        """Close the event connection without cancelling the backend turn."""
        self._closed = True
        self._pending = None
        if self._stream is not None:
            self._stream.close()


class AsyncAgentSessionStream(Generic[OutputT]):
    """Async counterpart of AgentSessionStream; use with ``async with``.

    Requires an idle session with a single input writer. Handlers may return a
    value or an awaitable; synchronous handlers run inline, without a thread
    pool. Cancellation propagates and closes the event connection. It does not
    cancel the backend turn.
    """

    def __init__(
        self,
        sessions: AsyncSessions,
        session_id: str,
        *,
        input: str | Iterable[AgentSessionInputMessageParam],
        output_type: type[OutputT] | None = None,
        tool_handlers: Mapping[str, AsyncToolHandler] | None = None,
        on_tool_error: AsyncToolErrorHandler | None = None,
        idempotency_key: str | Omit = omit,
        extra_headers: Mapping[str, Any] | None = None,
        timeout: Any = NOT_GIVEN,
    ) -> None:
        self._sessions = sessions
        self._session_id = session_id
        self._input: Any = _input_event(input)
        self._dispatcher = AsyncToolDispatcher(
            sessions,
            tool_handlers,
            on_tool_error=on_tool_error,
            extra_headers=extra_headers,
            timeout=timeout,
        )
        self._handlers = self._dispatcher.handlers
        self._idempotency_key = _input_key(idempotency_key, extra_headers)
        self._options = request_options(extra_headers, timeout)
        self._state = _TurnState()
        self._collection: AgentTurnResultCollection[OutputT] = AgentTurnResultCollection(
            session_id, output_type
        )
        self._stream: AsyncStream[AgentSessionEvent] | None = None
        self._pending: Pending | None = None
        self._finished = False
        self._entered = False
        self._closed = False

    async def __aenter__(self) -> Self:
        if self._entered or self._closed:
            raise RuntimeError("An AsyncAgentSessionStream can only be entered once")
        self._entered = True
        session = await self._sessions.retrieve(self._session_id, **self._options)
        if session.status != "idle":
            raise ValueError(_NOT_IDLE)
        self._stream = await self._sessions.events.stream(self._session_id, **self._options)
        try:
            await self._sessions.events.create(
                self._session_id,
                events=[self._input],
                idempotency_key=self._idempotency_key,
                **self._options,
            )
        except BaseException:
            await self.close()
            raise
        return self

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        await self.close()

    def __aiter__(self) -> Self:
        return self

    async def __anext__(self) -> AgentSessionEvent:
        if self._stream is None and not self._closed:
            raise RuntimeError("Use sessions.stream in an async with block")
        try:
            return await self._next()
        except StopAsyncIteration:
            raise
        except BaseException as error:
            # Cancellation too closes the connection (the backend turn goes on).
            if isinstance(error, Exception):
                self._collection.record_error(error)
            await self.close()
            raise

    async def _next(self) -> AgentSessionEvent:
        pending, self._pending = self._pending, None
        if pending is not None and not self._closed:
            await self._dispatcher.dispatch(pending)
        while True:
            if self._closed or self._finished or self._stream is None:
                raise StopAsyncIteration
            try:
                event = await self._stream.__anext__()
            except StopAsyncIteration:
                raise RuntimeError(_ENDED_EARLY) from None
            except IncompleteStreamError as error:
                raise RuntimeError(_ENDED_EARLY) from error
            if not self._state.accept(event):
                continue
            self._collection.accept(event)
            if self._state.terminal(event, self._session_id):
                self._finished = True
                await self.close()
                return event
            self._pending = self._dispatcher.prepare(event)
            return event

    async def until_done(self) -> None:
        """Consume the remaining events, including any registered tool calls."""
        async for _ in self:
            pass

    def with_result_collection(self) -> Self:
        """Beta: retain final messages for a result; call before consuming events."""
        self._collection.enable()
        return self

    async def get_final_result(self) -> AgentTurnResult[OutputT]:
        """Beta: drain this turn, executing handlers, and collect its final answer.

        Raises AgentTurnResultError when a successful complete result cannot be
        established. Draining executes registered handlers and submits their
        outputs. Result properties themselves do not execute handlers.
        To iterate first, call with_result_collection() before consuming events.
        """
        collector = self._collection.enable()
        try:
            collector.check_outcome(self._handlers)
            if not collector.is_done():
                async for _ in self:
                    collector.check_outcome(self._handlers)
                    if collector.is_done():
                        break
            return self._collection.result()
        except (AgentTurnResultError, AgentOutputParseError):
            raise
        except Exception as error:
            self._collection.record_error(error)
            raise collector.error("observation_failed") from error
        finally:
            await self.close()

    async def close(self) -> None:
        """Close the event connection without cancelling the backend turn."""
        self._closed = True
        self._pending = None
        if self._stream is not None:
            await self._stream.close()
