"""`oxide.AzureOpenAI` / `oxide.AsyncAzureOpenAI` against the official SDK's Azure clients: both send
to the same in-process server (real sockets) and the requests it saw must match (URL, query,
auth headers, body); construction errors must match in type and message."""

from __future__ import annotations

import asyncio
from collections.abc import Iterator
from typing import Any

import openai
import pytest

import oxide
from oxide._base_client import BaseAsyncClient
from oxide.lib.azure import API_KEY_SENTINEL

from ._recording_server import RecordingServer, comparable, recording_server

ENV = (
    "AZURE_OPENAI_API_KEY",
    "AZURE_OPENAI_AD_TOKEN",
    "AZURE_OPENAI_ENDPOINT",
    "OPENAI_API_VERSION",
    "OPENAI_API_KEY",
    "OPENAI_ADMIN_KEY",
    "OPENAI_BASE_URL",
    "OPENAI_ORG_ID",
    "OPENAI_PROJECT_ID",
    "OPENAI_CUSTOM_HEADERS",
)
MESSAGES: Any = [{"role": "user", "content": "hi"}]


@pytest.fixture(autouse=True)
def _clean_env(monkeypatch: pytest.MonkeyPatch) -> None:
    for name in ENV:
        monkeypatch.delenv(name, raising=False)


@pytest.fixture(scope="module")
def server() -> Iterator[RecordingServer]:
    with recording_server() as srv:
        yield srv


@pytest.fixture
def srv(server: RecordingServer) -> RecordingServer:
    server.take()
    return server


def calls(client: Any) -> None:
    """One call of each kind the Azure routing distinguishes."""
    client.models.list()
    client.chat.completions.create(model="gpt-4o", messages=MESSAGES)
    client.chat.completions.create(
        model="gpt-4o", messages=MESSAGES, extra_headers={"X-Extra": "1"}, extra_query={"q": "1"}
    )
    client.embeddings.create(model="emb", input="x")
    client.completions.create(model="inst", prompt="p")
    client.images.generate(model="dall-e", prompt="p")
    client.audio.speech.create(model="tts", voice="alloy", input="x")
    client.audio.transcriptions.create(model="whisper", file=("a.wav", b"RIFF"))
    client.chat.completions.list()  # a GET on a deployment endpoint: no body, no rewrite
    client.files.list()


def assert_same(srv: RecordingServer, make: Any, run: Any = calls) -> list[dict[str, Any]]:
    """`make(lib)` builds a client of `openai` and of `oxide`; both run `run`; the server must
    have seen the same requests."""
    run(make(openai))
    theirs = srv.take()
    run(make(oxide))
    ours = srv.take()
    assert len(ours) == len(theirs)
    for mine, official in zip(ours, theirs, strict=True):
        assert comparable(mine) == comparable(official)
    return ours


CONFIGS: dict[str, Any] = {
    "api_key": lambda ep: {"api_key": "key", "azure_endpoint": ep},
    "api_key_deployment": lambda ep: {
        "api_key": "key",
        "azure_endpoint": ep + "/",
        "azure_deployment": "dep",
    },
    "ad_token": lambda ep: {"azure_ad_token": "tok", "azure_endpoint": ep},
    "provider": lambda ep: {"azure_ad_token_provider": lambda: "prov", "azure_endpoint": ep},
    "provider_deployment": lambda ep: {
        "azure_ad_token_provider": lambda: "prov",
        "azure_endpoint": ep,
        "azure_deployment": "d",
    },
    "base_url": lambda ep: {"api_key": "key", "base_url": ep + "/openai"},
    "base_url_deployment": lambda ep: {
        "azure_ad_token": "tok",
        "base_url": ep + "/openai/deployments/fixed",
    },
    "options": lambda ep: {
        "api_key": "key",
        "azure_endpoint": ep,
        "organization": "org",
        "project": "proj",
        "default_headers": {"X-Default": "d"},
        "default_query": {"dq": "1", "api-version": "ignored"},
    },
    "default_header_auth_loses": lambda ep: {
        "api_key": "key",
        "azure_endpoint": ep,
        "default_headers": {"api-key": "from-defaults"},
    },
}


@pytest.mark.parametrize("config", sorted(CONFIGS))
def test_requests_match_the_sdk(srv: RecordingServer, config: str) -> None:
    kwargs = CONFIGS[config](srv.url)
    ours = assert_same(
        srv, lambda lib: lib.AzureOpenAI(api_version="2024-10-21", max_retries=0, **kwargs)
    )
    assert all(r["query"]["api-version"] == "2024-10-21" for r in ours)
    assert all(r["headers"]["user-agent"].startswith("AzureOpenAI/Python ") for r in ours)
    assert all(r["headers"]["x-stainless-async"] == "false" for r in ours)


def test_urls_and_auth(srv: RecordingServer) -> None:
    client = oxide.AzureOpenAI(api_key="key", api_version="v", azure_endpoint=srv.url)
    calls(client)
    paths = [r["path"] for r in srv.take()]
    assert paths == [
        "/openai/models",
        "/openai/deployments/gpt-4o/chat/completions",
        "/openai/deployments/gpt-4o/chat/completions",
        "/openai/deployments/emb/embeddings",
        "/openai/deployments/inst/completions",
        "/openai/deployments/dall-e/images/generations",
        "/openai/deployments/tts/audio/speech",
        "/openai/deployments/whisper/audio/transcriptions",
        "/openai/chat/completions",
        "/openai/files",
    ]
    client = oxide.AzureOpenAI(
        azure_ad_token="tok", api_version="v", azure_endpoint=srv.url, azure_deployment="dep"
    )
    client.models.list()
    client.chat.completions.create(model="ignored", messages=MESSAGES)
    first, second = srv.take()
    assert first["path"] == "/openai/models"
    assert second["path"] == "/openai/deployments/dep/chat/completions"
    assert second["headers"]["authorization"] == "Bearer tok"
    assert "api-key" not in second["headers"]
    assert second["query"] == {"api-version": "v"}


def test_extra_headers_override_auth(srv: RecordingServer) -> None:
    def run(client: Any) -> None:
        client.models.list(extra_headers={"api-key": "override"})
        client.models.list(extra_headers={"Authorization": "Bearer mine"})

    assert_same(
        srv,
        lambda lib: lib.AzureOpenAI(api_key="key", api_version="v", azure_endpoint=srv.url),
        run,
    )
    assert_same(
        srv,
        lambda lib: lib.AzureOpenAI(
            azure_ad_token_provider=lambda: "prov", api_version="v", azure_endpoint=srv.url
        ),
        run,
    )


def test_environment_variables(srv: RecordingServer, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("AZURE_OPENAI_API_KEY", "env-key")
    monkeypatch.setenv("OPENAI_API_VERSION", "env-version")
    monkeypatch.setenv("AZURE_OPENAI_ENDPOINT", srv.url)
    monkeypatch.setenv("OPENAI_ORG_ID", "env-org")
    ours = assert_same(srv, lambda lib: lib.AzureOpenAI())
    assert ours[0]["headers"]["api-key"] == "env-key"
    assert ours[0]["query"] == {"api-version": "env-version"}
    monkeypatch.setenv("AZURE_OPENAI_AD_TOKEN", "env-token")  # wins over the key
    ours = assert_same(srv, lambda lib: lib.AzureOpenAI())
    assert ours[0]["headers"]["authorization"] == "Bearer env-token"
    assert "api-key" not in ours[0]["headers"]


def test_provider_is_called_per_request(srv: RecordingServer) -> None:
    def run(lib: Any) -> list[str]:
        n = 0

        def provider() -> str:
            nonlocal n
            n += 1
            return f"token-{n}"

        client = lib.AzureOpenAI(
            azure_ad_token_provider=provider, api_version="v", azure_endpoint=srv.url
        )
        for _ in range(3):
            client.models.list()
        return [r["headers"]["authorization"] for r in srv.take()]

    assert run(oxide) == run(openai) == ["Bearer token-1", "Bearer token-2", "Bearer token-3"]


@pytest.mark.asyncio
async def test_async_clients_match_the_sdk(srv: RecordingServer) -> None:
    n = 0

    async def provider() -> str:
        nonlocal n
        n += 1
        await asyncio.sleep(0)
        return f"async-{n}"

    async def run(lib: Any) -> list[dict[str, Any]]:
        client = lib.AsyncAzureOpenAI(
            azure_ad_token_provider=provider,
            api_version="v",
            azure_endpoint=srv.url,
            max_retries=0,
        )
        await client.models.list()
        await client.chat.completions.create(model="gpt-4o", messages=MESSAGES)
        await client.embeddings.create(model="emb", input="x")
        await client.close()
        return srv.take()

    theirs = await run(openai)
    n = 0
    ours = await run(oxide)
    assert [comparable(r) for r in ours] == [comparable(r) for r in theirs]
    assert [r["headers"]["authorization"] for r in ours] == [
        "Bearer async-1",
        "Bearer async-2",
        "Bearer async-3",
    ]
    assert ours[0]["headers"]["user-agent"].startswith("AsyncAzureOpenAI/Python ")
    assert ours[0]["headers"]["x-stainless-async"] == "async:asyncio"


@pytest.mark.asyncio
async def test_async_client_with_a_sync_provider(srv: RecordingServer) -> None:
    client = oxide.AsyncAzureOpenAI(
        azure_ad_token_provider=lambda: "sync-token", api_version="v", azure_endpoint=srv.url
    )
    await client.models.list()
    await client.close()
    assert srv.pop()["headers"]["authorization"] == "Bearer sync-token"


def error_of(fn: Any) -> tuple[type[BaseException], str]:
    with pytest.raises(Exception) as info:
        fn()
    return type(info.value), str(info.value)


def same_error(make: Any) -> tuple[str, str]:
    (their_type, their_msg), (our_type, our_msg) = (
        error_of(lambda: make(openai)),
        error_of(lambda: make(oxide)),
    )
    assert (our_type.__name__, our_msg) == (their_type.__name__, their_msg)
    assert issubclass(our_type, ValueError) == issubclass(their_type, ValueError)
    assert issubclass(our_type, oxide.OpenAIError) == issubclass(their_type, openai.OpenAIError)
    return our_type.__name__, our_msg


@pytest.mark.parametrize("cls", ["AzureOpenAI", "AsyncAzureOpenAI"])
def test_construction_errors_match_the_sdk(cls: str) -> None:
    def build(**kwargs: Any) -> Any:
        return lambda lib: getattr(lib, cls)(**kwargs)

    name, msg = same_error(build(api_version="v", azure_endpoint="https://x"))
    assert name == "OpenAIError" and msg.startswith("Missing credentials.")
    name, msg = same_error(build(api_key="k", azure_endpoint="https://x"))
    assert name == "ValueError" and "`OPENAI_API_VERSION`" in msg
    name, msg = same_error(build(api_key="k", api_version="v"))
    assert name == "ValueError" and "`AZURE_OPENAI_ENDPOINT`" in msg
    name, msg = same_error(
        build(api_key="k", api_version="v", base_url="https://a", azure_endpoint="https://b")
    )
    assert msg == "base_url and azure_endpoint are mutually exclusive"


def test_unable_to_handle_auth(srv: RecordingServer) -> None:
    def make(lib: Any) -> Any:
        return lib.AzureOpenAI(api_version="v", azure_endpoint=srv.url, _enforce_credentials=False)

    name, msg = same_error(lambda lib: make(lib).models.list())
    assert (name, msg) == ("ValueError", "Unable to handle auth")
    assert srv.take() == []
    # An auth header of the call or of the client's default headers is enough.
    assert_same(srv, make, lambda c: c.models.list(extra_headers={"api-key": "call-key"}))
    assert_same(
        srv,
        lambda lib: lib.AzureOpenAI(
            api_version="v",
            azure_endpoint=srv.url,
            default_headers={"Authorization": "Bearer default"},
            _enforce_credentials=False,
        ),
        lambda c: c.models.list(),
    )


def test_bad_provider_result_matches_the_sdk(srv: RecordingServer) -> None:
    for result in ("", None):
        name, msg = same_error(
            lambda lib, result=result: lib.AzureOpenAI(
                azure_ad_token_provider=lambda: result, api_version="v", azure_endpoint=srv.url
            ).models.list()
        )
        assert name == "ValueError"
        assert msg == "Expected `azure_ad_token_provider` argument to return a non-empty string."
    assert srv.take() == []


@pytest.mark.parametrize("cls", ["AzureOpenAI", "AsyncAzureOpenAI"])
@pytest.mark.parametrize(
    "credentials",
    [
        {"api_key": "k", "azure_ad_token": "t"},
        {"api_key": "k", "azure_ad_token_provider": lambda: "p"},
        {"azure_ad_token": "t", "azure_ad_token_provider": lambda: "p"},
    ],
)
def test_credentials_are_mutually_exclusive(cls: str, credentials: dict[str, Any]) -> None:
    name, msg = same_error(
        lambda lib: getattr(lib, cls)(api_version="v", azure_endpoint="https://x", **credentials)
    )
    assert name == "MutuallyExclusiveAuthError" and "mutually exclusive" in msg


def test_environment_only_without_credentials(
    srv: RecordingServer, monkeypatch: pytest.MonkeyPatch
) -> None:
    """AZURE_OPENAI_AD_TOKEN / AZURE_OPENAI_API_KEY fill in only when no credential is given;
    a copy given a new credential drops the old one."""
    monkeypatch.setenv("AZURE_OPENAI_AD_TOKEN", "env-token")
    monkeypatch.setenv("AZURE_OPENAI_API_KEY", "env-key")
    sent = []
    for lib in (openai, oxide):
        base = lib.AzureOpenAI(api_version="v", azure_endpoint=srv.url, max_retries=0)
        keyed = lib.AzureOpenAI(api_key="k", api_version="v", azure_endpoint=srv.url)
        for client in (base, keyed, keyed.with_options(azure_ad_token="t2")):
            client.models.list()
        sent.append(
            [(r["headers"].get("authorization"), r["headers"].get("api-key")) for r in srv.take()]
        )
    assert sent[0] == sent[1] == [("Bearer env-token", None), (None, "k"), ("Bearer t2", None)]


def test_sentinel_api_key() -> None:
    for lib in (openai, oxide):
        client = lib.AzureOpenAI(azure_ad_token="t", api_version="v", azure_endpoint="https://x")
        assert client.api_key == API_KEY_SENTINEL == "<missing API key>"


def test_copy_and_with_options(srv: RecordingServer) -> None:
    def make(lib: Any) -> Any:
        return lib.AzureOpenAI(
            api_key="key", api_version="v1", azure_endpoint=srv.url, default_headers={"X-A": "a"}
        )

    def run(client: Any) -> None:
        client.with_options(api_version="v2").models.list()
        client.copy(azure_ad_token="copied-token").models.list()
        client.with_options(default_headers={"X-B": "b"}, default_query={"q": "1"}).models.list()
        client.with_options(set_default_headers={"X-C": "c"}).chat.completions.create(
            model="m", messages=MESSAGES
        )
        client.with_options(max_retries=0, timeout=5).embeddings.create(model="e", input="x")

    ours = assert_same(srv, make, run)
    assert ours[0]["query"] == {"api-version": "v2"}
    assert ours[1]["headers"]["authorization"] == "Bearer copied-token"
    assert type(make(oxide).with_options()) is oxide.AzureOpenAI
    for lib in (openai, oxide):
        client = make(lib)
        assert error_of(lambda client=client: client.copy(data_residency="us")) == (
            (lib.OpenAIError, "`data_residency` is only supported by OpenAI clients")
        )
        assert error_of(lambda client=client: client.copy(provider=None))[1] == (
            "Configure `provider` on `OpenAI`, not on `AzureOpenAI.with_options()`."
        )
        assert (
            error_of(lambda client=client: client.copy(default_headers={}, set_default_headers={}))[
                0
            ]
            is ValueError
        )


@pytest.mark.asyncio
async def test_async_copy(srv: RecordingServer) -> None:
    client = oxide.AsyncAzureOpenAI(api_key="key", api_version="v1", azure_endpoint=srv.url)
    copied = client.with_options(api_version="v2")
    assert type(copied) is oxide.AsyncAzureOpenAI
    await copied.models.list()
    assert srv.pop()["query"] == {"api-version": "v2"}
    with pytest.raises(oxide.OpenAIError, match="`AsyncOpenAI`, not on `AsyncAzureOpenAI"):
        client.copy(provider=None)
    await client.close()


def test_copy_of_a_deployment_client_keeps_its_routing(srv: RecordingServer) -> None:
    # The SDK's copy forgets `azure_endpoint`, so its copy sends `models.list()` under the
    # deployment; oxide's copy routes as the original does.
    client = oxide.AzureOpenAI(
        api_key="key", api_version="v", azure_endpoint=srv.url, azure_deployment="dep"
    )
    for c in (client, client.copy(), client.with_options(api_version="v2")):
        c.models.list()
        c.chat.completions.create(model="m", messages=MESSAGES)
    paths = [r["path"] for r in srv.take()]
    assert paths == ["/openai/models", "/openai/deployments/dep/chat/completions"] * 3


def test_realtime_url_and_headers_match_the_sdk() -> None:
    cases: list[dict[str, Any]] = [
        {"api_key": "k", "azure_endpoint": "https://res.example.com"},
        {"api_key": "k", "azure_endpoint": "https://res.example.com", "azure_deployment": "rt"},
        {"azure_ad_token_provider": lambda: "tok", "base_url": "https://res.example.com/openai"},
        {
            "api_key": "k",
            "azure_endpoint": "https://x",
            "websocket_base_url": "wss://ws.example/a/",
        },
    ]
    for kwargs in cases:
        results = []
        for lib in (openai, oxide):
            client = lib.AzureOpenAI(api_version="v", **kwargs)
            url, headers = client._configure_realtime("gpt-rt", {"extra": "1"})
            results.append((str(url), headers))
        assert results[0] == results[1]


def test_the_non_azure_request_path_is_untouched() -> None:
    # The Azure hook is an override on the Azure classes only: the other clients run the
    # engine's own `_request` and `_url`, with no extra check.
    assert oxide.AsyncOpenAI._request is BaseAsyncClient._request
    assert oxide.AsyncOpenAI._url is BaseAsyncClient._url
    assert oxide.AsyncAzureOpenAI._request is not BaseAsyncClient._request


def test_callable_api_key_is_sent_as_api_key(srv: RecordingServer) -> None:
    # The SDK raises "Unable to handle auth" for a callable `api_key` on Azure (its request
    # hook never calls it); oxide calls it per request and sends it as `api-key`.
    keys = iter(["k1", "k2"])
    client = oxide.AzureOpenAI(api_key=lambda: next(keys), api_version="v", azure_endpoint=srv.url)
    client.models.list()
    client.models.list()
    assert [r["headers"]["api-key"] for r in srv.take()] == ["k1", "k2"]
