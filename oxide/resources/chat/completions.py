"""`client.chat.completions`: create, with and without streaming."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, Literal, overload

from ..._base_client import request_options, strip_not_given
from ..._streaming import AsyncStream, Stream
from ...lib._parsing import parse_chat_completion
from ...lib._tools import validate_input_tools
from ...lib.streaming.chat import AsyncChatCompletionStreamManager, ChatCompletionStreamManager
from ...types.chat.chat_completion import ChatCompletion
from ...types.chat.chat_completion_chunk import ChatCompletionChunk
from ...types.chat.parsed_chat_completion import ParsedChatCompletion
from .._base import AsyncAPIResource, ParamSpec, SyncAPIResource, helper_options

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

    async def parse(self, **params: Any) -> ParsedChatCompletion[Any]:
        """`create()` with `response_format` given as a type (msgspec Struct, dataclass,
        TypedDict or pydantic model): the result's `choices[i].message.parsed` is an instance
        of it, and strict function tools get `parsed_arguments`."""
        body, options, response_format, tools = _helper_request(params, "chat.completions.parse")
        if body.get("stream"):
            raise TypeError("parse() does not stream; use stream() instead")
        completion = await self._client._request(
            "POST", "chat/completions", ChatCompletion, body=body, options=options
        )
        if isinstance(completion, ChatCompletion):
            return parse_chat_completion(  # type: ignore[no-any-return]
                response_format=response_format, input_tools=tools, chat_completion=completion
            )
        return completion  # type: ignore[no-any-return]  # a raw-response view

    def stream(self, **params: Any) -> AsyncChatCompletionStreamManager[Any]:
        """`async with client.chat.completions.stream(...) as stream:` typed events
        (`content.delta`, `tool_calls.function.arguments.done`, ...) and
        `await stream.get_final_completion()`."""
        body, options, response_format, tools = _helper_request(params, "chat.completions.stream")
        body["stream"] = True
        request = self._client._request(
            "POST",
            "chat/completions",
            ChatCompletion,
            body=body,
            options=options,
            stream=True,
            stream_cls=ChatCompletionChunk,
        )
        return AsyncChatCompletionStreamManager(
            request, response_format=response_format, input_tools=tools
        )


def _helper_request(
    params: dict[str, Any], helper: str
) -> tuple[dict[str, Any], dict[str, Any], Any, Any]:
    """Body and options of a parse()/stream() call: response_format as a schema, the SDK's
    helper header, tools checked for auto-parsing."""
    from ...lib._parsing import chat_response_format

    options = helper_options(request_options(params), helper)
    body = strip_not_given(params)
    response_format = body.get("response_format")
    if response_format is not None:
        body["response_format"] = chat_response_format(response_format)
    tools = body.get("tools")
    if helper == "chat.completions.parse" and tools is not None:
        validate_input_tools(tools)
    _CREATE.check(body)
    return body, options, response_format, tools


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

    def parse(self, **params: Any) -> ParsedChatCompletion[Any]:
        """Sync `chat.completions.parse`."""
        return self._run(self._async.parse(**params))

    def stream(self, **params: Any) -> ChatCompletionStreamManager[Any]:
        """`with client.chat.completions.stream(...) as stream:`"""
        manager = self._async.stream(**params)

        def request() -> Stream[ChatCompletionChunk]:
            return Stream(self._run(manager._api_request), self._runner)

        return ChatCompletionStreamManager(
            request, response_format=manager._response_format, input_tools=manager._input_tools
        )
