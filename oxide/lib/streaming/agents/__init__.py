"""The beta Agents session stream helper (`sessions.stream`) and tool handler types."""

from ._streams import AgentSessionStream as AgentSessionStream
from ._streams import AsyncAgentSessionStream as AsyncAgentSessionStream
from ._types import AsyncToolHandler as AsyncToolHandler
from ._types import ToolHandler as ToolHandler
from ._types import ToolOutput as ToolOutput
