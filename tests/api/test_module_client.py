"""The module-level client (`oxide.api_key = ...; oxide.chat.completions.create(...)`) against the
official SDK's (`openai.api_key = ...`), both sending to the same in-process server."""

from __future__ import annotations

import subprocess
import sys
from collections.abc import Iterator
from typing import Any

import openai
import pytest

import oxide
import oxide.compat
from oxide import _module_client

from ._recording_server import RecordingServer, comparable, recording_server

SETTINGS = (
    "api_key",
    "admin_api_key",
    "organization",
    "project",
    "webhook_secret",
    "base_url",
    "timeout",
    "max_retries",
    "default_headers",
    "default_query",
    "http_client",
    "api_type",
    "api_version",
    "azure_endpoint",
    "azure_ad_token",
    "azure_ad_token_provider",
)
ENV = (
    "AZURE_OPENAI_API_KEY",
    "AZURE_OPENAI_AD_TOKEN",
    "AZURE_OPENAI_ENDPOINT",
    "OPENAI_API_VERSION",
    "OPENAI_API_TYPE",
    "OPENAI_API_KEY",
    "OPENAI_ADMIN_KEY",
    "OPENAI_BASE_URL",
    "OPENAI_ORG_ID",
    "OPENAI_PROJECT_ID",
    "OPENAI_CUSTOM_HEADERS",
)
MESSAGES: Any = [{"role": "user", "content": "hi"}]


@pytest.fixture(autouse=True)
def _fresh_modules(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    """Each test starts from the import-time settings, no module client, a clean environment."""
    for name in ENV:
        monkeypatch.delenv(name, raising=False)
    saved = {lib: {n: getattr(lib, n) for n in SETTINGS} for lib in (openai, oxide)}
    for lib in (openai, oxide):
        for name in ("api_type", "api_version", "azure_endpoint", "azure_ad_token"):
            setattr(lib, name, None)
    openai._reset_client()
    _module_client.reset_client()
    yield
    if _module_client._client is not None:
        _module_client._client.close()
    openai._reset_client()
    _module_client.reset_client()
    for lib, values in saved.items():
        for name, value in values.items():
            setattr(lib, name, value)


@pytest.fixture(scope="module")
def server() -> Iterator[RecordingServer]:
    with recording_server() as srv:
        yield srv


@pytest.fixture
def srv(server: RecordingServer) -> RecordingServer:
    server.take()
    return server


def both(srv: RecordingServer, setup: Any, run: Any) -> list[dict[str, Any]]:
    """`setup(lib)` then `run(lib)` on `openai` and on `oxide`; the requests must match."""
    setup(openai)
    run(openai)
    theirs = srv.take()
    setup(oxide)
    run(oxide)
    ours = srv.take()
    assert len(ours) == len(theirs) > 0
    for mine, official in zip(ours, theirs, strict=True):
        assert comparable(mine) == comparable(official)
    return ours


def test_import_builds_and_imports_nothing() -> None:
    code = (
        "import sys, oxide\n"
        "oxide.api_key = 'k'\n"
        "oxide.base_url = 'http://127.0.0.1:9/v1'\n"
        "assert oxide.api_type is None and oxide.timeout is not None\n"
        "assert 'oxide.lib.azure' not in sys.modules\n"
        "assert 'oxide._module_client' not in sys.modules\n"
        "assert not any(m.startswith('oxide.resources') for m in sys.modules)\n"
        "chat = oxide.chat\n"
        "from oxide import _module_client\n"
        "assert _module_client._client is not None and oxide.api_type == 'openai'\n"
        "assert 'oxide.lib.azure' not in sys.modules\n"
        "assert type(chat).__name__ == 'Chat'\n"
        "oxide.api_type, oxide.api_version, oxide.azure_endpoint = 'azure', 'v', 'https://x'\n"
        "oxide.base_url = None\n"
        "oxide.models\n"
        "assert 'oxide.lib.azure' in sys.modules\n"
        "print('ok')\n"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert out.returncode == 0, out.stderr
    assert out.stdout.strip() == "ok"


def test_resources_are_the_sdks() -> None:
    proxies = {
        name
        for name, value in vars(openai).items()
        if type(value).__module__ == "openai._module_client"
    }
    assert proxies == _module_client.RESOURCES
    oxide.api_key = "k"
    for name in sorted(_module_client.RESOURCES):
        resource = getattr(oxide, name)
        assert type(resource).__name__ == type(getattr(openai.OpenAI(api_key="k"), name)).__name__
    with pytest.raises(AttributeError):
        oxide.not_a_resource  # noqa: B018


def test_a_call_matches_the_sdk(srv: RecordingServer) -> None:
    def setup(lib: Any) -> None:
        lib.api_key = "key-1"
        lib.base_url = srv.url + "/v1/"
        lib.organization = "org"
        lib.project = "proj"
        lib.default_headers = {"X-Custom": "c"}
        lib.default_query = {"dq": "1"}
        lib.max_retries = 0

    def run(lib: Any) -> None:
        lib.models.list()
        lib.chat.completions.create(model="gpt", messages=MESSAGES)
        lib.embeddings.create(model="e", input="x")

    ours = both(srv, setup, run)
    assert ours[0]["path"] == "/v1/models"
    assert ours[0]["headers"]["authorization"] == "Bearer key-1"
    assert ours[0]["headers"]["user-agent"].startswith("_ModuleClient/Python ")


def test_settings_changed_after_first_use_take_effect(srv: RecordingServer) -> None:
    def setup(lib: Any) -> None:
        lib.api_key = "first"
        lib.base_url = srv.url + "/v1/"
        lib.models.list()

    def run(lib: Any) -> None:
        completions = lib.chat.completions  # held across the changes
        lib.api_key = "second"
        lib.base_url = srv.url + "/v2/"
        lib.organization = "org-2"
        lib.default_headers = {"X-New": "n"}
        completions.create(model="m", messages=MESSAGES)
        lib.default_headers["X-Edited"] = "in place"
        lib.models.list()

    ours = both(srv, setup, run)
    assert [r["path"] for r in ours] == ["/v1/models", "/v2/chat/completions", "/v2/models"]
    assert ours[1]["headers"]["authorization"] == "Bearer second"
    assert ours[1]["headers"]["openai-organization"] == "org-2"
    assert ours[2]["headers"]["x-edited"] == "in place"


def test_base_url_without_a_trailing_slash(srv: RecordingServer) -> None:
    # The SDK's module client joins `base_url` and the path as given ("/v1models"); oxide
    # normalises it as its clients do.
    oxide.api_key = "k"
    oxide.base_url = srv.url + "/v1"
    oxide.models.list()
    assert srv.pop()["path"] == "/v1/models"


def test_resolved_settings_are_written_back(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("OPENAI_API_KEY", "env-key")
    monkeypatch.setenv("OPENAI_ORG_ID", "env-org")
    for lib in (openai, oxide):
        lib.chat.completions  # noqa: B018  (the SDK's `openai.chat` is a proxy: this builds)
    for name in ("api_key", "organization", "project", "api_type", "default_headers"):
        assert getattr(oxide, name) == getattr(openai, name), name
    assert oxide.api_key == "env-key" and oxide.api_type == "openai"
    assert oxide.default_query == openai.default_query == {}
    assert oxide.max_retries == openai.max_retries


def test_timeout_and_max_retries_follow_the_module(srv: RecordingServer) -> None:
    oxide.api_key = "k"
    oxide.base_url = srv.url + "/v1"
    oxide.models.list()
    oxide.timeout = 7.5
    oxide.max_retries = 0
    oxide.models.list()
    engine = _module_client.load_client()._engine
    assert engine.max_retries == 0
    assert engine.timeout is not None and engine.timeout.read == 7.5
    assert [r["headers"]["x-stainless-read-timeout"] for r in srv.take()] == ["600", "7.5"]


def test_azure_is_selected_from_settings(srv: RecordingServer) -> None:
    def setup(lib: Any) -> None:
        lib.api_key = "azure-key"
        lib.azure_endpoint = srv.url
        lib.api_version = "2024-10-21"

    def run(lib: Any) -> None:
        lib.models.list()
        lib.chat.completions.create(model="gpt-4o", messages=MESSAGES)
        lib.api_key = "changed"
        lib.models.list()

    ours = both(srv, setup, run)
    assert oxide.api_type == openai.api_type == "azure"
    assert [r["path"] for r in ours] == [
        "/openai/models",
        "/openai/deployments/gpt-4o/chat/completions",
        "/openai/models",
    ]
    assert [r["headers"]["api-key"] for r in ours] == ["azure-key", "azure-key", "changed"]
    assert all(r["query"] == {"api-version": "2024-10-21"} for r in ours)
    assert ours[0]["headers"]["user-agent"].startswith("_AzureModuleClient/Python ")
    assert type(_module_client.load_client()).__name__ == "AzureOpenAI"


def test_azure_is_selected_from_the_environment(
    srv: RecordingServer, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("AZURE_OPENAI_ENDPOINT", srv.url)
    monkeypatch.setenv("OPENAI_API_VERSION", "env-v")
    monkeypatch.setenv("AZURE_OPENAI_AD_TOKEN", "env-token")
    ours = both(srv, lambda lib: None, lambda lib: lib.models.list())
    assert ours[0]["headers"]["authorization"] == "Bearer env-token"
    assert oxide.azure_endpoint == openai.azure_endpoint == srv.url
    assert oxide.api_version == "env-v"


def test_azure_token_provider(srv: RecordingServer) -> None:
    tokens = iter(["t1", "t2"])
    oxide.azure_endpoint = srv.url
    oxide.api_version = "v"
    oxide.azure_ad_token_provider = lambda: next(tokens)
    oxide.models.list()
    oxide.models.list()
    assert [r["headers"]["authorization"] for r in srv.take()] == ["Bearer t1", "Bearer t2"]


def test_ambiguous_settings_raise_the_sdks_error(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("OPENAI_API_KEY", "k")
    errors = []
    libs: tuple[Any, ...] = (openai, oxide)
    for lib in libs:
        lib.azure_endpoint = "https://x"
        with pytest.raises(lib.OpenAIError) as info:
            lib.models.list  # noqa: B018
        errors.append(str(info.value))
    assert errors[0] == errors[1]
    assert errors[0].startswith("Ambiguous use of module client")


def test_changing_api_type_builds_a_new_client(srv: RecordingServer) -> None:
    oxide.api_key = "k"
    oxide.base_url = srv.url + "/v1"
    first = _module_client.load_client()
    oxide.models.list()
    assert srv.pop()["path"] == "/v1/models"
    oxide.api_type = "azure"
    oxide.api_version = "v"
    oxide.base_url = None
    oxide.azure_endpoint = srv.url
    oxide.models.list()
    assert srv.pop()["path"] == "/openai/models"
    assert _module_client.load_client() is not first
    first.close()


def test_http_client_is_refused() -> None:
    oxide.http_client = object()
    with pytest.raises(TypeError, match="http_client"):
        oxide.chat  # noqa: B018


def test_compat_module_sets_oxides_settings(srv: RecordingServer) -> None:
    compat: Any = oxide.compat
    compat.api_key = "via-compat"
    compat.base_url = srv.url + "/v1"
    assert oxide.api_key == "via-compat"
    compat.models.list()
    assert srv.pop()["headers"]["authorization"] == "Bearer via-compat"
    assert compat.AzureOpenAI is oxide.AzureOpenAI
