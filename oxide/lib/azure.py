"""`AzureOpenAI` / `AsyncAzureOpenAI`: the official SDK's Azure clients (`openai/lib/azure.py`).

Same constructor, environment variables, errors, URLs, query and headers as the SDK. The Azure
parts hook into the engine without touching the request path of the other clients:

* auth: `auth_headers` / `_build_static_headers` give the `api-key` header or the bearer Azure
  AD token, precomputed into the client's static headers like any other client's;
* `_request` (overridden here only) rewrites the deployment-based endpoints to
  `/deployments/{model}/...` when no deployment is configured, calls `azure_ad_token_provider`
  once per call, and raises the SDK's "Unable to handle auth" when no auth is configured;
* `_url` sends the non-deployment endpoints of a client built with `azure_deployment` to
  `{azure_endpoint}/openai/...` (cached per path, as every client's URLs are).
"""

from __future__ import annotations

import inspect
import os
from collections.abc import Awaitable, Callable, Mapping
from typing import Any

import aiohttp
from yarl import URL

from .._base_client import _check_encodable
from .._client import AsyncOpenAI, OpenAI
from .._constants import DEFAULT_CONNECTION_LIMIT, DEFAULT_MAX_RETRIES
from .._exceptions import OpenAIError
from .._options import NO_OPTIONS, RequestOptions
from .._sync import SyncRunner
from .._transport._clock import Clock
from .._transport._session import SessionHolder
from .._types import NOT_GIVEN, NotGiven, Omit, Timeout
from .._version import __version__

__all__ = [
    "API_KEY_SENTINEL",
    "AsyncAzureADTokenProvider",
    "AsyncAzureOpenAI",
    "AzureADTokenProvider",
    "AzureOpenAI",
    "MutuallyExclusiveAuthError",
]

_deployments_endpoints = frozenset(
    {
        "/completions",
        "/chat/completions",
        "/embeddings",
        "/audio/transcriptions",
        "/audio/translations",
        "/audio/speech",
        "/images/generations",
        "/images/edits",
    }
)

AzureADTokenProvider = Callable[[], str]
AsyncAzureADTokenProvider = Callable[[], "str | Awaitable[str]"]

# The SDK's stand-in `api_key` of a client authenticated by an Azure AD token.
API_KEY_SENTINEL = "".join(["<", "missing API key", ">"])


def _has_header(headers: Mapping[str, Any], header: str) -> bool:
    header = header.lower()
    return any(key.lower() == header for key in headers)


def _has_auth_header(headers: Mapping[str, Any]) -> bool:
    return _has_header(headers, "Authorization") or _has_header(headers, "api-key")


class MutuallyExclusiveAuthError(OpenAIError):
    def __init__(self) -> None:
        super().__init__(
            "The `api_key`, `azure_ad_token` and `azure_ad_token_provider` arguments are "
            "mutually exclusive; Only one can be passed at a time"
        )


def _resolve_auth(api_key: Any, azure_ad_token: Any, provider: Any) -> tuple[Any, Any]:
    """One credential at most (the sentinel a copy carries is none); the environment only when
    none is given, an AD token before a key (the SDK's `_resolve_azure_auth`)."""
    given = (api_key is not None and api_key != API_KEY_SENTINEL) + (azure_ad_token is not None)
    if given + (provider is not None) > 1:
        raise MutuallyExclusiveAuthError()
    if api_key is None and azure_ad_token is None and provider is None:
        azure_ad_token = os.environ.get("AZURE_OPENAI_AD_TOKEN")
        if azure_ad_token is None:
            api_key = os.environ.get("AZURE_OPENAI_API_KEY")
    return api_key, azure_ad_token


def _copy_auth(client: Any, api_key: Any, azure_ad_token: Any, provider: Any) -> dict[str, Any]:
    """A copy keeps the credential unless one is given, which then replaces it (switching to an
    AD token does not inherit the old key)."""
    if api_key is None and azure_ad_token is None and provider is None:
        api_key = client._api_key_provider or client.api_key
        azure_ad_token, provider = client._azure_ad_token, client._azure_ad_token_provider
    else:
        api_key, azure_ad_token = _resolve_auth(api_key, azure_ad_token, provider)
    return {
        "api_key": api_key or API_KEY_SENTINEL,
        "azure_ad_token": azure_ad_token,
        "azure_ad_token_provider": provider,
    }


def _resolve(
    *,
    api_version: str | None,
    azure_endpoint: str | None,
    azure_deployment: str | None,
    api_key: Any,
    azure_ad_token: str | None,
    azure_ad_token_provider: Any,
    base_url: str | None,
    default_query: Mapping[str, object] | None,
    enforce_credentials: bool,
) -> tuple[Any, str | None, str, dict[str, object], str, str | None]:
    """The SDK's constructor checks, in its order, with its messages: returns api_key,
    azure_ad_token, api_version, default_query, base_url, azure_endpoint."""
    api_key, azure_ad_token = _resolve_auth(api_key, azure_ad_token, azure_ad_token_provider)
    if (
        enforce_credentials
        and api_key is None
        and azure_ad_token is None
        and azure_ad_token_provider is None
    ):
        raise OpenAIError(
            "Missing credentials. Please pass one of `api_key`, `azure_ad_token`, "
            "`azure_ad_token_provider`, or the `AZURE_OPENAI_API_KEY` or `AZURE_OPENAI_AD_TOKEN` "
            "environment variables."
        )
    if api_version is None:
        api_version = os.environ.get("OPENAI_API_VERSION")
    if api_version is None:
        raise ValueError(
            "Must provide either the `api_version` argument or the `OPENAI_API_VERSION` "
            "environment variable"
        )
    query = {**(default_query or {}), "api-version": api_version}
    if base_url is None:
        if azure_endpoint is None:
            azure_endpoint = os.environ.get("AZURE_OPENAI_ENDPOINT")
        if azure_endpoint is None:
            raise ValueError(
                "Must provide one of the `base_url` or `azure_endpoint` arguments, or the "
                "`AZURE_OPENAI_ENDPOINT` environment variable"
            )
        if azure_deployment is not None:
            base_url = f"{azure_endpoint.rstrip('/')}/openai/deployments/{azure_deployment}"
        else:
            base_url = f"{azure_endpoint.rstrip('/')}/openai"
    elif azure_endpoint is not None:
        raise ValueError("base_url and azure_endpoint are mutually exclusive")
    if api_key is None:
        api_key = API_KEY_SENTINEL
    return api_key, azure_ad_token, api_version, query, base_url, azure_endpoint


class AsyncAzureOpenAI(AsyncOpenAI):
    """Async Azure OpenAI client, with the constructor and behaviour of `openai.AsyncAzureOpenAI`.

    Reads `AZURE_OPENAI_API_KEY`, `AZURE_OPENAI_AD_TOKEN`, `OPENAI_API_VERSION` and
    `AZURE_OPENAI_ENDPOINT` (and `OPENAI_ORG_ID`, `OPENAI_PROJECT_ID`) when not given.

    Args:
        azure_endpoint: Your Azure endpoint, including the resource, e.g.
            `https://example-resource.azure.openai.com/`
        azure_ad_token: Your Azure Active Directory token.
        azure_ad_token_provider: A function (sync or async) that returns an Azure Active
            Directory token, invoked on every request.
        azure_deployment: A model deployment; with `azure_endpoint`, sets the base URL to
            include `/deployments/{azure_deployment}`. Not supported with Assistants APIs.
    """

    _api_version: str
    _azure_ad_token: str | None
    _azure_ad_token_provider: Callable[[], Any] | None
    _azure_deployment: str | None
    _azure_endpoint: str | None
    # The token the provider returned last (sent as `Authorization: Bearer ...`).
    _provided_ad_token: str | None = None
    # No auth configured at all: every request checks the call's headers (the SDK's error).
    _missing_auth: bool = False
    _deployments_in_base: tuple[str, bool] = ("", False)
    # The sync client's provider is a plain callable (the SDK's sync client does not await).
    _provider_may_await = True
    _sdk_names = ("AsyncOpenAI", "AsyncAzureOpenAI")

    def __init__(
        self,
        *,
        azure_endpoint: str | None = None,
        azure_deployment: str | None = None,
        api_version: str | None = None,
        api_key: str | Callable[[], Awaitable[str]] | None = None,
        admin_api_key: str | None = None,
        workload_identity: Any = None,  # the SDK's; not functional in its Azure clients either
        azure_ad_token: str | None = None,
        azure_ad_token_provider: AsyncAzureADTokenProvider | None = None,
        organization: str | None = None,
        project: str | None = None,
        webhook_secret: str | None = None,
        base_url: str | None = None,
        websocket_base_url: str | None = None,
        timeout: float | Timeout | None | NotGiven = NOT_GIVEN,
        max_retries: int = DEFAULT_MAX_RETRIES,
        default_headers: Mapping[str, str] | None = None,
        default_query: Mapping[str, object] | None = None,
        http_client: aiohttp.ClientSession | None = None,
        connection_limit: int = DEFAULT_CONNECTION_LIMIT,
        _strict_response_validation: bool = False,
        _enforce_credentials: bool = True,
        _holder: SessionHolder | None = None,
        _clock: Clock | None = None,
    ) -> None:
        api_key, azure_ad_token, api_version, query, base_url, azure_endpoint = _resolve(
            api_version=api_version,
            azure_endpoint=azure_endpoint,
            azure_deployment=azure_deployment,
            api_key=api_key,
            azure_ad_token=azure_ad_token,
            azure_ad_token_provider=azure_ad_token_provider,
            base_url=base_url,
            default_query=default_query,
            enforce_credentials=_enforce_credentials,
        )
        # Set before the engine builds its static headers from them.
        self._api_version = api_version
        self._azure_ad_token = azure_ad_token
        self._azure_ad_token_provider = azure_ad_token_provider
        self._azure_deployment = azure_deployment if azure_endpoint else None
        self._azure_endpoint = azure_endpoint or None
        super().__init__(
            api_key=api_key,
            admin_api_key=admin_api_key,
            organization=organization,
            project=project,
            webhook_secret=webhook_secret,
            base_url=base_url,
            websocket_base_url=websocket_base_url,
            timeout=timeout,
            max_retries=max_retries,
            default_headers=default_headers,
            default_query=query,
            http_client=http_client,
            connection_limit=connection_limit,
            _strict_response_validation=_strict_response_validation,
            _enforce_credentials=_enforce_credentials,
            _holder=_holder,
            _clock=_clock,
        )

    # -- auth --------------------------------------------------------------------------------
    def _has_api_key(self) -> bool:
        return bool(self.api_key) and self.api_key != API_KEY_SENTINEL

    @property
    def auth_headers(self) -> dict[str, str]:
        """The auth headers every request carries (before the call's `extra_headers`)."""
        token = self._azure_ad_token
        if token is None:
            token = self._provided_ad_token
        if token is not None:
            return {"Authorization": f"Bearer {token}"}
        if self._has_api_key():
            return {"api-key": self.api_key}
        return {}

    def _build_static_headers(self) -> dict[str, str]:
        # The SDK adds its auth to each request's own headers, so it wins over `default_headers`
        # (only `extra_headers` override it); with a token provider, an `api-key` is still sent
        # under the custom headers.
        headers = {}
        if self._azure_ad_token is None and self._has_api_key():
            headers["api-key"] = self.api_key
        for name, value in self.default_headers.items():
            if not isinstance(value, Omit):
                headers[name] = value
            else:
                headers.pop(name, None)
        auth = self.auth_headers
        for name in auth:
            for existing in [k for k in headers if k.lower() == name.lower()]:
                del headers[existing]
        headers.update(auth)
        self._missing_auth = (
            not auth
            and self._azure_ad_token_provider is None
            and self._api_key_provider is None
            and not _has_auth_header(self.default_headers)
        )
        return headers

    async def _get_azure_ad_token(self) -> str | None:
        if self._azure_ad_token is not None:
            return self._azure_ad_token
        provider = self._azure_ad_token_provider
        if provider is not None:
            token = provider()
            if inspect.isawaitable(token):
                if self._provider_may_await:
                    token = await token
                elif inspect.iscoroutine(token):
                    token.close()  # never awaited: no "coroutine was never awaited" warning
            if isinstance(token, str):
                token = str.__str__(token)  # a str subclass's own methods are not trusted
            if not isinstance(token, str) or not token:
                raise ValueError(
                    "Expected `azure_ad_token_provider` argument to return a non-empty string."
                )
            return token
        return None

    # -- the request hook: only Azure clients pay for it -------------------------------------
    async def _request(
        self,
        method: str,
        path: str,
        cast_to: Any,
        *,
        body: Any = None,
        options: RequestOptions = NO_OPTIONS,
        **kwargs: Any,
    ) -> Any:
        if path in _deployments_endpoints and isinstance(body, Mapping):
            model = body.get("model")
            if model is not None and not self._base_has_deployments():
                path = f"/deployments/{model}{path}"
        if self._azure_ad_token is None and self._azure_ad_token_provider is not None:
            token = await self._get_azure_ad_token()
            if token != self._provided_ad_token:
                self._provided_ad_token = token
                self._static_headers = self._build_static_headers()
        elif self._missing_auth:
            extra = options.extra_headers if options is not NO_OPTIONS else None
            if not (extra and _has_auth_header(extra)):
                raise ValueError("Unable to handle auth")
        return await super()._request(method, path, cast_to, body=body, options=options, **kwargs)

    def _base_has_deployments(self) -> bool:
        base, has = self._deployments_in_base
        if base is not self._base_url:
            has = "/deployments" in URL(self._base_url).path
            self._deployments_in_base = (self._base_url, has)
        return has

    def _url(self, path: str) -> URL:
        url = self._url_cache.get(path)
        if url is None:
            endpoint = self._azure_endpoint
            if self._azure_deployment and endpoint and path not in _deployments_endpoints:
                # A deployment client's other endpoints live under the resource, not the
                # deployment: `{azure_endpoint}/openai/{path}`.
                _check_encodable(path)
                url = URL(f"{endpoint.rstrip('/')}/openai/{path.lstrip('/')}", encoded=False)
                if len(self._url_cache) < 512:
                    self._url_cache[path] = url
            else:
                url = super()._url(path)
        return url

    def _realtime_url(self, model: str, extra_query: Mapping[str, object]) -> URL:
        query = {
            **extra_query,
            "api-version": self._api_version,
            "deployment": self._azure_deployment or model,
        }
        if self.websocket_base_url is not None:
            base = URL(str(self.websocket_base_url))
            url = base.with_path(base.raw_path.rstrip("/") + "/realtime", encoded=True)
        else:
            url = self._url("/realtime").with_scheme("wss")
        return url.with_query({k: str(v) for k, v in query.items()})

    async def _configure_realtime(
        self, model: str, extra_query: Mapping[str, object]
    ) -> tuple[URL, dict[str, str]]:
        """The SDK's realtime WebSocket URL and auth headers for this client."""
        auth_headers: dict[str, str] = {}
        if self.api_key and self.api_key != API_KEY_SENTINEL:
            auth_headers = {"api-key": self.api_key}
        else:
            token = await self._get_azure_ad_token()
            if token:
                auth_headers = {"Authorization": f"Bearer {token}"}
        return self._realtime_url(model, extra_query), auth_headers

    # -- copies ------------------------------------------------------------------------------
    def copy(
        self,
        *,
        api_key: str | Callable[[], Awaitable[str]] | None = None,
        admin_api_key: str | None = None,
        workload_identity: Any = None,
        provider: Any = NOT_GIVEN,
        organization: str | None = None,
        project: str | None = None,
        webhook_secret: str | None = None,
        websocket_base_url: str | None = None,
        api_version: str | None = None,
        azure_ad_token: str | None = None,
        azure_ad_token_provider: AsyncAzureADTokenProvider | None = None,
        base_url: str | None | NotGiven = NOT_GIVEN,
        data_residency: Any = None,
        timeout: float | Timeout | None | NotGiven = NOT_GIVEN,
        http_client: aiohttp.ClientSession | None = None,
        max_retries: int | NotGiven = NOT_GIVEN,
        default_headers: Mapping[str, str] | None = None,
        set_default_headers: Mapping[str, str] | None = None,
        default_query: Mapping[str, object] | None = None,
        set_default_query: Mapping[str, object] | None = None,
        _enforce_credentials: bool | None = None,
    ) -> AsyncAzureOpenAI:
        """A client with the same options except those given (sharing the connection pool)."""
        if data_residency is not None:
            raise OpenAIError("`data_residency` is only supported by OpenAI clients")
        if not isinstance(provider, NotGiven):
            base, azure = self._sdk_names
            raise OpenAIError(f"Configure `provider` on `{base}`, not on `{azure}.with_options()`.")
        if default_headers is not None and set_default_headers is not None:
            raise ValueError(
                "The `default_headers` and `set_default_headers` arguments are mutually exclusive"
            )
        if default_query is not None and set_default_query is not None:
            raise ValueError(
                "The `default_query` and `set_default_query` arguments are mutually exclusive"
            )
        headers: Mapping[str, str] = self._custom_headers
        if default_headers is not None:
            headers = {**headers, **default_headers}
        elif set_default_headers is not None:
            headers = set_default_headers
        query: Mapping[str, object] = self._custom_query
        if default_query is not None:
            query = {**query, **default_query}
        elif set_default_query is not None:
            query = set_default_query
        # The SDK's copy keeps the base URL but forgets the endpoint, so a copy of a deployment
        # client sends its non-deployment calls under the deployment; this copy routes exactly
        # as the original does.
        routing: dict[str, Any]
        if isinstance(base_url, str):
            routing = {"base_url": base_url}
        elif self._azure_endpoint is not None:
            routing = {
                "azure_endpoint": self._azure_endpoint,
                "azure_deployment": self._azure_deployment,
            }
        else:
            routing = {"base_url": self._base_url}
        return type(self)(
            **_copy_auth(self, api_key, azure_ad_token, azure_ad_token_provider),
            admin_api_key=admin_api_key or self.admin_api_key,
            organization=organization or self.organization,
            project=project or self.project,
            webhook_secret=webhook_secret or self.webhook_secret,
            websocket_base_url=websocket_base_url or self.websocket_base_url,
            api_version=api_version or self._api_version,
            timeout=self._timeout if isinstance(timeout, NotGiven) else timeout,
            http_client=http_client,
            max_retries=self.max_retries if isinstance(max_retries, NotGiven) else max_retries,
            default_headers=headers,
            default_query=query,
            connection_limit=self._connection_limit,
            _strict_response_validation=self._strict_response_validation,
            _enforce_credentials=True if _enforce_credentials is None else _enforce_credentials,
            _holder=self._holder if http_client is None else None,
            _clock=self._clock,
            **routing,
        )

    with_options = copy


class _AzureSyncEngine(AsyncAzureOpenAI):
    # The async engine behind `AzureOpenAI`: sync-client headers, sync token provider.
    _async_header = "false"
    _loops_die_with_client = True
    _provider_may_await = False
    _sdk_names = ("OpenAI", "AzureOpenAI")

    @property
    def user_agent(self) -> str:
        return f"AzureOpenAI/Python {__version__}"


class AzureOpenAI(OpenAI):
    """Sync Azure OpenAI client, with the constructor and behaviour of `openai.AzureOpenAI`
    (see `AsyncAzureOpenAI`; `azure_ad_token_provider` is a plain callable here)."""

    _engine: AsyncAzureOpenAI

    def __init__(
        self,
        *,
        api_version: str | None = None,
        azure_endpoint: str | None = None,
        azure_deployment: str | None = None,
        api_key: str | Callable[[], str] | None = None,
        admin_api_key: str | None = None,
        workload_identity: Any = None,
        azure_ad_token: str | None = None,
        azure_ad_token_provider: AzureADTokenProvider | None = None,
        organization: str | None = None,
        project: str | None = None,
        webhook_secret: str | None = None,
        websocket_base_url: str | None = None,
        base_url: str | None = None,
        timeout: float | Timeout | None | NotGiven = NOT_GIVEN,
        max_retries: int = DEFAULT_MAX_RETRIES,
        default_headers: Mapping[str, str] | None = None,
        default_query: Mapping[str, object] | None = None,
        connection_limit: int = DEFAULT_CONNECTION_LIMIT,
        _strict_response_validation: bool = False,
        _enforce_credentials: bool = True,
        _engine: AsyncAzureOpenAI | None = None,
        _runner: SyncRunner | None = None,
        _clock: Clock | None = None,
    ) -> None:
        engine = _engine or self._engine_class(
            api_version=api_version,
            azure_endpoint=azure_endpoint,
            azure_deployment=azure_deployment,
            api_key=api_key,  # type: ignore[arg-type]  # a sync callable works: see _refresh_api_key
            admin_api_key=admin_api_key,
            workload_identity=workload_identity,
            azure_ad_token=azure_ad_token,
            azure_ad_token_provider=azure_ad_token_provider,
            organization=organization,
            project=project,
            webhook_secret=webhook_secret,
            websocket_base_url=websocket_base_url,
            base_url=base_url,
            timeout=timeout,
            max_retries=max_retries,
            default_headers=default_headers,
            default_query=default_query,
            connection_limit=connection_limit,
            _strict_response_validation=_strict_response_validation,
            _enforce_credentials=_enforce_credentials,
            _clock=_clock,
        )
        super().__init__(_engine=engine, _runner=_runner)

    _engine_class: type[AsyncAzureOpenAI] = _AzureSyncEngine

    def copy(self, **kwargs: Any) -> AzureOpenAI:
        """Same as `AsyncAzureOpenAI.copy`; the copy shares the loops and the pool."""
        return type(self)(_engine=self._engine.copy(**kwargs), _runner=self._runner)

    with_options = copy

    def _configure_realtime(
        self, model: str, extra_query: Mapping[str, object]
    ) -> tuple[URL, dict[str, str]]:
        """The SDK's realtime WebSocket URL and auth headers for this client."""
        engine = self._engine
        auth_headers: dict[str, str] = {}
        if engine.api_key and engine.api_key != API_KEY_SENTINEL:
            auth_headers = {"api-key": engine.api_key}
        else:
            token = self._runner.run(engine._get_azure_ad_token())
            if token:
                auth_headers = {"Authorization": f"Bearer {token}"}
        return engine._realtime_url(model, extra_query), auth_headers
