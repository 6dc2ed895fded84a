"""Runs registered tool handlers for function calls seen on a session's event stream, and
posts their results back (`sessions.events.create`), sync and async."""

from __future__ import annotations

import copy
import inspect
import uuid
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, Generic, TypeVar, cast

from ...._exceptions import BadRequestError
from ...._options import RAW_RESPONSE_HEADER
from ...._types import NOT_GIVEN
from ._tools import ToolInvocation, failed_event, is_pending_call_race, result_event
from ._types import AsyncToolHandler, ToolHandler

if TYPE_CHECKING:
    from ....resources.beta.agents.sessions.sessions import AsyncSessions, Sessions
    from ...beta.agents._tool_error import AsyncToolErrorHandler, ToolErrorHandler

__all__ = ["AsyncToolDispatcher", "ToolDispatcher", "request_options"]

# The pending-call registration race: retried after these delays (None: the last try).
_RACE_DELAYS = (0.1, 0.3, 0.6, None)


def request_options(extra_headers: Mapping[str, Any] | None, timeout: Any) -> dict[str, Any]:
    """The options tool submissions reuse from the creating call: its headers without an
    idempotency key (each input gets its own) or the raw-response marker."""
    headers = (
        {
            k: v
            for k, v in extra_headers.items()
            if k.lower() not in ("idempotency-key", RAW_RESPONSE_HEADER.lower())
        }
        if extra_headers is not None
        else None
    )
    return {"extra_headers": headers, "timeout": timeout}


HandlerT = TypeVar("HandlerT", ToolHandler, AsyncToolHandler)
Pending = tuple[str, Any, Any]  # (session id, the function call item, its handler)


class _Dispatcher(Generic[HandlerT]):
    def __init__(self, handlers: Mapping[str, HandlerT] | None) -> None:
        self.handlers: dict[str, HandlerT] = dict(handlers or {})
        self._handled_calls: set[tuple[str, str]] = set()

    def prepare(self, event: Any) -> Pending | None:
        """The call to run after `event` is handed to the caller, if it is a registered
        tool's function call not run yet (a redelivered event runs nothing twice)."""
        if getattr(event, "type", None) != "agent.session.turn.item.added":
            return None
        call = event.item
        if getattr(call, "type", None) != "function_call":
            return None
        handler = self.handlers.get(call.name)
        key = (call.turn_id, call.call_id)
        if handler is None or key in self._handled_calls:
            return None
        self._handled_calls.add(key)
        # Routing and arguments captured before the caller sees (and may change) the event.
        return event.session_id, copy.deepcopy(call), handler


class ToolDispatcher(_Dispatcher[ToolHandler]):
    def __init__(
        self,
        sessions: Sessions,
        handlers: Mapping[str, ToolHandler] | None,
        *,
        on_tool_error: ToolErrorHandler | None = None,
        extra_headers: Mapping[str, Any] | None = None,
        timeout: Any = NOT_GIVEN,
    ) -> None:
        super().__init__(handlers)
        self._sessions = sessions
        self._on_tool_error = on_tool_error
        self._options = request_options(extra_headers, timeout)

    def dispatch(self, pending: Pending) -> None:
        session_id, call, handler = pending
        invocation = ToolInvocation(session_id, call)
        try:
            output: Any = invocation.invoke(handler)
            if inspect.isawaitable(output):
                close = getattr(output, "close", None)
                if callable(close):
                    close()  # no "coroutine was never awaited" warning
                raise TypeError("Async tool handlers require AsyncOpenAI")
            invocation.stage = "output"
            result = result_event(call, output)
        except Exception as error:
            result = failed_event(call)
            if self._on_tool_error is not None:
                try:
                    notification: Any = self._on_tool_error(invocation.failure(error))
                    # A sync stream cannot await an async observer.
                    if inspect.iscoroutine(notification):
                        notification.close()
                except Exception:
                    # An observer's failure must not change the submission or the result.
                    pass
        self._submit_result(session_id, result)

    def _submit_result(self, session_id: str, result: dict[str, Any]) -> None:
        # One key for transport retries and the registration race alike.
        idempotency_key = str(uuid.uuid4())
        for delay in _RACE_DELAYS:
            try:
                self._sessions.events.create(
                    session_id,
                    events=[cast(Any, result)],
                    idempotency_key=idempotency_key,
                    **self._options,
                )
                return
            except BadRequestError as error:
                if delay is None or not is_pending_call_race(error, result["call_id"]):
                    raise
                self._sessions._sleep(delay)


class AsyncToolDispatcher(_Dispatcher[AsyncToolHandler]):
    def __init__(
        self,
        sessions: AsyncSessions,
        handlers: Mapping[str, AsyncToolHandler] | None,
        *,
        on_tool_error: AsyncToolErrorHandler | None = None,
        extra_headers: Mapping[str, Any] | None = None,
        timeout: Any = NOT_GIVEN,
    ) -> None:
        super().__init__(handlers)
        self._sessions = sessions
        self._on_tool_error = on_tool_error
        self._options = request_options(extra_headers, timeout)

    async def dispatch(self, pending: Pending) -> None:
        session_id, call, handler = pending
        invocation = ToolInvocation(session_id, call)
        try:
            output = invocation.invoke(handler)
            if inspect.isawaitable(output):
                output = await output
            invocation.stage = "output"
            result = result_event(call, output)
        except Exception as error:
            result = failed_event(call)
            if self._on_tool_error is not None:
                try:
                    notification: Any = self._on_tool_error(invocation.failure(error))
                    if inspect.isawaitable(notification):
                        await notification
                except Exception:
                    # An observer's failure must not change the submission or the result.
                    pass
        await self._submit_result(session_id, result)

    async def _submit_result(self, session_id: str, result: dict[str, Any]) -> None:
        idempotency_key = str(uuid.uuid4())
        for delay in _RACE_DELAYS:
            try:
                await self._sessions.events.create(
                    session_id,
                    events=[cast(Any, result)],
                    idempotency_key=idempotency_key,
                    **self._options,
                )
                return
            except BadRequestError as error:
                if delay is None or not is_pending_call_race(error, result["call_id"]):
                    raise
                await self._sessions._sleep(delay)
