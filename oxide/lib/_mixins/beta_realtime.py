"""`client.beta.realtime.connect(model=...)`: the beta Realtime protocol (`OpenAI-Beta:
realtime=v1`, the beta event types), without the GA connection's reconnection options."""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from ..._types import Headers, Query
    from ...types.websocket_connection_options import (
        SyncWebSocketConnectionOptions,
        WebsocketConnectionOptions,
    )
    from .._websocket.realtime import (
        AsyncBetaRealtimeConnectionManager as AsyncRealtimeConnectionManager,
    )
    from .._websocket.realtime import (
        BetaRealtimeConnectionManager as RealtimeConnectionManager,
    )

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
        model: str,
        extra_query: Query = {},  # noqa: B006
        extra_headers: Headers = {},  # noqa: B006
        websocket_connection_options: SyncWebSocketConnectionOptions = {},  # noqa: B006
    ) -> RealtimeConnectionManager:
        """
        The Realtime API enables you to build low-latency, multi-modal conversational experiences. It currently supports text and audio as both input and output, as well as function calling.

        Some notable benefits of the API include:

        - Native speech-to-speech: Skipping an intermediate text format means low latency and nuanced output.
        - Natural, steerable voices: The models have natural inflection and can laugh, whisper, and adhere to tone direction.
        - Simultaneous multimodal output: Text is useful for moderation; faster-than-realtime audio ensures stable playback.

        The Realtime API is a stateful, event-based API that communicates over a WebSocket.
        """  # noqa: E501
        from .._websocket.realtime import BetaRealtimeConnectionManager

        return BetaRealtimeConnectionManager(
            client=self._client,
            extra_query=extra_query,
            extra_headers=extra_headers,
            websocket_connection_options=websocket_connection_options,
            model=model,
        )


class AsyncRealtimeMixin(_AsyncBase):
    def connect(
        self,
        *,
        model: str,
        extra_query: Query = {},  # noqa: B006
        extra_headers: Headers = {},  # noqa: B006
        websocket_connection_options: WebsocketConnectionOptions = {},  # noqa: B006
    ) -> AsyncRealtimeConnectionManager:
        """
        The Realtime API enables you to build low-latency, multi-modal conversational experiences. It currently supports text and audio as both input and output, as well as function calling.

        Some notable benefits of the API include:

        - Native speech-to-speech: Skipping an intermediate text format means low latency and nuanced output.
        - Natural, steerable voices: The models have natural inflection and can laugh, whisper, and adhere to tone direction.
        - Simultaneous multimodal output: Text is useful for moderation; faster-than-realtime audio ensures stable playback.

        The Realtime API is a stateful, event-based API that communicates over a WebSocket.
        """  # noqa: E501
        from .._websocket.realtime import AsyncBetaRealtimeConnectionManager

        return AsyncBetaRealtimeConnectionManager(
            client=self._client,
            extra_query=extra_query,
            extra_headers=extra_headers,
            websocket_connection_options=websocket_connection_options,
            model=model,
        )
