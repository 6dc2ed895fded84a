"""One benchmark client in its own process: the coordinator (conftest / `_harness.py`) sends it
commands on stdin and reads JSON replies on the original stdout.

    python benchmarks/_worker.py --client oxide-async --base http://127.0.0.1:PORT [--cpu 0]
    python benchmarks/_worker.py --client openai-async --base ... --memory

Every client lives in a process of its own so that `time.process_time()` is that client's CPU
and nothing else (no other library's heap for the garbage collector to walk, no other client's
threads), and so that the pure-Python oxide (`OXIDE_NO_EXTENSIONS=1`, read at import) runs
beside the compiled one in the same session.

Clients (`CLIENTS`):

    floor             bare aiohttp.ClientSession posting pre-encoded bytes, orjson.loads of the
                      body (streams: split lines, orjson.loads of each data payload)
    floor-enc         the same, plus orjson.dumps of the request dict on every call
    floor-proto       a bare asyncio.Protocol HTTP/1.1 client (keep-alive, Content-Length or
                      chunked, pre-encoded bytes, orjson): the limit for a Python asyncio client
                      (_proto_floor.py; issue 14)
    oxide-async       oxide.AsyncOpenAI                      (compiled speedups, fast lane)
    oxide-async-aio   oxide.AsyncOpenAI, OXIDE_FAST_PATH=0   (aiohttp's request path)
    oxide-async-uvloop oxide.AsyncOpenAI on uvloop's event loop (the `uvloop` extra)
    oxide-sync        oxide.OpenAI                           (compiled speedups)
    oxide-async-py    oxide.AsyncOpenAI, OXIDE_NO_EXTENSIONS=1
    oxide-sync-py     oxide.OpenAI,      OXIDE_NO_EXTENSIONS=1
    oxide-official    oxide.official.AsyncOpenAI (the official client class on oxide's engine)
    openai-async      openai.AsyncOpenAI (default transport: httpx2)
    openai-aiohttp    openai.AsyncOpenAI(http_client=openai.DefaultAioHttpClient())
    openai-sync       openai.OpenAI

Commands (one JSON object per line) and replies:

    {"op": "round", "scenario": S, "n": N, "light": false}
                                            ->  {"cpu": s, "wall": s, "calls": k}
                                               or {"skip": reason} or {"error": traceback}
    {"op": "exit"}

A round runs N units of scenario S back to back, timing them with `time.process_time()` and
`time.perf_counter()` inside the worker; only the calls and the reading of the answer's fields
are timed. The answers are then checked against `fixtures/expected.json`, outside the timed
part, and a wrong answer is an error, not a number.
"""

from __future__ import annotations

import argparse
import asyncio
import base64
import gc
import hashlib
import os
import sys
import threading
import time
import traceback
from array import array
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

import orjson

HERE = Path(__file__).resolve().parent
FIXTURES = HERE / "fixtures"
API_KEY = "sk-bench-0000000000000000000000000000000000000000"

CLIENTS = (
    "floor",
    "floor-enc",
    "floor-proto",
    "oxide-async",
    "oxide-async-aio",
    "oxide-async-uvloop",
    "oxide-sync",
    "oxide-async-py",
    "oxide-sync-py",
    "oxide-official",
    "openai-async",
    "openai-aiohttp",
    "openai-sync",
)
PURE = {"oxide-async-py", "oxide-sync-py"}
AIOHTTP_PATH = {"oxide-async-aio"}  # OXIDE_FAST_PATH=0: the fast lane off
UVLOOP = {"oxide-async-uvloop"}  # on uvloop.new_event_loop()

# scenario -> server route (first path segment)
ROUTES = {
    "chat_tiny": "tiny",
    "chat_heavy": "heavy",
    "chat_stream": "stream",
    "chat_stream_helper": "stream",
    "agent_loop": "agent",
    "concurrency": "conc",
    "responses": "resp",
    "responses_stream": "respstream",
    "embeddings_float": "embf",
    "embeddings_base64": "emb64",
}
CONCURRENCY_TASKS = 256
CONCURRENCY_CALLS = 8
# Calls per task in the current round: CONCURRENCY_CALLS, or 1 for the coordinator's warm-up
# round (it opens the 256 connections and warms the code at an eighth of the cost).
_calls_per_task = CONCURRENCY_CALLS

NOT_IMPLEMENTED = "not implemented yet"


class WrongAnswer(AssertionError):
    pass


def _sha(values: Any) -> str:
    return hashlib.sha256(orjson.dumps(list(values))).hexdigest()


class Fixtures:
    """Requests (as dicts and as the bytes the floor posts) and the expected answers."""

    def __init__(self, root: Path = FIXTURES) -> None:
        def raw(name: str) -> bytes:
            return (root / name).read_bytes()

        self.expected = orjson.loads(raw("expected.json"))
        self.raw: dict[str, bytes] = {}
        self.req: dict[str, dict[str, Any]] = {}
        for key, name in (
            ("chat_tiny", "chat_tiny.request.json"),
            ("chat_heavy", "chat_heavy.request.json"),
            ("chat_stream", "chat_stream.request.json"),
            ("agent", "agent.request.json"),
            ("responses", "responses.request.json"),
            ("responses_stream", "responses_stream.request.json"),
            ("embeddings", "embeddings.request.json"),
        ):
            self.raw[key] = raw(name)
            self.req[key] = orjson.loads(self.raw[key])
        # The stream helper takes the same arguments minus `stream`.
        self.req["chat_stream_helper"] = {
            k: v for k, v in self.req["chat_stream"].items() if k != "stream"
        }
        self.req["embeddings_float"] = {**self.req["embeddings"], "encoding_format": "float"}
        # No encoding_format: the SDKs ask for base64 and decode it to floats themselves.
        self.req["embeddings_base64"] = dict(self.req["embeddings"])
        self.raw["embeddings_float"] = orjson.dumps(self.req["embeddings_float"])
        self.raw["embeddings_base64"] = orjson.dumps(
            {**self.req["embeddings"], "encoding_format": "base64"}
        )
        self.tool_outputs: list[str] = orjson.loads(raw("agent.tool_outputs.json"))
        self.agent_answers = [
            orjson.loads(line) for line in raw("agent.responses.jsonl").splitlines() if line
        ]
        # The agent loop's 20 request bodies are fixed (the answers are), so the floor can
        # post them pre-encoded; floor-enc builds and encodes them as any client would.
        self.agent_bodies = self._agent_bodies()

    def agent_messages(self, step: int, history: list[Any]) -> None:
        """Append the assistant tool call of `step` and its tool result to `history`."""
        cid, name, args = self.expected["agent"]["steps"][step]
        history.append(
            {
                "role": "assistant",
                "content": self.agent_answers[step]["choices"][0]["message"]["content"],
                "tool_calls": [
                    {"id": cid, "type": "function", "function": {"name": name, "arguments": args}}
                ],
            }
        )
        history.append({"role": "tool", "tool_call_id": cid, "content": self.tool_outputs[step]})

    def _agent_bodies(self) -> list[bytes]:
        req = self.req["agent"]
        history = list(req["messages"])
        bodies = []
        for step in range(self.expected["agent"]["calls"]):
            bodies.append(orjson.dumps({**req, "messages": history}))
            if step < len(self.expected["agent"]["steps"]):
                self.agent_messages(step, history)
        return bodies

    # -- answer checks (outside the timed part) -------------------------------------------

    def check(self, scenario: str, answers: list[Any]) -> None:
        getattr(self, "_check_" + scenario)(answers)

    @staticmethod
    def _eq(what: str, got: Any, want: Any) -> None:
        if got != want:
            g, w = repr(got), repr(want)
            raise WrongAnswer(f"{what}: got {g[:200]}, expected {w[:200]}")

    def _check_chat_tiny(self, answers: list[Any]) -> None:
        exp = self.expected["chat_tiny"]
        for rid, content, total in answers:
            self._eq("id", rid, exp["id"])
            self._eq("content", content, exp["content"])
            self._eq("usage.total_tokens", total, 31)

    _check_concurrency = _check_chat_tiny

    def _check_chat_heavy(self, answers: list[Any]) -> None:
        exp = self.expected["chat_heavy"]
        for content, calls in answers:
            self._eq("content", content, exp["content"])
            self._eq("tool_calls", [list(c) for c in calls], exp["tool_calls"])

    def _check_chat_stream(self, answers: list[Any]) -> None:
        exp = self.expected["chat_stream"]
        for chunks, content, call_id, name, args, total in answers:
            self._eq("chunks", chunks, exp["chunks"])
            self._eq("content", content, exp["content"])
            self._eq("tool call id", call_id, exp["tool_call_id"])
            self._eq("tool name", name, exp["tool_name"])
            self._eq("arguments", args, exp["arguments"])
            self._eq("usage.total_tokens", total, exp["total_tokens"])

    def _check_chat_stream_helper(self, answers: list[Any]) -> None:
        exp = self.expected["chat_stream"]
        parsed = orjson.loads(exp["arguments"])
        for deltas, content, call_id, args, parsed_args in answers:
            self._eq("content", deltas, exp["content"])  # joined content.delta events
            self._eq("final content", content, exp["content"])
            self._eq("tool call id", call_id, exp["tool_call_id"])
            self._eq("arguments", args, exp["arguments"])
            self._eq("parsed_arguments", parsed_args, parsed)

    def _check_agent_loop(self, answers: list[Any]) -> None:
        exp = self.expected["agent"]
        for steps, final in answers:
            self._eq("tool calls", [list(s) for s in steps], exp["steps"])
            self._eq("final answer", final, exp["final"])

    def _check_responses(self, answers: list[Any]) -> None:
        exp = self.expected["responses"]
        for rid, text, total in answers:
            self._eq("id", rid, exp["id"])
            self._eq("output_text", text, exp["text"])
            self._eq("usage.total_tokens", total, exp["total_tokens"])

    def _check_responses_stream(self, answers: list[Any]) -> None:
        exp = self.expected["responses"]
        for events, text, rid, final_text in answers:
            self._eq("events", events, exp["events"])
            self._eq("text deltas", text, exp["text"])
            self._eq("completed id", rid, exp["id"])
            self._eq("completed output_text", final_text, exp["text"])

    def _check_embeddings_float(self, answers: list[Any]) -> None:
        exp = self.expected["embeddings"]
        for emb in answers:
            self._eq("dims", len(emb), exp["dims"])
            self._eq("values", _sha(emb), exp["float_sha256"])

    def _check_embeddings_base64(self, answers: list[Any]) -> None:
        exp = self.expected["embeddings"]
        for emb in answers:
            self._eq("dims", len(emb), exp["dims"])
            self._eq("values", _sha(emb), exp["base64_sha256"])


def _output_text(resp: dict[str, Any]) -> str:
    """`Response.output_text` on the raw dict (what the SDKs' property computes)."""
    texts = []
    for item in resp["output"]:
        if item["type"] == "message":
            for part in item["content"]:
                if part["type"] == "output_text":
                    texts.append(part["text"])
    return "".join(texts)


def _b64_floats(data: str) -> list[float]:
    values = array("f", base64.b64decode(data))
    if sys.byteorder == "big":
        values.byteswap()
    return values.tolist()


# ---------------------------------------------------------------------------------------------
# The floor: bare aiohttp + orjson


class FloorRunner:
    """What any aiohttp-based client has to do at least: post bytes, read, orjson.loads."""

    def __init__(self, fx: Fixtures, base: str, encode: bool) -> None:
        import aiohttp

        self.aiohttp = aiohttp
        self.fx = fx
        self.base = base
        self.encode = encode
        self.headers = {"Authorization": f"Bearer {API_KEY}", "Content-Type": "application/json"}
        self.session: Any = None

    async def start(self) -> None:
        aiohttp = self.aiohttp
        # The same pool size as oxide's and the official SDK's default (1000); no cookie jar.
        self.session = aiohttp.ClientSession(
            connector=aiohttp.TCPConnector(limit=1000),
            cookie_jar=aiohttp.DummyCookieJar(),
        )

    async def close(self) -> None:
        await self.session.close()

    def url(self, scenario: str, endpoint: str) -> str:
        return f"{self.base}/{ROUTES[scenario]}/v1/{endpoint}"

    def body(self, key: str) -> bytes:
        # floor: the request's bytes as committed; floor-enc: encoded from the dict now.
        return orjson.dumps(self.fx.req[key]) if self.encode else self.fx.raw[key]

    async def post(self, url: str, data: bytes) -> Any:
        async with self.session.post(url, data=data, headers=self.headers) as resp:
            body = await resp.read()
            if resp.status != 200:
                raise RuntimeError(f"HTTP {resp.status}: {body[:200]!r}")
        return orjson.loads(body)

    async def sse(self, url: str, data: bytes) -> Any:
        """Yields each `data:` payload of an event stream, orjson-loaded."""
        async with self.session.post(url, data=data, headers=self.headers) as resp:
            if resp.status != 200:
                raise RuntimeError(f"HTTP {resp.status}")
            rest = b""
            async for chunk in resp.content.iter_any():
                lines = (rest + chunk).split(b"\n")
                rest = lines.pop()
                for line in lines:
                    if line[:6] == b"data: ":
                        payload = line[6:]
                        if payload == b"[DONE]":
                            return
                        yield orjson.loads(payload)

    # -- scenarios ------------------------------------------------------------------------

    async def chat_tiny(self, n: int, out: list[Any]) -> int:
        url = self.url("chat_tiny", "chat/completions")
        for _ in range(n):
            r = await self.post(url, self.body("chat_tiny"))
            out.append((r["id"], r["choices"][0]["message"]["content"], r["usage"]["total_tokens"]))
        return n

    async def chat_heavy(self, n: int, out: list[Any]) -> int:
        url = self.url("chat_heavy", "chat/completions")
        for _ in range(n):
            r = await self.post(url, self.body("chat_heavy"))
            m = r["choices"][0]["message"]
            calls = [
                (c["id"], c["function"]["name"], c["function"]["arguments"])
                for c in m["tool_calls"]
            ]
            out.append((m["content"], calls))
        return n

    async def chat_stream(self, n: int, out: list[Any]) -> int:
        url = self.url("chat_stream", "chat/completions")
        for _ in range(n):
            chunks = 0
            content: list[str] = []
            args: list[str] = []
            call_id = name = None
            total = None
            async for ch in self.sse(url, self.body("chat_stream")):
                chunks += 1
                choices = ch["choices"]
                if choices:
                    delta = choices[0]["delta"]
                    text = delta.get("content")
                    if text:
                        content.append(text)
                    calls = delta.get("tool_calls")
                    if calls:
                        for call in calls:
                            if call.get("id"):
                                call_id = call["id"]
                                name = call["function"]["name"]
                            piece = call["function"].get("arguments")
                            if piece:
                                args.append(piece)
                usage = ch.get("usage")
                if usage:
                    total = usage["total_tokens"]
            out.append((chunks, "".join(content), call_id, name, "".join(args), total))
        return n

    async def chat_stream_helper(self, n: int, out: list[Any]) -> int:
        raise NotImplementedError  # the floor has no helper: compare with the floor's stream

    async def agent_loop(self, n: int, out: list[Any]) -> int:
        url = self.url("agent_loop", "chat/completions")
        req = self.fx.req["agent"]
        bodies = self.fx.agent_bodies
        for _ in range(n):
            history = list(req["messages"])
            steps = []
            final = None
            for step in range(len(bodies)):
                data = orjson.dumps({**req, "messages": history}) if self.encode else bodies[step]
                r = await self.post(url, data)
                m = r["choices"][0]["message"]
                calls = m.get("tool_calls")
                if calls:
                    c = calls[0]
                    cid, fn = c["id"], c["function"]
                    steps.append((cid, fn["name"], fn["arguments"]))
                    history.append(
                        {
                            "role": "assistant",
                            "content": m["content"],
                            "tool_calls": [
                                {
                                    "id": cid,
                                    "type": "function",
                                    "function": {"name": fn["name"], "arguments": fn["arguments"]},
                                }
                            ],
                        }
                    )
                    history.append(
                        {"role": "tool", "tool_call_id": cid, "content": self.fx.tool_outputs[step]}
                    )
                else:
                    final = m["content"]
            out.append((steps, final))
        return n * len(bodies)

    async def concurrency(self, n: int, out: list[Any]) -> int:
        url = self.url("concurrency", "chat/completions")

        async def task() -> None:
            for _ in range(_calls_per_task):
                r = await self.post(url, self.body("chat_tiny"))
                out.append(
                    (r["id"], r["choices"][0]["message"]["content"], r["usage"]["total_tokens"])
                )

        for _ in range(n):
            await asyncio.gather(*[task() for _ in range(CONCURRENCY_TASKS)])
        return n * CONCURRENCY_TASKS * _calls_per_task

    async def responses(self, n: int, out: list[Any]) -> int:
        url = self.url("responses", "responses")
        for _ in range(n):
            r = await self.post(url, self.body("responses"))
            out.append((r["id"], _output_text(r), r["usage"]["total_tokens"]))
        return n

    async def responses_stream(self, n: int, out: list[Any]) -> int:
        url = self.url("responses_stream", "responses")
        for _ in range(n):
            events = 0
            text: list[str] = []
            rid = final_text = None
            async for ev in self.sse(url, self.body("responses_stream")):
                events += 1
                kind = ev["type"]
                if kind == "response.output_text.delta":
                    text.append(ev["delta"])
                elif kind == "response.completed":
                    rid = ev["response"]["id"]
                    final_text = _output_text(ev["response"])
            out.append((events, "".join(text), rid, final_text))
        return n

    async def embeddings_float(self, n: int, out: list[Any]) -> int:
        url = self.url("embeddings_float", "embeddings")
        for _ in range(n):
            r = await self.post(url, self.body("embeddings_float"))
            emb = r["data"][0]["embedding"]
            len(emb)
            out.append(emb)
        return n

    async def embeddings_base64(self, n: int, out: list[Any]) -> int:
        url = self.url("embeddings_base64", "embeddings")
        for _ in range(n):
            r = await self.post(url, self.body("embeddings_base64"))
            # The floor for a base64 answer includes turning it into floats: that is the
            # answer every client hands back.
            emb = _b64_floats(r["data"][0]["embedding"])
            len(emb)
            out.append(emb)
        return n


class ProtocolFloorRunner(FloorRunner):
    """The floor's scenarios over a bare asyncio.Protocol client instead of aiohttp."""

    def __init__(self, fx: Fixtures, base: str) -> None:
        super().__init__(fx, base, encode=False)

    async def start(self) -> None:
        from _proto_floor import ProtocolClient

        self.client = ProtocolClient(self.base, self.headers)

    async def close(self) -> None:
        await self.client.close()

    async def post(self, url: str, data: bytes) -> Any:
        return await self.client.post(url, data)

    async def sse(self, url: str, data: bytes) -> Any:
        async for event in self.client.sse(url, data):
            yield event


# ---------------------------------------------------------------------------------------------
# The SDK-shaped clients: oxide and openai run the very same code


def _tiny_answer(r: Any) -> tuple[Any, ...]:
    return (r.id, r.choices[0].message.content, r.usage.total_tokens)


def _heavy_answer(r: Any) -> tuple[Any, ...]:
    m = r.choices[0].message
    return (m.content, [(c.id, c.function.name, c.function.arguments) for c in m.tool_calls])


class _ChunkAcc:
    __slots__ = ("chunks", "content", "args", "call_id", "name", "total")

    def __init__(self) -> None:
        self.chunks = 0
        self.content: list[str] = []
        self.args: list[str] = []
        self.call_id = self.name = self.total = None

    def add(self, ch: Any) -> None:
        self.chunks += 1
        choices = ch.choices
        if choices:
            delta = choices[0].delta
            text = delta.content
            if text:
                self.content.append(text)
            calls = delta.tool_calls
            if calls:
                for call in calls:
                    if call.id:
                        self.call_id = call.id
                        self.name = call.function.name
                    piece = call.function.arguments
                    if piece:
                        self.args.append(piece)
        usage = ch.usage
        if usage:
            self.total = usage.total_tokens

    def answer(self) -> tuple[Any, ...]:
        return (
            self.chunks,
            "".join(self.content),
            self.call_id,
            self.name,
            "".join(self.args),
            self.total,
        )


class _EventAcc:
    __slots__ = ("events", "text", "rid", "final_text")

    def __init__(self) -> None:
        self.events = 0
        self.text: list[str] = []
        self.rid = self.final_text = None

    def add(self, ev: Any) -> None:
        self.events += 1
        kind = ev.type
        if kind == "response.output_text.delta":
            self.text.append(ev.delta)
        elif kind == "response.completed":
            self.rid = ev.response.id
            self.final_text = ev.response.output_text

    def answer(self) -> tuple[Any, ...]:
        return (self.events, "".join(self.text), self.rid, self.final_text)


def _helper_answer(deltas: list[str], final: Any) -> tuple[Any, ...]:
    m = final.choices[0].message
    call = m.tool_calls[0]
    return (
        "".join(deltas),
        m.content,
        call.id,
        call.function.arguments,
        call.function.parsed_arguments,
    )


def _agent_history_add(history: list[Any], m: Any, step: int, fx: Fixtures) -> tuple[Any, ...]:
    c = m.tool_calls[0]
    fn = c.function
    history.append(
        {
            "role": "assistant",
            "content": m.content,
            "tool_calls": [
                {
                    "id": c.id,
                    "type": "function",
                    "function": {"name": fn.name, "arguments": fn.arguments},
                }
            ],
        }
    )
    history.append({"role": "tool", "tool_call_id": c.id, "content": fx.tool_outputs[step]})
    return (c.id, fn.name, fn.arguments)


class AsyncSDKRunner:
    """oxide.AsyncOpenAI, oxide.official.AsyncOpenAI and openai.AsyncOpenAI (both transports)."""

    def __init__(self, kind: str, fx: Fixtures, base: str) -> None:
        self.kind = kind
        self.fx = fx
        self.base = base
        self.clients: dict[str, Any] = {}

    async def start(self) -> None:
        if self.kind == "oxide-official":
            from oxide.official import AsyncOpenAI

            root = AsyncOpenAI(api_key=API_KEY, base_url=f"{self.base}/tiny/v1")
        elif self.kind.startswith("oxide"):
            import oxide

            root = oxide.AsyncOpenAI(api_key=API_KEY, base_url=f"{self.base}/tiny/v1")
        else:
            import openai

            http_client = openai.DefaultAioHttpClient() if self.kind == "openai-aiohttp" else None
            root = openai.AsyncOpenAI(
                api_key=API_KEY, base_url=f"{self.base}/tiny/v1", http_client=http_client
            )
        self.root = root
        # One client; a `with_options` view per route shares its connection pool.
        for scenario, route in ROUTES.items():
            self.clients[scenario] = root.with_options(base_url=f"{self.base}/{route}/v1")

    async def close(self) -> None:
        await self.root.close()

    def has_stream_helper(self) -> bool:
        return hasattr(self.clients["chat_stream_helper"].chat.completions, "stream")

    async def chat_tiny(self, n: int, out: list[Any]) -> int:
        create = self.clients["chat_tiny"].chat.completions.create
        req = self.fx.req["chat_tiny"]
        for _ in range(n):
            out.append(_tiny_answer(await create(**req)))
        return n

    async def chat_heavy(self, n: int, out: list[Any]) -> int:
        create = self.clients["chat_heavy"].chat.completions.create
        req = self.fx.req["chat_heavy"]
        for _ in range(n):
            out.append(_heavy_answer(await create(**req)))
        return n

    async def chat_stream(self, n: int, out: list[Any]) -> int:
        create = self.clients["chat_stream"].chat.completions.create
        req = self.fx.req["chat_stream"]
        for _ in range(n):
            acc = _ChunkAcc()
            stream = await create(**req)
            async for ch in stream:
                acc.add(ch)
            out.append(acc.answer())
        return n

    async def chat_stream_helper(self, n: int, out: list[Any]) -> int:
        completions = self.clients["chat_stream_helper"].chat.completions
        req = self.fx.req["chat_stream_helper"]
        for _ in range(n):
            deltas: list[str] = []
            async with completions.stream(**req) as stream:
                async for event in stream:
                    if event.type == "content.delta":
                        deltas.append(event.delta)
                final = await stream.get_final_completion()
            out.append(_helper_answer(deltas, final))
        return n

    async def agent_loop(self, n: int, out: list[Any]) -> int:
        create = self.clients["agent_loop"].chat.completions.create
        req = self.fx.req["agent"]
        calls = self.fx.expected["agent"]["calls"]
        for _ in range(n):
            history = list(req["messages"])
            steps = []
            final = None
            for step in range(calls):
                r = await create(**{**req, "messages": history})
                m = r.choices[0].message
                if m.tool_calls:
                    steps.append(_agent_history_add(history, m, step, self.fx))
                else:
                    final = m.content
            out.append((steps, final))
        return n * calls

    async def concurrency(self, n: int, out: list[Any]) -> int:
        create = self.clients["concurrency"].chat.completions.create
        req = self.fx.req["chat_tiny"]

        async def task() -> None:
            for _ in range(_calls_per_task):
                out.append(_tiny_answer(await create(**req)))

        for _ in range(n):
            await asyncio.gather(*[task() for _ in range(CONCURRENCY_TASKS)])
        return n * CONCURRENCY_TASKS * _calls_per_task

    async def responses(self, n: int, out: list[Any]) -> int:
        create = self.clients["responses"].responses.create
        req = self.fx.req["responses"]
        for _ in range(n):
            r = await create(**req)
            out.append((r.id, r.output_text, r.usage.total_tokens))
        return n

    async def responses_stream(self, n: int, out: list[Any]) -> int:
        create = self.clients["responses_stream"].responses.create
        req = self.fx.req["responses_stream"]
        for _ in range(n):
            acc = _EventAcc()
            stream = await create(**req)
            async for ev in stream:
                acc.add(ev)
            out.append(acc.answer())
        return n

    async def embeddings_float(self, n: int, out: list[Any]) -> int:
        create = self.clients["embeddings_float"].embeddings.create
        req = self.fx.req["embeddings_float"]
        for _ in range(n):
            emb = (await create(**req)).data[0].embedding
            len(emb)
            out.append(emb)
        return n

    async def embeddings_base64(self, n: int, out: list[Any]) -> int:
        create = self.clients["embeddings_base64"].embeddings.create
        req = self.fx.req["embeddings_base64"]
        for _ in range(n):
            emb = (await create(**req)).data[0].embedding
            len(emb)
            out.append(emb)
        return n


class SyncSDKRunner:
    """oxide.OpenAI and openai.OpenAI; concurrency is 256 threads."""

    def __init__(self, kind: str, fx: Fixtures, base: str) -> None:
        self.kind = kind
        self.fx = fx
        self.base = base
        self.clients: dict[str, Any] = {}
        self.pool: ThreadPoolExecutor | None = None

    def start(self) -> None:
        if self.kind.startswith("oxide"):
            import oxide

            root = oxide.OpenAI(api_key=API_KEY, base_url=f"{self.base}/tiny/v1")
        else:
            import openai

            root = openai.OpenAI(api_key=API_KEY, base_url=f"{self.base}/tiny/v1")
        self.root = root
        for scenario, route in ROUTES.items():
            self.clients[scenario] = root.with_options(base_url=f"{self.base}/{route}/v1")

    def _threads(self) -> ThreadPoolExecutor:
        if self.pool is None:
            # Start all 256 threads now, outside any timed round.
            self.pool = ThreadPoolExecutor(max_workers=CONCURRENCY_TASKS)
            barrier = threading.Barrier(CONCURRENCY_TASKS)
            list(self.pool.map(lambda _: barrier.wait(), range(CONCURRENCY_TASKS)))
        return self.pool

    def close(self) -> None:
        if self.pool is not None:
            self.pool.shutdown()
        self.root.close()

    def has_stream_helper(self) -> bool:
        return hasattr(self.clients["chat_stream_helper"].chat.completions, "stream")

    def chat_tiny(self, n: int, out: list[Any]) -> int:
        create = self.clients["chat_tiny"].chat.completions.create
        req = self.fx.req["chat_tiny"]
        for _ in range(n):
            out.append(_tiny_answer(create(**req)))
        return n

    def chat_heavy(self, n: int, out: list[Any]) -> int:
        create = self.clients["chat_heavy"].chat.completions.create
        req = self.fx.req["chat_heavy"]
        for _ in range(n):
            out.append(_heavy_answer(create(**req)))
        return n

    def chat_stream(self, n: int, out: list[Any]) -> int:
        create = self.clients["chat_stream"].chat.completions.create
        req = self.fx.req["chat_stream"]
        for _ in range(n):
            acc = _ChunkAcc()
            for ch in create(**req):
                acc.add(ch)
            out.append(acc.answer())
        return n

    def chat_stream_helper(self, n: int, out: list[Any]) -> int:
        completions = self.clients["chat_stream_helper"].chat.completions
        req = self.fx.req["chat_stream_helper"]
        for _ in range(n):
            deltas: list[str] = []
            with completions.stream(**req) as stream:
                for event in stream:
                    if event.type == "content.delta":
                        deltas.append(event.delta)
                final = stream.get_final_completion()
            out.append(_helper_answer(deltas, final))
        return n

    def agent_loop(self, n: int, out: list[Any]) -> int:
        create = self.clients["agent_loop"].chat.completions.create
        req = self.fx.req["agent"]
        calls = self.fx.expected["agent"]["calls"]
        for _ in range(n):
            history = list(req["messages"])
            steps = []
            final = None
            for step in range(calls):
                m = create(**{**req, "messages": history}).choices[0].message
                if m.tool_calls:
                    steps.append(_agent_history_add(history, m, step, self.fx))
                else:
                    final = m.content
            out.append((steps, final))
        return n * calls

    def concurrency(self, n: int, out: list[Any]) -> int:
        create = self.clients["concurrency"].chat.completions.create
        req = self.fx.req["chat_tiny"]
        pool = self.pool
        assert pool is not None

        def task(_: int) -> None:
            for _ in range(_calls_per_task):
                out.append(_tiny_answer(create(**req)))

        for _ in range(n):
            list(pool.map(task, range(CONCURRENCY_TASKS)))
        return n * CONCURRENCY_TASKS * _calls_per_task

    def responses(self, n: int, out: list[Any]) -> int:
        create = self.clients["responses"].responses.create
        req = self.fx.req["responses"]
        for _ in range(n):
            r = create(**req)
            out.append((r.id, r.output_text, r.usage.total_tokens))
        return n

    def responses_stream(self, n: int, out: list[Any]) -> int:
        create = self.clients["responses_stream"].responses.create
        req = self.fx.req["responses_stream"]
        for _ in range(n):
            acc = _EventAcc()
            for ev in create(**req):
                acc.add(ev)
            out.append(acc.answer())
        return n

    def embeddings_float(self, n: int, out: list[Any]) -> int:
        create = self.clients["embeddings_float"].embeddings.create
        req = self.fx.req["embeddings_float"]
        for _ in range(n):
            emb = create(**req).data[0].embedding
            len(emb)
            out.append(emb)
        return n

    def embeddings_base64(self, n: int, out: list[Any]) -> int:
        create = self.clients["embeddings_base64"].embeddings.create
        req = self.fx.req["embeddings_base64"]
        for _ in range(n):
            emb = create(**req).data[0].embedding
            len(emb)
            out.append(emb)
        return n


# ---------------------------------------------------------------------------------------------


class Worker:
    def __init__(self, kind: str, base: str) -> None:
        self.kind = kind
        self.fx = Fixtures()
        self.sync = kind in ("oxide-sync", "oxide-sync-py", "openai-sync")
        self.loop: asyncio.AbstractEventLoop | None = None
        if self.sync:
            self.runner: Any = SyncSDKRunner(kind, self.fx, base)
            self.runner.start()
        else:
            if kind in UVLOOP:
                import uvloop

                self.loop = uvloop.new_event_loop()
            else:
                self.loop = asyncio.new_event_loop()
            asyncio.set_event_loop(self.loop)
            if kind == "floor-proto":
                self.runner = ProtocolFloorRunner(self.fx, base)
            elif kind.startswith("floor"):
                self.runner = FloorRunner(self.fx, base, encode=kind == "floor-enc")
            else:
                self.runner = AsyncSDKRunner(kind, self.fx, base)
            self.loop.run_until_complete(self.runner.start())

    def skip_reason(self, scenario: str) -> str | None:
        if scenario == "chat_stream_helper":
            if self.kind.startswith("floor"):
                return "the floor has no stream helper (the helper is compared with the floor's plain stream)"
            if not self.runner.has_stream_helper():
                return f"{self.kind}: chat.completions.stream() {NOT_IMPLEMENTED}"
        return None

    def round(self, scenario: str, n: int, light: bool = False) -> dict[str, Any]:
        global _calls_per_task
        _calls_per_task = 1 if light else CONCURRENCY_CALLS
        reason = self.skip_reason(scenario)
        if reason:
            return {"skip": reason}
        fn = getattr(self.runner, scenario)
        if scenario == "concurrency" and self.sync:
            self.runner._threads()
        out: list[Any] = []
        gc.collect()
        if self.loop is not None:

            async def timed() -> tuple[float, float, int]:
                c0, w0 = time.process_time(), time.perf_counter()
                calls = await fn(n, out)
                return time.process_time() - c0, time.perf_counter() - w0, calls

            cpu, wall, calls = self.loop.run_until_complete(timed())
        else:
            c0, w0 = time.process_time(), time.perf_counter()
            calls = fn(n, out)
            cpu, wall = time.process_time() - c0, time.perf_counter() - w0
        expected_units = n * CONCURRENCY_TASKS * _calls_per_task if scenario == "concurrency" else n
        if len(out) != expected_units:
            raise WrongAnswer(f"{len(out)} answers for {expected_units} units")
        self.fx.check(scenario, out)
        return {"cpu": cpu, "wall": wall, "calls": calls}

    def close(self) -> None:
        if self.loop is not None:
            self.loop.run_until_complete(self.runner.close())
            self.loop.close()
        else:
            self.runner.close()


# ---------------------------------------------------------------------------------------------
# Memory (a fresh process per client; see --memory)


def _rss() -> int:
    with open("/proc/self/statm") as f:
        return int(f.read().split()[1]) * os.sysconf("SC_PAGE_SIZE")


def measure_memory(kind: str, base: str, clients: int, held: int) -> dict[str, Any]:
    """tracemalloc bytes (and RSS) per client and per parsed completion held.

    * per client: `clients` clients made and each used for one call (so its session and one
      pooled connection exist), after one warm-up client paid the imports and caches.
    * per held completion: `held` tiny completions parsed and kept in a list; measured as the
      traced memory freed when the list is dropped, so caches and pools do not count.
    """
    import tracemalloc

    fx = Fixtures()
    tiny = fx.req["chat_tiny"]
    url = f"{base}/tiny/v1"
    sync = kind in ("oxide-sync", "oxide-sync-py", "openai-sync")
    loop = None if sync else asyncio.new_event_loop()

    if kind.startswith("floor"):
        import aiohttp

        async def make() -> Any:
            return aiohttp.ClientSession(
                connector=aiohttp.TCPConnector(limit=1000), cookie_jar=aiohttp.DummyCookieJar()
            )

        async def call(c: Any) -> Any:
            async with c.post(url + "/chat/completions", data=fx.raw["chat_tiny"]) as r:
                return orjson.loads(await r.read())

        async def close(c: Any) -> None:
            await c.close()
    elif kind.startswith("oxide"):
        import oxide

        if sync:

            def make_sync() -> Any:
                return oxide.OpenAI(api_key=API_KEY, base_url=url)
        else:

            async def make() -> Any:
                return oxide.AsyncOpenAI(api_key=API_KEY, base_url=url)
    else:
        import openai

        if sync:

            def make_sync() -> Any:
                return openai.OpenAI(api_key=API_KEY, base_url=url)
        else:

            async def make() -> Any:
                http = openai.DefaultAioHttpClient() if kind == "openai-aiohttp" else None
                return openai.AsyncOpenAI(api_key=API_KEY, base_url=url, http_client=http)

    if not kind.startswith("floor"):
        if sync:

            def call_sync(c: Any) -> Any:
                return c.chat.completions.create(**tiny)
        else:

            async def call(c: Any) -> Any:
                return await c.chat.completions.create(**tiny)

            async def close(c: Any) -> None:
                await c.close()

    def run(coro: Any) -> Any:
        assert loop is not None
        return loop.run_until_complete(coro)

    def new_client() -> Any:
        return make_sync() if sync else run(make())

    def one_call(c: Any) -> Any:
        return call_sync(c) if sync else run(call(c))

    def close_client(c: Any) -> None:
        if sync:
            c.close()
        else:
            run(close(c))

    # Warm-up: imports, lazy modules, decoders, SSL context.
    warm = new_client()
    for _ in range(3):
        one_call(warm)

    gc.collect()
    tracemalloc.start()
    rss0 = _rss()
    t0 = tracemalloc.get_traced_memory()[0]
    made = []
    for _ in range(clients):
        c = new_client()
        one_call(c)
        made.append(c)
    gc.collect()
    per_client = (tracemalloc.get_traced_memory()[0] - t0) / clients
    per_client_rss = (_rss() - rss0) / clients
    for c in made:
        close_client(c)
    del made, c
    gc.collect()

    per_completion = per_completion_rss = None
    if held:
        results = []
        for _ in range(held):
            r = one_call(warm)
            if kind.startswith("floor"):
                assert r["choices"][0]["message"]["content"] == fx.expected["chat_tiny"]["content"]
            else:
                assert r.choices[0].message.content == fx.expected["chat_tiny"]["content"]
            results.append(r)
        gc.collect()
        rss_held = _rss()
        t_held = tracemalloc.get_traced_memory()[0]
        del results, r
        gc.collect()
        per_completion = (t_held - tracemalloc.get_traced_memory()[0]) / held
        per_completion_rss = (rss_held - _rss()) / held  # often ~0: freed memory stays in the arena
    tracemalloc.stop()
    close_client(warm)
    out: dict[str, Any] = {
        "client_bytes": per_client,
        "client_rss_bytes": per_client_rss,
        "clients": clients,
        "held": held,
    }
    if per_completion is not None:
        out.update(completion_bytes=per_completion, completion_rss_bytes=per_completion_rss)
    return out


# ---------------------------------------------------------------------------------------------


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="one benchmark client")
    parser.add_argument("--client", required=True, choices=CLIENTS)
    parser.add_argument("--base", required=True, help="http://127.0.0.1:PORT")
    parser.add_argument("--cpu", type=int, default=None)
    parser.add_argument("--memory", action="store_true")
    parser.add_argument("--memory-clients", type=int, default=50)
    parser.add_argument("--memory-held", type=int, default=1000)
    args = parser.parse_args(argv)
    if args.cpu is not None and hasattr(os, "sched_setaffinity"):
        try:
            os.sched_setaffinity(0, {args.cpu})
        except OSError:
            pass
    # Read when oxide is imported (by the runner, later): set it here so the worker is right
    # however it was started.
    if args.client in PURE:
        os.environ["OXIDE_NO_EXTENSIONS"] = "1"
    else:
        os.environ.pop("OXIDE_NO_EXTENSIONS", None)
    if args.client in AIOHTTP_PATH:
        os.environ["OXIDE_FAST_PATH"] = "0"
    else:
        os.environ.pop("OXIDE_FAST_PATH", None)
    # The protocol owns the original stdout; anything printed goes to stderr.
    proto = os.fdopen(os.dup(1), "wb", buffering=0)
    os.dup2(2, 1)
    sys.stdout = sys.stderr

    def reply(obj: Any) -> None:
        proto.write(orjson.dumps(obj) + b"\n")

    if args.memory:
        try:
            reply(measure_memory(args.client, args.base, args.memory_clients, args.memory_held))
        except BaseException:
            reply({"error": traceback.format_exc()})
        return 0

    try:
        worker = Worker(args.client, args.base)
        import_note = {}
        if args.client.startswith("oxide"):
            import oxide._speedups as sp

            import_note["speedups"] = sp.IMPLEMENTATION
        reply({"ready": True, "pid": os.getpid(), **import_note})
    except BaseException:
        reply({"error": traceback.format_exc()})
        return 1
    for line in sys.stdin.buffer:
        cmd = orjson.loads(line)
        op = cmd.get("op")
        if op == "exit":
            break
        try:
            if op == "round":
                reply(worker.round(cmd["scenario"], cmd["n"], cmd.get("light", False)))
            else:
                reply({"error": f"unknown op {op!r}"})
        except BaseException:
            reply({"error": traceback.format_exc()})
    try:
        worker.close()
    except BaseException:
        pass
    reply({"bye": True})
    return 0


if __name__ == "__main__":
    sys.exit(main())
