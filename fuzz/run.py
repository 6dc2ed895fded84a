"""Run the differential fuzz harnesses one after another (``make fuzz`` calls this).

Each harness runs in its own process with the ASan runtime that atheris ships preloaded
(``asan_with_fuzzer.so``, as atheris documents for native extensions), against the ASan build
of the compiled twins in ``build/fuzz/lib``. A module is run until ``--runs`` executions or
``--max-time`` seconds, whichever comes first; its corpus lives in ``fuzz/corpus/<module>``
(kept between runs, not committed) and starts from ``fuzz/seeds/<module>``. The full libFuzzer
output goes to ``build/fuzz/logs/<module>.log``, a reproducer of any finding to
``build/fuzz/artifacts/``. Exit status 1 when any harness found something.
"""

from __future__ import annotations

import argparse
import os
import re
import subprocess
import sys
import time
from dataclasses import dataclass
from datetime import datetime, timezone
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
BUILD = ROOT / "build" / "fuzz"
MODULES = ("sse", "tool_calls", "finite")

_DONE = re.compile(r"^Done (\d+) in (\d+) second")
_STATUS = re.compile(r"^#(\d+)\s.*?corp: (\d+)/(\S+)")


@dataclass
class Result:
    module: str
    executions: int
    seconds: float
    corpus_units: int  # libFuzzer's corpus in memory at the last status line
    corpus_files: int  # files in fuzz/corpus/<module> (kept inputs, reduced ones included)
    corpus_bytes: int
    asan: bool
    finding: str | None
    returncode: int

    @property
    def status(self) -> str:
        if self.asan:
            return "ASan report"
        if self.finding:
            return "FINDING"
        if self.returncode:
            return f"exit {self.returncode}"
        return "clean"


def asan_runtime() -> Path:
    import atheris

    path = Path(atheris.path()) / "asan_with_fuzzer.so"
    if not path.exists():
        raise SystemExit(f"{path} is missing: this atheris build ships no ASan runtime")
    return path


def harness_env(preload: Path) -> dict[str, str]:
    env = dict(os.environ)
    env["LD_PRELOAD"] = str(preload)
    # Python frees nothing at exit by design: leak reports would all be noise. ASan's default
    # 256 MB quarantine of freed memory makes every execution touch fresh pages (1 GB RSS and
    # 5x slower here); 16 MB still holds everything one execution frees.
    options = "detect_leaks=0:quarantine_size_mb=16:malloc_context_size=10"
    env["ASAN_OPTIONS"] = options + ":" + env.get("ASAN_OPTIONS", "")
    env["OXIDE_FUZZ_BUILD"] = str(BUILD / "lib")
    return env


def corpus_size(directory: Path) -> tuple[int, int]:
    files = [p for p in directory.iterdir() if p.is_file()]
    return len(files), sum(p.stat().st_size for p in files)


def run_one(module: str, runs: int, max_time: int, preload: Path) -> Result:
    corpus = HERE / "corpus" / module
    seeds = HERE / "seeds" / module
    corpus.mkdir(parents=True, exist_ok=True)
    (BUILD / "logs").mkdir(parents=True, exist_ok=True)
    (BUILD / "artifacts").mkdir(parents=True, exist_ok=True)
    log_path = BUILD / "logs" / f"{module}.log"
    cmd = [
        sys.executable,
        str(HERE / f"fuzz_{module}.py"),
        str(corpus),
        str(seeds),
        f"-atheris_runs={runs}",
        f"-max_total_time={max_time}",
        f"-dict={HERE / 'dicts' / f'{module}.dict'}",
        f"-artifact_prefix={BUILD / 'artifacts'}/{module}-",
        "-max_len=8192",
        "-timeout=60",
        "-rss_limit_mb=6144",
    ]
    env = harness_env(preload)
    print(f"== {module}: {' '.join(cmd[1:])}", flush=True)
    start = time.monotonic()
    executions, units, asan, finding = 0, 0, False, None
    with log_path.open("w") as log:
        proc = subprocess.Popen(
            cmd,
            cwd=ROOT,
            env=env,
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            text=True,
            errors="replace",
        )
        assert proc.stdout is not None
        for line in proc.stdout:
            log.write(line)
            if m := _DONE.match(line):
                executions = int(m.group(1))
            elif m := _STATUS.match(line):
                executions, units = int(m.group(1)), int(m.group(2))
            if "ERROR: AddressSanitizer" in line or "ERROR: LeakSanitizer" in line:
                asan = True
            if "Uncaught Python exception" in line or "Divergence:" in line:
                finding = finding or line.strip()
            # Progress: libFuzzer's pulse lines (at powers of two), errors, the final line.
            if "pulse" in line or "ERROR" in line or line.startswith(("Done", "Divergence")):
                print(f"   {line.rstrip()}", flush=True)
        returncode = proc.wait()
    seconds = time.monotonic() - start
    files, size = corpus_size(corpus)
    return Result(module, executions, seconds, units, files, size, asan, finding, returncode)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("modules", nargs="*", help=f"any of {', '.join(MODULES)} (default: all)")
    parser.add_argument("--runs", type=int, default=1_000_000, help="executions per module")
    parser.add_argument("--max-time", type=int, default=1800, help="seconds per module, at most")
    parser.add_argument("--reproduce", metavar="FILE", help="run one module on this input only")
    parser.add_argument(
        "--instrument-python",
        action="store_true",
        help="also guide by the Python twin's branch coverage (2-3x fewer executions/s)",
    )
    args = parser.parse_args()
    unknown = set(args.modules) - set(MODULES)
    if unknown:
        parser.error(f"unknown modules {sorted(unknown)}: choose from {', '.join(MODULES)}")
    modules = args.modules or list(MODULES)
    preload = asan_runtime()
    if args.instrument_python:
        os.environ["OXIDE_FUZZ_INSTRUMENT_PY"] = "1"
    if args.reproduce:
        if len(modules) != 1:
            parser.error("--reproduce takes exactly one module")
        cmd = [sys.executable, str(HERE / f"fuzz_{modules[0]}.py"), args.reproduce]
        return subprocess.call(cmd, cwd=ROOT, env=harness_env(preload))
    started = datetime.now(timezone.utc)
    results = [run_one(m, args.runs, args.max_time, preload) for m in modules]

    lines = [
        f"{started:%Y-%m-%d %H:%M} UTC: `{' '.join(['fuzz/run.py', *sys.argv[1:]])}`",
        "",
        "| module | executions | exec/s | corpus: units (files, bytes on disk) | time | ASan | result |",
        "|---|---|---|---|---|---|---|",
    ]
    for r in results:
        rate = r.executions / r.seconds if r.seconds else 0
        lines.append(
            f"| {r.module} | {r.executions:,} | {rate:,.0f} | {r.corpus_units:,} "
            f"({r.corpus_files:,}, {r.corpus_bytes:,}) | {r.seconds:,.0f} s | "
            f"{'REPORTED' if r.asan else 'nothing'} | {r.status} |"
        )
    summary = "\n".join(lines)
    (BUILD / "last-run.md").write_text(summary + "\n")
    print("\n" + summary)
    for r in results:
        if r.executions < args.runs and not (r.finding or r.asan or r.returncode):
            print(f"WARNING: {r.module} stopped at the time cap, below {args.runs:,} executions")
        if r.finding or r.asan or r.returncode:
            print(f"{r.module}: {r.finding or r.status}; see {BUILD / 'logs' / r.module}.log")
    return 1 if any(r.finding or r.asan or r.returncode for r in results) else 0


if __name__ == "__main__":
    sys.exit(main())
