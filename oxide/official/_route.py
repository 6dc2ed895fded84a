"""What `oxide.official` clients do on each call: an official `FinalRequestOptions` becomes a
call on oxide's engine, official result types are built from the bytes oxide received, and
oxide's exceptions become the official ones.

The official resources have already done their part when `request()` is reached (argument
checks, `maybe_transform` of the body, `make_request_options`), so every endpoint of whichever
official release is installed goes through here with its own signature and types. oxide then
does the rest: the aiohttp transport and its retries and timeouts, request encoding (orjson),
SSE extraction, JSON decoding (orjson); the official models are built from the decoded data
with the official `construct_type`, which is what the official client does too (it does not
validate responses unless `_strict_response_validation` is set).
"""

from __future__ import annotations

import inspect
from collections.abc import Mapping
from typing import Any, get_origin

import msgspec
import openai
import orjson
import pydantic
from openai import _base_client as _official_base
from openai._models import construct_type

from .. import _exceptions as _ox
from .._decode import stream_item_type
from .._models import _DECODERS
from .._options import OVERRIDE_CAST_TO_HEADER, RAW_RESPONSE_HEADER, RequestOptions
from .._types import NOT_GIVEN, NotGiven

__all__ = ["official_error", "routable", "to_oxide_call"]

# The official client's HTTP library (httpx, or httpx2 in the 3.x releases), for the
# `httpx.Request` / `httpx.Response` objects its exceptions carry.
_httpx: Any = getattr(_official_base, "httpx2", None) or getattr(_official_base, "httpx", None)


class OfficialType:
    """Stands for an official result type where oxide's engine takes a type: builds the
    official object from JSON (`_oxide_parse_body` for a body; `_DECODERS` for stream events)."""

    __slots__ = ("_oxide_parse_body", "tp")

    def __init__(self, tp: Any) -> None:
        self.tp = tp

        def parse(data: bytes | str) -> Any:
            try:
                value = orjson.loads(data)
            except orjson.JSONDecodeError as exc:
                # oxide turns decode errors into APIResponseValidationError.
                raise msgspec.DecodeError(str(exc)) from None
            return construct_type(value=value, type_=tp)

        self._oxide_parse_body = parse
        _DECODERS[self] = parse

    def __repr__(self) -> str:
        return f"OfficialType({self.tp!r})"


_KEYS: dict[Any, OfficialType] = {}


def official_type(tp: Any) -> OfficialType:
    try:
        key = _KEYS.get(tp)
    except TypeError:  # an unhashable annotation: by identity
        key = _KEYS.get(id(tp))
        if key is None:
            key = _KEYS[id(tp)] = OfficialType(tp)
        return key
    if key is None:
        key = _KEYS[tp] = OfficialType(tp)
    return key


def routable(client: Any, cast_to: Any, options: Any) -> bool:
    """Whether oxide's engine serves this call. The rest (raw and streamed-response wrappers,
    binary downloads, uploads, absolute URLs, provider runtimes, custom httpx auth) goes through
    the official client's own httpx path, unchanged."""
    if getattr(client, "_provider_runtime", None) is not None:
        return False
    if getattr(client, "custom_auth", None) is not None:
        return False
    if options.files or options.content is not None or options.follow_redirects is not None:
        return False
    if "://" in options.url:
        return False
    headers = options.headers
    if isinstance(headers, Mapping) and (
        RAW_RESPONSE_HEADER in headers or OVERRIDE_CAST_TO_HEADER in headers
    ):
        return False
    origin = get_origin(cast_to) or cast_to
    if inspect.isclass(origin):
        return issubclass(origin, pydantic.BaseModel)
    return True  # a union or annotated union of models


def to_oxide_call(
    cast_to: Any, options: Any, stream: bool, stream_cls: Any
) -> tuple[str, str, Any, Any, RequestOptions, Any]:
    """(method, path, cast_to, body, options, stream_cls) for oxide's `_request`."""
    headers = options.headers
    max_retries = options.max_retries
    security = options.security or {}
    post_parser = options.post_parser
    opts = RequestOptions(
        extra_headers=headers if isinstance(headers, Mapping) and headers else None,
        params=options.params or None,
        extra_json=options.extra_json or None,
        timeout=options.timeout,
        idempotency_key=options.idempotency_key,
        post_parser=NOT_GIVEN if isinstance(post_parser, NotGiven) else post_parser,
        admin_auth=bool(security.get("admin_api_key_auth")) and not security.get("bearer_auth"),
        max_retries=None if isinstance(max_retries, NotGiven) else max_retries,
    )
    key = None
    if stream:
        key = official_type(stream_item_type(stream_cls, cast_to))
    return (
        options.method.upper(),
        options.url,
        official_type(cast_to),
        options.json_data,
        opts,
        key,
    )


def _request(err: Any) -> Any:
    req = getattr(err, "request", None)
    method = getattr(req, "method", "GET")
    url = getattr(req, "url", "http://localhost/")
    return _httpx.Request(method, str(url))


def _response(resp: Any, request: Any) -> Any:
    headers = getattr(resp, "headers", None) or {}
    return _httpx.Response(
        resp.status_code,
        headers=list(headers.items()),
        content=resp.content or b"",
        request=request,
    )


def official_error(client: Any, err: _ox.OpenAIError) -> BaseException:
    """The official exception for one of oxide's, with the official `httpx` request and
    response objects it carries (status errors are built by the client's own
    `_make_status_error_from_response`, so messages and subclasses match)."""
    if isinstance(err, _ox.APIStatusError):
        request = _request(err)
        return client._make_status_error_from_response(_response(err.response, request))  # type: ignore[no-any-return]
    if isinstance(err, _ox.APITimeoutError):
        return openai.APITimeoutError(request=_request(err))
    if isinstance(err, _ox.APIConnectionError):
        return openai.APIConnectionError(message=str(err), request=_request(err))
    if isinstance(err, _ox.APIResponseValidationError):
        request = _request(err)
        return openai.APIResponseValidationError(
            response=_response(err.response, request), body=err.body, message=str(err)
        )
    if isinstance(err, _ox.APIError):
        return openai.APIError(str(err), _request(err), body=err.body)
    return err
