"""Responses API WebSocket mode: ``GET /responses`` upgraded, one ``response.create`` per turn.

Each turn streams exactly the events ``POST /responses`` with ``stream: true`` would (same builder,
``_server.build_response``), as JSON text frames. What the mock models of the server's state, after
OpenAI's WebSocket-mode guide and the ``ResponsesClientEvent`` / ``ResponseWsError`` schemas:

* Responses made on a socket stay in that connection's memory, so ``previous_response_id`` to one
  of them needs no storage and works with ``store: false``. An id the connection does not hold is
  loaded from storage when it was stored (``store`` not false, over HTTP or any socket; this costs
  ``MockOpenAI.state_load_delay`` like the HTTP path); otherwise the turn gets an ``error`` with
  ``previous_response_not_found``. A new connection (a reconnect, a restart) starts empty.
* A response is kept (in memory, and in ``MockOpenAI.store`` unless ``store: false``) only once it
  completed: one cut off by a close is lost, as the API loses it.
* Without ``stream_id`` one response runs at a time: a ``response.create`` while it streams gets an
  ``error`` (``response_already_in_flight``; OpenAI documents no code for this). With ``stream_id``
  (``^[A-Za-z0-9_.-]{1,256}$``) turns on one lane run FIFO, lanes run concurrently, every event of
  the turn carries the ``stream_id``, and more than ``MockOpenAI.ws_max_streams`` busy lanes gets
  ``websocket_stream_limit_reached``.
* ``background`` is refused (not supported over WebSocket); ``stream`` is ignored (implicit).
* After ``ws_max_age`` seconds no new turn starts, the in-flight ones finish, then an ``error``
  with ``websocket_connection_limit_reached`` and a close with 1000.
"""

from __future__ import annotations

import asyncio
import re
from collections import OrderedDict
from typing import Any

import orjson

from ._server import APIError, BuiltResponse, build_response
from ._ws_session import WsSession

__all__ = ["ResponsesSession"]

_STREAM_ID = re.compile(r"[A-Za-z0-9_.-]{1,256}")
_MAX_CACHED = 1024  # responses one connection remembers (least recently used dropped first)
_TRANSPORT_FIELDS = ("type", "stream_id", "stream")
_Queued = tuple[dict[str, Any], BuiltResponse]


def _limit_text(seconds: float) -> str:
    if seconds >= 60:
        return f"{seconds / 60:g} minutes"
    return f"{seconds:g} seconds"


class ResponsesSession(WsSession):
    protocol = "responses"

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.cache: OrderedDict[str, dict[str, Any]] = OrderedDict()
        self.lanes: dict[str, asyncio.Queue[_Queued]] = {}
        self._default_busy = False
        self._inflight = 0
        self._idle = asyncio.Event()
        self._idle.set()

    # -- protocol hooks --------------------------------------------------------------------

    def error_event(self, err: APIError, client_event: Any = None) -> dict[str, Any]:
        event: dict[str, Any] = {
            "type": "error",
            "status": err.status,
            "error": {
                "type": err.type,
                "code": err.code,
                "message": err.message,
                "param": err.param,
            },
        }
        stream_id = client_event.get("stream_id") if isinstance(client_event, dict) else None
        if isinstance(stream_id, str) and _STREAM_ID.fullmatch(stream_id):
            event["stream_id"] = stream_id
        return event

    def age_limit_error(self) -> APIError:
        return APIError(
            400,
            f"Responses websocket connection limit reached ({_limit_text(self.knobs.max_age)})."
            " Create a new websocket connection to continue.",
            code="websocket_connection_limit_reached",
        )

    def oversized_event(self, size: int) -> dict[str, Any]:
        event: dict[str, Any] = {
            "type": "response.output_text.delta",
            "item_id": "msg_oversized",
            "output_index": 0,
            "content_index": 0,
            "delta": "",
            "logprobs": [],
            "sequence_number": 0,
        }
        event["delta"] = "x" * max(0, size - len(orjson.dumps(event)))
        return event

    async def drain(self) -> None:
        await self._idle.wait()

    async def on_event(self, event: Any) -> None:
        # Everything that can be checked on receipt is, so errors come back in order and an
        # invalid create never occupies a lane; previous_response_id is resolved when the turn
        # runs (a queued turn may continue the one before it on its lane).
        try:
            stream_id = self._check_event(event)
            if self.expiring:
                raise self.age_limit_error()
            self._admit(stream_id)
            built = self._build(event)
        except APIError as err:
            await self.send_error(err, event)
            return
        self._begin()
        if stream_id is None:
            self._default_busy = True
            self.spawn(self._default_turn(event, built))
            return
        lane = self.lanes.get(stream_id)
        if lane is None:
            lane = self.lanes[stream_id] = asyncio.Queue()
            self.spawn(self._lane(stream_id, lane))
        lane.put_nowait((event, built))

    def _admit(self, stream_id: str | None) -> None:
        if stream_id is None and self._default_busy:
            raise APIError(
                400,
                "A response is already in flight on this connection. Wait for it to finish, or"
                " send a stream_id to run responses in parallel.",
                code="response_already_in_flight",
            )
        if stream_id is not None and stream_id not in self.lanes:
            if len(self.lanes) >= self.mock.ws_max_streams:
                raise APIError(
                    400,
                    "This WebSocket connection has reached its stream limit.",
                    param="stream_id",
                    code="websocket_stream_limit_reached",
                )

    def _build(self, event: dict[str, Any]) -> BuiltResponse:
        body = {k: v for k, v in event.items() if k not in _TRANSPORT_FIELDS}
        if body.get("background"):
            raise APIError(
                400,
                "background is not supported in WebSocket mode.",
                param="background",
                code="unsupported_parameter",
            )
        prev = body.get("previous_response_id")
        if prev is not None and not isinstance(prev, str):
            raise APIError(
                400,
                "Invalid type for 'previous_response_id': expected a string.",
                param="previous_response_id",
                code="invalid_type",
            )
        tokens = None
        if self.fault is not None and self.fault.kind == "burst":
            tokens = [f"w{i} " for i in range(self.fault.count)]
        return build_response(body, tokens, self.mock.script)

    @staticmethod
    def _check_event(event: Any) -> str | None:
        """The event's ``stream_id`` (None: the default lane); raises for an invalid event."""
        if not isinstance(event, dict):
            raise APIError(
                400, "Invalid client event: expected a JSON object.", code="invalid_type"
            )
        kind = event.get("type")
        if kind is None:
            raise APIError(
                400,
                "Missing required parameter: 'type'.",
                param="type",
                code="missing_required_parameter",
            )
        if kind != "response.create":
            raise APIError(
                400,
                f"Invalid value: '{kind}'. Supported values are: 'response.create'.",
                param="type",
                code="invalid_value",
            )
        stream_id = event.get("stream_id")
        if stream_id is not None and not (
            isinstance(stream_id, str) and _STREAM_ID.fullmatch(stream_id)
        ):
            raise APIError(
                400,
                "Invalid 'stream_id': expected 1 to 256 characters from [A-Za-z0-9_.-].",
                param="stream_id",
                code="invalid_value",
            )
        return stream_id

    # -- turns -----------------------------------------------------------------------------

    def _begin(self) -> None:
        self._inflight += 1
        self._idle.clear()

    def _end(self) -> None:
        self._inflight -= 1
        if not self._inflight:
            self._idle.set()

    async def _default_turn(self, event: dict[str, Any], built: BuiltResponse) -> None:
        try:
            await self._turn(event, built)
        finally:
            self._default_busy = False
            self._end()

    async def _lane(self, stream_id: str, queue: asyncio.Queue[_Queued]) -> None:
        # FIFO per lane; the lane goes away once empty so stream ids do not pile up.
        while not queue.empty():
            event, built = queue.get_nowait()
            try:
                await self._turn(event, built)
            finally:
                self._end()
        del self.lanes[stream_id]

    async def _turn(self, event: dict[str, Any], built: BuiltResponse) -> None:
        stream_id = event.get("stream_id")
        try:
            await self._load_previous(event.get("previous_response_id"))
        except APIError as err:
            await self.send_error(err, event)
            return
        if self.knobs.turn_delay:
            await asyncio.sleep(self.knobs.turn_delay)
        # A burst goes out back to back, whatever stream_delay says.
        burst = self.fault is not None and self.fault.kind == "burst"
        delay = 0.0 if burst else self.mock.stream_delay
        opts = event.get("stream_options")
        obfuscate = not (isinstance(opts, dict) and opts.get("include_obfuscation") is False)
        events = list(built.events(obfuscate))
        for index, out in enumerate(events):
            if stream_id is not None:
                out["stream_id"] = stream_id
            if index == len(events) - 1:
                # Kept before the terminal event goes out, as the API has it by then: a client
                # continuing from it the moment it arrives must find it.
                self._keep(built)
            await self.send(out)
            if delay:
                await asyncio.sleep(delay)

    def _keep(self, built: BuiltResponse) -> None:
        final = built.final
        self.cache[final["id"]] = final
        while len(self.cache) > _MAX_CACHED:
            self.cache.popitem(last=False)
        if final["store"] is not False:
            self.mock.store.keep(self.mock.store.responses, final["id"], built.stored())

    async def _load_previous(self, prev: str | None) -> None:
        if prev is None:
            return
        if prev in self.cache:
            self.cache.move_to_end(prev)
            return
        if prev in self.mock.store.responses:
            if self.mock.state_load_delay:
                await asyncio.sleep(self.mock.state_load_delay)
            return
        raise APIError(
            400,
            f"Previous response with id '{prev}' not found.",
            param="previous_response_id",
            code="previous_response_not_found",
        )
