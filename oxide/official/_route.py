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
import types
from collections.abc import Callable, Mapping
from typing import Annotated, Any, Union, get_args, get_origin

import msgspec
import openai
import orjson
import pydantic
from openai import _base_client as _official_base
from openai._models import _build_discriminated_union_meta, add_request_id, construct_type

from .. import _exceptions as _ox
from .. import _response as _ox_response
from .._decode import stream_item_type
from .._models import _DECODERS
from .._options import OVERRIDE_CAST_TO_HEADER, RAW_RESPONSE_HEADER, RequestOptions
from .._types import NOT_GIVEN, NotGiven

__all__ = [
    "official_error",
    "plain_result",
    "raw_response",
    "routable",
    "to_oxide_call",
    "with_request_id",
]

# The official client's HTTP library (httpx, or httpx2 in the 3.x releases), for the
# `httpx.Request` / `httpx.Response` objects its exceptions carry.
_httpx: Any = getattr(_official_base, "httpx2", None) or getattr(_official_base, "httpx", None)


def _loads(data: bytes | str) -> Any:
    try:
        return orjson.loads(data)
    except orjson.JSONDecodeError as exc:
        # oxide turns decode errors into APIResponseValidationError.
        raise msgspec.DecodeError(str(exc)) from None


def _union_variants(tp: Any) -> tuple[str, dict[str, Any]] | None:
    """(discriminator key, value -> variant class) of a discriminated union, by the official
    SDK's own reading of its annotations; None for other types."""
    try:
        origin = tp
        meta: tuple[Any, ...] = ()
        if get_origin(tp) is Annotated:
            origin, *rest = get_args(tp)
            meta = tuple(rest)
        if get_origin(origin) not in (Union, types.UnionType):
            return None
        details = _build_discriminated_union_meta(union=origin, meta_annotations=meta)
    except Exception:  # a release whose private helper differs: the generic path
        return None
    if details is None:
        return None
    return (details.field_alias_from or details.field_name, dict(details.mapping))


class _Gate:
    """Whether to try validation first. A server whose payloads never validate (one that omits
    a field the official types require) would pay for a failed validation and then the
    construction on every call: after a few failures in a row, validation is skipped, and
    tried again now and then."""

    __slots__ = ("failures", "skip")

    def __init__(self) -> None:
        self.failures = 0
        self.skip = 0

    def open(self) -> bool:
        if self.skip:
            self.skip -= 1
            return False
        return True

    def passed(self, result: Any) -> Any:
        self.failures = 0
        return result

    def failed(self) -> None:
        self.failures += 1
        if self.failures >= 3:
            self.skip = 100


def _builder(tp: Any) -> Callable[[bytes | str], Any]:
    """JSON -> the official object `construct_type` would build, fast when the data is valid.

    pydantic-core validates in Rust at ~5% of `construct_type`'s cost (which walks the type's
    annotations in Python for every object). Data that validates *strictly* is exactly typed,
    so the validated object equals the constructed one (the differential test checks it);
    anything else (an unknown enum value, a missing field) is built by `construct_type` itself,
    as leniently as the official client builds it."""
    if inspect.isclass(get_origin(tp) or tp) and issubclass(
        get_origin(tp) or tp, pydantic.BaseModel
    ):
        validate_json = tp.model_validate_json
        gate = _Gate()

        def model(data: bytes | str) -> Any:
            if gate.open():
                try:
                    return gate.passed(validate_json(data, strict=True))
                except pydantic.ValidationError:
                    gate.failed()
            return construct_type(value=_loads(data), type_=tp)

        return model
    union = _union_variants(tp)
    if union is not None:
        key, variants = union
        validators = {value: (cls.model_validate, _Gate()) for value, cls in variants.items()}

        def discriminated(data: bytes | str) -> Any:
            value = _loads(data)
            if type(value) is dict:
                found = validators.get(value.get(key))  # type: ignore[arg-type]
                if found is not None and found[1].open():
                    validate, gate = found
                    try:
                        # Lax, as the official client validates a union.
                        return gate.passed(validate(value))
                    except pydantic.ValidationError:
                        gate.failed()
            return construct_type(value=value, type_=tp)

        return discriminated
    return lambda data: construct_type(value=_loads(data), type_=tp)


class OfficialType:
    """Stands for an official result type where oxide's engine takes a type: builds the
    official object from JSON (`_oxide_parse_body` for a body; `_DECODERS` for stream events)."""

    __slots__ = ("_oxide_parse_body", "tp")

    def __init__(self, tp: Any) -> None:
        self.tp = tp
        self._oxide_parse_body = _builder(tp)
        _DECODERS[self] = self._oxide_parse_body

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
    """Whether oxide's engine serves this call. The rest (binary downloads, uploads, absolute
    URLs, provider runtimes, custom httpx auth) goes through the official client's own httpx
    path, unchanged."""
    if getattr(client, "_provider_runtime", None) is not None:
        return False
    if getattr(client, "custom_auth", None) is not None:
        return False
    if options.files or options.content is not None or options.follow_redirects is not None:
        return False
    if "://" in options.url:
        return False
    headers = options.headers
    if isinstance(headers, Mapping) and OVERRIDE_CAST_TO_HEADER in headers:
        return False  # a binary response class of the official client's own
    origin = get_origin(cast_to) or cast_to
    if inspect.isclass(origin):
        return issubclass(origin, pydantic.BaseModel)
    return True  # a union or annotated union of models


def to_oxide_call(
    cast_to: Any, options: Any, stream: bool, stream_cls: Any
) -> tuple[str, str, Any, Any, RequestOptions, Any, bool]:
    """(method, path, cast_to, body, options, stream_cls) for oxide's `_request`, and whether
    the call is a plain one (see `plain_result`); `with_raw_response` and
    `with_streaming_response` calls ask for oxide's raw responses (see `raw_response`)."""
    headers = options.headers
    mode = None
    plain = False
    if isinstance(headers, Mapping) and RAW_RESPONSE_HEADER in headers:
        # "true": `with_raw_response` (body read); "stream": `with_streaming_response`
        mode = "stream" if headers[RAW_RESPONSE_HEADER] == "stream" else "raw"
        headers = {k: v for k, v in headers.items() if k != RAW_RESPONSE_HEADER}
    elif not stream:
        # A plain call is made raw too: its result carries the response's `x-request-id` as
        # `_request_id`, as the official client's do (see `plain_result`).
        mode, plain = "raw", True
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
        mode=mode,
        events_only=getattr(options, "stream_mode", "legacy") == "events",
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
        plain,
    )


def plain_result(client: Any, raw: Any) -> Any:
    """What a plain call returns: the parsed official object with its `_request_id`."""
    try:
        parsed = raw.parse()
    except _ox.OpenAIError as exc:
        raise official_error(client, exc) from exc
    return with_request_id(parsed, raw.request_id)


def with_request_id(parsed: Any, request_id: str | None) -> Any:
    """`parsed._request_id`, set as the official parse() sets it (on models only)."""
    if isinstance(parsed, pydantic.BaseModel):
        add_request_id(parsed, request_id)  # type: ignore[arg-type]
    return parsed


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


def raw_response(
    inner: Any, client: Any, cast_to: Any, options: Any, stream: bool, stream_cls: Any
) -> Any:
    """The official response object for one of oxide's raw or streamed responses: headers,
    status (and the body, once read) on an official-http-library response, which is what
    frameworks read; `parse()` and the reads done by oxide."""
    from . import _responses

    request = _httpx.Request(inner.method, inner.url)
    content = getattr(inner, "_content", None)
    http_response = _httpx.Response(
        inner.status_code,
        headers=list(inner.headers.items()),
        content=b"" if stream or content is None else content,
        request=request,
    )
    if isinstance(inner, _ox_response.LegacyAPIResponse):
        cls: Any = _responses.LegacyAPIResponse
    elif isinstance(inner, _ox_response.AsyncAPIResponse):
        cls = _responses.AsyncAPIResponse
    else:
        cls = _responses.APIResponse
    return cls(
        inner,
        body_read=not stream and content is not None,
        raw=http_response,
        cast_to=cast_to,
        client=client,
        stream=stream,
        stream_cls=stream_cls,
        options=options,
        retries_taken=inner.retries_taken,
    )
