"""Realtime translation sessions without replay (the SDK's `openai.lib.realtime_translation`).

`TranslationSession(client.realtime.translations, model=...)` opens the socket through
`connect()` and hands out a `TranslationConnection` that is stricter than the plain connection:

* the connection is refused before any socket opens for an empty model, an Azure client or a
  provider (Bedrock) client, and for an `intent` query parameter anywhere (the client's base
  URLs, its default query or the call's `extra_query`);
* its query is prepared once, here: the base URL's own query minus what the client's default
  query replaces, the WebSocket base URL's query, the default query, then `model` and the
  call's `extra_query`;
* input closes with `session.close` (a second one is a no-op; any other send raises), a failed
  send closes the connection (a write that may have reached the server is never replayed), and
  receiving `session.closed` (checked strictly) closes the connection.

Send `session.close` once, then receive up to `session.closed` to keep the trailing output.
"""

from __future__ import annotations

import asyncio
import threading
from collections.abc import Mapping
from concurrent.futures import Future
from types import TracebackType
from typing import TYPE_CHECKING, Any, Literal

import msgspec
import orjson
from yarl import URL

from .._exceptions import OpenAIError
from ..types.realtime.realtime_translation_session_closed_event import (
    RealtimeTranslationSessionClosedEvent,
)
from ._websocket.translations import PreparedTranslationQuery

if TYPE_CHECKING:
    from .._client import AsyncOpenAI, OpenAI
    from .._types import Headers, Query
    from ..resources.realtime.translations.translations import AsyncTranslations, Translations
    from ..types.realtime.realtime_translation_client_event import RealtimeTranslationClientEvent
    from ..types.realtime.realtime_translation_client_event_param import (
        RealtimeTranslationClientEventParam,
    )
    from ..types.realtime.realtime_translation_server_event import RealtimeTranslationServerEvent
    from ..types.websocket_connection_options import (
        SyncWebSocketConnectionOptions,
        WebSocketConnectionOptions,
    )
    from ._websocket.translations import AsyncTranslationsConnection, TranslationsConnection

__all__ = [
    "AsyncTranslationConnection",
    "AsyncTranslationSession",
    "TranslationConnection",
    "TranslationSession",
]

_NO_INTENT = "Realtime Translation does not accept an intent query parameter."


def _engine(client: OpenAI | AsyncOpenAI) -> AsyncOpenAI:
    """The async engine holding the configuration (the sync client wraps one)."""
    from .._client import OpenAI

    return client._engine if isinstance(client, OpenAI) else client


def _check_connection(client: OpenAI | AsyncOpenAI, model: str, query: Query) -> None:
    from .azure import AsyncAzureOpenAI

    if not model:
        raise ValueError("A translation model is required.")
    engine = _engine(client)
    # Azure (its own deployments URL) and signed providers (Bedrock) have no translation socket.
    if isinstance(engine, AsyncAzureOpenAI) or engine._websocket_refusal is not None:
        raise OpenAIError("Realtime Translation is not available through this provider.")
    if (
        "intent" in URL(engine.base_url).query
        or "intent" in engine.default_query
        or "intent" in query
    ):
        raise ValueError(_NO_INTENT)
    ws_base = engine.websocket_base_url
    if ws_base is not None and "intent" in URL(str(ws_base)).query:
        raise ValueError(_NO_INTENT)


def _connection_query(
    client: OpenAI | AsyncOpenAI, model: str, query: Query
) -> PreparedTranslationQuery:
    """The complete query, in the SDK's order and precedence (see the module docstring)."""
    engine = _engine(client)
    defaults = engine.default_query
    url_params: dict[str, object] = {
        k: v for k, v in URL(engine.base_url).query.items() if k not in defaults
    }
    if engine.websocket_base_url is not None:
        # A separate WebSocket gateway keeps the translation's base URL query too.
        url_params.update(URL(str(engine.websocket_base_url)).query)
    call: dict[str, object] = {"model": model, **query}
    prepared = PreparedTranslationQuery()
    for source in (defaults, url_params):
        for key, value in source.items():
            if key not in call:
                prepared[key] = value
    for key, value in call.items():
        # Per-call None is sent as a blank value, as the SDK's WebSocket query encoding.
        prepared[key] = "" if value is None else value
    return prepared


def _parse(connection: Any, data: bytes) -> RealtimeTranslationServerEvent:
    value = orjson.loads(data)
    # Only a complete terminal event may end the session: `session.closed` is validated (a
    # malformed one raises `msgspec.ValidationError`); every other event, unknown types
    # included, decodes leniently as on the plain connection.
    if type(value) is dict and value.get("type") == "session.closed":
        # (oxide's `model_validate` checks types but leaves absent fields unset; the SDK's
        # pydantic validation requires them.)
        if "event_id" not in value:
            raise msgspec.ValidationError("Object missing required field `event_id`")
        return RealtimeTranslationSessionClosedEvent.model_validate(value)
    event: RealtimeTranslationServerEvent = connection.parse_event(data)
    return event


def _is_finish(event: Any) -> bool:
    kind = event.get("type") if isinstance(event, Mapping) else getattr(event, "type", None)
    return kind == "session.close"


class TranslationConnection:
    """A translation connection that never replays input (sync client)."""

    def __init__(self, connection: TranslationsConnection) -> None:
        self._connection = connection
        self._send_lock = threading.Lock()
        self._close_lock = threading.Lock()
        self._close_result: Future[None] | None = None
        self._state: Literal["open", "finishing", "closed"] = "open"

    def send(
        self, event: RealtimeTranslationClientEvent | RealtimeTranslationClientEventParam
    ) -> None:
        """Send a client event; after `session.close` the input is closed (a second
        `session.close` does nothing, anything else raises `OpenAIError`)."""
        is_finish = _is_finish(event)
        with self._send_lock:
            if self._state == "finishing" and is_finish:
                return
            if self._state != "open":
                raise OpenAIError("Realtime Translation input is closed.")
            if is_finish:
                self._state = "finishing"
            try:
                self._connection.send(event)
            except BaseException as error:
                # An uncertain write may already have reached the server; never replay it.
                try:
                    self.close()
                except BaseException as closing:
                    raise error from closing
                raise

    def recv(self, *, timeout: float | None = None) -> RealtimeTranslationServerEvent:
        """Receive a server event, optionally bounded by a timeout in seconds (`TimeoutError`;
        nothing is lost: the event stays for the next call)."""
        if timeout is None:
            data = self._connection.recv_bytes()
        else:
            data = self._connection._run(_recv_within(self._connection._async, timeout))
        event = _parse(self._connection, data)
        if isinstance(event, RealtimeTranslationSessionClosedEvent):
            if timeout is None:
                self.close()
            else:
                # A bounded receive does not wait for the closing handshake.
                self._close(background=True)
        return event

    def close(self) -> None:
        self._close(background=False)

    def _close(self, *, background: bool) -> None:
        # Do not wait for a blocked writer before closing the transport.
        with self._close_lock:
            self._state = "closed"
            result = self._close_result
            first = result is None
            if result is None:
                result = self._close_result = Future()
        if first:
            if background:
                try:
                    threading.Thread(target=self._finish_close, args=(result,), daemon=True).start()
                except BaseException as starting:
                    # Keep ownership if the close worker could not start.
                    self._finish_close(result)
                    try:
                        result.result()
                    except BaseException as closing:
                        raise starting from closing
                    raise
            else:
                self._finish_close(result)
        if not background:
            result.result()

    def _finish_close(self, result: Future[None]) -> None:
        try:
            self._connection.close()
        except BaseException as error:
            result.set_exception(error)
        else:
            result.set_result(None)


async def _recv_within(connection: AsyncTranslationsConnection, timeout: float) -> bytes:
    try:
        return await asyncio.wait_for(connection.recv_bytes(), timeout)
    except asyncio.TimeoutError:  # (a distinct class before Python 3.11)
        raise TimeoutError(f"no translation event within {timeout} s") from None


class AsyncTranslationConnection:
    """A translation connection that never replays input."""

    def __init__(self, connection: AsyncTranslationsConnection) -> None:
        self._connection = connection
        self._send_lock = asyncio.Lock()
        self._state: Literal["open", "finishing", "closed"] = "open"

    async def send(
        self, event: RealtimeTranslationClientEvent | RealtimeTranslationClientEventParam
    ) -> None:
        """Send a client event; after `session.close` the input is closed (a second
        `session.close` does nothing, anything else raises `OpenAIError`)."""
        is_finish = _is_finish(event)
        async with self._send_lock:
            if self._state == "finishing" and is_finish:
                return
            if self._state != "open":
                raise OpenAIError("Realtime Translation input is closed.")
            if is_finish:
                self._state = "finishing"
            try:
                await self._connection.send(event)
            except BaseException as error:
                try:
                    await self.close()
                except BaseException as closing:
                    raise error from closing
                raise

    async def recv(self) -> RealtimeTranslationServerEvent:
        event = _parse(self._connection, await self._connection.recv_bytes())
        if isinstance(event, RealtimeTranslationSessionClosedEvent):
            await self.close()
        return event

    async def close(self) -> None:
        self._state = "closed"
        await self._connection.close()


class TranslationSession:
    """Open a Translation session through its generated binding, without replay.

    Send ``session.close`` once, then receive through ``session.closed`` to keep
    trailing output. Leaving the context closes only this connection.
    """

    def __init__(
        self,
        resource: Translations,
        *,
        model: str,
        extra_query: Query = {},  # noqa: B006
        extra_headers: Headers = {},  # noqa: B006
        websocket_connection_options: SyncWebSocketConnectionOptions = {},  # noqa: B006
    ) -> None:
        self._resource = resource
        self._client = resource._client
        self._model = model
        self._query = extra_query
        self._headers = extra_headers
        self._options = websocket_connection_options
        self._connection: TranslationConnection | None = None
        self._entered = False

    def __enter__(self) -> TranslationConnection:
        if self._entered:
            raise RuntimeError("Translation sessions may only be entered once")
        self._entered = True
        _check_connection(self._client, self._model, self._query)
        manager = self._resource.connect(
            model=self._model,
            extra_query=_connection_query(self._client, self._model, self._query),
            extra_headers=self._headers,
            websocket_connection_options=self._options,
        )
        self._connection = TranslationConnection(manager.enter())
        return self._connection

    enter = __enter__

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        exc_tb: TracebackType | None,
    ) -> None:
        if self._connection is not None:
            try:
                self._connection.close()
            except BaseException as closing:
                if exc is not None:
                    raise exc.with_traceback(exc_tb) from closing
                raise


class AsyncTranslationSession:
    """Async Translation session with caller-owned receiving and no replay."""

    def __init__(
        self,
        resource: AsyncTranslations,
        *,
        model: str,
        extra_query: Query = {},  # noqa: B006
        extra_headers: Headers = {},  # noqa: B006
        websocket_connection_options: WebSocketConnectionOptions = {},  # noqa: B006
    ) -> None:
        self._resource = resource
        self._client = resource._client
        self._model = model
        self._query = extra_query
        self._headers = extra_headers
        self._options = websocket_connection_options
        self._connection: AsyncTranslationConnection | None = None
        self._entered = False

    async def __aenter__(self) -> AsyncTranslationConnection:
        if self._entered:
            raise RuntimeError("Translation sessions may only be entered once")
        self._entered = True
        _check_connection(self._client, self._model, self._query)
        manager = self._resource.connect(
            model=self._model,
            extra_query=_connection_query(self._client, self._model, self._query),
            extra_headers=self._headers,
            websocket_connection_options=self._options,
        )
        self._connection = AsyncTranslationConnection(await manager.enter())
        return self._connection

    enter = __aenter__

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        exc_tb: TracebackType | None,
    ) -> None:
        if self._connection is not None:
            try:
                await self._connection.close()
            except BaseException as closing:
                if exc is not None:
                    raise exc.with_traceback(exc_tb) from closing
                raise
