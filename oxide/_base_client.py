"""The request engine shared by every resource: URL, headers, body, retries, decoding.

One `_request` coroutine does an API call end to end. It is deliberately flat: this is the
per-call CPU cost users pay, so work that does not depend on the call is done once per client
(headers, URL prefix, timeout objects) and what remains is dict merges and one JSON encode.
"""

from __future__ import annotations

import json
import time
from collections.abc import Mapping
from typing import Any, TypeVar

import aiohttp
import msgspec
import orjson
from yarl import URL

from . import _models
from ._constants import MAX_ERROR_BODY
from ._exceptions import APIError, APIResponseValidationError, APITimeoutError, make_status_error
from ._http import Request, Response
from ._json import encode_body
from ._streaming import AsyncStream
from ._transport._clock import SYSTEM_CLOCK, Clock, time_limit
from ._transport._errors import TRANSPORT_ERRORS, translate
from ._transport._retry import retry_delay, should_retry_status
from ._transport._session import SessionHolder, client_timeout
from ._types import NotGiven, Omit, Timeout, coerce_timeout

__all__ = ["SessionHolder", "request_options", "strip_not_given"]

_T = TypeVar("_T")

_OPTION_KEYS = ("extra_headers", "extra_query", "extra_body", "timeout")


def request_options(params: dict[str, Any]) -> dict[str, Any] | None:
    """Pops the per-call options out of a resource method's keyword arguments."""
    opts = None
    for key in _OPTION_KEYS:
        if key in params:
            if opts is None:
                opts = {}
            opts[key] = params.pop(key)
    return opts


def strip_not_given(params: dict[str, Any]) -> dict[str, Any]:
    """Drops arguments left at NOT_GIVEN / omit, as the official SDK does."""
    for value in params.values():
        if isinstance(value, (NotGiven, Omit)):
            return {k: v for k, v in params.items() if not isinstance(v, (NotGiven, Omit))}
    return params


def _check_encodable(value: object) -> None:
    """yarl and aiohttp silently drop lone surrogates from paths, query strings and headers
    (a model id that is one lone surrogate would turn `models/{id}` into `models/`); the
    official SDK's httpx raises. So do we, with the same `UnicodeEncodeError`, before any I/O."""
    if type(value) is str and not value.isascii():
        value.encode()


def _status_error(status: int, content: bytes, response: Response) -> APIError:
    text = content[:MAX_ERROR_BODY].decode("utf-8", "replace").strip()
    body: object = text
    try:
        # stdlib json, as the SDK: orjson turns big ints into floats and refuses NaN and lone
        # surrogate escapes, which would change `body` and the message. Error path only.
        body = json.loads(text)
        message = f"Error code: {status} - {body}"
    except Exception:
        message = text or f"Error code: {status}"
    return make_status_error(message, body=body, response=response)


def _parse_body(
    cast_to: Any, content: bytes, resp: aiohttp.ClientResponse, request: Request
) -> Any:
    """The typed result of a successful non-stream call."""
    if cast_to is None:
        return None
    if cast_to is bytes:
        return content
    custom = getattr(cast_to, "_oxide_parse_body", None)  # e.g. a list page
    try:
        obj = custom(content) if custom is not None else _models.decode(cast_to, content)
    except (msgspec.DecodeError, msgspec.ValidationError, RecursionError) as exc:
        # `decode` already retried what only stdlib json accepts (lone surrogates, 1e400);
        # a body nested deeper than any decoder recurses (5,000 levels) is as undecodable.
        response = Response(
            resp.status, resp.headers, content, request, reason_phrase=resp.reason or ""
        )
        raise APIResponseValidationError(
            response,
            content.decode("utf-8", "replace"),
            message=f"Could not decode the response body: {exc}",
        ) from exc
    # Always set, None included, as the SDK's `add_request_id`: reading `_request_id` on
    # a response without the header gives None, not AttributeError.
    try:
        obj._request_id = resp.headers.get("x-request-id")
    except AttributeError:
        pass
    return obj


class BaseAsyncClient:
    """Request machinery of `AsyncOpenAI`; the resource namespaces call `_request`."""

    _holder: SessionHolder
    _base_url: str
    _timeout: Timeout | None
    max_retries: int
    _static_headers: dict[str, str]
    _default_query: Mapping[str, object] | None
    _url_cache: dict[str, URL]
    # "parsed": typed results; "raw": `with_raw_response`; "streaming": `with_streaming_response`.
    _response_mode: str = "parsed"
    # Retry sleeps, Retry-After dates and deadlines; the fault tests pass a fake one.
    _clock: Clock = SYSTEM_CLOCK
    # The client's own timeout and its aiohttp form, so most calls skip the cache lookup.
    _aio_timeout: tuple[object, aiohttp.ClientTimeout] = (object(), aiohttp.ClientTimeout())

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
        query: Mapping[str, object] | None = None,
        options: dict[str, Any] | None = None,
        stream: bool = False,
        stream_cls: Any = None,
    ) -> Any:
        headers = dict(self._static_headers)
        timeout: Any = self._timeout
        params: dict[str, Any] | None = dict(self._default_query) if self._default_query else None
        if query:
            params = {**params, **query} if params else dict(query)
        custom_retry_header = custom_timeout_header = False
        if options:
            extra_headers = options.get("extra_headers")
            if extra_headers:
                for name, value in extra_headers.items():
                    lower = name.lower()
                    custom_retry_header |= lower == "x-stainless-retry-count"
                    custom_timeout_header |= lower == "x-stainless-read-timeout"
                    # Headers are case-insensitive: drop any spelling of the same name.
                    for existing in [k for k in headers if k.lower() == lower]:
                        del headers[existing]
                    if not isinstance(value, Omit):
                        _check_encodable(value)
                        headers[name] = value
            extra_query = options.get("extra_query")
            if extra_query:
                params = {**params, **extra_query} if params else dict(extra_query)
            extra_body = options.get("extra_body")
            if extra_body:
                body = {**(body or {}), **extra_body}
            t = options.get("timeout", self._timeout)
            if not isinstance(t, NotGiven):
                timeout = coerce_timeout(t)
        if params:
            for key, value in params.items():
                _check_encodable(key)
                if isinstance(value, (list, tuple)):
                    for item in value:
                        _check_encodable(item)
                else:
                    _check_encodable(value)
        data = encode_body(body) if body is not None else None
        if data is not None:
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
        session = self._holder.get()
        request = Request(method, str(url), headers)
        max_retries = self.max_retries
        retries_taken = 0
        mode = self._response_mode
        # `with_streaming_response` leaves the body for the caller to read.
        defer_body = stream or mode == "streaming"
        started = time.monotonic()
        clock = self._clock
        deadline = None
        if timeout is not None and timeout.total is not None:
            deadline = clock.monotonic() + timeout.total
        while True:
            if not custom_retry_header:
                headers["x-stainless-retry-count"] = str(retries_taken)
            resp = None
            try:
                if deadline is None:
                    resp = await session._request(
                        method, url, data=data, headers=headers, params=params, timeout=aio_timeout
                    )
                    status = resp.status
                    if status >= 400 or not defer_body:
                        # Error bodies and non-stream bodies are read inside the retry loop: a
                        # body cut short is a transport failure like any other.
                        content = await resp.read()
                else:
                    async with time_limit(max(deadline - clock.monotonic(), 0.0)):
                        resp = await session._request(
                            method,
                            url,
                            data=data,
                            headers=headers,
                            params=params,
                            timeout=aio_timeout,
                        )
                        status = resp.status
                        if status >= 400 or not defer_body:
                            content = await resp.read()
            except TRANSPORT_ERRORS as exc:
                if resp is not None:
                    resp.close()  # a body cut short: the connection is not reusable
                if retries_taken < max_retries:
                    delay = retry_delay(retries_taken, None, clock.time())
                    if deadline is None or clock.monotonic() + delay < deadline:
                        await clock.sleep(delay)
                        retries_taken += 1
                        continue
                if deadline is not None and clock.monotonic() >= deadline:
                    raise APITimeoutError(
                        request, message=f"Request timed out (Timeout.total={timeout.total} s)."
                    ) from exc
                raise translate(exc, request) from exc
            except BaseException:
                # Cancelled (or interrupted) while reading the body: close the connection now
                # rather than leave it checked out until the response is collected.
                if resp is not None:
                    resp.close()
                raise
            if status >= 400:
                resp_headers = resp.headers
                if retries_taken < max_retries:
                    now = clock.time()
                    if should_retry_status(status, resp_headers, now):
                        delay = retry_delay(retries_taken, resp_headers, now)
                        # Past the call's deadline, the server's answer is raised instead.
                        if deadline is None or clock.monotonic() + delay < deadline:
                            await clock.sleep(delay)
                            retries_taken += 1
                            continue
                response = Response(
                    status, resp_headers, content, request, reason_phrase=resp.reason or ""
                )
                raise _status_error(status, content, response)
            break

        if mode != "parsed":
            from ._response import AsyncAPIResponse, LegacyAPIResponse

            cls = LegacyAPIResponse if mode == "raw" else AsyncAPIResponse
            return cls(
                client=self,
                raw=resp,
                request=request,
                content=None if defer_body else content,
                cast_to=cast_to,
                stream=stream,
                stream_cls=stream_cls,
                retries_taken=retries_taken,
                elapsed=time.monotonic() - started,
                expect_usage=expect_usage,
            )
        if stream:
            return await self._open_stream(resp, request, stream_cls or cast_to, expect_usage)
        return _parse_body(cast_to, content, resp, request)

    async def _open_stream(
        self,
        resp: aiohttp.ClientResponse,
        request: Request,
        item_type: Any,
        expect_usage: bool = False,
    ) -> AsyncStream[Any]:
        content_type = resp.headers.get("Content-Type", "")
        if "json" in content_type and "event-stream" not in content_type:
            # A proxy or compatible server that ignored `stream`: an error object is an API
            # error; anything else is not what was asked for. (The official SDK yields nothing.)
            try:
                content = await resp.read()
            except TRANSPORT_ERRORS as exc:
                raise translate(exc, request) from exc
            response = Response(resp.status, resp.headers, content, request)
            try:
                obj = orjson.loads(content)
            except orjson.JSONDecodeError:
                obj = None
            if isinstance(obj, dict) and obj.get("error"):
                err = obj["error"]
                msg = err.get("message") if isinstance(err, dict) else None
                raise APIError(msg or "An error occurred", request, body=err)
            raise APIResponseValidationError(
                response,
                obj,
                message=f"Expected a text/event-stream response, got {content_type!r}",
            )
        decode = _models.decoder_for(item_type)
        return AsyncStream(decode=decode, response=resp, request=request, expect_usage=expect_usage)
