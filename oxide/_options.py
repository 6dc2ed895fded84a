"""Per-call request options: one frozen, typed record from the resource method to the engine.

Generated resource methods build it with `make_request_options(...)` (the official SDK's name
and keywords) and hand it to the client's verbs (`get/post/patch/put/delete/get_api_list`).
Besides the user's `extra_*` and `timeout`, it carries what the engine must know per call:
the query, the idempotency key, a `post_parser` (so `.parse()` of a raw response returns what
the method returns) and the response mode.

The response mode travels the way the official SDK sends it, as a marker header in
`extra_headers` (`X-Stainless-Raw-Response: raw|stream`), which `with_raw_response` and
`with_streaming_response` set per call. The engine reads and removes it, so no client or
resource *view* holds a mode, and a user's own `extra_headers` can ask for it as in the SDK.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any, Literal

import msgspec

from ._types import NOT_GIVEN, NotGiven, Omit

__all__ = [
    "as_options",
    "OVERRIDE_CAST_TO_HEADER",
    "RAW_RESPONSE_HEADER",
    "RequestOptions",
    "NO_OPTIONS",
    "make_request_options",
    "merge_mappings",
    "options_from_mapping",
]

RAW_RESPONSE_HEADER = "X-Stainless-Raw-Response"
# `to_custom_*_response_wrapper` (binary downloads): the response class to build instead.
OVERRIDE_CAST_TO_HEADER = "____stainless_override_cast_to"


class RequestOptions(msgspec.Struct, frozen=True, gc=False):
    """What one call adds to the client's defaults. Immutable: a page keeps the options it was
    fetched with and derives the next page's from them (`with_params`)."""

    extra_headers: Mapping[str, Any] | None = None
    params: Mapping[str, object] | None = None
    extra_json: Mapping[str, object] | None = None
    timeout: Any = NOT_GIVEN
    idempotency_key: str | None = None
    post_parser: Callable[[Any], Any] | NotGiven = NOT_GIVEN
    # None: the typed result; "raw": a `LegacyAPIResponse`; "stream": an `AsyncAPIResponse`
    # whose body is read on demand. Taken out of `extra_headers` (the marker header).
    mode: str | None = None
    # The response class to build in "raw"/"stream" mode (binary downloads).
    override_cast_to: Any = None
    # The endpoint authenticates with the admin key (`admin/organization/...`).
    admin_auth: bool = False
    # A per-call retry budget (the SDK's `options={"max_retries": n}` on the raw verbs).
    max_retries: int | None = None
    # `stream_mode="events"`: SSE `thread.*` event names are not wrapped Assistants-style.
    events_only: bool = False

    def with_params(self, params: Mapping[str, object]) -> RequestOptions:
        """These options with `params` merged over the query (the next page's cursor)."""
        merged = {**self.params, **params} if self.params else dict(params)
        return msgspec.structs.replace(self, params=merged)


# The options of a call that gives none: shared, since it is immutable.
NO_OPTIONS = RequestOptions()


def make_request_options(
    *,
    query: Mapping[str, object] | None = None,
    extra_headers: Mapping[str, Any] | None = None,
    extra_query: Mapping[str, object] | None = None,
    extra_body: object | None = None,
    idempotency_key: str | None = None,
    timeout: Any = NOT_GIVEN,
    post_parser: Callable[[Any], Any] | NotGiven = NOT_GIVEN,
    security: Mapping[str, bool] | None = None,
    synthesize_event_and_data: bool | None = None,
    stream_mode: Literal["legacy", "events"] | None = None,
) -> RequestOptions:
    """The official SDK's `make_request_options`, returning a frozen `RequestOptions`.

    `security` names the auth scheme an endpoint uses: the client's `api_key`, or for the
    organization admin endpoints its `admin_api_key`. `synthesize_event_and_data` (the
    Assistants streams) is what oxide's streams do for `thread.*` events: decode
    `{"event": <SSE event>, "data": <data>}`, so it needs no per-call state; `stream_mode=
    "events"` (the Agents session events) turns that off: the data alone is the event.
    """
    admin_auth = security is not None and bool(security.get("admin_api_key_auth"))
    events_only = stream_mode == "events"
    if not (
        query
        or extra_headers
        or extra_query
        or extra_body
        or idempotency_key
        or admin_auth
        or events_only
    ):
        # `is` first: the common case, without the ABC check that also knows `openai.NOT_GIVEN`.
        if (timeout is NOT_GIVEN or isinstance(timeout, NotGiven)) and isinstance(
            post_parser, NotGiven
        ):
            return NO_OPTIONS
    params: Mapping[str, object] | None = query
    if extra_query:
        params = {**query, **extra_query} if query else extra_query
    if extra_body is not None and not isinstance(extra_body, Mapping):
        raise TypeError(f"extra_body must be a mapping, not {type(extra_body).__name__}")
    mode = override = None
    if extra_headers and (
        RAW_RESPONSE_HEADER in extra_headers or OVERRIDE_CAST_TO_HEADER in extra_headers
    ):
        headers = dict(extra_headers)
        marker = headers.pop(RAW_RESPONSE_HEADER, None)
        if marker is not None and not isinstance(marker, (NotGiven, Omit)):
            mode = "stream" if marker == "stream" else "raw"
        override = headers.pop(OVERRIDE_CAST_TO_HEADER, None)
        extra_headers = headers
    return RequestOptions(
        extra_headers=extra_headers or None,
        params=params or None,
        extra_json=extra_body or None,  # checked above
        timeout=timeout,
        idempotency_key=idempotency_key,
        post_parser=post_parser,
        mode=mode,
        override_cast_to=override,
        admin_auth=admin_auth,
        events_only=events_only,
    )


def merge_mappings(obj1: Mapping[str, Any], obj2: Mapping[str, Any]) -> dict[str, Any]:
    """`obj2` over `obj1`, dropping keys whose merged value is `omit` (the SDK's
    `_merge_mappings`)."""
    merged = {**obj1, **obj2}
    return {key: value for key, value in merged.items() if not isinstance(value, Omit)}


def options_from_mapping(options: Mapping[str, Any]) -> RequestOptions:
    """The SDK's `RequestOptions` dict (what `client.post(path, options={...})` takes in the
    official client: `headers`, `params`, `extra_json`, `timeout`, `max_retries`, ...)."""
    unknown = set(options) - _SDK_OPTION_KEYS
    if unknown:
        raise TypeError(f"unknown request option(s): {', '.join(sorted(unknown))}")
    made = make_request_options(
        query=options.get("params"),
        extra_headers=options.get("headers"),
        extra_body=options.get("extra_json"),
        idempotency_key=options.get("idempotency_key"),
        timeout=options.get("timeout", NOT_GIVEN),
        post_parser=options.get("post_parser", NOT_GIVEN),
        security=options.get("security"),
    )
    max_retries = options.get("max_retries")
    if max_retries is not None:
        made = msgspec.structs.replace(made, max_retries=max_retries)
    return made


_SDK_OPTION_KEYS = frozenset(
    {
        "headers",
        "max_retries",
        "timeout",
        "params",
        "extra_json",
        "idempotency_key",
        "follow_redirects",
        "security",
        "synthesize_event_and_data",
        "post_parser",
    }
)


def as_options(options: RequestOptions | Mapping[str, Any]) -> RequestOptions:
    """What the verbs take: oxide's options as they are, the SDK's dict converted."""
    if type(options) is RequestOptions:
        return options
    return options_from_mapping(options)  # type: ignore[arg-type]  # a Mapping here
