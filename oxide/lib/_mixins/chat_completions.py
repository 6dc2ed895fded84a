# The signatures below are the SDK's, copied verbatim (`Optional[...]`, `Union[...]`, `Dict`):
# the SDK's own tests compare their annotation text with `create`'s, which is generated.
# ruff: noqa: UP006, UP007, UP035, UP045
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
from ..._types import not_given, omit
from ...types.chat.chat_completion import ChatCompletion
from ...types.chat.chat_completion_chunk import ChatCompletionChunk
from .._parsing import chat_response_format, parse_chat_completion
from .._tools import validate_input_tools
from ..streaming.chat import AsyncChatCompletionStreamManager, ChatCompletionStreamManager
from ._common import ParamSpec, split_call

if TYPE_CHECKING:
    # The names of the SDK's signatures (copied verbatim so they compare equal to `create`'s).
    from collections.abc import Iterable
    from typing import Dict, List, Literal, Optional, Union

    from ..._options import RequestOptions
    from ..._types import Body, Headers, NotGiven, Omit, Query, SequenceNotStr, Timeout
    from ...types.chat import completion_create_params
    from ...types.chat.chat_completion_audio_param import ChatCompletionAudioParam
    from ...types.chat.chat_completion_message_param import ChatCompletionMessageParam
    from ...types.chat.chat_completion_prediction_content_param import (
        ChatCompletionPredictionContentParam,
    )
    from ...types.chat.chat_completion_stream_options_param import (
        ChatCompletionStreamOptionsParam,
    )
    from ...types.chat.chat_completion_tool_choice_option_param import (
        ChatCompletionToolChoiceOptionParam,
    )
    from ...types.chat.chat_completion_tool_union_param import ChatCompletionToolUnionParam
    from ...types.chat.parsed_chat_completion import ParsedChatCompletion
    from ...types.shared.chat_model import ChatModel
    from ...types.shared.reasoning_effort import ReasoningEffort
    from ...types.shared_params.metadata import Metadata
    from ..streaming.chat._stream import ResponseFormatT

__all__ = ["AsyncCompletionsMixin", "CompletionsMixin", "validate_response_format"]

if TYPE_CHECKING:  # the resource base the mixin is attached to, for the type checker only
    from ..._resource import AsyncAPIResource as _AsyncBase
    from ..._resource import SyncAPIResource as _SyncBase
else:
    _AsyncBase = _SyncBase = object


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


def _params(args: dict[str, Any]) -> dict[str, Any]:
    """A method's arguments (its `locals()` on entry) without `self`."""
    args.pop("self", None)
    return args


class CompletionsMixin(_SyncBase):
    def parse(
        self,
        *,
        messages: Iterable[ChatCompletionMessageParam],
        model: Union[str, ChatModel],
        audio: Optional[ChatCompletionAudioParam] | Omit = omit,
        response_format: type[ResponseFormatT] | Omit = omit,
        frequency_penalty: Optional[float] | Omit = omit,
        function_call: completion_create_params.FunctionCall | Omit = omit,
        functions: Iterable[completion_create_params.Function] | Omit = omit,
        logit_bias: Optional[Dict[str, int]] | Omit = omit,
        logprobs: Optional[bool] | Omit = omit,
        max_completion_tokens: Optional[int] | Omit = omit,
        max_tokens: Optional[int] | Omit = omit,
        metadata: Optional[Metadata] | Omit = omit,
        modalities: Optional[List[Literal["text", "audio"]]] | Omit = omit,
        moderation: Optional[completion_create_params.Moderation] | Omit = omit,
        n: Optional[int] | Omit = omit,
        parallel_tool_calls: bool | Omit = omit,
        prediction: Optional[ChatCompletionPredictionContentParam] | Omit = omit,
        presence_penalty: Optional[float] | Omit = omit,
        prompt_cache_key: Optional[str] | Omit = omit,
        prompt_cache_options: completion_create_params.PromptCacheOptions | Omit = omit,
        prompt_cache_retention: Optional[Literal["in_memory", "24h"]] | Omit = omit,
        reasoning_effort: Optional[ReasoningEffort] | Omit = omit,
        safety_identifier: Optional[str] | Omit = omit,
        seed: Optional[int] | Omit = omit,
        service_tier: Optional[Literal["auto", "default", "flex", "scale", "priority", "fast"]]
        | Omit = omit,
        stop: Union[str, SequenceNotStr[str], None] | Omit = omit,
        store: Optional[bool] | Omit = omit,
        stream_options: Optional[ChatCompletionStreamOptionsParam] | Omit = omit,
        temperature: Optional[float] | Omit = omit,
        tool_choice: ChatCompletionToolChoiceOptionParam | Omit = omit,
        tools: Iterable[ChatCompletionToolUnionParam] | Omit = omit,
        top_logprobs: Optional[int] | Omit = omit,
        top_p: Optional[float] | Omit = omit,
        user: str | Omit = omit,
        verbosity: Optional[Literal["low", "medium", "high"]] | Omit = omit,
        web_search_options: completion_create_params.WebSearchOptions | Omit = omit,
        # Use the following arguments if you need to pass additional parameters to the API that aren't available via kwargs.
        # The extra values given here take precedence over values defined on the client or passed to this method.
        extra_headers: Headers | None = None,
        extra_query: Query | None = None,
        extra_body: Body | None = None,
        timeout: float | Timeout | None | NotGiven = not_given,
    ) -> ParsedChatCompletion[ResponseFormatT]:
        """Wrapper over the `client.chat.completions.create()` method that provides richer integrations with Python specific types
        & returns a `ParsedChatCompletion` object, which is a subclass of the standard `ChatCompletion` class.

        You can pass a pydantic model to this method and it will automatically convert the model
        into a JSON schema, send it to the API and parse the response content back into the given model.

        This method will also automatically parse `function` tool calls if:
        - You use the `openai.pydantic_function_tool()` helper method
        - You mark your tool schema with `"strict": True`

        Example usage:
        ```py
        from pydantic import BaseModel
        from openai import OpenAI


        class Step(BaseModel):
            explanation: str
            output: str


        class MathResponse(BaseModel):
            steps: List[Step]
            final_answer: str


        client = OpenAI()
        completion = client.chat.completions.parse(
            model="gpt-4o-2024-08-06",
            messages=[
                {"role": "system", "content": "You are a helpful math tutor."},
                {"role": "user", "content": "solve 8x + 31 = 2"},
            ],
            response_format=MathResponse,
        )

        message = completion.choices[0].message
        if message.parsed:
            print(message.parsed.steps)
            print("answer: ", message.parsed.final_answer)
        ```
        """
        return self._parse_chat(_params(locals()))  # type: ignore[no-any-return]

    def stream(
        self,
        *,
        messages: Iterable[ChatCompletionMessageParam],
        model: Union[str, ChatModel],
        audio: Optional[ChatCompletionAudioParam] | Omit = omit,
        response_format: completion_create_params.ResponseFormat
        | type[ResponseFormatT]
        | Omit = omit,
        frequency_penalty: Optional[float] | Omit = omit,
        function_call: completion_create_params.FunctionCall | Omit = omit,
        functions: Iterable[completion_create_params.Function] | Omit = omit,
        logit_bias: Optional[Dict[str, int]] | Omit = omit,
        logprobs: Optional[bool] | Omit = omit,
        max_completion_tokens: Optional[int] | Omit = omit,
        max_tokens: Optional[int] | Omit = omit,
        metadata: Optional[Metadata] | Omit = omit,
        modalities: Optional[List[Literal["text", "audio"]]] | Omit = omit,
        moderation: Optional[completion_create_params.Moderation] | Omit = omit,
        n: Optional[int] | Omit = omit,
        parallel_tool_calls: bool | Omit = omit,
        prediction: Optional[ChatCompletionPredictionContentParam] | Omit = omit,
        presence_penalty: Optional[float] | Omit = omit,
        prompt_cache_key: Optional[str] | Omit = omit,
        prompt_cache_options: completion_create_params.PromptCacheOptions | Omit = omit,
        prompt_cache_retention: Optional[Literal["in_memory", "24h"]] | Omit = omit,
        reasoning_effort: Optional[ReasoningEffort] | Omit = omit,
        safety_identifier: Optional[str] | Omit = omit,
        seed: Optional[int] | Omit = omit,
        service_tier: Optional[Literal["auto", "default", "flex", "scale", "priority", "fast"]]
        | Omit = omit,
        stop: Union[str, SequenceNotStr[str], None] | Omit = omit,
        store: Optional[bool] | Omit = omit,
        stream_options: Optional[ChatCompletionStreamOptionsParam] | Omit = omit,
        temperature: Optional[float] | Omit = omit,
        tool_choice: ChatCompletionToolChoiceOptionParam | Omit = omit,
        tools: Iterable[ChatCompletionToolUnionParam] | Omit = omit,
        top_logprobs: Optional[int] | Omit = omit,
        top_p: Optional[float] | Omit = omit,
        user: str | Omit = omit,
        verbosity: Optional[Literal["low", "medium", "high"]] | Omit = omit,
        web_search_options: completion_create_params.WebSearchOptions | Omit = omit,
        # Use the following arguments if you need to pass additional parameters to the API that aren't available via kwargs.
        # The extra values given here take precedence over values defined on the client or passed to this method.
        extra_headers: Headers | None = None,
        extra_query: Query | None = None,
        extra_body: Body | None = None,
        timeout: float | Timeout | None | NotGiven = not_given,
    ) -> ChatCompletionStreamManager[ResponseFormatT]:
        """Wrapper over the `client.chat.completions.create(stream=True)` method that provides a more granular event API
        and automatic accumulation of each delta.

        This also supports all of the parsing utilities that `.parse()` does.

        Unlike `.create(stream=True)`, the `.stream()` method requires usage within a context manager to prevent accidental leakage of the response:

        ```py
        with client.chat.completions.stream(
            model="gpt-4o-2024-08-06",
            messages=[...],
        ) as stream:
            for event in stream:
                if event.type == "content.delta":
                    print(event.delta, flush=True, end="")
        ```

        When the context manager is entered, a `ChatCompletionStream` instance is returned which, like `.create(stream=True)` is an iterator. The full list of events that are yielded by the iterator are outlined in [these docs](https://github.com/openai/openai-python/blob/main/helpers.md#chat-completions-events).

        When the context manager exits, the response will be closed, however the `stream` instance is still available outside
        the context manager.
        """
        return self._stream_chat(_params(locals()))  # type: ignore[no-any-return]

    def _parse_chat(self, params: dict[str, Any]) -> Any:
        body, options = _parse_request(params)
        return self._post(
            "/chat/completions", body=body, options=options, cast_to=ChatCompletion, stream=False
        )

    def _stream_chat(self, params: dict[str, Any]) -> Any:
        body, options, response_format, tools = _stream_request(params)

        def request() -> Stream[ChatCompletionChunk]:
            return self._post(
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


class AsyncCompletionsMixin(_AsyncBase):
    async def parse(
        self,
        *,
        messages: Iterable[ChatCompletionMessageParam],
        model: Union[str, ChatModel],
        audio: Optional[ChatCompletionAudioParam] | Omit = omit,
        response_format: type[ResponseFormatT] | Omit = omit,
        frequency_penalty: Optional[float] | Omit = omit,
        function_call: completion_create_params.FunctionCall | Omit = omit,
        functions: Iterable[completion_create_params.Function] | Omit = omit,
        logit_bias: Optional[Dict[str, int]] | Omit = omit,
        logprobs: Optional[bool] | Omit = omit,
        max_completion_tokens: Optional[int] | Omit = omit,
        max_tokens: Optional[int] | Omit = omit,
        metadata: Optional[Metadata] | Omit = omit,
        modalities: Optional[List[Literal["text", "audio"]]] | Omit = omit,
        moderation: Optional[completion_create_params.Moderation] | Omit = omit,
        n: Optional[int] | Omit = omit,
        parallel_tool_calls: bool | Omit = omit,
        prediction: Optional[ChatCompletionPredictionContentParam] | Omit = omit,
        presence_penalty: Optional[float] | Omit = omit,
        prompt_cache_key: Optional[str] | Omit = omit,
        prompt_cache_options: completion_create_params.PromptCacheOptions | Omit = omit,
        prompt_cache_retention: Optional[Literal["in_memory", "24h"]] | Omit = omit,
        reasoning_effort: Optional[ReasoningEffort] | Omit = omit,
        safety_identifier: Optional[str] | Omit = omit,
        seed: Optional[int] | Omit = omit,
        service_tier: Optional[Literal["auto", "default", "flex", "scale", "priority", "fast"]]
        | Omit = omit,
        stop: Union[str, SequenceNotStr[str], None] | Omit = omit,
        store: Optional[bool] | Omit = omit,
        stream_options: Optional[ChatCompletionStreamOptionsParam] | Omit = omit,
        temperature: Optional[float] | Omit = omit,
        tool_choice: ChatCompletionToolChoiceOptionParam | Omit = omit,
        tools: Iterable[ChatCompletionToolUnionParam] | Omit = omit,
        top_logprobs: Optional[int] | Omit = omit,
        top_p: Optional[float] | Omit = omit,
        user: str | Omit = omit,
        verbosity: Optional[Literal["low", "medium", "high"]] | Omit = omit,
        web_search_options: completion_create_params.WebSearchOptions | Omit = omit,
        # Use the following arguments if you need to pass additional parameters to the API that aren't available via kwargs.
        # The extra values given here take precedence over values defined on the client or passed to this method.
        extra_headers: Headers | None = None,
        extra_query: Query | None = None,
        extra_body: Body | None = None,
        timeout: float | Timeout | None | NotGiven = not_given,
    ) -> ParsedChatCompletion[ResponseFormatT]:
        """Wrapper over the `client.chat.completions.create()` method that provides richer integrations with Python specific types
        & returns a `ParsedChatCompletion` object, which is a subclass of the standard `ChatCompletion` class.

        You can pass a pydantic model to this method and it will automatically convert the model
        into a JSON schema, send it to the API and parse the response content back into the given model.

        This method will also automatically parse `function` tool calls if:
        - You use the `openai.pydantic_function_tool()` helper method
        - You mark your tool schema with `"strict": True`

        Example usage:
        ```py
        from pydantic import BaseModel
        from openai import AsyncOpenAI


        class Step(BaseModel):
            explanation: str
            output: str


        class MathResponse(BaseModel):
            steps: List[Step]
            final_answer: str


        client = AsyncOpenAI()
        completion = await client.chat.completions.parse(
            model="gpt-4o-2024-08-06",
            messages=[
                {"role": "system", "content": "You are a helpful math tutor."},
                {"role": "user", "content": "solve 8x + 31 = 2"},
            ],
            response_format=MathResponse,
        )

        message = completion.choices[0].message
        if message.parsed:
            print(message.parsed.steps)
            print("answer: ", message.parsed.final_answer)
        ```
        """
        return await self._parse_chat(_params(locals()))  # type: ignore[no-any-return]

    def stream(
        self,
        *,
        messages: Iterable[ChatCompletionMessageParam],
        model: Union[str, ChatModel],
        audio: Optional[ChatCompletionAudioParam] | Omit = omit,
        response_format: completion_create_params.ResponseFormat
        | type[ResponseFormatT]
        | Omit = omit,
        frequency_penalty: Optional[float] | Omit = omit,
        function_call: completion_create_params.FunctionCall | Omit = omit,
        functions: Iterable[completion_create_params.Function] | Omit = omit,
        logit_bias: Optional[Dict[str, int]] | Omit = omit,
        logprobs: Optional[bool] | Omit = omit,
        max_completion_tokens: Optional[int] | Omit = omit,
        max_tokens: Optional[int] | Omit = omit,
        metadata: Optional[Metadata] | Omit = omit,
        modalities: Optional[List[Literal["text", "audio"]]] | Omit = omit,
        moderation: Optional[completion_create_params.Moderation] | Omit = omit,
        n: Optional[int] | Omit = omit,
        parallel_tool_calls: bool | Omit = omit,
        prediction: Optional[ChatCompletionPredictionContentParam] | Omit = omit,
        presence_penalty: Optional[float] | Omit = omit,
        prompt_cache_key: Optional[str] | Omit = omit,
        prompt_cache_options: completion_create_params.PromptCacheOptions | Omit = omit,
        prompt_cache_retention: Optional[Literal["in_memory", "24h"]] | Omit = omit,
        reasoning_effort: Optional[ReasoningEffort] | Omit = omit,
        safety_identifier: Optional[str] | Omit = omit,
        seed: Optional[int] | Omit = omit,
        service_tier: Optional[Literal["auto", "default", "flex", "scale", "priority", "fast"]]
        | Omit = omit,
        stop: Union[str, SequenceNotStr[str], None] | Omit = omit,
        store: Optional[bool] | Omit = omit,
        stream_options: Optional[ChatCompletionStreamOptionsParam] | Omit = omit,
        temperature: Optional[float] | Omit = omit,
        tool_choice: ChatCompletionToolChoiceOptionParam | Omit = omit,
        tools: Iterable[ChatCompletionToolUnionParam] | Omit = omit,
        top_logprobs: Optional[int] | Omit = omit,
        top_p: Optional[float] | Omit = omit,
        user: str | Omit = omit,
        verbosity: Optional[Literal["low", "medium", "high"]] | Omit = omit,
        web_search_options: completion_create_params.WebSearchOptions | Omit = omit,
        # Use the following arguments if you need to pass additional parameters to the API that aren't available via kwargs.
        # The extra values given here take precedence over values defined on the client or passed to this method.
        extra_headers: Headers | None = None,
        extra_query: Query | None = None,
        extra_body: Body | None = None,
        timeout: float | Timeout | None | NotGiven = not_given,
    ) -> AsyncChatCompletionStreamManager[ResponseFormatT]:
        """Wrapper over the `client.chat.completions.create(stream=True)` method that provides a more granular event API
        and automatic accumulation of each delta.

        This also supports all of the parsing utilities that `.parse()` does.

        Unlike `.create(stream=True)`, the `.stream()` method requires usage within a context manager to prevent accidental leakage of the response:

        ```py
        async with client.chat.completions.stream(
            model="gpt-4o-2024-08-06",
            messages=[...],
        ) as stream:
            async for event in stream:
                if event.type == "content.delta":
                    print(event.delta, flush=True, end="")
        ```

        When the context manager is entered, an `AsyncChatCompletionStream` instance is returned which, like `.create(stream=True)` is an async iterator. The full list of events that are yielded by the iterator are outlined in [these docs](https://github.com/openai/openai-python/blob/main/helpers.md#chat-completions-events).

        When the context manager exits, the response will be closed, however the `stream` instance is still available outside
        the context manager.
        """
        return self._stream_chat(_params(locals()))  # type: ignore[no-any-return]

    async def _parse_chat(self, params: dict[str, Any]) -> Any:
        body, options = _parse_request(params)
        return await self._post(
            "/chat/completions", body=body, options=options, cast_to=ChatCompletion, stream=False
        )

    def _stream_chat(self, params: dict[str, Any]) -> Any:
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
