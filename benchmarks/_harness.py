"""The coordinator: starts the mock server and one worker process per client, runs each
scenario in interleaved rounds, and turns the samples into per-call numbers and ratios.

Measurement, in one paragraph: a *round* asks one worker to run N units of a scenario (N calls,
N streams, N agent loops...) and the worker reports the `time.process_time()` and
`time.perf_counter()` it spent, measured inside its own process around the calls only. Rounds
are interleaved: round k runs every client once, in an order rotated by k, so machine drift and
noisy neighbours hit every client alike. Each client's per-call CPU in a round is divided by the
floor's in the *same* round, and the reported ratio is the median of those per-round ratios.
The first `warmup` rounds are run and thrown away (imports, lazy decoders, pool fill).

pytest-benchmark is the recorder: `record()` replays a client's per-call CPU samples through
`benchmark.pedantic` with `worker_cpu_time` as the timer (a `@pytest.mark.benchmark(timer=...)`
option), so its tables and `--benchmark-json` hold exactly these numbers; wall times, ratios and
the rest go in `benchmark.extra_info`. `summary()` is the JSON the chart and README are made from.
"""

from __future__ import annotations

import os
import platform
import select
import statistics
import subprocess
import sys
import time
import urllib.request
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import orjson

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

from _worker import (  # noqa: E402
    AIOHTTP_PATH,
    CLIENTS,
    CONCURRENCY_CALLS,
    CONCURRENCY_TASKS,
    NOT_IMPLEMENTED,
    PURE,
)

FLOOR = "floor"
FLOOR_ENC = "floor-enc"
OXIDE = "oxide-async"  # the client the targets are checked for
SDK = "openai-async"  # "the official SDK" in the memory target

LABELS = {
    "floor": "floor (aiohttp+orjson, pre-encoded)",
    "floor-enc": "floor + orjson.dumps(request)",
    "floor-proto": "bare asyncio.Protocol HTTP/1.1 + orjson",
    "oxide-async": "oxide AsyncOpenAI",
    "oxide-async-aio": "oxide AsyncOpenAI, aiohttp path",
    "oxide-async-uvloop": "oxide AsyncOpenAI on uvloop",
    "oxide-sync": "oxide OpenAI (sync)",
    "oxide-async-py": "oxide AsyncOpenAI, no ext",
    "oxide-sync-py": "oxide OpenAI (sync), no ext",
    "oxide-official": "oxide.official AsyncOpenAI",
    "openai-async": "openai AsyncOpenAI (httpx2)",
    "openai-aiohttp": "openai AsyncOpenAI (aiohttp)",
    "openai-sync": "openai OpenAI (sync)",
}


@dataclass(frozen=True)
class Scenario:
    name: str
    title: str
    unit: str  # what one "call" is
    n: int  # at most this many units per round (each client's count is sized to ROUND_SECONDS)
    rounds: int
    warmup: int = 2  # rounds run and discarded; each one re-sizes the client's units per round
    round_s: float = 0.06  # each client's round is sized to take about this long (wall)
    target: float | None = None  # max CPU ratio to floor-enc for oxide (min for throughput)
    floor_scenario: str | None = None  # what the floors run in these rounds, if not this
    throughput: bool = False  # calls/s matter; the warm-up round is a light one
    calls_per_unit: int = 1
    # A client whose unit takes longer than `slow_unit_s` runs only the first `slow_rounds`
    # measured rounds (the official SDK in the concurrency scenario: 5-11 s per round), so the
    # fast clients can have more rounds in the same time. Ratios pair samples by round number.
    slow_unit_s: float | None = None
    slow_rounds: int = 0


SCENARIOS: dict[str, Scenario] = {
    s.name: s
    for s in (
        Scenario("chat_tiny", "tiny chat completion", "call", n=60, rounds=10, target=0.5),
        Scenario("chat_heavy", "heavy request (320 msgs, 42 tools, 670 KB)", "call", n=20, rounds=10, target=1.5),
        Scenario("chat_stream", "chat stream, 114 chunks, typed", "stream", n=30, rounds=10, target=0.85),
        Scenario(
            "chat_stream_helper",
            "chat stream through .stream() helper",
            "stream",
            n=30,
            rounds=10,
            target=2.5,
            floor_scenario="chat_stream",
        ),
        Scenario("agent_loop", "agent loop, 20 sequential calls", "call", n=3, rounds=10, target=0.85, calls_per_unit=20),
        Scenario(
            "concurrency",
            f"{CONCURRENCY_TASKS} tasks x {CONCURRENCY_CALLS} calls",
            "call",
            n=1,
            rounds=7,
            warmup=1,  # a light one: 256 tasks x 1 call
            slow_unit_s=1.5,
            slow_rounds=2,
            target=4.0,
            throughput=True,
            calls_per_unit=CONCURRENCY_TASKS * CONCURRENCY_CALLS,
        ),
        Scenario("responses", "Responses API, non-stream", "call", n=60, rounds=10, target=0.5),
        Scenario("responses_stream", "Responses API stream, 100 events", "stream", n=30, rounds=10, target=0.85),
        Scenario("embeddings_float", "embeddings 1536 floats, float JSON", "call", n=60, rounds=10, target=0.5),
        Scenario("embeddings_base64", "embeddings 1536 floats, base64", "call", n=60, rounds=10, target=0.5),
    )
}  # fmt: skip
QUICK_ROUND_FACTOR = 0.5  # --bench-quick: shorter rounds, a third of them

IMPORTS = {
    # name -> (statement, extra env)
    "aiohttp+msgspec+orjson": ("import aiohttp, msgspec, orjson", {}),
    "oxide": ("import oxide", {}),
    "oxide (no ext)": ("import oxide", {"OXIDE_NO_EXTENSIONS": "1"}),
    "openai": ("import openai", {}),
}
IMPORT_TARGET = 1.3
MEMORY_CLIENTS = (
    "floor",
    "oxide-async",
    "oxide-sync",
    "oxide-async-py",
    "openai-async",
    "openai-aiohttp",
    "openai-sync",
)
MEMORY_TARGET = 0.4
# Completions are the same pydantic objects whatever the openai transport: held-completion memory
# is measured once for the SDK's async and sync clients, not again through the aiohttp transport.
MEMORY_NO_HELD = ("openai-aiohttp",)

# ---------------------------------------------------------------------------------------------
# The replay timer pytest-benchmark reads (see record())

_replay: list[float] = []
_clock = {"t": 0.0, "i": 0, "started": False}


def worker_cpu_time() -> float:
    """A clock that advances, per pedantic round, by the next recorded per-call CPU sample.

    pytest-benchmark's pedantic mode calls its timer exactly twice per round (before and after
    the target), so the start call returns the current value and the end call adds one sample.
    """
    if not _clock["started"]:
        _clock["started"] = True
        return _clock["t"]
    _clock["started"] = False
    _clock["t"] += _replay[_clock["i"]]
    _clock["i"] += 1
    return _clock["t"]


def _load_replay(samples: list[float]) -> None:
    _replay[:] = samples
    _clock.update(t=0.0, i=0, started=False)


def _median(xs: list[float]) -> float:
    return statistics.median(xs) if xs else float("nan")


# ---------------------------------------------------------------------------------------------


class WorkerProc:
    def __init__(self, kind: str, base: str, cpu: int | None, timeout: float) -> None:
        self.kind = kind
        self.timeout = timeout
        env = dict(os.environ)
        env.pop("OXIDE_NO_EXTENSIONS", None)
        if kind in PURE:
            env["OXIDE_NO_EXTENSIONS"] = "1"
        env.pop("OXIDE_FAST_PATH", None)
        if kind in AIOHTTP_PATH:
            env["OXIDE_FAST_PATH"] = "0"
        cmd = [sys.executable, str(HERE / "_worker.py"), "--client", kind, "--base", base]
        if cpu is not None:
            cmd += ["--cpu", str(cpu)]
        self.proc = subprocess.Popen(cmd, stdin=subprocess.PIPE, stdout=subprocess.PIPE, env=env)
        self.info: dict[str, Any] = {}

    def read(self, timeout: float | None = None) -> dict[str, Any]:
        assert self.proc.stdout is not None
        ready, _, _ = select.select([self.proc.stdout], [], [], timeout or self.timeout)
        if not ready:
            self.kill()
            return {"error": f"{self.kind}: no answer within {timeout or self.timeout:.0f} s"}
        line = self.proc.stdout.readline()
        if not line:
            return {"error": f"{self.kind}: worker exited (code {self.proc.poll()})"}
        return orjson.loads(line)

    def ask(self, cmd: dict[str, Any]) -> dict[str, Any]:
        if self.proc.poll() is not None:
            return {"error": f"{self.kind}: worker is not running"}
        assert self.proc.stdin is not None
        self.proc.stdin.write(orjson.dumps(cmd) + b"\n")
        self.proc.stdin.flush()
        return self.read()

    def close(self) -> None:
        if self.proc.poll() is None:
            try:
                self.ask({"op": "exit"})
                self.proc.wait(10)
            except Exception:
                self.kill()
        self._close_pipes()

    def kill(self) -> None:
        if self.proc.poll() is None:
            self.proc.kill()
            self.proc.wait()
        self._close_pipes()

    def _close_pipes(self) -> None:
        for pipe in (self.proc.stdin, self.proc.stdout):
            if pipe is not None and not pipe.closed:
                try:
                    pipe.close()
                except OSError:
                    pass


@dataclass
class ClientResult:
    client: str
    cpu: list[float] = field(default_factory=list)  # seconds per call, one per round
    wall: list[float] = field(default_factory=list)
    units: list[int] = field(default_factory=list)  # units run in each round
    rounds_run: list[int] = field(default_factory=list)  # the measured round number of each sample
    skip: str | None = None
    error: str | None = None
    ratio_cpu: float | None = None  # median per-round ratio to the floor
    ratio_cpu_enc: float | None = None  # ... to floor-enc
    ratio_wall_enc: float | None = None
    calls_per_s: float | None = None
    ratio_calls_per_s_enc: float | None = None

    def as_dict(self) -> dict[str, Any]:
        d: dict[str, Any] = {"label": LABELS[self.client]}
        if self.skip:
            d["skip"] = self.skip
        if self.error:
            d["error"] = self.error
        if self.cpu:
            d.update(
                cpu_us=_median(self.cpu) * 1e6,
                cpu_us_min=min(self.cpu) * 1e6,
                wall_us=_median(self.wall) * 1e6,
                rounds=len(self.cpu),
                units_per_round=self.units[0] if self.units else None,
                cpu_us_samples=[round(x * 1e6, 3) for x in self.cpu],
                wall_us_samples=[round(x * 1e6, 3) for x in self.wall],
                ratio_cpu_floor=self.ratio_cpu,
                ratio_cpu_floor_enc=self.ratio_cpu_enc,
                ratio_wall_floor_enc=self.ratio_wall_enc,
            )
            if self.calls_per_s is not None:
                d.update(
                    calls_per_s=self.calls_per_s,
                    ratio_calls_per_s_floor_enc=self.ratio_calls_per_s_enc,
                )
        return d


@dataclass
class ScenarioResult:
    scenario: Scenario
    clients: dict[str, ClientResult]
    server: dict[str, Any]
    seconds: float


class Bench:
    def __init__(
        self,
        *,
        quick: bool = False,
        clients: tuple[str, ...] = CLIENTS,
        round_timeout: float = 300.0,
        ws_costs: tuple[float, float, float] = (20.0, 50.0, 5.0),
    ) -> None:
        self.quick = quick
        self.clients = tuple(c for c in CLIENTS if c in clients)
        for must in (FLOOR, FLOOR_ENC):
            if must not in self.clients:
                self.clients = (must, *self.clients)
        self.round_timeout = round_timeout
        self.results: dict[str, ScenarioResult] = {}
        self.imports: dict[str, Any] | None = None
        self.memory: dict[str, Any] | None = None
        # The Responses WebSocket-mode scenarios (`_ws_bench.WsBench`, made on first use) and
        # the realistic server costs they use: latency, setup, state load (ms).
        self.ws: Any = None
        self.ws_costs = ws_costs
        self.server: subprocess.Popen[bytes] | None = None
        self.base = ""
        self.workers: dict[str, WorkerProc] = {}
        self.worker_info: dict[str, Any] = {}
        self.started = time.time()
        self.notes: list[str] = []
        cpus = sorted(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else []
        self.all_cpus = set(cpus)
        if len(cpus) >= 2:
            self.client_cpu: int | None = cpus[0]
            self.server_cpu: int | None = cpus[1]
        else:
            self.client_cpu = self.server_cpu = None
            self.notes.append("fewer than 2 CPUs available: client and server are not pinned apart")

    # -- processes --------------------------------------------------------------------------

    def start_server(self) -> None:
        if self.server is not None:
            return
        cmd = [sys.executable, str(HERE / "server.py"), "--port", "0"]
        if self.server_cpu is not None:
            cmd += ["--cpu", str(self.server_cpu)]
        self.server = subprocess.Popen(cmd, stdout=subprocess.PIPE)
        assert self.server.stdout is not None
        line = self.server.stdout.readline().decode()
        if not line.startswith("READY "):
            raise RuntimeError(f"benchmark server did not start: {line!r}")
        self.base = f"http://127.0.0.1:{int(line.split()[1])}"
        if self.client_cpu is not None:
            # The coordinator mostly waits; keep it off the server's core.
            os.sched_setaffinity(0, {self.client_cpu})

    def start_workers(self) -> None:
        if self.workers:
            return
        self.start_server()
        procs = {
            k: WorkerProc(k, self.base, self.client_cpu, self.round_timeout) for k in self.clients
        }
        for kind, proc in procs.items():
            info = proc.read(timeout=120)
            if "error" in info:
                proc.kill()
                self.worker_info[kind] = {"error": info["error"]}
                continue
            self.workers[kind] = proc
            self.worker_info[kind] = info
            want = "py" if kind in PURE else "c"
            got = info.get("speedups")
            if got is not None and got != want:
                self.notes.append(
                    f"{kind}: oxide speedups are {got!r}, expected {want!r} "
                    "(is the extension built? `make build`)"
                )

    def _all_cpus(self) -> None:
        # Children inherit the coordinator's pinning; memory runs may use every core.
        if self.all_cpus:
            os.sched_setaffinity(0, self.all_cpus)

    def server_stats(self) -> dict[str, Any]:
        with urllib.request.urlopen(self.base + "/__stats", timeout=10) as resp:
            return orjson.loads(resp.read())

    def close(self) -> None:
        if self.ws is not None:
            self.ws.close()
        for w in self.workers.values():
            w.close()
        self.workers.clear()
        if self.all_cpus:
            os.sched_setaffinity(0, self.all_cpus)  # the coordinator pinned itself in start_server
        if self.server is not None:
            if self.server.poll() is None:
                self.server.terminate()
                try:
                    self.server.wait(10)
                except subprocess.TimeoutExpired:
                    self.server.kill()
                    self.server.wait()
            if self.server.stdout is not None:
                self.server.stdout.close()
        self.server = None

    # -- scenarios --------------------------------------------------------------------------

    def scenario(self, name: str) -> ScenarioResult:
        if name not in self.results:
            self.results[name] = self._run(SCENARIOS[name])
        return self.results[name]

    def _run(self, sc: Scenario) -> ScenarioResult:
        self.start_workers()
        rounds = max(3, sc.rounds // 3) if self.quick else sc.rounds
        slow_rounds = min(rounds, sc.slow_rounds)
        slow: set[str] = set()
        budget = sc.round_s * (QUICK_ROUND_FACTOR if self.quick else 1.0)
        results = {k: ClientResult(k) for k in self.clients}
        for kind, info in self.worker_info.items():
            if "error" in info:
                results[kind].error = info["error"]
        order = [k for k in self.clients if k in self.workers]
        # Warm-up rounds use a few units; then each client's units per round are sized so its
        # round takes about `budget` seconds: fast clients do many calls per round, the slow
        # ones few, and every client still gets the same number of interleaved rounds.
        units = {k: min(sc.n, 3) if sc.warmup > 1 else 1 for k in order}
        t0 = time.perf_counter()
        srv0 = self.server_stats()
        for r in range(sc.warmup + rounds):
            k = r % len(order)
            for kind in order[k:] + order[:k]:
                res = results[kind]
                if res.skip or res.error:
                    continue
                if kind in slow and r - sc.warmup >= slow_rounds:
                    continue
                scenario = sc.name
                if kind.startswith("floor") and sc.floor_scenario:
                    scenario = sc.floor_scenario
                n = units[kind]
                cmd = {"op": "round", "scenario": scenario, "n": n}
                if sc.throughput and r < sc.warmup:
                    cmd["light"] = True
                reply = self.workers[kind].ask(cmd)
                if "skip" in reply:
                    res.skip = reply["skip"]
                elif "error" in reply:
                    res.error = reply["error"]
                else:
                    if r >= sc.warmup:
                        res.cpu.append(reply["cpu"] / reply["calls"])
                        res.wall.append(reply["wall"] / reply["calls"])
                        res.units.append(n)
                        res.rounds_run.append(r - sc.warmup)
                    else:
                        # wall per full unit (a light warm-up does 1/8 of the calls)
                        per_unit = reply["wall"] / reply["calls"] * sc.calls_per_unit
                        if not sc.throughput:
                            units[kind] = max(1, min(sc.n, round(budget / max(per_unit, 1e-6))))
                        if sc.slow_unit_s is not None and per_unit > sc.slow_unit_s:
                            slow.add(kind)
        srv1 = self.server_stats()
        seconds = time.perf_counter() - t0
        self._ratios(sc, results)
        server = {
            "cpu_s": srv1["cpu"] - srv0["cpu"],
            "wall_s": srv1["wall"] - srv0["wall"],
            "busy": (srv1["cpu"] - srv0["cpu"]) / max(1e-9, srv1["wall"] - srv0["wall"]),
            "routes": srv1["routes"],
        }
        return ScenarioResult(sc, results, server, seconds)

    @staticmethod
    def _ratios(sc: Scenario, results: dict[str, ClientResult]) -> None:
        floor, enc = results[FLOOR], results[FLOOR_ENC]

        def per_round(
            a: ClientResult, b: ClientResult, metric: str, invert: bool = False
        ) -> float | None:
            """Median over the rounds both ran of a's metric / b's (b's / a's if invert)."""
            xs = dict(zip(a.rounds_run, getattr(a, metric), strict=True))
            ys = dict(zip(b.rounds_run, getattr(b, metric), strict=True))
            pairs = [(xs[r], ys[r]) for r in xs if r in ys]
            if not pairs:
                return None
            return _median([y / x if invert else x / y for x, y in pairs])

        for res in results.values():
            if not res.cpu:
                continue
            res.ratio_cpu = per_round(res, floor, "cpu")
            res.ratio_cpu_enc = per_round(res, enc, "cpu")
            res.ratio_wall_enc = per_round(res, enc, "wall")
            if sc.throughput:
                res.calls_per_s = 1.0 / _median(res.wall)
                # calls/s ratio = the inverse wall-per-call ratio, paired per round
                res.ratio_calls_per_s_enc = per_round(res, enc, "wall", invert=True)

    # -- import time ------------------------------------------------------------------------

    def import_times(self) -> dict[str, Any]:
        if self.imports is not None:
            return self.imports
        rounds = 3 if self.quick else 8
        code = (
            "import time; c0 = time.process_time(); w0 = time.perf_counter()\n"
            "{stmt}\n"
            "print(time.perf_counter() - w0, time.process_time() - c0)"
        )
        samples: dict[str, dict[str, list[float]]] = {k: {"wall": [], "cpu": []} for k in IMPORTS}
        names = list(IMPORTS)
        if self.client_cpu is not None:
            os.sched_setaffinity(0, {self.client_cpu})
        for r in range(rounds + 1):
            k = r % len(names)
            for name in names[k:] + names[:k]:
                stmt, extra = IMPORTS[name]
                env = dict(os.environ)
                env.pop("OXIDE_NO_EXTENSIONS", None)
                env.update(extra)
                out = subprocess.run(
                    [sys.executable, "-c", code.format(stmt=stmt)],
                    env=env,
                    capture_output=True,
                    check=True,
                    cwd=str(HERE.parent),
                )
                wall, cpu = map(float, out.stdout.split())
                if r > 0:  # round 0 warms the page cache and the .pyc files
                    samples[name]["wall"].append(wall)
                    samples[name]["cpu"].append(cpu)
        base = samples["aiohttp+msgspec+orjson"]
        result: dict[str, Any] = {}
        for name, s in samples.items():
            result[name] = {
                "wall_ms": _median(s["wall"]) * 1e3,
                "cpu_ms": _median(s["cpu"]) * 1e3,
                "wall_ms_samples": [round(x * 1e3, 3) for x in s["wall"]],
                "cpu_ms_samples": [round(x * 1e3, 3) for x in s["cpu"]],
                # paired per round, like the scenarios; the target is checked on CPU time
                "ratio_to_base": _median(
                    [a / b for a, b in zip(s["cpu"], base["cpu"], strict=False)]
                ),
                "ratio_to_base_wall": _median(
                    [a / b for a, b in zip(s["wall"], base["wall"], strict=False)]
                ),
            }
        self.imports = {"rounds": rounds, "variants": result, "target": IMPORT_TARGET}
        return self.imports

    # -- memory -----------------------------------------------------------------------------

    def memory_usage(self) -> dict[str, Any]:
        if self.memory is not None:
            return self.memory
        self.start_server()
        clients = 10 if self.quick else 30
        held = 300 if self.quick else 1000
        out: dict[str, Any] = {}
        running: list[tuple[str, subprocess.Popen[bytes], float]] = []
        todo = [k for k in MEMORY_CLIENTS if k in self.clients]

        def finish(kind: str, proc: subprocess.Popen[bytes], t0: float) -> None:
            stdout, stderr = proc.communicate(timeout=600)
            try:
                reply = orjson.loads(stdout.splitlines()[-1])
            except Exception:
                reply = {"error": stderr.decode(errors="replace")[-2000:]}
            reply["seconds"] = time.perf_counter() - t0
            out[kind] = reply

        # Memory is not a timing: two measurements run at once (unpinned) to save time.
        while todo or running:
            while todo and len(running) < 2:
                kind = todo.pop(0)
                env = dict(os.environ)
                env.pop("OXIDE_NO_EXTENSIONS", None)
                if kind in PURE:
                    env["OXIDE_NO_EXTENSIONS"] = "1"
                cmd = [
                    sys.executable, str(HERE / "_worker.py"), "--client", kind, "--base", self.base,
                    "--memory", "--memory-clients", str(clients),
                    "--memory-held", str(0 if kind in MEMORY_NO_HELD else held),
                ]  # fmt: skip
                proc = subprocess.Popen(
                    cmd,
                    env=env,
                    stdout=subprocess.PIPE,
                    stderr=subprocess.PIPE,
                    preexec_fn=self._all_cpus,  # noqa: PLW1509 - single-threaded parent
                )
                running.append((kind, proc, time.perf_counter()))
            kind, proc, t0 = running.pop(0)
            finish(kind, proc, t0)
        out = {k: out[k] for k in MEMORY_CLIENTS if k in out}
        sdk = out.get(SDK, {}).get("completion_bytes")
        for reply in out.values():
            if sdk and "completion_bytes" in reply:
                reply["completion_ratio_to_openai"] = reply["completion_bytes"] / sdk
        self.memory = {"clients": clients, "held": held, "by_client": out, "target": MEMORY_TARGET}
        return self.memory

    # -- output -----------------------------------------------------------------------------

    def targets(self) -> list[dict[str, Any]]:
        rows = []
        for name in SCENARIOS:
            res = self.results.get(name)
            if res is None:
                continue
            sc = res.scenario
            if sc.target is None:
                continue
            for kind in ("oxide-async", "oxide-sync"):
                cr = res.clients.get(kind)
                if cr is None:
                    continue
                row: dict[str, Any] = {"scenario": name, "client": kind, "target": sc.target}
                if cr.skip:
                    row.update(status=NOT_IMPLEMENTED if NOT_IMPLEMENTED in cr.skip else "skipped")
                elif cr.error or not cr.cpu:
                    row.update(status="error")
                elif sc.throughput:
                    v = cr.ratio_calls_per_s_enc
                    row.update(
                        metric="calls/s vs floor-enc (>=)", value=v, met=bool(v and v >= sc.target)
                    )
                else:
                    v = cr.ratio_cpu_enc
                    row.update(
                        metric="CPU/call vs floor-enc (<=)", value=v, met=bool(v and v <= sc.target)
                    )
                rows.append(row)
        if self.imports:
            v = self.imports["variants"]["oxide"]["ratio_to_base"]
            rows.append(
                {
                    "scenario": "import",
                    "client": "oxide",
                    "metric": "import CPU time vs aiohttp+msgspec+orjson (<=)",
                    "target": IMPORT_TARGET,
                    "value": v,
                    "met": v <= IMPORT_TARGET,
                }
            )
        if self.memory:
            for kind in ("oxide-async", "oxide-sync"):
                v = self.memory["by_client"].get(kind, {}).get("completion_ratio_to_openai")
                if v is not None:
                    rows.append(
                        {
                            "scenario": "memory",
                            "client": kind,
                            "metric": "bytes per held completion vs openai (<=)",
                            "target": MEMORY_TARGET,
                            "value": v,
                            "met": v <= MEMORY_TARGET,
                        }
                    )
        if self.ws is not None:
            rows.extend(self.ws.targets())
        return rows

    def summary(self, command: str = "") -> dict[str, Any]:
        import aiohttp
        import msgspec
        import openai

        import oxide

        try:
            cpu_model = next(
                line.split(":", 1)[1].strip()
                for line in Path("/proc/cpuinfo").read_text().splitlines()
                if line.startswith("model name")
            )
        except Exception:
            cpu_model = platform.processor()
        return {
            "meta": {
                "date": time.strftime("%Y-%m-%d %H:%M:%S %Z", time.localtime(self.started)),
                "command": command,
                "quick": self.quick,
                "duration_s": time.time() - self.started,
                "machine": {
                    "cpu": cpu_model,
                    "cpus": os.cpu_count(),
                    "client_cpu": self.client_cpu,
                    "server_cpu": self.server_cpu,
                    "platform": platform.platform(),
                    "python": sys.version.split()[0],
                },
                "versions": {
                    "oxide": oxide.__version__,
                    "openai": openai.__version__,
                    "aiohttp": aiohttp.__version__,
                    "msgspec": msgspec.__version__,
                    "orjson": orjson.__version__,
                },
                "workers": self.worker_info,
                "notes": self.notes,
            },
            "scenarios": {
                name: {
                    "title": res.scenario.title,
                    "unit": res.scenario.unit,
                    "max_units_per_round": res.scenario.n,
                    "calls_per_unit": res.scenario.calls_per_unit,
                    "target": res.scenario.target,
                    "throughput": res.scenario.throughput,
                    "floor_runs": res.scenario.floor_scenario or name,
                    "seconds": res.seconds,
                    "server": res.server,
                    "clients": {k: v.as_dict() for k, v in res.clients.items()},
                }
                for name, res in sorted(
                    self.results.items(), key=lambda kv: list(SCENARIOS).index(kv[0])
                )
            },
            "imports": self.imports,
            "memory": self.memory,
            "websocket": self.ws.summary() if self.ws is not None else None,
            "targets": self.targets(),
        }


def record(benchmark: Any, result: ScenarioResult, client: str) -> None:
    """Put one client's samples of one scenario into pytest-benchmark (see module doc)."""
    import pytest

    cr = result.clients[client]
    sc = result.scenario
    benchmark.group = sc.name
    d = cr.as_dict()
    d.pop("cpu_us_samples", None)
    benchmark.extra_info.update(
        {
            "scenario": sc.name,
            "client": client,
            "unit": sc.unit,
            "calls_per_unit": sc.calls_per_unit,
        }
    )
    benchmark.extra_info.update(d)
    if cr.skip:
        pytest.skip(cr.skip)
    if cr.error:
        pytest.fail(f"{client} failed in {sc.name}:\n{cr.error}", pytrace=False)
    if not cr.cpu:
        pytest.fail(f"{client}: no samples in {sc.name}", pytrace=False)
    _load_replay(cr.cpu)
    benchmark.pedantic(lambda: None, rounds=len(cr.cpu), iterations=1)
