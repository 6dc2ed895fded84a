"""Local files for hosted Agents environments: `environments.files.upload()` (one file, uploaded
to the Files API then staged in an environment) and `prepare()` / `prepare_directory()` (files
uploaded for a new environment's `files`), with the SDK's checks: destinations are absolute
POSIX paths under /workspace outside the reserved ones, sources are regular files (no symlinks)
that must not change between selection and upload, and an upload that succeeded stays the
caller's to clean up when a later step fails (it is named in the error)."""

from __future__ import annotations

import asyncio
import os
from collections.abc import Generator, Mapping, Sequence
from contextlib import ExitStack, contextmanager
from dataclasses import dataclass, field
from os import PathLike, fstat
from pathlib import Path, PurePosixPath
from stat import S_ISDIR, S_ISREG
from typing import TYPE_CHECKING, Any, BinaryIO, cast

from ...._exceptions import OpenAIError
from ...._types import Omit

if TYPE_CHECKING:
    from ...._files import FileTypes
    from ....resources.beta.agents.environments.files import AsyncFiles, Files
    from ....types.beta.agents.environments.environment_file import EnvironmentFile
    from ....types.beta.hosted_environment_file_param import HostedEnvironmentFileParam

__all__ = [
    "AgentFilePreparationError",
    "AgentFileStagingError",
    "PreparedAgentFiles",
    "StagedAgentFile",
]


@dataclass(frozen=True)
class _SelectedFile(PathLike[str]):
    """A file chosen from a directory, with the identity it had then (device, inode, size)."""

    path: Path
    identity: tuple[int, int, int]

    def __fspath__(self) -> str:
        return str(self.path)


@dataclass
class PreparedAgentFiles:
    """Beta: file inputs and upload ownership for explicit Files API cleanup."""

    files: list[HostedEnvironmentFileParam] = field(default_factory=list)
    uploaded_file_ids: list[str] = field(default_factory=list)


@dataclass(frozen=True)
class StagedAgentFile:
    """Beta: a staged environment file and its separately owned Files API upload."""

    uploaded_file_id: str
    file: EnvironmentFile


class AgentFilePreparationError(OpenAIError):
    """Beta: preparation failed; successful uploads remain available for cleanup."""

    def __init__(self, prepared: PreparedAgentFiles) -> None:
        super().__init__(
            "Could not prepare all agent files; successful uploads remain caller-owned"
        )
        self.prepared = prepared


class AgentFileStagingError(OpenAIError):
    """Beta: staging failed after upload; the upload remains caller-owned."""

    def __init__(self, uploaded_file_id: str) -> None:
        super().__init__("Could not stage the agent file; the upload remains caller-owned")
        self.uploaded_file_id = uploaded_file_id


def _destination(value: str) -> str:
    components = value.split("/")[1:]
    if not value.startswith("/workspace/") or "\x00" in value or "\\" in value:
        raise ValueError(
            "Agent file destinations must be absolute POSIX file paths under /workspace"
        )
    if any(component in ("", ".", "..") for component in components):
        raise ValueError("Agent file destinations cannot contain empty, dot or parent components")
    if (
        components[1] in (".codex", ".managed-agents")
        or components[1].startswith(".managed-agents-")
        or value == "/workspace/outputs"
    ):
        raise ValueError("Agent file destination uses a reserved environment path")
    return value


def _local_file(value: str | PathLike[str]) -> Path:
    path = Path(value).absolute()
    if path.is_symlink():
        raise ValueError("Selected agent files must not be symlinks")
    if not path.is_file():
        raise ValueError("Selected agent files must be regular files")
    return path


def _open_local(
    path: Path, stack: ExitStack, expected: tuple[int, int, int] | None = None
) -> tuple[BinaryIO, int]:
    before = path.lstat()
    if not S_ISREG(before.st_mode):
        raise ValueError("Selected agent files must be regular files, not symlinks")
    if expected is not None and expected != (before.st_dev, before.st_ino, before.st_size):
        raise ValueError("Selected agent file changed after directory selection")
    handle = stack.enter_context(path.open("rb"))
    opened = fstat(handle.fileno())
    # The file opened is the one checked (not swapped for a symlink or another file meanwhile).
    if (before.st_dev, before.st_ino, before.st_size) != (
        opened.st_dev,
        opened.st_ino,
        opened.st_size,
    ):
        raise ValueError("Selected agent file changed during preparation")
    return handle, opened.st_size


def _unchanged_size(handle: BinaryIO, length: int) -> None:
    if fstat(handle.fileno()).st_size != length:
        raise ValueError("Selected agent file changed during preparation")


def _prepare_selection(
    files: Mapping[str, str | PathLike[str]],
    options: Mapping[str, Any],
    defaults: Mapping[str, Any],
    stack: ExitStack,
) -> list[tuple[str, Path, BinaryIO, int]]:
    headers = {key.lower(): value for key, value in defaults.items()}
    headers.update({key.lower(): value for key, value in (options["extra_headers"] or {}).items()})
    key = headers.get("idempotency-key")
    if len(files) > 1 and key is not None and not isinstance(key, Omit):
        raise ValueError("One Idempotency-Key cannot be reused for multiple file uploads")
    entries = list(files.items())
    destinations = {_destination(destination) for destination, _ in entries}
    for destination in destinations:
        if any(str(parent) in destinations for parent in PurePosixPath(destination).parents):
            raise ValueError("Selected agent files contain duplicate or conflicting destinations")
    selected: list[tuple[str, Path, BinaryIO, int]] = []
    for destination, source in entries:
        local = _local_file(source)
        identity = source.identity if isinstance(source, _SelectedFile) else None
        handle, length = _open_local(local, stack, identity)
        selected.append((destination, local, handle, length))
    return selected


def directory_files(
    root: str | PathLike[str], destination: str, include: Sequence[str]
) -> dict[str, PathLike[str]]:
    """The files under `root` matching the `include` glob patterns, keyed by their destination
    under `destination`. Symlinks anywhere on the way are refused, not followed."""
    directory = Path(root).absolute()
    if isinstance(include, str) or not include:
        raise ValueError("Select directory files with explicit include patterns")
    try:
        root_stat = directory.lstat()
    except (FileNotFoundError, NotADirectoryError):
        root_stat = None
    if root_stat is None or not S_ISDIR(root_stat.st_mode):
        raise ValueError("The selected directory must be a directory, not a symlink")
    # System aliases such as macOS /tmp are allowed above the chosen root.
    directory = directory.resolve()
    if not os.path.samestat(root_stat, directory.lstat()):
        raise ValueError("The selected directory changed during path resolution")
    _destination(destination + "/a")  # validated with the shortest possible file name
    for pattern in include:
        parts = PurePosixPath(pattern)
        if not pattern or parts.is_absolute() or ".." in parts.parts:
            raise ValueError("Include patterns must stay inside the selected directory")
    selected: dict[str, PathLike[str]] = {}
    for pattern in include:
        for source in sorted(directory.glob(pattern)):
            step = source
            while step != directory:
                if step.is_symlink():
                    raise ValueError("Selected agent files must not be symlinks")
                step = step.parent
            if source.is_dir():
                continue
            canonical = source.resolve()
            if not canonical.is_relative_to(directory):
                raise ValueError("Selected agent file is outside the chosen directory")
            metadata = canonical.lstat()
            relative = source.relative_to(directory)
            selected[str(PurePosixPath(destination) / relative.as_posix())] = _SelectedFile(
                canonical, (metadata.st_dev, metadata.st_ino, metadata.st_size)
            )
    if not selected:
        raise ValueError("The include patterns did not select any files")
    return selected


async def async_directory_files(
    root: str | PathLike[str], destination: str, include: Sequence[str]
) -> dict[str, PathLike[str]]:
    # File system walks block: in a worker thread, off the event loop.
    return await asyncio.to_thread(directory_files, root, destination, include)


def _uploaded(prepared: PreparedAgentFiles, file_id: str, destination: str) -> None:
    prepared.uploaded_file_ids.append(file_id)
    prepared.files.append({"type": "file_id", "file_id": file_id, "path": destination})


def prepare(
    resource: Files, files: Mapping[str, str | PathLike[str]], options: dict[str, Any]
) -> PreparedAgentFiles:
    with ExitStack() as stack:
        selected = _prepare_selection(files, options, resource._client.default_headers, stack)
        prepared = PreparedAgentFiles()
        try:
            for destination, source, handle, length in selected:
                _unchanged_size(handle, length)
                uploaded = resource._client.files.create(
                    file=(source.name, handle), purpose="user_data", **options
                )
                _uploaded(prepared, uploaded.id, destination)
        except Exception as error:
            raise AgentFilePreparationError(prepared) from error
        except BaseException as error:
            # Interrupted: the uploads done so far are still the caller's to clean up.
            error.__dict__["prepared"] = prepared
            raise
        return prepared


def _snapshot_selection(
    files: Mapping[str, str | PathLike[str]],
    options: Mapping[str, Any],
    defaults: Mapping[str, Any],
) -> list[tuple[str, _SelectedFile]]:
    # The worker owns every handle it opens, even if its caller is cancelled.
    with ExitStack() as stack:
        selected = _prepare_selection(files, options, defaults, stack)
        paths: list[tuple[str, _SelectedFile]] = []
        for destination, source, handle, length in selected:
            metadata = fstat(handle.fileno())
            identity = (metadata.st_dev, metadata.st_ino, length)
            paths.append((destination, _SelectedFile(source, identity)))
        return paths


async def async_prepare(
    resource: AsyncFiles, files: Mapping[str, str | PathLike[str]], options: dict[str, Any]
) -> PreparedAgentFiles:
    selected = await asyncio.to_thread(
        _snapshot_selection, files, options, resource._client.default_headers
    )
    prepared = PreparedAgentFiles()
    try:
        # One file at a time, read whole in a worker thread (the SDK's order and checks).
        for destination, source in selected:
            content = await asyncio.to_thread(_snapshot_upload, source)
            uploaded = await resource._client.files.create(
                file=content, purpose="user_data", **options
            )
            del content
            _uploaded(prepared, uploaded.id, destination)
    except Exception as error:
        raise AgentFilePreparationError(prepared) from error
    except BaseException as error:
        error.__dict__["prepared"] = prepared
        raise
    return prepared


def _read_local(handle: BinaryIO, length: int) -> bytes:
    _unchanged_size(handle, length)
    content = handle.read(length + 1)
    if len(content) != length:
        raise ValueError("Selected agent file changed during preparation")
    return content


def _snapshot_upload(file: Any) -> Any:
    """A PathLike upload (or a tuple holding one) with its bytes read, checked unchanged."""
    with _upload_content(file) as opened:
        handle = cast(BinaryIO, opened[1])
        content = _read_local(handle, fstat(handle.fileno()).st_size)
        return (opened[0], content, *opened[2:])


@contextmanager
def _upload_content(file: Any) -> Generator[Any, None, None]:
    """`file` with a path opened (and checked as a regular file) as `(name, handle)`."""
    content = file[1] if isinstance(file, tuple) else file
    with ExitStack() as stack:
        if isinstance(content, PathLike):
            path = _local_file(content)
            identity = content.identity if isinstance(content, _SelectedFile) else None
            handle, length = _open_local(path, stack, identity)
            _unchanged_size(handle, length)
            yield (file[0], handle, *file[2:]) if isinstance(file, tuple) else (path.name, handle)
            return
        yield file


def upload(
    resource: Files, environment_id: str, file: FileTypes, path: str, options: dict[str, Any]
) -> StagedAgentFile:
    if not environment_id:
        raise ValueError("Expected a non-empty environment_id")
    destination = _destination(path)
    with _upload_content(file) as content:
        uploaded = resource._client.files.create(file=content, purpose="user_data", **options)
    try:
        staged = resource.create(
            environment_id, type="file_id", file_id=uploaded.id, path=destination, **options
        )
    except Exception as error:
        raise AgentFileStagingError(uploaded.id) from error
    except BaseException as error:
        error.__dict__["uploaded_file_id"] = uploaded.id
        raise
    return StagedAgentFile(uploaded_file_id=uploaded.id, file=staged)


async def async_upload(
    resource: AsyncFiles,
    environment_id: str,
    file: FileTypes,
    path: str,
    options: dict[str, Any],
) -> StagedAgentFile:
    if not environment_id:
        raise ValueError("Expected a non-empty environment_id")
    destination = _destination(path)
    original = file[1] if isinstance(file, tuple) else file
    if isinstance(original, PathLike):
        file = await asyncio.to_thread(_snapshot_upload, file)
    with _upload_content(file) as content:
        uploaded = await resource._client.files.create(file=content, purpose="user_data", **options)
    try:
        staged = await resource.create(
            environment_id, type="file_id", file_id=uploaded.id, path=destination, **options
        )
    except Exception as error:
        raise AgentFileStagingError(uploaded.id) from error
    except BaseException as error:
        error.__dict__["uploaded_file_id"] = uploaded.id
        raise
    return StagedAgentFile(uploaded_file_id=uploaded.id, file=staged)
