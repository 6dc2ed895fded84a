"""The README's usage example runs as written, against the embedded mock."""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

from oxide.testing import MockOpenAI

ROOT = Path(__file__).resolve().parents[1]


def test_readme_example_runs() -> None:
    blocks = re.findall(r"```python\n(.*?)```", (ROOT / "README.md").read_text(), flags=re.S)
    assert blocks, "the README lost its usage example"
    with MockOpenAI.in_thread() as base_url:
        env = {**os.environ, "OPENAI_API_KEY": "sk-readme", "OPENAI_BASE_URL": base_url}
        proc = subprocess.run(
            [sys.executable, "-c", blocks[0]],
            capture_output=True,
            text=True,
            timeout=60,
            cwd=ROOT,
            env=env,
        )
    assert proc.returncode == 0, proc.stderr
    assert 'You said: "Say hi"' in proc.stdout
    assert "req_" in proc.stdout  # the request id printed by the example
    assert proc.stderr == ""
