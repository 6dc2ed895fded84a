"""Every code block of the README runs as written, against the embedded mock.

* ```python blocks run with `python -c`, with `OPENAI_BASE_URL` / `OPENAI_API_KEY` (and the
  Bedrock equivalents) pointing at a fresh mock; a block defining `test_*` functions is a
  pytest file and runs under pytest (the `openai_mock` fixture comes from oxide's plugin).
  What a block prints is checked: each `# -> text` comment names text its output must hold,
  and the older blocks have their lines in EXPECTED.
* ```sh blocks run line by line in bash, with the `oxide` command on PATH, each line exiting 0.
* ```text blocks are not code (a file tree). Any other fence fails the test, so no block can
  slip through unchecked.

The "What works today" table is checked row by row: each row names the tests that back it
(its last column), and each of those must exist and hold tests.
"""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

from oxide.testing import MockOpenAI

ROOT = Path(__file__).resolve().parents[1]
README = (ROOT / "README.md").read_text()
FENCES = re.findall(r"^```(\w*)\n(.*?)^```", README, flags=re.S | re.M)
PYTHON = [code for lang, code in FENCES if lang == "python"]
SHELL = [code for lang, code in FENCES if lang == "sh"]

# What each older block must print, by a line that only that block has.
EXPECTED = {
    "completion._request_id": ['You said: "Say hi"', "req_"],
    "session_pool": ['You said: "Say hi"', "turn resp_", "100 agents done on "],
    "oxide.official": ['openai.types.responses.response You said: "Say hi"'],
}
ARROW = re.compile(r"#\s*->\s*(.+)$", flags=re.M)


def environment(base_url: str) -> dict[str, str]:
    return {
        **os.environ,
        "OPENAI_API_KEY": "sk-readme",
        "OPENAI_BASE_URL": base_url,
        "AWS_BEARER_TOKEN_BEDROCK": "bedrock-readme",
        "AWS_BEDROCK_BASE_URL": base_url,
        "PATH": f"{Path(sys.executable).parent}{os.pathsep}{os.environ.get('PATH', '')}",
    }


def expectations(code: str) -> list[str]:
    marked = [line.strip() for line in ARROW.findall(code)]
    listed = [lines for marker, lines in EXPECTED.items() if marker in code]
    return marked + [line for lines in listed for line in lines]


def test_every_block_is_checked() -> None:
    assert PYTHON and SHELL, "the README lost its examples"
    assert {lang for lang, _ in FENCES} <= {"python", "sh", "text"}, [lang for lang, _ in FENCES]
    for code in PYTHON:
        assert "def test_" in code or expectations(code), f"a block with nothing checked:\n{code}"
        assert sum(marker in code for marker in EXPECTED) <= 1, code[:200]


@pytest.mark.parametrize("code", PYTHON, ids=[f"python{i}" for i in range(len(PYTHON))])
def test_python_block_runs(code: str, tmp_path: Path) -> None:
    with MockOpenAI.in_thread() as base_url:
        if "def test_" in code:
            (tmp_path / "test_readme_block.py").write_text(code)
            cmd = [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", str(tmp_path)]
        else:
            cmd = [sys.executable, "-c", code]
        proc = subprocess.run(
            cmd,
            capture_output=True,
            text=True,
            timeout=180,
            cwd=tmp_path,
            env=environment(base_url),
        )
    assert proc.returncode == 0, proc.stdout + proc.stderr
    if "def test_" in code:
        assert re.search(r"\b\d+ passed\b", proc.stdout) and "failed" not in proc.stdout
        return
    assert proc.stderr == ""
    for line in expectations(code):
        assert line in proc.stdout, f"{line!r} not in:\n{proc.stdout}"


@pytest.mark.parametrize("code", SHELL, ids=[f"sh{i}" for i in range(len(SHELL))])
def test_shell_block_runs(code: str, tmp_path: Path) -> None:
    lines = [line for line in code.splitlines() if line.strip() and not line.startswith("#")]
    with MockOpenAI.in_thread() as base_url:
        for line in lines:
            proc = subprocess.run(
                ["bash", "-c", f"set -o pipefail; {line}"],
                capture_output=True,
                text=True,
                timeout=180,
                cwd=tmp_path,
                env=environment(base_url),
                stdin=subprocess.DEVNULL,
            )
            assert proc.returncode == 0, f"{line}\n{proc.stdout}{proc.stderr}"


def table_rows() -> list[list[str]]:
    section = README.split("## What works today", 1)[1].split("\n##", 1)[0]
    rows = [line for line in section.splitlines() if line.startswith("| ") and "---" not in line]
    return [[cell.strip() for cell in row.strip("|").split(" | ")] for row in rows[1:]]


def test_what_works_table_names_its_tests() -> None:
    rows = table_rows()
    assert len(rows) > 10
    for row in rows:
        paths = re.findall(r"`(tests/[^`]+)`", row[-1])
        assert paths, f"a row with no tests named: {row[0][:80]}"
        for path in paths:
            target = ROOT / path.split("::")[0]
            assert target.exists(), f"{path} (named by: {row[0][:60]})"
            files = [target] if target.is_file() else list(target.rglob("test_*.py"))
            assert any("def test_" in f.read_text() for f in files), path
