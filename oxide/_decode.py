"""Decoding of a finished response: the typed result of a success, the exception of a failure.

Kept below the engine, the response wrappers and the pages (they all import it; it imports
none of them), so none of those modules needs another at import time.
"""

from __future__ import annotations

import codecs
import json
from types import NoneType
from typing import Any

import aiohttp
import msgspec

from . import _models
from ._constants import MAX_ERROR_BODY
from ._exceptions import APIError, APIResponseValidationError, make_status_error
from ._http import Request, Response

__all__ = ["parse_body", "status_error", "stream_item_type"]


def status_error(status: int, content: bytes, response: Response) -> APIError:
    text = content[:MAX_ERROR_BODY].decode("utf-8", "replace").strip()
    body: object = text
    message = f"Error code: {status}"
    try:
        # stdlib json, as the SDK: orjson turns big ints into floats and refuses NaN and lone
        # surrogate escapes, which would change `body`. Error path only.
        body = json.loads(text)
    except Exception:
        pass
    else:
        # Only the API's own message goes in the text (the SDK's rule since 3.4x): the whole
        # body stays on `.body`, and a body echoing the request stays out of logs.
        error = body.get("error", body) if isinstance(body, dict) else None
        detail = error.get("message") if isinstance(error, dict) else None
        if isinstance(detail, str) and detail:
            message += f" - {detail}"
    return make_status_error(message, body=body, response=response)


def _charset(content_type: str | None) -> str:
    """The `charset` of a Content-Type (httpx's `.text` encoding), else UTF-8."""
    if content_type:
        for param in content_type.split(";")[1:]:
            name, _, value = param.partition("=")
            if name.strip().lower() == "charset" and value.strip():
                charset = value.strip().strip('"')
                try:
                    codecs.lookup(charset)
                except LookupError:
                    break
                return charset
    return "utf-8"


def parse_body(cast_to: Any, content: bytes, resp: aiohttp.ClientResponse, request: Request) -> Any:
    """The typed result of a successful non-stream call."""
    if cast_to is None or cast_to is NoneType:
        return None
    if cast_to is bytes:
        return content
    if cast_to is str:
        return content.decode(_charset(resp.headers.get("Content-Type")), "replace")
    if getattr(cast_to, "_oxide_binary", False):  # HttpxBinaryResponseContent
        return cast_to.from_response(
            Response(resp.status, resp.headers, content, request, reason_phrase=resp.reason or "")
        )
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


def stream_item_type(stream_cls: Any, cast_to: Any) -> Any:
    """What each event of a stream decodes to: `X` of the SDK's `stream_cls=AsyncStream[X]`
    (or `Stream[X]`), else `cast_to`."""
    if stream_cls is None:
        return cast_to
    args = getattr(stream_cls, "__args__", None)
    if args:
        return args[0]
    return cast_to if isinstance(stream_cls, type) else stream_cls
