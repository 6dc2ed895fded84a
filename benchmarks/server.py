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
    /loop/v1/responses              the 20-turn Responses tool loop (`_ws_fixtures.py`): answer
    /loopreal/v1/responses          k+1 for previous_response_id = answer k's id, by POST (JSON;
                                    SSE with "stream": true) or GET `Upgrade: websocket`
                                    (Responses WebSocket mode); each route has its own costs
    GET /__stats                    per-route request counts and body sizes, the server's CPU time
    GET /__costs?route=R&latency_ms=&setup_ms=&state_ms=   set (and return) a loop route's costs

JSON answers carry `Content-Length`; event streams are `Transfer-Encoding: chunked` with one HTTP
chunk per SSE event, as the real API sends them (all written at once: the server never waits).
Headers are the ones the real API sends (request id, rate limits, processing time), fixed values.
The process pins itself to `--cpu` (Linux `sched_setaffinity`) so it does not compete with the
client for a core.

The tool-loop routes model what a real server costs, in milliseconds, per route (all zero unless
set with `--costs loopreal=20,50,5` or `GET /__costs`); the answer is written once they elapsed
(`loop.call_later`, so the server's CPU stays idle meanwhile):

* `latency`: every answer (an HTTP response; over WebSocket, the first event of each turn);
* `setup`: once per TCP connection, on its first request (a TLS handshake): a new keep-alive
  HTTP connection pays it on its first call, a WebSocket before its `101`;
* `state`: loading a stored response to continue from. HTTP pays it on every request with a
  `previous_response_id`; a WebSocket only when that id is not the last response of the same
  connection (the server keeps it in the connection's memory, as the real WebSocket mode).

WebSocket mode: the upgrade is answered with a `101`; each `response.create` text frame gets the
turn's events as pre-encoded text frames, all written at once; pings get pongs, a close gets its
close echoed. A `response.create` while a turn is in flight, or one continuing from an unknown id,
gets an `error` event (`response_already_in_flight`, `previous_response_not_found`).
"""

from __future__ import annotations

import argparse
import asyncio
import base64
import hashlib
import os
import signal
import sys
import time
from pathlib import Path
from urllib.parse import parse_qs

import orjson

HERE = Path(__file__).resolve().parent
if str(HERE) not in sys.path:
    sys.path.insert(0, str(HERE))

from _ws_fixtures import Loop, ws_frame  # noqa: E402
from _ws_fixtures import build as build_loop  # noqa: E402

FIXTURES = HERE / "fixtures"
LOOP_ROUTES = (b"loop", b"loopreal")
_WS_GUID = b"258EAFA5-E914-47DA-95CA-C5AB0DC85B11"

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


class Costs:
    """A loop route's simulated server costs, in seconds (see the module docstring)."""

    __slots__ = ("latency", "setup", "state")

    def __init__(self, latency: float = 0.0, setup: float = 0.0, state: float = 0.0) -> None:
        self.latency, self.setup, self.state = latency, setup, state

    def as_ms(self) -> dict[str, float]:
        return {
            "latency_ms": self.latency * 1e3,
            "setup_ms": self.setup * 1e3,
            "state_ms": self.state * 1e3,
        }


class LoopAnswers:
    """The tool loop's answers, pre-encoded: per turn the JSON response, the SSE response and
    the WebSocket frames; plus each loop route's costs."""

    def __init__(self, loop: Loop | None = None) -> None:
        loop = loop or build_loop()
        self.index = loop.index
        self.json = [json_answer(orjson.dumps(f)) for f in loop.finals]
        self.sse = [sse_answer(loop.sse(k)) for k in range(len(loop.finals))]
        self.frames = [b"".join(ws_frame(orjson.dumps(e)) for e in evs) for evs in loop.events]
        self.ids = loop.ids
        self.costs = {route: Costs() for route in LOOP_ROUTES}

    def turn(self, prev: object) -> int:
        """The turn that continues from `prev`; -1 for an unknown id."""
        if prev is None:
            return 0
        k = self.index.get(prev) if isinstance(prev, str) else None
        return -1 if k is None or k + 1 >= len(self.ids) else k + 1

    def configure(self, query: bytes) -> bytes:
        q = parse_qs(query.decode())
        route = q.get("route", [""])[0].encode()
        if route in self.costs:
            c = self.costs[route]
            for key, attr in (
                ("latency_ms", "latency"),
                ("setup_ms", "setup"),
                ("state_ms", "state"),
            ):
                if key in q:
                    setattr(c, attr, float(q[key][0]) / 1e3)
        body = orjson.dumps({r.decode(): c.as_ms() for r, c in self.costs.items()})
        return (
            b"HTTP/1.1 200 OK\r\ncontent-type: application/json\r\n"
            + b"content-length: " + str(len(body)).encode() + b"\r\n\r\n" + body
        )  # fmt: skip


def _error_answer(status: int, code: str, message: str) -> bytes:
    body = orjson.dumps(
        {
            "error": {
                "message": message,
                "type": "invalid_request_error",
                "param": None,
                "code": code,
            }
        }
    )
    return (
        b"HTTP/1.1 %d Bad Request\r\ncontent-type: application/json\r\n" % status
        + b"content-length: " + str(len(body)).encode() + b"\r\n\r\n" + body
    )  # fmt: skip


def _error_frame(code: str, message: str) -> bytes:
    return ws_frame(
        orjson.dumps(
            {
                "type": "error",
                "status": 400,
                "error": {"type": "invalid_request_error", "code": code, "message": message},
            }
        )
    )


def _unmask(payload: bytes, mask: bytes) -> bytes:
    """XOR with the 4-byte client mask, as one big-integer operation (C speed)."""
    n = len(payload)
    if not n:
        return b""
    key = (mask * (n // 4 + 1))[:n]
    return (int.from_bytes(payload, "little") ^ int.from_bytes(key, "little")).to_bytes(n, "little")


class HTTPProtocol(asyncio.Protocol):
    __slots__ = (
        "routes", "stats", "loop_answers", "transport", "buf", "need", "head", "chunked",
        "fresh", "ws_route", "ws_last", "ws_busy", "ws_frags",
    )  # fmt: skip

    def __init__(
        self,
        routes: dict[bytes, tuple[bytes, list[bytes]]],
        stats: Stats,
        loop_answers: LoopAnswers | None = None,
    ) -> None:
        self.routes = routes
        self.stats = stats
        self.loop_answers = loop_answers or LoopAnswers()
        self.transport: asyncio.Transport | None = None
        self.buf = bytearray()
        self.need = -1  # body bytes still expected for the current request, -1: in headers
        self.head: bytes = b""
        self.chunked = False
        self.fresh = True  # no request yet on this connection: the next one pays `setup`
        self.ws_route: bytes | None = None  # set once upgraded to a WebSocket
        self.ws_last: str | None = None  # the connection's memory: its last response id
        self.ws_busy = False
        self.ws_frags = bytearray()

    def connection_made(self, transport: asyncio.BaseTransport) -> None:
        self.transport = transport  # type: ignore[assignment]
        self.stats.connections += 1

    def data_received(self, data: bytes) -> None:
        buf = self.buf
        buf += data
        if self.ws_route is not None:
            self._ws_frames()
            return
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
            if self.ws_route is not None:
                if buf:
                    self._ws_frames()
                return

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
        fresh, self.fresh = self.fresh, False
        if route in LOOP_ROUTES and path[slash:] == b"/v1/responses":
            self._loop_request(route, head, body, fresh)
            return
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
        elif path == b"/__costs":
            transport.write(self.loop_answers.configure(parts[1][q + 1 :] if q >= 0 else b""))
        else:
            transport.write(not_found(path))
        if b"\r\nconnection: close" in head.lower():
            transport.close()

    # -- the tool loop: HTTP and WebSocket --------------------------------------------------

    def _later(self, delay: float, data: bytes, close: bool = False) -> None:
        """Write `data` after `delay` seconds (at once when 0)."""
        if delay > 0:
            asyncio.get_running_loop().call_later(delay, self._write, data, close)
        else:
            self._write(data, close)

    def _write(self, data: bytes, close: bool = False) -> None:
        transport = self.transport
        if transport is None or transport.is_closing():
            return
        transport.write(data)
        if close:
            transport.close()

    def _loop_request(self, route: bytes, head: bytes, body: bytes, fresh: bool) -> None:
        answers = self.loop_answers
        costs = answers.costs[route]
        lower = head.lower()
        setup = costs.setup if fresh else 0.0
        close = b"\r\nconnection: close" in lower
        if head.startswith(b"GET ") and b"\r\nupgrade: websocket" in lower:
            pos = lower.find(b"\r\nsec-websocket-key:")
            stop = head.find(b"\r\n", pos + 2)
            key = head[pos + 20 : stop if stop >= 0 else None].strip()
            accept = base64.b64encode(hashlib.sha1(key + _WS_GUID).digest())
            self.ws_route = route
            self.stats.add(route.decode() + " ws connect", 0)
            self._later(
                setup,
                b"HTTP/1.1 101 Switching Protocols\r\nupgrade: websocket\r\n"
                b"connection: Upgrade\r\nsec-websocket-accept: " + accept + b"\r\n"
                + b"x-request-id: req_5f1c3e0d9b8a47e6a2c4b1d0e9f8a7b6\r\n\r\n",
            )  # fmt: skip
            return
        req = orjson.loads(body)
        prev = req.get("previous_response_id")
        k = answers.turn(prev)
        self.stats.add(route.decode() + " http", len(body))
        if k < 0:
            self._later(
                setup, _error_answer(400, "previous_response_not_found", f"{prev!r}"), close
            )
            return
        state = costs.state if prev is not None else 0.0
        answer = answers.sse[k] if req.get("stream") else answers.json[k]
        self._later(setup + costs.latency + state, answer, close)

    def _ws_frames(self) -> None:
        buf = self.buf
        while len(buf) >= 2:
            b0, b1 = buf[0], buf[1]
            n = b1 & 0x7F
            pos = 2
            if n == 126:
                if len(buf) < 4:
                    return
                n = int.from_bytes(buf[2:4], "big")
                pos = 4
            elif n == 127:
                if len(buf) < 10:
                    return
                n = int.from_bytes(buf[2:10], "big")
                pos = 10
            masked = b1 & 0x80
            if len(buf) < pos + (4 if masked else 0) + n:
                return
            if masked:
                mask = bytes(buf[pos : pos + 4])
                pos += 4
                payload = _unmask(bytes(buf[pos : pos + n]), mask)
            else:
                payload = bytes(buf[pos : pos + n])
            del buf[: pos + n]
            opcode = b0 & 0x0F
            if opcode == 0x9:  # ping
                self._write(ws_frame(payload, 0xA))
            elif opcode == 0x8:  # close: echo it, then close the TCP connection
                self._write(ws_frame(payload[:2], 0x8), close=True)
                return
            elif opcode in (0x1, 0x2, 0x0):
                self.ws_frags += payload
                if b0 & 0x80:
                    message, self.ws_frags = bytes(self.ws_frags), bytearray()
                    self._ws_message(message)

    def _ws_message(self, data: bytes) -> None:
        answers = self.loop_answers
        route = self.ws_route
        assert route is not None
        self.stats.add(route.decode() + " ws", len(data))
        event = orjson.loads(data)
        if event.get("type") != "response.create":
            self._write(_error_frame("invalid_value", "expected response.create"))
            return
        if self.ws_busy:
            self._write(_error_frame("response_already_in_flight", "a response is in flight"))
            return
        prev = event.get("previous_response_id")
        k = answers.turn(prev)
        if k < 0:
            self._write(_error_frame("previous_response_not_found", f"{prev!r}"))
            return
        costs = answers.costs[route]
        state = costs.state if prev is not None and prev != self.ws_last else 0.0
        self.ws_busy = True
        delay = costs.latency + state
        if delay > 0:
            asyncio.get_running_loop().call_later(delay, self._ws_answer, k)
        else:
            self._ws_answer(k)

    def _ws_answer(self, k: int) -> None:
        self.ws_busy = False
        self.ws_last = self.loop_answers.ids[k]
        self._write(self.loop_answers.frames[k])


async def serve(host: str, port: int, costs: dict[bytes, Costs] | None = None) -> None:
    routes = load_routes()
    stats = Stats()
    loop_answers = LoopAnswers()
    loop_answers.costs.update(costs or {})
    loop = asyncio.get_running_loop()
    server = await loop.create_server(
        lambda: HTTPProtocol(routes, stats, loop_answers),
        host,
        port,
        backlog=4096,
        reuse_address=True,
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
    parser.add_argument(
        "--costs",
        action="append",
        default=[],
        metavar="ROUTE=LATENCY,SETUP,STATE",
        help="a tool-loop route's costs in ms, e.g. loopreal=20,50,5 (default: all zero)",
    )
    args = parser.parse_args(argv)
    costs = {}
    for spec in args.costs:
        route, _, values = spec.partition("=")
        if route.encode() not in LOOP_ROUTES:
            parser.error(f"--costs: no loop route {route!r} (routes: loop, loopreal)")
        lat, setup, state = (float(v) / 1e3 for v in values.split(","))
        costs[route.encode()] = Costs(lat, setup, state)
    if args.cpu is not None and hasattr(os, "sched_setaffinity"):
        try:
            os.sched_setaffinity(0, {args.cpu})
        except OSError as exc:
            print(f"server: could not pin to CPU {args.cpu}: {exc}", file=sys.stderr)
    _die_with_parent()
    asyncio.run(serve(args.host, args.port, costs))
    return 0


if __name__ == "__main__":
    sys.exit(main())
