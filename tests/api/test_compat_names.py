"""The official top-level names whose meaning differs in oxide (no httpx): HTTP-client names
build options for oxide's pool, `DataResidency`, `file_from_path`; over real sockets to the
embedded mock where a request is involved."""

from __future__ import annotations

from pathlib import Path

import aiohttp
import pytest

import oxide
import oxide.compat as compat
from oxide.testing import MockOpenAI

MESSAGES = [{"role": "user", "content": "hi"}]


@pytest.mark.asyncio
async def test_http_client_names_configure_oxides_pool(mock_openai: MockOpenAI) -> None:
    for http_client in (
        compat.DefaultAioHttpClient(),
        compat.DefaultAsyncHttpxClient(limits=compat.DEFAULT_CONNECTION_LIMITS, timeout=5),
        compat.DefaultAsyncHttpx2Client(limits=oxide._http_clients.ConnectionLimits(7)),
    ):
        async with compat.AsyncOpenAI(
            api_key="sk-test", base_url=mock_openai.base_url, http_client=http_client
        ) as client:
            completion = await client.chat.completions.create(
                model="gpt-4o-mini", messages=MESSAGES
            )
            assert completion.choices[0].message.content
            expected = http_client.connection_limit or oxide._constants.DEFAULT_CONNECTION_LIMIT
            assert client._connection_limit == expected


def test_sync_client_takes_the_sync_names(mock_base_url: str) -> None:
    with compat.OpenAI(
        api_key="sk-test", base_url=mock_base_url, http_client=compat.DefaultHttpxClient()
    ) as client:
        assert client.models.list().data


@pytest.mark.parametrize(
    ("setting", "hint"),
    [("proxy", "HTTPS_PROXY"), ("verify", "TCPConnector(ssl=...)"), ("http2", "HTTP/1.1")],
)
def test_httpx_only_settings_raise_naming_the_alternative(setting: str, hint: str) -> None:
    with pytest.raises(TypeError, match=rf"does not take httpx's `{setting}=`") as caught:
        compat.DefaultAsyncHttpxClient(**{setting: True})
    assert hint in str(caught.value)


@pytest.mark.asyncio
async def test_foreign_http_clients_are_refused_clearly() -> None:
    class HttpxLike:
        def send(self) -> None: ...

    with pytest.raises(TypeError, match="oxide does not use httpx.*oxide.official"):
        oxide.AsyncOpenAI(api_key="sk-test", http_client=HttpxLike())  # type: ignore[arg-type]
    async with aiohttp.ClientSession() as session:
        with pytest.raises(TypeError, match="DefaultHttpxClient"):
            oxide.OpenAI(api_key="sk-test", http_client=session)  # type: ignore[arg-type]


def test_data_residency() -> None:
    assert oxide.AsyncOpenAI(api_key="k", data_residency="eu").base_url == (
        "https://eu.api.openai.com/v1/"
    )
    with oxide.OpenAI(api_key="k", data_residency="us") as client:
        assert client.base_url == "https://us.api.openai.com/v1/"
    with pytest.raises(ValueError, match="mutually exclusive"):
        oxide.AsyncOpenAI(api_key="k", data_residency="eu", base_url="http://x/v1")
    with pytest.raises(ValueError, match="Invalid `data_residency`"):
        oxide.AsyncOpenAI(api_key="k", data_residency="mars")  # type: ignore[arg-type]


def test_file_from_path(tmp_path: Path, mock_base_url: str) -> None:
    path = tmp_path / "notes.jsonl"
    path.write_bytes(b'{"a": 1}\n')
    assert compat.file_from_path(str(path)) == ("notes.jsonl", b'{"a": 1}\n')
    with compat.OpenAI(api_key="sk-test", base_url=mock_base_url) as client:
        created = client.files.create(file=compat.file_from_path(str(path)), purpose="batch")
    assert created.filename == "notes.jsonl" and created.bytes == 9
