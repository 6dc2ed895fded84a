"""The Live API over WebSocket: `client.live.connect()` (a new session, `/live/sessions`),
`client.live.forks.connect(session_id=...)` (a fork of a stored session) and
`client.live.sideband.connect(session_id=...)` (attach to a running session).

The connection's namespaces (`connection.session.start(...)`, `connection.session.input_audio.
append(...)`, `connection.decision.create(...)`, `connection.transport.dtmf.send(...)`, ...) are
the SDK's, generated into `oxide/resources/live/{live,forks,sideband}.py`. The connection itself
is oxide's (`_connection.py`): the same `send` / `recv` / iteration / `on` / `dispatch_events` /
`close` and reconnection as Realtime, and unknown server event types decode to an
`UnknownVariant` (the raw object, with attribute access) rather than failing.

As the SDK, a new connection leaves startup to the caller: send `session.start` and wait for
`session.started` (forks inherit the model; a sideband never sends a start). `connect()`'s send
queue holds 2 MiB by default (the SDK's `DEFAULT_LIVE_SEND_QUEUE_MAX_BYTES`, in `_constants`).
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from ..._types import Omit, omit
from ..._utils import path_template
from ...types.live.connect_server_event import ConnectServerEvent
from ...types.live.fork_server_event import ForkServerEvent
from ...types.live.server_event import ServerEvent
from ._connection import (
    AsyncConnectionManager,
    AsyncWebSocketConnection,
    ConnectionManager,
    WebSocketConnection,
)
from ._transport import websocket_url

if TYPE_CHECKING:
    from ...resources.live import forks as fork_resources
    from ...resources.live import live as live_resources
    from ...resources.live import sideband as sideband_resources

__all__ = [
    "AsyncForksConnection",
    "AsyncForksConnectionManager",
    "AsyncLiveConnection",
    "AsyncLiveConnectionManager",
    "AsyncSidebandConnection",
    "AsyncSidebandConnectionManager",
    "ForksConnection",
    "ForksConnectionManager",
    "LiveConnection",
    "LiveConnectionManager",
    "SidebandConnection",
    "SidebandConnectionManager",
]


def _session_path(template: str, session_id: str) -> str:
    """The path of a stored session's socket; an empty id is refused here rather than sent as
    `/live/sessions//fork` (the HTTP methods of `client.live.sessions` refuse it too)."""
    if not isinstance(session_id, str) or not session_id:
        raise ValueError(f"Expected a non-empty value for `session_id` but received {session_id!r}")
    return path_template(template, session_id=session_id)


# -- client.live.connect() ------------------------------------------------------------------


class AsyncLiveConnection(AsyncWebSocketConnection[ServerEvent]):
    """A live WebSocket connection to the Live API."""

    _event_type = ServerEvent
    session: live_resources.AsyncLiveSessionResource
    decision: live_resources.AsyncLiveDecisionResource
    response: live_resources.AsyncLiveResponseResource

    def _attach_resources(self) -> None:
        from ...resources.live import live as r

        self.session = r.AsyncLiveSessionResource(self)
        self.decision = r.AsyncLiveDecisionResource(self)
        self.response = r.AsyncLiveResponseResource(self)


class AsyncLiveConnectionManager(AsyncConnectionManager[AsyncLiveConnection]):
    """`async with client.live.connect() as connection` (or `await ....enter()`)."""

    _connection_class = AsyncLiveConnection
    _path = "/live/sessions"


class LiveConnection(WebSocketConnection[ServerEvent, AsyncLiveConnection]):
    """A live WebSocket connection to the Live API (sync client)."""

    session: live_resources.LiveSessionResource
    decision: live_resources.LiveDecisionResource
    response: live_resources.LiveResponseResource

    def _attach_resources(self) -> None:
        from ...resources.live import live as r

        self.session = r.LiveSessionResource(self)
        self.decision = r.LiveDecisionResource(self)
        self.response = r.LiveResponseResource(self)


class LiveConnectionManager(ConnectionManager[LiveConnection]):
    """`with client.live.connect() as connection` (or `.enter()`)."""

    _connection_class = LiveConnection
    _async_manager_class = AsyncLiveConnectionManager


# -- client.live.forks.connect(session_id=...) ------------------------------------------------


class _StoredSessionManager(AsyncConnectionManager[Any]):
    """A socket on a stored session's own path (`/live/sessions/{session_id}/...`)."""

    _template: str
    _session_path: str

    def __init__(self, *, session_id: str, **kwargs: Any) -> None:
        # Checked before the base class takes the options: the caller's mistake, raised here.
        self._session_path = _session_path(self._template, session_id)
        super().__init__(**kwargs)

    async def _url_and_auth(self, query: dict[str, object]) -> tuple[Any, dict[str, str]]:
        client = self._client
        url = websocket_url(client.base_url, client.websocket_base_url, "", query)
        # `_session_path` is percent-encoded already (`sess/1` -> `sess%2F1`): added as it is,
        # since yarl would encode its `%` again.
        path = url.raw_path.rstrip("/") + self._session_path
        return url.with_path(path, encoded=True).with_query(url.raw_query_string), dict(
            client.auth_headers
        )


class AsyncForksConnection(AsyncWebSocketConnection[ForkServerEvent]):
    """A live WebSocket connection to a fork of a stored Live session."""

    _event_type = ForkServerEvent
    session: fork_resources.AsyncForksSessionResource
    decision: fork_resources.AsyncForksDecisionResource
    response: fork_resources.AsyncForksResponseResource

    def _attach_resources(self) -> None:
        from ...resources.live import forks as r

        self.session = r.AsyncForksSessionResource(self)
        self.decision = r.AsyncForksDecisionResource(self)
        self.response = r.AsyncForksResponseResource(self)


class AsyncForksConnectionManager(_StoredSessionManager):
    """`async with client.live.forks.connect(session_id=...) as connection`."""

    _connection_class = AsyncForksConnection
    _template = "/live/sessions/{session_id}/fork"


class ForksConnection(WebSocketConnection[ForkServerEvent, AsyncForksConnection]):
    """A live WebSocket connection to a fork of a stored Live session (sync client)."""

    session: fork_resources.ForksSessionResource
    decision: fork_resources.ForksDecisionResource
    response: fork_resources.ForksResponseResource

    def _attach_resources(self) -> None:
        from ...resources.live import forks as r

        self.session = r.ForksSessionResource(self)
        self.decision = r.ForksDecisionResource(self)
        self.response = r.ForksResponseResource(self)


class ForksConnectionManager(ConnectionManager[ForksConnection]):
    """`with client.live.forks.connect(session_id=...) as connection`."""

    _connection_class = ForksConnection
    _async_manager_class = AsyncForksConnectionManager


# -- client.live.sideband.connect(session_id=...) ---------------------------------------------


class AsyncSidebandConnection(AsyncWebSocketConnection[ConnectServerEvent]):
    """A sideband WebSocket connection attached to a running Live session."""

    _event_type = ConnectServerEvent
    session: sideband_resources.AsyncSidebandSessionResource
    transport: sideband_resources.AsyncSidebandTransportResource
    decision: sideband_resources.AsyncSidebandDecisionResource
    response: sideband_resources.AsyncSidebandResponseResource

    def _attach_resources(self) -> None:
        from ...resources.live import sideband as r

        self.session = r.AsyncSidebandSessionResource(self)
        self.transport = r.AsyncSidebandTransportResource(self)
        self.decision = r.AsyncSidebandDecisionResource(self)
        self.response = r.AsyncSidebandResponseResource(self)


class AsyncSidebandConnectionManager(_StoredSessionManager):
    """`async with client.live.sideband.connect(session_id=...) as connection`."""

    _connection_class = AsyncSidebandConnection
    _template = "/live/sessions/{session_id}/attach"

    def __init__(self, *, graceful_close: bool | Omit = omit, **kwargs: Any) -> None:
        if not isinstance(graceful_close, (bool, Omit)):
            raise TypeError(f"graceful_close must be a bool, not {type(graceful_close).__name__}")
        self._graceful_close = graceful_close
        super().__init__(**kwargs)

    def _query(self) -> dict[str, object]:
        # As the SDK: first, so `extra_query` may replace it; `true` / `false` on the wire.
        if isinstance(self._graceful_close, Omit):
            return {}
        return {"graceful_close": self._graceful_close}


class SidebandConnection(WebSocketConnection[ConnectServerEvent, AsyncSidebandConnection]):
    """A sideband WebSocket connection attached to a running Live session (sync client)."""

    session: sideband_resources.SidebandSessionResource
    transport: sideband_resources.SidebandTransportResource
    decision: sideband_resources.SidebandDecisionResource
    response: sideband_resources.SidebandResponseResource

    def _attach_resources(self) -> None:
        from ...resources.live import sideband as r

        self.session = r.SidebandSessionResource(self)
        self.transport = r.SidebandTransportResource(self)
        self.decision = r.SidebandDecisionResource(self)
        self.response = r.SidebandResponseResource(self)


class SidebandConnectionManager(ConnectionManager[SidebandConnection]):
    """`with client.live.sideband.connect(session_id=...) as connection`."""

    _connection_class = SidebandConnection
    _async_manager_class = AsyncSidebandConnectionManager
