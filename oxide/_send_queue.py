"""The bounded queue of outgoing WebSocket messages, as the SDK's `openai._send_queue`.

Messages sent while a connection is reconnecting (or before it is open) wait here, as the
serialised text they will go out as, within a byte budget (`WebSocketQueueFullError` beyond
it), and are flushed in order once a socket is open. A failed flush puts the failed message and
everything after it back at the front, so nothing is lost or reordered.
"""

from __future__ import annotations

import threading
from collections.abc import Awaitable, Callable

from ._exceptions import WebSocketQueueFullError

__all__ = ["SendQueue"]


class SendQueue:
    """Bounded byte-size queue for outgoing WebSocket messages."""

    def __init__(self, max_bytes: int = 1_048_576) -> None:
        self._queue: list[tuple[str, int]] = []  # (data, UTF-8 byte length)
        self._bytes = 0
        self._max_bytes = max_bytes
        # The sync client's threads and its loop thread may both touch it.
        self._lock = threading.Lock()

    @property
    def max_bytes(self) -> int:
        return self._max_bytes

    @property
    def size_bytes(self) -> int:
        """The UTF-8 bytes queued now."""
        return self._bytes

    def enqueue(self, data: str) -> None:
        """Append `data`; `WebSocketQueueFullError` if it would exceed the byte budget."""
        byte_length = len(data.encode("utf-8"))
        with self._lock:
            if self._bytes + byte_length > self._max_bytes:
                raise WebSocketQueueFullError("send queue is full, message discarded")
            self._queue.append((data, byte_length))
            self._bytes += byte_length

    def _take(self) -> list[tuple[str, int]]:
        with self._lock:
            pending = self._queue
            self._queue = []
            self._bytes = 0
            return pending

    def _requeue(self, remaining: list[tuple[str, int]]) -> None:
        with self._lock:
            self._queue = remaining + self._queue
            self._bytes = sum(n for _, n in self._queue)

    def flush_sync(self, send: Callable[[str], object]) -> None:
        """Send every queued message through `send`; on a failure the failed message and all
        after it are queued again (ahead of anything queued meanwhile) and the error raised."""
        pending = self._take()
        for i, (data, _) in enumerate(pending):
            try:
                send(data)
            except BaseException:
                self._requeue(pending[i:])
                raise

    async def flush_async(self, send: Callable[[str], Awaitable[object]]) -> None:
        """Async variant of `flush_sync` (a cancelled flush re-queues what it did not send)."""
        pending = self._take()
        for i, (data, _) in enumerate(pending):
            try:
                await send(data)
            except BaseException:
                self._requeue(pending[i:])
                raise

    def drain(self) -> list[str]:
        """Remove and return all queued messages."""
        return [data for data, _ in self._take()]

    def __len__(self) -> int:
        with self._lock:
            return len(self._queue)

    def __bool__(self) -> bool:
        with self._lock:
            return bool(self._queue)
