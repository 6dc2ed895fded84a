"""`ResponsesWebSocketSession` / `AsyncResponsesWebSocketSession` and their lanes: routed
`stream_id` lanes and final-response collection on an open `client.responses.connect()`
connection, as the SDK's `openai.lib.responses_websocket` (see its README).

oxide's connection already reads its socket in a task of its own (pings, reconnection), so
the session's one reader is a coroutine taking that buffer's messages in order
(`_next_message`) and routing them; the sync session runs the same coroutine on the client's
loop (`SyncRunner.run_in_background`) where the SDK starts a thread. Where the SDK's reader
calls `_reconnect()` itself, oxide's connection reconnects on its own and marks the point in
its buffer (`Reconnected`, asked for with `_mark_reconnects`); a `ResponseInterruptedError`
it buffers for a response cut off by the reconnect is skipped, as the SDK's session keeps
such a lane in flight until its terminal event or `close()`. Lane sends go straight to the
pinned socket (`_send_now`), never into the reconnect queue, as the SDK's.

Errors differ from the SDK's only where the transport does: a connection that fails raises
oxide's `WebSocketConnectionClosedError` on every lane (the SDK: `websockets`'
`ConnectionClosedError`), and so does a 1001 close that is not reconnected (the SDK's
transport counts 1001 as normal and its lanes get `EOFError`; see `_connection.py`).
"""

from __future__ import annotations

import asyncio
import time
from types import TracebackType
from typing import TYPE_CHECKING, Any

from ..._exceptions import ResponseInterruptedError
from .._websocket._connection import Reconnected
from ._router import (
    ResponsesWebSocketLimits,
    _claim,
    _claim_lock,
    _claimed,
    _command,
    _LaneState,
    _release,
    _Router,
)

if TYPE_CHECKING:
    from typing_extensions import Self

    from ..._sync import _Call
    from ...types.responses.response import Response
    from ...types.responses.responses_client_event import ResponsesClientEvent
    from ...types.responses.responses_client_event_param import ResponsesClientEventParam
    from ...types.responses.responses_server_event import ResponsesServerEvent
    from .._websocket.responses import AsyncResponsesConnection, ResponsesConnection

__all__ = [
    "AsyncResponsesWebSocketLane",
    "AsyncResponsesWebSocketSession",
    "ResponsesWebSocketLane",
    "ResponsesWebSocketSession",
]


async def _read(router: _Router, connection: AsyncResponsesConnection) -> None:
    """The session's one reader: every message of the connection, routed to its lane."""
    try:
        while True:
            try:
                data = await connection._next_message()
            except Reconnected as marker:
                router.reconnected(marker.socket)
                continue
            except ResponseInterruptedError:
                continue  # the lane stays in flight (see the module docstring)
            if data is None:  # a normal close (1000, or ours): lanes then raise EOFError
                break
            router.dispatch(connection.parse_event(data), len(data))
            del data
    except asyncio.CancelledError:
        raise
    except Exception as exc:
        router.finish(exc)
        try:
            await connection.close()
        except Exception:
            pass  # Preserve the original reader/overflow failure.
    finally:
        router.finish()


async def _send(
    router: _Router,
    connection: AsyncResponsesConnection,
    state: _LaneState,
    socket: Any,
    data: bytes,
    is_create: bool,
) -> None:
    """Reserve the lane and write to the pinned socket, with no await in between: a
    reconnect cannot publish a replacement socket between the checks and the reservation."""
    if connection._is_reconnecting:
        raise RuntimeError("The WebSocket connection is reconnecting; restore state before sending")
    if socket is not connection._connection:
        raise RuntimeError("The WebSocket connection changed; restore state before sending")
    router.prepare(state, is_create)
    await connection._send_now(data, socket)


async def _shutdown(
    reader: asyncio.Future[Any] | None, connection: AsyncResponsesConnection
) -> None:
    if reader is not None:
        reader.cancel()
        try:
            await reader
        except asyncio.CancelledError:
            pass  # Cancellation is expected after stopping the reader above.
        except Exception:
            pass  # the reader keeps its failure in the router
    await connection.close()


def _check_active(router: _Router, state: _LaneState, started: bool, closed: bool) -> None:
    if not started or closed or router.ended or state.closed:
        raise RuntimeError("The WebSocket session or lane is not active")
    if router.connection._is_reconnecting:
        raise RuntimeError("The WebSocket connection is reconnecting; restore state before sending")


class ResponsesWebSocketLane:
    """A routed view of one session. ``close`` detaches it without closing the socket.

    Use a single consumer per lane. Cancel a synchronous wait with ``recv(timeout=...)``;
    a timeout never consumes an event. Different lanes may be consumed concurrently.
    """

    def __init__(self, session: ResponsesWebSocketSession, state: _LaneState) -> None:
        self._session = session
        self._state = state

    def send(self, event: ResponsesClientEvent | ResponsesClientEventParam) -> None:
        session = self._session
        connection = session._async
        # Pin the transport before checking recovery so this write cannot migrate.
        socket = connection._connection
        _check_active(session._router, self._state, session._reader is not None, session._closed)
        data, is_create = _command(event, self._state.stream_id)
        session.connection._run(
            _send(session._router, connection, self._state, socket, data, is_create)
        )

    def recv(self, *, timeout: float | None = None) -> ResponsesServerEvent:
        if self._session._reader is None:
            raise RuntimeError("Enter the WebSocket session before receiving events")
        deadline = None if timeout is None else time.monotonic() + timeout
        router = self._session._router
        with router.condition:
            while True:
                event = router.pop(self._state)
                if event is not None:
                    return event
                remaining = None if deadline is None else deadline - time.monotonic()
                if remaining is not None and remaining <= 0:
                    raise TimeoutError("Timed out waiting for a Responses WebSocket event")
                router.condition.wait(remaining)

    def get_final_response(self, *, timeout: float | None = None) -> Response:
        """Consume this response's remaining events; failed/incomplete are final results."""
        deadline = None if timeout is None else time.monotonic() + timeout
        state = self._state
        router = self._session._router
        generation = state.consumed_generation
        while (
            state.accumulator.final is not None
            and state.consumed_generation == generation
            and state.received_generation > generation
        ):
            remaining = None if deadline is None else max(0.0, deadline - time.monotonic())
            self.recv(timeout=remaining)
        while state.accumulator.final is None:
            with router.condition:
                if state.failure is not None:
                    raise state.failure
                if state.accumulator.error is not None:
                    raise state.accumulator.error
            remaining = None if deadline is None else max(0.0, deadline - time.monotonic())
            self.recv(timeout=remaining)
        with router.condition:
            if state.failure is not None:
                raise state.failure
            return state.accumulator.final

    def close(self) -> None:
        self._session._router.detach(self._state)


class ResponsesWebSocketSession:
    """Own one existing connection and route its events with one background reader.

    Enter the session before sending. While active, consume events only through
    its lanes, not the connection's recv/iterator/dispatch_events. Closing the
    session closes its connection; closing a lane does not. Register lanes before
    sending requests. Events for unregistered lanes go to the default lane for
    inspection, without changing its response state. Every registered lane, including
    the default and closed lanes, reserves its ID and max_lanes slot until reconnect.
    Keep a lane open for sequential responses. Reconnect releases closed lanes;
    open lanes remain registered on the new socket.

    By default queue overflow closes the connection. ``isolate_lane_overflow=True``
    instead fails the affected lane and drops its later events. A failed default
    lane also loses later default/API controls; physical failures remain global.

    Recovery remains the existing connection's opt-in policy. Reconnecting a
    transport does not restore server-side response state or replay lane sends.
    """

    def __init__(
        self,
        connection: ResponsesConnection,
        *,
        limits: ResponsesWebSocketLimits,
        isolate_lane_overflow: bool = False,
    ) -> None:
        self.connection = connection
        self._async: AsyncResponsesConnection = connection._async
        self._router = _Router(limits, self._async, isolate_lane_overflow=isolate_lane_overflow)
        self._reader: _Call[Any] | None = None
        self._closed = False
        self._owns_connection = False
        self.default = ResponsesWebSocketLane(self, self._router.default)

    def __enter__(self) -> Self:
        if self._reader is not None or self._closed:
            raise RuntimeError("A WebSocket session can only be entered once")
        _claim(self.connection)
        self._owns_connection = True
        self._async._mark_reconnects = True
        try:
            conn = self.connection
            self._reader = conn._runner.run_in_background(
                _read(self._router, self._async), conn._slot
            )
        except Exception:
            self._release_connection()
            raise
        return self

    def _release_connection(self) -> None:
        # The reader and close caller may both finish cleanup. Release only our claim.
        with _claim_lock:
            if self._owns_connection:
                _claimed.discard(self.connection)
                self._owns_connection = False

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        try:
            self.close()
        except Exception:
            if exc is None:
                raise

    def lane(self, stream_id: str | None = None) -> ResponsesWebSocketLane:
        lane = ResponsesWebSocketLane(self, self._router.register(stream_id))
        if stream_id is None:
            self.default = lane
        return lane

    def close(self) -> None:
        reader = self._reader
        if self._closed and (reader is None or reader.done):
            return
        self._closed = True
        self._router.finish()
        if reader is None:
            return
        try:
            self.connection._run(self._stop(reader))
        finally:
            self._release_connection()

    async def _stop(self, reader: _Call[Any]) -> None:
        # Read on the loop: it starts handed-over calls in order, so the reader's task
        # exists by the time this runs.
        await _shutdown(reader.task, self._async)


class AsyncResponsesWebSocketLane:
    """An async routed lane. Canceling a recv/final-response wait never closes it."""

    def __init__(self, session: AsyncResponsesWebSocketSession, state: _LaneState) -> None:
        self._session = session
        self._state = state

    async def send(self, event: ResponsesClientEvent | ResponsesClientEventParam) -> None:
        session = self._session
        connection = session.connection
        # Pin the transport before checking recovery so this write cannot migrate.
        socket = connection._connection
        _check_active(session._router, self._state, session._task is not None, session._closed)
        data, is_create = _command(event, self._state.stream_id)
        await _send(session._router, connection, self._state, socket, data, is_create)

    async def recv(self) -> ResponsesServerEvent:
        if self._session._task is None:
            raise RuntimeError("Enter the WebSocket session before receiving events")
        router = self._session._router
        while True:
            with router.condition:
                event = router.pop(self._state)
                if event is not None:
                    return event
                self._state.wake.clear()
            await self._state.wake.wait()

    async def get_final_response(self) -> Response:
        """Consume this response's remaining events; failed/incomplete are final results."""
        state = self._state
        router = self._session._router
        generation = state.consumed_generation
        while (
            state.accumulator.final is not None
            and state.consumed_generation == generation
            and state.received_generation > generation
        ):
            await self.recv()
        while state.accumulator.final is None:
            with router.condition:
                if state.failure is not None:
                    raise state.failure
                if state.accumulator.error is not None:
                    raise state.accumulator.error
            await self.recv()
        with router.condition:
            if state.failure is not None:
                raise state.failure
            return state.accumulator.final

    def close(self) -> None:
        self._session._router.detach(self._state)


class AsyncResponsesWebSocketSession:
    """Async counterpart of ResponsesWebSocketSession, owning the connection lifetime."""

    def __init__(
        self,
        connection: AsyncResponsesConnection,
        *,
        limits: ResponsesWebSocketLimits,
        isolate_lane_overflow: bool = False,
    ) -> None:
        self.connection = connection
        self._router = _Router(limits, connection, isolate_lane_overflow=isolate_lane_overflow)
        self._task: asyncio.Task[None] | None = None
        self._close_task: asyncio.Task[None] | None = None
        self._closed = False
        self.default = AsyncResponsesWebSocketLane(self, self._router.default)

    async def __aenter__(self) -> Self:
        if self._task is not None or self._closed:
            raise RuntimeError("A WebSocket session can only be entered once")
        _claim(self.connection)
        self.connection._mark_reconnects = True
        self._task = asyncio.create_task(
            _read(self._router, self.connection), name="responses-websocket"
        )
        return self

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        try:
            await self.close()
        except Exception:
            if exc is None:
                raise

    def lane(self, stream_id: str | None = None) -> AsyncResponsesWebSocketLane:
        lane = AsyncResponsesWebSocketLane(self, self._router.register(stream_id))
        if stream_id is None:
            self.default = lane
        return lane

    async def close(self) -> None:
        if self._close_task is None:
            self._closed = True
            self._router.finish()
            if self._task is None:
                return
            self._close_task = asyncio.create_task(
                self._close(self._task), name="responses-websocket-close"
            )
        # Cancellation stops this caller's wait, not cleanup or its ownership claim.
        await asyncio.shield(self._close_task)

    async def _close(self, reader: asyncio.Task[None]) -> None:
        try:
            await _shutdown(reader, self.connection)
        finally:
            _release(self.connection)
