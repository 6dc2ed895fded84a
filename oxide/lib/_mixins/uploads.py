"""`AsyncUploads.upload_file_chunked`: create an Upload, send the file in parts, complete it
(the SDK's helper; the sync one is generated, it needs nothing oxide lacks). A path is read
part by part on a worker thread (the SDK uses anyio for that; oxide runs on asyncio)."""

from __future__ import annotations

import asyncio
import builtins
import io
import logging
import os
from typing import TYPE_CHECKING, Any, overload

from ..._types import Omit, omit

if TYPE_CHECKING:
    from ...types.file_purpose import FilePurpose
    from ...types.upload import Upload

__all__ = ["AsyncUploadsMixin"]

if TYPE_CHECKING:  # the resource base the mixin is attached to, for the type checker only
    from ..._resource import AsyncAPIResource as _AsyncBase
    from ..._resource import SyncAPIResource as _SyncBase
else:
    _AsyncBase = _SyncBase = object

log = logging.getLogger("openai")

DEFAULT_PART_SIZE = 64 * 1024 * 1024  # the SDK's


class AsyncUploadsMixin(_AsyncBase):
    create: Any
    complete: Any
    parts: Any

    @overload
    async def upload_file_chunked(
        self,
        *,
        file: os.PathLike[str],
        mime_type: str,
        purpose: FilePurpose,
        bytes: int | None = None,
        part_size: int | None = None,
        md5: str | Omit = omit,
    ) -> Upload: ...

    @overload
    async def upload_file_chunked(
        self,
        *,
        file: bytes,
        filename: str,
        bytes: int,
        mime_type: str,
        purpose: FilePurpose,
        part_size: int | None = None,
        md5: str | Omit = omit,
    ) -> Upload: ...

    async def upload_file_chunked(
        self,
        *,
        file: os.PathLike[str] | bytes,
        mime_type: str,
        purpose: FilePurpose,
        filename: str | None = None,
        bytes: int | None = None,
        part_size: int | None = None,
        md5: str | Omit = omit,
    ) -> Upload:
        """Splits an in-memory file or a path into parts and uploads them, then completes the
        Upload (`purpose`, `mime_type` and, for bytes, `filename` and `bytes` as the SDK's)."""
        if isinstance(file, builtins.bytes):
            if filename is None:
                raise TypeError("The `filename` argument must be given for in-memory files")
            if bytes is None:
                raise TypeError("The `bytes` argument must be given for in-memory files")
            reader: Any = io.BytesIO(file)
        else:
            path = os.fspath(file)
            if not filename:
                filename = os.path.basename(path)
            if bytes is None:
                bytes = (await asyncio.to_thread(os.stat, path)).st_size
            reader = await asyncio.to_thread(open, path, "rb")
        size = DEFAULT_PART_SIZE if part_size is None else part_size
        try:
            upload = await self.create(
                bytes=bytes, filename=filename, mime_type=mime_type, purpose=purpose
            )
            part_ids: list[str] = []
            while True:
                data = await asyncio.to_thread(reader.read, size)
                if not data:
                    break
                part = await self.parts.create(upload_id=upload.id, data=data)
                log.info("Uploaded part %s for upload %s", part.id, upload.id)
                part_ids.append(part.id)
        finally:
            reader.close()
        return await self.complete(upload_id=upload.id, part_ids=part_ids, md5=md5)  # type: ignore[no-any-return]
