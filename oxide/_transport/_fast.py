"""The fast lane: API calls over HTTP/1.1 keep-alive connections on a bare `asyncio.Protocol`.

aiohttp's per-request machinery (request and response objects, URL handling, tracing signals,
timers, a StreamReader and a header multidict per message) costs more CPU than everything else
in a small call. The common case needs none of it: one origin, keep-alive, a JSON body, a
`Content-Length` or chunked answer. This module sends those requests itself and frames the
answers with `oxide._speedups.ResponseParser` (Cython, with its pure-Python twin), fed straight
from `data_received`; the whole response of a small call is parsed, its connection returned to
the pool and its waiter woken in one callback.

Multipart uploads (oxide's `MultipartPayload`, an aiohttp `Payload`) are written to the
socket after the head through `_BodyWriter`, with the transport's flow control.

What it does not handle goes through aiohttp (`FastTransport.request` falls back per request,
at the cost of one type check): a body that is neither bytes nor a payload, a scheme other
than http/https, and redirects (the 3xx answer is drained and the request redone by aiohttp,
which follows it). Proxies and a caller's own `aiohttp.ClientSession` never get here: the
holder (`_session.SessionHolder`) does not build a fast transport for them.

The behaviour is aiohttp's, so the engine above cannot tell the two apart: the same exception
types (`translate()` maps them to oxide's), the same timeouts (connect, pool wait, read between
chunks), the same default headers, and a response object with the attributes of
`aiohttp.ClientResponse` that oxide reads (`status`, `reason`, `headers`, `url`, `version`,
`read()`, `release()`, `close()`, and `content.readany()` / `at_eof()` / `iter_any()` /
`iter_chunked()`). `tests/faults/test_fast_path.py` drives both against the same bytes.
"""

from __future__ import annotations

import asyncio
import collections
import inspect
import time
import zlib
from collections.abc import AsyncIterator, Callable
from typing import Any, cast

import aiohttp
from aiohttp.payload import Payload
from multidict import CIMultiDict, CIMultiDictProxy
from yarl import URL

from .. import _speedups
from ._aiohttp_private import close_transport_without_io, connect_error, pool_wait_of
from ._clock import time_limit

__all__ = ["FastResponse", "FastTransport"]

# aiohttp follows these (with a Location) on its own; so does the SDK's httpx client.
_REDIRECTS = frozenset({301, 302, 303, 307, 308})
# Methods aiohttp sends without `Content-Length: 0` when they have no body.
_NO_LENGTH_METHODS = frozenset({"GET", "HEAD", "OPTIONS", "TRACE"})
# Unread body bytes above which the socket stops being read (a download nobody consumes).
_HIGH_WATER = 1 << 20
_BODY_TYPES = (bytes, bytearray)
_SCHEMES = frozenset({"http", "https"})
# A body that writes itself to the connection (oxide's multipart payloads are aiohttp Payloads).
_StreamedBody = Payload
_IDEMPOTENT_METHODS = frozenset({"GET", "HEAD", "OPTIONS", "TRACE", "PUT", "DELETE"})


def _payload_error(message: str) -> aiohttp.ClientPayloadError:
    return aiohttp.ClientPayloadError(f"Response payload is not completed: {message}")


class _Decompressor:
    """gzip / deflate bodies decoded as they arrive, as aiohttp's `auto_decompress` does."""

    __slots__ = ("_obj", "_encoding")

    def __init__(self, encoding: str) -> None:
        self._encoding = encoding
        self._obj: Any = zlib.decompressobj(16 + zlib.MAX_WBITS) if encoding == "gzip" else None

    def feed(self, data: bytes) -> bytes:
        obj = self._obj
        if obj is None:
            # deflate: zlib-wrapped as the RFC says, or raw deflate as some servers send it.
            obj = self._obj = zlib.decompressobj(
                zlib.MAX_WBITS if data[0] & 0x0F == 8 else -zlib.MAX_WBITS
            )
        try:
            return obj.decompress(data)  # type: ignore[no-any-return]
        except zlib.error as exc:
            raise aiohttp.ClientPayloadError(
                f"Can not decode content-encoding: {self._encoding}"
            ) from exc

    def flush(self) -> bytes:
        obj = self._obj
        if obj is None:
            return b""
        try:
            tail: bytes = obj.flush()
        except zlib.error as exc:
            raise aiohttp.ClientPayloadError(
                f"Can not decode content-encoding: {self._encoding}"
            ) from exc
        # A stream cut short is not an error here, as in aiohttp: the bytes so far are the body
        # (and fail to decode as JSON, or end a stream early, above this layer).
        return tail


class FastResponse:
    """One response on the fast lane: the parts of `aiohttp.ClientResponse` oxide reads.

    The body is buffered as it arrives; once the whole message is in, the connection is back
    in the pool (the response keeps its bytes), so `release()` has nothing left to do and an
    unread small response holds no connection. `content` is the response itself, so
    `resp.content.readany()` reads as on aiohttp's StreamReader.
    """

    __slots__ = (
        "__weakref__",
        "_chunks",
        "_conn",
        "_decoder",
        "_eof",
        "_exc",
        "_loop",
        "_raw_headers",
        "_headers",
        "_read_timeout",
        "_size",
        "_waiter",
        "closed",
        "method",
        "reason",
        "status",
        "url",
        "version",
    )

    def __init__(
        self,
        conn: _Connection,
        method: str,
        url: URL,
        read_timeout: float | None,
        loop: asyncio.AbstractEventLoop,
    ) -> None:
        self._conn: _Connection | None = conn
        self.method = method
        self.url = url
        self._read_timeout = read_timeout
        self._loop = loop
        self._chunks: collections.deque[bytes] = collections.deque()
        self._size = 0
        self._eof = False
        self._exc: BaseException | None = None
        self._waiter: asyncio.Future[None] | None = None
        self._decoder: _Decompressor | None = None
        self._headers: CIMultiDictProxy[str] | None = None
        self._raw_headers: list[tuple[str, str]] = []
        self.status = 0
        self.reason: str | None = None
        self.version = aiohttp.HttpVersion11
        self.closed = False

    # -- what the connection tells it (called from data_received / connection_lost) --------
    def _wake(self) -> None:
        waiter = self._waiter
        if waiter is not None and not waiter.done():
            waiter.set_result(None)

    def _got_head(self, parser: Any) -> None:
        self.status = parser.status
        self.reason = parser.reason
        if parser.version_minor == 0:
            self.version = aiohttp.HttpVersion10
        self._raw_headers = parser.headers
        encoding = parser.content_encoding
        if encoding == "gzip" or encoding == "deflate":
            self._decoder = _Decompressor(encoding)

    def _got_body(self, data: bytes) -> None:
        decoder = self._decoder
        if decoder is not None:
            data = decoder.feed(data)
            if not data:
                return
        self._chunks.append(data)
        self._size += len(data)
        if self._size > _HIGH_WATER:
            conn = self._conn
            if conn is not None:
                conn.pause()

    def _got_end(self) -> None:
        decoder = self._decoder
        if decoder is not None:
            tail = decoder.flush()
            if tail:
                self._chunks.append(tail)
                self._size += len(tail)
        self._eof = True
        self._conn = None

    def _fail(self, exc: BaseException) -> None:
        if self._exc is None and not self._eof:
            self._exc = exc
        self._conn = None

    # -- waiting, with aiohttp's sock_read rule: a bound on each wait for bytes ---------------
    async def _wait(self) -> None:
        conn = self._conn
        if conn is None:
            return
        conn.resume()
        waiter = self._waiter = self._loop.create_future()
        timeout = self._read_timeout
        handle = None
        if timeout is not None:
            handle = self._loop.call_later(timeout, _time_out, waiter)
        try:
            await waiter
        except aiohttp.ServerTimeoutError:
            self._abort()  # the rest of this answer can never be trusted on that socket
            raise
        finally:
            self._waiter = None
            if handle is not None:
                handle.cancel()

    def _check(self) -> None:
        exc = self._exc
        if exc is not None:
            raise exc

    async def _read_head(self) -> None:
        while not self.status:
            self._check()
            if self._conn is None:  # pragma: no cover - a failure sets _exc first
                raise aiohttp.ServerDisconnectedError()
            await self._wait()

    # -- aiohttp.ClientResponse's interface ----------------------------------------------------
    @property
    def headers(self) -> CIMultiDictProxy[str]:
        headers = self._headers
        if headers is None:
            headers = self._headers = CIMultiDictProxy(CIMultiDict(self._raw_headers))
        return headers

    @property
    def content_type(self) -> str:
        return self.headers.get("Content-Type", "application/octet-stream").split(";")[0]

    @property
    def content(self) -> FastResponse:
        return self

    def get_encoding(self) -> str:
        return "utf-8"

    async def read(self) -> bytes:
        while not self._eof:
            self._check()
            await self._wait()
        return self._take()

    def _take(self) -> bytes:
        """Every buffered body byte, in one bytes object."""
        chunks = self._chunks
        if len(chunks) == 1:
            data = chunks.popleft()
        else:
            data = b"".join(chunks)
            chunks.clear()
        self._size = 0
        return data

    async def text(self, encoding: str | None = None) -> str:
        return (await self.read()).decode(encoding or "utf-8", "replace")

    def release(self) -> None:
        if not self._eof:
            self._abort()

    def close(self) -> None:
        self.closed = True
        if not self._eof:
            self._abort()

    def _abort(self) -> None:
        """Give up on the rest of the body: its connection is closed, never pooled."""
        conn, self._conn = self._conn, None
        if conn is not None:
            conn.abort()
        if self._exc is None and not self._eof:
            self._exc = aiohttp.ClientConnectionError("Connection closed")

    def __del__(self) -> None:
        # Dropped unread (the engine's own exits close explicitly; see AsyncStream.__del__).
        conn = getattr(self, "_conn", None)
        if conn is not None and not self._loop.is_closed():
            if asyncio._get_running_loop() is self._loop or not self._loop.is_running():
                conn.abort()
            else:
                self._loop.call_soon_threadsafe(conn.abort)

    # -- the StreamReader part ---------------------------------------------------------------
    def at_eof(self) -> bool:
        return self._eof and not self._chunks

    async def readany(self) -> bytes:
        chunks = self._chunks
        while not chunks:
            if self._eof:
                return b""
            self._check()
            await self._wait()
        return self._take()

    async def iter_any(self) -> AsyncIterator[bytes]:
        while True:
            data = await self.readany()
            if not data:
                return
            yield data

    async def iter_chunked(self, n: int) -> AsyncIterator[bytes]:
        buf = b""
        while True:
            data = await self.readany()
            if not data:
                if buf:
                    yield buf
                return
            buf += data
            while len(buf) >= n:
                yield buf[:n]
                buf = buf[n:]

    def __repr__(self) -> str:
        return f"<FastResponse({self.url}) [{self.status} {self.reason}]>"


def _time_out(waiter: asyncio.Future[None]) -> None:
    if not waiter.done():
        waiter.set_exception(aiohttp.SocketTimeoutError("Timeout on reading data from socket"))


class _Connection(asyncio.Protocol):
    """One keep-alive socket: feeds the parser and the response it is answering."""

    __slots__ = (
        "pool",
        "transport",
        "parser",
        "response",
        "lost",
        "idle_since",
        "paused",
        "writing",
        "write_paused",
        "drain_waiter",
    )

    def __init__(self, pool: _Pool) -> None:
        self.pool = pool
        self.transport: asyncio.Transport | None = None
        self.parser = _speedups.ResponseParser()
        self.response: FastResponse | None = None
        self.lost = False
        self.idle_since = 0.0
        self.paused = False
        self.writing = False  # a streamed request body is still being sent
        self.write_paused = False
        self.drain_waiter: asyncio.Future[None] | None = None

    def connection_made(self, transport: asyncio.BaseTransport) -> None:
        self.transport = transport  # type: ignore[assignment]

    def data_received(self, data: bytes) -> None:
        resp = self.response
        if resp is None:
            # Bytes nobody asked for on an idle connection: it cannot be trusted again.
            self.abort()
            return
        parser = self.parser
        head_done = parser.head_done
        try:
            body = parser.feed(data)
            if not head_done and parser.head_done:
                resp._got_head(parser)
            if body:
                resp._got_body(body)
            if parser.done:
                resp._got_end()
                self.response = None
                # Answered before its request body was all sent: the rest of that body would
                # reach the next request's server as garbage, so the socket is not reused.
                if parser.keep_alive and not parser.trailing and not self.writing:
                    self.pool.release(self)
                else:
                    self.abort()
        except _speedups.ResponseFramingError as exc:
            self.response = None
            # As in aiohttp: a head not yet handed over (even one parsed in this same feed)
            # makes a bad response; after that, a bad body.
            resp._fail(
                _payload_error(str(exc))
                if head_done
                else aiohttp.ClientResponseError(
                    _NO_REQUEST_INFO, (), status=400, message=f"Invalid response: {exc}"
                )
            )
            self.abort()
        except aiohttp.ClientPayloadError as exc:  # a body that does not decompress
            self.response = None
            resp._fail(exc)
            self.abort()
        resp._wake()

    def eof_received(self) -> bool | None:
        return None  # close the transport: a half-closed HTTP/1.1 connection is done

    def connection_lost(self, exc: Exception | None) -> None:
        self.lost = True
        self.resume_writing()
        resp, self.response = self.response, None
        self.pool.forget(self)
        if resp is None:
            return
        parser = self.parser
        if parser.head_done:
            try:
                body = parser.feed_eof()
            except _speedups.ResponseFramingError as framing:
                resp._fail(_payload_error(str(framing)))
            else:
                try:
                    if body:
                        resp._got_body(body)
                    resp._got_end()
                except aiohttp.ClientPayloadError as decode_error:
                    resp._fail(decode_error)
        elif exc is not None:
            resp._fail(aiohttp.ClientOSError(*exc.args))
        else:
            resp._fail(aiohttp.ServerDisconnectedError())
        resp._wake()

    # -- request-body flow control (asyncio calls these at its buffer's high/low water marks) --
    def pause_writing(self) -> None:
        self.write_paused = True

    def resume_writing(self) -> None:
        self.write_paused = False
        waiter, self.drain_waiter = self.drain_waiter, None
        if waiter is not None and not waiter.done():
            waiter.set_result(None)

    async def drain(self) -> None:
        if self.write_paused and not self.lost:
            waiter = self.drain_waiter = self.pool.loop.create_future()
            await waiter

    def pause(self) -> None:
        if not self.paused and self.transport is not None:
            self.paused = True
            self.transport.pause_reading()

    def resume(self) -> None:
        if self.paused and self.transport is not None and not self.lost:
            self.paused = False
            self.transport.resume_reading()

    def abort(self) -> None:
        """Close the socket (its answer is unread or untrustworthy) and leave the pool."""
        self.response = None
        self.lost = True
        transport = self.transport
        if transport is not None:
            transport.close()
        self.pool.forget(self)

    def send(self, resp: FastResponse, data: bytes, head_request: bool) -> None:
        self.response = resp
        self.parser.start(head_request)
        assert self.transport is not None
        self.transport.write(data)


class _BodyStopped(Exception):
    """The server answered or closed while the request body was being sent."""


class _BodyWriter:
    """What a streamed request body (`oxide._files.MultipartPayload`, an aiohttp `Payload`)
    writes to: the `write()` of aiohttp's `AbstractStreamWriter`, with chunked framing when the
    body's size is unknown, and the transport's flow control."""

    __slots__ = ("_conn", "_resp", "_chunked")

    def __init__(self, conn: _Connection, resp: FastResponse, chunked: bool) -> None:
        self._conn = conn
        self._resp = resp
        self._chunked = chunked

    async def write(self, data: bytes | bytearray | memoryview) -> None:
        conn = self._conn
        if conn.lost or conn.response is not self._resp or conn.transport is None:
            raise _BodyStopped
        if not data:
            return
        if self._chunked:
            conn.transport.write(b"".join((b"%x\r\n" % len(data), data, b"\r\n")))
        else:
            conn.transport.write(data)
        await conn.drain()


class _RequestInfoStub:
    """`ClientResponseError` formats its request's URL; the engine has its own record."""

    real_url = url = URL()
    method = ""
    headers: CIMultiDictProxy[str] = CIMultiDictProxy(CIMultiDict())


_NO_REQUEST_INFO: Any = _RequestInfoStub()


# aiohttp's delay before trying the next address (RFC 8305); uvloop's create_connection has no
# such argument (it tries the addresses one after another).
_HAPPY_EYEBALLS: dict[str, Any] = {"happy_eyeballs_delay": 0.25}
_happy_eyeballs_by_loop_type: dict[type, bool] = {}


def _has_happy_eyeballs(loop: asyncio.AbstractEventLoop) -> bool:
    kind = type(loop)
    known = _happy_eyeballs_by_loop_type.get(kind)
    if known is None:
        try:
            params = inspect.signature(loop.create_connection).parameters
            known = "happy_eyeballs_delay" in params
        except (TypeError, ValueError):  # a compiled loop without a signature
            known = isinstance(loop, asyncio.BaseEventLoop)
        _happy_eyeballs_by_loop_type[kind] = known
    return known


class _Pool:
    """The keep-alive connections to one origin: LIFO idle list, a cap on connections open."""

    def __init__(
        self,
        loop: asyncio.AbstractEventLoop,
        url: URL,
        *,
        limit: int,
        max_idle: int,
        keepalive: float,
        ssl: Any,
    ) -> None:
        self.loop = loop
        self.host = url.raw_host or ""
        self.port = url.port or (443 if url.scheme == "https" else 80)
        self.ssl = ssl if url.scheme == "https" else None
        host = self.host if ":" not in self.host else f"[{self.host}]"  # IPv6
        netloc = host if url.is_default_port() else f"{host}:{self.port}"
        self.host_line = f"Host: {netloc}\r\n"
        self.origin = f"{url.scheme}://{netloc}"
        self.limit = limit
        self.max_idle = max_idle
        self.keepalive = keepalive
        self.idle: list[_Connection] = []
        self.active: set[_Connection] = set()
        self.opening = 0
        self.waiters: collections.deque[asyncio.Future[None]] = collections.deque()
        self.closed = False

    async def acquire(self, connect: float | None, pool_wait: float | None) -> _Connection:
        idle = self.idle
        while idle:
            conn = idle.pop()
            if not conn.lost and time.monotonic() - conn.idle_since < self.keepalive:
                self.active.add(conn)
                return conn
            conn.abort()
        limit = self.limit
        if limit and len(self.active) + self.opening >= limit:
            await self._wait_for_slot(pool_wait)
            return await self.acquire(connect, pool_wait)
        self.opening += 1
        try:
            if connect is None:
                _, opened = await self._connect()
            else:
                async with time_limit(connect):
                    _, opened = await self._connect()
        except OSError as exc:
            # aiohttp's connector errors, so that the engine (and user code) sees the same.
            if exc.errno is None and isinstance(exc, asyncio.TimeoutError):
                raise aiohttp.ConnectionTimeoutError(
                    f"Connection timeout to host {self.origin}"
                ) from exc
            raise connect_error(exc, self.host, self.port, self.ssl) from exc
        finally:
            self.opening -= 1
        conn = cast(_Connection, opened)
        if self.closed:
            conn.abort()
            raise aiohttp.ClientConnectionError("The client was closed")
        self.active.add(conn)
        return conn

    def _connect(self) -> Any:
        extra = _HAPPY_EYEBALLS if _has_happy_eyeballs(self.loop) else {}
        return self.loop.create_connection(
            lambda: _Connection(self),
            self.host,
            self.port,
            ssl=self.ssl,
            server_hostname=self.host if self.ssl is not None else None,
            **extra,
        )

    async def _wait_for_slot(self, pool_wait: float | None) -> None:
        waiter = self.loop.create_future()
        self.waiters.append(waiter)
        try:
            if pool_wait is None:
                await waiter
            else:
                async with time_limit(pool_wait):
                    await waiter
        except TimeoutError:
            raise aiohttp.ConnectionTimeoutError(
                f"Timed out after {pool_wait} s waiting for a free connection from the pool "
                "(Timeout.pool)"
            ) from None
        finally:
            if not waiter.done():
                waiter.cancel()
            try:
                self.waiters.remove(waiter)
            except ValueError:
                pass

    def _wake_one(self) -> None:
        waiters = self.waiters
        while waiters:
            waiter = waiters.popleft()
            if not waiter.done():
                waiter.set_result(None)
                return

    def release(self, conn: _Connection) -> None:
        self.active.discard(conn)
        if self.closed or len(self.idle) >= self.max_idle:
            conn.abort()
        else:
            conn.idle_since = time.monotonic()
            self.idle.append(conn)
        if self.waiters:
            self._wake_one()

    def forget(self, conn: _Connection) -> None:
        if conn in self.active:
            self.active.discard(conn)
            if self.waiters:
                self._wake_one()
        elif conn in self.idle:
            self.idle.remove(conn)

    def connections(self) -> list[_Connection]:
        return [*self.idle, *self.active]

    def close(self) -> None:
        self.closed = True
        for conn in self.connections():
            conn.abort()
        self.idle.clear()
        self.active.clear()
        for waiter in self.waiters:
            if not waiter.done():
                waiter.set_exception(aiohttp.ClientConnectionError("The client was closed"))

    def close_without_io(self) -> None:
        """A forked child or a dead loop: close this process's file descriptors only."""
        self.closed = True
        for conn in self.connections():
            if conn.transport is not None:
                close_transport_without_io(conn.transport)
        self.idle.clear()
        self.active.clear()


class FastTransport:
    """The fast lane of one client on one event loop; `request` has `ClientSession._request`'s
    signature (the parts oxide uses) so that the engine calls either the same way."""

    def __init__(
        self,
        loop: asyncio.AbstractEventLoop,
        fallback: Callable[[], aiohttp.ClientSession],
        *,
        limit: int,
        max_idle: int,
        keepalive: float,
        ssl: Any,
    ) -> None:
        self._loop = loop
        self._fallback = fallback
        self._limit = limit
        self._max_idle = max_idle
        self._keepalive = keepalive
        self._ssl = ssl
        self._pools: dict[tuple[str, str | None, int | None], _Pool] = {}
        self._last: tuple[URL | None, _Pool | None] = (None, None)
        self.closed = False

    def _pool(self, url: URL) -> _Pool:
        key = (url.scheme, url.raw_host, url.port)
        pool = self._pools.get(key)
        if pool is None:
            if self.closed:
                raise RuntimeError("The client is closed; create a new one.")
            pool = self._pools[key] = _Pool(
                self._loop,
                url,
                limit=self._limit,
                max_idle=self._max_idle,
                keepalive=self._keepalive,
                ssl=self._ssl,
            )
        return pool

    async def request(
        self,
        method: str,
        url: URL,
        *,
        data: Any = None,
        headers: dict[str, str],
        params: Any = None,
        timeout: aiohttp.ClientTimeout,
    ) -> Any:
        other_body = data is not None and type(data) not in _BODY_TYPES
        if url.scheme not in _SCHEMES or (other_body and not isinstance(data, _StreamedBody)):
            return await self._fallback()._request(
                method, url, data=data, headers=headers, params=params, timeout=timeout
            )
        streamed = None  # a multipart payload, written by itself after the head
        if other_body:
            streamed, data = data, None
            headers = _streamed_body_headers(headers, streamed)
        last_url, pool = self._last
        if last_url is not url or pool is None or pool.closed:
            pool = self._pool(url)
            self._last = (url, pool)
        if params or url.raw_query_string:
            target_url = url.extend_query(params) if params else url
            target = target_url.raw_path_qs
        else:
            target_url = url
            target = url.raw_path or "/"
        message = _request_head(method, target, pool.host_line, headers, data)
        if data:
            message += data
        # aiohttp resends an idempotent request once when the connection fails before an
        # answer (RFC 9112 §9.3.1.1); so does the fast lane, or retry counts would differ.
        # A streamed body is written once per attempt (the engine makes one per attempt).
        resend = method in _IDEMPOTENT_METHODS and streamed is None
        while True:
            conn = await pool.acquire(timeout.sock_connect, pool_wait_of(timeout))
            resp = FastResponse(conn, method, target_url, timeout.sock_read, self._loop)
            try:
                conn.send(resp, message, method == "HEAD")
                if streamed is not None:
                    await _write_body(conn, resp, streamed, target_url)
                await resp._read_head()
            except (aiohttp.ClientOSError, aiohttp.ServerDisconnectedError):
                resp._abort()
                if resend:
                    resend = False
                    continue
                raise
            except BaseException:
                resp._abort()
                raise
            break
        if resp.status in _REDIRECTS and "Location" in resp.headers:
            return await self._follow(resp, method, target_url, data, headers, timeout)
        return resp

    async def _follow(
        self,
        resp: FastResponse,
        method: str,
        url: URL,
        data: Any,
        headers: dict[str, str],
        timeout: aiohttp.ClientTimeout,
    ) -> Any:
        """A redirect: aiohttp makes the next request (and follows any further ones), with
        its own rules for the method and the credentials."""
        location = resp.headers["Location"]
        resp.close()  # a complete small body has already given its connection back
        try:
            target = url.join(URL(location))
        except ValueError as exc:
            raise aiohttp.InvalidUrlRedirectClientError(location, "Invalid redirect URL") from exc
        status = resp.status
        if (status == 303 and method != "HEAD") or (status in (301, 302) and method == "POST"):
            method, data = "GET", None
        if target.origin() != url.origin():
            headers = {k: v for k, v in headers.items() if k.lower() != "authorization"}
        return await self._fallback()._request(
            method, target, data=data, headers=headers, timeout=timeout
        )

    def counts(self) -> tuple[int, int]:
        """(connections handed out, idle keep-alive connections)."""
        pools = self._pools.values()
        return sum(len(p.active) for p in pools), sum(len(p.idle) for p in pools)

    def close(self) -> None:
        self.closed = True
        for pool in self._pools.values():
            pool.close()

    def close_without_io(self) -> None:
        self.closed = True
        for pool in self._pools.values():
            pool.close_without_io()


async def _write_body(conn: _Connection, resp: FastResponse, body: Any, url: URL) -> None:
    """Send a streamed body after the head, with aiohttp's outcome for each failure: an
    OSError of the body's source becomes `ClientOSError("Can not write request body ...")`,
    anything else `ClientConnectionError`, raised when the response is read; the socket is
    closed either way. An answer (or a close) that comes first stops the writing."""
    chunked = body.size is None
    conn.writing = True
    try:
        await body.write_with_length(_BodyWriter(conn, resp, chunked), body.size)
        if chunked and not conn.lost and conn.transport is not None:
            conn.transport.write(b"0\r\n\r\n")
    except _BodyStopped:
        conn.abort()  # the answer (if any) is already in `resp`
        return
    except OSError as exc:
        failure: BaseException = exc
        if exc.errno is not None or not isinstance(exc, asyncio.TimeoutError):
            failure = aiohttp.ClientOSError(exc.errno, f"Can not write request body for {url}")
        failure.__cause__ = exc
        resp._fail(failure)
        conn.abort()
        return
    except Exception as exc:
        failure = aiohttp.ClientConnectionError(
            f"Failed to send bytes into the underlying connection: {exc!r}"
        )
        failure.__cause__ = exc
        resp._fail(failure)
        conn.abort()
        return
    finally:
        conn.writing = False
    if conn.response is None and not conn.lost:
        conn.abort()  # answered while the body was still going out: not reusable


def _streamed_body_headers(headers: dict[str, str], body: Any) -> dict[str, str]:
    """The payload's Content-Type (unless the caller's names the boundary) and its framing:
    Content-Length when its size is known, else chunked (as aiohttp does)."""
    present = {name.lower() for name in headers}
    out = dict(headers)
    if "content-type" not in present:
        out["Content-Type"] = body.content_type
    if body.size is None:
        if "transfer-encoding" not in present:
            out["Transfer-Encoding"] = "chunked"
    elif "content-length" not in present:
        out["Content-Length"] = str(body.size)
    return out


def _request_head(
    method: str, target: str, host_line: str, headers: dict[str, str], data: Any
) -> bytes:
    """The request line and headers, with the defaults aiohttp adds (Accept, Accept-Encoding,
    a Content-Type for raw bytes, Content-Length)."""
    parts = [f"{method} {target} HTTP/1.1\r\n", host_line]
    parts.extend([f"{name}: {value}\r\n" for name, value in headers.items()])
    present = {name.lower() for name in headers}
    if "accept" not in present:
        parts.append("Accept: */*\r\n")
    if "accept-encoding" not in present:
        parts.append("Accept-Encoding: gzip, deflate\r\n")
    if data is not None:
        if "content-type" not in present:
            parts.append("Content-Type: application/octet-stream\r\n")
        if "content-length" not in present:
            parts.append(f"Content-Length: {len(data)}\r\n")
    elif (
        method not in _NO_LENGTH_METHODS
        and "content-length" not in present
        and "transfer-encoding" not in present
    ):
        parts.append("Content-Length: 0\r\n")
    parts.append("\r\n")
    head = "".join(parts)
    # A CR or LF inside a name or value would start a header (or a request) of its own.
    if head.count("\n") != len(parts) or head.count("\r") != len(parts):
        raise ValueError(
            "Forbidden control character detected in headers. Potential header injection attack."
        )
    return head.encode("utf-8")
