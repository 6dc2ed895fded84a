# The signatures are the SDK's, copied verbatim (`Union[...]`): compared with the SDK's.
# ruff: noqa: UP007
"""`embeddings.create`, asking for base64 by default like the official SDK.

base64 float32 is a third of the bytes of the float JSON and decodes with `array`, no numpy.
When the caller chose `encoding_format`, the server's answer is returned as sent.
"""

from __future__ import annotations

import binascii
import sys
from array import array
from typing import TYPE_CHECKING, Any, Literal, cast

import msgspec

from ..._base_client import make_request_options
from ..._types import Body, Headers, NotGiven, Omit, Query, SequenceNotStr, Timeout, not_given, omit
from ..._utils import is_given, maybe_transform
from ...types.create_embedding_response import CreateEmbeddingResponse, Usage
from ...types.embedding import Embedding

if TYPE_CHECKING:
    from collections.abc import Iterable
    from typing import Union

    from ...types.embedding_model import EmbeddingModel

__all__ = ["AsyncEmbeddingsMixin", "EmbeddingsMixin"]

if TYPE_CHECKING:  # the resource base the mixin is attached to, for the type checker only
    from ..._resource import AsyncAPIResource as _AsyncBase
    from ..._resource import SyncAPIResource as _SyncBase
else:
    _AsyncBase = _SyncBase = object


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


def _from_wire(wire: Any) -> CreateEmbeddingResponse:
    if isinstance(wire, CreateEmbeddingResponse):
        return wire
    if not wire.data:
        raise ValueError("No embedding data received")
    # The wire struct keeps `object` an open str and `usage` optional (lenient decoding);
    # the public types declare the documented values.
    data = [
        Embedding(embedding=_floats(e.embedding), index=e.index, object=cast(Any, e.object))
        for e in wire.data
    ]
    result = CreateEmbeddingResponse(
        data=data, model=wire.model, object=cast(Any, wire.object), usage=cast(Any, wire.usage)
    )
    request_id = getattr(wire, "_request_id", None)
    if request_id is not None:
        result._request_id = request_id
    return result


def _request(
    input: Any,
    model: Any,
    dimensions: Any,
    encoding_format: Any,
    user: Any,
    extra_headers: Any,
    extra_query: Any,
    extra_body: Any,
    timeout: Any,
) -> dict[str, Any]:
    body = {
        "input": input,
        "model": model,
        "user": user,
        "dimensions": dimensions,
        "encoding_format": encoding_format,
    }
    chosen = is_given(encoding_format)
    if not chosen:
        body["encoding_format"] = "base64"
    return {
        "body": maybe_transform(body),
        "options": make_request_options(
            extra_headers=extra_headers,
            extra_query=extra_query,
            extra_body=extra_body,
            timeout=timeout,
            post_parser=_from_wire,
        ),
        # The caller chose a format: decode exactly what the server sent.
        "cast_to": CreateEmbeddingResponse if chosen else _WireResponse,
    }


class EmbeddingsMixin(_SyncBase):
    def create(
        self,
        *,
        input: Union[str, SequenceNotStr[str], Iterable[int], Iterable[Iterable[int]]],
        model: Union[str, EmbeddingModel],
        dimensions: int | Omit = omit,
        encoding_format: Literal["float", "base64"] | Omit = omit,
        user: str | Omit = omit,
        # Use the following arguments if you need to pass additional parameters to the API that aren't available via kwargs.
        # The extra values given here take precedence over values defined on the client or passed to this method.
        extra_headers: Headers | None = None,
        extra_query: Query | None = None,
        extra_body: Body | None = None,
        timeout: float | Timeout | None | NotGiven = not_given,
    ) -> CreateEmbeddingResponse:
        """Creates an embedding vector representing the input text."""
        args = _request(
            input,
            model,
            dimensions,
            encoding_format,
            user,
            extra_headers,
            extra_query,
            extra_body,
            timeout,
        )
        return self._post("/embeddings", **args)  # type: ignore[no-any-return]


class AsyncEmbeddingsMixin(_AsyncBase):
    async def create(
        self,
        *,
        input: Union[str, SequenceNotStr[str], Iterable[int], Iterable[Iterable[int]]],
        model: Union[str, EmbeddingModel],
        dimensions: int | Omit = omit,
        encoding_format: Literal["float", "base64"] | Omit = omit,
        user: str | Omit = omit,
        # Use the following arguments if you need to pass additional parameters to the API that aren't available via kwargs.
        # The extra values given here take precedence over values defined on the client or passed to this method.
        extra_headers: Headers | None = None,
        extra_query: Query | None = None,
        extra_body: Body | None = None,
        timeout: float | Timeout | None | NotGiven = not_given,
    ) -> CreateEmbeddingResponse:
        """Creates an embedding vector representing the input text."""
        args = _request(
            input,
            model,
            dimensions,
            encoding_format,
            user,
            extra_headers,
            extra_query,
            extra_body,
            timeout,
        )
        return await self._post("/embeddings", **args)
