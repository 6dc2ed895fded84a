"""The benchmark's mock OpenAI server: a separate process on loopback answering instantly with
pre-encoded bytes, so what the benchmark measures is the client.

    python benchmarks/server.py --port 0 --cpu 1     # prints "READY <port>" on stdout

It is a bare `asyncio.Protocol` HTTP/1.1 server (keep-alive, Content-Length or chunked request
bodies), not aiohttp.web: per request it finds the end of the headers, reads the body, and
writes one pre-built byte string. Answers are chosen by the first path segment, so every client
is pointed at `http://127.0.0.1:<port>/<route>/v1` and nothing per call selects the fixture:

    /tiny/v1/chat/completions       chat_tiny.response.json
    /conc/v1/chat/completions       the same bytes, counted separately (concurrency scenario)
    /heavy/v1/chat/completions      chat_heavy.response.json
    /stream/v1/chat/completions     chat_stream.sse (114 chunks + [DONE])
    /agent/v1/chat/completions      agent.responses.jsonl, answer N for a body with N tool results
    /resp/v1/responses              responses.response.json
    /respstream/v1/responses        responses_stream.sse (100 events)
    /embf/v1/embeddings             embeddings_float.response.json
    /emb64/v1/embeddings            embeddings_base64.response.json
    GET /__stats                    per-route request counts and body sizes, the server's CPU time

JSON answers carry `Content-Length`; event streams are `Transfer-Encoding: chunked` with one HTTP
chunk per SSE event, as the real API sends them (all written at once: the server never waits).
Headers are the ones the real API sends (request id, rate limits, processing time), fixed values.
The process pins itself to `--cpu` (Linux `sched_setaffinity`) so it does not compete with the
client for a core.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import signal
import sys
import time
from pathlib import Path

import orjson

FIXTURES = Path(__file__).resolve().parent / "fixtures"

_HEADERS_COMMON = (
    b"date: Thu, 01 Jan 2026 00:00:00 GMT\r\n"
    b"access-control-expose-headers: X-Request-ID\r\n"
    b"openai-organization: user-oxidebench\r\n"
    b"openai-processing-ms: 412\r\n"
    b"openai-project: proj_oxidebench\r\n"
    b"openai-version: 2020-10-01\r\n"
    b"x-envoy-upstream-service-time: 418\r\n"
    b"x-ratelimit-limit-requests: 10000\r\n"
    b"x-ratelimit-limit-tokens: 30000000\r\n"
    b"x-ratelimit-remaining-requests: 9999\r\n"
    b"x-ratelimit-remaining-tokens: 29999455\r\n"
    b"x-ratelimit-reset-requests: 6ms\r\n"
    b"x-ratelimit-reset-tokens: 1ms\r\n"
    b"x-request-id: req_5f1c3e0d9b8a47e6a2c4b1d0e9f8a7b6\r\n"
    b"strict-transport-security: max-age=31536000; includeSubDomains; preload\r\n"
    b"x-content-type-options: nosniff\r\n"
    b"server: cloudflare\r\n"
    b"cf-ray: 9a1b2c3d4e5f6071-FRA\r\n"
    b'alt-svc: h3=":443"; ma=86400\r\n'
)


def json_answer(body: bytes) -> bytes:
    return (
        b"HTTP/1.1 200 OK\r\ncontent-type: application/json\r\n"
        + b"content-length: " + str(len(body)).encode() + b"\r\n"
        + _HEADERS_COMMON + b"\r\n" + body
    )  # fmt: skip


def sse_answer(stream: bytes) -> bytes:
    """One HTTP chunk per SSE event (events end with a blank line)."""
    events = [e + b"\n\n" for e in stream.split(b"\n\n") if e]
    chunks = b"".join(b"%x\r\n%s\r\n" % (len(e), e) for e in events)
    return (
        b"HTTP/1.1 200 OK\r\ncontent-type: text/event-stream; charset=utf-8\r\n"
        b"transfer-encoding: chunked\r\ncache-control: no-cache, must-revalidate\r\n"
        + _HEADERS_COMMON + b"\r\n" + chunks + b"0\r\n\r\n"
    )  # fmt: skip


def not_found(path: bytes) -> bytes:
    body = orjson.dumps(
        {
            "error": {
                "message": f"benchmark server: no route for {path.decode(errors='replace')}",
                "type": "invalid_request_error",
                "param": None,
                "code": None,
            }
        }
    )
    return (
        b"HTTP/1.1 404 Not Found\r\ncontent-type: application/json\r\n"
        + b"content-length: " + str(len(body)).encode() + b"\r\n\r\n" + body
    )  # fmt: skip


def load_routes(fixtures: Path = FIXTURES) -> dict[bytes, tuple[bytes, list[bytes]]]:
    """route -> (endpoint suffix, answers). A route with several answers (the agent loop)
    picks one by the number of tool results in the request body."""

    def read(name: str) -> bytes:
        return (fixtures / name).read_bytes()

    tiny = json_answer(read("chat_tiny.response.json"))
    agent = [json_answer(line) for line in read("agent.responses.jsonl").splitlines() if line]
    return {
        b"tiny": (b"/v1/chat/completions", [tiny]),
        b"conc": (b"/v1/chat/completions", [tiny]),
        b"heavy": (b"/v1/chat/completions", [json_answer(read("chat_heavy.response.json"))]),
        b"stream": (b"/v1/chat/completions", [sse_answer(read("chat_stream.sse"))]),
        b"agent": (b"/v1/chat/completions", agent),
        b"resp": (b"/v1/responses", [json_answer(read("responses.response.json"))]),
        b"respstream": (b"/v1/responses", [sse_answer(read("responses_stream.sse"))]),
        b"embf": (b"/v1/embeddings", [json_answer(read("embeddings_float.response.json"))]),
        b"emb64": (b"/v1/embeddings", [json_answer(read("embeddings_base64.response.json"))]),
    }


class Stats:
    def __init__(self) -> None:
        self.routes: dict[str, list[int]] = {}  # route -> [count, bytes, min, max]
        self.connections = 0

    def add(self, route: str, size: int) -> None:
        s = self.routes.get(route)
        if s is None:
            self.routes[route] = [1, size, size, size]
        else:
            s[0] += 1
            s[1] += size
            if size < s[2]:
                s[2] = size
            if size > s[3]:
                s[3] = size

    def answer(self) -> bytes:
        body = orjson.dumps(
            {
                "cpu": time.process_time(),
                "wall": time.perf_counter(),
                "connections": self.connections,
                "routes": {
                    k: {"count": v[0], "bytes": v[1], "min": v[2], "max": v[3]}
                    for k, v in self.routes.items()
                },
            }
        )
        return (
            b"HTTP/1.1 200 OK\r\ncontent-type: application/json\r\n"
            + b"content-length: " + str(len(body)).encode() + b"\r\n\r\n" + body
        )  # fmt: skip


class HTTPProtocol(asyncio.Protocol):
    __slots__ = ("routes", "stats", "transport", "buf", "need", "head", "chunked")

    def __init__(self, routes: dict[bytes, tuple[bytes, list[bytes]]], stats: Stats) -> None:
        self.routes = routes
        self.stats = stats
        self.transport: asyncio.Transport | None = None
        self.buf = bytearray()
        self.need = -1  # body bytes still expected for the current request, -1: in headers
        self.head: bytes = b""
        self.chunked = False

    def connection_made(self, transport: asyncio.BaseTransport) -> None:
        self.transport = transport  # type: ignore[assignment]
        self.stats.connections += 1

    def data_received(self, data: bytes) -> None:
        buf = self.buf
        buf += data
        while True:
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
                body = self._dechunk(buf)
                if body is None:
                    return
            else:
                if len(buf) < self.need:
                    return
                body = bytes(buf[: self.need])
                del buf[: self.need]
            self.need = -1
            self._answer(self.head, body)

    @staticmethod
    def _dechunk(buf: bytearray) -> bytes | None:
        out = bytearray()
        pos = 0
        while True:
            eol = buf.find(b"\r\n", pos)
            if eol < 0:
                return None
            size = int(bytes(buf[pos:eol]).split(b";")[0], 16)
            if size == 0:  # last chunk, no trailers: "0\r\n\r\n"
                if len(buf) < eol + 4:
                    return None
                del buf[: eol + 4]
                return bytes(out)
            if len(buf) < eol + 2 + size + 2:
                return None
            out += buf[eol + 2 : eol + 2 + size]
            pos = eol + 2 + size + 2

    def _answer(self, head: bytes, body: bytes) -> None:
        line_end = head.find(b"\r\n")
        request_line = head[:line_end] if line_end >= 0 else head
        parts = request_line.split(b" ")
        path = parts[1] if len(parts) > 1 else b"/"
        q = path.find(b"?")
        if q >= 0:
            path = path[:q]
        slash = path.find(b"/", 1)
        route = path[1:slash] if slash > 0 else path[1:]
        transport = self.transport
        assert transport is not None
        entry = self.routes.get(route)
        if entry is not None and path[slash:] == entry[0]:
            answers = entry[1]
            if len(answers) > 1:
                # The agent loop: one more tool result in the history = the next answer.
                n = body.count(b"tool_call_id")
                answer = answers[min(n, len(answers) - 1)]
            else:
                answer = answers[0]
            self.stats.add(route.decode(), len(body))
            transport.write(answer)
        elif path == b"/__stats":
            transport.write(self.stats.answer())
        else:
            transport.write(not_found(path))
        if b"\r\nconnection: close" in head.lower():
            transport.close()


async def serve(host: str, port: int) -> None:
    routes = load_routes()
    stats = Stats()
    loop = asyncio.get_running_loop()
    server = await loop.create_server(
        lambda: HTTPProtocol(routes, stats), host, port, backlog=4096, reuse_address=True
    )
    bound = server.sockets[0].getsockname()[1]
    sys.stdout.write(f"READY {bound}\n")
    sys.stdout.flush()
    stop = asyncio.Event()
    for sig in (signal.SIGTERM, signal.SIGINT):
        loop.add_signal_handler(sig, stop.set)
    await stop.wait()
    server.close()


def _die_with_parent() -> None:
    """SIGTERM when the process that started us dies (Linux), so a crashed benchmark run
    leaves no server behind."""
    if not sys.platform.startswith("linux"):
        return
    try:
        import ctypes

        libc = ctypes.CDLL(None, use_errno=True)
        libc.prctl(1, signal.SIGTERM)  # PR_SET_PDEATHSIG
    except Exception:
        pass


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="benchmark mock OpenAI server")
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=0)
    parser.add_argument("--cpu", type=int, default=None, help="pin to this CPU (Linux)")
    args = parser.parse_args(argv)
    if args.cpu is not None and hasattr(os, "sched_setaffinity"):
        try:
            os.sched_setaffinity(0, {args.cpu})
        except OSError as exc:
            print(f"server: could not pin to CPU {args.cpu}: {exc}", file=sys.stderr)
    _die_with_parent()
    asyncio.run(serve(args.host, args.port))
    return 0


if __name__ == "__main__":
    sys.exit(main())
