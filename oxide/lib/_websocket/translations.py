"""Realtime translation over WebSocket: `client.realtime.translations.connect(model=...)`
(`/realtime/translations?model=...`).

The connection's namespaces (`connection.session.update(...)`, `connection.session.close()`,
`connection.session.input_audio_buffer.append(audio=...)`) are the SDK's, generated into
`oxide/resources/realtime/translations/translations.py`; the connection is oxide's
(`_connection.py`). `oxide.lib.realtime_translation` wraps it in the SDK's stricter session
(`TranslationSession`: no replay, input closed after `session.close`).
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

from ...types.realtime.realtime_translation_server_event import RealtimeTranslationServerEvent
from ._connection import (
    AsyncConnectionManager,
    AsyncWebSocketConnection,
    ConnectionManager,
    WebSocketConnection,
)
from ._transport import _query_value, websocket_url

if TYPE_CHECKING:
    from ...resources.realtime.translations import translations as resources

__all__ = [
    "AsyncTranslationsConnection",
    "AsyncTranslationsConnectionManager",
    "PreparedTranslationQuery",
    "TranslationsConnection",
    "TranslationsConnectionManager",
]


class PreparedTranslationQuery(dict[str, object]):
    """A complete query for the translation socket (`TranslationSession` builds it): the URL is
    the base URL without its own query plus exactly these parameters, so a query parameter the
    session left out on purpose is not added back (the SDK's `_PreparedTranslationQuery`)."""


class AsyncTranslationsConnection(AsyncWebSocketConnection[RealtimeTranslationServerEvent]):
    """A live WebSocket connection to the realtime translation API."""

    _event_type = RealtimeTranslationServerEvent
    session: resources.AsyncTranslationsSessionResource

    def _attach_resources(self) -> None:
        from ...resources.realtime.translations import translations as r

        self.session = r.AsyncTranslationsSessionResource(self)


class AsyncTranslationsConnectionManager(AsyncConnectionManager[AsyncTranslationsConnection]):
    """`async with client.realtime.translations.connect(model=...) as connection`."""

    _connection_class = AsyncTranslationsConnection
    _path = "/realtime/translations"

    def __init__(self, *, model: str, **kwargs: Any) -> None:
        if not isinstance(model, str):
            raise TypeError(f"model must be a str, not {type(model).__name__}")
        self._model = model
        self._prepared = False
        super().__init__(**kwargs)

    def _query(self) -> dict[str, object]:
        return {"model": self._model}

    def _full_query(self, extra_query: Mapping[str, object]) -> dict[str, object]:
        # A prepared query is complete (defaults and model included, in the SDK's order); a
        # reconnect hook handing back a plain mapping gets the usual merge again.
        self._prepared = isinstance(extra_query, PreparedTranslationQuery)
        return dict(extra_query) if self._prepared else super()._full_query(extra_query)

    async def _url_and_auth(self, query: dict[str, object]) -> tuple[Any, dict[str, str]]:
        client = self._client
        if not self._prepared:
            return await super()._url_and_auth(query)
        # The session's query replaces the base URL's own (it already took what it keeps).
        url = websocket_url(client.base_url, client.websocket_base_url, self._path, {})
        params = {
            key: [_query_value("" if v is None else v) for v in value]
            if isinstance(value, (list, tuple))
            else _query_value(value)
            for key, value in query.items()
        }
        return url.with_query(params), dict(client.auth_headers)


class TranslationsConnection(
    WebSocketConnection[RealtimeTranslationServerEvent, AsyncTranslationsConnection]
):
    """A live WebSocket connection to the realtime translation API (sync client)."""

    session: resources.TranslationsSessionResource

    def _attach_resources(self) -> None:
        from ...resources.realtime.translations import translations as r

        self.session = r.TranslationsSessionResource(self)


class TranslationsConnectionManager(ConnectionManager[TranslationsConnection]):
    """`with client.realtime.translations.connect(model=...) as connection`."""

    _connection_class = TranslationsConnection
    _async_manager_class = AsyncTranslationsConnectionManager
