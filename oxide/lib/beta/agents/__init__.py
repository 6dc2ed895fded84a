"""Beta helpers for hosted Agents API tools and turn results (the SDK's
`openai.lib.beta.agents`): typed output, local function tools, the session event stream and
its result."""

from ._artifacts import AgentResultArtifacts as AgentResultArtifacts
from ._artifacts import AsyncAgentResultArtifacts as AsyncAgentResultArtifacts
from ._files import AgentFilePreparationError as AgentFilePreparationError
from ._files import AgentFileStagingError as AgentFileStagingError
from ._files import PreparedAgentFiles as PreparedAgentFiles
from ._files import StagedAgentFile as StagedAgentFile
from ._output import agent_text_format as agent_text_format
from ._result import AgentOutputParseError as AgentOutputParseError
from ._result import AgentTurnResult as AgentTurnResult
from ._result import AgentTurnResultError as AgentTurnResultError
from ._stream import AgentSessionEventStream as AgentSessionEventStream
from ._stream import AsyncAgentSessionEventStream as AsyncAgentSessionEventStream
from ._tool_error import AgentToolError as AgentToolError
from ._tools import FunctionTool as FunctionTool
from ._tools import function_tool as function_tool
from ._tools import pydantic_function_tool as pydantic_function_tool
