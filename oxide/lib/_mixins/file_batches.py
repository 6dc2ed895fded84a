"""`vector_stores.file_batches.upload_and_poll`: upload files concurrently, then create a file
batch from them and poll it until it is processed (the SDK's helper).

The sync form uses a thread pool as the SDK does; oxide's sync client is safe to share between
threads and serves them from one event loop. The async form bounds concurrency with a
semaphore on the running loop (oxide runs on asyncio only)."""

from __future__ import annotations

import asyncio
from collections.abc import Iterable
from concurrent.futures import Future, ThreadPoolExecutor, as_completed
from typing import TYPE_CHECKING, Any

from ..._types import FileTypes, Omit, SequenceNotStr, omit

if TYPE_CHECKING:
    from ...types.file_chunking_strategy_param import FileChunkingStrategyParam
    from ...types.file_object import FileObject
    from ...types.vector_stores.vector_store_file_batch import VectorStoreFileBatch

__all__ = ["AsyncFileBatchesMixin", "FileBatchesMixin"]

if TYPE_CHECKING:  # the resource base the mixin is attached to, for the type checker only
    from ..._resource import AsyncAPIResource as _AsyncBase
    from ..._resource import SyncAPIResource as _SyncBase
else:
    _AsyncBase = _SyncBase = object


class FileBatchesMixin(_SyncBase):
    create_and_poll: Any

    def upload_and_poll(
        self,
        vector_store_id: str,
        *,
        files: Iterable[FileTypes],
        max_concurrency: int = 5,
        file_ids: SequenceNotStr[str] = [],  # noqa: B006  # the SDK's signature; never mutated
        poll_interval_ms: int | Omit = omit,
        chunking_strategy: FileChunkingStrategyParam | Omit = omit,
    ) -> VectorStoreFileBatch:
        """Uploads the given files concurrently and then creates a vector store file batch.

        If you've already uploaded certain files that you want to include in this batch
        then you can pass their IDs through the `file_ids` argument.

        By default, if any file upload fails then an exception will be eagerly raised.

        The number of concurrency uploads is configurable using the `max_concurrency`
        parameter.
        """
        results: list[FileObject] = []
        with ThreadPoolExecutor(max_workers=max_concurrency) as executor:
            futures: list[Future[FileObject]] = [
                executor.submit(self._client.files.create, file=file, purpose="assistants")
                for file in files
            ]
        for future in as_completed(futures):
            exc = future.exception()
            if exc:
                raise exc
            results.append(future.result())
        return self.create_and_poll(  # type: ignore[no-any-return]
            vector_store_id=vector_store_id,
            file_ids=[*file_ids, *(f.id for f in results)],
            poll_interval_ms=poll_interval_ms,
            chunking_strategy=chunking_strategy,
        )


class AsyncFileBatchesMixin(_AsyncBase):
    create_and_poll: Any

    async def upload_and_poll(
        self,
        vector_store_id: str,
        *,
        files: Iterable[FileTypes],
        max_concurrency: int = 5,
        file_ids: SequenceNotStr[str] = [],  # noqa: B006  # the SDK's signature; never mutated
        poll_interval_ms: int | Omit = omit,
        chunking_strategy: FileChunkingStrategyParam | Omit = omit,
    ) -> VectorStoreFileBatch:
        """Uploads the given files concurrently and then creates a vector store file batch.

        If you've already uploaded certain files that you want to include in this batch
        then you can pass their IDs through the `file_ids` argument.

        By default, if any file upload fails then an exception will be eagerly raised.

        The number of concurrency uploads is configurable using the `max_concurrency`
        parameter.
        """
        uploaded: list[FileObject] = []
        semaphore = asyncio.Semaphore(max_concurrency)

        async def upload(file: FileTypes) -> None:
            async with semaphore:
                uploaded.append(await self._client.files.create(file=file, purpose="assistants"))

        await asyncio.gather(*(upload(file) for file in files))
        return await self.create_and_poll(  # type: ignore[no-any-return]
            vector_store_id=vector_store_id,
            file_ids=[*file_ids, *(f.id for f in uploaded)],
            poll_interval_ms=poll_interval_ms,
            chunking_strategy=chunking_strategy,
        )
