"""Responses WebSocket mode vs HTTP: the coordinator of the tool-loop scenarios (issue 11, item 7).

The same method as `_harness.py`: one process per client mode (`_ws_worker.py`, pinned to the
client core), interleaved rounds in an order rotated every round, warm-up rounds discarded,
CPU time per turn (`time.process_time()` of the worker process) as the primary metric, ratios
paired by round and reported as the median over rounds. The server is `server.py` (its tool-loop
routes: `/loop` has no costs, `/loopreal` the realistic ones, see its docstring).

Scenarios (`WS_SCENARIOS`): a unit is one agent task of 20 turns, or one batch of 200 tasks run
concurrently; the worker reports CPU per turn, the coordinator also keeps wall per unit.

    ws_loop         one task at a time, server costs all zero (what the client costs)
    ws_loop_real    one task at a time, realistic costs (latency / setup / state load)
    ws_agents       200 concurrent tasks: one AsyncOpenAI over HTTP vs a 64-socket session pool
    ws_agents_real  the same with realistic costs
"""

from __future__ import annotations

import os
import subprocess
import sys
import time
import urllib.request
from dataclasses import dataclass, field
from typing import Any

import orjson
from _harness import HERE, Bench, WorkerProc, _load_replay, _median
from _ws_fixtures import TURNS, build
from _ws_worker import AGENTS, MODES, POOL_SIZE

LABELS = {
    "floor-http": "floor HTTP (aiohttp+orjson)",
    "floor-sse": "floor HTTP stream (aiohttp+orjson, SSE)",
    "floor-ws": "floor WebSocket (aiohttp ws+orjson)",
    "oxide-http": "oxide responses.create (HTTP)",
    "oxide-http-stream": "oxide responses.create(stream=True) (HTTP)",
    "oxide-ws-session": "oxide responses.session().create (WS, socket per task)",
    "oxide-ws-pool": "oxide session_pool().session().create (WS, warm sockets)",
    "oxide-ws-pool-200": "oxide session_pool(size=200) (WS, a warm socket per agent)",
    "oxide-ws-connect": "oxide responses.connect() + recv (WS, socket per task)",
    "openai-http": "openai responses.create (HTTP, httpx2)",
    "openai-ws-connect": "openai responses.connect() + recv (WS)",
}
HTTP, HTTP_STREAM = "oxide-http", "oxide-http-stream"
# The floor of the same transport, for each mode's ratio to a floor.
FLOOR_OF = {
    "floor-http": "floor-http",
    "oxide-http": "floor-http",
    "openai-http": "floor-http",
    "floor-sse": "floor-sse",
    "oxide-http-stream": "floor-sse",
    "floor-ws": "floor-ws",
    "oxide-ws-session": "floor-ws",
    "oxide-ws-pool": "floor-ws",
    "oxide-ws-pool-200": "floor-ws",
    "oxide-ws-connect": "floor-ws",
    "openai-ws-connect": "floor-ws",
}
WS_MODES = ("oxide-ws-session", "oxide-ws-pool", "oxide-ws-connect")
REAL_COSTS = (20.0, 50.0, 5.0)  # latency, setup, state load (ms): `--bench-ws-costs`


@dataclass(frozen=True)
class WsScenario:
    name: str
    title: str
    route: str
    agents: int
    modes: tuple[str, ...]
    n: int  # at most this many units per round
    rounds: int
    warmup: int
    round_s: float  # each mode's round is sized to about this long (wall)
    procs: int = 1  # processes per mode, used in turn (see `WsBench`)


_LOOP_MODES = tuple(m for m in MODES if m != "oxide-ws-pool-200")
_REAL_MODES = ("oxide-http", "oxide-http-stream", *WS_MODES)
_AGENT_MODES = ("oxide-http", "oxide-http-stream", "oxide-ws-pool")

WS_SCENARIOS: dict[str, WsScenario] = {
    s.name: s
    for s in (
        WsScenario("ws_loop", "20-turn tool loop, server costs zero", "loop", 1, _LOOP_MODES,
                   n=12, rounds=12, warmup=2, round_s=0.08, procs=3),
        WsScenario("ws_loop_real", "20-turn tool loop, realistic server costs", "loopreal", 1,
                   _REAL_MODES, n=1, rounds=5, warmup=1, round_s=0.0),
        WsScenario("ws_agents", f"{AGENTS} concurrent loops, server costs zero", "loop", AGENTS,
                   _AGENT_MODES, n=1, rounds=4, warmup=1, round_s=0.0, procs=2),
        WsScenario("ws_agents_real", f"{AGENTS} concurrent loops, realistic server costs",
                   "loopreal", AGENTS, (*_AGENT_MODES, "oxide-ws-pool-200"), n=1, rounds=3,
                   warmup=1, round_s=0.0),
    )
}  # fmt: skip


class ModeProc(WorkerProc):
    """A `_ws_worker.py` process (the harness's pipe protocol, another script)."""

    def __init__(self, mode: str, base: str, cpu: int | None, timeout: float, index: int) -> None:
        self.kind = mode
        self.timeout = timeout
        env = dict(os.environ)
        env.pop("OXIDE_NO_EXTENSIONS", None)
        # Process k of every mode gets the same hash seed (see WsBench).
        env["PYTHONHASHSEED"] = str(index + 1)
        cmd = [sys.executable, str(HERE / "_ws_worker.py"), "--mode", mode, "--base", base]
        if cpu is not None:
            cmd += ["--cpu", str(cpu)]
        self.proc = subprocess.Popen(cmd, stdin=subprocess.PIPE, stdout=subprocess.PIPE, env=env)
        self.info: dict[str, Any] = {}


@dataclass
class ModeResult:
    mode: str
    cpu: list[float] = field(default_factory=list)  # seconds per turn, one per round
    wall: list[float] = field(default_factory=list)  # seconds per unit (task or batch)
    units: list[int] = field(default_factory=list)
    rounds_run: list[int] = field(default_factory=list)
    skip: str | None = None
    error: str | None = None
    ratios: dict[str, float | None] = field(default_factory=dict)

    def as_dict(self, agents: int) -> dict[str, Any]:
        d: dict[str, Any] = {"label": LABELS[self.mode]}
        if self.skip:
            d["skip"] = self.skip
        if self.error:
            d["error"] = self.error
        if self.cpu:
            wall_key = "wall_ms_per_task" if agents == 1 else "wall_s_per_batch"
            scale = 1e3 if agents == 1 else 1.0
            d.update(
                cpu_us_per_turn=_median(self.cpu) * 1e6,
                cpu_us_per_turn_min=min(self.cpu) * 1e6,
                **{wall_key: _median(self.wall) * scale},
                wall_ms_per_turn=_median(self.wall) / (agents * TURNS) * 1e3,
                rounds=len(self.cpu),
                units_per_round=self.units[0] if self.units else None,
                cpu_us_samples=[round(x * 1e6, 3) for x in self.cpu],
                wall_samples=[round(x * scale, 6) for x in self.wall],
                **self.ratios,
            )
        return d


@dataclass
class WsResult:
    scenario: WsScenario
    modes: dict[str, ModeResult]
    server: dict[str, Any]
    costs_ms: dict[str, float]
    seconds: float


class WsBench:
    """The WebSocket-mode scenarios of one benchmark session (kept on `Bench.ws`).

    A scenario with `procs=K` runs each mode in K processes and round r in process r % K, with
    `PYTHONHASHSEED` k+1 for process k of every mode: how fast one process runs this code
    depends on its hash seed and memory layout by up to ±15 % (the same mode measured 290-380 µs
    per turn in fresh processes on the development machine), a bias that interleaving does not
    remove. Using several processes per mode averages it out, and ratios are paired between
    processes with the same seed. Warm-up rounds are per process (`warmup` x K)."""

    def __init__(self, bench: Bench, real_costs: tuple[float, float, float] = REAL_COSTS) -> None:
        self.bench = bench
        self.real_costs = real_costs
        self.workers: dict[tuple[str, int], ModeProc] = {}
        self.info: dict[str, Any] = {}  # mode -> the first process's ready message (or error)
        self.results: dict[str, WsResult] = {}
        self.costs: dict[str, dict[str, float]] = {}

    # -- processes and server ---------------------------------------------------------------

    def _start(self, modes: tuple[str, ...], procs: int) -> None:
        bench = self.bench
        if not self.costs:
            bench.start_server()
            for route, (a, b, c) in (("loop", (0.0, 0.0, 0.0)), ("loopreal", self.real_costs)):
                q = f"route={route}&latency_ms={a}&setup_ms={b}&state_ms={c}"
                with urllib.request.urlopen(f"{bench.base}/__costs?{q}", timeout=10) as resp:
                    self.costs = orjson.loads(resp.read())
        new = {
            (m, k): ModeProc(m, bench.base, bench.client_cpu, bench.round_timeout, k)
            for m in modes
            for k in range(procs)
            if (m, k) not in self.workers and "error" not in self.info.get(m, {})
        }
        for (mode, k), proc in new.items():
            info = proc.read(timeout=120)
            if "error" in info or mode not in self.info:
                self.info[mode] = info
            if "error" in info:
                proc.kill()
                continue
            self.workers[(mode, k)] = proc
            if mode.startswith("oxide") and info.get("speedups") != "c":
                bench.notes.append(
                    f"{mode}: oxide speedups are {info.get('speedups')!r}, expected 'c'"
                )

    def close(self) -> None:
        for w in self.workers.values():
            w.close()
        self.workers.clear()

    # -- a scenario ---------------------------------------------------------------------------

    def scenario(self, name: str) -> WsResult:
        if name in self.results:
            return self.results[name]
        sc = WS_SCENARIOS[name]
        self._start(sc.modes, sc.procs)
        quick = self.bench.quick
        rounds = max(2, sc.rounds // 2) if quick else sc.rounds
        budget = sc.round_s * (0.5 if quick else 1.0)
        results = {m: ModeResult(m) for m in sc.modes}
        for m in sc.modes:
            if "error" in self.info.get(m, {}):
                results[m].error = self.info[m]["error"]
        procs = sc.procs
        order = [m for m in sc.modes if all((m, k) in self.workers for k in range(procs))]
        units = dict.fromkeys(order, 1)
        warmup = sc.warmup * procs
        if procs > 1:
            rounds = -(-rounds // procs) * procs  # as many rounds in every process
        t0 = time.perf_counter()
        srv0 = self.bench.server_stats()
        for r in range(warmup + rounds):
            k = r % len(order)
            for mode in order[k:] + order[:k]:
                res = results[mode]
                if res.skip or res.error:
                    continue
                n = units[mode]
                worker = self.workers[(mode, r % procs)]
                reply = worker.ask({"op": "round", "scenario": name, "n": n})
                if "skip" in reply:
                    res.skip = reply["skip"]
                elif "error" in reply:
                    res.error = reply["error"]
                elif r >= warmup:
                    res.cpu.append(reply["cpu"] / reply["calls"])
                    res.wall.append(reply["wall"] / n)
                    res.units.append(n)
                    res.rounds_run.append(r - warmup)
                elif budget:
                    per_unit = reply["wall"] / n
                    units[mode] = max(1, min(sc.n, round(budget / max(per_unit, 1e-6))))
        srv1 = self.bench.server_stats()
        self._ratios(results)
        server = {
            "cpu_s": srv1["cpu"] - srv0["cpu"],
            "wall_s": srv1["wall"] - srv0["wall"],
            "busy": (srv1["cpu"] - srv0["cpu"]) / max(1e-9, srv1["wall"] - srv0["wall"]),
            "connections": srv1["connections"] - srv0["connections"],
        }
        out = WsResult(sc, results, server, self.costs[sc.route], time.perf_counter() - t0)
        self.results[name] = out
        return out

    @staticmethod
    def _ratios(results: dict[str, ModeResult]) -> None:
        def per_round(a: ModeResult, b: ModeResult | None, metric: str) -> float | None:
            if b is None or not b.cpu:
                return None
            xs = dict(zip(a.rounds_run, getattr(a, metric), strict=True))
            ys = dict(zip(b.rounds_run, getattr(b, metric), strict=True))
            pairs = [(xs[r], ys[r]) for r in xs if r in ys]
            return _median([x / y for x, y in pairs]) if pairs else None

        for res in results.values():
            if not res.cpu:
                continue
            http, stream = results.get(HTTP), results.get(HTTP_STREAM)
            res.ratios = {
                "ratio_cpu_http": per_round(res, http, "cpu"),
                "ratio_cpu_http_stream": per_round(res, stream, "cpu"),
                "ratio_wall_http": per_round(res, http, "wall"),
                "ratio_wall_http_stream": per_round(res, stream, "wall"),
                "ratio_cpu_floor": per_round(res, results.get(FLOOR_OF[res.mode]), "cpu"),
            }

    # -- output -------------------------------------------------------------------------------

    def targets(self) -> list[dict[str, Any]]:
        """The issue's targets: WebSocket CPU per turn <= HTTP's; no wall-time loss when the
        state-load cost is zero (the zero-cost loop). Checked against both HTTP forms."""
        rows: list[dict[str, Any]] = []
        checks = (
            ("ws_loop", "oxide-ws-session", "cpu", "CPU/turn"),
            ("ws_loop", "oxide-ws-session", "wall", "wall/task"),
            ("ws_agents", "oxide-ws-pool", "cpu", "CPU/turn"),
            ("ws_agents", "oxide-ws-pool", "wall", "wall"),
        )
        for name, mode, metric, what in checks:
            res = self.results.get(name)
            if res is None or mode not in res.modes:
                continue
            mr = res.modes[mode]
            for ref, key in (("HTTP stream", "_http_stream"), ("HTTP", "_http")):
                row: dict[str, Any] = {
                    "scenario": name,
                    "client": f"{mode} {what} vs {ref}",
                    "metric": f"{what} over WebSocket / over {ref} (<=)",
                    "target": 1.0,
                }
                v = mr.ratios.get(f"ratio_{metric}{key}")
                if mr.error or v is None:
                    row.update(status="error")
                else:
                    row.update(value=v, met=v <= 1.0)
                rows.append(row)
        return rows

    def summary(self) -> dict[str, Any]:
        fx = build()
        return {
            "turns": TURNS,
            "agents": AGENTS,
            "pool_size": POOL_SIZE,
            "costs_ms": self.costs,
            "events_per_turn": sorted({len(e) for e in fx.events}),
            "request_bytes": [len(orjson.dumps(fx.body(k))) for k in (0, TURNS - 1)],
            "response_bytes": [len(orjson.dumps(f)) for f in (fx.finals[0], fx.finals[-1])],
            "workers": self.info,
            "scenarios": {
                name: {
                    "title": res.scenario.title,
                    "route": res.scenario.route,
                    "agents": res.scenario.agents,
                    "costs_ms": res.costs_ms,
                    "seconds": res.seconds,
                    "server": res.server,
                    "modes": {m: v.as_dict(res.scenario.agents) for m, v in res.modes.items()},
                }
                for name, res in sorted(
                    self.results.items(), key=lambda kv: list(WS_SCENARIOS).index(kv[0])
                )
            },
        }


def ws_bench(bench: Bench) -> WsBench:
    if bench.ws is None:
        bench.ws = WsBench(bench, bench.ws_costs)
    ws: WsBench = bench.ws
    return ws


def record(benchmark: Any, result: WsResult, mode: str) -> None:
    """One mode's CPU-per-turn samples into pytest-benchmark (as `_harness.record`)."""
    import pytest

    mr = result.modes[mode]
    sc = result.scenario
    benchmark.group = sc.name
    d = mr.as_dict(sc.agents)
    d.pop("cpu_us_samples", None)
    benchmark.extra_info.update(
        {"scenario": sc.name, "client": mode, "unit": "turn", "costs_ms": result.costs_ms}
    )
    benchmark.extra_info.update(d)
    if mr.skip:
        pytest.skip(mr.skip)
    if mr.error:
        pytest.fail(f"{mode} failed in {sc.name}:\n{mr.error}", pytrace=False)
    if not mr.cpu:
        pytest.fail(f"{mode}: no samples in {sc.name}", pytrace=False)
    _load_replay(mr.cpu)
    benchmark.pedantic(lambda: None, rounds=len(mr.cpu), iterations=1)
