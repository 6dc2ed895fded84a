"""The request engine shared by every resource: URL, headers, body, retries, decoding.

One `_request` coroutine does an API call end to end. It is deliberately flat: this is the
per-call CPU cost users pay, so work that does not depend on the call is done once per client
(headers, URL prefix, timeout objects) and what remains is dict merges and one JSON encode.
"""

from __future__ import annotations

import asyncio
import json
import os
import time
from collections.abc import Mapping
from typing import Any, TypeVar

import aiohttp
import msgspec
import orjson
from yarl import URL

from . import _models
from ._constants import MAX_ERROR_BODY
from ._exceptions import APIError, APIResponseValidationError, make_status_error
from ._http import Request, Response
from ._json import encode_body
from ._streaming import AsyncStream
from ._transport._errors import TRANSPORT_ERRORS, translate
from ._transport._retry import retry_delay, should_retry_status
from ._transport._session import client_timeout, new_session
from ._types import NotGiven, Omit, Timeout, coerce_timeout

__all__ = ["SessionHolder", "request_options", "strip_not_given"]

_T = TypeVar("_T")

# Bumped in a forked child so every holder knows its session belongs to the parent.
_fork_generation = 0


def _bump_generation() -> None:
    global _fork_generation
    _fork_generation += 1


if hasattr(os, "register_at_fork"):
    os.register_at_fork(after_in_child=_bump_generation)


def _raw_socket(transport: Any) -> Any:
    # The socket under a selector transport, or under the TCP transport beneath TLS.
    sock = getattr(transport, "_sock", None)
    if sock is None:
        inner = getattr(getattr(transport, "_ssl_protocol", None), "_transport", None)
        return (inner, getattr(inner, "_sock", None))
    return (transport, sock)


def _abandon(session: aiohttp.ClientSession, loop: asyncio.AbstractEventLoop | None) -> None:
    """Let go of a session without awaiting anything and without aiohttp's "Unclosed client
    session" complaint.

    With its loop alive, the connector is closed from inside that loop (a plain callback, no
    coroutine). With its loop closed, or in a forked child, the file descriptors are closed
    directly: that releases this process's reference only, sending no FIN while a parent still
    holds the socket and no TLS close_notify on a connection the parent may be using.
    """
    connector = session._connector
    session._connector = None
    if connector is None or connector._closed:
        return
    if loop is not None and not loop.is_closed():
        loop.call_soon_threadsafe(connector._close)
        return
    connector._closed = True
    protos = [p for conns in connector._conns.values() for p, _ in conns]
    protos.extend(connector._acquired)
    for proto in protos:
        try:
            transport, sock = _raw_socket(proto.transport)
            if sock is not None:
                sock.close()
                transport._sock = None  # its __del__ must not close (or warn about) it again
        except Exception:  # best effort: never raise from cleanup
            pass
    connector._conns.clear()
    connector._acquired.clear()


class SessionHolder:
    """The aiohttp sessions of a client and all of its `copy()`/`with_options()` views.

    A session is bound to the loop it was made in, so there is one per live loop: usually
    one; one per calling thread for the sync client, which runs each thread's calls on that
    thread's own loop. A closed loop's session is let go (its sockets closed without I/O) the
    next time another loop asks; after fork, every inherited session is let go.
    """

    def __init__(
        self,
        *,
        limit: int,
        limit_per_host: int,
        session: aiohttp.ClientSession | None = None,
        trust_env: bool | None = None,
    ) -> None:
        self._limit = limit
        self._limit_per_host = limit_per_host
        self._trust_env = trust_env
        self._session = session  # the last loop's session: the fast path
        self._owned = session is None
        self._loop: asyncio.AbstractEventLoop | None = None
        self._others: dict[asyncio.AbstractEventLoop, aiohttp.ClientSession] = {}
        self._generation = _fork_generation
        self.closed = False

    def get(self) -> aiohttp.ClientSession:
        loop = asyncio.get_running_loop()
        session = self._session
        if session is not None and self._loop is loop and self._generation == _fork_generation:
            return session
        return self._renew(loop)

    def _renew(self, loop: asyncio.AbstractEventLoop) -> aiohttp.ClientSession:
        if self.closed:
            raise RuntimeError("The client is closed; create a new one.")
        session = self._session
        if not self._owned and session is not None:
            if self._loop is None:
                self._loop = loop
                return session
            raise RuntimeError(
                "The aiohttp session passed as http_client belongs to another event loop."
            )
        if self._generation != _fork_generation:
            # A forked child: nothing inherited is ours to use or to close properly.
            for old in self._all():
                _abandon(old, None)
            self._others.clear()
            self._session = session = None
            self._generation = _fork_generation
        if session is not None and self._loop is not None:
            if self._loop.is_closed():
                _abandon(session, None)
            else:
                self._others[self._loop] = session
        for old_loop in [lp for lp in self._others if lp.is_closed()]:
            _abandon(self._others.pop(old_loop), None)
        session = self._others.pop(loop, None) or new_session(
            limit=self._limit, limit_per_host=self._limit_per_host, trust_env=self._trust_env
        )
        self._session = session
        self._loop = loop
        return session

    def _all(self) -> list[aiohttp.ClientSession]:
        return ([self._session] if self._session is not None else []) + list(self._others.values())

    async def close_current(self) -> None:
        """Close the running loop's session only (the sync client closing a thread's loop)."""
        loop = asyncio.get_running_loop()
        session: aiohttp.ClientSession | None
        if self._loop is loop and self._session is not None:
            session, self._session, self._loop = self._session, None, None
        else:
            session = self._others.pop(loop, None)
        if session is not None and self._owned and self._generation == _fork_generation:
            await session.close()

    async def close(self) -> None:
        self.closed = True
        if not self._owned:
            self._session = None
            return
        try:
            running: asyncio.AbstractEventLoop | None = asyncio.get_running_loop()
        except RuntimeError:  # pragma: no cover - close() is always awaited
            running = None
        sessions = list(self._others.items())
        if self._session is not None and self._loop is not None:
            sessions.append((self._loop, self._session))
        self._session, self._loop = None, None
        self._others.clear()
        same_process = self._generation == _fork_generation
        for loop, session in sessions:
            if same_process and loop is running:
                await session.close()
            else:
                _abandon(session, loop if same_process else None)

    def close_nowait(self) -> None:
        """Marks the holder closed and lets go any session left, without awaiting."""
        self.closed = True
        same_process = self._generation == _fork_generation
        if self._owned:
            for loop, session in list(self._others.items()):
                _abandon(session, loop if same_process else None)
            if self._session is not None and self._loop is not None:
                _abandon(self._session, self._loop if same_process else None)
        self._others.clear()
        self._session, self._loop = None, None

    def let_go_loop(self, loop: asyncio.AbstractEventLoop) -> None:
        """Closes the sockets of `loop`'s session without I/O (the loop is idle or dead)."""
        session: aiohttp.ClientSession | None
        if self._loop is loop:
            session, self._session, self._loop = self._session, None, None
        else:
            session = self._others.pop(loop, None)
        if session is not None and self._owned and not session.closed:
            _abandon(session, None)

    @property
    def session(self) -> aiohttp.ClientSession | None:
        return self._session

    def _let_go(self, session: aiohttp.ClientSession) -> None:
        same_process = self._generation == _fork_generation
        _abandon(session, self._loop if same_process else None)

    def __del__(self) -> None:
        # A client dropped without close(): let the sessions go without awaiting anything, so
        # no coroutine is scheduled on some loop (openai/openai-python#1254) and aiohttp does
        # not log "Unclosed client session" through a loop that may be closed.
        if not self._owned:
            return
        same_process = self._generation == _fork_generation
        for loop, other in list(self._others.items()):
            if not other.closed:
                _abandon(other, loop if same_process else None)
        session = self._session
        if session is not None and not session.closed:
            self._let_go(session)


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
    except (msgspec.DecodeError, msgspec.ValidationError) as exc:
        # `decode` already retried what only stdlib json accepts (lone surrogates, 1e400).
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
        if stream:
            # Asks proxies not to buffer the event stream.
            headers["Accept"] = "text/event-stream"
            headers["Cache-Control"] = "no-cache"
        if not custom_timeout_header and timeout is not None and timeout.read is not None:
            headers["x-stainless-read-timeout"] = str(timeout.read)
        aio_timeout = client_timeout(timeout)
        url = self._url(path)
        session = self._holder.get()
        request = Request(method, str(url), headers)
        max_retries = self.max_retries
        retries_taken = 0
        mode = self._response_mode
        # `with_streaming_response` leaves the body for the caller to read.
        defer_body = stream or mode == "streaming"
        started = time.monotonic()
        while True:
            if not custom_retry_header:
                headers["x-stainless-retry-count"] = str(retries_taken)
            try:
                resp = await session._request(
                    method, url, data=data, headers=headers, params=params, timeout=aio_timeout
                )
                status = resp.status
                if status >= 400 or not defer_body:
                    # Error bodies and non-stream bodies are read inside the retry loop: a body
                    # cut short is a transport failure like any other.
                    content = await resp.read()
            except TRANSPORT_ERRORS as exc:
                if retries_taken < max_retries:
                    await asyncio.sleep(retry_delay(retries_taken))
                    retries_taken += 1
                    continue
                raise translate(exc, request) from exc
            if status >= 400:
                resp_headers = resp.headers
                if retries_taken < max_retries and should_retry_status(status, resp_headers):
                    await asyncio.sleep(retry_delay(retries_taken, resp_headers))
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
            )
        if stream:
            return await self._open_stream(resp, request, stream_cls or cast_to)
        return _parse_body(cast_to, content, resp, request)

    async def _open_stream(
        self, resp: aiohttp.ClientResponse, request: Request, item_type: Any
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
        return AsyncStream(decode=decode, response=resp, request=request)
