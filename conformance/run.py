"""Run the official SDK's own test suite (openai==3.3.1, tests/api_resources) against oxide.

    python3 conformance/run.py [TARGET ...] [-- PYTEST_ARGS ...]     (or: make conformance ARGS=...)

TARGET: a path in the SDK's source tree (``tests/api_resources/test_models.py``, a node id
``...::TestModels::test_method_list``) or a shortcut: ``api`` (tests/api_resources, the default),
``lib``, ``client``, ``all``. Everything after ``--`` goes to pytest as is (``-- --tb=short -x``).

Steps, each skipped when already done (everything lives under ``.conformance/``, gitignored):
  1. ``pip download`` the sdist of openai==3.3.1 and unpack it (tests/, uv.lock, ...).
  2. A venv with the test tools pinned as the SDK's uv.lock pins them, the official SDK
     (``--no-deps``) and oxide from this checkout (extension required). Rebuilt only when the
     pins, the project's dependencies or the Python change; otherwise only oxide is reinstalled
     (``pip install --no-build-isolation --no-deps --force-reinstall .``).
  3. A fresh copy of the SDK's tests with ``tests/conftest.py`` and ``tests/utils.py`` replaced by
     ``harness/sdk_conftest.py`` and ``harness/utils.py``.
  4. Steady (``make mock``) on a free port with ``spec/openapi.transformed.yml``, stopped at exit.
  5. pytest with ``-p candidate_alias`` (``import openai.x`` loads ``oxide.compat.x`` / ``oxide.x``)
     and ``-p classify`` (passed/failed per kind of test, JSON report per test).

Prints ``conformance: P passed of N (api_resources)``; N is what the official SDK collects for the
same selection, so tests in files that do not import with oxide count as not passed. A full
default run (no TARGET, no pytest args, not deep) exits 1 when P is below the integer in
``conformance/FLOOR``; pytest's own failures do not fail the run, since much of the suite is
expected to fail until every resource exists.

Env: CONFORMANCE_DEEP=1 (also check list elements: stricter than upstream), WORKERS (2),
CANDIDATE (oxide.compat:oxide), CONFORMANCE_DIR (<repo>/.conformance), STEADY (the binary),
OXIDE_OPENAPI_SPEC (the spec), PYTHON (interpreter for the venv; default: this one).
"""

from __future__ import annotations

import hashlib
import json
import os
import re
import shutil
import signal
import socket
import subprocess
import sys
import tarfile
import time
import urllib.request
from pathlib import Path

# The release whose test suite runs: 3.3.1 is the gate (the vendored spec matches it; FLOOR
# applies to it only). CONFORMANCE_SDK=3.63.0 runs a newer release's suite, in its own directory,
# against the same spec: endpoints the spec lacks fail there, so the count is a report.
GATE_VERSION = "3.3.1"
SDK_VERSION = os.environ.get("CONFORMANCE_SDK") or GATE_VERSION
STEADY_VERSION = "0.22.2"  # as the Makefile's STEADY_V
HERE = Path(__file__).resolve().parent
REPO = HERE.parent
HARNESS = HERE / "harness"
_SUFFIX = "" if SDK_VERSION == GATE_VERSION else f"-{SDK_VERSION}"
CONF = Path(os.environ.get("CONFORMANCE_DIR") or REPO / f".conformance{_SUFFIX}").resolve()
SDK = CONF / f"openai-{SDK_VERSION}"
VENV = CONF / "venv"
VPY = VENV / "bin" / "python"
WORK = CONF / "run"
STAMP = VENV / ".conformance-stamp"
STEADY = Path(
    os.environ.get("STEADY")
    or REPO / ".mock" / "node_modules" / "@stdy" / "cli-linux-x64" / "bin" / "steady"
)
SPEC = Path(os.environ.get("OXIDE_OPENAPI_SPEC") or REPO / "spec" / "openapi.transformed.yml")
FLOOR_FILE = HERE / "FLOOR"
DEFAULT_TARGET = "tests/api_resources"
SHORTCUTS = {
    "api": [DEFAULT_TARGET],
    "lib": ["tests/lib"],
    "client": ["tests/test_client.py"],
    "all": [DEFAULT_TARGET, "tests/lib", "tests/test_client.py"],
}
# Test tools (and the SDK's runtime deps) pinned from the sdist's uv.lock, as the upstream suite
# is run; oxide's own runtime deps come with its first install.
PINNED = """httpx2 httpcore2 h11 certifi idna pydantic pydantic-core typing-extensions anyio sniffio
jiter aiohttp websockets pytest pytest-asyncio pytest-xdist inline-snapshot rich trio griffe
urllib3""".split()
STEADY_FLAGS = [
    "--validator-query-array-format=brackets",
    "--validator-form-array-format=brackets",
    "--validator-query-object-format=brackets",
    "--validator-form-object-format=brackets",
]


def log(msg: str) -> None:
    print(f"conformance: {msg}", flush=True)


def sh(*cmd: str | Path, env: dict[str, str] | None = None, **kw: object) -> None:
    subprocess.run([str(c) for c in cmd], check=True, env=env, **kw)  # type: ignore[call-overload]


def fetch_sdk() -> None:
    if (SDK / "tests").is_dir() and (SDK / "uv.lock").is_file():
        return
    dl = CONF / "download"
    dl.mkdir(parents=True, exist_ok=True)
    archive = dl / f"openai-{SDK_VERSION}.tar.gz"
    if not archive.is_file():
        log(f"downloading the openai=={SDK_VERSION} sdist")
        sh(sys.executable, "-m", "pip", "download", "-q", "--no-deps", "--no-binary", ":all:",
           f"openai=={SDK_VERSION}", "-d", dl)  # fmt: skip
    shutil.rmtree(SDK, ignore_errors=True)
    partial = CONF / "unpacking"
    shutil.rmtree(partial, ignore_errors=True)
    with tarfile.open(archive) as tar:
        if hasattr(tarfile, "data_filter"):
            tar.extractall(partial, filter="data")
        else:  # Python < 3.10.12: no extraction filters
            tar.extractall(partial)
    (partial / f"openai-{SDK_VERSION}").rename(SDK)
    shutil.rmtree(partial)


def lock_pins() -> list[str]:
    """`name==version` for PINNED from the sdist's uv.lock; the newest when listed twice."""
    text = (SDK / "uv.lock").read_text()
    try:
        import tomllib

        packages = [(p["name"], p["version"]) for p in tomllib.loads(text)["package"]]
    except ImportError:  # Python 3.10: uv.lock's [[package]] tables start with name, version
        packages = re.findall(
            r'^\[\[package\]\]\nname = "([^"]+)"\nversion = "([^"]+)"', text, re.M
        )

    def key(version: str) -> tuple[int, ...]:
        return tuple(int(x) if x.isdigit() else 0 for x in version.split("."))

    best: dict[str, str] = {}
    for name, version in packages:
        if name in PINNED and (name not in best or key(version) > key(best[name])):
            best[name] = version
    missing = sorted(set(PINNED) - set(best))
    if missing:
        raise SystemExit(f"conformance: {missing} not in {SDK / 'uv.lock'}")
    return [f"{name}=={version}" for name, version in sorted(best.items())]


def project_deps() -> str:
    text = (REPO / "pyproject.toml").read_text()
    match = re.search(r"^dependencies = \[.*?^\]", text, re.M | re.S)
    return match.group(0) if match else text


# Pins of a newer release's lock that this machine's Python cannot install, taken unpinned
# (newer suites only; the gate's pins are exact): name -> why.
RELAXED_PINS = {"inline-snapshot": "3.63's lock pins 0.37.0, which needs Python >= 3.14"}


def prepare_venv() -> None:
    python = os.environ.get("PYTHON") or sys.executable
    pins = lock_pins()
    if SDK_VERSION != GATE_VERSION:
        pins = [p.split("==")[0] if p.split("==")[0] in RELAXED_PINS else p for p in pins]
    stamp = hashlib.sha256(
        json.dumps([SDK_VERSION, pins, project_deps(), python, sys.version]).encode()
    ).hexdigest()
    env = {**os.environ, "OXIDE_REQUIRE_EXTENSIONS": "1", "PIP_DISABLE_PIP_VERSION_CHECK": "1"}
    env.pop("OXIDE_NO_EXTENSIONS", None)
    pip = [VPY, "-m", "pip", "install", "-q"]
    if VPY.exists() and STAMP.is_file() and STAMP.read_text() == stamp:
        log("reinstalling oxide from the checkout into the existing venv")
        sh(*pip, "--no-build-isolation", "--no-deps", "--force-reinstall", REPO, env=env)
    else:
        log(f"building {VENV} (pins from the sdist's uv.lock)")
        shutil.rmtree(VENV, ignore_errors=True)
        sh(python, "-m", "venv", VENV)
        sh(*pip, *pins, "msgspec", "Cython>=3.0", "setuptools>=68", "wheel", env=env)
        sh(*pip, "--no-deps", f"openai=={SDK_VERSION}", env=env)
        sh(*pip, "--no-build-isolation", REPO, env=env)
        STAMP.write_text(stamp)
    sh(VPY, "-c", "import openai, oxide, oxide._speedups as s; "
       "print('conformance: official', openai.__version__, '| oxide', oxide.__version__,"
       " 'from', oxide.__file__, '| speedups', s.IMPLEMENTATION)", cwd=CONF)  # fmt: skip


def prepare_workdir() -> None:
    shutil.rmtree(WORK, ignore_errors=True)
    WORK.mkdir(parents=True)
    shutil.copytree(SDK / "tests", WORK / "tests")
    shutil.copy(SDK / "pyproject.toml", WORK / "pyproject.toml")
    shutil.copy(HARNESS / "sdk_conftest.py", WORK / "tests" / "conftest.py")
    shutil.copy(HARNESS / "utils.py", WORK / "tests" / "utils.py")


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def _healthy(port: int) -> bool:
    try:
        url = f"http://127.0.0.1:{port}/_x-steady/health"
        with urllib.request.urlopen(url, timeout=1) as response:
            return bool(response.status == 200)
    except OSError:
        return False


def stop(proc: subprocess.Popen[bytes]) -> None:
    if proc.poll() is None:
        proc.terminate()
        try:
            proc.wait(timeout=5)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait(timeout=5)


def start_steady() -> tuple[subprocess.Popen[bytes], str]:
    if not STEADY.is_file():
        raise SystemExit(f"conformance: no Steady at {STEADY}: run `make mock`")
    if not SPEC.is_file():
        raise SystemExit(f"conformance: no spec at {SPEC}")
    log_path = CONF / "steady.log"
    for _ in range(3):  # the free port can be taken before Steady binds it
        port = _free_port()
        with log_path.open("wb") as out:
            proc = subprocess.Popen(
                [str(STEADY), "--host", "127.0.0.1", "-p", str(port), *STEADY_FLAGS, str(SPEC)],
                stdin=subprocess.DEVNULL,
                stdout=out,
                stderr=subprocess.STDOUT,
            )
        deadline = time.monotonic() + 30
        while proc.poll() is None and time.monotonic() < deadline:
            if _healthy(port):
                return proc, f"http://127.0.0.1:{port}"
            time.sleep(0.1)
        stop(proc)
    tail = log_path.read_text(errors="replace").splitlines()[-20:]
    raise SystemExit("conformance: Steady did not start:\n" + "\n".join(tail))


def parse_args(argv: list[str]) -> tuple[list[str], list[str]]:
    if "--" in argv:
        cut = argv.index("--")
        argv, pytest_args = argv[:cut], argv[cut + 1 :]
    else:
        pytest_args = []
    targets = [t for arg in argv for t in SHORTCUTS.get(arg, [arg])]
    return targets, pytest_args


def run_pytest(targets: list[str], pytest_args: list[str], base_url: str) -> int:
    report = WORK / "conformance-report.json"
    env = {
        **os.environ,
        "CANDIDATE": os.environ.get("CANDIDATE", "oxide.compat:oxide"),
        "TEST_API_BASE_URL": base_url,
        "PEER_RESPX": os.environ.get("PEER_RESPX", "serve"),
        "PEER_SELECT": os.environ.get("PEER_SELECT", "all"),
        "PYTHONPATH": str(HARNESS),
        "DEFER_PYDANTIC_BUILD": "false",
        "CONFORMANCE_REPORT": str(report),
    }
    for name in ("OXIDE_NO_EXTENSIONS", "VIRTUAL_ENV", "PYTHONHOME"):
        env.pop(name, None)
    cmd = [str(VPY), "-m", "pytest", "-p", "candidate_alias", "-p", "classify",
           "-n", os.environ.get("WORKERS", "2"), "-p", "no:cacheprovider", "-q", "-W", "default",
           # thousands of failures are expected for now: no tracebacks or per-test summary
           # by default (`-- --tb=short` brings them back); the per-test outcome is in the report
           "--tb=no", "-rN", "--continue-on-collection-errors",
           f"--junitxml={WORK / 'junit.xml'}", *targets, *pytest_args]  # fmt: skip
    return subprocess.run(cmd, cwd=WORK, env=env).returncode


def official_ids(targets: list[str], pytest_args: list[str]) -> set[str]:
    """The test ids the same selection has with the official SDK as `openai` (cached): N, which
    counts the tests of files that do not even import with oxide."""
    key = hashlib.sha256(json.dumps([SDK_VERSION, targets, pytest_args]).encode()).hexdigest()
    cache = CONF / "collected" / f"{key[:16]}.txt"
    if not cache.is_file():
        env = {**os.environ, "CANDIDATE": "openai", "PYTHONPATH": str(HARNESS)}
        cmd = [str(VPY), "-m", "pytest", "-p", "candidate_alias", "-p", "no:cacheprovider",
               "-W", "default", "-n", "0", "--collect-only", "-q", *targets, *pytest_args]  # fmt: skip
        out = subprocess.run(cmd, cwd=WORK, env=env, capture_output=True, text=True)
        ids = [line for line in out.stdout.splitlines() if "::" in line and " " not in line]
        if out.returncode not in (0, 5) or not ids and out.returncode != 5:
            raise SystemExit(f"conformance: collecting with the official SDK failed:\n{out.stdout}")
        cache.parent.mkdir(exist_ok=True)
        cache.write_text("".join(f"{i}\n" for i in ids))
    return set(cache.read_text().split())


def count(report: Path, official: set[str]) -> tuple[int, int, int]:
    """(passed, N, tests that did not import); writes the lists next to the report."""
    tests = json.loads(report.read_text())["tests"] if report.is_file() else {}
    passed = sorted(t for t, r in tests.items() if r["outcome"] == "passed" and t in official)
    not_imported = sorted(official - set(tests))
    for name, ids in [
        ("passed", passed),
        ("not-passed", sorted(official - set(passed) - set(not_imported))),
        ("not-imported", not_imported),
    ]:
        (WORK / f"{name}.txt").write_text("".join(f"{i}\n" for i in ids))
    return len(passed), len(official), len(not_imported)


def main(argv: list[str]) -> int:
    started = time.monotonic()
    targets, pytest_args = parse_args(argv)
    full = not targets and not pytest_args
    targets = targets or [DEFAULT_TARGET]
    CONF.mkdir(parents=True, exist_ok=True)
    fetch_sdk()
    prepare_venv()
    prepare_workdir()
    official = official_ids(targets, pytest_args)
    # SIGTERM (CI timeouts, make interrupted) unwinds through `finally` so Steady is stopped
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(143))
    proc, base_url = start_steady()
    try:
        log(f"Steady {STEADY_VERSION} at {base_url} (pid {proc.pid}) on {SPEC.relative_to(REPO)}")
        rc = run_pytest(targets, pytest_args, base_url)
    finally:
        stop(proc)
    if rc not in (0, 1):  # 2 interrupted, 3 internal error, 4 usage error, 5 nothing collected
        log(f"pytest exited with {rc}")
        return rc
    passed, total, not_imported = count(WORK / "conformance-report.json", official)
    label = "api_resources" if targets == [DEFAULT_TARGET] else " ".join(targets)
    deep = " deep" if os.environ.get("CONFORMANCE_DEEP") == "1" else ""
    log(
        f"{not_imported} of the {total} tests are in files that do not import with oxide;"
        f" lists in {WORK}/{{passed,not-passed,not-imported}}.txt"
    )
    print(f"conformance: {passed} passed of {total} ({label}{deep})", flush=True)
    print(f"conformance: took {time.monotonic() - started:.0f} s", flush=True)
    if full and SDK_VERSION != GATE_VERSION:
        log(f"the floor applies to the {GATE_VERSION} suite only")
    elif full and deep:
        log("the floor is not applied to a deep run (it counts upstream's checks)")
    elif full:
        floor = int(FLOOR_FILE.read_text().split()[0])
        if passed < floor:
            print(
                f"conformance: FAILED: {passed} passed is below the floor of {floor}"
                f" ({FLOOR_FILE.relative_to(REPO)})",
                flush=True,
            )
            return 1
        if passed > floor:
            print(
                f"conformance: above the floor of {floor}: raise {FLOOR_FILE.relative_to(REPO)}"
                f" to {passed} to keep the gain",
                flush=True,
            )
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
