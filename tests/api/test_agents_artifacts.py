"""`sessions.artifacts.for_result(result)` over real sockets: the artifact of the result's turn
and path is listed, read and downloaded; sync, async and the official SDK on the same server."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import openai
import pytest

import oxide
from oxide.lib.beta.agents import AgentResultArtifacts, AsyncAgentResultArtifacts

from ._agents_server import SESSION_ID, TURN_ID, AgentsServer, agents_server

ENV: Any = {"type": "none"}
PATH = "/workspace/outputs/report.txt"


def artifact(artifact_id: str, path: str, turn_id: str = TURN_ID) -> dict[str, Any]:
    return {
        "id": artifact_id,
        "object": "agent.session.artifact",
        "created_at": 1,
        "environment_id": "env_1",
        "path": path,
        "session_id": SESSION_ID,
        "size_bytes": 6,
        "turn_id": turn_id,
    }


@pytest.fixture
def server() -> Iterator[AgentsServer]:
    with agents_server() as s:
        s.artifacts = [
            artifact("art_old", PATH, turn_id="turn_0"),  # same path, an earlier turn
            artifact("art_1", PATH),
            artifact("art_2", "/workspace/outputs/other.txt"),
        ]
        s.artifact_content = {"art_1": b"report", "art_2": b"other!", "art_old": b"stale!"}
        yield s


def _result(client: Any) -> Any:
    return client.beta.agents.sessions.create(
        environment=ENV, input="hi", stream=True
    ).get_final_result()


def test_for_result_reads_and_downloads_the_turns_artifact(
    server: AgentsServer, tmp_path: Path
) -> None:
    with oxide.OpenAI(api_key="sk-test", base_url=server.url) as client:
        artifacts = client.beta.agents.sessions.artifacts.for_result(_result(client))
        assert isinstance(artifacts, AgentResultArtifacts)
        server.take()
        assert artifacts.content(PATH).read() == b"report"
        target = tmp_path / "report.txt"
        selected = artifacts.download(PATH, to=target)
        with pytest.raises(ValueError, match="No artifact matches this turn and path"):
            artifacts.content("/workspace/outputs/missing.txt")
    assert selected.id == "art_1"
    assert target.read_bytes() == b"report"
    requests = server.take()
    assert [(r["method"], r["path"]) for r in requests[:2]] == [
        ("GET", f"/agents/sessions/{SESSION_ID}/artifacts"),
        ("GET", f"/agents/sessions/{SESSION_ID}/artifacts/art_1/content"),
    ]
    assert requests[1]["headers"]["openai-beta"] == "agents=v1"


def test_two_artifacts_for_one_path_are_ambiguous(server: AgentsServer) -> None:
    server.artifacts.append(artifact("art_dup", PATH))
    with oxide.OpenAI(api_key="sk-test", base_url=server.url) as client:
        artifacts = client.beta.agents.sessions.artifacts.for_result(_result(client))
        with pytest.raises(ValueError, match="More than one artifact"):
            artifacts.content(PATH)


@pytest.mark.asyncio
async def test_async_for_result(server: AgentsServer, tmp_path: Path) -> None:
    async with oxide.AsyncOpenAI(api_key="sk-test", base_url=server.url) as client:
        stream = await client.beta.agents.sessions.create(environment=ENV, input="hi", stream=True)
        result = await stream.get_final_result()
        artifacts = client.beta.agents.sessions.artifacts.for_result(result)
        assert isinstance(artifacts, AsyncAgentResultArtifacts)
        content = await artifacts.content(PATH, extra_headers={"X-Trace": "1"})
        assert content.read() == b"report"
        target = tmp_path / "report.txt"
        assert (await artifacts.download(PATH, to=target)).path == PATH
    assert target.read_bytes() == b"report"
    listed = [r for r in server.take() if r["path"].endswith("/artifacts")]
    assert listed[0]["headers"]["x-trace"] == "1"


def test_for_result_matches_the_official_sdk(server: AgentsServer, tmp_path: Path) -> None:
    def run(client: Any, name: str) -> tuple[bytes, str, bytes]:
        artifacts = client.beta.agents.sessions.artifacts.for_result(_result(client))
        content = artifacts.content(PATH).read()
        target = tmp_path / name
        selected = artifacts.download(PATH, to=target)
        return content, selected.id, target.read_bytes()

    with openai.OpenAI(api_key="sk-test", base_url=server.url) as official:
        theirs = run(official, "theirs")
    their_requests = server.take()
    with oxide.OpenAI(api_key="sk-test", base_url=server.url) as client:
        ours = run(client, "ours")
    our_requests = server.take()
    assert ours == theirs
    assert [(r["method"], r["path"], r["query"]) for r in our_requests] == [
        (r["method"], r["path"], r["query"]) for r in their_requests
    ]
