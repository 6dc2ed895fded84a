"""`chat.completions.parse()` and `.stream()`: structured outputs and the typed stream helper.

`parse` is `create` with `response_format` given as a type (msgspec Struct, dataclass,
TypedDict or pydantic model): `choices[i].message.parsed` is an instance of it, and strict
function tools get `parsed_arguments`. It parses in a `post_parser`, so `.parse()` of
`with_raw_response.parse(...)` gives the same `ParsedChatCompletion`.
"""

from __future__ import annotations

import dataclasses
import sys
from typing import TYPE_CHECKING, Any

import msgspec

from ..._streaming import AsyncStream, Stream
from ...types.chat.chat_completion import ChatCompletion
from ...types.chat.chat_completion_chunk import ChatCompletionChunk
from .._parsing import chat_response_format, parse_chat_completion
from .._tools import validate_input_tools
from ..streaming.chat import AsyncChatCompletionStreamManager, ChatCompletionStreamManager
from ._common import ParamSpec, split_call

if TYPE_CHECKING:
    from ..._options import RequestOptions
    from ...types.chat.parsed_chat_completion import ParsedChatCompletion

__all__ = ["AsyncCompletionsMixin", "CompletionsMixin", "validate_response_format"]


def _param_types() -> tuple[Any, ...]:
    from ...types.chat import completion_create_params as p

    return (p.CompletionCreateParamsNonStreaming, p.CompletionCreateParamsStreaming)


_CREATE = ParamSpec("create", _param_types)


def _parse_request(params: dict[str, Any]) -> tuple[dict[str, Any], RequestOptions]:
    response_format = params.get("response_format")
    tools = params.get("tools")
    if isinstance(tools, (list, tuple)):
        validate_input_tools(tools)

    def parser(completion: ChatCompletion) -> ParsedChatCompletion[Any]:
        return parse_chat_completion(  # type: ignore[no-any-return]
            response_format=_given(response_format),
            input_tools=_given(tools),
            chat_completion=completion,
        )

    body, options = split_call(params, "chat.completions.parse", parser)
    if body.get("stream"):
        raise TypeError("parse() does not stream; use stream() instead")
    _format_body(body)
    _CREATE.check(body)
    body["stream"] = False
    return body, options


def _stream_request(params: dict[str, Any]) -> tuple[dict[str, Any], RequestOptions, Any, Any]:
    response_format = _given(params.get("response_format"))
    tools = _given(params.get("tools"))
    body, options = split_call(params, "chat.completions.stream")
    _format_body(body)
    _CREATE.check(body)
    body["stream"] = True
    return body, options, response_format, tools


def _given(value: Any) -> Any:
    from ..._utils import is_given

    return value if value is not None and is_given(value) else None


def _format_body(body: dict[str, Any]) -> None:
    response_format = body.get("response_format")
    if response_format is not None:
        body["response_format"] = chat_response_format(response_format)


class AsyncCompletionsMixin:
    _post: Any

    async def parse(self, **params: Any) -> ParsedChatCompletion[Any]:
        """`create()` parsing the reply into `response_format` (a type); see the module doc."""
        body, options = _parse_request(params)
        return await self._post(  # type: ignore[no-any-return]
            "/chat/completions", body=body, options=options, cast_to=ChatCompletion, stream=False
        )

    def stream(self, **params: Any) -> AsyncChatCompletionStreamManager[Any]:
        """`async with client.chat.completions.stream(...) as stream:` typed events
        (`content.delta`, `tool_calls.function.arguments.done`, ...) and
        `await stream.get_final_completion()`."""
        body, options, response_format, tools = _stream_request(params)
        request = self._post(
            "/chat/completions",
            body=body,
            options=options,
            cast_to=ChatCompletion,
            stream=True,
            stream_cls=AsyncStream[ChatCompletionChunk],
        )
        return AsyncChatCompletionStreamManager(
            request, response_format=response_format, input_tools=tools
        )


class CompletionsMixin:
    _post: Any

    def parse(self, **params: Any) -> ParsedChatCompletion[Any]:
        """`create()` parsing the reply into `response_format` (a type); see the module doc."""
        body, options = _parse_request(params)
        return self._post(  # type: ignore[no-any-return]
            "/chat/completions", body=body, options=options, cast_to=ChatCompletion, stream=False
        )

    def stream(self, **params: Any) -> ChatCompletionStreamManager[Any]:
        """`with client.chat.completions.stream(...) as stream:`"""
        body, options, response_format, tools = _stream_request(params)

        def request() -> Stream[ChatCompletionChunk]:
            return self._post(  # type: ignore[no-any-return]
                "/chat/completions",
                body=body,
                options=options,
                cast_to=ChatCompletion,
                stream=True,
                stream_cls=Stream[ChatCompletionChunk],
            )

        return ChatCompletionStreamManager(
            request, response_format=response_format, input_tools=tools
        )


def validate_response_format(response_format: object) -> None:
    """`create()` refuses a type as `response_format` (the SDK's check, for pydantic models;
    oxide's also for Structs and dataclasses): parsing into a type is `parse()`'s job."""
    if isinstance(response_format, type):
        pydantic = sys.modules.get("pydantic")
        if (pydantic is not None and issubclass(response_format, pydantic.BaseModel)) or (
            issubclass(response_format, msgspec.Struct) or dataclasses.is_dataclass(response_format)
        ):
            raise TypeError(
                "You tried to pass a `BaseModel` class to `chat.completions.create()`; You must "
                "use `chat.completions.parse()` instead"
            )
