"""`realtime.connect()`: the WebSocket connection managers (oxide/lib/_websocket)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from ..._compat import cached_property
from ..._types import Headers, Omit, Query, omit
from ._connect import manager_kwargs

if TYPE_CHECKING:
    from collections.abc import Callable

    from ...resources.realtime.calls import AsyncCalls, Calls
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
        # The SDK's `calls` gives its own `_Calls` (lib/_realtime.py); oxide's generated
        # `Calls` already has `create` (oxide/lib/_mixins/realtime_calls.py).
        from ...resources.realtime.calls import Calls

        return Calls(self._client)


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
        from ...resources.realtime.calls import AsyncCalls

        return AsyncCalls(self._client)
