"""`client.beta.agents.environments.files.upload()` / `.prepare()` / `.prepare_directory()`:
local files for hosted Agents environments (`oxide/lib/beta/agents/_files.py`)."""

from __future__ import annotations

from typing import TYPE_CHECKING, cast

from ..._types import NOT_GIVEN
from ..beta.agents._files import (
    async_directory_files,
    async_prepare,
    async_upload,
    directory_files,
    prepare,
    upload,
)

if TYPE_CHECKING:
    from collections.abc import Mapping, Sequence
    from os import PathLike

    from ..._files import FileTypes
    from ..._types import Body, Headers, NotGiven, Query, Timeout
    from ...resources.beta.agents.environments.files import AsyncFiles, Files
    from ..beta.agents._files import PreparedAgentFiles, StagedAgentFile

__all__ = ["AsyncFilesMixin", "FilesMixin"]

if TYPE_CHECKING:  # the resource base the mixin is attached to, for the type checker only
    from ..._resource import AsyncAPIResource as _AsyncBase
    from ..._resource import SyncAPIResource as _SyncBase
else:
    _AsyncBase = _SyncBase = object


class FilesMixin(_SyncBase):
    def prepare(
        self,
        files: Mapping[str, str | PathLike[str]],
        *,
        extra_headers: Headers | None = None,
        extra_query: Query | None = None,
        extra_body: Body | None = None,
        timeout: float | Timeout | None | NotGiven = NOT_GIVEN,
    ) -> PreparedAgentFiles:
        """Beta: upload selected files for a new hosted environment."""
        return prepare(
            cast("Files", self),
            files,
            {
                "extra_headers": extra_headers,
                "extra_query": extra_query,
                "extra_body": extra_body,
                "timeout": timeout,
            },
        )

    def prepare_directory(
        self,
        root: str | PathLike[str],
        *,
        destination: str,
        include: Sequence[str],
        extra_headers: Headers | None = None,
        extra_query: Query | None = None,
        extra_body: Body | None = None,
        timeout: float | Timeout | None | NotGiven = NOT_GIVEN,
    ) -> PreparedAgentFiles:
        """Beta: prepare an explicitly selected directory snapshot."""
        return self.prepare(
            directory_files(
                root,
                destination,
                include,
            ),
            extra_headers=extra_headers,
            extra_query=extra_query,
            extra_body=extra_body,
            timeout=timeout,
        )

    def upload(
        self,
        environment_id: str,
        *,
        file: FileTypes,
        path: str,
        extra_headers: Headers | None = None,
        extra_query: Query | None = None,
        extra_body: Body | None = None,
        timeout: float | Timeout | None | NotGiven = NOT_GIVEN,
    ) -> StagedAgentFile:
        """Beta: upload and stage one file in an existing environment."""
        return upload(
            cast("Files", self),
            environment_id,
            file,
            path,
            {
                "extra_headers": extra_headers,
                "extra_query": extra_query,
                "extra_body": extra_body,
                "timeout": timeout,
            },
        )


class AsyncFilesMixin(_AsyncBase):
    async def prepare(
        self,
        files: Mapping[str, str | PathLike[str]],
        *,
        extra_headers: Headers | None = None,
        extra_query: Query | None = None,
        extra_body: Body | None = None,
        timeout: float | Timeout | None | NotGiven = NOT_GIVEN,
    ) -> PreparedAgentFiles:
        """Beta: upload selected files for a new hosted environment."""
        return await async_prepare(
            cast("AsyncFiles", self),
            files,
            {
                "extra_headers": extra_headers,
                "extra_query": extra_query,
                "extra_body": extra_body,
                "timeout": timeout,
            },
        )

    async def prepare_directory(
        self,
        root: str | PathLike[str],
        *,
        destination: str,
        include: Sequence[str],
        extra_headers: Headers | None = None,
        extra_query: Query | None = None,
        extra_body: Body | None = None,
        timeout: float | Timeout | None | NotGiven = NOT_GIVEN,
    ) -> PreparedAgentFiles:
        """Beta: prepare an explicitly selected directory snapshot."""
        return await self.prepare(
            await async_directory_files(
                root,
                destination,
                include,
            ),
            extra_headers=extra_headers,
            extra_query=extra_query,
            extra_body=extra_body,
            timeout=timeout,
        )

    async def upload(
        self,
        environment_id: str,
        *,
        file: FileTypes,
        path: str,
        extra_headers: Headers | None = None,
        extra_query: Query | None = None,
        extra_body: Body | None = None,
        timeout: float | Timeout | None | NotGiven = NOT_GIVEN,
    ) -> StagedAgentFile:
        """Beta: upload and stage one file in an existing environment."""
        return await async_upload(
            cast("AsyncFiles", self),
            environment_id,
            file,
            path,
            {
                "extra_headers": extra_headers,
                "extra_query": extra_query,
                "extra_body": extra_body,
                "timeout": timeout,
            },
        )
