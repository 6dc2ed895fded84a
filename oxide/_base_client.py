"""The request engine shared by every resource: URL, headers, body, retries, decoding.

One `_request` coroutine does an API call end to end. It is deliberately flat: this is the
per-call CPU cost users pay, so work that does not depend on the call is done once per client
(headers, URL prefix, timeout objects) and what remains is dict merges and one JSON encode.

The public verbs (`get/post/patch/put/delete/get_api_list`) are the official SDK's, called by
the generated resources with a frozen `RequestOptions`; the response mode (typed result,
`with_raw_response`, `with_streaming_response`) is a field of those options, so one client
serves all three. Module dependencies point one way: resources -> this engine -> response
wrappers / pages -> `_decode` (which imports none of them).
"""

from __future__ import annotations

import asyncio
import logging
import time
import warnings
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, Literal, TypeVar, overload

import aiohttp
import msgspec
import orjson
from yarl import URL

from . import _models
from ._decode import parse_body, status_error, stream_item_type
from ._exceptions import APIError, APIResponseValidationError, APITimeoutError
from ._http import Request, Response
from ._json import encode_body
from ._logs import http_method, setup_logging
from ._options import NO_OPTIONS, RequestOptions, as_options, make_request_options
from ._options import merge_mappings as _merge_mappings
from ._qs import stringify_items
from ._streaming import AsyncStream
from ._transport._clock import SYSTEM_CLOCK, Clock, time_limit
from ._transport._errors import TRANSPORT_ERRORS, translate
from ._transport._retry import retry_delay, should_retry_status
from ._transport._session import SessionHolder, client_timeout
from ._types import NOT_GIVEN, NotGiven, Omit, Timeout, coerce_timeout, sentinel_types

if TYPE_CHECKING:
    from ._files import RequestFiles
    from .pagination import AsyncPaginator, BasePage

__all__ = [
    "AsyncPaginator",
    "BaseAsyncClient",
    "SessionHolder",
    "_merge_mappings",
    "make_request_options",
    "strip_not_given",
]

_T = TypeVar("_T")
_log = logging.getLogger(__name__)
_DEBUG = logging.DEBUG
setup_logging()
_StreamT = TypeVar("_StreamT")
_PageT = TypeVar("_PageT", bound="BasePage[Any]")


def _log_transport_error(exc: BaseException) -> None:
    timeout = isinstance(exc, (asyncio.TimeoutError, TimeoutError))
    what = "a timeout exception" if timeout else "exception"
    _log.debug("Encountered %s: %s", what, type(exc).__name__)


def _log_retry(retries_taken: int, max_retries: int, delay: float) -> None:
    remaining = max_retries - retries_taken
    if remaining == 1:
        _log.debug("1 retry left")
    else:
        _log.debug("%i retries left", remaining)
    _log.info(
        "Retrying request in %f seconds (retry %i of %s)", delay, retries_taken + 1, max_retries
    )


def strip_not_given(params: dict[str, Any]) -> dict[str, Any]:
    """Drops arguments left at NOT_GIVEN / omit, as the official SDK does."""
    sentinels = sentinel_types()
    for value in params.values():
        if type(value) in sentinels:
            return {k: v for k, v in params.items() if type(v) not in sentinels}
    return params


def _check_encodable(value: object) -> None:
    """yarl and aiohttp silently drop lone surrogates from paths, query strings and headers
    (a model id that is one lone surrogate would turn `models/{id}` into `models/`); the
    official SDK's httpx raises. So do we, with the same `UnicodeEncodeError`, before any I/O."""
    if type(value) is str and not value.isascii():
        value.encode()


def _pop_content_type(headers: dict[str, str]) -> str | None:
    for name in [k for k in headers if k.lower() == "content-type"]:
        return headers.pop(name)
    return None


class BaseAsyncClient:
    """Request machinery of `AsyncOpenAI`; the resource namespaces call `_request`."""

    _holder: SessionHolder
    _base_url: str
    _timeout: Timeout | None
    max_retries: int
    _static_headers: dict[str, str]
    _default_query: Mapping[str, object] | None
    _url_cache: dict[str, URL]
    _api_key_provider: Any = None
    admin_api_key: str | None = None
    # Retry sleeps, Retry-After dates and deadlines; the fault tests pass a fake one.
    _clock: Clock = SYSTEM_CLOCK
    # The client's own timeout and its aiohttp form, so most calls skip the cache lookup.
    _aio_timeout: tuple[object, aiohttp.ClientTimeout] = (object(), aiohttp.ClientTimeout())

    async def _refresh_api_key(self) -> None:
        raise NotImplementedError

    def _url(self, path: str) -> URL:
        url = self._url_cache.get(path)
        if url is None:
            _check_encodable(path)
            url = URL(self._base_url + path.lstrip("/"), encoded=False)
            if len(self._url_cache) < 512:
                self._url_cache[path] = url
        return url

    async def _request(
        self,
        method: str,
        path: str,
        cast_to: Any,
        *,
        body: Any = None,
        options: RequestOptions = NO_OPTIONS,
        files: RequestFiles | None = None,
        content: bytes | None = None,
        stream: bool = False,
        stream_cls: Any = None,
    ) -> Any:
        if self._api_key_provider is not None:
            await self._refresh_api_key()
        headers = dict(self._static_headers)
        timeout: Any = self._timeout
        params: dict[str, Any] | None = dict(self._default_query) if self._default_query else None
        custom_retry_header = custom_timeout_header = multipart = False
        mode = None
        if options is not NO_OPTIONS:
            mode = options.mode
            if options.admin_auth:
                headers.pop("Authorization", None)
                if self.admin_api_key:
                    headers["Authorization"] = f"Bearer {self.admin_api_key}"
            extra_headers = options.extra_headers
            if extra_headers:
                for name, value in extra_headers.items():
                    lower = name.lower()
                    custom_retry_header |= lower == "x-stainless-retry-count"
                    custom_timeout_header |= lower == "x-stainless-read-timeout"
                    if lower == "content-type" and isinstance(value, str):
                        multipart = value.lower().startswith("multipart/form-data")
                    # Headers are case-insensitive: drop any spelling of the same name.
                    for existing in [k for k in headers if k.lower() == lower]:
                        del headers[existing]
                    if not isinstance(value, (Omit, NotGiven)):
                        _check_encodable(value)
                        headers[name] = value
            if options.params:
                params = {**params, **options.params} if params else dict(options.params)
            extra_json = options.extra_json
            if extra_json:
                body = {**(body or {}), **extra_json}
            if options.idempotency_key is not None:
                headers["Idempotency-Key"] = options.idempotency_key
            t = options.timeout
            if t is not NOT_GIVEN and not isinstance(t, NotGiven):
                timeout = coerce_timeout(t)
        query: list[tuple[str, str]] | None = None
        if params:
            query = stringify_items(params)
            for key, value in query:
                _check_encodable(key)
                _check_encodable(value)
        factory = None
        data: Any = None
        if files is not None or multipart:
            # Imported here: multipart is rare and `_files` costs import time for every user.
            from ._files import boundary_from_content_type, multipart_factory

            # A fresh payload per attempt (see `oxide._files`); it sets its own Content-Type
            # unless the caller's header names a boundary.
            content_type = _pop_content_type(headers)
            boundary = boundary_from_content_type(content_type)
            if boundary is not None:
                headers["Content-Type"] = content_type  # type: ignore[assignment]
            factory = multipart_factory(
                body if isinstance(body, Mapping) else None, files, boundary=boundary
            )
        elif content is not None:
            data = content
        elif body is not None:
            data = encode_body(body)
            headers["Content-Type"] = "application/json"
        expect_usage = False
        if stream:
            # A stream asked to end with a usage chunk is complete only once it arrived.
            options_ = body.get("stream_options") if isinstance(body, dict) else None
            expect_usage = isinstance(options_, dict) and options_.get("include_usage") is True
            # Asks proxies not to buffer the event stream.
            headers["Accept"] = "text/event-stream"
            headers["Cache-Control"] = "no-cache"
        if not custom_timeout_header and timeout is not None and timeout.read is not None:
            headers["x-stainless-read-timeout"] = str(timeout.read)
        cached = self._aio_timeout
        if cached[0] is timeout:
            aio_timeout = cached[1]
        else:
            aio_timeout = client_timeout(timeout)
            if timeout is self._timeout:
                self._aio_timeout = (timeout, aio_timeout)
        url = self._url(path)
        send = self._holder.sender()
        request = Request(method, str(url), headers)
        max_retries = self.max_retries
        if options.max_retries is not None:
            max_retries = options.max_retries
        retries_taken = 0
        # `with_streaming_response` leaves the body for the caller to read.
        defer_body = stream or mode == "stream"
        started = time.monotonic()
        clock = self._clock
        deadline = None
        if timeout is not None and timeout.total is not None:
            deadline = clock.monotonic() + timeout.total
        debug = _log.isEnabledFor(_DEBUG)  # once per call: a cached lookup
        while True:
            if not custom_retry_header:
                headers["x-stainless-retry-count"] = str(retries_taken)
            resp = None
            if debug:
                _log.debug(
                    "Building HTTP request: method=%s retries_taken=%i",
                    http_method(method),
                    retries_taken,
                )
                _log.debug("Sending HTTP Request: %s", http_method(method))
            if factory is not None:
                data = factory()
            try:
                if deadline is None:
                    resp = await send(
                        method, url, data=data, headers=headers, params=query, timeout=aio_timeout
                    )
                    status = resp.status
                    if status >= 400 or not defer_body:
                        # Error bodies and non-stream bodies are read inside the retry loop: a
                        # body cut short is a transport failure like any other.
                        raw_body = await resp.read()
                else:
                    async with time_limit(max(deadline - clock.monotonic(), 0.0)):
                        resp = await send(
                            method,
                            url,
                            data=data,
                            headers=headers,
                            params=query,
                            timeout=aio_timeout,
                        )
                        status = resp.status
                        if status >= 400 or not defer_body:
                            raw_body = await resp.read()
            except TRANSPORT_ERRORS as exc:
                if resp is not None:
                    resp.close()  # a body cut short: the connection is not reusable
                if debug:
                    _log_transport_error(exc)
                if retries_taken < max_retries and (factory is None or not factory.spent):
                    delay = retry_delay(retries_taken, None, clock.time())
                    if deadline is None or clock.monotonic() + delay < deadline:
                        _log_retry(retries_taken, max_retries, delay)
                        await clock.sleep(delay)
                        retries_taken += 1
                        continue
                if deadline is not None and clock.monotonic() >= deadline:
                    if debug:
                        _log.debug("Raising timeout error")
                    raise APITimeoutError(
                        request, message=f"Request timed out (Timeout.total={timeout.total} s)."
                    ) from exc
                error = translate(exc, request)
                if debug:
                    _log.debug(
                        "Raising %s error",
                        "timeout" if isinstance(error, APITimeoutError) else "connection",
                    )
                raise error from exc
            except BaseException:
                # Cancelled (or interrupted) while reading the body: close the connection now
                # rather than leave it checked out until the response is collected.
                if resp is not None:
                    resp.close()
                raise
            if debug:
                _log.debug("HTTP Response: %s %i", http_method(method), status)
                _log.debug("request_id: %s", resp.headers.get("x-request-id"))
            if status >= 400:
                resp_headers = resp.headers
                if debug:
                    _log.debug("Encountered an HTTP status error: %i", status)
                if retries_taken < max_retries and (factory is None or not factory.spent):
                    now = clock.time()
                    if should_retry_status(status, resp_headers, now):
                        delay = retry_delay(retries_taken, resp_headers, now)
                        # Past the call's deadline, the server's answer is raised instead.
                        if deadline is None or clock.monotonic() + delay < deadline:
                            _log_retry(retries_taken, max_retries, delay)
                            await clock.sleep(delay)
                            retries_taken += 1
                            continue
                response = Response(
                    status, resp_headers, raw_body, request, reason_phrase=resp.reason or ""
                )
                if debug:
                    _log.debug("Re-raising status error")
                raise status_error(status, raw_body, response)
            break

        if mode is not None:
            # Imported here: raw and streamed responses are not on the common path, and
            # importing them costs every `import oxide`.
            from ._response import AsyncAPIResponse, LegacyAPIResponse, _ResponseBase

            cls = options.override_cast_to
            if cls is not None:
                cast_to = bytes  # the SDK's binary response classes parse to bytes
            if cls is None or not isinstance(cls, type) or not issubclass(cls, _ResponseBase):
                cls = LegacyAPIResponse if mode == "raw" else AsyncAPIResponse
            return cls(
                client=self,
                raw=resp,
                request=request,
                content=None if defer_body else raw_body,
                cast_to=cast_to,
                stream=stream,
                stream_cls=stream_cls,
                retries_taken=retries_taken,
                elapsed=time.monotonic() - started,
                expect_usage=expect_usage,
                options=options,
            )
        if stream:
            return await self._open_stream(
                resp,
                request,
                stream_item_type(stream_cls, cast_to),
                expect_usage,
                options.events_only,
            )
        result = parse_body(cast_to, raw_body, resp, request)
        if options is not NO_OPTIONS and not isinstance(options.post_parser, NotGiven):
            return options.post_parser(result)
        return result

    async def _open_stream(
        self,
        resp: Any,  # aiohttp.ClientResponse or the fast lane's FastResponse
        request: Request,
        item_type: Any,
        expect_usage: bool = False,
        events_only: bool = False,
    ) -> AsyncStream[Any]:
        content_type = resp.headers.get("Content-Type", "")
        failure: BaseException | None = None
        if "json" in content_type and "event-stream" not in content_type:
            # A proxy or compatible server that ignored `stream`: an error envelope is an API
            # error, raised now; anything else is not what was asked for, raised when the
            # stream is read (the SDK's stream yields nothing there; creating and closing it
            # works in both, e.g. a mock server answering with an example object).
            try:
                content = await resp.read()
            except TRANSPORT_ERRORS as exc:
                raise translate(exc, request) from exc
            response = Response(resp.status, resp.headers, content, request)
            try:
                obj = orjson.loads(content)
            except orjson.JSONDecodeError:
                obj = None
            err = obj.get("error") if isinstance(obj, dict) else None
            if err and set(obj) == {"error"}:
                msg = err.get("message") if isinstance(err, dict) else None
                raise APIError(msg or "An error occurred", request, body=err)
            else:
                failure = APIResponseValidationError(
                    response,
                    obj,
                    message=f"Expected a text/event-stream response, got {content_type!r}",
                )
        decode = _models.decoder_for(item_type)
        return AsyncStream(
            decode=decode,
            response=resp,
            request=request,
            expect_usage=expect_usage,
            failure=failure,
            events_only=events_only,
        )

    # -- the official SDK's verbs, called by the generated resources ------------------------
    @overload
    async def get(
        self,
        path: str,
        *,
        cast_to: type[_T],
        options: RequestOptions | Mapping[str, Any] = ...,
        stream: Literal[False] = False,
    ) -> _T: ...

    @overload
    async def get(
        self,
        path: str,
        *,
        cast_to: type[_T],
        options: RequestOptions | Mapping[str, Any] = ...,
        stream: Literal[True],
        stream_cls: type[_StreamT],
    ) -> _StreamT: ...

    @overload
    async def get(
        self,
        path: str,
        *,
        cast_to: type[_T],
        options: RequestOptions | Mapping[str, Any] = ...,
        stream: bool,
        stream_cls: type[_StreamT] | None = None,
    ) -> _T | _StreamT: ...

    async def get(
        self,
        path: str,
        *,
        cast_to: Any,
        options: RequestOptions | Mapping[str, Any] = NO_OPTIONS,
        stream: bool = False,
        stream_cls: Any = None,
    ) -> Any:
        options = as_options(options)
        return await self._request(
            "GET", path, cast_to, options=options, stream=stream, stream_cls=stream_cls
        )

    @overload
    async def post(
        self,
        path: str,
        *,
        cast_to: type[_T],
        body: Any = None,
        content: bytes | None = None,
        options: RequestOptions | Mapping[str, Any] = ...,
        files: RequestFiles | None = None,
        stream: Literal[False] = False,
    ) -> _T: ...

    @overload
    async def post(
        self,
        path: str,
        *,
        cast_to: type[_T],
        body: Any = None,
        content: bytes | None = None,
        options: RequestOptions | Mapping[str, Any] = ...,
        files: RequestFiles | None = None,
        stream: Literal[True],
        stream_cls: type[_StreamT],
    ) -> _StreamT: ...

    @overload
    async def post(
        self,
        path: str,
        *,
        cast_to: type[_T],
        body: Any = None,
        content: bytes | None = None,
        options: RequestOptions | Mapping[str, Any] = ...,
        files: RequestFiles | None = None,
        stream: bool,
        stream_cls: type[_StreamT] | None = None,
    ) -> _T | _StreamT: ...

    async def post(
        self,
        path: str,
        *,
        cast_to: Any,
        body: Any = None,
        content: bytes | None = None,
        options: RequestOptions | Mapping[str, Any] = NO_OPTIONS,
        files: RequestFiles | None = None,
        stream: bool = False,
        stream_cls: Any = None,
    ) -> Any:
        if type(options) is not RequestOptions:
            options = as_options(options)
        if content is not None or type(body) is bytes:
            body, content = _check_body(body, content, files)
        return await self._request(
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

    async def patch(
        self,
        path: str,
        *,
        cast_to: type[_T],
        body: Any = None,
        content: bytes | None = None,
        files: RequestFiles | None = None,
        options: RequestOptions | Mapping[str, Any] = NO_OPTIONS,
    ) -> _T:
        options = as_options(options)
        body, content = _check_body(body, content, files)
        result: _T = await self._request(
            "PATCH", path, cast_to, body=body, content=content, options=options, files=files
        )
        return result

    async def put(
        self,
        path: str,
        *,
        cast_to: type[_T],
        body: Any = None,
        content: bytes | None = None,
        files: RequestFiles | None = None,
        options: RequestOptions | Mapping[str, Any] = NO_OPTIONS,
    ) -> _T:
        options = as_options(options)
        body, content = _check_body(body, content, files)
        result: _T = await self._request(
            "PUT", path, cast_to, body=body, content=content, options=options, files=files
        )
        return result

    async def delete(
        self,
        path: str,
        *,
        cast_to: type[_T],
        body: Any = None,
        content: bytes | None = None,
        options: RequestOptions | Mapping[str, Any] = NO_OPTIONS,
    ) -> _T:
        options = as_options(options)
        body, content = _check_body(body, content, None)
        result: _T = await self._request(
            "DELETE", path, cast_to, body=body, content=content, options=options
        )
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
    ) -> AsyncPaginator[_T, _PageT]:
        """The first page on `await`, every item on `async for` (the SDK's `AsyncPaginator`)."""
        options = as_options(options)
        from .pagination import AsyncPaginator  # list calls only; see `_request`

        return AsyncPaginator(self, method.upper(), path, body, options, page, model)

    async def _request_api_list(
        self,
        method: str,
        path: str,
        body: Any,
        options: RequestOptions,
        page: type[BasePage[Any]],
        model: Any,
        owner: Any = None,
    ) -> Any:
        """One page: decoded by the page class, then given what it needs to fetch the next
        one (`owner`: the client the page belongs to; the sync client passes itself)."""
        owner = self if owner is None else owner

        def attach(result: Any) -> Any:
            result._set_private_attributes(
                client=owner, model=model, options=options, method=method, path=path, body=body
            )
            return result

        parser = options.post_parser
        post_parser = attach if isinstance(parser, NotGiven) else (lambda r: parser(attach(r)))
        return await self._request(
            method,
            path,
            _page_spec(page, model),
            body=body,
            options=msgspec.structs.replace(options, post_parser=post_parser),
        )


def _page_spec(page: Any, model: Any) -> Any:
    from .pagination import PageSpec

    return PageSpec(page, model)


def __getattr__(name: str) -> Any:
    # `from .._base_client import AsyncPaginator` in the generated resources, as in the SDK,
    # without importing the pages with the engine.
    if name == "AsyncPaginator":
        from .pagination import AsyncPaginator

        return AsyncPaginator
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


def _check_body(
    body: Any, content: bytes | None, files: RequestFiles | None
) -> tuple[Any, bytes | None]:
    """The SDK's argument checks of its verbs (raw bytes go in `content`)."""
    if content is not None and (body is not None or files is not None):
        what = "body" if body is not None else "files"
        raise TypeError(f"Passing both `{what}` and `content` is not supported")
    if isinstance(body, bytes):
        warnings.warn(
            "Passing raw bytes as `body` is deprecated and will be removed in a future version. "
            "Please pass raw bytes via the `content` parameter instead.",
            DeprecationWarning,
            stacklevel=3,
        )
        return None, body
    return body, content
