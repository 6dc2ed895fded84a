"""`client.models`: list, retrieve, delete."""

from __future__ import annotations

from typing import Any

from .._base_client import request_options
from ..pagination import AsyncPage, AsyncPaginator, PageSpec, SyncPage, sync_page_from
from ..types.model import Model
from ..types.model_deleted import ModelDeleted
from ._base import AsyncAPIResource, SyncAPIResource

__all__ = ["AsyncModels", "Models"]

_PAGE = PageSpec(AsyncPage, Model)


def _model_path(model: str) -> str:
    if not model:
        raise ValueError(f"Expected a non-empty value for `model` but received {model!r}")
    return f"models/{model}"


class AsyncModels(AsyncAPIResource):
    __slots__ = ()

    async def retrieve(self, model: str, **options: Any) -> Model:
        """Retrieves a model instance (`GET /models/{model}`)."""
        return await self._client._request(  # type: ignore[no-any-return]
            "GET", _model_path(model), Model, options=request_options(options)
        )

    def list(self, **options: Any) -> AsyncPaginator[Model]:
        """Lists the available models (`GET /models`): await it for the page, or iterate it."""
        opts = request_options(options)
        client = self._client
        if client._response_mode != "parsed":
            # with_raw_response / with_streaming_response: a coroutine of the raw response.
            return client._request("GET", "models", _PAGE, options=opts)  # type: ignore[return-value]

        async def first_page() -> AsyncPage[Model]:
            return await client._request("GET", "models", _PAGE, options=opts)  # type: ignore[no-any-return]

        return AsyncPaginator(first_page)

    async def delete(self, model: str, **options: Any) -> ModelDeleted:
        """Deletes a fine-tuned model you own."""
        return await self._client._request(  # type: ignore[no-any-return]
            "DELETE", _model_path(model), ModelDeleted, options=request_options(options)
        )


class Models(SyncAPIResource):
    __slots__ = ()

    def retrieve(self, model: str, **options: Any) -> Model:
        return self._run(self._async.retrieve(model, **options))  # type: ignore[no-any-return]

    def list(self, **options: Any) -> SyncPage[Model]:
        result = self._async.list(**options)
        if not isinstance(result, AsyncPaginator):  # a raw-response view
            return self._run(result)
        page: AsyncPage[Model] = self._run(result._first_page())  # type: ignore[arg-type]
        return sync_page_from(page, self._runner, SyncPage)

    def delete(self, model: str, **options: Any) -> ModelDeleted:
        return self._run(self._async.delete(model, **options))  # type: ignore[no-any-return]
