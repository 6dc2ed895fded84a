"""`floor-proto`: a bare `asyncio.Protocol` HTTP/1.1 client, the practical limit of a Python
asyncio client (issue 14's second floor, beside the bare aiohttp one).

It speaks just enough HTTP/1.1 for the benchmark server: keep-alive connections from a LIFO
pool, a request head written with the body in one `transport.write`, responses framed by
`Content-Length` or chunked encoding, SSE `data:` lines split as chunks arrive, orjson in and
out. No redirects, proxies, TLS, compression, cookies, timeouts or retries: what a real client
adds on top of this is its own cost, which is the point of measuring it.

The protocol only buffers bytes and wakes the reader; the framing runs in the reading
coroutine, so a response is parsed by the same code path whether it is read whole or
streamed.
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from typing import Any
from urllib.parse import urlsplit

import orjson


class _Connection(asyncio.Protocol):
    __slots__ = ("buf", "closed", "transport", "waiter")

    def __init__(self) -> None:
        self.buf = bytearray()
        self.transport: asyncio.Transport | None = None
        self.waiter: asyncio.Future[None] | None = None
        self.closed = False

    def connection_made(self, transport: asyncio.BaseTransport) -> None:
        self.transport = transport  # type: ignore[assignment]

    def data_received(self, data: bytes) -> None:
        self.buf += data
        waiter = self.waiter
        if waiter is not None and not waiter.done():
            waiter.set_result(None)

    def connection_lost(self, exc: Exception | None) -> None:
        self.closed = True
        waiter = self.waiter
        if waiter is not None and not waiter.done():
            waiter.set_result(None)

    async def more(self) -> None:
        """Wait for bytes (or the end of the connection)."""
        if self.closed:
            raise ConnectionError("connection closed mid-response")
        self.waiter = asyncio.get_running_loop().create_future()
        await self.waiter
        self.waiter = None

    async def head(self) -> tuple[int, int | None, bool]:
        """(status, content-length or None, chunked), the head consumed from the buffer."""
        while (end := self.buf.find(b"\r\n\r\n")) < 0:
            await self.more()
        lines = bytes(self.buf[:end]).split(b"\r\n")
        del self.buf[: end + 4]
        status = int(lines[0].split(b" ", 2)[1])
        length = None
        chunked = False
        for line in lines[1:]:
            name, _, value = line.partition(b":")
            name = name.strip().lower()
            if name == b"content-length":
                length = int(value)
            elif name == b"transfer-encoding":
                chunked = b"chunked" in value.lower()
        return status, length, chunked

    async def body(self, length: int) -> bytes:
        while len(self.buf) < length:
            await self.more()
        data = bytes(self.buf[:length])
        del self.buf[:length]
        return data

    async def chunks(self) -> AsyncIterator[bytes]:
        """The pieces of a chunked body as they arrive (the final empty chunk ends it)."""
        while True:
            while (end := self.buf.find(b"\r\n")) < 0:
                await self.more()
            size = int(bytes(self.buf[:end]).split(b";", 1)[0], 16)
            need = end + 2 + size + 2
            while len(self.buf) < need:
                await self.more()
            piece = bytes(self.buf[end + 2 : end + 2 + size])
            del self.buf[:need]
            if size == 0:
                return
            yield piece


class ProtocolClient:
    """A pool of keep-alive connections to one host, posting JSON."""

    def __init__(self, base: str, headers: dict[str, str]) -> None:
        parts = urlsplit(base)
        self.host = parts.hostname or "127.0.0.1"
        self.port = parts.port or 80
        self.prefix = parts.path.rstrip("/")
        fixed = "".join(f"{k}: {v}\r\n" for k, v in headers.items())
        self.fixed = f"Host: {self.host}:{self.port}\r\n{fixed}".encode()
        self.idle: list[_Connection] = []

    async def _connection(self) -> _Connection:
        while self.idle:
            conn = self.idle.pop()
            if not conn.closed:
                return conn
        loop = asyncio.get_running_loop()
        _, conn = await loop.create_connection(_Connection, self.host, self.port)
        return conn

    def _send(self, conn: _Connection, path: str, data: bytes, accept_sse: bool) -> None:
        assert conn.transport is not None
        extra = b"Accept: text/event-stream\r\n" if accept_sse else b""
        head = b"POST %s HTTP/1.1\r\n%s%sContent-Length: %d\r\n\r\n" % (
            path.encode(),
            self.fixed,
            extra,
            len(data),
        )
        conn.transport.write(head + data)

    def path(self, url: str) -> str:
        return urlsplit(url).path

    async def post(self, url: str, data: bytes) -> Any:
        conn = await self._connection()
        self._send(conn, self.path(url), data, False)
        status, length, chunked = await conn.head()
        if chunked:
            body = b"".join([piece async for piece in conn.chunks()])
        else:
            body = await conn.body(length or 0)
        if status != 200:
            raise RuntimeError(f"HTTP {status}: {body[:200]!r}")
        self.idle.append(conn)
        return orjson.loads(body)

    async def sse(self, url: str, data: bytes) -> AsyncIterator[Any]:
        conn = await self._connection()
        self._send(conn, self.path(url), data, True)
        status, length, chunked = await conn.head()
        if status != 200:
            raise RuntimeError(f"HTTP {status}")
        pieces = conn.chunks() if chunked else _whole(conn, length or 0)
        rest = b""
        done = False
        async for piece in pieces:
            if done:
                continue  # drain to the end of the body, keeping the connection reusable
            lines = (rest + piece).split(b"\n")
            rest = lines.pop()
            for line in lines:
                if line[:6] == b"data: ":
                    payload = line[6:]
                    if payload == b"[DONE]":
                        done = True
                        break
                    yield orjson.loads(payload)
        self.idle.append(conn)

    async def close(self) -> None:
        for conn in self.idle:
            if conn.transport is not None:
                conn.transport.close()
        self.idle.clear()


async def _whole(conn: _Connection, length: int) -> AsyncIterator[bytes]:
    yield await conn.body(length)
