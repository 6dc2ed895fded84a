"""A 200 MB upload adds under 32 MB of peak RSS: paths and file objects are streamed from disk.

Runs in a subprocess so the measurement is not blurred by the test runner's own heap; the
subprocess hosts the receiving server too (it reads in chunks and discards). For scale, the
official SDK reads a path whole (`path.read_bytes()`), so it would add at least 200 MB.
"""

from __future__ import annotations

import json
import os
import pathlib
import subprocess
import sys

import pytest

SIZE = 200 * 1024 * 1024
LIMIT_KB = 32 * 1024
SCRIPT = pathlib.Path(__file__).with_name("_upload_rss.py")
REPO = pathlib.Path(__file__).resolve().parents[2]


@pytest.fixture(scope="module")
def big_file(tmp_path_factory: pytest.TempPathFactory) -> pathlib.Path:
    path = tmp_path_factory.mktemp("big") / "big.bin"
    with open(path, "wb") as f:
        f.truncate(SIZE)  # sparse: reads give zeros without using 200 MB of disk
    return path


def run_upload(big_file: pathlib.Path, mode: str) -> dict[str, int]:
    env = {**os.environ, "PYTHONPATH": str(REPO)}
    proc = subprocess.run(
        [sys.executable, str(SCRIPT), str(big_file), mode],
        capture_output=True,
        text=True,
        timeout=300,
        env=env,
        cwd=REPO,
    )
    assert proc.returncode == 0, proc.stderr
    result: dict[str, int] = json.loads(proc.stdout.strip().splitlines()[-1])
    assert result["received"] == SIZE  # the whole file reached the server
    return result


linux_only = pytest.mark.skipif(not sys.platform.startswith("linux"), reason="reads /proc")


@linux_only
@pytest.mark.parametrize("mode", ["path", "fileobj", "client"])
def test_200mb_upload_peak_rss(big_file: pathlib.Path, mode: str) -> None:
    result = run_upload(big_file, mode)
    assert result["growth_kb"] < LIMIT_KB, result


@linux_only
def test_control_bytes_upload_is_measured(big_file: pathlib.Path) -> None:
    """The same measurement sees a file read whole (as the SDK reads paths): it can fail. And
    oxide adds no copy of its own to a large bytes value (it is sent by reference)."""
    result = run_upload(big_file, "bytes")
    assert result["growth_kb"] > 0.9 * SIZE // 1024, result
    assert result["growth_kb"] < SIZE // 1024 + LIMIT_KB, result
