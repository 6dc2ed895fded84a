"""The SDK's convenience properties on beta Agents API objects."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

__all__ = ["AgentSessionMessageMixin"]


class AgentSessionMessageMixin:
    """`AgentSessionMessage.output_text` (`openai/types/beta/agent_session_message.py`)."""

    __slots__ = ()

    if TYPE_CHECKING:
        content: Any

    @property
    def output_text(self) -> str:
        """Join all `output_text` content blocks, returning an empty string if none exist."""
        return "".join(content.text for content in self.content if content.type == "output_text")
