"""``python -m oxide mock`` and ``python -m oxide demo``."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import orjson
import pytest

from oxide import _demo

REPO_ROOT = Path(__file__).resolve().parents[2]
STEPS = [
    "1. chat.completions.create",
    "2. chat.completions.create(stream=True)",
    "3. tool call round trip",
    "4. responses.create",
    "5. responses.create(stream=True)",
    "6. embeddings.create",
    "7. responses.connect(): a tool loop over one WebSocket",
]
OXIDE_ONLY = ["8. responses.session(): the same loop, chained by the session"]


def test_cli_mock_serves_until_interrupted() -> None:
    proc = subprocess.Popen(
        [sys.executable, "-m", "oxide", "mock", "--port", "0"],
        cwd=REPO_ROOT,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        env={**os.environ, "PYTHONUNBUFFERED": "1"},
    )
    try:
        assert proc.stdout is not None
        line = proc.stdout.readline().decode()
        assert line.startswith("oxide mock OpenAI server: http://127.0.0.1:"), line
        base_url = line.split(": ", 1)[1].strip()
        assert base_url.endswith("/v1")
        request = urllib.request.Request(
            f"{base_url}/models/gpt-4o", headers={"Authorization": "Bearer sk-test"}
        )
        with urllib.request.urlopen(request, timeout=10) as resp:
            assert orjson.loads(resp.read())["id"] == "gpt-4o"
            assert resp.headers["x-request-id"].startswith("req_")
        proc.send_signal(signal.SIGINT)
        assert proc.wait(timeout=10) == 0
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait()
        for stream in (proc.stdout, proc.stderr):
            if stream is not None:
                stream.close()


def test_demo_with_official_sdk(capsys: pytest.CaptureFixture[str]) -> None:
    assert _demo.main("openai") == 0
    out = capsys.readouterr().out
    for step in STEPS:
        assert step in out
    assert "client: openai.AsyncOpenAI" in out
    assert "model asks: get_weather(" in out
    assert "Paris is the capital" in out.split("best match")[1]
    assert OXIDE_ONLY[0] not in out
    # Step 7 runs with the official SDK when its WebSocket dependency is installed.
    ws = out.split("7. responses.connect()")[1]
    assert "(skipped: " in ws or "2 turns on one socket" in ws
    assert out.count("time: wall") == (6 if "(skipped: " in ws else 7)


def test_demo_websocket_steps_with_oxide(capsys: pytest.CaptureFixture[str]) -> None:
    assert _demo.main("oxide") == 0
    out = capsys.readouterr().out
    for step in [*STEPS, *OXIDE_ONLY]:
        assert step in out
    # The weather tool ran locally and its result reached the model over the socket.
    assert out.split("7. responses.connect()")[1].count('"city": "Paris"') == 2
    assert "2 turns on one socket" in out and "1 socket; output_text" in out
    assert out.count("time: wall") == 8


def test_demo_client_choice(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("OXIDE_DEMO_CLIENT", "openai")
    assert _demo.choose_clients(None) == ["openai"]
    assert _demo.choose_clients("both") == ["oxide", "openai"]
    monkeypatch.setenv("OXIDE_DEMO_CLIENT", "nope")
    with pytest.raises(SystemExit):
        _demo.choose_clients(None)


def test_demo_with_oxide_side_by_side(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(_demo, "COMPARE_RUNS", 2)
    start = time.perf_counter()
    assert _demo.main("both") == 0, capsys.readouterr().err
    out = capsys.readouterr().out
    for step in [*STEPS, *OXIDE_ONLY]:
        assert step in out
    assert "client: oxide.AsyncOpenAI" in out
    assert "oxide.AsyncOpenAI" in out and "openai.AsyncOpenAI" in out
    assert "total cpu per loop (steps both ran): oxide" in out
    assert "(not in this client)" in out.split("websocket session")[1]
    assert time.perf_counter() - start < 60
