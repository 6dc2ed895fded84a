"""`live.connect()`, `live.forks.connect(session_id=...)` and `live.sideband.connect(session_id=
...)`: the Live API's WebSocket connection managers (oxide/lib/_websocket/live.py).

The signatures are the SDK's (the surface test compares them): `Live.connect` takes its options
positionally too, the fork and sideband ones are keyword-only.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from ..._constants import DEFAULT_LIVE_SEND_QUEUE_MAX_BYTES
from ..._types import Headers, Omit, Query, omit
from ._connect import manager_kwargs

if TYPE_CHECKING:
    from collections.abc import Callable

    from ...types.websocket_connection_options import (
        SyncWebSocketConnectionOptions,
        WebSocketConnectionOptions,
    )
    from ...types.websocket_reconnection import ReconnectingEvent, ReconnectingOverrides
    from .._websocket.live import (
        AsyncForksConnectionManager,
        AsyncLiveConnectionManager,
        AsyncSidebandConnectionManager,
        ForksConnectionManager,
        LiveConnectionManager,
        SidebandConnectionManager,
    )

__all__ = [
    "AsyncForksMixin",
    "AsyncLiveMixin",
    "AsyncSidebandMixin",
    "ForksMixin",
    "LiveMixin",
    "SidebandMixin",
]

if TYPE_CHECKING:  # the resource base the mixin is attached to, for the type checker only
    from ..._resource import AsyncAPIResource as _AsyncBase
    from ..._resource import SyncAPIResource as _SyncBase
else:
    _AsyncBase = _SyncBase = object


class LiveMixin(_SyncBase):
    def connect(
        self,
        extra_query: Query = {},  # noqa: B006
        extra_headers: Headers = {},  # noqa: B006
        websocket_connection_options: SyncWebSocketConnectionOptions = {},  # noqa: B006
        on_reconnecting: Callable[[ReconnectingEvent], ReconnectingOverrides | None] | None = None,
        max_retries: int = 5,
        initial_delay: float = 0.5,
        max_delay: float = 8.0,
        max_queue_size: int = DEFAULT_LIVE_SEND_QUEUE_MAX_BYTES,
    ) -> LiveConnectionManager:
        """Connect to Live without query parameters.

        Send session.start with model and session configuration, then wait for session.started. Follow the [Live prompting guide](https://developers.openai.com/api/docs/guides/live-prompting) before writing instructions.
        """  # noqa: E501
        from .._websocket.live import LiveConnectionManager

        return LiveConnectionManager(
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


class AsyncLiveMixin(_AsyncBase):
    def connect(
        self,
        extra_query: Query = {},  # noqa: B006
        extra_headers: Headers = {},  # noqa: B006
        websocket_connection_options: WebSocketConnectionOptions = {},  # noqa: B006
        on_reconnecting: Callable[[ReconnectingEvent], ReconnectingOverrides | None] | None = None,
        max_retries: int = 5,
        initial_delay: float = 0.5,
        max_delay: float = 8.0,
        max_queue_size: int = DEFAULT_LIVE_SEND_QUEUE_MAX_BYTES,
    ) -> AsyncLiveConnectionManager:
        """Connect to Live without query parameters.

        Send session.start with model and session configuration, then wait for session.started. Follow the [Live prompting guide](https://developers.openai.com/api/docs/guides/live-prompting) before writing instructions.
        """  # noqa: E501
        from .._websocket.live import AsyncLiveConnectionManager

        return AsyncLiveConnectionManager(
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


class ForksMixin(_SyncBase):
    def connect(
        self,
        *,
        session_id: str,
        extra_query: Query = {},  # noqa: B006
        extra_headers: Headers = {},  # noqa: B006
        websocket_connection_options: SyncWebSocketConnectionOptions = {},  # noqa: B006
        on_reconnecting: Callable[[ReconnectingEvent], ReconnectingOverrides | None] | None = None,
        max_retries: int = 5,
        initial_delay: float = 0.5,
        max_delay: float = 8.0,
        max_queue_size: int = DEFAULT_LIVE_SEND_QUEUE_MAX_BYTES,
    ) -> ForksConnectionManager:
        """Fork a stored Live session over WebSocket.

        Send session.start with an overrides object (which may be empty), then wait for session.started. The model is inherited.
        """  # noqa: E501
        from .._websocket.live import ForksConnectionManager

        return ForksConnectionManager(
            client=self._client,
            session_id=session_id,
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


class AsyncForksMixin(_AsyncBase):
    def connect(
        self,
        *,
        session_id: str,
        extra_query: Query = {},  # noqa: B006
        extra_headers: Headers = {},  # noqa: B006
        websocket_connection_options: WebSocketConnectionOptions = {},  # noqa: B006
        on_reconnecting: Callable[[ReconnectingEvent], ReconnectingOverrides | None] | None = None,
        max_retries: int = 5,
        initial_delay: float = 0.5,
        max_delay: float = 8.0,
        max_queue_size: int = DEFAULT_LIVE_SEND_QUEUE_MAX_BYTES,
    ) -> AsyncForksConnectionManager:
        """Fork a stored Live session over WebSocket.

        Send session.start with an overrides object (which may be empty), then wait for session.started. The model is inherited.
        """  # noqa: E501
        from .._websocket.live import AsyncForksConnectionManager

        return AsyncForksConnectionManager(
            client=self._client,
            session_id=session_id,
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


class SidebandMixin(_SyncBase):
    def connect(
        self,
        *,
        session_id: str,
        graceful_close: bool | Omit = omit,
        extra_query: Query = {},  # noqa: B006
        extra_headers: Headers = {},  # noqa: B006
        websocket_connection_options: SyncWebSocketConnectionOptions = {},  # noqa: B006
        on_reconnecting: Callable[[ReconnectingEvent], ReconnectingOverrides | None] | None = None,
        max_retries: int = 5,
        initial_delay: float = 0.5,
        max_delay: float = 8.0,
        max_queue_size: int = DEFAULT_LIVE_SEND_QUEUE_MAX_BYTES,
    ) -> SidebandConnectionManager:
        """Attach to an existing Live session.

        Do not send session.start again.
        """
        from .._websocket.live import SidebandConnectionManager

        return SidebandConnectionManager(
            client=self._client,
            session_id=session_id,
            graceful_close=graceful_close,
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


class AsyncSidebandMixin(_AsyncBase):
    def connect(
        self,
        *,
        session_id: str,
        graceful_close: bool | Omit = omit,
        extra_query: Query = {},  # noqa: B006
        extra_headers: Headers = {},  # noqa: B006
        websocket_connection_options: WebSocketConnectionOptions = {},  # noqa: B006
        on_reconnecting: Callable[[ReconnectingEvent], ReconnectingOverrides | None] | None = None,
        max_retries: int = 5,
        initial_delay: float = 0.5,
        max_delay: float = 8.0,
        max_queue_size: int = DEFAULT_LIVE_SEND_QUEUE_MAX_BYTES,
    ) -> AsyncSidebandConnectionManager:
        """Attach to an existing Live session.

        Do not send session.start again.
        """
        from .._websocket.live import AsyncSidebandConnectionManager

        return AsyncSidebandConnectionManager(
            client=self._client,
            session_id=session_id,
            graceful_close=graceful_close,
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
