"""`client.embeddings.create`, asking for base64 by default like the official SDK.

base64 float32 is a third of the bytes of the float JSON and decodes with `array`, no numpy.
"""

from __future__ import annotations

import binascii
import sys
from array import array
from typing import TYPE_CHECKING, Any, cast

import msgspec

from .._base_client import request_options, strip_not_given
from ..types.create_embedding_response import CreateEmbeddingResponse, Usage
from ..types.embedding import Embedding
from ._base import AsyncAPIResource, ParamSpec, SyncAPIResource

if TYPE_CHECKING:
    from typing_extensions import Unpack

    from .._types import RequestOptions
    from ..types.embedding_create_params import EmbeddingCreateParams

    class CreateArgs(EmbeddingCreateParams, RequestOptions, total=False):
        pass


__all__ = ["AsyncEmbeddings", "Embeddings"]


def _param_types() -> tuple[Any, ...]:
    from ..types.embedding_create_params import EmbeddingCreateParams

    return (EmbeddingCreateParams,)


_CREATE = ParamSpec("create", _param_types)


class _WireEmbedding(msgspec.Struct):
    # What the server sends when we asked for base64 (a compatible server may still send floats).
    embedding: str | list[float]
    index: int
    object: str = "embedding"


class _WireResponse(msgspec.Struct, dict=True):
    data: list[_WireEmbedding]
    model: str
    object: str = "list"
    usage: Usage | None = None


def _floats(item: str | list[float]) -> list[float]:
    if not isinstance(item, str):
        return item
    try:
        raw = binascii.a2b_base64(item)
    except binascii.Error as exc:
        raise ValueError(f"Invalid base64 embedding: {exc}") from exc
    values = array("f", raw)
    if sys.byteorder == "big":  # the wire format is little-endian float32
        values.byteswap()
    return values.tolist()


def _from_wire(wire: _WireResponse) -> CreateEmbeddingResponse:
    if not wire.data:
        raise ValueError("No embedding data received")
    # The wire struct keeps `object` an open str and `usage` optional (lenient decoding);
    # the public types declare the documented values.
    data = [
        Embedding(embedding=_floats(e.embedding), index=e.index, object=cast(Any, e.object))
        for e in wire.data
    ]
    return CreateEmbeddingResponse(
        data=data, model=wire.model, object=cast(Any, wire.object), usage=cast(Any, wire.usage)
    )


class AsyncEmbeddings(AsyncAPIResource):
    __slots__ = ()

    async def create(self, **params: Unpack[CreateArgs]) -> CreateEmbeddingResponse:
        """Creates an embedding vector for the input (`POST /embeddings`)."""
        kwargs: dict[str, Any] = dict(params)
        options = request_options(kwargs)
        body = strip_not_given(kwargs)
        _CREATE.check(body)
        if "encoding_format" in body:
            # The caller chose a format: return exactly what the server sent.
            return await self._client._request(  # type: ignore[no-any-return]
                "POST", "embeddings", CreateEmbeddingResponse, body=body, options=options
            )
        body["encoding_format"] = "base64"
        wire = await self._client._request(
            "POST", "embeddings", _WireResponse, body=body, options=options
        )
        result = _from_wire(wire)
        request_id = getattr(wire, "_request_id", None)
        if request_id is not None:
            result._request_id = request_id
        return result


class Embeddings(SyncAPIResource):
    __slots__ = ()

    def create(self, **params: Unpack[CreateArgs]) -> CreateEmbeddingResponse:
        return self._run(self._async.create(**params))  # type: ignore[no-any-return]
