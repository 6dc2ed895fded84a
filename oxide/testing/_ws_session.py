"""What every mock WebSocket shares: the handshake (auth already done by the middleware, then
faults and delays), the reader loop, sends that count events for the fault switches, the
connection age limit, and the record tests assert on (``MockOpenAI.ws_connections``).

The protocols (``_ws_responses``, ``_ws_realtime``) subclass :class:`WsSession`.
"""

from __future__ import annotations

import asyncio
import socket
import struct
import time
from collections.abc import Coroutine, Mapping
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, ClassVar

import orjson
from aiohttp import WSMsgType, web
from aiohttp.http import WebSocketError
from yarl import URL

from ._ws_faults import QUERY_PREFIX, FaultError, WsFault, WsKnobs, parse_fault, parse_knobs

if TYPE_CHECKING:
    from ._server import APIError, MockOpenAI

__all__ = ["ConnectionGone", "RecordedWebSocket", "WsSession", "is_upgrade"]

_ABNORMAL = 1006  # what a client reports when the TCP connection ends without a close frame


@dataclass
class RecordedWebSocket:
    """One accepted WebSocket connection, as the mock saw it (``MockOpenAI.ws_connections``)."""

    path: str
    query: dict[str, str]
    headers: dict[str, str]
    received: list[Any] = field(default_factory=list)
    """Every client message: parsed JSON, or the raw ``str``/``bytes`` when it is not JSON."""
    sent: list[str] = field(default_factory=list)
    """The ``type`` of every server event sent, in order."""
    close_code: int | None = None
    """The close code as the client sees it (1006 for an abort); None while open."""
    opened_at: float = field(default_factory=time.monotonic)
    closed_at: float | None = None
    _done: asyncio.Event = field(
        default_factory=asyncio.Event, init=False, repr=False, compare=False
    )

    @property
    def open(self) -> bool:
        return self.closed_at is None

    def received_types(self) -> list[str]:
        """The ``type`` of every client message (``"?"`` for ones without a type)."""
        return [m.get("type", "?") if isinstance(m, dict) else "?" for m in self.received]

    async def wait_closed(self, timeout: float = 5.0) -> int | None:
        """Wait until the server side has finished (call it on the mock's event loop)."""
        await asyncio.wait_for(self._done.wait(), timeout)
        return self.close_code


class ConnectionGone(Exception):
    """The socket closed (by the client, or by a fault): stop producing events."""


def is_upgrade(request: web.Request) -> bool:
    return request.headers.get("Upgrade", "").lower() == "websocket"


class WsSession:
    """One accepted connection. Subclasses implement the protocol hooks below."""

    protocol: ClassVar[str] = ""

    def __init__(
        self,
        mock: MockOpenAI,
        request: web.Request,
        fault: WsFault | None,
        knobs: WsKnobs,
    ) -> None:
        self.mock = mock
        self.request = request
        self.fault = fault
        self.knobs = knobs
        self.record = RecordedWebSocket(request.path, dict(request.query), dict(request.headers))
        self.ws = web.WebSocketResponse(
            # no_pong: pings come back from receive() and are ignored, so the client's heartbeat
            # times out exactly as with a half-open TCP connection.
            autoping=fault is None or fault.kind != "no_pong",
            max_msg_size=knobs.max_msg_size,
            timeout=1.0,  # how long close() waits for the client's close frame
        )
        self.expiring = False
        self._fired = False
        self._gone = False
        self._tasks: set[asyncio.Task[None]] = set()
        self._reader: asyncio.Task[None] | None = None
        self._close_with: tuple[int, str] | None = None

    # -- protocol hooks --------------------------------------------------------------------

    @classmethod
    def check_handshake(cls, request: web.Request) -> None:
        """Raise :class:`APIError` to refuse the upgrade (an HTTP error before the 101)."""

    async def on_open(self) -> None:
        """Events sent right after the handshake (Realtime: ``session.created``)."""

    async def on_event(self, event: Any) -> None:
        """One parsed client message (any JSON value: validate it)."""
        raise NotImplementedError

    def error_event(self, err: APIError, client_event: Any = None) -> dict[str, Any]:
        raise NotImplementedError

    def age_limit_error(self) -> APIError:
        raise NotImplementedError

    async def drain(self) -> None:
        """Wait for the in-flight work to finish (the age limit closes after it)."""

    def oversized_event(self, size: int) -> dict[str, Any]:
        raise NotImplementedError

    # -- entry point -----------------------------------------------------------------------

    @classmethod
    async def serve(cls, mock: MockOpenAI, request: web.Request) -> web.StreamResponse:
        from ._server import APIError

        try:
            fault = parse_fault(request.query)
            if fault is None:
                fault = mock._take_ws_fault()
            knobs = parse_knobs(request.query, mock._ws_knobs())
        except FaultError as exc:
            raise APIError(400, f"Invalid '{exc.param}': {exc}", param=exc.param) from None
        if fault is not None and fault.kind == "reject":
            raise APIError.for_status(fault.status)
        if fault is not None and fault.kind == "redirect":
            return web.Response(
                status=fault.status,
                headers={**mock._headers(request), "Location": _redirect_target(request, fault)},
            )
        cls.check_handshake(request)
        if knobs.setup_delay:
            await asyncio.sleep(knobs.setup_delay)
        return await cls(mock, request, fault, knobs).run()

    async def run(self) -> web.WebSocketResponse:
        ws = self.ws
        ws.headers.update(self.mock._headers(self.request))
        await ws.prepare(self.request)
        self.mock._ws_opened(self)
        # The reader runs in its own task so a close requested by another task (a fault, the age
        # limit, stop()) can interrupt its receive() and the close handshake then runs here.
        # aiohttp's close() called while another task waits in receive() would drop the TCP
        # connection right after the close frame, before the client's answer: a client could
        # then report 1006 instead of the code sent.
        self._reader = asyncio.get_running_loop().create_task(self._guard(self._serve()))
        try:
            await asyncio.wait({self._reader})
            if self._close_with is not None:
                code, reason = self._close_with
                await ws.close(code=code, message=reason.encode())
        finally:
            # Bookkeeping first, without awaiting: aiohttp cancels this handler as soon as the
            # client's TCP connection is gone, which would cut an await here short.
            self._gone = True
            if self.record.close_code is None:
                self.record.close_code = ws.close_code if ws.close_code is not None else _ABNORMAL
            self.record.closed_at = time.monotonic()
            self.record._done.set()
            self.mock._ws_closed(self)
            tasks = [self._reader, *self._tasks]
            for task in tasks:
                task.cancel()
            await asyncio.gather(*tasks, return_exceptions=True)
            if not ws.closed:
                await ws.close()
        return ws

    async def _serve(self) -> None:
        if self.knobs.max_age:
            self.spawn(self._age_limit())
        await self._fire_if_due()  # "after=0": before any event
        await self.on_open()
        await self._read_loop()

    async def _read_loop(self) -> None:
        from ._server import APIError

        ws = self.ws
        while True:
            msg = await ws.receive()
            if msg.type is WSMsgType.TEXT:
                try:
                    event = orjson.loads(msg.data)
                except orjson.JSONDecodeError as exc:
                    self.record.received.append(msg.data)
                    await self.send_error(
                        APIError(
                            400,
                            f"We could not parse the JSON body of your request: {exc}.",
                            code="invalid_json",
                        )
                    )
                    continue
                self.record.received.append(event)
                await self.on_event(event)
            elif msg.type is WSMsgType.BINARY:
                self.record.received.append(msg.data)
                await self.send_error(
                    APIError(400, "Binary frames are not supported: send JSON text frames.")
                )
            elif msg.type in (WSMsgType.PING, WSMsgType.PONG):
                continue  # only seen with autoping off (the no_pong fault): ignore them
            else:  # CLOSE, CLOSING, CLOSED, ERROR (e.g. a frame over max_msg_size: 1009)
                if self.record.close_code is None:
                    if msg.type is WSMsgType.CLOSE:
                        self.record.close_code = ws.close_code
                    elif isinstance(msg.data, WebSocketError):
                        # The code aiohttp sent (1009 for a frame over max_msg_size); its own
                        # close_code turns into 1006 when the client hangs up first.
                        self.record.close_code = msg.data.code
                return

    # -- sending ---------------------------------------------------------------------------

    async def send(self, event: Mapping[str, Any]) -> None:
        """Send one event, count it, and fire the connection's fault when it is due."""
        if self._gone or self.ws.closed:
            raise ConnectionGone
        try:
            await self.ws.send_frame(orjson.dumps(event), WSMsgType.TEXT)
        except ConnectionError:
            self._gone = True
            raise ConnectionGone from None
        self.record.sent.append(str(event.get("type")))
        await self._fire_if_due()

    async def send_error(self, err: APIError, client_event: Any = None) -> None:
        await self.send(self.error_event(err, client_event))

    async def close(self, code: int, reason: str = "") -> None:
        """Close with ``code``: nothing more is sent, the close handshake runs in :meth:`run`."""
        if self._gone:
            return
        self._gone = True
        self.record.close_code = code
        self._close_with = (code, reason)
        if self._reader is not None and self._reader is not asyncio.current_task():
            self._reader.cancel()

    def abort(self) -> None:
        self._gone = True
        self.record.close_code = _ABNORMAL
        transport = self.request.transport
        if transport is None:
            return
        sock = transport.get_extra_info("socket")
        if sock is not None:
            # Linger 0: the kernel answers with RST instead of an orderly FIN, like a crashed
            # proxy; the client has no close frame either way and reports 1006.
            sock.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
        transport.abort()

    async def _fire_if_due(self) -> None:
        fault = self.fault
        if fault is None or self._fired or len(self.record.sent) < fault.after:
            return
        if fault.kind in ("close", "restart"):
            self._fired = True
            reason = "service restart" if fault.kind == "restart" else "mock fault"
            await self.close(fault.code, reason)
            raise ConnectionGone
        if fault.kind == "abort":
            self._fired = True
            self.abort()
            raise ConnectionGone
        if fault.kind == "oversize":
            self._fired = True
            big = self.oversized_event(fault.size)
            await self.ws.send_frame(orjson.dumps(big), WSMsgType.TEXT)
            self.record.sent.append(str(big.get("type")))

    # -- tasks and the age limit -----------------------------------------------------------

    def spawn(self, coro: Coroutine[Any, Any, None]) -> asyncio.Task[None]:
        task = asyncio.get_running_loop().create_task(self._guard(coro))
        self._tasks.add(task)
        task.add_done_callback(self._tasks.discard)
        return task

    @staticmethod
    async def _guard(coro: Coroutine[Any, Any, None]) -> None:
        try:
            await coro
        except ConnectionGone:
            pass

    async def _age_limit(self) -> None:
        await asyncio.sleep(self.knobs.max_age)
        # Like the API: no new turn starts, the in-flight one finishes, then the error and a
        # normal close (OpenAI does not document the close code; 1000 is the mock's choice).
        self.expiring = True
        await self.drain()
        await self.send_error(self.age_limit_error())
        await self.close(1000, "connection age limit")


def _redirect_target(request: web.Request, fault: WsFault) -> str:
    if fault.location:
        return fault.location
    # Another origin on the same server: the host name the client did not use.
    host = "127.0.0.1" if request.url.host == "localhost" else "localhost"
    query = {k: v for k, v in request.query.items() if not k.startswith(QUERY_PREFIX)}
    port = request.url.port or 80
    return str(URL.build(scheme="http", host=host, port=port, path=request.path, query=query))
