"""Every Python block of the README runs as written, against the embedded mock."""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

from oxide.testing import MockOpenAI

ROOT = Path(__file__).resolve().parents[1]
BLOCKS = re.findall(r"```python\n(.*?)```", (ROOT / "README.md").read_text(), flags=re.S)

# What each block must print, by a line that only that block has.
EXPECTED = {
    "chat.completions.create": ['You said: "Say hi"', "req_"],
    "session_pool": ['You said: "Say hi"', "turn resp_", "100 agents done on "],
    "oxide.official": ['openai.types.responses.response You said: "Say hi"'],
}


def run_block(code: str) -> str:
    with MockOpenAI.in_thread() as base_url:
        env = {**os.environ, "OPENAI_API_KEY": "sk-readme", "OPENAI_BASE_URL": base_url}
        proc = subprocess.run(
            [sys.executable, "-c", code],
            capture_output=True,
            text=True,
            timeout=120,
            cwd=ROOT,
            env=env,
        )
    assert proc.returncode == 0, proc.stderr
    assert proc.stderr == ""
    return proc.stdout


def test_every_block_is_checked() -> None:
    assert BLOCKS, "the README lost its examples"
    for code in BLOCKS:
        assert sum(marker in code for marker in EXPECTED) == 1, code[:200]


@pytest.mark.parametrize("code", BLOCKS, ids=[f"block{i}" for i in range(len(BLOCKS))])
def test_readme_block_runs(code: str) -> None:
    out = run_block(code)
    (expected,) = [lines for marker, lines in EXPECTED.items() if marker in code]
    for line in expected:
        assert line in out
