"""The WebSocket connection and its manager, shared by every WebSocket mode: Responses,
Realtime, realtime translation and the Live API.

The official surface (`client.responses.connect()`, `client.realtime.connect()` and their beta
forms, `client.realtime.translations.connect()`, `client.live.connect()` and its forks and
sideband) is a manager (`async with` / `.enter()`) returning a connection with `send`,
`send_raw`, `recv`, `recv_bytes`, `parse_event`, iteration, `on` / `off` / `once`,
`dispatch_events` and `close`, and opt-in reconnection (`on_reconnecting`). The subclasses in
`responses.py` / `realtime.py` / `translations.py` / `live.py` only say which path, query,
headers, event types and sub-resources (`connection.response.create(...)`) they have.

Where oxide differs from the SDK, on purpose (`../../README.md`, "WebSocket mode"):

* `recv()` reconnects too (the SDK only does inside `async for`), so a `recv()` loop survives a
  dropped socket the same way;
* a server close 1001 (going away) is reconnected when reconnection is on; the SDK ends the
  iteration silently (its transport reports 1001 as a normal close). Without reconnection
  only a 1000 close ends the iteration; any other close raises
  `WebSocketConnectionClosedError` with its code, so a deploy never silently drops a turn;
* a message over the size limit (1009) is never reconnected or resent
  (`WebSocketMessageTooLargeError`);
* messages go out as compact JSON checked like HTTP bodies: NaN, infinities and lone
  surrogates raise before anything is sent (the SDK writes the invalid literal `NaN`);
* a send that finds the socket closed is queued for the reconnect when reconnection is on,
  and raises `WebSocketConnectionClosedError` when it is off (it never both queues and
  raises, which would invite the caller to send it twice); `send()` after `close()` raises;
* one reader at a time: a second concurrent `recv()` raises `RuntimeError` at once.
"""

from __future__ import annotations

import asyncio
import logging
import random
from collections import deque
from collections.abc import AsyncIterator, Awaitable, Callable, Iterator, Mapping
from types import TracebackType
from typing import TYPE_CHECKING, Any, ClassVar, Generic, TypeVar, overload
from urllib.parse import parse_qsl

import aiohttp
import orjson
from aiohttp import WSMsgType

from ..._event_handler import EventHandlerRegistry
from ..._exceptions import (
    OpenAIError,
    WebSocketConnectionClosedError,
    WebSocketMessageTooLargeError,
    WebSocketServerError,
)
from ..._json import encode_body, to_jsonable
from ..._models import decode
from ..._send_queue import SendQueue
from ..._speedups import check_finite
from ..._types import NotGiven, Omit
from ...types.websocket_reconnection import (
    ReconnectingEvent,
    ReconnectingOverrides,
    is_recoverable_close,
)
from ._transport import closed_error, connect_options, open_websocket, websocket_url

if TYPE_CHECKING:
    from ..._client import AsyncOpenAI, OpenAI
    from ..._sync import LoopSlot, SyncRunner

__all__ = [
    "AsyncConnectionManager",
    "AsyncWebSocketConnection",
    "ConnectionManager",
    "Reconnected",
    "WebSocketConnection",
]

log = logging.getLogger("oxide")

_EventT = TypeVar("_EventT")
_AsyncConnT = TypeVar("_AsyncConnT", bound="AsyncWebSocketConnection[Any]")
_ConnT = TypeVar("_ConnT", bound="WebSocketConnection[Any, Any]")
_F = TypeVar("_F", bound=Callable[..., Any])
_Self = TypeVar("_Self")

OnReconnecting = Callable[[ReconnectingEvent], "ReconnectingOverrides | None"]
MakeWebSocket = Callable[[Mapping[str, object], Mapping[str, str]], Awaitable[Any]]

_TEXT = WSMsgType.TEXT
_BINARY = WSMsgType.BINARY


def _never() -> bool:
    return False


def _strip_sentinels(value: Any) -> Any:
    if type(value) is dict:
        return {
            k: _strip_sentinels(v) for k, v in value.items() if not isinstance(v, (Omit, NotGiven))
        }
    if type(value) is list:
        return [_strip_sentinels(v) for v in value]
    return value


class _NestedSentinel(Exception):
    pass


def _default(obj: Any) -> Any:
    if isinstance(obj, (Omit, NotGiven)):
        raise _NestedSentinel
    return to_jsonable(obj)


def encode_event(event: object) -> bytes:
    """A client event as the JSON text it goes out as: an API object as its set fields, a dict
    without its `omit`s at any depth (as the SDK's transform); refused like HTTP bodies (NaN,
    lone surrogates). Nested `omit`s are rare: the event is walked again only when orjson
    meets one, so the common case costs one top-level filter and one encode."""
    if type(event) is dict:
        event = {k: v for k, v in event.items() if not isinstance(v, (Omit, NotGiven))}
    check_finite(event)
    try:
        return orjson.dumps(event, default=_default)
    except orjson.JSONEncodeError as exc:
        if isinstance(exc.__cause__, _NestedSentinel):
            return encode_body(_strip_sentinels(event))
        return encode_body(event)  # its errors (NaN in objects, surrogates, types) or bytes


class _Handlers:
    """`on` / `off` / `once`, for connections and managers (the method and decorator forms)."""

    _event_handler_registry: EventHandlerRegistry

    @overload
    def on(self: _Self, event_type: str, handler: Callable[..., Any]) -> _Self: ...
    @overload
    def on(self, event_type: str, handler: None = None) -> Callable[[_F], _F]: ...
    def on(self, event_type: str, handler: Callable[..., Any] | None = None) -> Any:
        """Add `handler` for `event_type` ("event" for every event), after those already
        there; as a decorator without `handler`. Returns the connection for chaining."""
        return self._register(event_type, handler, once=False)

    def off(self: _Self, event_type: str, handler: Callable[..., Any]) -> _Self:
        """Remove a handler added with `on` / `once`."""
        self._event_handler_registry.remove(event_type, handler)  # type: ignore[attr-defined]
        return self

    @overload
    def once(self: _Self, event_type: str, handler: Callable[..., Any]) -> _Self: ...
    @overload
    def once(self, event_type: str, handler: None = None) -> Callable[[_F], _F]: ...
    def once(self, event_type: str, handler: Callable[..., Any] | None = None) -> Any:
        """Like `on`, removed after its first call."""
        return self._register(event_type, handler, once=True)

    def _register(self, event_type: str, handler: Callable[..., Any] | None, once: bool) -> Any:
        registry = self._event_handler_registry
        if handler is not None:
            registry.add(event_type, handler, once=once)
            return self

        def decorator(fn: _F) -> _F:
            registry.add(event_type, fn, once=once)
            return fn

        return decorator

    def _handlers_for(self, event: Any) -> list[Callable[..., Any]]:
        """The handlers an event goes to, or `WebSocketServerError` for an `error` event that
        no handler takes (as the SDK's `dispatch_events`)."""
        registry = self._event_handler_registry
        event_type = getattr(event, "type", None) or ""
        specific = registry.get_handlers(event_type)
        generic = registry.get_handlers("event")
        if event_type == "error" and not specific and not generic:
            raise server_error(event)
        return specific + generic


class Reconnected(Exception):
    """Buffered after a successful reconnect when the connection's `_mark_reconnects` is set,
    so `_next_message()` raises it in order with the messages: what follows came from
    `socket`. The Responses WebSocket session releases its closed lanes there, as the SDK's
    reader does after `_reconnect()`. Never buffered otherwise."""

    def __init__(self, socket: aiohttp.ClientWebSocketResponse[Any]) -> None:
        super().__init__("the WebSocket reconnected")
        self.socket = socket


def server_error(event: Any) -> WebSocketServerError:
    """The exception for an `error` event (its `error` object's fields, when it has them)."""
    from ..._exceptions import PreviousResponseNotFoundError

    error = getattr(event, "error", None)
    code = getattr(error, "code", None)
    message = getattr(error, "message", None) or f"WebSocket error: {event}"
    cls = (
        PreviousResponseNotFoundError
        if code == "previous_response_not_found"
        else WebSocketServerError
    )
    return cls(
        str(message),
        code=code,
        param=getattr(error, "param", None),
        type=getattr(error, "type", None),
        status=getattr(event, "status", None),
        event=event,
    )


class AsyncWebSocketConnection(_Handlers, Generic[_EventT]):
    """A live WebSocket connection (the async one); see the module docstring.

    One reader task per connection reads the socket all the time and buffers what arrives:
    aiohttp answers pings and notices missed pongs only while `receive()` is being awaited,
    so a caller busy running a tool between two reads would otherwise let the connection
    die. `recv()` takes from that buffer (cancel-safe: nothing is lost) and reconnection,
    when on, happens in the reader too, so a dropped socket is replaced even while nobody
    reads. The buffer is not bounded: a consumer that stops reading holds what the server
    sends meanwhile (a response's events, not an unbounded stream)."""

    # The server event union that `recv()` / `parse_event()` decode into.
    _event_type: ClassVar[Any] = None

    def __init__(
        self,
        connection: aiohttp.ClientWebSocketResponse[Any],
        *,
        make_ws: MakeWebSocket | None = None,
        on_reconnecting: OnReconnecting | None = None,
        max_retries: int = 5,
        initial_delay: float = 0.5,
        max_delay: float = 8.0,
        extra_query: Mapping[str, object] = {},
        extra_headers: Mapping[str, Any] = {},
        send_queue: SendQueue | None = None,
    ) -> None:
        self._connection = connection
        self._make_ws = make_ws
        self._on_reconnecting = on_reconnecting
        self._max_retries = max_retries
        self._initial_delay = initial_delay
        self._max_delay = max_delay
        self._extra_query = extra_query
        self._extra_headers = extra_headers
        self._intentionally_closed = False
        self._is_reconnecting = False
        self._send_queue = send_queue if send_queue is not None else SendQueue()
        self._event_handler_registry = EventHandlerRegistry(use_lock=False)
        # What the reader task has read and nobody has taken yet; `_done` once it stopped
        # (`_error` says why, None for a normal close).
        self._buffer: deque[bytes | BaseException] = deque()
        # Responses that started and have not ended, when reconnection is on: a reconnect
        # loses them, which `recv()` then reports once (`ResponseInterruptedError`).
        self._in_flight: list[str] = []
        self._waiter: asyncio.Future[None] | None = None
        self._done = False
        self._error: BaseException | None = None
        # Told by the manager: a closed client's connector is gone, reconnecting is futile.
        self._client_closed: Callable[[], bool] = _never
        # Set by a reader that must know where the old socket's messages end (the Responses
        # WebSocket session: `Reconnected`); off, reading is unchanged.
        self._mark_reconnects = False
        self._reader = asyncio.get_running_loop().create_task(self._read_loop())
        self._attach_resources()

    def _attach_resources(self) -> None:
        """Set the sub-resources (`self.response`, ...): per subclass."""

    # -- the reader task ------------------------------------------------------------------
    async def _read_loop(self) -> None:
        buffer = self._buffer
        error: BaseException | None = None
        track = self._make_ws is not None and self._on_reconnecting is not None
        try:
            while True:
                ws = self._connection
                msg = await ws.receive()
                kind = msg.type
                if kind is _TEXT or kind is _BINARY:
                    buffer.append(msg.data)
                    if track:
                        self._track(msg.data)
                    waiter = self._waiter
                    if waiter is not None and not waiter.done():
                        waiter.set_result(None)
                    continue
                closed = closed_error(ws, msg)
                if self._intentionally_closed or closed.code == 1000:
                    return
                if await self._reconnect(closed):
                    marks = [self._interrupted(closed)] if self._in_flight else []
                    if self._mark_reconnects:
                        marks.append(Reconnected(self._connection))
                    if marks:
                        buffer.extend(marks)
                        waiter = self._waiter
                        if waiter is not None and not waiter.done():
                            waiter.set_result(None)
                    continue
                closed.unsent_messages = self._send_queue.drain()
                error = closed
                return
        except asyncio.CancelledError:
            if not self._intentionally_closed:
                error = WebSocketConnectionClosedError(
                    "WebSocket reader cancelled", code=self._connection.close_code or 1006
                )
            raise
        except BaseException as exc:  # never expected: handed to the reader of the buffer
            error = exc
            raise
        finally:
            self._error = error
            self._done = True
            waiter = self._waiter
            if waiter is not None and not waiter.done():
                waiter.set_result(None)

    def _track(self, data: bytes) -> None:
        """Keeps `_in_flight` from the event types (read from the frame's head: the API writes
        `type` first; the full decode happens only for a response's start)."""
        head = data[:64]
        if b"response.created" in head:
            try:
                self._in_flight.append(orjson.loads(data)["response"]["id"])
            except Exception:  # not the shape expected: nothing to track
                pass
        elif self._in_flight and (
            b"response.completed" in head
            or b"response.failed" in head
            or b"response.incomplete" in head
            or b"response.done" in head
        ):
            if len(self._in_flight) == 1:
                self._in_flight.clear()
            else:
                try:
                    self._in_flight.remove(orjson.loads(data)["response"]["id"])
                except Exception:
                    self._in_flight.pop(0)

    def _interrupted(self, closed: WebSocketConnectionClosedError) -> BaseException:
        from ..._exceptions import ResponseInterruptedError

        lost, self._in_flight = self._in_flight, []
        return ResponseInterruptedError(
            f"the WebSocket closed (code {closed.code}) while response(s) {', '.join(lost)} "
            "were streaming; the connection reconnected, the response(s) are lost and were "
            "not sent again",
            response_id=lost[0],
            last_sequence_number=None,
            code=closed.code,
            reason=closed.reason,
        )

    async def _next_message(self) -> bytes | None:
        """The next data message; None after a normal close (1000, or ours); the close's
        exception after any other (once reconnection, if on, gave up)."""
        buffer = self._buffer
        while True:
            if buffer:
                item = buffer.popleft()
                if type(item) is bytes:
                    return item
                assert isinstance(item, BaseException)
                raise item
            if self._done:
                if self._error is not None:
                    raise self._error
                return None
            if self._waiter is not None and not self._waiter.done():
                # (A done waiter belongs to a cancelled reader whose cleanup has not run yet.)
                raise RuntimeError(
                    "another task is already receiving on this WebSocket connection: "
                    "read it from one task (iterate once, or call recv() from one place)"
                )
            waiter = self._waiter = asyncio.get_running_loop().create_future()
            try:
                await waiter
            finally:
                if self._waiter is waiter:
                    self._waiter = None

    async def _next_batch(self) -> list[bytes] | None:
        """Everything read so far (at least one message), or None after a normal close: the
        sync client takes a batch per hop to the loop."""
        first = await self._next_message()
        if first is None:
            return None
        batch = [first]
        buffer = self._buffer
        while buffer and type(buffer[0]) is bytes:
            batch.append(buffer.popleft())  # type: ignore[arg-type]
        return batch

    # -- receiving ------------------------------------------------------------------------
    async def __aiter__(self) -> AsyncIterator[_EventT]:
        """Every event until the connection closes: a 1000 close (or our own `close()`)
        ends the iteration, any other raises `WebSocketConnectionClosedError`."""
        while True:
            data = await self._next_message()
            if data is None:
                return
            yield self.parse_event(data)

    async def recv(self) -> _EventT:
        """The next event, decoded. Cancelling it is safe: no message is lost."""
        return self.parse_event(await self.recv_bytes())

    async def recv_bytes(self) -> bytes:
        """The next message as it arrived (UTF-8 JSON for text frames); cancel-safe. Raises
        `WebSocketConnectionClosedError` when the connection is closed, whatever the code."""
        data = await self._next_message()
        if data is None:
            raise WebSocketConnectionClosedError(
                "WebSocket connection is closed", code=self._connection.close_code or 1000
            )
        return data

    def parse_event(self, data: str | bytes) -> _EventT:
        """A raw message as a server event (an unknown event type decodes too, kept as sent)."""
        event: _EventT = decode(self._event_type, data)
        return event

    # -- sending --------------------------------------------------------------------------
    async def send(self, event: Any) -> None:
        """Send a client event (a dict or an event object). NaN, infinities and lone
        surrogates raise before anything is sent."""
        await self._send_data(encode_event(event))

    async def send_raw(self, data: bytes | str) -> None:
        """Send `data` as it is (a text frame for str, a binary frame for bytes)."""
        if isinstance(data, str):
            await self._send_data(data.encode("utf-8"))
        else:
            await self._send_data(data, WSMsgType.BINARY)

    async def _send_data(self, data: bytes, kind: WSMsgType = _TEXT) -> None:
        if self._intentionally_closed:
            raise WebSocketConnectionClosedError(
                "send() after close(): the connection is closed",
                code=self._connection.close_code,
            )
        can_queue = kind is _TEXT and self._make_ws is not None
        if self._is_reconnecting and can_queue:
            self._send_queue.enqueue(data.decode("utf-8"))
            return
        ws = self._connection
        try:
            if ws.closed:
                raise ConnectionResetError("the WebSocket is closed")
            await ws.send_frame(data, kind)
        except (ConnectionError, aiohttp.ClientError) as exc:
            if can_queue and is_recoverable_close(ws.close_code or 1006):
                # Not sent: it goes out after the reconnect the next read makes.
                self._send_queue.enqueue(data.decode("utf-8"))
                return
            raise WebSocketConnectionClosedError(
                f"WebSocket send failed: {exc}", code=ws.close_code or 1006
            ) from exc

    async def _send_now(self, data: bytes, ws: aiohttp.ClientWebSocketResponse[Any]) -> None:
        """Send a text frame on `ws` (a socket this connection had) at once: never queued for
        a reconnect, so it is never replayed (the Responses WebSocket session's lane sends,
        whose delivery the caller must handle, as the SDK's)."""
        if self._intentionally_closed:
            raise WebSocketConnectionClosedError(
                "send() after close(): the connection is closed", code=ws.close_code
            )
        try:
            if ws.closed:
                raise ConnectionResetError("the WebSocket is closed")
            await ws.send_frame(data, _TEXT)
        except (ConnectionError, aiohttp.ClientError) as exc:
            raise WebSocketConnectionClosedError(
                f"WebSocket send failed: {exc}", code=ws.close_code or 1006
            ) from exc

    async def close(self, *, code: int = 1000, reason: str = "") -> None:
        """Close the connection (also stops a reconnect in progress); what was read and not
        taken can still be received."""
        self._intentionally_closed = True
        try:
            await self._connection.close(code=code, message=reason.encode("utf-8"))
        finally:
            if not self._reader.done():
                self._reader.cancel()
                try:
                    await self._reader
                except asyncio.CancelledError:
                    if not self._reader.cancelled():
                        raise  # we were cancelled, not (only) the reader
                except BaseException:  # its error stays for the reader of the buffer
                    pass

    async def _wait_closed(self) -> None:
        """Returns once the reader task has stopped (the sync client's keep-alive)."""
        try:
            await asyncio.shield(self._reader)
        except BaseException:  # its outcome is for the buffer's reader, not for us
            pass

    # -- reconnecting ---------------------------------------------------------------------
    async def _reconnect(self, error: WebSocketConnectionClosedError) -> bool:
        """A new socket after a recoverable close, with the SDK's schedule (0.5 s doubling to
        8 s, jitter x0.75-1, `max_retries` attempts) and `on_reconnecting` hook. True when a
        socket is open again (the queue flushed); False: the caller raises `error`."""
        if self._on_reconnecting is None or self._make_ws is None or self._client_closed():
            return False
        code = error.code or 1006
        if isinstance(error, WebSocketMessageTooLargeError) or not is_recoverable_close(code):
            return False
        self._is_reconnecting = True
        try:
            for attempt in range(1, self._max_retries + 1):
                base = min(self._initial_delay * (2 ** (attempt - 1)), self._max_delay)
                delay = base * (0.75 + random.random() * 0.25)
                event = ReconnectingEvent(
                    attempt=attempt,
                    max_attempts=self._max_retries,
                    delay=delay,
                    close_code=code,
                    extra_query=self._extra_query,
                    extra_headers=self._extra_headers,
                )
                try:
                    overrides = self._on_reconnecting(event)
                except Exception:
                    log.warning("on_reconnecting raised: not reconnecting", exc_info=True)
                    return False
                if overrides is not None:
                    if overrides.get("abort"):
                        return False
                    if "extra_query" in overrides:
                        self._extra_query = overrides["extra_query"]
                    if "extra_headers" in overrides:
                        self._extra_headers = overrides["extra_headers"]
                log.info(
                    "Reconnecting to WebSocket API (attempt %d/%d) after %.1fs delay",
                    attempt,
                    self._max_retries,
                    delay,
                )
                await asyncio.sleep(delay)
                if self._intentionally_closed:
                    return False
                try:
                    self._connection = await self._make_ws(self._extra_query, self._extra_headers)
                except Exception as exc:
                    log.info("Reconnect attempt %d failed: %s", attempt, exc)
                    continue
                log.info("Reconnected to WebSocket API")
                self._is_reconnecting = False
                await self._flush_send_queue()
                return True
            return False
        finally:
            self._is_reconnecting = False

    async def _flush_send_queue(self) -> None:
        """Send what was queued, in order; a failure leaves the rest queued for the next
        socket (logged: the next read sees the close and reconnects)."""
        ws = self._connection

        async def send(data: str) -> None:
            await ws.send_frame(data.encode("utf-8"), _TEXT)

        try:
            await self._send_queue.flush_async(send)
        except Exception:
            log.warning("Failed to flush send queue after reconnect", exc_info=True)

    # -- push-based reading ---------------------------------------------------------------
    async def dispatch_events(self) -> None:
        """Read events until the connection closes, calling the handlers registered for each
        type and then those for "event" (coroutine handlers are awaited). An `error` event
        with no handler raises `WebSocketServerError` (an `OpenAIError`)."""
        async for event in self:
            for handler in self._handlers_for(event):
                result = handler(event)
                if asyncio.iscoroutine(result):
                    await result


class AsyncConnectionManager(_Handlers, Generic[_AsyncConnT]):
    """`async with client.<resource>.connect(...) as connection` (or `await ....enter()`, then
    `await connection.close()`). `send` / `on` / `once` may be called before connecting:
    messages are sent and handlers attached when the socket opens."""

    _connection_class: ClassVar[type[Any]]
    _path: ClassVar[str]
    # The beta Realtime protocol lets a caller bring its own `Authorization` header where the
    # client's own auth cannot go over a WebSocket (a provider's request signing).
    _caller_auth_allowed: ClassVar[bool] = False

    def __init__(
        self,
        *,
        client: AsyncOpenAI,
        extra_query: Mapping[str, object] = {},
        extra_headers: Mapping[str, Any] = {},
        websocket_connection_options: Mapping[str, Any] = {},
        on_reconnecting: OnReconnecting | None = None,
        max_retries: int = 5,
        initial_delay: float = 0.5,
        max_delay: float = 8.0,
        max_queue_size: int = 1_048_576,
    ) -> None:
        self._client = client
        self._connection: _AsyncConnT | None = None
        self._extra_query = extra_query
        self._extra_headers = extra_headers
        # Checked now: a bad option is the caller's mistake, reported where it was made.
        self._ws_options = connect_options(websocket_connection_options)
        self._on_reconnecting = on_reconnecting
        self._max_retries = max_retries
        self._initial_delay = initial_delay
        self._max_delay = max_delay
        self._send_queue = SendQueue(max_bytes=max_queue_size)
        self._event_handler_registry = EventHandlerRegistry(use_lock=False)

    def send(self, event: Any) -> None:
        """Queue `event` to be sent as soon as the connection opens."""
        self._send_queue.enqueue(encode_event(event).decode("utf-8"))

    async def __aenter__(self) -> _AsyncConnT:
        ws = await self._connect_ws(self._extra_query, self._extra_headers)
        connection: _AsyncConnT = self._connection_class(
            ws,
            make_ws=self._connect_ws if self._on_reconnecting is not None else None,
            on_reconnecting=self._on_reconnecting,
            max_retries=self._max_retries,
            initial_delay=self._initial_delay,
            max_delay=self._max_delay,
            extra_query=self._extra_query,
            extra_headers=self._extra_headers,
            send_queue=self._send_queue,
        )
        connection._client_closed = self._client.is_closed
        self._connection = connection
        self._event_handler_registry.merge_into(connection._event_handler_registry)
        await connection._flush_send_queue()
        return connection

    enter = __aenter__

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        exc_tb: TracebackType | None,
    ) -> None:
        if self._connection is not None:
            await self._connection.close()

    # -- the handshake --------------------------------------------------------------------
    def _query(self) -> dict[str, object]:
        """Query parameters of this kind of connection (Realtime: `model`, `call_id`)."""
        return {}

    def _headers(self) -> dict[str, str]:
        """Headers of this kind of connection (beta Realtime: `OpenAI-Beta`)."""
        return {}

    async def _connect_ws(
        self, extra_query: Mapping[str, object], extra_headers: Mapping[str, Any]
    ) -> aiohttp.ClientWebSocketResponse[Any]:
        client = self._client
        refusal = client._websocket_refusal
        if refusal is not None and not (
            self._caller_auth_allowed
            and any(
                key.lower() == "authorization" for key in (*extra_headers, *client._custom_headers)
            )
        ):
            # Before any socket is opened, as the SDK (`This authentication method is not
            # supported by WebSocket connections` for Bedrock and other signed providers).
            raise OpenAIError(refusal)
        if client._api_key_provider is not None:
            await client._refresh_api_key()
        query = self._full_query(extra_query)
        url, auth_headers = await self._url_and_auth(query)
        # As the SDK: auth, then the client's default headers (`OpenAI-Organization`,
        # `OpenAI-Project`, the caller's `default_headers`), then the connection's own, then
        # `extra_headers` (an `Omit` removes one); names compare case-insensitively.
        merged: dict[str, tuple[str, str]] = {}
        for source in (auth_headers, client.default_headers, self._headers(), extra_headers):
            for key, value in source.items():
                if isinstance(value, Omit):
                    merged.pop(key.lower(), None)
                else:
                    merged[key.lower()] = (key, str(value))
        headers = dict(merged.values())
        log.debug("Connecting to %s", url)
        connector = client._holder.get().connector
        assert connector is not None
        return await open_websocket(connector, url, headers, self._ws_options)

    def _full_query(self, extra_query: Mapping[str, object]) -> dict[str, object]:
        """The client's `default_query` first, as the SDK (`_websocket_query_params`): the
        WebSocket URL's own query, the connection's parameters and the caller's `extra_query`
        replace a default (a key of the URL's query is left to `websocket_url`)."""
        client = self._client
        defaults = client._custom_query
        if defaults:
            base = client.websocket_base_url or client.base_url
            in_url = {k for k, _ in parse_qsl(base.partition("?")[2], keep_blank_values=True)}
            defaults = {k: v for k, v in defaults.items() if k not in in_url}
        return {**defaults, **self._query(), **extra_query}

    async def _url_and_auth(self, query: dict[str, object]) -> tuple[Any, dict[str, str]]:
        client = self._client
        url = websocket_url(client.base_url, client.websocket_base_url, self._path, query)
        return url, dict(client.auth_headers)


# --------------------------------------------------------------------------------------------
# The sync client: the same connection on the client's loop, driven from the calling thread
# --------------------------------------------------------------------------------------------


class WebSocketConnection(_Handlers, Generic[_EventT, _AsyncConnT]):
    """The sync client's connection: each call runs the async connection's on the client's
    loop. While it is open the loop keeps running in the client's loop thread, so pings are
    answered and sent between the caller's reads (as the SDK's `websockets` sync client
    does with its own thread)."""

    def __init__(self, connection: _AsyncConnT, runner: SyncRunner, slot: LoopSlot) -> None:
        self._async = connection
        self._runner = runner
        self._slot = slot
        self._event_handler_registry = EventHandlerRegistry(use_lock=True)
        self._keepalive = runner.run_in_background(connection._wait_closed(), slot)
        self._attach_resources()

    def _attach_resources(self) -> None:
        """Set the sub-resources (`self.response`, ...): per subclass."""

    def _run(self, coro: Any) -> Any:
        return self._runner.run(coro, self._slot)

    def __iter__(self) -> Iterator[_EventT]:
        """Every event until the connection closes (see the async connection)."""
        parse = self.parse_event
        while True:
            batch = self._run(self._async._next_batch())
            if batch is None:
                return
            for data in batch:
                yield parse(data)

    def recv(self) -> _EventT:
        """The next event, decoded."""
        return self.parse_event(self.recv_bytes())

    def recv_bytes(self) -> bytes:
        """The next message as it arrived."""
        data: bytes = self._run(self._async.recv_bytes())
        return data

    def parse_event(self, data: str | bytes) -> _EventT:
        event: _EventT = self._async.parse_event(data)
        return event

    def send(self, event: Any) -> None:
        """Send a client event (a dict or an event object); checked before sending."""
        data = encode_event(event)
        self._run(self._async._send_data(data))

    def send_raw(self, data: bytes | str) -> None:
        self._run(self._async.send_raw(data))

    def close(self, *, code: int = 1000, reason: str = "") -> None:
        """Close the connection; the loop thread stops running for it."""
        self._run(self._async.close(code=code, reason=reason))

    def dispatch_events(self) -> None:
        """Read events until the connection closes, calling the handlers (in this thread)."""
        for event in self:
            for handler in self._handlers_for(event):
                handler(event)


class ConnectionManager(_Handlers, Generic[_ConnT]):
    """`with client.<resource>.connect(...) as connection` for the sync client."""

    _connection_class: ClassVar[type[Any]]
    _async_manager_class: ClassVar[type[AsyncConnectionManager[Any]]]

    def __init__(self, *, client: OpenAI, **kwargs: Any) -> None:
        self._client = client
        self._connection: _ConnT | None = None
        self._event_handler_registry = EventHandlerRegistry(use_lock=True)
        # Built now, so bad options raise here; it is used on the loop at `__enter__`.
        self._async_manager = self._async_manager_class(client=client._engine, **kwargs)

    def send(self, event: Any) -> None:
        """Queue `event` to be sent as soon as the connection opens."""
        self._async_manager.send(event)

    def __enter__(self) -> _ConnT:
        runner: SyncRunner = self._client._runner
        slot = runner.current()
        aconn = runner.run(self._async_manager.__aenter__(), slot)
        connection: _ConnT = self._connection_class(aconn, runner, slot)
        self._event_handler_registry.merge_into(connection._event_handler_registry)
        self._connection = connection
        return connection

    enter = __enter__

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        exc_tb: TracebackType | None,
    ) -> None:
        if self._connection is not None:
            self._connection.close()
