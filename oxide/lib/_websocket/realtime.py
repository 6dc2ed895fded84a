"""The Realtime API over WebSocket: `client.realtime.connect(model=...)` (GA events) and
`client.beta.realtime.connect(model=...)` (the beta protocol, `OpenAI-Beta: realtime=v1`).

The connection's namespaces (`connection.session.update(...)`, `connection.response.create()`,
`connection.input_audio_buffer.append(audio=...)`, ...) are the SDK's, generated into
`oxide/resources/realtime/realtime.py`; `append_audio(pcm16)` takes raw PCM16 bytes (oxide).
"""

from __future__ import annotations

import base64
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

from ..._exceptions import OpenAIError
from ..._types import Omit, omit
from ...types.beta.realtime.realtime_server_event import (
    RealtimeServerEvent as BetaRealtimeServerEvent,
)
from ...types.realtime.realtime_server_event import RealtimeServerEvent
from ._connection import (
    AsyncConnectionManager,
    AsyncWebSocketConnection,
    ConnectionManager,
    WebSocketConnection,
)

if TYPE_CHECKING:
    from ...resources.beta.realtime import realtime as beta_resources
    from ...resources.realtime import realtime as resources

__all__ = [
    "AsyncBetaRealtimeConnection",
    "AsyncBetaRealtimeConnectionManager",
    "AsyncRealtimeConnection",
    "AsyncRealtimeConnectionManager",
    "BetaRealtimeConnection",
    "BetaRealtimeConnectionManager",
    "RealtimeConnection",
    "RealtimeConnectionManager",
]


def _audio_event(pcm16: bytes | bytearray | memoryview, event_id: str | Omit) -> dict[str, Any]:
    if not isinstance(pcm16, (bytes, bytearray, memoryview)):
        raise TypeError(f"append_audio takes PCM16 bytes, not {type(pcm16).__name__}")
    if len(pcm16) % 2:
        raise ValueError("PCM16 audio has 2 bytes per sample: got an odd number of bytes")
    event: dict[str, Any] = {
        "type": "input_audio_buffer.append",
        "audio": base64.b64encode(pcm16).decode("ascii"),
    }
    if not isinstance(event_id, Omit):
        event["event_id"] = event_id
    return event


class AsyncRealtimeConnection(AsyncWebSocketConnection[RealtimeServerEvent]):
    """A live WebSocket connection to the Realtime API."""

    _event_type = RealtimeServerEvent
    session: resources.AsyncRealtimeSessionResource
    response: resources.AsyncRealtimeResponseResource
    input_audio_buffer: resources.AsyncRealtimeInputAudioBufferResource
    conversation: resources.AsyncRealtimeConversationResource
    output_audio_buffer: resources.AsyncRealtimeOutputAudioBufferResource

    def _attach_resources(self) -> None:
        from ...resources.realtime import realtime as r

        self.session = r.AsyncRealtimeSessionResource(self)
        self.response = r.AsyncRealtimeResponseResource(self)
        self.input_audio_buffer = r.AsyncRealtimeInputAudioBufferResource(self)
        self.conversation = r.AsyncRealtimeConversationResource(self)
        self.output_audio_buffer = r.AsyncRealtimeOutputAudioBufferResource(self)

    async def append_audio(
        self, pcm16: bytes | bytearray | memoryview, *, event_id: str | Omit = omit
    ) -> None:
        """`input_audio_buffer.append` from raw PCM16 bytes (base64-encoded here)."""
        await self.send(_audio_event(pcm16, event_id))


class _RealtimeManagerMixin:
    """`model` / `call_id` in the query; Azure clients build their own URL and auth."""

    _client: Any
    _path = "/realtime"
    _model: str | Omit
    _call_id: str | Omit

    def _query(self) -> dict[str, object]:
        query: dict[str, object] = {}
        if not isinstance(self._model, Omit):
            query["model"] = self._model
        if not isinstance(self._call_id, Omit):
            query["call_id"] = self._call_id
        return query

    async def _url_and_auth(self, query: dict[str, object]) -> tuple[Any, dict[str, str]]:
        client = self._client
        configure = getattr(client, "_configure_realtime", None)
        if configure is None:
            return await AsyncConnectionManager._url_and_auth(self, query)  # type: ignore[arg-type]
        if isinstance(self._model, Omit) or not self._model:
            raise OpenAIError("`model` is required for Azure Realtime API")
        rest = {k: v for k, v in query.items() if k != "model"}
        url, auth = await configure(self._model, rest)
        return url, dict(auth)


class AsyncRealtimeConnectionManager(
    _RealtimeManagerMixin, AsyncConnectionManager[AsyncRealtimeConnection]
):
    """`async with client.realtime.connect(model=...) as connection` (or `.enter()`)."""

    _connection_class = AsyncRealtimeConnection

    def __init__(
        self,
        *,
        call_id: str | Omit = omit,
        model: str | Omit = omit,
        **kwargs: Any,
    ) -> None:
        self._model = model
        self._call_id = call_id
        super().__init__(**kwargs)


class RealtimeConnection(WebSocketConnection[RealtimeServerEvent, AsyncRealtimeConnection]):
    """A live WebSocket connection to the Realtime API (sync client)."""

    session: resources.RealtimeSessionResource
    response: resources.RealtimeResponseResource
    input_audio_buffer: resources.RealtimeInputAudioBufferResource
    conversation: resources.RealtimeConversationResource
    output_audio_buffer: resources.RealtimeOutputAudioBufferResource

    def _attach_resources(self) -> None:
        from ...resources.realtime import realtime as r

        self.session = r.RealtimeSessionResource(self)
        self.response = r.RealtimeResponseResource(self)
        self.input_audio_buffer = r.RealtimeInputAudioBufferResource(self)
        self.conversation = r.RealtimeConversationResource(self)
        self.output_audio_buffer = r.RealtimeOutputAudioBufferResource(self)

    def append_audio(
        self, pcm16: bytes | bytearray | memoryview, *, event_id: str | Omit = omit
    ) -> None:
        """`input_audio_buffer.append` from raw PCM16 bytes (base64-encoded here)."""
        self.send(_audio_event(pcm16, event_id))


class RealtimeConnectionManager(ConnectionManager[RealtimeConnection]):
    """`with client.realtime.connect(model=...) as connection` (or `.enter()`)."""

    _connection_class = RealtimeConnection
    _async_manager_class = AsyncRealtimeConnectionManager


# -- beta: the older protocol, its own event types, no reconnection options -------------------


class AsyncBetaRealtimeConnection(AsyncWebSocketConnection[BetaRealtimeServerEvent]):
    _event_type = BetaRealtimeServerEvent
    session: beta_resources.AsyncRealtimeSessionResource
    response: beta_resources.AsyncRealtimeResponseResource
    input_audio_buffer: beta_resources.AsyncRealtimeInputAudioBufferResource
    conversation: beta_resources.AsyncRealtimeConversationResource
    output_audio_buffer: beta_resources.AsyncRealtimeOutputAudioBufferResource
    transcription_session: beta_resources.AsyncRealtimeTranscriptionSessionResource

    def _attach_resources(self) -> None:
        from ...resources.beta.realtime import realtime as r

        self.session = r.AsyncRealtimeSessionResource(self)
        self.response = r.AsyncRealtimeResponseResource(self)
        self.input_audio_buffer = r.AsyncRealtimeInputAudioBufferResource(self)
        self.conversation = r.AsyncRealtimeConversationResource(self)
        self.output_audio_buffer = r.AsyncRealtimeOutputAudioBufferResource(self)
        self.transcription_session = r.AsyncRealtimeTranscriptionSessionResource(self)

    async def append_audio(
        self, pcm16: bytes | bytearray | memoryview, *, event_id: str | Omit = omit
    ) -> None:
        await self.send(_audio_event(pcm16, event_id))


class AsyncBetaRealtimeConnectionManager(
    _RealtimeManagerMixin, AsyncConnectionManager[AsyncBetaRealtimeConnection]
):
    _connection_class = AsyncBetaRealtimeConnection
    _caller_auth_allowed = True

    def __init__(
        self,
        *,
        model: str,
        client: Any,
        extra_query: Mapping[str, object] = {},
        extra_headers: Mapping[str, Any] = {},
        websocket_connection_options: Mapping[str, Any] = {},
    ) -> None:
        self._model = model
        self._call_id = omit
        super().__init__(
            client=client,
            extra_query=extra_query,
            extra_headers=extra_headers,
            websocket_connection_options=websocket_connection_options,
        )

    def _headers(self) -> dict[str, str]:
        return {"OpenAI-Beta": "realtime=v1"}


class BetaRealtimeConnection(
    WebSocketConnection[BetaRealtimeServerEvent, AsyncBetaRealtimeConnection]
):
    session: beta_resources.RealtimeSessionResource
    response: beta_resources.RealtimeResponseResource
    input_audio_buffer: beta_resources.RealtimeInputAudioBufferResource
    conversation: beta_resources.RealtimeConversationResource
    output_audio_buffer: beta_resources.RealtimeOutputAudioBufferResource
    transcription_session: beta_resources.RealtimeTranscriptionSessionResource

    def _attach_resources(self) -> None:
        from ...resources.beta.realtime import realtime as r

        self.session = r.RealtimeSessionResource(self)
        self.response = r.RealtimeResponseResource(self)
        self.input_audio_buffer = r.RealtimeInputAudioBufferResource(self)
        self.conversation = r.RealtimeConversationResource(self)
        self.output_audio_buffer = r.RealtimeOutputAudioBufferResource(self)
        self.transcription_session = r.RealtimeTranscriptionSessionResource(self)

    def append_audio(
        self, pcm16: bytes | bytearray | memoryview, *, event_id: str | Omit = omit
    ) -> None:
        self.send(_audio_event(pcm16, event_id))


class BetaRealtimeConnectionManager(ConnectionManager[BetaRealtimeConnection]):
    _connection_class = BetaRealtimeConnection
    _async_manager_class = AsyncBetaRealtimeConnectionManager
