"""The module-level client of the official SDK: `oxide.api_key = "..."; oxide.chat.completions...`.

The settings are plain attributes of the `oxide` module (defined in `oxide/__init__.py`, as in
`openai/__init__.py`); the resource names (`oxide.chat`, `oxide.responses`, ...) are served by
the package's `__getattr__`, which lands here: nothing is imported or built before first use.

As in the SDK, one sync client is built on first use (`OpenAI`, or `AzureOpenAI` when `api_type`
is "azure" or Azure settings / environment variables are present, `api_type` is then written
back; `BedrockOpenAI` when `api_type` is "amazon-bedrock", which is never guessed), and it then
follows the module's settings: the SDK's `_ModuleClient` reads them through properties on every
request; oxide's engine precomputes its headers, so the module client's engine compares the
settings with the ones it applied last before each request (a tuple compare) and re-applies them
when they changed. Changing `api_type` or `azure_endpoint` builds a new client
on the next resource access. As in the SDK, building the client writes the values it resolved
(`api_key` from the environment, `timeout`, `default_headers`, ...) back into the module.
"""

from __future__ import annotations

import os
import sys
from typing import Any

from ._client import OpenAI, _SyncEngine
from ._exceptions import OpenAIError
from ._types import coerce_timeout
from ._version import __version__

__all__ = ["RESOURCES", "load_client", "module_attribute", "reset_client"]

# The top-level resources of the client (the SDK's `openai/_module_client.py` proxies).
RESOURCES = frozenset(
    {
        "admin",
        "audio",
        "batches",
        "beta",
        "chat",
        "completions",
        "containers",
        "content_provenance_checks",
        "conversations",
        "decisions",
        "embeddings",
        "evals",
        "files",
        "fine_tuning",
        "images",
        "live",
        "models",
        "moderations",
        "realtime",
        "responses",
        "safety",
        "skills",
        "uploads",
        "vector_stores",
        "videos",
        "webhooks",
    }
)

_client: OpenAI | None = None
# (api_type, azure_endpoint) the client was built for.
_built_for: tuple[Any, ...] | None = None


def _settings() -> Any:
    return sys.modules["oxide"]


class _AmbiguousModuleClientUsageError(OpenAIError):
    def __init__(self) -> None:
        super().__init__(
            "Ambiguous use of module client; please set `openai.api_type` or the "
            "`OPENAI_API_TYPE` environment variable to `openai`, `azure`, or `amazon-bedrock`"
        )


def _state(m: Any, azure: bool) -> tuple[Any, ...]:
    """The module settings a request depends on (mappings copied: in-place edits count)."""
    headers = m.default_headers
    query = m.default_query
    state: tuple[Any, ...] = (
        m.api_key,
        m.admin_api_key,
        m.organization,
        m.project,
        m.webhook_secret,
        m.base_url,
        m.timeout,
        m.max_retries,
        None if headers is None else dict(headers),
        None if query is None else dict(query),
    )
    if azure:
        state += (m.api_version, m.azure_ad_token, m.azure_ad_token_provider)
    return state


class _LiveSettings:
    """Engine mixin of the module client: the module's settings apply to every request."""

    # Only the engine `load_client` builds follows the module (not its `copy()`s).
    _live = False
    _azure = False
    _applied: tuple[Any, ...] = ()
    _fallback_base_url = ""
    _module_client_name = "_ModuleClient"

    @property
    def user_agent(self) -> str:
        return f"{self._module_client_name}/Python {__version__}"

    async def _request(self, *args: Any, **kwargs: Any) -> Any:
        if self._live:
            state = _state(_settings(), self._azure)
            if state != self._applied:
                self._apply(state)
        return await super()._request(*args, **kwargs)  # type: ignore[misc]

    def _apply(self, state: tuple[Any, ...]) -> None:
        engine: Any = self
        api_key, admin, organization, project, webhook_secret, base_url = state[:6]
        timeout, max_retries, headers, query = state[6:10]
        self._apply_api_key(api_key)
        engine.admin_api_key = admin
        engine.organization = organization
        engine.project = project
        engine.webhook_secret = webhook_secret
        url = str(base_url).rstrip("/") + "/" if base_url is not None else self._fallback_base_url
        if url != engine._base_url:
            engine.base_url = url
        engine._timeout = coerce_timeout(timeout)
        engine.max_retries = max_retries
        engine._custom_headers = headers or {}
        query = dict(query or {})
        if self._azure:
            api_version, ad_token, ad_provider = state[10:]
            if api_version is not None:
                engine._api_version = api_version
            query["api-version"] = engine._api_version
            if ad_provider is not engine._azure_ad_token_provider:
                engine._provided_ad_token = None
            engine._azure_ad_token = ad_token
            engine._azure_ad_token_provider = ad_provider
        engine._custom_query = query
        engine._default_query = query or None
        engine._static_headers = engine._build_static_headers()
        self._applied = state

    def _apply_api_key(self, api_key: Any) -> None:
        engine: Any = self
        if callable(api_key):
            if api_key is not engine._api_key_provider:
                engine._api_key_provider = api_key
                engine.api_key = ""
        else:
            engine._api_key_provider = None
            if api_key is None and self._azure:
                from .lib.azure import API_KEY_SENTINEL

                api_key = API_KEY_SENTINEL
            engine.api_key = api_key or ""


class _ModuleEngine(_LiveSettings, _SyncEngine):
    pass


def _azure_client(m: Any) -> OpenAI:
    from .lib.azure import AzureOpenAI, _AzureSyncEngine

    class _AzureModuleEngine(_LiveSettings, _AzureSyncEngine):
        _azure = True
        _module_client_name = "_AzureModuleClient"

    engine = _AzureModuleEngine(
        api_version=m.api_version,
        azure_endpoint=m.azure_endpoint,
        api_key=m.api_key,
        azure_ad_token=m.azure_ad_token,
        azure_ad_token_provider=m.azure_ad_token_provider,
        admin_api_key=m.admin_api_key,
        organization=m.organization,
        project=m.project,
        webhook_secret=m.webhook_secret,
        base_url=m.base_url,
        timeout=m.timeout,
        max_retries=m.max_retries,
        default_headers=m.default_headers,
        default_query=m.default_query,
    )
    return AzureOpenAI(_engine=engine)


def _bedrock_client(m: Any) -> OpenAI:
    # As the SDK's `_BedrockModuleClient`: the region, AWS credentials and base URL come from
    # the environment (or `oxide.base_url`); `oxide.api_key`, when set, is the bearer credential
    # of every request (None: the client's own auth, bearer or SigV4).
    from .lib.bedrock import _CALLABLE_API_KEY, BedrockOpenAI, _BedrockSyncEngine

    class _BedrockModuleEngine(_LiveSettings, _BedrockSyncEngine):
        _module_client_name = "_BedrockModuleClient"

        def _apply_api_key(self, api_key: Any) -> None:
            if callable(api_key):
                raise OpenAIError(_CALLABLE_API_KEY)
            self._use_module_api_key(api_key)

    engine = _BedrockModuleEngine(
        api_key=m.api_key,
        bedrock_token_provider=m.bedrock_token_provider,
        organization=m.organization,
        project=m.project,
        webhook_secret=m.webhook_secret,
        base_url=m.base_url,
        timeout=m.timeout,
        max_retries=m.max_retries,
        default_headers=m.default_headers,
        default_query=m.default_query,
    )
    return BedrockOpenAI(_engine=engine)


def _openai_client(m: Any) -> OpenAI:
    engine = _ModuleEngine(
        api_key=m.api_key,
        admin_api_key=m.admin_api_key,
        organization=m.organization,
        project=m.project,
        webhook_secret=m.webhook_secret,
        base_url=m.base_url,
        timeout=m.timeout,
        max_retries=m.max_retries,
        default_headers=m.default_headers,
        default_query=m.default_query,
        _enforce_credentials=False,
    )
    return OpenAI(_engine=engine)


def _has_azure_credentials(m: Any) -> bool:
    return m.azure_endpoint is not None or os.environ.get("AZURE_OPENAI_API_KEY") is not None


def _has_azure_ad_credentials(m: Any) -> bool:
    return (
        os.environ.get("AZURE_OPENAI_AD_TOKEN") is not None
        or m.azure_ad_token is not None
        or m.azure_ad_token_provider is not None
    )


def load_client() -> OpenAI:
    """The module client: built on first use, as the SDK's `_load_client` decides."""
    global _client, _built_for

    m = _settings()
    if _client is not None and _built_for == (m.api_type, m.azure_endpoint):
        return _client
    if m.http_client is not None:
        raise TypeError(
            "oxide's module client runs on event loops of its own and takes no `http_client`; "
            "leave `oxide.http_client` as None (or build an `oxide.AsyncOpenAI(http_client=...)`)"
        )
    if m.azure_endpoint is None:
        m.azure_endpoint = os.environ.get("AZURE_OPENAI_ENDPOINT")
    if m.azure_ad_token is None:
        m.azure_ad_token = os.environ.get("AZURE_OPENAI_AD_TOKEN")
    if m.api_version is None:
        m.api_version = os.environ.get("OPENAI_API_VERSION")
    if m.api_type is None:
        has_openai = os.environ.get("OPENAI_API_KEY") is not None
        has_azure = _has_azure_credentials(m)
        has_azure_ad = _has_azure_ad_credentials(m)
        if has_openai and (has_azure or has_azure_ad):
            raise _AmbiguousModuleClientUsageError()
        if (m.azure_ad_token is not None or m.azure_ad_token_provider is not None) and (
            os.environ.get("AZURE_OPENAI_API_KEY") is not None
        ):
            raise _AmbiguousModuleClientUsageError()
        m.api_type = "azure" if has_azure or has_azure_ad else "openai"
    if m.api_type == "azure":
        client = _azure_client(m)
    elif m.api_type == "openai":
        client = _openai_client(m)
    elif m.api_type == "amazon-bedrock":
        client = _bedrock_client(m)
    else:
        raise OpenAIError(
            f"Unsupported `api_type` {m.api_type!r} for oxide's module client: "
            "expected 'openai', 'azure' or 'amazon-bedrock'"
        )
    engine: Any = client._engine
    # What the client resolved goes back into the module, as the SDK's property setters do
    # (but a Bedrock client's credential: the SDK keeps it off `openai.api_key`).
    if m.api_type != "amazon-bedrock":
        m.api_key = engine._api_key_provider or engine.api_key
    m.admin_api_key = engine.admin_api_key
    m.organization = engine.organization
    m.timeout = engine.timeout
    m.max_retries = engine.max_retries
    m.default_headers = dict(engine._custom_headers)
    m.default_query = dict(engine._custom_query)
    m.project = engine.project
    m.webhook_secret = engine.webhook_secret
    engine._fallback_base_url = engine._base_url
    engine._applied = _state(m, engine._azure)
    engine._live = True
    _client = client
    _built_for = (m.api_type, m.azure_endpoint)
    return client


def reset_client() -> None:
    """Drops the module client; the next resource access builds a new one."""
    global _client, _built_for

    _client = None
    _built_for = None


def module_attribute(name: str) -> Any:
    """`oxide.<resource>` (the module client's resource) and the SDK's private helpers."""
    if name in RESOURCES:
        return getattr(load_client(), name)
    if name == "_load_client":
        return load_client
    if name == "_reset_client":
        return reset_client
    raise AttributeError(f"module 'oxide' has no attribute {name!r}")
