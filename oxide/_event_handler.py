"""Event handlers of WebSocket connections (`on` / `off` / `once`), as the SDK's
`openai._event_handler`: per event type, in registration order; a once-handler is removed when
it is handed out."""

from __future__ import annotations

import threading
from collections.abc import Callable
from typing import Any

__all__ = ["EventHandler", "EventHandlerRegistry"]

EventHandler = Callable[..., Any]


class EventHandlerRegistry:
    """Registry of event handlers, thread-safe when made with `use_lock=True`."""

    def __init__(self, *, use_lock: bool = False) -> None:
        self._handlers: dict[str, list[EventHandler]] = {}
        self._once_ids: set[int] = set()
        self._lock: threading.Lock | None = threading.Lock() if use_lock else None

    def _acquire(self) -> None:
        if self._lock is not None:
            self._lock.acquire()

    def _release(self) -> None:
        if self._lock is not None:
            self._lock.release()

    def add(self, event_type: str, handler: EventHandler, *, once: bool = False) -> None:
        self._acquire()
        try:
            self._handlers.setdefault(event_type, []).append(handler)
            if once:
                self._once_ids.add(id(handler))
        finally:
            self._release()

    def remove(self, event_type: str, handler: EventHandler) -> None:
        self._acquire()
        try:
            handlers = self._handlers.get(event_type)
            if handlers is not None:
                try:
                    handlers.remove(handler)
                except ValueError:
                    pass
                self._once_ids.discard(id(handler))
        finally:
            self._release()

    def get_handlers(self, event_type: str) -> list[EventHandler]:
        """A snapshot of the handlers for `event_type`; once-handlers are removed."""
        self._acquire()
        try:
            handlers = self._handlers.get(event_type)
            if not handlers:
                return []
            result = list(handlers)
            if self._once_ids:
                for handler in result:
                    if id(handler) in self._once_ids:
                        handlers.remove(handler)
                        self._once_ids.discard(id(handler))
            return result
        finally:
            self._release()

    def has_handlers(self, event_type: str) -> bool:
        self._acquire()
        try:
            return bool(self._handlers.get(event_type))
        finally:
            self._release()

    def merge_into(self, target: EventHandlerRegistry) -> None:
        """Move every handler into `target` (keeping once-ness), then clear this registry."""
        self._acquire()
        try:
            for event_type, handlers in self._handlers.items():
                for handler in handlers:
                    target.add(event_type, handler, once=id(handler) in self._once_ids)
            self._handlers.clear()
            self._once_ids.clear()
        finally:
            self._release()
