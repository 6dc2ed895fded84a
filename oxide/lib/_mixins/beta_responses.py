"""`client.beta.responses.connect()`: Responses WebSocket mode with the beta event types."""

from __future__ import annotations

from typing import TYPE_CHECKING

from ._connect import manager_kwargs

if TYPE_CHECKING:
    from collections.abc import Callable

    from ..._types import Headers, Query
    from ...types.websocket_connection_options import (
        SyncWebSocketConnectionOptions,
        WebSocketConnectionOptions,
    )
    from ...types.websocket_reconnection import ReconnectingEvent, ReconnectingOverrides
    from .._websocket.responses import (
        AsyncBetaResponsesConnectionManager as AsyncResponsesConnectionManager,
    )
    from .._websocket.responses import (
        BetaResponsesConnectionManager as ResponsesConnectionManager,
    )

__all__ = ["AsyncResponsesMixin", "ResponsesMixin"]

if TYPE_CHECKING:  # the resource base the mixin is attached to, for the type checker only
    from ..._resource import AsyncAPIResource as _AsyncBase
    from ..._resource import SyncAPIResource as _SyncBase
else:
    _AsyncBase = _SyncBase = object


class ResponsesMixin(_SyncBase):
    def connect(
        self,
        extra_query: Query = {},  # noqa: B006
        extra_headers: Headers = {},  # noqa: B006
        websocket_connection_options: SyncWebSocketConnectionOptions = {},  # noqa: B006
        on_reconnecting: Callable[[ReconnectingEvent], ReconnectingOverrides | None] | None = None,
        max_retries: int = 5,
        initial_delay: float = 0.5,
        max_delay: float = 8.0,
        max_queue_size: int = 1_048_576,
    ) -> ResponsesConnectionManager:
        """Connect to a persistent Responses API WebSocket.

        Send `response.create` events and receive response stream events over the socket.
        """
        from .._websocket.responses import BetaResponsesConnectionManager

        return BetaResponsesConnectionManager(
            client=self._client,
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


class AsyncResponsesMixin(_AsyncBase):
    def connect(
        self,
        extra_query: Query = {},  # noqa: B006
        extra_headers: Headers = {},  # noqa: B006
        websocket_connection_options: WebSocketConnectionOptions = {},  # noqa: B006
        on_reconnecting: Callable[[ReconnectingEvent], ReconnectingOverrides | None] | None = None,
        max_retries: int = 5,
        initial_delay: float = 0.5,
        max_delay: float = 8.0,
        max_queue_size: int = 1_048_576,
    ) -> AsyncResponsesConnectionManager:
        """Connect to a persistent Responses API WebSocket.

        Send `response.create` events and receive response stream events over the socket.
        """
        from .._websocket.responses import AsyncBetaResponsesConnectionManager

        return AsyncBetaResponsesConnectionManager(
            client=self._client,
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
