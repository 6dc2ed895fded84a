# The signatures below are the SDK's, copied verbatim (`Optional[...]`, `Union[...]`, `List`):
# the SDK's own tests compare their annotation text with `create`'s, which is generated.
# ruff: noqa: UP006, UP007, UP035, UP045
"""`responses.parse()` and `.stream()`: structured outputs and the typed stream helper.

`parse` is `create` with `text_format` given as a type: `response.output_parsed` is an
instance of it, and function calls of typed/strict tools carry `parsed_arguments` (parsed in a
`post_parser`, so `with_raw_response.parse(...).parse()` gives the same). `stream` gives typed
events plus the helper events, and resumes a background response whose connection drops
(oxide addition, up to the client's `max_retries` times).
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, overload

from ..._streaming import AsyncStream
from ..._types import NOT_GIVEN, Omit, omit
from ...types.responses.response import Response
from ...types.responses.response_stream_event import ResponseStreamEvent
from .._parsing import parse_response, responses_text_param
from .._tools import to_responses_tools
from ..streaming.responses import AsyncResponseStreamManager, ResponseStreamManager
from ._common import ParamSpec, split_call
from ._connect import manager_kwargs

if TYPE_CHECKING:
    from collections.abc import Callable, Iterable
    from typing import List, Literal, Optional, Union

    from ..._types import Body, Headers, NotGiven, Query, Timeout
    from ...types.responses import response_create_params
    from ...types.responses.parsed_response import ParsedResponse
    from ...types.responses.response_includable import ResponseIncludable
    from ...types.responses.response_input_param import ResponseInputParam
    from ...types.responses.response_prompt_param import ResponsePromptParam
    from ...types.responses.response_text_config_param import ResponseTextConfigParam
    from ...types.responses.service_tier import ServiceTier
    from ...types.responses.tool_param import ParseableToolParam
    from ...types.shared_params.metadata import Metadata
    from ...types.shared_params.reasoning import Reasoning
    from ...types.shared_params.responses_model import ResponsesModel
    from ...types.websocket_connection_options import (
        SyncWebSocketConnectionOptions,
        WebSocketConnectionOptions,
    )
    from ...types.websocket_reconnection import ReconnectingEvent, ReconnectingOverrides
    from .._websocket.pool import AsyncResponsesSessionPool
    from .._websocket.responses import (
        AsyncResponsesConnectionManager,
        ResponsesConnectionManager,
    )
    from .._websocket.session import AsyncResponsesSession, ResponsesSession
    from ..streaming.responses._stream import TextFormatT

__all__ = ["AsyncResponsesMixin", "ResponsesMixin"]

if TYPE_CHECKING:  # the resource base the mixin is attached to, for the type checker only
    from ..._resource import AsyncAPIResource as _AsyncBase
    from ..._resource import SyncAPIResource as _SyncBase
else:
    _AsyncBase = _SyncBase = object


def _param_types() -> tuple[Any, ...]:
    from ...types.responses import response_create_params as p

    return (p.ResponseCreateParamsNonStreaming, p.ResponseCreateParamsStreaming)


_CREATE = ParamSpec("create", _param_types)
_OPTION_KEYS = ("extra_headers", "extra_query", "extra_body", "timeout")


def _helper_body(body: dict[str, Any], text_format: Any, tools: Any) -> Any:
    """`text.format` from `text_format`; chat-shaped typed tools converted to the Responses
    shape (as the SDK's `_make_tools`). Returns the converted tools."""
    converted_tools = to_responses_tools(tools) if tools is not None else None
    text = responses_text_param(text_format, body.get("text"))
    if text is not None:
        body["text"] = text
    if converted_tools is not None:
        body["tools"] = converted_tools
    return converted_tools


_HELPER_ARGS = ("text_format", "tools", "response_id", "starting_after")


def _params(args: dict[str, Any]) -> dict[str, Any]:
    """A method's arguments (its `locals()` on entry) without `self`, and `text_format`,
    `tools`, `response_id`, `starting_after` as None when not given."""
    args.pop("self", None)
    for name in _HELPER_ARGS:
        if name in args and isinstance(args[name], Omit):
            args[name] = None
    return args


def _output_format(params: dict[str, Any], text_format: Any, parse_as: Any) -> Any:
    """The type `output_parsed` is read as (the SDK's `_output_text_parser`): `parse_as` when
    given (None: plain `output_text`, no parsing), else `text_format`. A `configuration_update`
    input item changing the text format needs `parse_as`, since the request's schema no longer
    describes the output."""
    if parse_as is None:
        return None
    given = not isinstance(parse_as, Omit)
    items = params.get("input")
    if isinstance(items, list):
        for item in reversed(items):
            if not isinstance(item, dict) or item.get("type") != "configuration_update":
                continue
            update = item.get("text")
            fmt = update.get("format") if isinstance(update, dict) else None
            if not isinstance(fmt, dict):
                continue
            if fmt.get("type") == "text":
                if given:
                    raise TypeError("Cannot use parse_as with a plain-text format update")
                return None
            text = params.get("text")
            same = isinstance(text, dict) and fmt == text.get("format")
            if text_format is not None and not given and not same:
                raise TypeError(
                    "Pass parse_as for the updated output schema, or parse_as=None to read "
                    "plain output_text"
                )
            break
    return parse_as if given else text_format


def _parse_request(params: dict[str, Any]) -> tuple[dict[str, Any], Any]:
    text_format = params.pop("text_format")
    tools = params.pop("tools")
    output_format = _output_format(params, text_format, params.pop("parse_as", omit))
    holder: dict[str, Any] = {}

    def parser(response: Response) -> Any:
        return parse_response(
            text_format=output_format, input_tools=holder.get("tools"), response=response
        )

    body, options = split_call(params, "responses.parse", parser)
    holder["tools"] = _helper_body(body, text_format, tools)
    _CREATE.check(body)
    return body, options


class ResponsesMixin(_SyncBase):
    def session(
        self,
        *,
        chain: bool = True,
        keep_history: bool | None = None,
        resend_interrupted: bool = False,
        max_age: float = 3300.0,
        websocket_connection_options: SyncWebSocketConnectionOptions = {},  # noqa: B006
        extra_query: Query = {},  # noqa: B006
        extra_headers: Headers = {},  # noqa: B006
        **defaults: Any,
    ) -> ResponsesSession:
        """A WebSocket-mode conversation (oxide): `create()` / `stream()` turns on one socket,
        each continuing from the previous (`previous_response_id`) unless `chain=False`.
        `defaults` (model, instructions, tools, store, ...) apply to every turn. With
        `store=False` (or `keep_history=True`) the session keeps the conversation and resends
        it if a new socket lost the cached state; sockets older than `max_age` seconds are
        replaced between turns. See `oxide/lib/_websocket/session.py`."""
        from .._websocket.session import ResponsesSession

        return ResponsesSession(
            self._client,
            chain=chain,
            keep_history=keep_history,
            resend_interrupted=resend_interrupted,
            max_age=max_age,
            websocket_connection_options=websocket_connection_options,
            extra_query=extra_query,
            extra_headers=extra_headers,
            **defaults,
        )

    def connect(
        self,
        extra_query: Query = {},  # noqa: B006
        extra_headers: Headers = {},  # noqa: B006
        websocket_connection_options: SyncWebSocketConnectionOptions = {},  # noqa: B006
        on_reconnecting: Callable[[ReconnectingEvent], ReconnectingOverrides | None] | None = None,
        max_retries: int = 5,
        initial_delay: float = 0.5,
        max_delay: float = 8.0,
        max_queue_size: int = 1_048_576,
    ) -> ResponsesConnectionManager:
        """Connect to a persistent Responses API WebSocket.

        Send `response.create` events and receive response stream events over the socket.
        """
        from .._websocket.responses import ResponsesConnectionManager

        return ResponsesConnectionManager(
            client=self._client,
            **manager_kwargs(
                extra_query,
                extra_headers,
                websocket_connection_options,
                on_reconnecting,
                max_retries,
                initial_delay,
                max_delay,
                max_queue_size,
            ),
        )

    @overload
    def stream(
        self,
        *,
        response_id: str,
        text_format: type[TextFormatT] | Omit = omit,
        starting_after: int | Omit = omit,
        tools: Iterable[ParseableToolParam] | Omit = omit,
        extra_headers: Headers | None = None,
        extra_query: Query | None = None,
        extra_body: Body | None = None,
        timeout: float | Timeout | None | NotGiven = NOT_GIVEN,
    ) -> ResponseStreamManager[TextFormatT]:
        """stream"""

    @overload
    def stream(
        self,
        *,
        input: Union[str, ResponseInputParam],
        model: ResponsesModel,
        access_programs: response_create_params.AccessPrograms | Omit = omit,
        background: Optional[bool] | Omit = omit,
        background_options: response_create_params.BackgroundOptions | Omit = omit,
        context_management: Optional[Iterable[response_create_params.ContextManagement]]
        | Omit = omit,
        text_format: type[TextFormatT] | Omit = omit,
        tools: Iterable[ParseableToolParam] | Omit = omit,
        conversation: Optional[response_create_params.Conversation] | Omit = omit,
        image: response_create_params.Image | Omit = omit,
        include: Optional[List[ResponseIncludable]] | Omit = omit,
        instructions: Optional[str] | Omit = omit,
        max_output_tokens: Optional[int] | Omit = omit,
        max_tool_calls: Optional[int] | Omit = omit,
        metadata: Optional[Metadata] | Omit = omit,
        parallel_tool_calls: Optional[bool] | Omit = omit,
        moderation: Optional[response_create_params.Moderation] | Omit = omit,
        previous_response_id: Optional[str] | Omit = omit,
        prompt: Optional[ResponsePromptParam] | Omit = omit,
        prompt_cache_key: Optional[str] | Omit = omit,
        prompt_cache_options: response_create_params.PromptCacheOptions | Omit = omit,
        prompt_cache_retention: Optional[Literal["in_memory", "24h"]] | Omit = omit,
        reasoning: Optional[Reasoning] | Omit = omit,
        safety_identifier: Optional[str] | Omit = omit,
        service_tier: Optional[ServiceTier] | Omit = omit,
        store: Optional[bool] | Omit = omit,
        stream_options: Optional[response_create_params.StreamOptions] | Omit = omit,
        temperature: Optional[float] | Omit = omit,
        text: ResponseTextConfigParam | Omit = omit,
        tool_choice: response_create_params.ToolChoice | Omit = omit,
        top_logprobs: Optional[int] | Omit = omit,
        top_p: Optional[float] | Omit = omit,
        truncation: Optional[Literal["auto", "disabled"]] | Omit = omit,
        user: str | Omit = omit,
        extra_headers: Headers | None = None,
        extra_query: Query | None = None,
        extra_body: Body | None = None,
        timeout: float | Timeout | None | NotGiven = NOT_GIVEN,
    ) -> ResponseStreamManager[TextFormatT]:
        """stream"""

    def stream(
        self,
        *,
        response_id: str | Omit = omit,
        input: Union[str, ResponseInputParam] | Omit = omit,
        model: ResponsesModel | Omit = omit,
        access_programs: response_create_params.AccessPrograms | Omit = omit,
        background: Optional[bool] | Omit = omit,
        background_options: response_create_params.BackgroundOptions | Omit = omit,
        context_management: Optional[Iterable[response_create_params.ContextManagement]]
        | Omit = omit,
        text_format: type[TextFormatT] | Omit = omit,
        tools: Iterable[ParseableToolParam] | Omit = omit,
        conversation: Optional[response_create_params.Conversation] | Omit = omit,
        image: response_create_params.Image | Omit = omit,
        include: Optional[List[ResponseIncludable]] | Omit = omit,
        instructions: Optional[str] | Omit = omit,
        max_output_tokens: Optional[int] | Omit = omit,
        max_tool_calls: Optional[int] | Omit = omit,
        metadata: Optional[Metadata] | Omit = omit,
        parallel_tool_calls: Optional[bool] | Omit = omit,
        moderation: Optional[response_create_params.Moderation] | Omit = omit,
        previous_response_id: Optional[str] | Omit = omit,
        prompt: Optional[ResponsePromptParam] | Omit = omit,
        prompt_cache_key: Optional[str] | Omit = omit,
        prompt_cache_options: response_create_params.PromptCacheOptions | Omit = omit,
        prompt_cache_retention: Optional[Literal["in_memory", "24h"]] | Omit = omit,
        reasoning: Optional[Reasoning] | Omit = omit,
        safety_identifier: Optional[str] | Omit = omit,
        service_tier: Optional[ServiceTier] | Omit = omit,
        store: Optional[bool] | Omit = omit,
        stream_options: Optional[response_create_params.StreamOptions] | Omit = omit,
        temperature: Optional[float] | Omit = omit,
        text: ResponseTextConfigParam | Omit = omit,
        tool_choice: response_create_params.ToolChoice | Omit = omit,
        top_logprobs: Optional[int] | Omit = omit,
        top_p: Optional[float] | Omit = omit,
        truncation: Optional[Literal["auto", "disabled"]] | Omit = omit,
        user: str | Omit = omit,
        starting_after: int | Omit = omit,
        extra_headers: Headers | None = None,
        extra_query: Query | None = None,
        extra_body: Body | None = None,
        timeout: float | Timeout | None | NotGiven = NOT_GIVEN,
    ) -> ResponseStreamManager[TextFormatT]:
        return self._stream_response(_params(locals()))  # type: ignore[no-any-return]

    @overload
    def parse(
        self,
        *,
        text_format: type | Omit = omit,
        parse_as: type[TextFormatT] | None,
        access_programs: response_create_params.AccessPrograms | Omit = omit,
        background: Optional[bool] | Omit = omit,
        background_options: response_create_params.BackgroundOptions | Omit = omit,
        context_management: Optional[Iterable[response_create_params.ContextManagement]]
        | Omit = omit,
        conversation: Optional[response_create_params.Conversation] | Omit = omit,
        image: response_create_params.Image | Omit = omit,
        include: Optional[List[ResponseIncludable]] | Omit = omit,
        input: Union[str, ResponseInputParam] | Omit = omit,
        instructions: Optional[str] | Omit = omit,
        max_output_tokens: Optional[int] | Omit = omit,
        max_tool_calls: Optional[int] | Omit = omit,
        metadata: Optional[Metadata] | Omit = omit,
        model: ResponsesModel | Omit = omit,
        moderation: Optional[response_create_params.Moderation] | Omit = omit,
        parallel_tool_calls: Optional[bool] | Omit = omit,
        previous_response_id: Optional[str] | Omit = omit,
        prompt: Optional[ResponsePromptParam] | Omit = omit,
        prompt_cache_key: Optional[str] | Omit = omit,
        prompt_cache_options: response_create_params.PromptCacheOptions | Omit = omit,
        prompt_cache_retention: Optional[Literal["in_memory", "24h"]] | Omit = omit,
        reasoning: Optional[Reasoning] | Omit = omit,
        safety_identifier: Optional[str] | Omit = omit,
        service_tier: Optional[ServiceTier] | Omit = omit,
        store: Optional[bool] | Omit = omit,
        stream: Optional[Literal[False]] | Literal[True] | Omit = omit,
        stream_options: Optional[response_create_params.StreamOptions] | Omit = omit,
        temperature: Optional[float] | Omit = omit,
        text: ResponseTextConfigParam | Omit = omit,
        tool_choice: response_create_params.ToolChoice | Omit = omit,
        tools: Iterable[ParseableToolParam] | Omit = omit,
        top_logprobs: Optional[int] | Omit = omit,
        top_p: Optional[float] | Omit = omit,
        truncation: Optional[Literal["auto", "disabled"]] | Omit = omit,
        user: str | Omit = omit,
        verbosity: Optional[Literal["low", "medium", "high"]] | Omit = omit,
        extra_headers: Headers | None = None,
        extra_query: Query | None = None,
        extra_body: Body | None = None,
        timeout: float | Timeout | None | NotGiven = NOT_GIVEN,
    ) -> ParsedResponse[TextFormatT]: ...

    @overload
    def parse(
        self,
        *,
        text_format: type[TextFormatT] | Omit = omit,
        parse_as: Omit = omit,
        access_programs: response_create_params.AccessPrograms | Omit = omit,
        background: Optional[bool] | Omit = omit,
        background_options: response_create_params.BackgroundOptions | Omit = omit,
        context_management: Optional[Iterable[response_create_params.ContextManagement]]
        | Omit = omit,
        conversation: Optional[response_create_params.Conversation] | Omit = omit,
        image: response_create_params.Image | Omit = omit,
        include: Optional[List[ResponseIncludable]] | Omit = omit,
        input: Union[str, ResponseInputParam] | Omit = omit,
        instructions: Optional[str] | Omit = omit,
        max_output_tokens: Optional[int] | Omit = omit,
        max_tool_calls: Optional[int] | Omit = omit,
        metadata: Optional[Metadata] | Omit = omit,
        model: ResponsesModel | Omit = omit,
        moderation: Optional[response_create_params.Moderation] | Omit = omit,
        parallel_tool_calls: Optional[bool] | Omit = omit,
        previous_response_id: Optional[str] | Omit = omit,
        prompt: Optional[ResponsePromptParam] | Omit = omit,
        prompt_cache_key: Optional[str] | Omit = omit,
        prompt_cache_options: response_create_params.PromptCacheOptions | Omit = omit,
        prompt_cache_retention: Optional[Literal["in_memory", "24h"]] | Omit = omit,
        reasoning: Optional[Reasoning] | Omit = omit,
        safety_identifier: Optional[str] | Omit = omit,
        service_tier: Optional[ServiceTier] | Omit = omit,
        store: Optional[bool] | Omit = omit,
        stream: Optional[Literal[False]] | Literal[True] | Omit = omit,
        stream_options: Optional[response_create_params.StreamOptions] | Omit = omit,
        temperature: Optional[float] | Omit = omit,
        text: ResponseTextConfigParam | Omit = omit,
        tool_choice: response_create_params.ToolChoice | Omit = omit,
        tools: Iterable[ParseableToolParam] | Omit = omit,
        top_logprobs: Optional[int] | Omit = omit,
        top_p: Optional[float] | Omit = omit,
        truncation: Optional[Literal["auto", "disabled"]] | Omit = omit,
        user: str | Omit = omit,
        verbosity: Optional[Literal["low", "medium", "high"]] | Omit = omit,
        extra_headers: Headers | None = None,
        extra_query: Query | None = None,
        extra_body: Body | None = None,
        timeout: float | Timeout | None | NotGiven = NOT_GIVEN,
    ) -> ParsedResponse[TextFormatT]: ...

    def parse(
        self,
        *,
        text_format: type | Omit = omit,
        parse_as: type | None | Omit = omit,
        access_programs: response_create_params.AccessPrograms | Omit = omit,
        background: Optional[bool] | Omit = omit,
        background_options: response_create_params.BackgroundOptions | Omit = omit,
        context_management: Optional[Iterable[response_create_params.ContextManagement]]
        | Omit = omit,
        conversation: Optional[response_create_params.Conversation] | Omit = omit,
        image: response_create_params.Image | Omit = omit,
        include: Optional[List[ResponseIncludable]] | Omit = omit,
        input: Union[str, ResponseInputParam] | Omit = omit,
        instructions: Optional[str] | Omit = omit,
        max_output_tokens: Optional[int] | Omit = omit,
        max_tool_calls: Optional[int] | Omit = omit,
        metadata: Optional[Metadata] | Omit = omit,
        model: ResponsesModel | Omit = omit,
        moderation: Optional[response_create_params.Moderation] | Omit = omit,
        parallel_tool_calls: Optional[bool] | Omit = omit,
        previous_response_id: Optional[str] | Omit = omit,
        prompt: Optional[ResponsePromptParam] | Omit = omit,
        prompt_cache_key: Optional[str] | Omit = omit,
        prompt_cache_options: response_create_params.PromptCacheOptions | Omit = omit,
        prompt_cache_retention: Optional[Literal["in_memory", "24h"]] | Omit = omit,
        reasoning: Optional[Reasoning] | Omit = omit,
        safety_identifier: Optional[str] | Omit = omit,
        service_tier: Optional[ServiceTier] | Omit = omit,
        store: Optional[bool] | Omit = omit,
        stream: Optional[Literal[False]] | Literal[True] | Omit = omit,
        stream_options: Optional[response_create_params.StreamOptions] | Omit = omit,
        temperature: Optional[float] | Omit = omit,
        text: ResponseTextConfigParam | Omit = omit,
        tool_choice: response_create_params.ToolChoice | Omit = omit,
        tools: Iterable[ParseableToolParam] | Omit = omit,
        top_logprobs: Optional[int] | Omit = omit,
        top_p: Optional[float] | Omit = omit,
        truncation: Optional[Literal["auto", "disabled"]] | Omit = omit,
        user: str | Omit = omit,
        verbosity: Optional[Literal["low", "medium", "high"]] | Omit = omit,
        extra_headers: Headers | None = None,
        extra_query: Query | None = None,
        extra_body: Body | None = None,
        timeout: float | Timeout | None | NotGiven = NOT_GIVEN,
    ) -> ParsedResponse[Any]:
        return self._parse_response(_params(locals()))  # type: ignore[no-any-return]

    def _parse_response(self, params: dict[str, Any]) -> Any:
        body, options = _parse_request(params)
        return self._post("/responses", body=body, options=options, cast_to=Response)

    def _stream_response(self, params: dict[str, Any]) -> Any:
        # The async helper, run by the sync client's runner: one implementation of resuming.
        client = self._client
        # Only the helper's own arguments (None when not given, see `_params`) go back to `omit`:
        # an explicit None elsewhere (`instructions=None`) is sent as null, as the SDK sends it.
        params = {k: omit if v is None and k in _HELPER_ARGS else v for k, v in params.items()}
        return ResponseStreamManager(client._engine.responses.stream(**params), client._runner)


class AsyncResponsesMixin(_AsyncBase):
    def session_pool(
        self,
        *,
        size: int = 64,
        max_age: float = 3300.0,
        websocket_connection_options: WebSocketConnectionOptions = {},  # noqa: B006
        extra_query: Query = {},  # noqa: B006
        extra_headers: Headers = {},  # noqa: B006
        **session_defaults: Any,
    ) -> AsyncResponsesSessionPool:
        """Up to `size` pooled WebSockets for concurrent conversations (oxide): `async with
        pool.session(**overrides) as s` checks a warm socket out for one conversation (see
        `oxide/lib/_websocket/pool.py`); `await pool.close()` when done."""
        from .._websocket.pool import AsyncResponsesSessionPool

        return AsyncResponsesSessionPool(
            self._client,
            size=size,
            max_age=max_age,
            websocket_connection_options=websocket_connection_options,
            extra_query=extra_query,
            extra_headers=extra_headers,
            **session_defaults,
        )

    def session(
        self,
        *,
        chain: bool = True,
        keep_history: bool | None = None,
        resend_interrupted: bool = False,
        max_age: float = 3300.0,
        websocket_connection_options: WebSocketConnectionOptions = {},  # noqa: B006
        extra_query: Query = {},  # noqa: B006
        extra_headers: Headers = {},  # noqa: B006
        **defaults: Any,
    ) -> AsyncResponsesSession:
        """A WebSocket-mode conversation (oxide): `create()` / `stream()` turns on one socket,
        each continuing from the previous (`previous_response_id`) unless `chain=False`.
        `defaults` (model, instructions, tools, store, ...) apply to every turn. With
        `store=False` (or `keep_history=True`) the session keeps the conversation and resends
        it if a new socket lost the cached state; sockets older than `max_age` seconds are
        replaced between turns. See `oxide/lib/_websocket/session.py`."""
        from .._websocket.session import AsyncResponsesSession

        return AsyncResponsesSession(
            self._client,
            chain=chain,
            keep_history=keep_history,
            resend_interrupted=resend_interrupted,
            max_age=max_age,
            websocket_connection_options=websocket_connection_options,
            extra_query=extra_query,
            extra_headers=extra_headers,
            **defaults,
        )

    def connect(
        self,
        extra_query: Query = {},  # noqa: B006
        extra_headers: Headers = {},  # noqa: B006
        websocket_connection_options: WebSocketConnectionOptions = {},  # noqa: B006
        on_reconnecting: Callable[[ReconnectingEvent], ReconnectingOverrides | None] | None = None,
        max_retries: int = 5,
        initial_delay: float = 0.5,
        max_delay: float = 8.0,
        max_queue_size: int = 1_048_576,
    ) -> AsyncResponsesConnectionManager:
        """Connect to a persistent Responses API WebSocket.

        Send `response.create` events and receive response stream events over the socket.
        """
        from .._websocket.responses import AsyncResponsesConnectionManager

        return AsyncResponsesConnectionManager(
            client=self._client,
            **manager_kwargs(
                extra_query,
                extra_headers,
                websocket_connection_options,
                on_reconnecting,
                max_retries,
                initial_delay,
                max_delay,
                max_queue_size,
            ),
        )

    retrieve: Any

    @overload
    def stream(
        self,
        *,
        response_id: str,
        text_format: type[TextFormatT] | Omit = omit,
        starting_after: int | Omit = omit,
        tools: Iterable[ParseableToolParam] | Omit = omit,
        extra_headers: Headers | None = None,
        extra_query: Query | None = None,
        extra_body: Body | None = None,
        timeout: float | Timeout | None | NotGiven = NOT_GIVEN,
    ) -> AsyncResponseStreamManager[TextFormatT]:
        """stream"""

    @overload
    def stream(
        self,
        *,
        input: Union[str, ResponseInputParam],
        model: ResponsesModel,
        access_programs: response_create_params.AccessPrograms | Omit = omit,
        background: Optional[bool] | Omit = omit,
        background_options: response_create_params.BackgroundOptions | Omit = omit,
        context_management: Optional[Iterable[response_create_params.ContextManagement]]
        | Omit = omit,
        text_format: type[TextFormatT] | Omit = omit,
        tools: Iterable[ParseableToolParam] | Omit = omit,
        conversation: Optional[response_create_params.Conversation] | Omit = omit,
        image: response_create_params.Image | Omit = omit,
        include: Optional[List[ResponseIncludable]] | Omit = omit,
        instructions: Optional[str] | Omit = omit,
        max_output_tokens: Optional[int] | Omit = omit,
        max_tool_calls: Optional[int] | Omit = omit,
        metadata: Optional[Metadata] | Omit = omit,
        parallel_tool_calls: Optional[bool] | Omit = omit,
        moderation: Optional[response_create_params.Moderation] | Omit = omit,
        previous_response_id: Optional[str] | Omit = omit,
        prompt: Optional[ResponsePromptParam] | Omit = omit,
        prompt_cache_key: Optional[str] | Omit = omit,
        prompt_cache_options: response_create_params.PromptCacheOptions | Omit = omit,
        prompt_cache_retention: Optional[Literal["in_memory", "24h"]] | Omit = omit,
        reasoning: Optional[Reasoning] | Omit = omit,
        safety_identifier: Optional[str] | Omit = omit,
        service_tier: Optional[ServiceTier] | Omit = omit,
        store: Optional[bool] | Omit = omit,
        stream_options: Optional[response_create_params.StreamOptions] | Omit = omit,
        temperature: Optional[float] | Omit = omit,
        text: ResponseTextConfigParam | Omit = omit,
        tool_choice: response_create_params.ToolChoice | Omit = omit,
        top_logprobs: Optional[int] | Omit = omit,
        top_p: Optional[float] | Omit = omit,
        truncation: Optional[Literal["auto", "disabled"]] | Omit = omit,
        user: str | Omit = omit,
        extra_headers: Headers | None = None,
        extra_query: Query | None = None,
        extra_body: Body | None = None,
        timeout: float | Timeout | None | NotGiven = NOT_GIVEN,
    ) -> AsyncResponseStreamManager[TextFormatT]:
        """stream"""

    def stream(
        self,
        *,
        response_id: str | Omit = omit,
        input: Union[str, ResponseInputParam] | Omit = omit,
        model: ResponsesModel | Omit = omit,
        access_programs: response_create_params.AccessPrograms | Omit = omit,
        background: Optional[bool] | Omit = omit,
        background_options: response_create_params.BackgroundOptions | Omit = omit,
        context_management: Optional[Iterable[response_create_params.ContextManagement]]
        | Omit = omit,
        text_format: type[TextFormatT] | Omit = omit,
        tools: Iterable[ParseableToolParam] | Omit = omit,
        conversation: Optional[response_create_params.Conversation] | Omit = omit,
        image: response_create_params.Image | Omit = omit,
        include: Optional[List[ResponseIncludable]] | Omit = omit,
        instructions: Optional[str] | Omit = omit,
        max_output_tokens: Optional[int] | Omit = omit,
        max_tool_calls: Optional[int] | Omit = omit,
        metadata: Optional[Metadata] | Omit = omit,
        parallel_tool_calls: Optional[bool] | Omit = omit,
        moderation: Optional[response_create_params.Moderation] | Omit = omit,
        previous_response_id: Optional[str] | Omit = omit,
        prompt: Optional[ResponsePromptParam] | Omit = omit,
        prompt_cache_key: Optional[str] | Omit = omit,
        prompt_cache_options: response_create_params.PromptCacheOptions | Omit = omit,
        prompt_cache_retention: Optional[Literal["in_memory", "24h"]] | Omit = omit,
        reasoning: Optional[Reasoning] | Omit = omit,
        safety_identifier: Optional[str] | Omit = omit,
        service_tier: Optional[ServiceTier] | Omit = omit,
        store: Optional[bool] | Omit = omit,
        stream_options: Optional[response_create_params.StreamOptions] | Omit = omit,
        temperature: Optional[float] | Omit = omit,
        text: ResponseTextConfigParam | Omit = omit,
        tool_choice: response_create_params.ToolChoice | Omit = omit,
        top_logprobs: Optional[int] | Omit = omit,
        top_p: Optional[float] | Omit = omit,
        truncation: Optional[Literal["auto", "disabled"]] | Omit = omit,
        user: str | Omit = omit,
        starting_after: int | Omit = omit,
        extra_headers: Headers | None = None,
        extra_query: Query | None = None,
        extra_body: Body | None = None,
        timeout: float | Timeout | None | NotGiven = NOT_GIVEN,
    ) -> AsyncResponseStreamManager[TextFormatT]:
        return self._stream_response(_params(locals()))  # type: ignore[no-any-return]

    @overload
    async def parse(
        self,
        *,
        text_format: type | Omit = omit,
        parse_as: type[TextFormatT] | None,
        access_programs: response_create_params.AccessPrograms | Omit = omit,
        background: Optional[bool] | Omit = omit,
        background_options: response_create_params.BackgroundOptions | Omit = omit,
        context_management: Optional[Iterable[response_create_params.ContextManagement]]
        | Omit = omit,
        conversation: Optional[response_create_params.Conversation] | Omit = omit,
        image: response_create_params.Image | Omit = omit,
        include: Optional[List[ResponseIncludable]] | Omit = omit,
        input: Union[str, ResponseInputParam] | Omit = omit,
        instructions: Optional[str] | Omit = omit,
        max_output_tokens: Optional[int] | Omit = omit,
        max_tool_calls: Optional[int] | Omit = omit,
        metadata: Optional[Metadata] | Omit = omit,
        model: ResponsesModel | Omit = omit,
        moderation: Optional[response_create_params.Moderation] | Omit = omit,
        parallel_tool_calls: Optional[bool] | Omit = omit,
        previous_response_id: Optional[str] | Omit = omit,
        prompt: Optional[ResponsePromptParam] | Omit = omit,
        prompt_cache_key: Optional[str] | Omit = omit,
        prompt_cache_options: response_create_params.PromptCacheOptions | Omit = omit,
        prompt_cache_retention: Optional[Literal["in_memory", "24h"]] | Omit = omit,
        reasoning: Optional[Reasoning] | Omit = omit,
        safety_identifier: Optional[str] | Omit = omit,
        service_tier: Optional[ServiceTier] | Omit = omit,
        store: Optional[bool] | Omit = omit,
        stream: Optional[Literal[False]] | Literal[True] | Omit = omit,
        stream_options: Optional[response_create_params.StreamOptions] | Omit = omit,
        temperature: Optional[float] | Omit = omit,
        text: ResponseTextConfigParam | Omit = omit,
        tool_choice: response_create_params.ToolChoice | Omit = omit,
        tools: Iterable[ParseableToolParam] | Omit = omit,
        top_logprobs: Optional[int] | Omit = omit,
        top_p: Optional[float] | Omit = omit,
        truncation: Optional[Literal["auto", "disabled"]] | Omit = omit,
        user: str | Omit = omit,
        verbosity: Optional[Literal["low", "medium", "high"]] | Omit = omit,
        extra_headers: Headers | None = None,
        extra_query: Query | None = None,
        extra_body: Body | None = None,
        timeout: float | Timeout | None | NotGiven = NOT_GIVEN,
    ) -> ParsedResponse[TextFormatT]: ...

    @overload
    async def parse(
        self,
        *,
        text_format: type[TextFormatT] | Omit = omit,
        parse_as: Omit = omit,
        access_programs: response_create_params.AccessPrograms | Omit = omit,
        background: Optional[bool] | Omit = omit,
        background_options: response_create_params.BackgroundOptions | Omit = omit,
        context_management: Optional[Iterable[response_create_params.ContextManagement]]
        | Omit = omit,
        conversation: Optional[response_create_params.Conversation] | Omit = omit,
        image: response_create_params.Image | Omit = omit,
        include: Optional[List[ResponseIncludable]] | Omit = omit,
        input: Union[str, ResponseInputParam] | Omit = omit,
        instructions: Optional[str] | Omit = omit,
        max_output_tokens: Optional[int] | Omit = omit,
        max_tool_calls: Optional[int] | Omit = omit,
        metadata: Optional[Metadata] | Omit = omit,
        model: ResponsesModel | Omit = omit,
        moderation: Optional[response_create_params.Moderation] | Omit = omit,
        parallel_tool_calls: Optional[bool] | Omit = omit,
        previous_response_id: Optional[str] | Omit = omit,
        prompt: Optional[ResponsePromptParam] | Omit = omit,
        prompt_cache_key: Optional[str] | Omit = omit,
        prompt_cache_options: response_create_params.PromptCacheOptions | Omit = omit,
        prompt_cache_retention: Optional[Literal["in_memory", "24h"]] | Omit = omit,
        reasoning: Optional[Reasoning] | Omit = omit,
        safety_identifier: Optional[str] | Omit = omit,
        service_tier: Optional[ServiceTier] | Omit = omit,
        store: Optional[bool] | Omit = omit,
        stream: Optional[Literal[False]] | Literal[True] | Omit = omit,
        stream_options: Optional[response_create_params.StreamOptions] | Omit = omit,
        temperature: Optional[float] | Omit = omit,
        text: ResponseTextConfigParam | Omit = omit,
        tool_choice: response_create_params.ToolChoice | Omit = omit,
        tools: Iterable[ParseableToolParam] | Omit = omit,
        top_logprobs: Optional[int] | Omit = omit,
        top_p: Optional[float] | Omit = omit,
        truncation: Optional[Literal["auto", "disabled"]] | Omit = omit,
        user: str | Omit = omit,
        verbosity: Optional[Literal["low", "medium", "high"]] | Omit = omit,
        extra_headers: Headers | None = None,
        extra_query: Query | None = None,
        extra_body: Body | None = None,
        timeout: float | Timeout | None | NotGiven = NOT_GIVEN,
    ) -> ParsedResponse[TextFormatT]: ...

    async def parse(
        self,
        *,
        text_format: type | Omit = omit,
        parse_as: type | None | Omit = omit,
        access_programs: response_create_params.AccessPrograms | Omit = omit,
        background: Optional[bool] | Omit = omit,
        background_options: response_create_params.BackgroundOptions | Omit = omit,
        context_management: Optional[Iterable[response_create_params.ContextManagement]]
        | Omit = omit,
        conversation: Optional[response_create_params.Conversation] | Omit = omit,
        image: response_create_params.Image | Omit = omit,
        include: Optional[List[ResponseIncludable]] | Omit = omit,
        input: Union[str, ResponseInputParam] | Omit = omit,
        instructions: Optional[str] | Omit = omit,
        max_output_tokens: Optional[int] | Omit = omit,
        max_tool_calls: Optional[int] | Omit = omit,
        metadata: Optional[Metadata] | Omit = omit,
        model: ResponsesModel | Omit = omit,
        moderation: Optional[response_create_params.Moderation] | Omit = omit,
        parallel_tool_calls: Optional[bool] | Omit = omit,
        previous_response_id: Optional[str] | Omit = omit,
        prompt: Optional[ResponsePromptParam] | Omit = omit,
        prompt_cache_key: Optional[str] | Omit = omit,
        prompt_cache_options: response_create_params.PromptCacheOptions | Omit = omit,
        prompt_cache_retention: Optional[Literal["in_memory", "24h"]] | Omit = omit,
        reasoning: Optional[Reasoning] | Omit = omit,
        safety_identifier: Optional[str] | Omit = omit,
        service_tier: Optional[ServiceTier] | Omit = omit,
        store: Optional[bool] | Omit = omit,
        stream: Optional[Literal[False]] | Literal[True] | Omit = omit,
        stream_options: Optional[response_create_params.StreamOptions] | Omit = omit,
        temperature: Optional[float] | Omit = omit,
        text: ResponseTextConfigParam | Omit = omit,
        tool_choice: response_create_params.ToolChoice | Omit = omit,
        tools: Iterable[ParseableToolParam] | Omit = omit,
        top_logprobs: Optional[int] | Omit = omit,
        top_p: Optional[float] | Omit = omit,
        truncation: Optional[Literal["auto", "disabled"]] | Omit = omit,
        user: str | Omit = omit,
        verbosity: Optional[Literal["low", "medium", "high"]] | Omit = omit,
        extra_headers: Headers | None = None,
        extra_query: Query | None = None,
        extra_body: Body | None = None,
        timeout: float | Timeout | None | NotGiven = NOT_GIVEN,
    ) -> ParsedResponse[Any]:
        return await self._parse_response(_params(locals()))  # type: ignore[no-any-return]

    async def _parse_response(self, params: dict[str, Any]) -> Any:
        body, options = _parse_request(params)
        return await self._post("/responses", body=body, options=options, cast_to=Response)

    def _stream_response(self, params: dict[str, Any]) -> Any:
        response_id = params.pop("response_id")
        starting_after = params.pop("starting_after")
        text_format = params.pop("text_format")
        tools = params.pop("tools")
        call_options = {k: params.pop(k) for k in _OPTION_KEYS}
        resumes = self._client.max_retries

        async def resume(rid: str, after: int) -> AsyncStream[Any]:
            return await self.retrieve(  # type: ignore[no-any-return]
                rid, stream=True, starting_after=after, **call_options
            )

        if response_id is not None or starting_after is not None:
            body, _ = split_call(dict(params), "responses.stream")
            converted_tools = to_responses_tools(tools) if tools is not None else None
            if body:
                raise ValueError(
                    "Cannot provide both response_id/starting_after can't be provided together with "
                    + ", ".join(body)
                )
            if response_id is None:
                raise ValueError("response_id must be provided when streaming an existing response")
            request = self.retrieve(
                response_id,
                stream=True,
                starting_after=omit if starting_after is None else starting_after,
                **call_options,
            )
            return AsyncResponseStreamManager(
                request,
                text_format=text_format,
                input_tools=converted_tools,
                starting_after=starting_after,
                resume=resume,
                max_resumes=resumes,
            )
        body, options = split_call({**params, **call_options}, "responses.stream")
        converted_tools = _helper_body(body, text_format, tools)
        if "input" not in body:
            raise ValueError("input must be provided when creating a new response")
        if "model" not in body:
            raise ValueError("model must be provided when creating a new response")
        body["stream"] = True
        _CREATE.check(body)
        request = self._post(
            "/responses",
            body=body,
            options=options,
            cast_to=Response,
            stream=True,
            stream_cls=AsyncStream[ResponseStreamEvent],
        )
        return AsyncResponseStreamManager(
            request,
            text_format=text_format,
            input_tools=converted_tools,
            starting_after=None,
            resume=resume,
            max_resumes=resumes,
        )
