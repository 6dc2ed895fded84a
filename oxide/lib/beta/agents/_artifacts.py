"""`sessions.artifacts.for_result(result)`: the artifacts one completed turn produced, looked
up by path."""

from __future__ import annotations

from os import PathLike
from typing import TYPE_CHECKING, Any

from ...._types import NOT_GIVEN

if TYPE_CHECKING:
    from ...._binary import HttpxBinaryResponseContent
    from ...._types import Body, Headers, NotGiven, Query, Timeout
    from ....resources.beta.agents.sessions.artifacts import Artifacts, AsyncArtifacts
    from ....types.beta.agents.sessions.session_artifact import SessionArtifact
    from ._result import AgentTurnResult

__all__ = ["AgentResultArtifacts", "AsyncAgentResultArtifacts"]


def _options(
    extra_headers: Headers | None, extra_query: Query | None, extra_body: Body | None, timeout: Any
) -> dict[str, Any]:
    return {
        "extra_headers": extra_headers,
        "extra_query": extra_query,
        "extra_body": extra_body,
        "timeout": timeout,
    }


def _select(selected: SessionArtifact | None, artifact: SessionArtifact) -> SessionArtifact:
    if selected is not None:
        raise ValueError("More than one artifact matches this turn and path")
    return artifact


def _found(selected: SessionArtifact | None) -> SessionArtifact:
    if selected is None:
        raise ValueError("No artifact matches this turn and path")
    return selected


class AgentResultArtifacts:
    """Beta: look up immutable artifacts from one completed turn."""

    def __init__(self, resource: Artifacts, result: AgentTurnResult[Any]) -> None:
        self._resource = resource
        self._session_id = result.session_id
        self._turn_id = result.turn_id

    def content(
        self,
        path: str,
        *,
        extra_headers: Headers | None = None,
        extra_query: Query | None = None,
        extra_body: Body | None = None,
        timeout: float | Timeout | None | NotGiven = NOT_GIVEN,
    ) -> HttpxBinaryResponseContent:
        """Read one exact turn/path as a binary response."""
        options = _options(extra_headers, extra_query, extra_body, timeout)
        selected = self._find(path, options)
        return self._resource.content(selected.id, session_id=self._session_id, **options)

    def download(
        self,
        path: str,
        *,
        to: str | PathLike[str],
        extra_headers: Headers | None = None,
        extra_query: Query | None = None,
        extra_body: Body | None = None,
        timeout: float | Timeout | None | NotGiven = NOT_GIVEN,
    ) -> SessionArtifact:
        """Download one exact turn/path to an explicit local destination (streamed)."""
        options = _options(extra_headers, extra_query, extra_body, timeout)
        selected = self._find(path, options)
        with self._resource.with_streaming_response.content(
            selected.id, session_id=self._session_id, **options
        ) as content:
            content.stream_to_file(to)
        return selected

    def _find(self, path: str, options: dict[str, Any]) -> SessionArtifact:
        selected: SessionArtifact | None = None
        for artifact in self._resource.list(self._session_id, **options):
            if (
                artifact.session_id == self._session_id
                and artifact.turn_id == self._turn_id
                and artifact.path == path
            ):
                selected = _select(selected, artifact)
        return _found(selected)


class AsyncAgentResultArtifacts:
    """Beta: async artifact downloads from one completed turn."""

    def __init__(self, resource: AsyncArtifacts, result: AgentTurnResult[Any]) -> None:
        self._resource = resource
        self._session_id = result.session_id
        self._turn_id = result.turn_id

    async def content(
        self,
        path: str,
        *,
        extra_headers: Headers | None = None,
        extra_query: Query | None = None,
        extra_body: Body | None = None,
        timeout: float | Timeout | None | NotGiven = NOT_GIVEN,
    ) -> HttpxBinaryResponseContent:
        """Read one exact turn/path as a binary response."""
        options = _options(extra_headers, extra_query, extra_body, timeout)
        selected = await self._find(path, options)
        return await self._resource.content(selected.id, session_id=self._session_id, **options)

    async def download(
        self,
        path: str,
        *,
        to: str | PathLike[str],
        extra_headers: Headers | None = None,
        extra_query: Query | None = None,
        extra_body: Body | None = None,
        timeout: float | Timeout | None | NotGiven = NOT_GIVEN,
    ) -> SessionArtifact:
        """Download one exact turn/path to an explicit local destination (streamed)."""
        options = _options(extra_headers, extra_query, extra_body, timeout)
        selected = await self._find(path, options)
        async with self._resource.with_streaming_response.content(
            selected.id, session_id=self._session_id, **options
        ) as content:
            await content.stream_to_file(to)
        return selected

    async def _find(self, path: str, options: dict[str, Any]) -> SessionArtifact:
        selected: SessionArtifact | None = None
        async for artifact in self._resource.list(self._session_id, **options):
            if (
                artifact.session_id == self._session_id
                and artifact.turn_id == self._turn_id
                and artifact.path == path
            ):
                selected = _select(selected, artifact)
        return _found(selected)
