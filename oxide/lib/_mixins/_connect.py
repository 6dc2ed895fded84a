"""The `connect()` methods of the WebSocket resources, shared by their mixins.

Their signatures are the SDK's (the surface test compares them); the mutable `{}` defaults are
the SDK's too, never mutated here.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from collections.abc import Callable

    from ..._types import Headers, Query
    from ...types.websocket_connection_options import SyncWebSocketConnectionOptions
    from ...types.websocket_reconnection import ReconnectingEvent, ReconnectingOverrides


def manager_kwargs(
    extra_query: Query,
    extra_headers: Headers,
    websocket_connection_options: SyncWebSocketConnectionOptions,
    on_reconnecting: Callable[[ReconnectingEvent], ReconnectingOverrides | None] | None,
    max_retries: int,
    initial_delay: float,
    max_delay: float,
    max_queue_size: int,
) -> dict[str, Any]:
    return {
        "extra_query": extra_query,
        "extra_headers": extra_headers,
        "websocket_connection_options": websocket_connection_options,
        "on_reconnecting": on_reconnecting,
        "max_retries": max_retries,
        "initial_delay": initial_delay,
        "max_delay": max_delay,
        "max_queue_size": max_queue_size,
    }
