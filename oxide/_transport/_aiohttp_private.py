"""Every use of aiohttp's private attributes, in one module.

aiohttp has no public way to close a response from another thread, to let a session go without
awaiting, to cap idle keep-alive sockets, or to count the connections a pool has handed out.
Those few needs are met here, against the attributes of aiohttp 3.10-3.14 (the versions oxide
is tested on; `pyproject.toml` pins `aiohttp<4`). `tests/faults/test_aiohttp_private.py` checks
that each attribute still exists, so an aiohttp release that moves one fails loudly in CI
instead of leaking sockets quietly.
"""

from __future__ import annotations

import asyncio
import socket
import ssl as ssl_module
from collections.abc import Coroutine
from typing import Any

import aiohttp

from ._clock import time_limit

__all__ = [
    "IdleCappedConnector",
    "abandon_session",
    "acquired_connections",
    "close_dropped_response",
    "close_transport_without_io",
    "connect_error",
    "idle_connections",
    "pool_wait_of",
    "register_pool_wait",
]


# The official `Timeout.pool` of each aiohttp timeout object in use: aiohttp has a single limit
# (`connect`) for waiting for a pooled connection plus opening one. Keyed by id, with the object
# kept alive by the entry so that an id is never reused while it is here.
_pool_waits: dict[int, tuple[aiohttp.ClientTimeout, float]] = {}


def register_pool_wait(timeout: aiohttp.ClientTimeout, pool: float) -> None:
    """Requests made with `timeout` wait at most `pool` seconds for a free pooled connection."""
    if len(_pool_waits) >= 256:  # timeouts are cached upstream; this only bounds odd programs
        _pool_waits.clear()
    _pool_waits[id(timeout)] = (timeout, pool)


def connect_error(exc: OSError, host: str, port: int, ssl: Any) -> aiohttp.ClientConnectionError:
    """The exception aiohttp's connector raises for a failed connect (the fast lane opens its
    own sockets): its classes take a `ConnectionKey`, an internal record."""
    from aiohttp.client_reqrep import ConnectionKey

    # By name: the record grew a field in 3.11 (server_hostname) and may grow more.
    fields: dict[str, Any] = dict.fromkeys(ConnectionKey._fields)
    fields.update(host=host, port=port, is_ssl=ssl is not None, ssl=ssl or True)
    key = ConnectionKey(**fields)
    if isinstance(exc, (ssl_module.SSLCertVerificationError, ssl_module.CertificateError)):
        return aiohttp.ClientConnectorCertificateError(key, exc)
    if isinstance(exc, ssl_module.SSLError):
        return aiohttp.ClientConnectorSSLError(key, exc)
    if isinstance(exc, socket.gaierror):
        dns_error = getattr(aiohttp, "ClientConnectorDNSError", aiohttp.ClientConnectorError)
        return dns_error(key, exc)
    return aiohttp.ClientConnectorError(key, exc)


def pool_wait_of(timeout: aiohttp.ClientTimeout) -> float | None:
    """The `Timeout.pool` registered for `timeout`, if any (the fast lane's pool reads it)."""
    entry = _pool_waits.get(id(timeout))
    if entry is not None and entry[0] is timeout:
        return entry[1]
    return None


class IdleCappedConnector(aiohttp.TCPConnector):
    """A `TCPConnector` with two limits aiohttp lacks.

    * At most `max_idle` keep-alive sockets: a connection released beyond that is closed
      instead of pooled. aiohttp's `limit` bounds connections in use only, so after a burst of
      1000 concurrent calls it would keep 1000 idle sockets (close to the common 1024
      file-descriptor limit) for the whole keep-alive period.
    * The wait for a free connection when the pool is full is bounded by the official
      `Timeout.pool` on its own (aiohttp bounds it together with opening the connection).
    """

    def __init__(self, *, max_idle: int, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self._oxide_max_idle = max_idle

    def connect(  # returns the coroutine itself: no extra frame per request
        self, req: Any, traces: list[Any], timeout: aiohttp.ClientTimeout
    ) -> Coroutine[Any, Any, Any]:
        # Cheap test first (oxide sets no per-host limit): is every connection in use?
        if self._limit and len(self._acquired) >= self._limit:
            key = req.connection_key
            if self._available_connections(key) <= 0 and not self._conns.get(key):
                entry = _pool_waits.get(id(timeout))
                if entry is not None and entry[0] is timeout:
                    return self._connect_after_pool_wait(req, traces, timeout, entry[1])
        return super().connect(req, traces, timeout)

    async def _connect_after_pool_wait(
        self, req: Any, traces: list[Any], timeout: aiohttp.ClientTimeout, pool: float
    ) -> Any:
        # The pool is full: wait for a slot, bounded by `pool` alone; then aiohttp takes it (or,
        # if another request was faster, waits again under `connect`).
        try:
            async with time_limit(pool):
                await self._wait_for_available_connection(req.connection_key, traces)
        except TimeoutError:
            raise aiohttp.ConnectionTimeoutError(
                f"Timed out after {pool} s waiting for a free connection from the pool "
                "(Timeout.pool)"
            ) from None
        return await super().connect(req, traces, timeout)

    def _release(  # private in aiohttp; see the module docstring
        self, key: Any, protocol: Any, *, should_close: bool = False
    ) -> None:
        if not should_close:
            conns = self._conns
            # One host is the norm (the API's), so this sum is one len() in practice.
            if sum(map(len, conns.values())) >= self._oxide_max_idle:
                should_close = True
        super()._release(key, protocol, should_close=should_close)


def acquired_connections(session: aiohttp.ClientSession | None) -> int:
    """Connections the session's pool has handed out and not got back."""
    connector = None if session is None else session.connector
    if connector is None:
        return 0
    return len(connector._acquired)


def idle_connections(session: aiohttp.ClientSession | None) -> int:
    """Keep-alive sockets waiting in the session's pool."""
    connector = None if session is None else session.connector
    if connector is None:
        return 0
    return sum(len(c) for c in connector._conns.values())


def close_dropped_response(resp: aiohttp.ClientResponse) -> None:
    """Close a response nobody will read again (its body unread), from whatever thread the
    garbage collector runs in, without awaiting: its connection is closed, not pooled, so the
    server stops sending and the pool gets its slot back at once."""
    if resp.closed:
        return
    loop: asyncio.AbstractEventLoop | None = resp._loop
    if loop is None or loop.is_closed():
        return  # the session was (or will be) let go with its loop; nothing runs here any more
    if asyncio._get_running_loop() is loop or not loop.is_running():
        # The loop's own thread, or an idle loop (a sync client's between calls): closing a
        # socket is plain I/O with no waiting.
        resp.close()
    else:
        loop.call_soon_threadsafe(resp.close)


def _raw_socket(transport: Any) -> tuple[Any, Any]:
    # The socket under a selector transport, or under the TCP transport beneath TLS.
    sock = getattr(transport, "_sock", None)
    if sock is None:
        inner = getattr(getattr(transport, "_ssl_protocol", None), "_transport", None)
        return (inner, getattr(inner, "_sock", None))
    return (transport, sock)


def close_transport_without_io(transport: Any) -> None:
    """Close the file descriptor under an asyncio transport (plain or TLS) without I/O or
    callbacks: a forked child's copy of a parent's socket, or one whose loop is closed."""
    try:
        transport, sock = _raw_socket(transport)
        if sock is not None:
            sock.close()
            transport._sock = None  # its __del__ must not close (or warn about) it again
    except Exception:  # best effort: never raise from cleanup
        pass


def abandon_session(session: aiohttp.ClientSession, loop: asyncio.AbstractEventLoop | None) -> None:
    """Let go of a session without awaiting anything and without aiohttp's "Unclosed client
    session" or "Unclosed connector" complaints.

    With its loop alive, the connector is closed from inside that loop (a plain callback, no
    coroutine). With its loop closed, or in a forked child (`loop=None`), the file descriptors
    are closed directly: that releases this process's reference only, sending no FIN while a
    parent still holds the socket and no TLS close_notify on a connection the parent may use.
    """
    connector = session._connector
    session._connector = None
    if connector is None or connector._closed:
        return
    if loop is not None and not loop.is_closed():
        if asyncio._get_running_loop() is loop or not loop.is_running():
            connector._close()
        else:
            loop.call_soon_threadsafe(connector._close)
        return
    connector._closed = True
    protos = [entry[0] for conns in connector._conns.values() for entry in conns]
    protos.extend(connector._acquired)
    for proto in protos:
        close_transport_without_io(proto.transport)
    connector._conns.clear()
    connector._acquired.clear()
