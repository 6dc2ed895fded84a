"""One client of the Responses WebSocket-mode benchmark, in its own process (see `_ws_bench.py`).

    python benchmarks/_ws_worker.py --mode oxide-ws-session --base http://127.0.0.1:PORT [--cpu 0]

It speaks `_worker.py`'s protocol (JSON lines on stdin, replies on the original stdout):

    {"op": "round", "scenario": S, "n": N}   ->  {"cpu": s, "wall": s, "calls": turns}
                                                 or {"skip": reason} or {"error": traceback}
    {"op": "exit"}

A *task* is the 20-turn tool loop of `_ws_fixtures.py`: turn 0 sends the user's message, every
later turn the `function_call_output` answering the call the previous turn returned (its
`call_id` read from that answer), continuing from the previous response's id. A round runs N
units of scenario S: N tasks one after another (`ws_loop*`), or N batches of `AGENTS` tasks run
concurrently (`ws_agents*`). Only the tasks are timed (`time.process_time()` of the whole
process, and `time.perf_counter()`); every task's calls, final text and last response id are
checked afterwards, untimed.

Modes (`MODES`): how a task talks to the server.

    floor-http        aiohttp POST of orjson.dumps(request), orjson.loads of the JSON answer
    floor-sse         the same with "stream": true: split SSE lines, orjson.loads each payload
    floor-ws          aiohttp ws_connect per task, orjson.dumps each response.create, loads
                      each event frame until response.completed
    oxide-http        await client.responses.create(..., previous_response_id=...)
    oxide-http-stream the same with stream=True, iterating the typed events to response.completed
    oxide-ws-session  async with client.responses.session(**defaults) as s (one socket per task):
                      await s.create(input=...), which chains previous_response_id itself
    oxide-ws-pool     async with pool.session() as s on client.responses.session_pool(size=P):
                      sockets stay open across tasks (P=1 in ws_loop*, 64 in ws_agents*)
    oxide-ws-pool-200 the same with P=200: a socket per concurrent agent (ws_agents_real)
    oxide-ws-connect  async with client.responses.connect() as conn (one socket per task):
                      await conn.response.create(...), then await conn.recv() to completed
    openai-http       openai.AsyncOpenAI().responses.create(...) (httpx)
    openai-ws-connect openai.AsyncOpenAI().responses.connect() (needs the `websockets` package)
"""

from __future__ import annotations

import argparse
import asyncio
import gc
import os
import sys
import time
import traceback
from pathlib import Path
from typing import Any

import orjson

HERE = Path(__file__).resolve().parent
if str(HERE) not in sys.path:
    sys.path.insert(0, str(HERE))

from _ws_fixtures import TURNS, Loop, build, tool_result  # noqa: E402

API_KEY = "sk-bench-0000000000000000000000000000000000000000"
AGENTS = 200
POOL_SIZE = 64
MODES = (
    "floor-http",
    "floor-sse",
    "floor-ws",
    "oxide-http",
    "oxide-http-stream",
    "oxide-ws-session",
    "oxide-ws-pool",
    "oxide-ws-pool-200",
    "oxide-ws-connect",
    "openai-http",
    "openai-ws-connect",
)
# scenario -> (server route, concurrent tasks per unit)
SCENARIO_ROUTES = {
    "ws_loop": ("loop", 1),
    "ws_loop_real": ("loopreal", 1),
    "ws_agents": ("loop", AGENTS),
    "ws_agents_real": ("loopreal", AGENTS),
}

Answer = tuple[list[tuple[str, str, str]], str, str]  # calls, final text, last response id


class WrongAnswer(AssertionError):
    pass


def _text(resp: dict[str, Any]) -> str:
    return "".join(
        part["text"]
        for item in resp["output"]
        if item["type"] == "message"
        for part in item["content"]
        if part["type"] == "output_text"
    )


class Runner:
    """A mode's task, on one client per process (a `with_options` view per route)."""

    def __init__(self, mode: str, base: str, loop: Loop) -> None:
        self.mode = mode
        self.base = base
        self.loop = loop
        self.clients: dict[str, Any] = {}
        self.pools: dict[tuple[str, int], Any] = {}
        self.root: Any = None
        self.session: Any = None  # aiohttp, for the floors

    async def start(self) -> None:
        if self.mode.startswith("floor"):
            import aiohttp

            self.session = aiohttp.ClientSession(
                connector=aiohttp.TCPConnector(limit=1000), cookie_jar=aiohttp.DummyCookieJar()
            )
            self.headers = {
                "Authorization": f"Bearer {API_KEY}",
                "Content-Type": "application/json",
            }
        elif self.mode.startswith("oxide"):
            import oxide

            self.root = oxide.AsyncOpenAI(api_key=API_KEY, base_url=f"{self.base}/loop/v1")
        else:
            import openai

            self.root = openai.AsyncOpenAI(api_key=API_KEY, base_url=f"{self.base}/loop/v1")

    def skip_reason(self) -> str | None:
        if self.mode == "openai-ws-connect":
            try:
                import websockets  # type: ignore[import-not-found]  # noqa: F401
            except ImportError:
                return (
                    "the official SDK's responses.connect() needs the `websockets` package, "
                    "which is not installed in this venv"
                )
        return None

    async def close(self) -> None:
        for pool in self.pools.values():
            await pool.close()
        if self.session is not None:
            await self.session.close()
        if self.root is not None:
            await self.root.close()

    def client(self, route: str) -> Any:
        c = self.clients.get(route)
        if c is None:
            c = self.clients[route] = self.root.with_options(base_url=f"{self.base}/{route}/v1")
        return c

    def pool(self, route: str, size: int) -> Any:
        p = self.pools.get((route, size))
        if p is None:
            p = self.pools[(route, size)] = self.client(route).responses.session_pool(
                size=size, **self.loop.defaults
            )
        return p

    async def unit(self, route: str, agents: int) -> list[Answer]:
        task = getattr(self, self.mode.replace("-", "_"))
        if agents == 1:
            return [await task(route, 1)]
        return list(await asyncio.gather(*(task(route, agents) for _ in range(agents))))

    # -- the floors -------------------------------------------------------------------------

    async def floor_http(self, route: str, agents: int, stream: bool = False) -> Answer:
        loop = self.loop
        url = f"{self.base}/{route}/v1/responses"
        calls: list[tuple[str, str, str]] = []
        inp = loop.inputs[0]
        prev: str | None = None
        resp: dict[str, Any] = {}
        for k in range(TURNS):
            body: dict[str, Any] = {**loop.defaults, "input": inp}
            if prev is not None:
                body["previous_response_id"] = prev
            if stream:
                body["stream"] = True
            async with self.session.post(url, data=orjson.dumps(body), headers=self.headers) as r:
                if r.status != 200:
                    raise RuntimeError(f"HTTP {r.status}: {(await r.read())[:200]!r}")
                if stream:
                    rest = b""
                    async for chunk in r.content.iter_any():
                        lines = (rest + chunk).split(b"\n")
                        rest = lines.pop()
                        for line in lines:
                            if line[:6] == b"data: ":
                                ev = orjson.loads(line[6:])
                                if ev["type"] == "response.completed":
                                    resp = ev["response"]
                else:
                    resp = orjson.loads(await r.read())
            prev = resp["id"]
            item = resp["output"][0]
            if item["type"] == "function_call":
                calls.append((item["call_id"], item["name"], item["arguments"]))
                inp = [tool_result(item["call_id"], loop.outputs[k])]
        return calls, _text(resp), resp["id"]

    async def floor_sse(self, route: str, agents: int) -> Answer:
        return await self.floor_http(route, agents, stream=True)

    async def floor_ws(self, route: str, agents: int) -> Answer:
        from aiohttp import WSMsgType

        loop = self.loop
        url = f"{self.base.replace('http', 'ws', 1)}/{route}/v1/responses"
        calls: list[tuple[str, str, str]] = []
        inp = loop.inputs[0]
        prev: str | None = None
        resp: dict[str, Any] = {}
        async with self.session.ws_connect(url, headers=self.headers) as ws:
            for k in range(TURNS):
                event: dict[str, Any] = {"type": "response.create", **loop.defaults, "input": inp}
                if prev is not None:
                    event["previous_response_id"] = prev
                await ws.send_frame(orjson.dumps(event), WSMsgType.TEXT)
                while True:
                    msg = await ws.receive()
                    if msg.type is not WSMsgType.TEXT:
                        raise RuntimeError(f"WebSocket: {msg.type!r} {msg.data!r}")
                    ev = orjson.loads(msg.data)
                    if ev["type"] == "response.completed":
                        resp = ev["response"]
                        break
                    if ev["type"] == "error":
                        raise RuntimeError(f"error event: {ev}")
                prev = resp["id"]
                item = resp["output"][0]
                if item["type"] == "function_call":
                    calls.append((item["call_id"], item["name"], item["arguments"]))
                    inp = [tool_result(item["call_id"], loop.outputs[k])]
        return calls, _text(resp), resp["id"]

    # -- oxide and the SDK ------------------------------------------------------------------

    def _step(self, r: Any, k: int, calls: list[tuple[str, str, str]]) -> list[Any]:
        """Records a turn's call and returns the next turn's input (the tool's result)."""
        item = r.output[0]
        if item.type == "function_call":
            calls.append((item.call_id, item.name, item.arguments))
            return [tool_result(item.call_id, self.loop.outputs[k])]
        return []

    async def oxide_http(self, route: str, agents: int) -> Answer:
        create = self.client(route).responses.create
        defaults = self.loop.defaults
        calls: list[tuple[str, str, str]] = []
        inp = self.loop.inputs[0]
        r = await create(**defaults, input=inp)
        for k in range(1, TURNS):
            inp = self._step(r, k - 1, calls)
            r = await create(**defaults, input=inp, previous_response_id=r.id)
        return calls, r.output_text, r.id

    async def oxide_http_stream(self, route: str, agents: int) -> Answer:
        create = self.client(route).responses.create
        defaults = self.loop.defaults
        calls: list[tuple[str, str, str]] = []
        inp = self.loop.inputs[0]
        r: Any = None
        for k in range(TURNS):
            prev = {"previous_response_id": r.id} if r is not None else {}
            stream = await create(**defaults, input=inp, stream=True, **prev)
            async for ev in stream:
                if ev.type == "response.completed":
                    r = ev.response
            inp = self._step(r, k, calls)
        return calls, r.output_text, r.id

    async def _session_turns(self, session: Any) -> Answer:
        calls: list[tuple[str, str, str]] = []
        inp = self.loop.inputs[0]
        r: Any = None
        for k in range(TURNS):
            r = await session.create(input=inp)
            inp = self._step(r, k, calls)
        return calls, r.output_text, r.id

    async def oxide_ws_session(self, route: str, agents: int) -> Answer:
        async with self.client(route).responses.session(**self.loop.defaults) as session:
            return await self._session_turns(session)

    async def oxide_ws_pool(self, route: str, agents: int) -> Answer:
        pool = self.pool(route, 1 if agents == 1 else POOL_SIZE)
        async with pool.session() as session:
            return await self._session_turns(session)

    async def oxide_ws_pool_200(self, route: str, agents: int) -> Answer:
        async with self.pool(route, AGENTS).session() as session:
            return await self._session_turns(session)

    async def oxide_ws_connect(self, route: str, agents: int) -> Answer:
        defaults = self.loop.defaults
        calls: list[tuple[str, str, str]] = []
        inp = self.loop.inputs[0]
        r: Any = None
        async with self.client(route).responses.connect() as conn:
            for k in range(TURNS):
                prev = {"previous_response_id": r.id} if r is not None else {}
                await conn.response.create(**defaults, input=inp, **prev)
                while True:
                    ev = await conn.recv()
                    if ev.type == "response.completed":
                        r = ev.response
                        break
                    if ev.type == "error":
                        raise RuntimeError(f"error event: {ev}")
                inp = self._step(r, k, calls)
        return calls, r.output_text, r.id

    openai_http = oxide_http
    openai_ws_connect = oxide_ws_connect


class Worker:
    def __init__(self, mode: str, base: str) -> None:
        self.loop_fx = build()
        self.aloop = asyncio.new_event_loop()
        asyncio.set_event_loop(self.aloop)
        self.runner = Runner(mode, base, self.loop_fx)
        self.aloop.run_until_complete(self.runner.start())
        self.expected: Answer = (
            [(c[0], c[1], c[2]) for c in self.loop_fx.steps],
            self.loop_fx.text,
            self.loop_fx.ids[-1],
        )

    def round(self, scenario: str, n: int) -> dict[str, Any]:
        reason = self.runner.skip_reason()
        if reason:
            return {"skip": reason}
        route, agents = SCENARIO_ROUTES[scenario]
        out: list[Answer] = []
        gc.collect()

        async def timed() -> tuple[float, float]:
            c0, w0 = time.process_time(), time.perf_counter()
            for _ in range(n):
                out.extend(await self.runner.unit(route, agents))
            return time.process_time() - c0, time.perf_counter() - w0

        cpu, wall = self.aloop.run_until_complete(timed())
        if len(out) != n * agents:
            raise WrongAnswer(f"{len(out)} tasks answered, expected {n * agents}")
        for got in out:
            if (list(got[0]), got[1], got[2]) != (list(self.expected[0]), *self.expected[1:]):
                raise WrongAnswer(f"wrong task answer: {repr(got)[:300]}")
        return {"cpu": cpu, "wall": wall, "calls": n * agents * TURNS}

    def close(self) -> None:
        self.aloop.run_until_complete(self.runner.close())
        self.aloop.close()


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="one WebSocket-mode benchmark client")
    parser.add_argument("--mode", required=True, choices=MODES)
    parser.add_argument("--base", required=True, help="http://127.0.0.1:PORT")
    parser.add_argument("--cpu", type=int, default=None)
    args = parser.parse_args(argv)
    if args.cpu is not None and hasattr(os, "sched_setaffinity"):
        try:
            os.sched_setaffinity(0, {args.cpu})
        except OSError:
            pass
    os.environ.pop("OXIDE_NO_EXTENSIONS", None)
    proto = os.fdopen(os.dup(1), "wb", buffering=0)
    os.dup2(2, 1)
    sys.stdout = sys.stderr

    def reply(obj: Any) -> None:
        proto.write(orjson.dumps(obj) + b"\n")

    try:
        worker = Worker(args.mode, args.base)
        note: dict[str, Any] = {}
        if args.mode.startswith("oxide"):
            import oxide._speedups as sp

            note["speedups"] = sp.IMPLEMENTATION
        reply({"ready": True, "pid": os.getpid(), **note})
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
                reply(worker.round(cmd["scenario"], cmd["n"]))
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
