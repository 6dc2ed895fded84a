"""`client.chat.completions`: create, with and without streaming."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, Literal, overload

from ..._base_client import request_options, strip_not_given
from ..._streaming import AsyncStream, Stream
from ...types.chat.chat_completion import ChatCompletion
from ...types.chat.chat_completion_chunk import ChatCompletionChunk
from .._base import AsyncAPIResource, ParamSpec, SyncAPIResource

if TYPE_CHECKING:
    from typing_extensions import Unpack

    from ..._types import RequestOptions
    from ...types.chat.completion_create_params import CompletionCreateParamsBase

    class CreateArgs(CompletionCreateParamsBase, RequestOptions, total=False):
        pass


__all__ = ["AsyncCompletions", "Completions"]


def _param_types() -> tuple[Any, ...]:
    from ...types.chat import completion_create_params as p

    return (p.CompletionCreateParamsNonStreaming, p.CompletionCreateParamsStreaming)


_CREATE = ParamSpec("create", _param_types)


class AsyncCompletions(AsyncAPIResource):
    __slots__ = ()

    @overload
    async def create(
        self, *, stream: Literal[True], **params: Unpack[CreateArgs]
    ) -> AsyncStream[ChatCompletionChunk]: ...

    @overload
    async def create(
        self, *, stream: Literal[False] | None = ..., **params: Unpack[CreateArgs]
    ) -> ChatCompletion: ...

    @overload
    async def create(
        self, *, stream: bool, **params: Unpack[CreateArgs]
    ) -> ChatCompletion | AsyncStream[ChatCompletionChunk]: ...

    async def create(self, **params: Any) -> ChatCompletion | AsyncStream[ChatCompletionChunk]:
        """Creates a model response for the given chat conversation (`POST /chat/completions`).

        Takes the official SDK's keyword arguments (`model`, `messages`, `tools`, `stream`, ...)
        plus `extra_headers`, `extra_query`, `extra_body` and `timeout`.
        """
        options = request_options(params)
        body = strip_not_given(params)
        _CREATE.check(body)
        return await self._client._request(  # type: ignore[no-any-return]
            "POST",
            "chat/completions",
            ChatCompletion,
            body=body,
            options=options,
            stream=bool(body.get("stream")),
            stream_cls=ChatCompletionChunk,
        )


class Completions(SyncAPIResource):
    __slots__ = ()

    @overload
    def create(
        self, *, stream: Literal[True], **params: Unpack[CreateArgs]
    ) -> Stream[ChatCompletionChunk]: ...

    @overload
    def create(
        self, *, stream: Literal[False] | None = ..., **params: Unpack[CreateArgs]
    ) -> ChatCompletion: ...

    @overload
    def create(
        self, *, stream: bool, **params: Unpack[CreateArgs]
    ) -> ChatCompletion | Stream[ChatCompletionChunk]: ...

    def create(self, **params: Any) -> ChatCompletion | Stream[ChatCompletionChunk]:
        """Sync `chat.completions.create`; streams are iterated in the calling thread."""
        result = self._run(self._async.create(**params))
        if isinstance(result, AsyncStream):
            return Stream(result, self._runner)
        return result  # type: ignore[no-any-return]
