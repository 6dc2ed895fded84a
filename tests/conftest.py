"""Shared fixtures: the Steady mock server (spec-validating) and oxide's embedded mock.

* ``steady_base_url`` (session): Steady on a free port, validating every request against the
  OpenAPI spec of the pinned official SDK. Fails (never skips) when Steady or the spec is missing:
  ``make mock`` installs it. ``OXIDE_OPENAPI_SPEC`` overrides the spec path.
* ``mock_base_url`` (session): ``oxide.testing.MockOpenAI`` on a background thread; works from sync
  and async tests whatever their event loop. ``mock_server`` is its ``ThreadedMockOpenAI``.
* ``mock_openai`` (function, async): a fresh ``MockOpenAI`` on the test's own loop, for tests that
  use its state (``fail_next``, ``requests``).
"""

from __future__ import annotations

import os
import socket
import subprocess
import time
from collections.abc import AsyncIterator, Iterator
from pathlib import Path
from typing import TYPE_CHECKING

import pytest
import pytest_asyncio

# The `openai_mock` fixture users get (oxide/testing/pytest_plugin.py), for its own tests.
pytest_plugins = ["oxide.testing.pytest_plugin"]

if TYPE_CHECKING:
    from oxide.testing import MockOpenAI, ThreadedMockOpenAI

REPO_ROOT = Path(__file__).resolve().parent.parent
STEADY_BIN = REPO_ROOT / ".mock" / "node_modules" / "@stdy" / "cli-linux-x64" / "bin" / "steady"
DEFAULT_SPEC = REPO_ROOT / "spec" / "openapi.transformed.yml"
STEADY_STARTUP_TIMEOUT = 20.0


def openapi_spec_path() -> Path:
    override = os.environ.get("OXIDE_OPENAPI_SPEC")
    return Path(override).expanduser().resolve() if override else DEFAULT_SPEC.resolve()


def _free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def _accepts_connections(port: int) -> bool:
    try:
        with socket.create_connection(("127.0.0.1", port), timeout=0.5):
            return True
    except OSError:
        return False


def _stop(proc: subprocess.Popen[bytes]) -> None:
    if proc.poll() is None:
        proc.terminate()
        try:
            proc.wait(timeout=5)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait(timeout=5)


def _log_tail(path: Path, lines: int = 30) -> str:
    try:
        return "\n".join(path.read_text(errors="replace").splitlines()[-lines:])
    except OSError:
        return "(no log)"


@pytest.fixture(scope="session")
def steady_base_url(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """Base URL of a Steady mock server (no ``/v1`` prefix), one per xdist worker."""
    spec = openapi_spec_path()
    if not STEADY_BIN.is_file():
        pytest.fail(
            f"Steady mock server not found at {STEADY_BIN}. Install it with `make mock`"
            " (npm install --prefix .mock @stdy/cli@0.22.2).",
            pytrace=False,
        )
    if not spec.is_file():
        pytest.fail(
            f"OpenAPI spec not found at {spec}. Set OXIDE_OPENAPI_SPEC to the path of"
            " openapi.transformed.yml.",
            pytrace=False,
        )
    log_dir = tmp_path_factory.mktemp("steady")
    failures: list[str] = []
    for attempt in range(3):  # the free port can be taken before Steady binds it
        port = _free_port()
        log_path = log_dir / f"steady-{attempt}.log"
        with log_path.open("wb") as log:
            proc = subprocess.Popen(
                [
                    str(STEADY_BIN),
                    "--host",
                    "127.0.0.1",
                    "-p",
                    str(port),
                    "--validator-query-array-format=brackets",
                    "--validator-form-array-format=brackets",
                    "--validator-query-object-format=brackets",
                    "--validator-form-object-format=brackets",
                    str(spec),
                ],
                cwd=REPO_ROOT,
                stdin=subprocess.DEVNULL,
                stdout=log,
                stderr=subprocess.STDOUT,
            )
        deadline = time.monotonic() + STEADY_STARTUP_TIMEOUT
        while proc.poll() is None and time.monotonic() < deadline:
            if _accepts_connections(port):
                break
            time.sleep(0.05)
        else:
            _stop(proc)
            failures.append(
                f"attempt {attempt + 1}: Steady (port {port}) "
                + (
                    f"exited with code {proc.returncode}"
                    if time.monotonic() < deadline
                    else f"did not accept connections within {STEADY_STARTUP_TIMEOUT:.0f}s"
                )
                + f"; log tail:\n{_log_tail(log_path)}"
            )
            continue
        try:
            yield f"http://127.0.0.1:{port}"
        finally:
            _stop(proc)
        return
    pytest.fail("Could not start Steady:\n" + "\n".join(failures), pytrace=False)


@pytest.fixture(scope="session")
def mock_server() -> Iterator[ThreadedMockOpenAI]:
    """oxide's embedded mock on a background thread, shared by the session."""
    from oxide.testing import MockOpenAI

    server = MockOpenAI.in_thread()
    with server:
        yield server


@pytest.fixture(scope="session")
def mock_base_url(mock_server: ThreadedMockOpenAI) -> str:
    """Base URL (``http://127.0.0.1:<port>/v1``) of the shared embedded mock."""
    return mock_server.base_url


@pytest_asyncio.fixture
async def mock_openai() -> AsyncIterator[MockOpenAI]:
    """A fresh embedded mock on the test's event loop (``.base_url``, ``.requests``, ...)."""
    from oxide.testing import MockOpenAI

    mock = MockOpenAI()
    await mock.start()
    try:
        yield mock
    finally:
        await mock.stop()
