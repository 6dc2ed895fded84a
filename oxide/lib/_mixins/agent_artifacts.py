"""`client.beta.agents.sessions.artifacts.for_result(result)` (`oxide/lib/beta/agents`)."""

from __future__ import annotations

from typing import TYPE_CHECKING, cast

from ..beta.agents._artifacts import AgentResultArtifacts, AsyncAgentResultArtifacts

if TYPE_CHECKING:
    from ...resources.beta.agents.sessions.artifacts import Artifacts, AsyncArtifacts
    from ..beta.agents._result import AgentTurnResult

__all__ = ["ArtifactsMixin", "AsyncArtifactsMixin"]

if TYPE_CHECKING:  # the resource base the mixin is attached to, for the type checker only
    from ..._resource import AsyncAPIResource as _AsyncBase
    from ..._resource import SyncAPIResource as _SyncBase
else:
    _AsyncBase = _SyncBase = object


class ArtifactsMixin(_SyncBase):
    def for_result(
        self,
        result: AgentTurnResult,
    ) -> AgentResultArtifacts:
        """Beta: download artifacts scoped to the exact completed result turn."""
        return AgentResultArtifacts(cast("Artifacts", self), result)


class AsyncArtifactsMixin(_AsyncBase):
    def for_result(
        self,
        result: AgentTurnResult,
    ) -> AsyncAgentResultArtifacts:
        """Beta: download artifacts scoped to the exact completed result turn."""
        return AsyncAgentResultArtifacts(cast("AsyncArtifacts", self), result)
