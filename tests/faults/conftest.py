"""Real-socket servers for the client fault matrix (RELIABILITY.md §3.0).

* `web_server`: an in-process `aiohttp.web` app on 127.0.0.1:0 whose handler is called with
  `(request, n)`, n being the 0-based attempt number; every request is recorded first.
* `raw_server`: `asyncio.start_server` for byte-exact faults; the connection callback reads
  requests with `server.read_request(reader)` (which records them) and writes what it likes.
* `thread_server`: the `web_server` machinery on its own loop thread, for the sync client.
* `make_client`: `oxide.AsyncOpenAI` pointed at a server, closed at teardown.

No transport is mocked: every byte crosses a real loopback socket.
"""

from __future__ import annotations

import asyncio
import socket
import struct
import threading
import time
from collections.abc import AsyncIterator, Awaitable, Callable, Iterator
from dataclasses import dataclass, field
from typing import Any

import orjson
import pytest
import pytest_asyncio
from aiohttp import web
from multidict import CIMultiDict

import oxide
from oxide._transport._clock import Clock

# Allowance added to upper time bounds: two xdist workers share two cores.
SLACK = 0.3
# The official SDK's first two backoff windows (0.5 s and 1 s, minus up to 25 % jitter).
BACKOFF_0 = (0.375, 0.5)
BACKOFF_1 = (0.75, 1.0)
API_KEY = "sk-test"


@dataclass
class Attempt:
    method: str
    path: str
    headers: CIMultiDict[str]
    body: bytes
    at: float = field(default_factory=time.monotonic)

    @property
    def retry_count(self) -> str | None:
        return self.headers.get("x-stainless-retry-count")

    def json(self) -> Any:
        return orjson.loads(self.body)


class Recorder:
    """What a server saw, in arrival order."""

    def __init__(self) -> None:
        self.attempts: list[Attempt] = []

    @property
    def count(self) -> int:
        return len(self.attempts)

    @property
    def retry_counts(self) -> list[str | None]:
        return [a.retry_count for a in self.attempts]

    @property
    def gaps(self) -> list[float]:
        """Seconds between consecutive arrivals: the client's retry sleep plus a little I/O."""
        at = [a.at for a in self.attempts]
        return [b - a for a, b in zip(at, at[1:], strict=False)]


# -- JSON bodies the generated types accept ----------------------------------------------------


def chat_completion(content: str = "hi", id: str = "chatcmpl-1") -> dict[str, Any]:
    return {
        "id": id,
        "object": "chat.completion",
        "created": 1700000000,
        "model": "gpt-test",
        "choices": [
            {
                "index": 0,
                "message": {"role": "assistant", "content": content},
                "finish_reason": "stop",
                "logprobs": None,
            }
        ],
        "usage": {"prompt_tokens": 1, "completion_tokens": 1, "total_tokens": 2},
    }


def chat_chunk(content: str, id: str = "chatcmpl-1", finish: str | None = None) -> dict[str, Any]:
    return {
        "id": id,
        "object": "chat.completion.chunk",
        "created": 1700000000,
        "model": "gpt-test",
        "choices": [
            {
                "index": 0,
                "delta": {"content": content} if finish is None else {},
                "finish_reason": finish,
                "logprobs": None,
            }
        ],
    }


def sse(obj: object) -> bytes:
    return b"data: " + orjson.dumps(obj) + b"\n\n"


def model_obj(id: str = "gpt-test") -> dict[str, Any]:
    return {"id": id, "object": "model", "created": 1700000000, "owned_by": "openai"}


def error_body(
    message: str = "boom", type: str = "invalid_request_error", param: Any = None, code: Any = None
) -> dict[str, Any]:
    return {"error": {"message": message, "type": type, "param": param, "code": code}}


def json_response(
    obj: object, status: int = 200, headers: dict[str, str] | None = None
) -> web.Response:
    return web.Response(
        status=status, body=orjson.dumps(obj), content_type="application/json", headers=headers
    )


# -- aiohttp.web server --------------------------------------------------------------------------

Handler = Callable[[web.Request, int], Awaitable[web.StreamResponse]]


class AppServer(Recorder):
    def __init__(self, handler: Handler) -> None:
        super().__init__()
        self._handler = handler
        self.release = asyncio.Event()  # handlers that stall wait on this
        self.runner: web.AppRunner | None = None
        self.port = 0

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}/v1"

    async def _dispatch(self, request: web.Request) -> web.StreamResponse:
        body = await request.read()
        n = len(self.attempts)
        self.attempts.append(
            Attempt(request.method, request.path, CIMultiDict(request.headers), body)
        )
        return await self._handler(request, n)

    async def start(self) -> AppServer:
        app = web.Application()
        app.router.add_route("*", "/{tail:.*}", self._dispatch)
        # Cancel handlers whose client went away (stalls), and do not wait long for them.
        self.runner = web.AppRunner(
            app, handler_cancellation=True, shutdown_timeout=0.2, access_log=None
        )
        await self.runner.setup()
        site = web.TCPSite(self.runner, "127.0.0.1", 0)
        await site.start()
        server = site._server
        assert server is not None
        self.port = server.sockets[0].getsockname()[1]  # type: ignore[union-attr]
        return self

    async def stop(self) -> None:
        self.release.set()
        if self.runner is not None:
            await self.runner.cleanup()


@pytest_asyncio.fixture
async def web_server() -> AsyncIterator[Callable[[Handler], Awaitable[AppServer]]]:
    servers: list[AppServer] = []

    async def start(handler: Handler) -> AppServer:
        server = await AppServer(handler).start()
        servers.append(server)
        return server

    yield start
    for server in servers:
        await server.stop()


# -- raw asyncio server -------------------------------------------------------------------------

ConnHandler = Callable[["RawServer", asyncio.StreamReader, asyncio.StreamWriter], Awaitable[None]]


class RawServer(Recorder):
    def __init__(self, on_connection: ConnHandler) -> None:
        super().__init__()
        self._on_connection = on_connection
        self.connections = 0
        self.release = asyncio.Event()
        self._writers: list[asyncio.StreamWriter] = []
        self._tasks: set[asyncio.Task[None]] = set()
        self._server: asyncio.Server | None = None
        self.port = 0

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}/v1"

    async def read_request(self, reader: asyncio.StreamReader) -> Attempt | None:
        """Reads one request (Content-Length bodies only) and records it; None at EOF."""
        try:
            head = await reader.readuntil(b"\r\n\r\n")
        except (asyncio.IncompleteReadError, ConnectionError):
            return None
        lines = head.decode("latin-1").split("\r\n")
        method, path, _ = lines[0].split(" ", 2)
        headers: CIMultiDict[str] = CIMultiDict()
        for line in lines[1:]:
            if line:
                name, _, value = line.partition(":")
                headers.add(name.strip(), value.strip())
        length = int(headers.get("Content-Length", "0"))
        body = await reader.readexactly(length) if length else b""
        attempt = Attempt(method, path, headers, body)
        self.attempts.append(attempt)
        return attempt

    async def _handle(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        self.connections += 1
        self._writers.append(writer)
        task = asyncio.current_task()
        assert task is not None
        self._tasks.add(task)
        try:
            await self._on_connection(self, reader, writer)
        except (ConnectionError, asyncio.IncompleteReadError):
            pass
        finally:
            self._tasks.discard(task)

    async def start(self) -> RawServer:
        self._server = await asyncio.start_server(self._handle, "127.0.0.1", 0)
        self.port = self._server.sockets[0].getsockname()[1]
        return self

    async def stop(self) -> None:
        self.release.set()
        assert self._server is not None
        self._server.close()
        for writer in self._writers:
            writer.transport.abort()
        for task in list(self._tasks):
            task.cancel()
        await asyncio.gather(*self._tasks, return_exceptions=True)
        await self._server.wait_closed()


@pytest_asyncio.fixture
async def raw_server() -> AsyncIterator[Callable[[ConnHandler], Awaitable[RawServer]]]:
    servers: list[RawServer] = []

    async def start(on_connection: ConnHandler) -> RawServer:
        server = await RawServer(on_connection).start()
        servers.append(server)
        return server

    yield start
    for server in servers:
        await server.stop()


def rst(writer: asyncio.StreamWriter) -> None:
    """Close with a TCP RST instead of a FIN."""
    sock = writer.get_extra_info("socket")
    if sock is not None:
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
    writer.transport.abort()


def http_head(
    status: int = 200,
    headers: dict[str, str] | None = None,
    *,
    content_length: int | None = None,
    chunked: bool = False,
    content_type: str = "application/json",
) -> bytes:
    lines = [f"HTTP/1.1 {status} X", f"Content-Type: {content_type}"]
    if content_length is not None:
        lines.append(f"Content-Length: {content_length}")
    if chunked:
        lines.append("Transfer-Encoding: chunked")
    lines += [f"{k}: {v}" for k, v in (headers or {}).items()]
    return ("\r\n".join(lines) + "\r\n\r\n").encode("latin-1")


def http_response(status: int, body: bytes, headers: dict[str, str] | None = None) -> bytes:
    return http_head(status, headers, content_length=len(body)) + body


def chunk(data: bytes) -> bytes:
    return b"%x\r\n" % len(data) + data + b"\r\n"


# -- the public API calls the matrix drives ---------------------------------------------------------

MESSAGES = [{"role": "user", "content": "hi"}]


async def get_model(client: oxide.AsyncOpenAI, **options: Any) -> Any:
    """`client.models.retrieve("gpt-test")`: GET /models/gpt-test."""
    return await client.models.retrieve("gpt-test", **options)


async def create(client: oxide.AsyncOpenAI, **params: Any) -> Any:
    """`client.chat.completions.create(...)`: POST /chat/completions."""
    params = {"model": "gpt-test", "messages": MESSAGES, **params}
    return await client.chat.completions.create(**params)


async def create_stream(client: oxide.AsyncOpenAI, **params: Any) -> Any:
    """`client.chat.completions.create(..., stream=True)`."""
    return await create(client, stream=True, **params)


def contents(chunks: list[Any]) -> list[str | None]:
    return [c.choices[0].delta.content for c in chunks]


# -- time ------------------------------------------------------------------------------------------


class FakeClock(Clock):
    """A clock for the client (`_clock=`): sleeps are recorded, not slept, and advance its own
    time, so retry delays are checked exactly and Retry-After dates against a frozen "now"."""

    def __init__(self, now: float = 1_750_000_000.0) -> None:
        self.wall = now
        self.mono = 1_000.0
        self.sleeps: list[float] = []

    def time(self) -> float:
        return self.wall

    def monotonic(self) -> float:
        return self.mono

    async def sleep(self, seconds: float) -> None:
        self.sleeps.append(seconds)
        self.wall += seconds
        self.mono += seconds
        await asyncio.sleep(0)


# -- clients ------------------------------------------------------------------------------------


@pytest_asyncio.fixture
async def make_client() -> AsyncIterator[Callable[..., oxide.AsyncOpenAI]]:
    clients: list[oxide.AsyncOpenAI] = []

    def make(base_url: str, **kwargs: Any) -> oxide.AsyncOpenAI:
        kwargs.setdefault("api_key", API_KEY)
        client = oxide.AsyncOpenAI(base_url=base_url, **kwargs)
        clients.append(client)
        return client

    yield make
    for client in clients:
        await client.close()


def acquired(client: oxide.AsyncOpenAI) -> int:
    """Connections the client's pools (aiohttp's and the fast lane's) have handed out and not
    got back."""
    return client._holder.connection_counts()[0]


def free_port() -> int:
    """A port nobody listens on: bound, read, closed."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@pytest.fixture
def blackhole() -> Iterator[int]:
    """A port whose connects hang: listen(0), never accept, accept queue filled (§3.0)."""
    listener = socket.socket()
    listener.bind(("127.0.0.1", 0))
    listener.listen(0)
    port = listener.getsockname()[1]
    fillers = []
    for _ in range(8):
        s = socket.socket()
        s.setblocking(False)
        try:
            s.connect(("127.0.0.1", port))
        except BlockingIOError:
            pass
        fillers.append(s)
    time.sleep(0.05)
    yield port
    for s in fillers:
        s.close()
    listener.close()


# -- a server on its own loop thread, for the sync client ----------------------------------------


class ThreadServer:
    def __init__(self, handler: Handler) -> None:
        self.loop = asyncio.new_event_loop()
        self._thread = threading.Thread(target=self.loop.run_forever, daemon=True)
        self._thread.start()
        self.server: AppServer = asyncio.run_coroutine_threadsafe(
            AppServer(handler).start(), self.loop
        ).result()

    def stop(self) -> None:
        asyncio.run_coroutine_threadsafe(self.server.stop(), self.loop).result()
        self.loop.call_soon_threadsafe(self.loop.stop)
        self._thread.join()
        self.loop.close()


@pytest.fixture
def thread_server() -> Iterator[Callable[[Handler], AppServer]]:
    servers: list[ThreadServer] = []

    def start(handler: Handler) -> AppServer:
        ts = ThreadServer(handler)
        servers.append(ts)
        return ts.server

    yield start
    for ts in servers:
        ts.stop()
