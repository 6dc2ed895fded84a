"""`realtime.calls`: the SDK replaces the generated `calls.create` with its own (SDP offers
sent as `application/sdp`, or with a session config as multipart), and so does oxide."""

from __future__ import annotations

import functools
import json
from typing import TYPE_CHECKING, Any

from ... import _legacy_response
from ..._compat import cached_property
from ..._options import make_request_options
from ..._types import Body, Headers, NotGiven, Omit, Query, Timeout, not_given, omit
from ..._utils import maybe_transform
from ._connect import manager_kwargs

if TYPE_CHECKING:
    from collections.abc import Callable

    from ...resources.realtime.calls import AsyncCalls, Calls
    from ...types.realtime.realtime_session_create_request_param import (
        RealtimeSessionCreateRequestParam,
    )
    from ...types.websocket_connection_options import (
        SyncWebSocketConnectionOptions,
        WebSocketConnectionOptions,
    )
    from ...types.websocket_reconnection import ReconnectingEvent, ReconnectingOverrides
    from .._websocket.realtime import AsyncRealtimeConnectionManager, RealtimeConnectionManager

__all__ = ["AsyncRealtimeMixin", "RealtimeMixin"]

if TYPE_CHECKING:  # the resource base the mixin is attached to, for the type checker only
    from ..._resource import AsyncAPIResource as _AsyncBase
    from ..._resource import SyncAPIResource as _SyncBase
else:
    _AsyncBase = _SyncBase = object


def _create_args(
    sdp: str, session: Any, extra_headers: Any, extra_query: Any, extra_body: Any, timeout: Any
) -> dict[str, Any]:
    if isinstance(session, Omit):
        headers = {"Accept": "application/sdp", "Content-Type": "application/sdp"}
        return {
            "content": sdp.encode("utf-8"),
            "options": make_request_options(
                extra_headers={**headers, **(extra_headers or {})},
                extra_query=extra_query,
                timeout=timeout,
            ),
            "cast_to": _legacy_response.HttpxBinaryResponseContent,
        }
    headers = {"Accept": "application/sdp", "Content-Type": "multipart/form-data"}
    files = [
        ("sdp", (None, sdp.encode("utf-8"), "application/sdp")),
        (
            "session",
            (None, json.dumps(maybe_transform(session)).encode("utf-8"), "application/json"),
        ),
    ]
    return {
        "files": files,
        "options": make_request_options(
            extra_headers={**headers, **(extra_headers or {})},
            extra_query=extra_query,
            extra_body=extra_body,
            timeout=timeout,
        ),
        "cast_to": _legacy_response.HttpxBinaryResponseContent,
    }


@functools.cache
def _calls_class() -> type[Calls]:
    from ...resources.realtime.calls import Calls

    class _Calls(Calls):
        def create(
            self,
            *,
            sdp: str,
            session: RealtimeSessionCreateRequestParam | Omit = omit,
            extra_headers: Headers | None = None,
            extra_query: Query | None = None,
            extra_body: Body | None = None,
            timeout: float | Timeout | None | NotGiven = not_given,
        ) -> _legacy_response.HttpxBinaryResponseContent:
            args = _create_args(sdp, session, extra_headers, extra_query, extra_body, timeout)
            return self._post("/realtime/calls", **args)  # type: ignore[no-any-return]

    return _Calls


@functools.cache
def _async_calls_class() -> type[AsyncCalls]:
    from ...resources.realtime.calls import AsyncCalls

    class _AsyncCalls(AsyncCalls):
        async def create(
            self,
            *,
            sdp: str,
            session: RealtimeSessionCreateRequestParam | Omit = omit,
            extra_headers: Headers | None = None,
            extra_query: Query | None = None,
            extra_body: Body | None = None,
            timeout: float | Timeout | None | NotGiven = not_given,
        ) -> _legacy_response.HttpxBinaryResponseContent:
            args = _create_args(sdp, session, extra_headers, extra_query, extra_body, timeout)
            return await self._post("/realtime/calls", **args)

    return _AsyncCalls


class RealtimeMixin(_SyncBase):
    def connect(
        self,
        *,
        call_id: str | Omit = omit,
        model: str | Omit = omit,
        extra_query: Query = {},  # noqa: B006
        extra_headers: Headers = {},  # noqa: B006
        websocket_connection_options: SyncWebSocketConnectionOptions = {},  # noqa: B006
        on_reconnecting: Callable[[ReconnectingEvent], ReconnectingOverrides | None] | None = None,
        max_retries: int = 5,
        initial_delay: float = 0.5,
        max_delay: float = 8.0,
        max_queue_size: int = 1_048_576,
    ) -> RealtimeConnectionManager:
        """
        The Realtime API enables you to build low-latency, multi-modal conversational experiences. It currently supports text and audio as both input and output, as well as function calling.

        Some notable benefits of the API include:

        - Native speech-to-speech: Skipping an intermediate text format means low latency and nuanced output.
        - Natural, steerable voices: The models have natural inflection and can laugh, whisper, and adhere to tone direction.
        - Simultaneous multimodal output: Text is useful for moderation; faster-than-realtime audio ensures stable playback.

        The Realtime API is a stateful, event-based API that communicates over a WebSocket.
        """  # noqa: E501
        from .._websocket.realtime import RealtimeConnectionManager

        return RealtimeConnectionManager(
            client=self._client,
            call_id=call_id,
            model=model,
            **manager_kwargs(
                extra_query,
                extra_headers,
                websocket_connection_options,
                on_reconnecting,
                max_retries,
                initial_delay,
                max_delay,
                max_queue_size,
            ),
        )

    @cached_property
    def calls(self) -> Calls:
        return _calls_class()(self._client)


class AsyncRealtimeMixin(_AsyncBase):
    def connect(
        self,
        *,
        call_id: str | Omit = omit,
        model: str | Omit = omit,
        extra_query: Query = {},  # noqa: B006
        extra_headers: Headers = {},  # noqa: B006
        websocket_connection_options: WebSocketConnectionOptions = {},  # noqa: B006
        on_reconnecting: Callable[[ReconnectingEvent], ReconnectingOverrides | None] | None = None,
        max_retries: int = 5,
        initial_delay: float = 0.5,
        max_delay: float = 8.0,
        max_queue_size: int = 1_048_576,
    ) -> AsyncRealtimeConnectionManager:
        """
        The Realtime API enables you to build low-latency, multi-modal conversational experiences. It currently supports text and audio as both input and output, as well as function calling.

        Some notable benefits of the API include:

        - Native speech-to-speech: Skipping an intermediate text format means low latency and nuanced output.
        - Natural, steerable voices: The models have natural inflection and can laugh, whisper, and adhere to tone direction.
        - Simultaneous multimodal output: Text is useful for moderation; faster-than-realtime audio ensures stable playback.

        The Realtime API is a stateful, event-based API that communicates over a WebSocket.
        """  # noqa: E501
        from .._websocket.realtime import AsyncRealtimeConnectionManager

        return AsyncRealtimeConnectionManager(
            client=self._client,
            call_id=call_id,
            model=model,
            **manager_kwargs(
                extra_query,
                extra_headers,
                websocket_connection_options,
                on_reconnecting,
                max_retries,
                initial_delay,
                max_delay,
                max_queue_size,
            ),
        )

    @cached_property
    def calls(self) -> AsyncCalls:
        return _async_calls_class()(self._client)
