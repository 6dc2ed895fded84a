"""`oxide.official.AzureOpenAI` / `AsyncAzureOpenAI`: the official Azure classes served by
oxide's Azure engine. Both it and the official client send to the same recording server (real
sockets); the requests must match (URL and deployment routing, api-version, api-key / AD-token
auth, body) for every auth and endpoint configuration the official client takes."""

from __future__ import annotations

import asyncio
import re
from collections.abc import Iterator
from typing import Any

import openai
import pytest

import oxide
import oxide.official
from tests.api._recording_server import RecordingServer, comparable, recording_server

# The Azure tests' configurations and calls; their autouse fixture that cleans the environment.
from tests.api.test_azure import CONFIGS, _clean_env, calls  # noqa: F401


@pytest.fixture(scope="module")
def server() -> Iterator[RecordingServer]:
    with recording_server() as srv:
        yield srv


def same_requests(srv: RecordingServer, make: Any) -> list[dict[str, Any]]:
    srv.take()
    try:
        official_client = make(openai)
    except openai.OpenAIError as refused:
        # A configuration the installed release refuses (newer ones: api_key with an AD
        # token): refused the same way, by the same constructor.
        with pytest.raises(type(refused), match=re.escape(str(refused)[:40])):
            make(oxide.official)
        return []
    calls(official_client)
    theirs = srv.take()
    client = make(oxide.official)
    calls(client)
    ours = srv.take()
    assert isinstance(client, openai.AzureOpenAI)
    assert len(ours) == len(theirs)
    for mine, official in zip(ours, theirs, strict=True):
        mine = comparable(mine)
        official = comparable(official)
        # oxide names itself; everything else must be the official client's
        for key in ("user-agent", "x-stainless-package-version"):
            mine["headers"].pop(key, None)
            official["headers"].pop(key, None)
        assert mine == official
    return ours


@pytest.mark.parametrize("config", sorted(CONFIGS))
def test_requests_match_the_official_azure_client(server: RecordingServer, config: str) -> None:
    kwargs = CONFIGS[config](server.url)
    ours = same_requests(
        server, lambda lib: lib.AzureOpenAI(api_version="2024-10-21", max_retries=0, **kwargs)
    )
    assert all(r["query"]["api-version"] == "2024-10-21" for r in ours)
    assert ours or openai.__version__ != "3.3.1"  # 3.3.1 takes every configuration


def test_async_azure_client(server: RecordingServer) -> None:
    async def run() -> Any:
        client = oxide.official.AsyncAzureOpenAI(
            api_key="key", api_version="v1", azure_endpoint=server.url, max_retries=0
        )
        assert isinstance(client, openai.AsyncAzureOpenAI)
        try:
            return await client.chat.completions.create(
                model="gpt-4o", messages=[{"role": "user", "content": "hi"}]
            )
        finally:
            await client.close()

    server.take()
    completion = asyncio.run(run())
    assert isinstance(completion, openai.types.chat.ChatCompletion)
    (request,) = server.take()
    assert request["path"] == "/openai/deployments/gpt-4o/chat/completions"
    assert request["headers"]["api-key"] == "key"
    assert request["headers"]["x-stainless-package-version"] == oxide.__version__


def test_install_covers_azure() -> None:
    oxide.official.install()
    try:
        assert openai.AzureOpenAI is oxide.official.AzureOpenAI
        assert openai.AsyncAzureOpenAI is oxide.official.AsyncAzureOpenAI
    finally:
        oxide.official.uninstall()
    assert openai.AzureOpenAI is not oxide.official.AzureOpenAI
