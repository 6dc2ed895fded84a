"""`client.responses.session_pool(...)`: WebSocket sessions for many concurrent agents (oxide).

An agent farm runs hundreds of conversations at once. Each conversation needs its own socket
for as long as it runs (the server keeps a conversation's last response in that socket's
memory, and one socket streams one response at a time), but opening a socket per
conversation costs a handshake each time. The pool keeps at most `size` sockets: `async with
pool.session() as s` checks one out for a conversation (waiting while all are in use) and
gives it back afterwards, warm, for the next conversation.

* Health: every pooled socket pings (aiohttp heartbeat, 20 s by default) and its reader runs
  while it sits idle, so a dead socket is noticed and never handed out.
* Age: a socket older than `max_age` (default 55 min, under the server's 60-minute limit) is
  not handed out, and a session rotates it between two turns, never during one.
* A socket whose last turn did not finish (an exception, a cancelled task) is closed, not
  pooled: events still in flight would otherwise reach the next conversation.
* `await pool.close()` closes the idle sockets at once and each busy one when its session
  ends; new checkouts raise.
"""

from __future__ import annotations

import asyncio
import time
from collections import deque
from collections.abc import Mapping
from types import TracebackType
from typing import TYPE_CHECKING, Any

from ..._exceptions import WebSocketConnectionClosedError
from .responses import AsyncResponsesConnection, AsyncResponsesConnectionManager
from .session import DEFAULT_MAX_AGE, AsyncResponsesSession

if TYPE_CHECKING:
    from ..._client import AsyncOpenAI

__all__ = ["AsyncResponsesSessionPool", "PooledSession"]


class PooledSession:
    """`async with pool.session(...) as session`: an `AsyncResponsesSession` on a pooled socket."""

    def __init__(self, pool: AsyncResponsesSessionPool, overrides: dict[str, Any]) -> None:
        self._pool = pool
        self._overrides = overrides
        self._session: AsyncResponsesSession | None = None

    async def __aenter__(self) -> AsyncResponsesSession:
        self._session = await self._pool._checkout(self._overrides)
        return self._session

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        session, self._session = self._session, None
        if session is not None:
            await self._pool._checkin(session)


class AsyncResponsesSessionPool:
    """See the module docstring."""

    def __init__(
        self,
        client: AsyncOpenAI,
        *,
        size: int = 64,
        max_age: float = DEFAULT_MAX_AGE,
        websocket_connection_options: Mapping[str, Any] = {},
        extra_query: Mapping[str, object] = {},
        extra_headers: Mapping[str, Any] = {},
        **session_defaults: Any,
    ) -> None:
        if size < 1:
            raise ValueError("size must be at least 1")
        self._client = client
        self._manager = AsyncResponsesConnectionManager(
            client=client,
            extra_query=extra_query,
            extra_headers=extra_headers,
            websocket_connection_options=websocket_connection_options,
        )
        self.size = size
        self.max_age = max_age
        self._defaults = session_defaults
        self._slots = asyncio.Semaphore(size)
        # Warm sockets with the time they were opened; the most recently used is handed out
        # first (its TCP and TLS state is the freshest).
        self._idle: deque[tuple[AsyncResponsesConnection, float]] = deque()
        self._busy: set[AsyncResponsesSession] = set()
        self._closed = False
        self.opened = 0
        """Sockets opened over the pool's life (handshakes paid)."""

    # -- public ---------------------------------------------------------------------------
    def session(self, **overrides: Any) -> PooledSession:
        """A conversation on a pooled socket; `overrides` change the pool's session defaults
        (model, instructions, tools, store, chain, keep_history, ...) for this one."""
        return PooledSession(self, overrides)

    @property
    def idle(self) -> int:
        return len(self._idle)

    @property
    def in_use(self) -> int:
        return len(self._busy)

    async def close(self) -> None:
        self._closed = True
        idle, self._idle = list(self._idle), deque()
        await asyncio.gather(*(conn.close() for conn, _ in idle), return_exceptions=True)

    async def __aenter__(self) -> AsyncResponsesSessionPool:
        return self

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        await self.close()

    # -- checkout / checkin ---------------------------------------------------------------
    async def _checkout(self, overrides: dict[str, Any]) -> AsyncResponsesSession:
        if self._closed:
            raise WebSocketConnectionClosedError("the session pool is closed", code=1000)
        await self._slots.acquire()
        try:
            kwargs = {"max_age": self.max_age, **self._defaults, **overrides}
            session = AsyncResponsesSession(self._client, _pool=self, **kwargs)
            now = time.monotonic()
            while self._idle:
                conn, opened_at = self._idle.pop()
                if not conn._done and now - opened_at < session._max_age:
                    session._adopt(conn, opened_at)
                    break
                await conn.close()
            else:
                await session._ensure_connection()
        except BaseException:
            self._slots.release()
            raise
        self._busy.add(session)
        return session

    async def _checkin(self, session: AsyncResponsesSession) -> None:
        try:
            self._busy.discard(session)
            conn = session._connection
            session._connection = None
            session._closed = True
            if conn is None:
                return
            reusable = not (self._closed or conn._done or session._in_turn or conn._buffer)
            if reusable:
                self._idle.append((conn, session._opened_at))
            else:
                await conn.close()
        finally:
            self._slots.release()
