"""`AsyncOpenAI` and `OpenAI`: the official SDK's constructors, options and resource accessors."""

from __future__ import annotations

import inspect
import os
from collections.abc import Awaitable, Callable, Mapping
from functools import cached_property
from types import TracebackType
from typing import TYPE_CHECKING, Any, Literal, TypeVar, overload

import aiohttp

from ._base_client import BaseAsyncClient, _check_body
from ._client_resources import AsyncClientResources, SyncClientResources
from ._constants import (
    DEFAULT_BASE_URL,
    DEFAULT_CONNECTION_LIMIT,
    DEFAULT_CONNECTION_LIMIT_PER_HOST,
    DEFAULT_MAX_RETRIES,
    DEFAULT_TIMEOUT,
)
from ._data_residency import DataResidency, resolve_data_residency
from ._exceptions import OpenAIError
from ._http_clients import HttpClientOptions, resolve_http_client
from ._options import NO_OPTIONS, RequestOptions, as_options
from ._platform import platform_headers
from ._streaming import AsyncStream, Stream
from ._sync import SyncRunner
from ._transport._clock import Clock
from ._transport._session import SessionHolder
from ._types import NOT_GIVEN, NotGiven, Omit, Timeout, coerce_timeout
from ._version import __version__

if TYPE_CHECKING:
    from ._client_resources import (
        AsyncOpenAIWithRawResponse,
        AsyncOpenAIWithStreamedResponse,
        OpenAIWithRawResponse,
        OpenAIWithStreamedResponse,
    )

__all__ = ["AsyncClient", "AsyncOpenAI", "Client", "OpenAI"]

_T = TypeVar("_T")
_StreamT = TypeVar("_StreamT")
_PageT = TypeVar("_PageT")


def _custom_headers_from_env(default_headers: Mapping[str, str] | None) -> Mapping[str, str] | None:
    """`OPENAI_CUSTOM_HEADERS`: newline-separated `Name: value`; explicit headers win."""
    env = os.environ.get("OPENAI_CUSTOM_HEADERS")
    if env is None:
        return default_headers
    parsed: dict[str, str] = {}
    for line in env.split("\n"):
        colon = line.find(":")
        if colon >= 0:
            parsed[line[:colon].strip()] = line[colon + 1 :].strip()
    return {**parsed, **(default_headers or {})}


def _with_trailing_slash(url: str) -> str:
    """The base URL with its path ending in `/` (as the SDK's `_enforce_trailing_slash`): before
    a query, not after it, so `...?x=1` keeps `x=1` (a WebSocket handshake sends it as is)."""
    head, sep, query = url.partition("?")
    return head.rstrip("/") + "/" + sep + query


class AsyncOpenAI(BaseAsyncClient, AsyncClientResources):
    """Async client with the constructor, env vars and resources of `openai.AsyncOpenAI`.

    One pooled aiohttp session per client, shared by `copy()` / `with_options()` views; create
    the client once and reuse it. `http_client` takes an `aiohttp.ClientSession` you own
    (oxide never closes it); `connection_limit` sizes the pool.
    """

    api_key: str
    organization: str | None
    project: str | None
    webhook_secret: str | None
    websocket_base_url: str | None

    def __init__(
        self,
        *,
        api_key: str | Callable[[], Awaitable[str]] | None = None,
        organization: str | None = None,
        project: str | None = None,
        webhook_secret: str | None = None,
        admin_api_key: str | None = None,
        base_url: str | None | NotGiven = NOT_GIVEN,
        websocket_base_url: str | None = None,
        timeout: float | Timeout | None | NotGiven = NOT_GIVEN,
        max_retries: int = DEFAULT_MAX_RETRIES,
        default_headers: Mapping[str, str] | None = None,
        default_query: Mapping[str, object] | None = None,
        http_client: aiohttp.ClientSession | HttpClientOptions | None = None,
        connection_limit: int = DEFAULT_CONNECTION_LIMIT,
        data_residency: DataResidency | None = None,
        _strict_response_validation: bool = False,
        _enforce_credentials: bool = True,
        _holder: SessionHolder | None = None,
        _clock: Clock | None = None,
    ) -> None:
        if api_key is None:
            api_key = os.environ.get("OPENAI_API_KEY")
        self._api_key_provider: Callable[[], Any] | None = None
        if callable(api_key):
            self._api_key_provider = api_key
            self.api_key = ""
        else:
            self.api_key = api_key or ""
        if admin_api_key is None:
            admin_api_key = os.environ.get("OPENAI_ADMIN_KEY")
        self.admin_api_key = admin_api_key
        if (
            _enforce_credentials
            and not self.api_key
            and self._api_key_provider is None
            and not self.admin_api_key
        ):
            raise OpenAIError(
                "Missing credentials. Please pass an `api_key`, `admin_api_key`, or set the "
                "`OPENAI_API_KEY` or `OPENAI_ADMIN_KEY` environment variable."
            )
        self.organization = (
            organization if organization is not None else os.environ.get("OPENAI_ORG_ID")
        )
        self.project = project if project is not None else os.environ.get("OPENAI_PROJECT_ID")
        self.webhook_secret = (
            webhook_secret
            if webhook_secret is not None
            else os.environ.get("OPENAI_WEBHOOK_SECRET")
        )
        self.websocket_base_url = websocket_base_url
        if data_residency is not None:
            base_url = resolve_data_residency(data_residency, base_url, websocket_base_url)
        if isinstance(base_url, NotGiven) or base_url is None:
            base_url = os.environ.get("OPENAI_BASE_URL") or DEFAULT_BASE_URL
        self._base_url = _with_trailing_slash(str(base_url))
        if max_retries is None:
            raise TypeError(
                "max_retries cannot be None. If you want to disable retries, pass `0`; if you want "
                "the default behavior, pass `oxide.DEFAULT_MAX_RETRIES`"
            )
        # A sentinel (oxide's or the official SDK's, which frameworks forward) means the default.
        self.max_retries = DEFAULT_MAX_RETRIES if isinstance(max_retries, NotGiven) else max_retries
        self._timeout = (
            DEFAULT_TIMEOUT if isinstance(timeout, NotGiven) else coerce_timeout(timeout)
        )
        self._custom_headers: Mapping[str, str] = _custom_headers_from_env(default_headers) or {}
        self._custom_query: Mapping[str, object] = default_query or {}
        self._default_query = self._custom_query or None
        self._strict_response_validation = _strict_response_validation
        session, connection_limit = resolve_http_client(http_client, connection_limit)
        self._connection_limit = connection_limit
        self._holder = _holder or SessionHolder(
            limit=connection_limit,
            limit_per_host=DEFAULT_CONNECTION_LIMIT_PER_HOST,
            session=session,
            loops_die_with_client=self._loops_die_with_client,
        )
        self._url_cache = {}
        self._static_headers = self._build_static_headers()
        if _clock is not None:
            self._clock = _clock

    # -- options -----------------------------------------------------------------------------
    @property
    def base_url(self) -> str:
        return self._base_url

    @base_url.setter
    def base_url(self, url: str) -> None:
        self._base_url = _with_trailing_slash(str(url))
        self._url_cache = {}

    @property
    def timeout(self) -> Timeout | None:
        return self._timeout

    @timeout.setter
    def timeout(self, value: float | Timeout | None) -> None:
        self._timeout = coerce_timeout(value)
        self._static_headers = self._build_static_headers()

    @property
    def user_agent(self) -> str:
        return f"{type(self).__name__}/Python {__version__}"

    @property
    def auth_headers(self) -> dict[str, str]:
        return {"Authorization": f"Bearer {self.api_key}"} if self.api_key else {}

    @property
    def default_headers(self) -> dict[str, str | Omit]:
        headers: dict[str, str | Omit] = {
            "Accept": "application/json",
            "User-Agent": self.user_agent,
            **platform_headers(__version__),
            "X-Stainless-Async": self._async_header,
            "OpenAI-Organization": self.organization if self.organization is not None else Omit(),
            "OpenAI-Project": self.project if self.project is not None else Omit(),
        }
        headers.update(self._custom_headers)
        return headers

    @property
    def default_query(self) -> dict[str, object]:
        return dict(self._custom_query)

    _async_header = "async:asyncio"
    # The application owns an async client's event loop; the sync client owns its loops.
    _loops_die_with_client = False
    # Why WebSocket connections are refused (a client whose auth cannot go over a WebSocket,
    # e.g. Bedrock's signing), or None.
    _websocket_refusal: str | None = None

    def _build_static_headers(self) -> dict[str, str]:
        headers = {**self.auth_headers}
        for name, value in self.default_headers.items():
            if not isinstance(value, Omit):
                headers[name] = value
            else:
                headers.pop(name, None)
        return headers

    async def _refresh_api_key(self) -> None:
        provider = self._api_key_provider
        if provider is None:
            return
        key = provider()
        if inspect.isawaitable(key):
            key = await key
        if not isinstance(key, str) or not key:
            raise OpenAIError(f"Expected api_key provider to return a non-empty str, got {key!r}")
        if key != self.api_key:
            self.api_key = key
            self._static_headers = self._build_static_headers()

    def copy(
        self,
        *,
        api_key: str | Callable[[], Awaitable[str]] | None = None,
        organization: str | None = None,
        project: str | None = None,
        webhook_secret: str | None = None,
        admin_api_key: str | None = None,
        websocket_base_url: str | None = None,
        base_url: str | None | NotGiven = NOT_GIVEN,
        timeout: float | Timeout | None | NotGiven = NOT_GIVEN,
        http_client: aiohttp.ClientSession | None = None,
        max_retries: int | NotGiven = NOT_GIVEN,
        default_headers: Mapping[str, str] | None = None,
        set_default_headers: Mapping[str, str] | None = None,
        default_query: Mapping[str, object] | None = None,
        set_default_query: Mapping[str, object] | None = None,
    ) -> AsyncOpenAI:
        """A client with the same options except those given; it shares this client's
        connection pool, so it costs no sockets and no SSL setup."""
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
        holder = self._holder if http_client is None else None
        copied = type(self)(
            api_key=api_key or self._api_key_provider or self.api_key,
            organization=organization or self.organization,
            project=project or self.project,
            webhook_secret=webhook_secret or self.webhook_secret,
            admin_api_key=admin_api_key or self.admin_api_key,
            websocket_base_url=websocket_base_url or self.websocket_base_url,
            base_url=self._base_url if isinstance(base_url, NotGiven) else base_url,
            timeout=self._timeout if isinstance(timeout, NotGiven) else timeout,
            http_client=http_client,
            max_retries=self.max_retries if isinstance(max_retries, NotGiven) else max_retries,
            default_headers=headers,
            default_query=query,
            connection_limit=self._connection_limit,
            _strict_response_validation=self._strict_response_validation,
            _holder=holder,
            _clock=self._clock,
        )
        return copied

    with_options = copy

    @cached_property
    def with_raw_response(self) -> AsyncOpenAIWithRawResponse:
        """`client.with_raw_response.chat.completions.create(...)` returns a
        `LegacyAPIResponse`: `.headers`, `.status_code`, `.parse()`, ..."""
        from ._client_resources import AsyncOpenAIWithRawResponse

        return AsyncOpenAIWithRawResponse(self)

    @cached_property
    def with_streaming_response(self) -> AsyncOpenAIWithStreamedResponse:
        """`async with client.with_streaming_response.x.create(...) as response:` gives an
        `AsyncAPIResponse` whose body is read on demand."""
        from ._client_resources import AsyncOpenAIWithStreamedResponse

        return AsyncOpenAIWithStreamedResponse(self)

    # -- lifecycle ---------------------------------------------------------------------------
    def is_closed(self) -> bool:
        return self._holder.closed

    async def close(self) -> None:
        """Close the connection pool (shared with this client's copies)."""
        await self._holder.close()

    async def __aenter__(self) -> AsyncOpenAI:
        return self

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        await self.close()


def _sync_http_client(http_client: Any) -> HttpClientOptions | None:
    # An aiohttp session belongs to one event loop; the sync client runs its own loops.
    if http_client is None or isinstance(http_client, HttpClientOptions):
        return http_client
    raise TypeError(
        "the sync client takes http_client=DefaultHttpxClient(limits=...) (options for its own "
        f"pool), not {type(http_client).__name__}: oxide does not use httpx"
    )


class _SyncEngine(AsyncOpenAI):
    # The async engine behind `OpenAI`: same machinery, sync-client headers.
    _async_header = "false"
    _loops_die_with_client = True

    @property
    def user_agent(self) -> str:
        return f"OpenAI/Python {__version__}"


class OpenAI(SyncClientResources):
    """Sync client with the official `openai.OpenAI` API.

    Runs the async engine in the calling threads, on a few event loops of its own (see
    `oxide._sync`): safe to share between any number of threads with bounded resources, works
    after `fork`, and leaves nothing behind at interpreter exit.
    """

    def __init__(
        self,
        *,
        api_key: str | Callable[[], str] | None = None,
        organization: str | None = None,
        project: str | None = None,
        webhook_secret: str | None = None,
        admin_api_key: str | None = None,
        base_url: str | None | NotGiven = NOT_GIVEN,
        websocket_base_url: str | None = None,
        timeout: float | Timeout | None | NotGiven = NOT_GIVEN,
        max_retries: int = DEFAULT_MAX_RETRIES,
        default_headers: Mapping[str, str] | None = None,
        default_query: Mapping[str, object] | None = None,
        http_client: HttpClientOptions | None = None,
        connection_limit: int = DEFAULT_CONNECTION_LIMIT,
        data_residency: DataResidency | None = None,
        _strict_response_validation: bool = False,
        _enforce_credentials: bool = True,
        _engine: AsyncOpenAI | None = None,
        _runner: SyncRunner | None = None,
        _clock: Clock | None = None,
    ) -> None:
        # The engine is assigned before the runner on purpose: when a dropped client is
        # collected, its session is let go before its loops are closed.
        self._engine: AsyncOpenAI = _engine or _SyncEngine(
            api_key=api_key,  # type: ignore[arg-type]  # a sync callable works: see _refresh_api_key
            organization=organization,
            project=project,
            webhook_secret=webhook_secret,
            admin_api_key=admin_api_key,
            base_url=base_url,
            websocket_base_url=websocket_base_url,
            timeout=timeout,
            max_retries=max_retries,
            default_headers=default_headers,
            default_query=default_query,
            http_client=_sync_http_client(http_client),
            connection_limit=connection_limit,
            data_residency=data_residency,
            _strict_response_validation=_strict_response_validation,
            _enforce_credentials=_enforce_credentials,
            _clock=_clock,
        )
        if _runner is None:
            _runner = SyncRunner()
            _runner.owns(self._engine._holder)
        self._runner = _runner

    # Options read through to the engine, as attributes of the official client.
    @property
    def api_key(self) -> str:
        return self._engine.api_key

    @property
    def organization(self) -> str | None:
        return self._engine.organization

    @property
    def project(self) -> str | None:
        return self._engine.project

    @property
    def webhook_secret(self) -> str | None:
        return self._engine.webhook_secret

    @property
    def admin_api_key(self) -> str | None:
        return self._engine.admin_api_key

    @property
    def websocket_base_url(self) -> str | None:
        return self._engine.websocket_base_url

    @property
    def base_url(self) -> str:
        return self._engine.base_url

    @base_url.setter
    def base_url(self, url: str) -> None:
        self._engine.base_url = url

    @property
    def timeout(self) -> Timeout | None:
        return self._engine.timeout

    @property
    def max_retries(self) -> int:
        return self._engine.max_retries

    @property
    def user_agent(self) -> str:
        return self._engine.user_agent

    @property
    def auth_headers(self) -> dict[str, str]:
        return self._engine.auth_headers

    @property
    def default_headers(self) -> dict[str, str | Omit]:
        return self._engine.default_headers

    @property
    def default_query(self) -> dict[str, object]:
        return self._engine.default_query

    def copy(self, **kwargs: Any) -> OpenAI:
        """Same as `AsyncOpenAI.copy`; the copy shares the loops and the pool."""
        return OpenAI(_engine=self._engine.copy(**kwargs), _runner=self._runner)

    with_options = copy

    @cached_property
    def with_raw_response(self) -> OpenAIWithRawResponse:
        from ._client_resources import OpenAIWithRawResponse

        return OpenAIWithRawResponse(self)

    @cached_property
    def with_streaming_response(self) -> OpenAIWithStreamedResponse:
        from ._client_resources import OpenAIWithStreamedResponse

        return OpenAIWithStreamedResponse(self)

    # -- the verbs of the generated sync resources: the async engine, run by the runner ------
    @overload
    def get(
        self,
        path: str,
        *,
        cast_to: type[_T],
        options: RequestOptions | Mapping[str, Any] = ...,
        stream: Literal[False] = False,
    ) -> _T: ...

    @overload
    def get(
        self,
        path: str,
        *,
        cast_to: type[_T],
        options: RequestOptions | Mapping[str, Any] = ...,
        stream: Literal[True],
        stream_cls: type[_StreamT],
    ) -> _StreamT: ...

    @overload
    def get(
        self,
        path: str,
        *,
        cast_to: type[_T],
        options: RequestOptions | Mapping[str, Any] = ...,
        stream: bool,
        stream_cls: type[_StreamT] | None = None,
    ) -> _T | _StreamT: ...

    def get(
        self,
        path: str,
        *,
        cast_to: Any,
        options: RequestOptions | Mapping[str, Any] = NO_OPTIONS,
        stream: bool = False,
        stream_cls: Any = None,
    ) -> Any:
        options = as_options(options)
        engine = self._engine
        return self._sync(
            self._runner.run(
                engine._request(
                    "GET", path, cast_to, options=options, stream=stream, stream_cls=stream_cls
                )
            ),
            options,
        )

    @overload
    def post(
        self,
        path: str,
        *,
        cast_to: type[_T],
        body: Any = None,
        content: bytes | None = None,
        files: Any = None,
        options: RequestOptions | Mapping[str, Any] = ...,
        stream: Literal[False] = False,
    ) -> _T: ...

    @overload
    def post(
        self,
        path: str,
        *,
        cast_to: type[_T],
        body: Any = None,
        content: bytes | None = None,
        files: Any = None,
        options: RequestOptions | Mapping[str, Any] = ...,
        stream: Literal[True],
        stream_cls: type[_StreamT],
    ) -> _StreamT: ...

    @overload
    def post(
        self,
        path: str,
        *,
        cast_to: type[_T],
        body: Any = None,
        content: bytes | None = None,
        files: Any = None,
        options: RequestOptions | Mapping[str, Any] = ...,
        stream: bool,
        stream_cls: type[_StreamT] | None = None,
    ) -> _T | _StreamT: ...

    def post(
        self,
        path: str,
        *,
        cast_to: Any,
        body: Any = None,
        content: bytes | None = None,
        options: RequestOptions | Mapping[str, Any] = NO_OPTIONS,
        files: Any = None,
        stream: bool = False,
        stream_cls: Any = None,
    ) -> Any:
        if type(options) is not RequestOptions:
            options = as_options(options)
        if content is not None or type(body) is bytes:
            body, content = _check_body(body, content, files)
        # Straight to the engine's `_request` (not its `post`): one coroutine frame less.
        result = self._runner.run(
            self._engine._request(
                "POST",
                path,
                cast_to,
                body=body,
                content=content,
                options=options,
                files=files,
                stream=stream,
                stream_cls=stream_cls,
            )
        )
        if options is NO_OPTIONS and not stream:
            return result  # the common case: a typed result, nothing to convert
        return self._sync(result, options)

    def patch(
        self,
        path: str,
        *,
        cast_to: type[_T],
        body: Any = None,
        content: bytes | None = None,
        files: Any = None,
        options: RequestOptions | Mapping[str, Any] = NO_OPTIONS,
    ) -> _T:
        options = as_options(options)
        coro = self._engine.patch(
            path, cast_to=cast_to, body=body, content=content, files=files, options=options
        )
        result: _T = self._sync(self._runner.run(coro), options)
        return result

    def put(
        self,
        path: str,
        *,
        cast_to: type[_T],
        body: Any = None,
        content: bytes | None = None,
        files: Any = None,
        options: RequestOptions | Mapping[str, Any] = NO_OPTIONS,
    ) -> _T:
        options = as_options(options)
        coro = self._engine.put(
            path, cast_to=cast_to, body=body, content=content, files=files, options=options
        )
        result: _T = self._sync(self._runner.run(coro), options)
        return result

    def delete(
        self,
        path: str,
        *,
        cast_to: type[_T],
        body: Any = None,
        content: bytes | None = None,
        options: RequestOptions | Mapping[str, Any] = NO_OPTIONS,
    ) -> _T:
        options = as_options(options)
        coro = self._engine.delete(
            path, cast_to=cast_to, body=body, content=content, options=options
        )
        result: _T = self._sync(self._runner.run(coro), options)
        return result

    def get_api_list(
        self,
        path: str,
        *,
        model: type[_T],
        page: type[_PageT],
        body: Any = None,
        options: RequestOptions | Mapping[str, Any] = NO_OPTIONS,
        method: str = "get",
    ) -> _PageT:
        """The first page; iterating it walks every item across pages."""
        options = as_options(options)
        result: _PageT = self._request_api_list(method.upper(), path, body, options, page, model)
        return result

    def _request_api_list(
        self,
        method: str,
        path: str,
        body: Any,
        options: RequestOptions,
        page: Any,
        model: Any,
    ) -> Any:
        coro = self._engine._request_api_list(method, path, body, options, page, model, self)
        return self._sync(self._runner.run(coro), options)

    def _sync(self, result: Any, options: RequestOptions) -> Any:
        """The sync face of what the engine returned: streams and raw responses read on the
        loop they live on (pages already belong to this client: see `_request_api_list`)."""
        if isinstance(result, AsyncStream):
            return Stream(result, self._runner)
        if options.mode is not None:
            # Imported here, raw and streamed calls only: `import oxide` does not pay for it.
            from ._response import APIResponse, AsyncAPIResponse

            if isinstance(result, AsyncAPIResponse):
                override = options.override_cast_to
                if isinstance(override, type) and issubclass(override, APIResponse):
                    return override(result, self._runner)
                return APIResponse(result, self._runner)
            return result._for_sync(self._runner)
        return result

    def is_closed(self) -> bool:
        return self._engine.is_closed()

    def close(self) -> None:
        self._runner.shutdown(self._engine._holder)

    def __enter__(self) -> OpenAI:
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.close()


Client = OpenAI
AsyncClient = AsyncOpenAI
