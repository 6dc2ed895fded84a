"""Responses WebSocket mode: `client.responses.connect()` (and `client.beta.responses.connect()`).

One socket carries a whole agent loop: each turn is a `response.create` client event and the
server streams that response's `response.*` events back; the server keeps the last response
of the socket in memory, so `previous_response_id` continues without reloading it. See
`_connection.py` for the machinery and `session.py` for oxide's turn-level layer on top.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from ...types.beta.beta_responses_server_event import BetaResponsesServerEvent
from ...types.responses.responses_server_event import ResponsesServerEvent
from ._connection import (
    AsyncConnectionManager,
    AsyncWebSocketConnection,
    ConnectionManager,
    WebSocketConnection,
)

if TYPE_CHECKING:
    from ...resources.beta.responses.responses import (
        AsyncResponsesResponseResource as AsyncBetaResponsesResponseResource,
    )
    from ...resources.beta.responses.responses import (
        ResponsesResponseResource as BetaResponsesResponseResource,
    )
    from ...resources.responses.responses import (
        AsyncResponsesResponseResource,
        ResponsesResponseResource,
    )

__all__ = [
    "AsyncBetaResponsesConnection",
    "AsyncBetaResponsesConnectionManager",
    "AsyncResponsesConnection",
    "AsyncResponsesConnectionManager",
    "BetaResponsesConnection",
    "BetaResponsesConnectionManager",
    "ResponsesConnection",
    "ResponsesConnectionManager",
]


class AsyncResponsesConnection(AsyncWebSocketConnection[ResponsesServerEvent]):
    """A live WebSocket connection to the Responses API."""

    _event_type = ResponsesServerEvent
    response: AsyncResponsesResponseResource

    def _attach_resources(self) -> None:
        from ...resources.responses.responses import AsyncResponsesResponseResource

        self.response = AsyncResponsesResponseResource(self)


class AsyncResponsesConnectionManager(AsyncConnectionManager[AsyncResponsesConnection]):
    """`async with client.responses.connect(...) as connection`, or
    `connection = await client.responses.connect(...).enter()` then `await connection.close()`."""

    _connection_class = AsyncResponsesConnection
    _path = "/responses"


class ResponsesConnection(WebSocketConnection[ResponsesServerEvent, AsyncResponsesConnection]):
    """A live WebSocket connection to the Responses API (sync client)."""

    response: ResponsesResponseResource

    def _attach_resources(self) -> None:
        from ...resources.responses.responses import ResponsesResponseResource

        self.response = ResponsesResponseResource(self)


class ResponsesConnectionManager(ConnectionManager[ResponsesConnection]):
    """`with client.responses.connect(...) as connection` (or `.enter()`, then `.close()`)."""

    _connection_class = ResponsesConnection
    _async_manager_class = AsyncResponsesConnectionManager


# -- beta: the same protocol with the beta event types ---------------------------------------


class AsyncBetaResponsesConnection(AsyncWebSocketConnection[BetaResponsesServerEvent]):
    """A live WebSocket connection to the Responses API (`client.beta.responses`)."""

    _event_type = BetaResponsesServerEvent
    response: AsyncBetaResponsesResponseResource

    def _attach_resources(self) -> None:
        from ...resources.beta.responses.responses import AsyncResponsesResponseResource

        self.response = AsyncResponsesResponseResource(self)


class AsyncBetaResponsesConnectionManager(AsyncConnectionManager[AsyncBetaResponsesConnection]):
    _connection_class = AsyncBetaResponsesConnection
    _path = "/responses"


class BetaResponsesConnection(
    WebSocketConnection[BetaResponsesServerEvent, AsyncBetaResponsesConnection]
):
    response: BetaResponsesResponseResource

    def _attach_resources(self) -> None:
        from ...resources.beta.responses.responses import ResponsesResponseResource

        self.response = ResponsesResponseResource(self)


class BetaResponsesConnectionManager(ConnectionManager[BetaResponsesConnection]):
    _connection_class = BetaResponsesConnection
    _async_manager_class = AsyncBetaResponsesConnectionManager
