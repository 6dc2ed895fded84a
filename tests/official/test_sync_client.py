"""`oxide.official.OpenAI`: the official sync client on oxide's sync engine."""

from __future__ import annotations

from typing import Any

import openai
import pytest
from openai.types.chat import ChatCompletion, ChatCompletionChunk

import oxide
from oxide.official import OpenAI, Stream

MODEL = "gpt-4o-mini"
MESSAGES: list[Any] = [{"role": "user", "content": "hi"}]


def test_sync_client(mock_base_url: str, mock_server: Any) -> None:
    with OpenAI(api_key="sk-test", base_url=mock_base_url) as client:
        assert isinstance(client, openai.OpenAI)
        completion = client.chat.completions.create(model=MODEL, messages=MESSAGES)
        assert type(completion) is ChatCompletion
        assert (completion._request_id or "").startswith("req_")
        stream = client.chat.completions.create(model=MODEL, messages=MESSAGES, stream=True)
        assert isinstance(stream, openai.Stream) and isinstance(stream, Stream)
        assert all(type(c) is ChatCompletionChunk for c in stream)
        with pytest.raises(openai.NotFoundError):
            client.models.retrieve("no-such-model")
        raw = client.chat.completions.with_raw_response.create(model=MODEL, messages=MESSAGES)
        assert type(raw.parse()) is ChatCompletion and raw.headers["x-request-id"]
        with client.chat.completions.with_streaming_response.create(
            model=MODEL, messages=MESSAGES, stream=True
        ) as response:
            assert isinstance(response, openai._response.APIResponse)
            chunks = list(response.parse())
        assert chunks and all(type(c) is ChatCompletionChunk for c in chunks)
        agent = mock_server.mock.requests[-1].headers["User-Agent"]
        assert agent == f"OpenAI/Python {oxide.__version__}"


def test_without_the_official_package_the_error_says_what_to_do() -> None:
    import subprocess
    import sys

    code = "import sys; sys.modules['openai'] = None\nimport oxide.official\n"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert out.returncode == 1
    assert "oxide.official needs the official SDK: pip install openai" in out.stderr
