"""`client.responses.session(...)`: turn-level WebSocket mode (oxide; the SDK has only the raw
connection).

A session is one socket carrying one conversation. `await session.create(input=...)` sends a
`response.create` and returns the `Response`; `session.stream(input=...)` yields the same typed
and helper events as `client.responses.stream()`. Each turn continues from the previous one
(`previous_response_id`, which the server keeps in the socket's memory) unless `chain=False`
or the turn passes its own. Parameters given to `session(...)` (model, instructions, tools,
store, ...) apply to every turn; a turn's own override them.

Failures, honestly:

* a socket that closed between turns is replaced before the next one is sent (nothing was in
  flight); so is one older than `max_age` (the server ends sockets at 60 minutes);
* a socket that closes while a response streams raises `ResponseInterruptedError` (the turn
  may have run: it is not sent again, unless `resend_interrupted=True` was chosen);
* `previous_response_not_found` (a new socket does not have the old one's memory, and with
  `store=false` nothing else does): when the session holds the conversation (it keeps it
  when `store=False`, or with `keep_history=True`) the turn is sent again once with the whole
  conversation as input and no `previous_response_id`; otherwise
  `PreviousResponseNotFoundError` is raised;
* any other `error` event fails that turn with `WebSocketServerError`; the socket stays open.
"""

from __future__ import annotations

import asyncio
import logging
import time
from collections.abc import AsyncIterator, Iterator, Mapping
from types import TracebackType
from typing import TYPE_CHECKING, Any

from ..._exceptions import (
    PreviousResponseNotFoundError,
    ResponseInterruptedError,
    WebSocketConnectionClosedError,
)
from ..._types import Omit
from ...types.responses.response import Response
from ..streaming.responses._state import ResponseStreamState
from ._connection import server_error
from .responses import AsyncResponsesConnection, AsyncResponsesConnectionManager

if TYPE_CHECKING:
    from ..._client import AsyncOpenAI, OpenAI
    from .pool import AsyncResponsesSessionPool

__all__ = ["AsyncResponsesSession", "ResponsesSession", "SessionTurn"]

log = logging.getLogger("oxide")

DEFAULT_MAX_AGE = 55 * 60.0  # rotate before the server's 60-minute connection limit
_TERMINAL = frozenset({"response.completed", "response.failed", "response.incomplete"})
_CONNECTION_LIMIT = "websocket_connection_limit_reached"
# Per-request HTTP options with no meaning for one event on an open socket: a clear error
# rather than a silent drop, naming where the option goes instead.
_SOCKET_LEVEL = {
    "extra_headers": "headers are sent once, with the handshake: session(extra_headers=...)",
    "extra_query": "the query is sent once, with the handshake: session(extra_query=...)",
    "timeout": "a turn has no HTTP timeout: wrap it in asyncio.timeout() / asyncio.wait_for()",
}


def _check_turn_options(body: Mapping[str, Any]) -> None:
    for key, where in _SOCKET_LEVEL.items():
        if key in body:
            raise TypeError(f"{key!r} is not a per-turn option in WebSocket mode: {where}")
    if body.get("stream") is False:
        raise TypeError(
            "every WebSocket turn streams: use session.create() for the final Response, "
            "session.stream() for the events"
        )


def _as_items(value: Any) -> list[Any]:
    if value is None:
        return []
    if isinstance(value, str):
        return [{"role": "user", "content": value}]
    return list(value)


class SessionTurn:
    """One turn streaming over the session's socket: `async for` gives the typed events plus the
    helper events of `responses.stream()` (`response.output_text.delta` with `snapshot`,
    function-call arguments `done` with `parsed_arguments`, ...). Leaving the `async with`
    early reads the rest of the turn, so the socket is ready for the next one."""

    def __init__(self, session: AsyncResponsesSession, params: dict[str, Any]) -> None:
        self._session = session
        self._params = params
        defaults = session._defaults
        self._state = ResponseStreamState(
            text_format=params.pop("text_format", defaults.get("text_format")),
            input_tools=params.get("tools", defaults.get("tools")),
        )
        self._raw: AsyncIterator[Any] | None = None
        self._pending: list[Any] = []
        self._pos = 0
        self._done = False

    async def __aenter__(self) -> SessionTurn:
        self._raw = self._session._turn(self._params)
        return self

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        if exc_type is None:
            await self.close()
        else:
            await self._abandon()

    def __aiter__(self) -> SessionTurn:
        return self

    async def __anext__(self) -> Any:
        while self._pos >= len(self._pending):
            if self._raw is None or self._done:
                raise StopAsyncIteration
            try:
                raw = await self._raw.__anext__()
            except StopAsyncIteration:
                self._done = True
                raise
            self._pending = self._state.handle_event(raw)
            self._pos = 0
        event = self._pending[self._pos]
        self._pos += 1
        return event

    async def until_done(self) -> SessionTurn:
        async for _ in self:
            pass
        return self

    async def get_final_response(self) -> Any:
        """The (parsed) `Response` of `response.completed`, once the turn ended."""
        await self.until_done()
        response = self._state.completed_response
        if response is None:
            raise RuntimeError("Didn't receive a `response.completed` event.")
        return response

    @property
    def response_id(self) -> str | None:
        return self._state.response_id

    async def _abandon(self) -> None:
        """Leaving on an exception (a cancelled task included): the rest of the turn is not
        read; the session replaces the socket before its next turn."""
        raw, self._raw = self._raw, None
        self._done = True
        if raw is not None:
            await raw.aclose()  # type: ignore[attr-defined]

    async def close(self) -> None:
        """Read what is left of the turn (the socket carries one turn at a time)."""
        raw = self._raw
        if raw is not None and not self._done:
            self._done = True
            async for _ in raw:
                pass


class AsyncResponsesSession:
    """See the module docstring. `async with client.responses.session(model=...) as s`, or
    `s = await client.responses.session(model=...)` then `await s.close()`."""

    def __init__(
        self,
        client: AsyncOpenAI,
        *,
        chain: bool = True,
        keep_history: bool | None = None,
        resend_interrupted: bool = False,
        max_age: float = DEFAULT_MAX_AGE,
        websocket_connection_options: Mapping[str, Any] = {},
        extra_query: Mapping[str, object] = {},
        extra_headers: Mapping[str, Any] = {},
        _pool: AsyncResponsesSessionPool | None = None,
        **defaults: Any,
    ) -> None:
        self._pool = _pool
        self._manager = (
            _pool._manager
            if _pool is not None
            else AsyncResponsesConnectionManager(
                client=client,
                extra_query=extra_query,
                extra_headers=extra_headers,
                websocket_connection_options=websocket_connection_options,
            )
        )
        self._defaults = {k: v for k, v in defaults.items() if not isinstance(v, Omit)}
        _check_turn_options(self._defaults)
        self._chain = chain
        self._keep_history = (
            keep_history if keep_history is not None else self._defaults.get("store") is False
        )
        self._resend_interrupted = resend_interrupted
        self._max_age = max_age
        self._connection: AsyncResponsesConnection | None = None
        self._opened_at = 0.0
        # True from a turn's send to its terminal event: a turn abandoned half-way leaves
        # events on the socket, which is then replaced rather than read by the next turn.
        self._in_turn = False
        self._lock = asyncio.Lock()
        self._closed = False
        self.previous_response_id: str | None = None
        """The id the next turn continues from (None: a fresh conversation)."""
        self.history: list[Any] = []
        """The conversation so far (inputs and outputs), when the session keeps it."""
        self.connections_opened = 0
        """How many sockets this session opened (1 + reconnects and rotations)."""

    # -- lifecycle ------------------------------------------------------------------------
    async def __aenter__(self) -> AsyncResponsesSession:
        await self._ensure_connection()
        return self

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        await self.close()

    def __await__(self) -> Iterator[Any]:
        return self.__aenter__().__await__()

    async def close(self) -> None:
        self._closed = True
        connection, self._connection = self._connection, None
        if connection is not None:
            await connection.close()

    @property
    def connection(self) -> AsyncResponsesConnection | None:
        """The socket in use (the official connection object), if open."""
        return self._connection

    def reset(self) -> None:
        """Start a new conversation on the same socket."""
        self.previous_response_id = None
        self.history = []

    async def _ensure_connection(self) -> AsyncResponsesConnection:
        if self._closed:
            raise WebSocketConnectionClosedError("the session is closed", code=1000)
        connection = self._connection
        if connection is not None and not connection._done and not self._in_turn:
            if time.monotonic() - self._opened_at < self._max_age:
                return connection
            log.info("Rotating a Responses WebSocket older than %.0f s", self._max_age)
        if connection is not None:
            self._connection = None
            await connection.close()
        self._in_turn = False
        connection = await self._manager.enter()
        self._adopt(connection, time.monotonic())
        self.connections_opened += 1
        if self._pool is not None:
            self._pool.opened += 1
        return connection

    def _adopt(self, connection: AsyncResponsesConnection, opened_at: float) -> None:
        self._connection = connection
        self._opened_at = opened_at

    # -- turns ----------------------------------------------------------------------------
    async def create(self, **params: Any) -> Response:
        """Send a turn (`responses.create` parameters) and return its `Response` (completed,
        failed or incomplete, as the HTTP call returns it)."""
        final: Response | None = None
        turn = self._turn(params)
        try:
            async for event in turn:
                if event.type in _TERMINAL:
                    final = event.response
        finally:
            # At once, not when collected: the turn holds the session's lock.
            await turn.aclose()  # type: ignore[attr-defined]
        assert final is not None  # `_turn` ends with a terminal event or raises
        return final

    def stream(self, **params: Any) -> SessionTurn:
        """Send a turn and stream it: `async with session.stream(input=...) as turn:` then
        `async for event in turn` / `await turn.get_final_response()`. Takes `text_format`
        as `responses.stream()` does."""
        return SessionTurn(self, params)

    def _body(self, params: dict[str, Any]) -> dict[str, Any]:
        body = {**self._defaults}
        body.update((k, v) for k, v in params.items() if not isinstance(v, Omit))
        _check_turn_options(body)
        extra_body = body.pop("extra_body", None)
        if extra_body:
            body.update(extra_body)
        body.pop("text_format", None)
        if self._chain and "previous_response_id" not in body and self.previous_response_id:
            body["previous_response_id"] = self.previous_response_id
        return body

    async def _turn(self, params: dict[str, Any]) -> AsyncIterator[Any]:
        """The raw events of one turn, ending with its terminal event. One turn at a time."""
        async with self._lock:
            body = self._body(params)
            new_items = _as_items(body.get("input"))
            recovered = False
            while True:
                try:
                    async for event in self._send_and_read(body):
                        if event.type in _TERMINAL:
                            self._finish(event.response, new_items)
                        yield event
                    return
                except PreviousResponseNotFoundError:
                    if recovered or not self._keep_history or not self.history:
                        raise
                    # The socket lost the conversation: send it whole, once.
                    recovered = True
                    log.info("previous_response_not_found: resending the conversation")
                    body = {k: v for k, v in body.items() if k != "previous_response_id"}
                    body["input"] = [*self.history, *new_items]

    def _finish(self, response: Any, new_items: list[Any]) -> None:
        self.previous_response_id = response.id
        if self._keep_history:
            self.history.extend(new_items)
            self.history.extend(response.output)

    async def _send_and_read(self, body: dict[str, Any]) -> AsyncIterator[Any]:
        connection = await self._ensure_connection()
        # Whatever arrived between turns belongs to no turn: a notice that the server is
        # ending the socket (then it is replaced), or leftovers of an abandoned turn.
        if connection._buffer:
            if self._drain_between_turns(connection):
                connection = await self._ensure_connection()
        event_out = {"type": "response.create", **body}
        try:
            await connection.send(event_out)
        except WebSocketConnectionClosedError:
            # Not written (the socket was found closed): safe to send on a new one.
            connection = await self._ensure_connection()
            await connection.send(event_out)
        self._in_turn = True
        response_id: str | None = None
        last_seq: int | None = None
        while True:
            try:
                event = await connection.recv()
            except WebSocketConnectionClosedError as exc:
                if self._resend_interrupted:
                    log.warning("Response interrupted by close %s: resending (opted in)", exc.code)
                    async for event in self._send_and_read(body):
                        yield event
                    return
                raise ResponseInterruptedError(
                    f"the WebSocket closed (code {exc.code}) while response "
                    f"{response_id or '(not started)'} was streaming; it was not sent again",
                    response_id=response_id,
                    last_sequence_number=last_seq,
                    code=exc.code,
                    reason=exc.reason,
                ) from exc
            kind = event.type
            if kind == "error":
                self._in_turn = False  # an error event ends the turn: nothing follows it
                raise server_error(event)
            seq = getattr(event, "sequence_number", None)
            if isinstance(seq, int):
                last_seq = seq
            if response_id is None:
                response = getattr(event, "response", None)
                response_id = getattr(response, "id", None)
            if kind in _TERMINAL:
                self._in_turn = False
                yield event
                return
            yield event

    def _drain_between_turns(self, connection: AsyncResponsesConnection) -> bool:
        """Drops events that arrived between turns; True when the server announced the end
        of the socket (the next turn goes to a new one)."""
        ending = False
        while connection._buffer:
            item = connection._buffer.popleft()
            if not isinstance(item, bytes):
                continue  # (a reconnection notice: sessions do not reconnect that way)
            event = connection.parse_event(item)
            error = getattr(event, "error", None)
            if event.type == "error" and getattr(error, "code", None) == _CONNECTION_LIMIT:
                ending = True
            else:
                log.debug("Dropped a WebSocket event received between turns: %s", event.type)
        if ending:
            self._connection = None
            asyncio.get_running_loop().create_task(connection.close())
        return ending


class ResponsesSession:
    """The sync client's session: the async one, run on the client's loop."""

    def __init__(self, client: OpenAI, **kwargs: Any) -> None:
        self._runner = client._runner
        self._slot = self._runner.current()
        self._async = AsyncResponsesSession(client._engine, **kwargs)

    def _run(self, coro: Any) -> Any:
        return self._runner.run(coro, self._slot)

    def __enter__(self) -> ResponsesSession:
        self._run(self._async.__aenter__())
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.close()

    def close(self) -> None:
        self._run(self._async.close())

    @property
    def previous_response_id(self) -> str | None:
        return self._async.previous_response_id

    @property
    def history(self) -> list[Any]:
        return self._async.history

    @property
    def connections_opened(self) -> int:
        return self._async.connections_opened

    def reset(self) -> None:
        self._async.reset()

    def create(self, **params: Any) -> Response:
        response: Response = self._run(self._async.create(**params))
        return response

    def stream(self, **params: Any) -> Iterator[Any]:
        """The turn's events (typed and helper events), read in batches on the loop."""
        turn = self._async.stream(**params)
        self._run(turn.__aenter__())
        try:
            while True:
                batch = self._run(_next_batch(turn))
                if not batch:
                    return
                yield from batch
        finally:
            self._run(turn.close())


async def _next_batch(turn: SessionTurn) -> list[Any]:
    """At least one event, plus any already decoded; [] at the end of the turn."""
    try:
        first = await turn.__anext__()
    except StopAsyncIteration:
        return []
    batch = [first]
    while turn._pos < len(turn._pending):
        batch.append(turn._pending[turn._pos])
        turn._pos += 1
    return batch
