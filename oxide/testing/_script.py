"""Scripted replies: what the mock's "model" answers next, queued by a test.

Without a script the mock plans its answers from the request (echoes, tool calls named in the
prompt, schema-shaped JSON). A test of agent code usually wants the opposite: *this* turn
calls `get_weather`, the next one answers "It is sunny", the one after fails with a 429.
Each queued reply is taken, in order, by the next model call: `POST /chat/completions`,
`POST /responses`, a `response.create` over the Responses WebSocket mode or the Realtime API,
streamed or not as that request asks. Other routes (files, models, ...) never take one, and
the request is still validated as the API would before its reply is taken.

The queue is shared with the server's thread (`MockOpenAI.in_thread`, the pytest fixture), so
it takes a lock.
"""

from __future__ import annotations

import threading
from collections import deque
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import orjson

__all__ = ["Reply", "Script", "ToolCall"]


@dataclass(frozen=True)
class ToolCall:
    """A function call the model makes: `arguments` is a dict (sent as JSON) or a JSON string
    (sent as is, even when it is not valid JSON: agents must cope with that too)."""

    name: str
    arguments: Mapping[str, Any] | str = ""
    call_id: str | None = None

    @property
    def arguments_json(self) -> str:
        if isinstance(self.arguments, str):
            return self.arguments or "{}"
        return orjson.dumps(dict(self.arguments)).decode()


@dataclass(frozen=True)
class Reply:
    """One queued answer: text (streamed as `chunks` when given), tool calls, or an error."""

    text: str | None = None
    chunks: Sequence[str] | None = None
    tool_calls: Sequence[ToolCall] = ()
    error: tuple[int, str | None, str | None] | None = None  # (status, message, code)


class Script:
    def __init__(self) -> None:
        self._queue: deque[Reply] = deque()
        self._lock = threading.Lock()
        self.taken = 0

    def add(self, reply: Reply) -> None:
        with self._lock:
            self._queue.append(reply)

    def take(self) -> Reply | None:
        with self._lock:
            if not self._queue:
                return None
            self.taken += 1
            return self._queue.popleft()

    def pending(self) -> list[Reply]:
        with self._lock:
            return list(self._queue)

    def clear(self) -> None:
        with self._lock:
            self._queue.clear()
