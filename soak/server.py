"""The soak's fault-injecting OpenAI server: a separate process on loopback that answers chat
completions (plain and streamed), Responses (plain and streamed) and embeddings with the
benchmark fixtures, and breaks a configurable share of requests on purpose.

    python soak/server.py --port 0 --cpu 1 --fault-rate 0.12 --seed 1   # prints "READY <port>"

It is a bare `asyncio.Protocol` HTTP/1.1 server (keep-alive, Content-Length or chunked request
bodies), like `benchmarks/server.py`: aiohttp.web cannot send a RST before the status line or
stop a chunked body without its terminating chunk, and a protocol keeps the server's own CPU
low enough that the client, not the server, is what saturates.

Faults (each faulted request gets one, uniformly among those that apply to it):

    429         JSON rate-limit error with `retry-after-ms` (10-80 ms) and the rate-limit headers
    500 / 503   JSON server errors as the API sends them
    502         JSON bad gateway
    502_html    a proxy's HTML 502 page (`text/html`)
    reset       RST before any byte of the answer (SO_LINGER 0 + transport.abort())
    cut         streams: k events (1 <= k < n), then, a third each: RST; FIN without the
                terminating chunk; or a clean end of the body (terminating chunk, keep-alive)
                without the rest, so no `[DONE]` / `response.completed`: valid HTTP, cut answer.
                JSON: the headers and half the body (full Content-Length), then RST or FIN
    stall       no byte for --stall-seconds (longer than the client's read timeout): before the
                headers, or after k events of a stream; then the answer if anyone still listens
    truncated   JSON: 200 with a body cut in half and a Content-Length that matches it (valid
                HTTP, invalid JSON); streams: event k's JSON cut in half, then the rest
    drip        the whole answer, slowly: stream events 3-20 ms apart, JSON in ~16 pieces
                20-80 ms apart (every gap well under the read timeout: this one must succeed)
    stream_error streams only: an error event after k events (chat: `data: {"error": ...}`,
                Responses: `event: error`), then the end of the body

`GET /__stats` answers JSON: requests per endpoint, faults injected per kind, connections open
now / peak / total, and the server's CPU time. The process pins itself to `--cpu` and exits when
its parent dies (Linux), so a crashed soak leaves nothing behind.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import random
import signal
import socket
import struct
import sys
import time
from collections import Counter
from collections.abc import Coroutine
from pathlib import Path
from typing import Any

import orjson

BENCHMARKS = Path(__file__).resolve().parent.parent / "benchmarks"
FIXTURES = BENCHMARKS / "fixtures"
sys.path.insert(0, str(BENCHMARKS))
from server import _die_with_parent  # noqa: E402  # the benchmark server's, shared

FAULTS = (
    "429",
    "500",
    "502",
    "502_html",
    "503",
    "reset",
    "cut",
    "stall",
    "truncated",
    "drip",
    "stream_error",
)
STREAM_ONLY = frozenset({"stream_error"})

_COMMON = (
    b"date: Thu, 01 Jan 2026 00:00:00 GMT\r\n"
    b"openai-organization: user-oxidesoak\r\n"
    b"openai-processing-ms: 212\r\n"
    b"openai-version: 2020-10-01\r\n"
    b"x-ratelimit-limit-requests: 10000\r\n"
    b"x-ratelimit-remaining-requests: 9999\r\n"
    b"x-ratelimit-reset-requests: 6ms\r\n"
    b"server: cloudflare\r\n"
)
_HTML_502 = (
    b"<html>\r\n<head><title>502 Bad Gateway</title></head>\r\n<body>\r\n"
    b"<center><h1>502 Bad Gateway</h1></center>\r\n<hr><center>cloudflare</center>\r\n"
    b"</body>\r\n</html>\r\n"
)
_ERRORS: dict[int, tuple[bytes, str, str | None]] = {
    429: (
        b"Too Many Requests",
        "Rate limit reached for requests in organization org-oxidesoak on requests per min"
        " (RPM): Limit 10000, Used 10000, Requested 1. Please try again in 20ms.",
        "rate_limit_exceeded",
    ),
    500: (
        b"Internal Server Error",
        "The server had an error while processing your request. Sorry about that!",
        None,
    ),
    502: (b"Bad Gateway", "Bad gateway.", None),
    503: (
        b"Service Unavailable",
        "The engine is currently overloaded, please try again later.",
        None,
    ),
}
_CHAT_STREAM_ERROR = (
    b'data: {"error":{"message":"The server had an error while processing your request.'
    b' Sorry about that!","type":"server_error","param":null,"code":null}}\n\n'
)


def _chunk(data: bytes) -> bytes:
    return b"%x\r\n%s\r\n" % (len(data), data)


class Answer:
    """One endpoint's pre-encoded answer: a JSON body, or a list of SSE events."""

    def __init__(self, body: bytes | None = None, events: list[bytes] | None = None) -> None:
        self.body = body
        self.events = events or []
        self.chunks = [_chunk(e) for e in self.events]
        self.stream = events is not None
        self.whole = b"".join(self.chunks) + b"0\r\n\r\n" if self.stream else body or b""

    def head(self, request_id: int, length: int | None = None) -> bytes:
        rid = b"x-request-id: req_soak%010d\r\n" % request_id
        if self.stream:
            return (
                b"HTTP/1.1 200 OK\r\ncontent-type: text/event-stream; charset=utf-8\r\n"
                b"transfer-encoding: chunked\r\ncache-control: no-cache, must-revalidate\r\n"
                + _COMMON
                + rid
                + b"\r\n"
            )
        n = len(self.whole) if length is None else length
        return (
            b"HTTP/1.1 200 OK\r\ncontent-type: application/json\r\ncontent-length: %d\r\n" % n
            + _COMMON
            + rid
            + b"\r\n"
        )


def _events(raw: bytes) -> list[bytes]:
    return [e + b"\n\n" for e in raw.split(b"\n\n") if e]


def load_answers(fixtures: Path = FIXTURES) -> dict[str, Answer]:
    def read(name: str) -> bytes:
        return (fixtures / name).read_bytes()

    return {
        "chat": Answer(body=read("chat_tiny.response.json")),
        "chat_stream": Answer(events=_events(read("chat_stream.sse"))),
        "responses": Answer(body=read("responses.response.json")),
        "responses_stream": Answer(events=_events(read("responses_stream.sse"))),
        "embeddings_base64": Answer(body=read("embeddings_base64.response.json")),
        "embeddings_float": Answer(body=read("embeddings_float.response.json")),
    }


def _error(status: int, request_id: int, rng: random.Random) -> bytes:
    reason, message, code = _ERRORS[status]
    body = orjson.dumps(
        {
            "error": {
                "message": message,
                "type": "requests" if status == 429 else "server_error",
                "param": None,
                "code": code,
            }
        }
    )
    extra = b""
    if status == 429:
        extra = b"retry-after-ms: %d\r\nx-ratelimit-remaining-requests: 0\r\n" % rng.randint(10, 80)
    return (
        b"HTTP/1.1 %d %s\r\ncontent-type: application/json\r\ncontent-length: %d\r\n"
        % (status, reason, len(body))
        + _COMMON
        + extra
        + b"x-request-id: req_soak%010d\r\n\r\n" % request_id
        + body
    )


def _html_502() -> bytes:
    return (
        b"HTTP/1.1 502 Bad Gateway\r\ncontent-type: text/html\r\ncontent-length: %d\r\n"
        % len(_HTML_502)
        + b"server: cloudflare\r\n\r\n"
        + _HTML_502
    )


def _plain(status: bytes, body: bytes) -> bytes:
    return (
        b"HTTP/1.1 %s\r\ncontent-type: application/json\r\ncontent-length: %d\r\n\r\n"
        % (status, len(body))
        + body
    )


class Stats:
    def __init__(self) -> None:
        self.requests: Counter[str] = Counter()
        self.faults: Counter[str] = Counter()
        self.open = 0
        self.peak = 0
        self.total = 0
        self.started = time.monotonic()

    def answer(self) -> bytes:
        return _plain(
            b"200 OK",
            orjson.dumps(
                {
                    "cpu_s": time.process_time(),
                    "uptime_s": time.monotonic() - self.started,
                    "requests": dict(self.requests),
                    "faults": dict(self.faults),
                    "connections": {"open": self.open, "peak": self.peak, "total": self.total},
                }
            ),
        )


class Server:
    def __init__(self, fault_rate: float, faults: tuple[str, ...], stall_s: float, seed: int):
        self.answers = load_answers()
        self.fault_rate = fault_rate
        self.faults = faults
        self.stream_faults = faults
        self.json_faults = tuple(f for f in faults if f not in STREAM_ONLY)
        self.stall_s = stall_s
        self.rng = random.Random(seed)
        self.stats = Stats()
        self.request_id = 0

    def endpoint(self, path: bytes, body: bytes) -> str | None:
        q = path.find(b"?")
        if q >= 0:
            path = path[:q]
        # Request bodies are small here; only the two flags that pick the answer matter.
        if path.endswith(b"/chat/completions"):
            return "chat_stream" if _flag(body, b"stream") else "chat"
        if path.endswith(b"/responses"):
            return "responses_stream" if _flag(body, b"stream") else "responses"
        if path.endswith(b"/embeddings"):
            return (
                "embeddings_float" if b'"encoding_format":"float"' in body else "embeddings_base64"
            )
        return None


def _flag(body: bytes, name: bytes) -> bool:
    return b'"' + name + b'":true' in body


class Conn(asyncio.Protocol):
    """One client connection. A faulted answer that takes time runs as a task; requests that
    arrive meanwhile wait in the buffer (clients do not pipeline, but nothing is lost if they do).
    """

    def __init__(self, server: Server) -> None:
        self.srv = server
        self.transport: asyncio.Transport | None = None
        self.buf = bytearray()
        self.need = -1
        self.head = b""
        self.chunked = False
        self.task: asyncio.Task[None] | None = None
        self.closed = False

    def connection_made(self, transport: asyncio.BaseTransport) -> None:
        self.transport = transport  # type: ignore[assignment]
        st = self.srv.stats
        st.open += 1
        st.total += 1
        st.peak = max(st.peak, st.open)

    def connection_lost(self, exc: Exception | None) -> None:
        self.closed = True
        self.srv.stats.open -= 1
        if self.task is not None:
            self.task.cancel()

    def data_received(self, data: bytes) -> None:
        self.buf += data
        if self.task is None:
            self._process()

    def _process(self) -> None:
        buf = self.buf
        while self.task is None and not self.closed:
            if self.need < 0:
                end = buf.find(b"\r\n\r\n")
                if end < 0:
                    return
                self.head = bytes(buf[:end])
                del buf[: end + 4]
                lower = self.head.lower()
                self.chunked = b"transfer-encoding: chunked" in lower
                pos = lower.find(b"\r\ncontent-length:")
                if pos >= 0:
                    stop = lower.find(b"\r\n", pos + 2)
                    self.need = int(lower[pos + 17 : stop if stop >= 0 else None])
                else:
                    self.need = 0
            if self.chunked:
                body = _dechunk(buf)
                if body is None:
                    return
            else:
                if len(buf) < self.need:
                    return
                body = bytes(buf[: self.need])
                del buf[: self.need]
            self.need = -1
            self._answer(self.head, body)

    def _answer(self, head: bytes, body: bytes) -> None:
        transport = self.transport
        assert transport is not None
        line = head[: head.find(b"\r\n")] if b"\r\n" in head else head
        parts = line.split(b" ")
        path = parts[1] if len(parts) > 1 else b"/"
        srv = self.srv
        if path == b"/__stats":
            transport.write(srv.stats.answer())
            if b"\r\nconnection: close" in head.lower():
                transport.close()
            return
        name = srv.endpoint(path, body)
        if name is None:
            transport.write(_plain(b"404 Not Found", b'{"error":{"message":"no such route"}}'))
            return
        srv.stats.requests[name] += 1
        srv.request_id += 1
        rid = srv.request_id
        answer = srv.answers[name]
        rng = srv.rng
        fault = None
        if srv.fault_rate and rng.random() < srv.fault_rate:
            pool = srv.stream_faults if answer.stream else srv.json_faults
            if pool:
                fault = rng.choice(pool)
        if fault is None:
            transport.write(answer.head(rid) + answer.whole)
            return
        srv.stats.faults[fault] += 1
        if fault in ("429", "500", "502", "503"):
            transport.write(_error(int(fault), rid, rng))
        elif fault == "502_html":
            transport.write(_html_502())
        elif fault == "reset":
            self._rst()
        elif fault == "truncated":
            if answer.stream:
                k = rng.randrange(1, len(answer.events) - 1)
                event = answer.events[k]
                broken = event[: len(event) // 2] + b"\n\n"
                transport.write(
                    answer.head(rid)
                    + b"".join(answer.chunks[:k])
                    + _chunk(broken)
                    + b"".join(answer.chunks[k + 1 :])
                    + b"0\r\n\r\n"
                )
            else:
                cut = answer.whole[: len(answer.whole) // 2]
                transport.write(answer.head(rid, len(cut)) + cut)
        else:
            self._spawn(self._slow(fault, answer, rid, rng.random(), rng.randrange(1 << 30)))

    def _spawn(self, coro: Coroutine[Any, Any, None]) -> None:
        self.task = asyncio.get_running_loop().create_task(coro)
        self.task.add_done_callback(self._done)

    def _done(self, _task: asyncio.Task[None]) -> None:
        self.task = None
        if not self.closed and self.buf:
            self._process()

    def _rst(self) -> None:
        transport = self.transport
        if transport is None or self.closed:
            return
        sock = transport.get_extra_info("socket")
        if sock is not None:
            # Linger 0: close() sends RST instead of FIN and drops anything unsent.
            sock.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
        transport.abort()

    def _write(self, data: bytes) -> bool:
        transport = self.transport
        if self.closed or transport is None or transport.is_closing():
            return False
        transport.write(data)
        return True

    async def _slow(self, fault: str, answer: Answer, rid: int, coin: float, seed: int) -> None:
        rng = random.Random(seed)  # per request: the shared one is not touched across awaits
        try:
            if fault == "drip":
                if answer.stream:
                    self._write(answer.head(rid))
                    for chunk in answer.chunks:
                        await asyncio.sleep(rng.uniform(0.003, 0.02))
                        if not self._write(chunk):
                            return
                    self._write(b"0\r\n\r\n")
                else:
                    data = answer.head(rid) + answer.whole
                    step = max(64, len(data) // 16)  # ~16 pieces: at most ~1.3 s in all
                    for i in range(0, len(data), step):
                        if not self._write(data[i : i + step]):
                            return
                        await asyncio.sleep(rng.uniform(0.02, 0.08))
                return
            if fault == "stall":
                if answer.stream and coin < 0.5:
                    k = rng.randrange(1, len(answer.chunks) - 1)
                    self._write(answer.head(rid) + b"".join(answer.chunks[:k]))
                    await asyncio.sleep(self.srv.stall_s)
                    self._write(b"".join(answer.chunks[k:]) + b"0\r\n\r\n")
                else:
                    await asyncio.sleep(self.srv.stall_s)
                    self._write(answer.head(rid) + answer.whole)
                return
            if fault == "stream_error":
                k = rng.randrange(1, len(answer.chunks) - 1)
                if answer.events[0].startswith(b"event:"):
                    err = orjson.dumps(
                        {
                            "type": "error",
                            "code": "server_error",
                            "message": "The server had an error while processing your request.",
                            "param": None,
                            "sequence_number": k,
                        }
                    )
                    event = b"event: error\ndata: " + err + b"\n\n"
                else:
                    event = _CHAT_STREAM_ERROR
                self._write(
                    answer.head(rid) + b"".join(answer.chunks[:k]) + _chunk(event) + b"0\r\n\r\n"
                )
                return
            if fault == "cut":
                if answer.stream:
                    k = rng.randrange(1, len(answer.chunks) - 1)
                    if coin >= 2 / 3:
                        # A proxy or server that ends the body early but properly.
                        self._write(answer.head(rid) + b"".join(answer.chunks[:k]) + b"0\r\n\r\n")
                        return
                    self._write(answer.head(rid) + b"".join(answer.chunks[:k]))
                else:
                    self._write(answer.head(rid) + answer.whole[: len(answer.whole) // 2])
                # Let the client read what was sent before the connection goes.
                await asyncio.sleep(0.02)
                if coin < (1 / 3 if answer.stream else 0.5):
                    self._rst()
                elif self.transport is not None:
                    self.transport.close()  # FIN without the rest of the body
                return
        except asyncio.CancelledError:
            return  # the client went away first


def _dechunk(buf: bytearray) -> bytes | None:
    out = bytearray()
    pos = 0
    while True:
        eol = buf.find(b"\r\n", pos)
        if eol < 0:
            return None
        size = int(bytes(buf[pos:eol]).split(b";")[0], 16)
        if size == 0:
            if len(buf) < eol + 4:
                return None
            del buf[: eol + 4]
            return bytes(out)
        if len(buf) < eol + 2 + size + 2:
            return None
        out += buf[eol + 2 : eol + 2 + size]
        pos = eol + 2 + size + 2


async def serve(host: str, port: int, srv: Server) -> None:
    loop = asyncio.get_running_loop()
    server = await loop.create_server(
        lambda: Conn(srv), host, port, backlog=4096, reuse_address=True
    )
    bound = server.sockets[0].getsockname()[1]
    sys.stdout.write(f"READY {bound}\n")
    sys.stdout.flush()
    stop = asyncio.Event()
    for sig in (signal.SIGTERM, signal.SIGINT):
        loop.add_signal_handler(sig, stop.set)
    await stop.wait()
    server.close()


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="fault-injecting OpenAI server for the soak")
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=0)
    parser.add_argument("--cpu", type=int, default=None, help="pin to this CPU (Linux)")
    parser.add_argument("--fault-rate", type=float, default=0.1, help="share of faulted requests")
    parser.add_argument(
        "--faults", default=",".join(FAULTS), help=f"comma-separated subset of {','.join(FAULTS)}"
    )
    parser.add_argument("--stall-seconds", type=float, default=3.0)
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args(argv)
    faults = tuple(f for f in args.faults.split(",") if f)
    unknown = set(faults) - set(FAULTS)
    if unknown:
        parser.error(f"unknown faults: {sorted(unknown)}")
    if args.cpu is not None and hasattr(os, "sched_setaffinity"):
        try:
            os.sched_setaffinity(0, {args.cpu})
        except OSError as exc:
            print(f"soak server: could not pin to CPU {args.cpu}: {exc}", file=sys.stderr)
    _die_with_parent()
    srv = Server(args.fault_rate, faults, args.stall_seconds, args.seed)
    asyncio.run(serve(args.host, args.port, srv))
    return 0


if __name__ == "__main__":
    sys.exit(main())
