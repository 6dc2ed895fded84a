"""pytest plumbing for the client benchmarks (see benchmarks/README.md).

The scenario tests share one `Bench` per session: the mock server and the nine client worker
processes start on first use and stop at the end, when the summary JSON is written. Tests that
do not ask for `bench` (the micro-benchmarks in test_speedups_*.py / test_lib_*.py) start
nothing.

Options:
    --bench-quick            fewer rounds and calls (a smoke run, ~1/3 of the time)
    --bench-clients a,b,...  only these clients (the two floors are always run)
    --bench-summary PATH     where the summary JSON goes (default benchmarks/results/summary.json)
    --bench-ws-costs L,S,T   the realistic server costs of the WebSocket-mode scenarios, in ms:
                             latency, connection setup, state load (default 20,50,5)
"""

from __future__ import annotations

import shlex
import sys
from collections.abc import Iterator
from pathlib import Path

import orjson
import pytest

HERE = Path(__file__).resolve().parent
if str(HERE) not in sys.path:
    sys.path.insert(0, str(HERE))

from _harness import CLIENTS, SCENARIOS, Bench  # noqa: E402
from make_fixtures import build, check  # noqa: E402

_bench: Bench | None = None


def pytest_addoption(parser: pytest.Parser) -> None:
    group = parser.getgroup("oxide benchmarks")
    group.addoption("--bench-quick", action="store_true", help="fewer rounds (smoke run)")
    group.addoption(
        "--bench-clients",
        default=",".join(CLIENTS),
        help="comma-separated clients to run (floors always run): " + ", ".join(CLIENTS),
    )
    group.addoption(
        "--bench-summary",
        default=str(HERE / "results" / "summary.json"),
        help="summary JSON path (ratios, samples, targets)",
    )
    group.addoption(
        "--bench-ws-costs",
        default="20,50,5",
        help="WebSocket-mode scenarios' realistic server costs in ms: latency,setup,state_load",
    )


def pytest_configure(config: pytest.Config) -> None:
    # The fixtures are committed; regenerate them if the generator changed.
    files = build()
    stale = check(files)
    if stale:
        (HERE / "fixtures").mkdir(exist_ok=True)
        for name in stale:
            (HERE / "fixtures" / name).write_bytes(files[name])


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    """--bench-clients: the other clients' tests are deselected (floors always run)."""
    wanted = {c.strip() for c in config.getoption("--bench-clients").split(",") if c.strip()}
    wanted |= {"floor", "floor-enc"}
    keep, drop = [], []
    for item in items:
        client = getattr(item, "callspec", None) and item.callspec.params.get("client")
        (drop if client is not None and client not in wanted else keep).append(item)
    if drop:
        config.hook.pytest_deselected(items=drop)
        items[:] = keep


@pytest.fixture(scope="session")
def bench(request: pytest.FixtureRequest) -> Iterator[Bench]:
    global _bench
    import os

    if os.environ.get("PYTEST_XDIST_WORKER"):
        pytest.skip("the client benchmarks need one process: run them with -p no:xdist")
    config = request.config
    wanted = tuple(c.strip() for c in config.getoption("--bench-clients").split(",") if c.strip())
    unknown = set(wanted) - set(CLIENTS)
    if unknown:
        raise pytest.UsageError(f"unknown --bench-clients: {sorted(unknown)}")
    try:
        lat, setup, state = (float(v) for v in config.getoption("--bench-ws-costs").split(","))
    except ValueError as exc:
        raise pytest.UsageError("--bench-ws-costs takes three numbers: L,S,T (ms)") from exc
    _bench = Bench(
        quick=config.getoption("--bench-quick"), clients=wanted, ws_costs=(lat, setup, state)
    )
    try:
        yield _bench
    finally:
        _bench.close()


def pytest_sessionfinish(session: pytest.Session, exitstatus: int) -> None:
    if _bench is None or not (_bench.results or _bench.imports or _bench.memory or _bench.ws):
        return
    command = "python -m pytest " + " ".join(
        shlex.quote(a) for a in session.config.invocation_params.args
    )
    summary = _bench.summary(command=command)
    path = Path(session.config.getoption("--bench-summary"))
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(orjson.dumps(summary, option=orjson.OPT_INDENT_2))
    session.config._oxide_bench_summary = (path, summary)  # type: ignore[attr-defined]


def _fmt(x: float | None, spec: str = ".2f") -> str:
    return "-" if x is None else format(x, spec)


def pytest_terminal_summary(terminalreporter, exitstatus: int, config: pytest.Config) -> None:  # type: ignore[no-untyped-def]
    found = getattr(config, "_oxide_bench_summary", None)
    if not found:
        return
    path, summary = found
    tr = terminalreporter
    tr.section("oxide client benchmarks: CPU per call as a ratio to the floor + orjson.dumps")
    clients = [c for c in CLIENTS if any(c in s["clients"] for s in summary["scenarios"].values())]
    width = 22
    tr.write_line("scenario".ljust(width) + "".join(c[:14].rjust(15) for c in clients))
    for name, s in summary["scenarios"].items():
        cells = []
        for c in clients:
            d = s["clients"].get(c, {})
            if "skip" in d:
                cells.append("n/i" if "not implemented" in d["skip"] else "skip")
            elif "error" in d:
                cells.append("ERROR")
            elif s["throughput"] and d.get("ratio_calls_per_s_floor_enc") is not None:
                cells.append(f"{d['ratio_calls_per_s_floor_enc']:.2f} tput")
            else:
                cells.append(f"{_fmt(d.get('ratio_cpu_floor_enc'))}x")
        tr.write_line(name[:width].ljust(width) + "".join(c.rjust(15) for c in cells))
    tr.write_line("")
    tr.write_line("CPU us per call (median):")
    for name, s in summary["scenarios"].items():
        cells = [_fmt(s["clients"].get(c, {}).get("cpu_us"), ".0f") for c in clients]
        tr.write_line(name[:width].ljust(width) + "".join(c.rjust(15) for c in cells))
    imports = summary.get("imports")
    if imports:
        tr.write_line("")
        for name, v in imports["variants"].items():
            tr.write_line(
                f"import {name:<24} CPU {v['cpu_ms']:7.1f} ms x{v['ratio_to_base']:.2f}"
                f"   wall {v['wall_ms']:7.1f} ms x{v['ratio_to_base_wall']:.2f}"
            )
    memory = summary.get("memory")
    if memory:
        tr.write_line("")
        for name, v in memory["by_client"].items():
            if "error" in v:
                tr.write_line(f"memory {name:<16} ERROR")
                continue
            held = v.get("completion_bytes")
            tr.write_line(
                f"memory {name:<16} client {v['client_bytes'] / 1024:8.1f} KiB traced,"
                f" {v['client_rss_bytes'] / 1024:6.0f} KiB RSS"
                + (f"   per held completion {held:8.0f} B" if held is not None else "")
            )
    ws = summary.get("websocket")
    if ws:
        tr.write_line("")
        tr.write_line(
            "Responses WebSocket mode (CPU us per turn; wall per task / per 200-task batch):"
        )
        for name, s in ws["scenarios"].items():
            for mode, d in s["modes"].items():
                if "skip" in d or "error" in d:
                    tr.write_line(f"  {name:<15} {mode:<18} {'skip' if 'skip' in d else 'ERROR'}")
                    continue
                wall = (
                    f"{d['wall_ms_per_task']:8.1f} ms/task"
                    if "wall_ms_per_task" in d
                    else f"{d['wall_s_per_batch']:8.2f} s/batch"
                )
                tr.write_line(
                    f"  {name:<15} {mode:<18} CPU {d['cpu_us_per_turn']:7.0f} us/turn"
                    f" x{_fmt(d.get('ratio_cpu_http'))} http x{_fmt(d.get('ratio_cpu_http_stream'))}"
                    f" stream   wall {wall}"
                )
    tr.write_line("")
    for row in summary["targets"]:
        status = row.get("status") or ("met" if row.get("met") else "MISSED")
        value = f"{row['value']:.2f}" if row.get("value") is not None else "-"
        tr.write_line(
            f"target {row['scenario']:<20} {row['client']:<12} {value:>7} (target {row['target']}) {status}"
        )
    for note in summary["meta"]["notes"]:
        tr.write_line(f"note: {note}")
    tr.write_line(f"summary: {path}  ({summary['meta']['duration_s']:.0f} s)")


__all__ = ["SCENARIOS", "bench"]
