"""aiohttp sessions tuned for many small, latency-sensitive API calls, and their lifecycle.

`SessionHolder` owns the sessions of a client and all its `copy()`/`with_options()` views: one
per event loop the client is used on (one for an async client; one per loop of the sync
client's runner, a bounded number). It is the one place that closes them, in three ways:
awaited (`close()`), without awaiting (`close_nowait()`, a dropped client, interpreter exit),
and without I/O (`let_go_loop()`, a loop that will not run again; a forked child).
"""

from __future__ import annotations

import asyncio
import os
import ssl
import threading
import weakref
from functools import lru_cache
from typing import Any

import aiohttp

from .._constants import DEFAULT_DNS_TTL, DEFAULT_KEEPALIVE_TIMEOUT, DEFAULT_MAX_IDLE_CONNECTIONS
from .._types import Timeout
from ._aiohttp_private import (
    IdleCappedConnector,
    abandon_session,
    acquired_connections,
    idle_connections,
    register_pool_wait,
)
from ._fast import FastTransport

__all__ = [
    "FAST_PATH_ENV",
    "SessionHolder",
    "client_timeout",
    "fast_path_enabled",
    "new_session",
    "shared_ssl_context",
]

# `OXIDE_FAST_PATH=0` sends every request through aiohttp's ClientSession (the fallback path).
FAST_PATH_ENV = "OXIDE_FAST_PATH"


def fast_path_enabled() -> bool:
    """Whether new clients use the fast lane (`oxide._transport._fast`) for common requests."""
    return os.environ.get(FAST_PATH_ENV, "1").strip().lower() not in ("0", "false", "no", "off")


# Bumped in a forked child, so every holder knows its sessions belong to the parent.
_fork_generation = 0


def _bump_generation() -> None:
    global _fork_generation
    _fork_generation += 1


if hasattr(os, "register_at_fork"):
    os.register_at_fork(after_in_child=_bump_generation)

_ssl_lock = threading.Lock()
_ssl_context: ssl.SSLContext | None = None


def shared_ssl_context() -> ssl.SSLContext:
    """One verified SSL context per process: building one costs ~10 ms (ogx-ai/ogx#4221), and
    clients made per request must not pay it each time."""
    global _ssl_context
    if _ssl_context is None:
        with _ssl_lock:
            if _ssl_context is None:
                _ssl_context = ssl.create_default_context()
    return _ssl_context


def _env_proxies_present() -> bool:
    return any(
        os.environ.get(name)
        for name in (
            "HTTPS_PROXY",
            "https_proxy",
            "HTTP_PROXY",
            "http_proxy",
            "ALL_PROXY",
            "all_proxy",
        )
    )


def new_session(
    *, limit: int, limit_per_host: int, trust_env: bool | None = None
) -> aiohttp.ClientSession:
    """A session that owns one pooled connector. Must be called with the event loop running."""
    connector = IdleCappedConnector(
        max_idle=min(limit, DEFAULT_MAX_IDLE_CONNECTIONS)
        if limit
        else DEFAULT_MAX_IDLE_CONNECTIONS,
        limit=limit,
        limit_per_host=limit_per_host,
        ttl_dns_cache=DEFAULT_DNS_TTL,
        use_dns_cache=True,
        keepalive_timeout=DEFAULT_KEEPALIVE_TIMEOUT,
        ssl=shared_ssl_context(),
    )
    return aiohttp.ClientSession(
        connector=connector,
        connector_owner=True,
        # No cookies on an API client: the jar costs time on every response.
        cookie_jar=aiohttp.DummyCookieJar(),
        # Every request passes its own ClientTimeout; this only replaces aiohttp's default
        # total=300 s, which would kill long streams.
        timeout=aiohttp.ClientTimeout(total=None),
        auto_decompress=True,
        # Reading proxy variables costs time per request; only do it when some are set, which
        # keeps httpx's default (trust_env=True) where it matters.
        trust_env=_env_proxies_present() if trust_env is None else trust_env,
    )


@lru_cache(maxsize=64)
def client_timeout(timeout: Timeout | None) -> aiohttp.ClientTimeout:
    """httpx-style timeouts as aiohttp's. Never a total: `read` bounds each wait for data, so a
    stream that keeps sending lives as long as it needs. aiohttp's `connect` bounds waiting for
    a pooled connection plus opening it, so it is pool + connect; the pool wait alone is bounded
    by `pool` in the connector (`register_pool_wait`)."""
    if timeout is None:
        return aiohttp.ClientTimeout(total=None)
    connect, read, _write, pool = timeout.as_tuple()
    pool_wait = None if pool is None else pool + (connect or 0.0)
    result = aiohttp.ClientTimeout(
        total=None, connect=pool_wait, sock_connect=connect, sock_read=read
    )
    if pool is not None:
        register_pool_wait(result, pool)
    return result


class _Sessions:
    """The sessions of a holder, kept apart from it so that a finalizer can close them after
    the holder (and the client around it, often in a reference cycle) is gone: the finalizer
    holds this object, so the sessions are never collected before they are closed, which is
    what made aiohttp log "Unclosed connector" for every client dropped without close()."""

    __slots__ = ("by_loop", "fast_by_loop", "generation", "owned", "loops_die_with_client")

    def __init__(self, owned: bool, loops_die_with_client: bool) -> None:
        self.by_loop: dict[asyncio.AbstractEventLoop, aiohttp.ClientSession] = {}
        self.fast_by_loop: dict[asyncio.AbstractEventLoop, FastTransport] = {}
        self.generation = _fork_generation
        self.owned = owned
        # The sync client's loops are closed with it, so their sockets are closed directly;
        # an async client's loop belongs to the application and may run again.
        self.loops_die_with_client = loops_die_with_client

    def close_fast(self, loop: asyncio.AbstractEventLoop) -> None:
        """Close `loop`'s fast lane, from that running loop (a forked child's without I/O)."""
        fast = self.fast_by_loop.pop(loop, None)
        if fast is not None:
            if self.generation == _fork_generation:
                fast.close()
            else:
                fast.close_without_io()

    def let_go_all(self) -> None:
        """Release every session without awaiting (a dropped client, interpreter exit)."""
        sessions, self.by_loop = self.by_loop, {}
        fasts, self.fast_by_loop = self.fast_by_loop, {}
        same_process = self.generation == _fork_generation
        for loop, fast in fasts.items():
            _let_go_fast(fast, loop, same_process, self.loops_die_with_client)
        if not self.owned:
            return
        for loop, session in sessions.items():
            if session.closed:
                continue
            if not same_process or loop.is_closed():
                abandon_session(session, None)
            elif self.loops_die_with_client and not loop.is_running():
                abandon_session(session, None)
            else:
                abandon_session(session, loop)


def _let_go_fast(
    fast: FastTransport,
    loop: asyncio.AbstractEventLoop,
    same_process: bool,
    loop_dies: bool,
) -> None:
    """`abandon_session`'s rules for a fast transport: sockets closed from their loop when it
    may still run, else their file descriptors closed without I/O."""
    if not same_process or loop.is_closed() or (loop_dies and not loop.is_running()):
        fast.close_without_io()
    elif asyncio._get_running_loop() is loop or not loop.is_running():
        fast.close()
    else:
        loop.call_soon_threadsafe(fast.close)


def _session_getter(holder: SessionHolder) -> Any:
    """`holder.get`, held weakly: the fast transport lives in the holder's state, which the
    finalizer keeps alive, so a strong reference back would keep every dropped client."""
    ref = weakref.ref(holder)

    def get() -> aiohttp.ClientSession:
        alive = ref()
        if alive is None:
            raise RuntimeError("The client is closed; create a new one.")
        return alive.get()

    return get


class SessionHolder:
    """The aiohttp sessions of a client and of all its `copy()`/`with_options()` views.

    A session is bound to the loop it was made in, so there is one per loop the client runs
    on. A closed loop's session is let go (its sockets closed without I/O) the next time a
    session is made; after fork, every inherited session is let go.
    """

    def __init__(
        self,
        *,
        limit: int,
        limit_per_host: int,
        session: aiohttp.ClientSession | None = None,
        trust_env: bool | None = None,
        loops_die_with_client: bool = False,
    ) -> None:
        self._limit = limit
        self._limit_per_host = limit_per_host
        self._trust_env = trust_env
        self._given = session  # an http_client the caller owns: used, never closed
        # The fast lane is oxide's own pool: not for a caller's session, nor behind a proxy.
        self._fast = session is None and fast_path_enabled()
        self._state = _Sessions(owned=session is None, loops_die_with_client=loops_die_with_client)
        self._by_loop = self._state.by_loop
        self.closed = False
        # Runs when the holder is collected or at interpreter exit, whichever comes first.
        self._finalizer = weakref.finalize(self, _Sessions.let_go_all, self._state)

    def get(self) -> aiohttp.ClientSession:
        """The running loop's session (made on first use)."""
        session = self._by_loop.get(asyncio.get_running_loop())
        if session is not None and self._state.generation == _fork_generation:
            return session
        return self._renew()

    def sender(self) -> Any:
        """The running loop's request function: the fast lane's (which hands what it does not
        handle to the session), else the session's own `_request`."""
        fast = self._state.fast_by_loop.get(asyncio.get_running_loop())
        if fast is not None and self._state.generation == _fork_generation:
            return fast.request
        if not self._fast:
            return self.get()._request
        self.get()  # closed-loop and fork bookkeeping, and the fallback session
        if self._trust_env is not False and _env_proxies_present():
            return self.get()._request
        loop = asyncio.get_running_loop()
        fast = FastTransport(
            loop,
            _session_getter(self),
            limit=self._limit,
            max_idle=min(self._limit, DEFAULT_MAX_IDLE_CONNECTIONS)
            if self._limit
            else DEFAULT_MAX_IDLE_CONNECTIONS,
            keepalive=DEFAULT_KEEPALIVE_TIMEOUT,
            ssl=shared_ssl_context(),
        )
        self._state.fast_by_loop[loop] = fast
        return fast.request

    def connection_counts(self) -> tuple[int, int]:
        """(connections handed out, idle keep-alive connections) over every pool of the
        holder: the sessions' and the fast lane's."""
        acquired = sum(acquired_connections(s) for s in self._by_loop.values())
        idle = sum(idle_connections(s) for s in self._by_loop.values())
        for fast in self._state.fast_by_loop.values():
            in_use, waiting = fast.counts()
            acquired += in_use
            idle += waiting
        return acquired, idle

    def _renew(self) -> aiohttp.ClientSession:
        if self.closed:
            raise RuntimeError("The client is closed; create a new one.")
        loop = asyncio.get_running_loop()
        state = self._state
        if state.generation != _fork_generation:
            # A forked child: nothing inherited is ours to use or to close properly.
            state.let_go_all()
            state.generation = _fork_generation
            self._by_loop = state.by_loop
        for old_loop in [lp for lp in self._by_loop if lp.is_closed()]:
            session = self._by_loop.pop(old_loop)
            if state.owned:
                abandon_session(session, None)
        for old_loop in [lp for lp in state.fast_by_loop if lp.is_closed()]:
            state.fast_by_loop.pop(old_loop).close_without_io()
        if self._given is not None:
            if self._by_loop and loop not in self._by_loop:
                raise RuntimeError(
                    "The aiohttp session passed as http_client belongs to another event loop."
                )
            self._by_loop[loop] = self._given
            return self._given
        session = new_session(
            limit=self._limit, limit_per_host=self._limit_per_host, trust_env=self._trust_env
        )
        self._by_loop[loop] = session
        return session

    @property
    def session(self) -> aiohttp.ClientSession | None:
        """The running loop's session, else the only one there is (tests and introspection)."""
        try:
            loop: asyncio.AbstractEventLoop | None = asyncio.get_running_loop()
        except RuntimeError:
            loop = None
        if loop is not None and loop in self._by_loop:
            return self._by_loop[loop]
        if len(self._by_loop) == 1:
            return next(iter(self._by_loop.values()))
        return None

    def sessions(self) -> list[aiohttp.ClientSession]:
        return list(self._by_loop.values())

    async def close_current(self) -> None:
        """Close the running loop's session only (the sync runner closing one of its loops)."""
        loop = asyncio.get_running_loop()
        self._state.close_fast(loop)
        session = self._by_loop.pop(loop, None)
        if session is not None and self._state.owned:
            if self._state.generation == _fork_generation:
                await session.close()

    async def close(self) -> None:
        """Close every session: the running loop's awaited, the others without I/O waits."""
        self.closed = True
        try:
            running: asyncio.AbstractEventLoop | None = asyncio.get_running_loop()
        except RuntimeError:  # pragma: no cover - close() is always awaited
            running = None
        state = self._state
        same_process = state.generation == _fork_generation
        if running is not None:
            state.close_fast(running)
        session = self._by_loop.pop(running, None) if running is not None else None
        if session is not None and state.owned and same_process:
            await session.close()
        state.let_go_all()
        self._by_loop = state.by_loop

    def close_nowait(self) -> None:
        """Mark the holder closed and let every session go, without awaiting."""
        self.closed = True
        self._state.let_go_all()
        self._by_loop = self._state.by_loop

    def let_go_loop(self, loop: asyncio.AbstractEventLoop) -> None:
        """Close the sockets of `loop`'s session without I/O (the loop will not run again)."""
        fast = self._state.fast_by_loop.pop(loop, None)
        if fast is not None:
            fast.close_without_io()
        session = self._by_loop.pop(loop, None)
        if session is not None and self._state.owned and not session.closed:
            abandon_session(session, None)
