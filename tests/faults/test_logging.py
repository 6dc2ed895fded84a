"""`OPENAI_LOG`: oxide logs a call, its retries and its errors as the official SDK does.

The same scripted server answers both clients, and the messages each logs are compared line
for line (numbers of seconds aside). Credentials, URLs and bodies never appear in a message.
"""

from __future__ import annotations

import logging
import os
import re
import subprocess
import sys

import openai
import pytest
from aiohttp import web

import oxide

from .conftest import API_KEY, chat_completion, error_body, json_response

MESSAGES = [{"role": "user", "content": "hi"}]
SECRET_BODY = "a private prompt"


async def flaky_then_ok(request: web.Request, n: int) -> web.StreamResponse:
    """A 500 then a success for the first call; a 400 (not retried) for the second."""
    headers = {"x-request-id": f"req_{n}", "retry-after-ms": "5"}
    if n == 0:
        return json_response(error_body("overloaded", "server_error"), 500, headers)
    if n == 1:
        return json_response(chat_completion(), headers=headers)
    return json_response(error_body("bad", "invalid_request_error"), 400, headers)


def _messages(caplog: pytest.LogCaptureFixture, root: str) -> list[tuple[int, str]]:
    seconds = re.compile(r"\d+\.\d+ seconds")
    return [
        (r.levelno, seconds.sub("N seconds", r.getMessage()))
        for r in caplog.records
        if r.name == root or r.name.startswith(root + ".")
    ]


async def _scenario(client: oxide.AsyncOpenAI | openai.AsyncOpenAI) -> None:
    await client.chat.completions.create(model="m", messages=MESSAGES)  # type: ignore[arg-type]
    with pytest.raises((oxide.BadRequestError, openai.BadRequestError)):
        await client.chat.completions.create(
            model="m",
            messages=[{"role": "user", "content": SECRET_BODY}],  # type: ignore[list-item]
        )


@pytest.mark.asyncio
async def test_debug_messages_are_the_official_sdks(
    web_server, make_client, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.DEBUG, logger="oxide")
    caplog.set_level(logging.DEBUG, logger="openai")

    server = await web_server(flaky_then_ok)
    await _scenario(make_client(server.url, max_retries=2))
    ours = _messages(caplog, "oxide")
    caplog.clear()

    server = await web_server(flaky_then_ok)
    async with openai.AsyncOpenAI(api_key=API_KEY, base_url=server.url, max_retries=2) as sdk:
        await _scenario(sdk)
    theirs = _messages(caplog, "openai")

    assert ours == theirs
    assert (logging.INFO, "Retrying request in N seconds (retry 1 of 2)") in ours
    assert (logging.DEBUG, "request_id: req_1") in ours
    assert (logging.DEBUG, "Re-raising status error") in ours
    for record in caplog.records:
        text = record.getMessage()
        assert API_KEY not in text and SECRET_BODY not in text and "127.0.0.1" not in text


@pytest.mark.asyncio
async def test_connection_errors_are_logged_before_raising(
    make_client, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.DEBUG, logger="oxide")
    client = make_client("http://127.0.0.1:9/v1", max_retries=0)  # nothing listens on port 9
    with pytest.raises(oxide.APIConnectionError):
        await client.models.list()
    messages = [m for _, m in _messages(caplog, "oxide")]
    assert messages[-2].startswith("Encountered exception: ")
    assert messages[-1] == "Raising connection error"


@pytest.mark.asyncio
async def test_silent_below_the_configured_level(
    web_server, make_client, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.INFO, logger="oxide")
    server = await web_server(flaky_then_ok)
    await make_client(server.url, max_retries=2).chat.completions.create(
        model="m", messages=MESSAGES
    )
    # At INFO only the retry is told; no debug message was formatted or recorded.
    assert _messages(caplog, "oxide") == [
        (logging.INFO, "Retrying request in N seconds (retry 1 of 2)")
    ]


@pytest.mark.parametrize(
    ("value", "level"),
    [("debug", logging.DEBUG), ("info", logging.INFO), ("bogus", logging.NOTSET), ("", 0)],
)
def test_openai_log_sets_the_level_at_import(value: str, level: int) -> None:
    code = "import logging, oxide; print(logging.getLogger('oxide').level)"
    env = {**os.environ, "OPENAI_LOG": value}
    out = subprocess.run(
        [sys.executable, "-c", code], env=env, capture_output=True, text=True, check=True
    )
    assert int(out.stdout) == level
