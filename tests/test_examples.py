"""Every program in examples/ runs as written against the embedded mock, and prints what it
should (the official SDK's examples, with only the import line changed)."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from oxide.testing import MockOpenAI

ROOT = Path(__file__).resolve().parents[1]
EXAMPLES = sorted((ROOT / "examples").glob("*.py"))

# What each example must print (a line fragment per check).
EXPECTED = {
    "aiohttp_client.py": ['You said: "Say hi"', "models: True"],
    "async_demo.py": ['You said: "Say this is a test"'],
    "demo.py": ["----- streaming request -----", 'You said: "How do I list', "req_"],
    "frameworks_official.py": [
        "openai.types.chat.chat_completion True",
        "request id: True",
        "official error: NotFoundError 404",
    ],
    "module_client.py": ['You said: "How do I list all files in a directory?"'],
    "parsing.py": ["MathResponse 1 steps", "answer: "],
    "parsing_stream.py": ["content deltas", "final answer: "],
    "parsing_tools.py": ["Query\nQuery"],
    "parsing_tools_stream.py": ["arguments.done get_weather GetWeather", "tool calls: 1"],
    "picture.py": ["True"],
    "responses_background.py": ["Interrupted. Continuing...", "completed: You said"],
    "responses_input_tokens.py": ["input tokens: True"],
    "responses_streaming.py": ["response.output_text.delta", "parsed: MathResponse"],
    "responses_structured_outputs.py": ["output_parsed: MathResponse", "tool: GetWeather"],
    "responses_websocket.py": ["turns: 2", "sunny"],
    "responses_websocket_lanes.py": [
        'joke completed You said: "A joke"',
        'poem completed You said: "A poem"',
    ],
    "speech_to_text.py": ["transcription: str"],
    "streaming.py": ["got response data: {"],
    "text_to_speech.py": ["speech bytes: True"],
    "uploads.py": ["from disk: completed 1000000", "from memory: completed my_file.txt"],
}


def test_every_example_is_checked() -> None:
    assert sorted(EXPECTED) == [p.name for p in EXAMPLES]


@pytest.fixture(scope="module")
def base_url() -> object:
    with MockOpenAI.in_thread() as url:
        yield url


@pytest.mark.parametrize("path", EXAMPLES, ids=[p.stem for p in EXAMPLES])
def test_example_runs(path: Path, base_url: str) -> None:
    env = {
        **os.environ,
        "OPENAI_API_KEY": "sk-example",
        "OPENAI_BASE_URL": base_url,
        "PYTHONPATH": str(ROOT),
    }
    proc = subprocess.run(
        [sys.executable, str(path)], capture_output=True, text=True, timeout=120, env=env, cwd=ROOT
    )
    assert proc.returncode == 0, proc.stderr
    assert proc.stderr == ""
    for fragment in EXPECTED[path.name]:
        assert fragment in proc.stdout, (fragment, proc.stdout[-500:])
