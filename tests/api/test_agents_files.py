"""`environments.files.upload()` / `.prepare()` / `.prepare_directory()` over real sockets:
uploads to the Files API (multipart, purpose user_data), staging in an environment, directory
selection with include patterns, the SDK's path checks and the caller-owned uploads named in
errors; sync, async and the official SDK on the same server."""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import openai
import pytest

import oxide
from oxide.lib.beta.agents import (
    AgentFilePreparationError,
    AgentFileStagingError,
    PreparedAgentFiles,
    StagedAgentFile,
)

from ._agents_server import AgentsServer, agents_server


@pytest.fixture
def server() -> Iterator[AgentsServer]:
    with agents_server() as s:
        yield s


@pytest.fixture
def project(tmp_path: Path) -> Path:
    root = tmp_path / "project"
    (root / "src" / "pkg").mkdir(parents=True)
    (root / "src" / "pkg" / "a.txt").write_bytes(b"alpha")
    (root / "src" / "b.txt").write_bytes(b"beta")
    (root / "README.md").write_bytes(b"# readme")
    (root / "skip.log").write_bytes(b"no")
    return root


def _uploads(requests: list[dict[str, Any]]) -> list[tuple[str | None, bytes, bytes]]:
    """(file name, content, purpose) of each Files API upload."""
    return [
        (r["form"]["file"][0], r["form"]["file"][1], r["form"]["purpose"][1])
        for r in requests
        if r["path"] == "/files"
    ]


def test_upload_stages_one_file(server: AgentsServer, project: Path) -> None:
    with oxide.OpenAI(api_key="sk-test", base_url=server.url) as client:
        staged = client.beta.agents.environments.files.upload(
            "env_1", file=project / "README.md", path="/workspace/docs/README.md"
        )
    assert isinstance(staged, StagedAgentFile)
    assert staged.uploaded_file_id == "file_1"
    assert staged.file.path == "/workspace/docs/README.md"
    requests = server.take()
    assert _uploads(requests) == [("README.md", b"# readme", b"user_data")]
    assert requests[1]["path"] == "/agents/environments/env_1/files"
    assert requests[1]["body"] == {
        "type": "file_id",
        "file_id": "file_1",
        "path": "/workspace/docs/README.md",
    }


def test_prepare_directory_uploads_the_selected_files(server: AgentsServer, project: Path) -> None:
    with oxide.OpenAI(api_key="sk-test", base_url=server.url) as client:
        prepared = client.beta.agents.environments.files.prepare_directory(
            project, destination="/workspace/project", include=["src/**/*.txt", "*.md"]
        )
    assert isinstance(prepared, PreparedAgentFiles)
    assert prepared.files == [
        {"type": "file_id", "file_id": "file_1", "path": "/workspace/project/src/b.txt"},
        {"type": "file_id", "file_id": "file_2", "path": "/workspace/project/src/pkg/a.txt"},
        {"type": "file_id", "file_id": "file_3", "path": "/workspace/project/README.md"},
    ]
    assert prepared.uploaded_file_ids == ["file_1", "file_2", "file_3"]
    assert _uploads(server.take()) == [
        ("b.txt", b"beta", b"user_data"),
        ("a.txt", b"alpha", b"user_data"),
        ("README.md", b"# readme", b"user_data"),
    ]


@pytest.mark.asyncio
async def test_async_upload_and_prepare(server: AgentsServer, project: Path) -> None:
    async with oxide.AsyncOpenAI(api_key="sk-test", base_url=server.url) as client:
        files = client.beta.agents.environments.files
        staged = await files.upload(
            "env_1", file=("renamed.md", project / "README.md"), path="/workspace/r.md"
        )
        prepared = await files.prepare_directory(
            project, destination="/workspace/p", include=["**/a.txt"]
        )
    assert staged.file.path == "/workspace/r.md"
    assert prepared.files == [
        {"type": "file_id", "file_id": "file_2", "path": "/workspace/p/src/pkg/a.txt"}
    ]
    assert _uploads(server.take()) == [
        ("renamed.md", b"# readme", b"user_data"),
        ("a.txt", b"alpha", b"user_data"),
    ]


def test_bad_selections_fail_before_any_request(
    server: AgentsServer, project: Path, tmp_path: Path
) -> None:
    os.symlink(project / "README.md", project / "link.md")
    with oxide.OpenAI(api_key="sk-test", base_url=server.url) as client:
        files = client.beta.agents.environments.files
        with pytest.raises(ValueError, match="under /workspace"):
            files.upload("env_1", file=project / "README.md", path="/tmp/x")
        with pytest.raises(ValueError, match="reserved environment path"):
            files.prepare({"/workspace/.codex/x": project / "README.md"})
        with pytest.raises(ValueError, match="conflicting destinations"):
            files.prepare(
                {"/workspace/a": project / "README.md", "/workspace/a/b": project / "skip.log"}
            )
        with pytest.raises(ValueError, match="must not be symlinks"):
            files.prepare({"/workspace/l.md": project / "link.md"})
        with pytest.raises(ValueError, match="must not be symlinks"):
            files.prepare_directory(project, destination="/workspace/p", include=["*.md"])
        with pytest.raises(ValueError, match="explicit include patterns"):
            files.prepare_directory(project, destination="/workspace/p", include="*.md")
        with pytest.raises(ValueError, match="inside the selected directory"):
            files.prepare_directory(project, destination="/workspace/p", include=["../*"])
        with pytest.raises(ValueError, match="did not select any files"):
            files.prepare_directory(project, destination="/workspace/p", include=["*.none"])
        with pytest.raises(ValueError, match="Idempotency-Key"):
            files.prepare(
                {"/workspace/a": project / "README.md", "/workspace/b": project / "skip.log"},
                extra_headers={"Idempotency-Key": "k"},
            )
    assert server.take() == []


def test_failures_name_the_uploads_the_caller_owns(server: AgentsServer, project: Path) -> None:
    with oxide.OpenAI(api_key="sk-test", base_url=server.url, max_retries=0) as client:
        files = client.beta.agents.environments.files
        with pytest.raises(AgentFileStagingError) as staging:
            files.upload("env_full", file=project / "README.md", path="/workspace/r.md")
        assert staging.value.uploaded_file_id == "file_1"
        assert isinstance(staging.value.__cause__, oxide.BadRequestError)
        # The second upload is refused: the first stays the caller's, named in the error.
        server.upload_limit = 2
        with pytest.raises(AgentFilePreparationError) as preparation:
            files.prepare(
                {"/workspace/a": project / "README.md", "/workspace/b": project / "skip.log"}
            )
    assert preparation.value.prepared.uploaded_file_ids == ["file_2"]
    assert preparation.value.prepared.files == [
        {"type": "file_id", "file_id": "file_2", "path": "/workspace/a"}
    ]
    assert isinstance(preparation.value.__cause__, oxide.BadRequestError)


def test_prepare_directory_matches_the_official_sdk(server: AgentsServer, project: Path) -> None:
    def run(client: Any) -> Any:
        files = client.beta.agents.environments.files
        prepared = files.prepare_directory(
            project, destination="/workspace/project", include=["src/**/*.txt", "*.md"]
        )
        staged = files.upload("env_1", file=project / "README.md", path="/workspace/r.md")
        return prepared.files, prepared.uploaded_file_ids, staged.file.to_dict()

    with openai.OpenAI(api_key="sk-test", base_url=server.url) as official:
        theirs = run(official)
    their_requests = server.take()
    server._files = 0
    with oxide.OpenAI(api_key="sk-test", base_url=server.url) as client:
        ours = run(client)
    our_requests = server.take()
    assert ours == theirs
    assert _uploads(our_requests) == _uploads(their_requests)
    assert [r["body"] for r in our_requests if r["path"] != "/files"] == [
        r["body"] for r in their_requests if r["path"] != "/files"
    ]


@pytest.mark.asyncio
async def test_async_files_match_the_official_sdk(server: AgentsServer, project: Path) -> None:
    async def run(client: Any) -> Any:
        files = client.beta.agents.environments.files
        prepared = await files.prepare_directory(
            project, destination="/workspace/project", include=["src/**/*.txt", "*.md"]
        )
        staged = await files.upload(
            "env_1", file=("r.md", project / "README.md"), path="/workspace/r.md"
        )
        return prepared.files, staged.uploaded_file_id, staged.file.to_dict()

    async with openai.AsyncOpenAI(api_key="sk-test", base_url=server.url) as official:
        theirs = await run(official)
    their_requests = server.take()
    server._files = 0
    async with oxide.AsyncOpenAI(api_key="sk-test", base_url=server.url) as client:
        ours = await run(client)
    our_requests = server.take()
    assert ours == theirs
    assert _uploads(our_requests) == _uploads(their_requests)
