"""The `oxide` command, end to end: real processes against the embedded mock.

Each test runs `python -m oxide ...` (what the `oxide` script runs) as a user would, with the
mock's address in the environment or in `--base-url`, and checks its output and exit code.
The streaming chat is also run in a real terminal (tmux) to see tokens arrive before the end.
"""

from __future__ import annotations

import io
import os
import shutil
import subprocess
import sys
import time
import uuid
from collections.abc import Iterator
from pathlib import Path

import orjson
import pytest

from oxide.testing import MockOpenAI, ThreadedMockOpenAI

ECHO = "This answer comes from the oxide mock server"


@pytest.fixture
def server() -> Iterator[ThreadedMockOpenAI]:
    mock = MockOpenAI.in_thread()
    mock.start()
    try:
        yield mock
    finally:
        mock.stop()


def oxide_cli(
    *args: str, base_url: str | None, stdin: str | None = None, api_key: str | None = "sk-test"
) -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("OPENAI_")}
    if base_url is not None:
        env["OPENAI_BASE_URL"] = base_url
    if api_key is not None:
        env["OPENAI_API_KEY"] = api_key
    return subprocess.run(
        [sys.executable, "-m", "oxide", *args],
        input=stdin if stdin is not None else "",
        capture_output=True,
        text=True,
        env=env,
        timeout=60,
    )


def test_chat_streams_the_answer(server: ThreadedMockOpenAI) -> None:
    out = oxide_cli("chat", "-s", "Be brief.", "Name", "three", "rivers", base_url=server.base_url)
    assert out.returncode == 0, out.stderr
    assert out.stdout.startswith('You said: "Name three rivers".')
    assert ECHO in out.stdout
    (request,) = [r for r in server.mock.requests if r.path.endswith("/chat/completions")]
    body = request.json
    assert body["stream"] is True and body["model"] == "gpt-4o-mini"
    assert body["messages"] == [
        {"role": "system", "content": "Be brief."},
        {"role": "user", "content": "Name three rivers"},
    ]


def test_chat_reads_stdin_and_prints_json(server: ThreadedMockOpenAI) -> None:
    server.mock.queue_reply("scripted answer")
    out = oxide_cli(
        "chat", "--json", "-t", "0.2", "Summarise:", base_url=server.base_url, stdin="the notes\n"
    )
    assert out.returncode == 0, out.stderr
    completion = orjson.loads(out.stdout)
    assert completion["object"] == "chat.completion"
    assert completion["choices"][0]["message"]["content"] == "scripted answer"
    sent = server.mock.requests[-1].json
    assert sent["messages"][-1]["content"] == "Summarise:\n\nthe notes"
    assert sent["temperature"] == 0.2 and "stream" not in sent

    streamed = oxide_cli("chat", "--json", "--stream", "hi", base_url=server.base_url)
    chunks = [orjson.loads(line) for line in streamed.stdout.splitlines()]
    assert chunks and all(c["object"] == "chat.completion.chunk" for c in chunks)


def test_responses_models_and_embed(server: ThreadedMockOpenAI) -> None:
    out = oxide_cli("responses", "-i", "Be terse.", "Write a haiku", base_url=server.base_url)
    assert out.returncode == 0, out.stderr
    assert out.stdout.startswith('You said: "Write a haiku".')
    assert out.stderr.strip().startswith("[resp_")  # the id to continue with
    sent = server.mock.requests[-1].json
    assert sent["instructions"] == "Be terse." and sent["stream"] is True

    models = oxide_cli("models", base_url=server.base_url)
    assert "gpt-4o-mini" in models.stdout.splitlines()

    vectors = oxide_cli("embed", "--dimensions", "8", base_url=server.base_url, stdin="one\ntwo\n")
    rows = [orjson.loads(line) for line in vectors.stdout.splitlines()]
    assert len(rows) == 2 and all(len(r) == 8 for r in rows)


def test_files_round_trip(server: ThreadedMockOpenAI, tmp_path: Path) -> None:
    data = os.urandom(300_000)
    source = tmp_path / "notes.bin"
    source.write_bytes(data)
    up = oxide_cli("files", "upload", str(source), "-p", "batch", base_url=server.base_url)
    assert up.returncode == 0, up.stderr
    file_id = up.stdout.strip()
    assert file_id.startswith("file-")

    listing = oxide_cli("files", "list", "--purpose", "batch", base_url=server.base_url)
    assert f"{file_id}\t300000\tbatch\tnotes.bin" in listing.stdout

    target = tmp_path / "copy.bin"
    down = oxide_cli("files", "download", file_id, "-o", str(target), base_url=server.base_url)
    assert down.returncode == 0, down.stderr
    assert target.read_bytes() == data

    gone = oxide_cli("files", "delete", file_id, base_url=server.base_url)
    assert gone.stdout.strip() == f"{file_id} deleted"


@pytest.mark.parametrize(
    ("args", "base", "key", "code", "message"),
    [
        (["chat", "hi"], "mock", "sk-invalid", 1, "error 401: Incorrect API key provided"),
        (
            ["chat", "--max-retries", "0", "hi"],
            "http://127.0.0.1:9/v1",
            "k",
            3,
            "Connection error.",
        ),
        (["chat", "hi"], None, None, 2, "Missing credentials"),
        (["chat"], "mock", "sk-test", 2, "no prompt"),
        (["files", "upload", "/nonexistent"], "mock", "sk-test", 2, "no such file"),
        (["mock", "--fail-next", "abc"], None, None, 2, "expected STATUS or STATUSxTIMES"),
        (["chat", "--temperature", "warm", "hi"], None, None, 2, "invalid float value"),
    ],
)
def test_errors_have_messages_and_exit_codes(
    server: ThreadedMockOpenAI,
    args: list[str],
    base: str | None,
    key: str | None,
    code: int,
    message: str,
) -> None:
    out = oxide_cli(*args, base_url=server.base_url if base == "mock" else base, api_key=key)
    assert out.returncode == code, out.stderr
    assert message in out.stderr
    assert "Traceback" not in out.stderr


def test_api_errors_name_the_request(server: ThreadedMockOpenAI) -> None:
    server.mock.fail_next(503)
    out = oxide_cli("models", "--max-retries", "0", base_url=server.base_url)
    assert out.returncode == 1
    assert out.stderr.startswith("oxide models: error 503: ")
    assert "(request id req_" in out.stderr


def test_help_reads_as_plain_text() -> None:
    for args in (["--help"], ["chat", "--help"], ["mock", "--help"], ["files", "upload", "--help"]):
        out = oxide_cli(*args, base_url=None)
        assert out.returncode == 0
        assert "``" not in out.stdout and ":class:" not in out.stdout
    mock_help = oxide_cli("mock", "--help", base_url=None).stdout
    for switch in (
        "--port",
        "--fail-next",
        "x-mock-error",
        "x-mock-stream-error-after",
        "--no-auth",
    ):
        assert switch in mock_help


def test_mock_command_injects_errors() -> None:
    proc = subprocess.Popen(
        [sys.executable, "-m", "oxide", "mock", "--port", "0", "--fail-next", "429x2"],
        stdout=subprocess.PIPE,
        text=True,
        env={**os.environ, "PYTHONUNBUFFERED": "1"},
    )
    try:
        assert proc.stdout is not None
        base_url = proc.stdout.readline().split(": ", 1)[1].strip()
        failed = oxide_cli("models", "--max-retries", "0", base_url=base_url)
        assert failed.returncode == 1 and "error 429" in failed.stderr
        # The second injected 429 is retried past by the client (retry-after-ms: 20).
        assert oxide_cli("models", base_url=base_url).returncode == 0
    finally:
        proc.terminate()
        proc.wait(timeout=10)
        proc.stdout.close() if proc.stdout else None


def test_bench_compares_with_the_official_sdk() -> None:
    out = oxide_cli("bench", "-n", "30", base_url=None)
    assert out.returncode == 0, out.stderr
    lines = out.stdout.splitlines()
    assert "oxide" in lines[1] and "openai" in lines[1] and "ratio" in lines[1]
    for case, line in zip(("chat", "chat stream"), lines[2:], strict=True):
        assert line.startswith(case)
        assert line.rstrip().endswith("x")


@pytest.mark.skipif(shutil.which("tmux") is None, reason="tmux is not installed")
def test_chat_streams_into_a_real_terminal(tmp_path: Path) -> None:
    """In a tmux pane (a real pty): the first tokens are on screen while the stream is still
    running, and the whole answer at the end."""
    mock = MockOpenAI.in_thread(stream_delay=0.15)
    mock.start()
    session = f"oxide-cli-{uuid.uuid4().hex[:8]}"
    done = tmp_path / "done"
    command = (
        f"OPENAI_BASE_URL={mock.base_url} OPENAI_API_KEY=sk-test "
        f"{sys.executable} -m oxide chat 'Name three rivers'; echo $? > {done}; sleep 60"
    )
    try:
        subprocess.run(
            ["tmux", "new-session", "-d", "-s", session, "-x", "200", "-y", "50", command],
            check=True,
        )

        def screen() -> str:
            return subprocess.run(
                ["tmux", "capture-pane", "-p", "-J", "-t", session],
                capture_output=True,
                text=True,
            ).stdout

        deadline = time.monotonic() + 60
        partial = ""
        while time.monotonic() < deadline and not done.exists():
            text = screen()
            if 'You said: "Name' in text and ECHO not in text:
                partial = text  # tokens shown before the answer was complete
            if done.exists():
                break
            time.sleep(0.1)
        assert partial, "no partial answer was seen while streaming"
        while not done.exists() and time.monotonic() < deadline:
            time.sleep(0.1)
        assert done.read_text().strip() == "0"
        assert ECHO in screen()  # the whole answer, in the terminal
    finally:
        subprocess.run(["tmux", "kill-session", "-t", session], capture_output=True)
        mock.stop()


class _Terminal(io.StringIO):
    def isatty(self) -> bool:
        return True


def test_upload_progress_bar_counts_the_bytes_sent(
    server: ThreadedMockOpenAI, tmp_path: Path
) -> None:
    """The progress bar follows the bytes oxide's multipart writer reads from the file."""
    from oxide import OpenAI
    from oxide._cli._common import Progress
    from oxide._cli._files import _CountingFile

    source = tmp_path / "big.bin"
    source.write_bytes(os.urandom(3_000_000))
    terminal = _Terminal()
    progress = Progress("uploading big.bin", source.stat().st_size, stream=terminal)
    progress._drawn = -1.0  # draw on the first read too
    with OpenAI(base_url=server.base_url, api_key="sk-test") as client:
        with _CountingFile(str(source), progress) as counted:
            created = client.files.create(file=("big.bin", counted), purpose="batch")
    progress.finish()
    assert created.bytes == 3_000_000
    assert progress.done == 3_000_000
    shown = terminal.getvalue()
    assert shown.startswith("\ruploading big.bin [")
    assert shown.rstrip().endswith("100% 3.0/3.0 MB")
