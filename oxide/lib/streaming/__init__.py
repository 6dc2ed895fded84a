"""Stream helpers: typed events and accumulated state over chat, Responses and Assistants
streams.

The Assistants names load on first use, so that importing the chat or Responses helpers
(`oxide.lib.streaming.chat`, ...) does not import the Assistants types."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from .assistants import (
        AssistantEventHandler,
        AssistantEventHandlerT,
        AssistantStreamManager,
        AsyncAssistantEventHandler,
        AsyncAssistantEventHandlerT,
        AsyncAssistantStreamManager,
    )

__all__ = [
    "AssistantEventHandler",
    "AssistantEventHandlerT",
    "AssistantStreamManager",
    "AsyncAssistantEventHandler",
    "AsyncAssistantEventHandlerT",
    "AsyncAssistantStreamManager",
]


def __getattr__(name: str) -> Any:
    if name in __all__:
        from . import assistants

        value = getattr(assistants, name)
        globals()[name] = value
        return value
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


def __dir__() -> list[str]:
    return sorted([*globals(), *__all__])
