"""The lane router shared by the sync and async sessions: limits, errors, per-lane queues and
final-response collection (the SDK's `_session.py` internals, on oxide's Structs).

Thread-safe: the async session's reader and its lanes run on one loop, the sync session's
reader runs on the client's loop while its lanes wait in the caller's threads, so every
change happens under `_Router.condition` (a `threading.Condition`; async lanes also get an
`asyncio.Event` per lane, set under it).
"""

from __future__ import annotations

import asyncio
import copy
import re
import threading
from collections import deque
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, cast
from weakref import WeakSet

import msgspec

from ..._models import BaseModel
from .._parsing import parse_response
from .._websocket._connection import encode_event

if TYPE_CHECKING:
    from ...types.responses.response import Response
    from ...types.responses.responses_server_event import ResponsesServerEvent
    from .._websocket.responses import AsyncResponsesConnection

__all__ = [
    "ResponsesWebSocketBufferError",
    "ResponsesWebSocketError",
    "ResponsesWebSocketLimits",
]

_STREAM_ID = re.compile(r"[A-Za-z0-9_.-]{1,256}")
_TERMINAL = frozenset({"response.completed", "response.failed", "response.incomplete"})


@dataclass(frozen=True)
class ResponsesWebSocketLimits:
    """Application-selected limits for the opt-in session, not server limits.

    Byte counts use received message bytes, before parsing. They bound
    buffered event data, not transport framing, decoding, or Python object overhead.
    ``max_response_bytes`` optionally bounds the total event data fed into one
    accumulator; its default of ``None`` leaves response accumulation uncapped.
    Choose values appropriate to your output, including images and tool results.
    """

    max_lanes: int
    max_events_per_lane: int
    max_events: int
    max_bytes_per_lane: int
    max_bytes: int
    max_response_bytes: int | None = None

    def __post_init__(self) -> None:
        for name, value in vars(self).items():
            if name == "max_response_bytes" and value is None:
                continue
            if not isinstance(value, int) or isinstance(value, bool) or value <= 0:
                raise ValueError("WebSocket session limits must be positive integers")


class ResponsesWebSocketBufferError(RuntimeError):
    """A session or response exceeded an application-selected buffer limit."""


class ResponsesWebSocketError(RuntimeError):
    """A request-scoped protocol error. The original event is available as ``event``."""

    def __init__(self, event: ResponsesServerEvent) -> None:
        super().__init__("The Responses WebSocket request returned an error event")
        self.event = event


# One session per connection, whichever thread or loop enters it.
_claimed: WeakSet[object] = WeakSet()
_claim_lock = threading.Lock()


def _claim(connection: object) -> None:
    with _claim_lock:
        if connection in _claimed:
            raise RuntimeError("This connection already has a WebSocket session")
        _claimed.add(connection)


def _release(connection: object) -> None:
    with _claim_lock:
        _claimed.discard(connection)


def _field(event: object, name: str) -> Any:
    """A field of a typed event, an unknown one (`UnknownVariant`, a dict) or a dict; a field
    the server left out (msgspec's `UNSET`) reads None, as the SDK's pydantic models."""
    if isinstance(event, dict):
        return cast("dict[str, Any]", event).get(name)
    value = getattr(event, name, None)
    return None if value is msgspec.UNSET else value


def _command(event: object, stream_id: str | None) -> tuple[bytes, bool]:
    """The frame for a lane's client event: a `response.create` gets the lane's `stream_id`
    (a conflicting one is refused); other commands (steering) keep their fields."""
    if isinstance(event, BaseModel):
        data: dict[str, Any] = event.to_dict(exclude_unset=True)
    elif isinstance(event, dict):
        data = dict(cast("dict[str, Any]", event))
    else:
        raise TypeError(
            f"A Responses WebSocket client event is a dict or an event object, not "
            f"{type(event).__name__}"
        )
    is_create = data.get("type") == "response.create"
    if is_create:
        if "stream_id" in data and data["stream_id"] != stream_id:
            raise ValueError("The command stream_id does not match its lane")
        if stream_id is not None:
            data["stream_id"] = stream_id
    return encode_event(data), is_create


def _identity(item: Any) -> tuple[Any, Any, Any]:
    """What names an output item across events (the SDK stream state's `_output_identity`):
    tool calls by `call_id`, since their `id` can be left out."""
    kind, call_id = _field(item, "type"), _field(item, "call_id")
    if kind in ("function_call", "custom_tool_call", "shell_call", "shell_call_output"):
        return kind, None, call_id
    return kind, _field(item, "id"), call_id


def _compatible(previous: Any, replacement: Any) -> bool:
    previous_id = _field(previous, "id")
    return previous_id == _field(replacement, "id") or (
        previous_id is None and _field(previous, "type") in ("function_call", "custom_tool_call")
    )


class _Collector:
    """One lane's final response: the terminal event's `Response`, with an omitted output
    filled from the finalized items (`response.output_item.done`). Deltas are not needed: a
    WebSocket stream need not send the SSE item/part setup events. The consistency checks
    (and their messages) are those of the SDK's stream state, which its session feeds the
    same three event types."""

    def __init__(self, limit: int | None) -> None:
        self.limit = limit
        self.size = 0
        self.active = False  # a response.created was seen: collecting its items
        self.response_id: Any = None
        self.added: dict[int, Any] = {}  # items the created response already listed
        self.items: dict[int, Any] = {}  # finalized items by output index
        self.positions: dict[tuple[Any, Any, Any], int] = {}
        self.final: Response | None = None
        self.error: Exception | None = None

    def _start(self, response: Any) -> None:
        self.active = True
        self.response_id = _field(response, "id")
        self.added = dict(enumerate(_field(response, "output") or []))
        self.items = {}
        self.positions = {}

    def _item_done(self, index: int, item: Any) -> None:
        added = self.added.get(index)
        if added is not None and (
            _identity(added) != _identity(item) or not _compatible(added, item)
        ):
            raise RuntimeError("Completed output item identity changed.")
        identity = _identity(item)
        position = self.positions.get(identity)
        if position is not None and position != index:
            raise RuntimeError("Response snapshot has conflicting output identities.")
        previous = self.items.get(index)
        if previous is not None:
            del self.positions[_identity(previous)]
        # A copy: the caller may change the event it received.
        self.items[index] = copy.deepcopy(item)
        self.positions[identity] = index

    def _check_completed(self, response: Any) -> None:
        if _field(response, "id") != self.response_id:
            raise RuntimeError("Lifecycle response identity changed.")
        final_items = {_identity(item): item for item in _field(response, "output") or []}
        for item in self.items.values():
            final_item = final_items.get(_identity(item))
            if final_item is not None and not _compatible(item, final_item):
                raise RuntimeError("Completed response output identity changed.")
        for index, item in self.added.items():
            final_item = final_items.get(_identity(item))
            if index not in self.items and (
                final_item is None or not _compatible(item, final_item)
            ):
                raise RuntimeError("Cannot complete response with unfinished output items.")

    def add(self, event: ResponsesServerEvent, size: int) -> None:
        kind = _field(event, "type")
        if kind == "response.created":
            self.size = 0
            self.final = None
            self.error = None
            self._start(_field(event, "response"))
        if kind == "error":
            self.active = False
            self.size = 0
            self.final = None
            self.error = ResponsesWebSocketError(event)
            return
        if self.error is not None:
            return
        compatible = kind in {"response.created", "response.output_item.done", "response.completed"}
        terminal = kind in _TERMINAL
        if terminal and _field(event, "response") is None:
            raise ValueError("Terminal WebSocket event is missing response")
        if compatible or terminal:
            self.size += size
            if self.limit is not None and self.size > self.limit:
                self.active = False
                self.final = None
                raise ResponsesWebSocketBufferError(
                    "Response accumulation exceeded max_response_bytes"
                )
        if self.active and kind == "response.output_item.done":
            self._item_done(_field(event, "output_index"), _field(event, "item"))
        if terminal:
            response: Any = _field(event, "response")
            if kind == "response.completed" and self.active:
                self._check_completed(response)
            if self.active and _field(response, "output") is None:
                output = [self.items[index] for index in sorted(self.items)]
                response = response.model_copy(update={"output": output})
            if kind == "response.completed" and self.active:
                # As the SDK's stream accumulator: a `ParsedResponse` (no text format).
                response = parse_response(text_format=None, input_tools=[], response=response)
            self.final = response
            self.active = False
            self.size = 0


class _LaneState:
    def __init__(self, stream_id: str | None, limit: int | None) -> None:
        self.stream_id = stream_id
        self.queue: deque[tuple[ResponsesServerEvent, int]] = deque()
        self.size = 0
        self.closed = False
        self.failure: ResponsesWebSocketBufferError | None = None
        self.in_flight = False
        self.closed_connection: object | None = None
        self.received_generation = 0
        self.consumed_generation = 0
        self.wake = asyncio.Event()  # async lanes only; set under the router's condition
        self.accumulator = _Collector(limit)


class _Router:
    def __init__(
        self,
        limits: ResponsesWebSocketLimits,
        connection: AsyncResponsesConnection,
        *,
        isolate_lane_overflow: bool = False,
    ) -> None:
        if not isinstance(limits, ResponsesWebSocketLimits):
            raise TypeError("limits must be a ResponsesWebSocketLimits")
        self.connection = connection
        self.limits = limits
        self.isolate_lane_overflow = isolate_lane_overflow
        self.condition = threading.Condition()
        self.lanes: dict[str | None, _LaneState] = {}
        self.events = 0
        self.size = 0
        self.ended = False
        self.error: BaseException | None = None
        self.default = self.register(None)

    def register(self, stream_id: object) -> _LaneState:
        if stream_id is not None and (
            not isinstance(stream_id, str) or _STREAM_ID.fullmatch(stream_id) is None
        ):
            raise ValueError(
                "stream_id must be None or 1–256 ASCII letters, digits, underscores, hyphens "
                "or periods"
            )
        with self.condition:
            if self.ended:
                raise RuntimeError("The WebSocket session has ended")
            if stream_id in self.lanes:
                raise ValueError("A lane with this stream_id is already registered")
            if len(self.lanes) >= self.limits.max_lanes:
                raise ResponsesWebSocketBufferError("The session exceeded max_lanes")
            lane = _LaneState(stream_id, self.limits.max_response_bytes)
            self.lanes[stream_id] = lane
            if stream_id is None:
                self.default = lane
            return lane

    def detach(self, lane: _LaneState) -> None:
        with self.condition:
            if lane.closed:
                return
            lane.closed = True
            lane.closed_connection = self.connection._connection
            self.events -= len(lane.queue)
            self.size -= lane.size
            lane.queue.clear()
            lane.size = 0
            lane.accumulator = _Collector(self.limits.max_response_bytes)
            # A terminal can be followed by an automatic steering successor.
            # Keep every registered ID and its max_lanes slot until reconnect.
            lane.wake.set()
            self.condition.notify_all()

    def _fail(self, lane: _LaneState) -> None:
        if not lane.closed:
            lane.failure = ResponsesWebSocketBufferError(
                "The lane exceeded its buffered event limits"
            )
            self.detach(lane)

    def reconnected(self, connection: object) -> None:
        with self.condition:
            for stream_id, lane in list(self.lanes.items()):
                if lane.closed and lane.closed_connection is not connection:
                    # A lane closed on the new socket must survive cleanup,
                    # including when it was registered before reconnect.
                    del self.lanes[stream_id]

    def dispatch(self, event: ResponsesServerEvent, size: int) -> None:
        with self.condition:
            if self.ended:
                return
            stream_id = _field(event, "stream_id")
            lane = self.lanes.get(stream_id, self.default)
            if lane.failure is not None:
                return
            if lane.closed:
                lane = self.default
            if lane.closed:
                return
            limits = self.limits
            if self.isolate_lane_overflow:
                if (
                    len(lane.queue) >= limits.max_events_per_lane
                    or lane.size + size > limits.max_bytes_per_lane
                    or size > limits.max_bytes
                ):
                    self._fail(lane)
                    return
            elif (
                len(lane.queue) >= limits.max_events_per_lane
                or self.events >= limits.max_events
                or lane.size + size > limits.max_bytes_per_lane
                or self.size + size > limits.max_bytes
            ):
                raise ResponsesWebSocketBufferError(
                    "The session exceeded its buffered event limits"
                )
            lane.queue.append((event, size))
            if stream_id == lane.stream_id and _field(event, "type") == "response.created":
                lane.received_generation += 1
                lane.in_flight = True
            lane.size += size
            self.size += size
            self.events += 1
            if self.isolate_lane_overflow:
                while self.events > limits.max_events or self.size > limits.max_bytes:
                    byte_pressure = self.size > limits.max_bytes
                    largest, largest_size = lane, 0
                    for candidate in self.lanes.values():
                        # Exclude this incoming event once; ties follow registration order.
                        backlog = candidate.size if byte_pressure else len(candidate.queue)
                        if candidate is lane:
                            backlog -= size if byte_pressure else 1
                        if backlog > largest_size:
                            largest, largest_size = candidate, backlog
                    self._fail(largest)
            lane.wake.set()
            self.condition.notify_all()

    def finish(self, error: BaseException | None = None) -> None:
        with self.condition:
            self.ended = True
            if self.error is None:
                self.error = error
            for lane in self.lanes.values():
                lane.wake.set()
            self.condition.notify_all()

    def pop(self, lane: _LaneState) -> ResponsesServerEvent | None:
        """The lane's next event, None when none is queued yet (the caller holds the
        condition and dequeues with no await after)."""
        if lane.failure is not None:
            raise lane.failure
        if lane.closed:
            raise EOFError("The WebSocket lane is detached")
        if lane.queue:
            event, size = lane.queue.popleft()
            lane.size -= size
            self.size -= size
            self.events -= 1
            # Unregistered named streams remain visible on the default lane,
            # but cannot change that lane's response or in-flight state.
            if _field(event, "stream_id") != lane.stream_id:
                return event
            try:
                lane.accumulator.add(event, size)
            except Exception as exc:
                lane.accumulator.error = exc
                lane.accumulator.active = False
            kind = _field(event, "type")
            if kind == "response.created":
                lane.consumed_generation += 1
                lane.in_flight = True
            elif kind in _TERMINAL or kind == "error":
                lane.in_flight = lane.received_generation > lane.consumed_generation
            return event
        if self.ended:
            if self.error is not None:
                raise self.error
            raise EOFError("The WebSocket connection closed")
        return None

    def prepare(self, lane: _LaneState, is_create: bool) -> None:
        with self.condition:
            if self.ended or lane.closed:
                raise RuntimeError("The WebSocket session or lane is not active")
            if is_create:
                if lane.in_flight:
                    raise RuntimeError(
                        "Consume the current response before sending another create on this lane"
                    )
                lane.accumulator = _Collector(self.limits.max_response_bytes)
                lane.in_flight = True
