"""`realtime.translations.connect(model)`: the realtime translation WebSocket connection
managers (oxide/lib/_websocket/translations.py). `oxide.lib.realtime_translation` builds the
SDK's stricter `TranslationSession` on top of it."""

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
    from .._websocket.translations import (
        AsyncTranslationsConnectionManager,
        TranslationsConnectionManager,
    )

__all__ = ["AsyncTranslationsMixin", "TranslationsMixin"]

if TYPE_CHECKING:  # the resource base the mixin is attached to, for the type checker only
    from ..._resource import AsyncAPIResource as _AsyncBase
    from ..._resource import SyncAPIResource as _SyncBase
else:
    _AsyncBase = _SyncBase = object


class TranslationsMixin(_SyncBase):
    def connect(
        self,
        model: str,
        extra_query: Query = {},  # noqa: B006
        extra_headers: Headers = {},  # noqa: B006
        websocket_connection_options: SyncWebSocketConnectionOptions = {},  # noqa: B006
        on_reconnecting: Callable[[ReconnectingEvent], ReconnectingOverrides | None] | None = None,
        max_retries: int = 5,
        initial_delay: float = 0.5,
        max_delay: float = 8.0,
        max_queue_size: int = 1_048_576,
    ) -> TranslationsConnectionManager:
        """Open a Realtime translation session.

        The WebSocket URL requires a `model` query parameter.
        """
        from .._websocket.translations import TranslationsConnectionManager

        return TranslationsConnectionManager(
            client=self._client,
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


class AsyncTranslationsMixin(_AsyncBase):
    def connect(
        self,
        model: str,
        extra_query: Query = {},  # noqa: B006
        extra_headers: Headers = {},  # noqa: B006
        websocket_connection_options: WebSocketConnectionOptions = {},  # noqa: B006
        on_reconnecting: Callable[[ReconnectingEvent], ReconnectingOverrides | None] | None = None,
        max_retries: int = 5,
        initial_delay: float = 0.5,
        max_delay: float = 8.0,
        max_queue_size: int = 1_048_576,
    ) -> AsyncTranslationsConnectionManager:
        """Open a Realtime translation session.

        The WebSocket URL requires a `model` query parameter.
        """
        from .._websocket.translations import AsyncTranslationsConnectionManager

        return AsyncTranslationsConnectionManager(
            client=self._client,
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
