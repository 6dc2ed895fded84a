# The signatures below are the SDK's, copied verbatim (`Optional[...]`, `Union[...]`, `Dict`):
# tests/test_api_surface.py compares their annotation text with the SDK's.
# ruff: noqa: UP006, UP007, UP035, UP045
"""`client.beta.agents.sessions.create()` with `output_type` / `tool_handlers`, and
`sessions.stream()`: the beta Agents agent loop (`oxide/lib/beta/agents`,
`oxide/lib/streaming/agents`).

`create(output_type=T)` sends `agent.text.format` as T's strict JSON schema; with `stream=True`
the result is an `AgentSessionEventStream` whose `get_final_result()` parses the first turn's
answer into T, and whose registered `tool_handlers` run as their calls arrive, their results
posted back with `sessions.events.create`. `stream(session_id, input=...)` does the same for one
turn of an existing idle session.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, cast, overload

from ..._streaming import AsyncStream, Stream
from ..._types import NOT_GIVEN, Omit, omit
from ..._utils import maybe_transform, required_args
from ..beta.agents._output import with_output_schema
from ..beta.agents._stream import (
    AgentSessionEventStream,
    AgentSessionRawResponse,
    AgentSessionStreamedResponse,
    AsyncAgentSessionEventStream,
    bind_event_stream,
)
from ..streaming.agents._dispatch import AsyncToolDispatcher, ToolDispatcher
from ..streaming.agents._streams import AgentSessionStream, AsyncAgentSessionStream

if TYPE_CHECKING:
    from collections.abc import Iterable, Mapping
    from typing import Dict, Literal, Optional, Union

    from ..._types import Body, Headers, NotGiven, Query, SequenceNotStr, Timeout
    from ...types.beta.agent_session import AgentSession
    from ...types.beta.agent_session_input_message_param import AgentSessionInputMessageParam
    from ...types.beta.agents import session_create_params
    from ...types.beta.environment_param import EnvironmentParam
    from ..beta.agents._result import OutputT
    from ..beta.agents._tool_error import AsyncToolErrorHandler, ToolErrorHandler
    from ..streaming.agents._types import AsyncToolHandler, ToolHandler

__all__ = ["AsyncSessionsMixin", "SessionsMixin"]

if TYPE_CHECKING:  # the resource base the mixin is attached to, for the type checker only
    from ..._resource import AsyncAPIResource as _AsyncBase
    from ..._resource import SyncAPIResource as _SyncBase
    from ...resources.beta.agents.sessions.sessions import AsyncSessions, Sessions
else:
    _AsyncBase = _SyncBase = object

_BETA = {"OpenAI-Beta": "agents=v1"}
_BODY_KEYS = (
    "stream",
    "environment",
    "agent",
    "agent_id",
    "input",
    "metadata",
    "prompt_cache_options",
    "review",
    "spend_control",
    "stream_options",
    "vault_ids",
)


def _create_call(
    args: dict[str, Any], tool_handlers: Any
) -> tuple[dict[str, Any], Any, dict[str, Any]]:
    """The body, the output type and the headers of a `create` call (its `locals()`)."""
    from ...types.beta.agents import session_create_params as p

    output_type = args["output_type"]
    stream = args["stream"]
    if tool_handlers is not None and stream is not True:
        raise ValueError("tool_handlers requires stream=True")
    body = {key: args[key] for key in _BODY_KEYS}
    body["agent"] = with_output_schema(body["agent"], output_type)
    params = p.SessionCreateParamsStreaming if stream else p.SessionCreateParamsNonStreaming
    headers = {**_BETA, **(args["extra_headers"] or {})}
    return maybe_transform(body, params), output_type, headers


def _raw_stream_headers(headers: dict[str, Any], stream: Any) -> dict[str, Any] | None:
    """For `with_raw_response` / `with_streaming_response` `.create(stream=True)`: the headers
    asking the engine for the response class that binds the event stream (None otherwise)."""
    from ..._options import OVERRIDE_CAST_TO_HEADER, RAW_RESPONSE_HEADER

    mode = headers.get(RAW_RESPONSE_HEADER)
    if stream is not True or mode not in ("raw", "stream"):
        return None
    cls = AgentSessionRawResponse if mode == "raw" else AgentSessionStreamedResponse
    return {**headers, OVERRIDE_CAST_TO_HEADER: cls}


def _stream_cls(kind: Any) -> Any:
    """`Stream[AgentSessionEvent]` / `AsyncStream[...]`: what each event decodes to."""
    from ...types.beta.agent_session_event import AgentSessionEvent

    return kind[AgentSessionEvent]


class SessionsMixin(_SyncBase):
    def stream(
        self,
        session_id: str,
        *,
        input: str | Iterable[AgentSessionInputMessageParam],
        output_type: type[OutputT] | None = None,
        tool_handlers: Mapping[str, ToolHandler] | None = None,
        on_tool_error: ToolErrorHandler | None = None,
        idempotency_key: str | Omit = omit,
        extra_headers: Headers | None = None,
        timeout: float | Timeout | None | NotGiven = NOT_GIVEN,
    ) -> AgentSessionStream[OutputT]:
        """Stream one turn of an idle session, subscribing before submitting input.

        Use as a context manager. Only one caller may submit input to the session
        while this helper runs. Optional tool handlers receive an arguments dict;
        their results are submitted automatically. Use on_tool_error alongside
        tool_handlers to log or monitor local argument, handler, and output failures.
        The callback does not receive API or stream errors. Ordinary observer
        exceptions are ignored. See AgentSessionStream for details."""
        return AgentSessionStream(
            cast("Sessions", self),
            session_id,
            input=input,
            output_type=output_type,
            tool_handlers=tool_handlers,
            on_tool_error=on_tool_error,
            idempotency_key=idempotency_key,
            extra_headers=extra_headers,
            timeout=timeout,
        )

    @overload
    def create(
        self,
        *,
        environment: EnvironmentParam,
        output_type: type[OutputT] | None = None,
        tool_handlers: Mapping[str, ToolHandler] | None = None,
        agent: session_create_params.Agent | Omit = omit,
        agent_id: str | Omit = omit,
        input: Union[str, Iterable[AgentSessionInputMessageParam], None] | Omit = omit,
        metadata: Optional[Dict[str, str]] | Omit = omit,
        prompt_cache_options: Optional[session_create_params.PromptCacheOptions] | Omit = omit,
        review: Literal["none", "auto_review"] | Omit = omit,
        spend_control: Optional[session_create_params.SpendControl] | Omit = omit,
        stream: Literal[False] | Omit = omit,
        stream_options: session_create_params.StreamOptions | Omit = omit,
        vault_ids: Optional[SequenceNotStr[str]] | Omit = omit,
        extra_headers: Headers | None = None,
        extra_query: Query | None = None,
        extra_body: Body | None = None,
        timeout: float | Timeout | None | NotGiven = NOT_GIVEN,
    ) -> AgentSession: ...

    @overload
    def create(
        self,
        *,
        environment: EnvironmentParam,
        output_type: type[OutputT] | None = None,
        tool_handlers: Mapping[str, ToolHandler] | None = None,
        stream: Literal[True],
        agent: session_create_params.Agent | Omit = omit,
        agent_id: str | Omit = omit,
        input: Union[str, Iterable[AgentSessionInputMessageParam], None] | Omit = omit,
        metadata: Optional[Dict[str, str]] | Omit = omit,
        prompt_cache_options: Optional[session_create_params.PromptCacheOptions] | Omit = omit,
        review: Literal["none", "auto_review"] | Omit = omit,
        spend_control: Optional[session_create_params.SpendControl] | Omit = omit,
        stream_options: session_create_params.StreamOptions | Omit = omit,
        vault_ids: Optional[SequenceNotStr[str]] | Omit = omit,
        extra_headers: Headers | None = None,
        extra_query: Query | None = None,
        extra_body: Body | None = None,
        timeout: float | Timeout | None | NotGiven = NOT_GIVEN,
    ) -> AgentSessionEventStream[OutputT]: ...

    @overload
    def create(
        self,
        *,
        environment: EnvironmentParam,
        output_type: type[OutputT] | None = None,
        tool_handlers: Mapping[str, ToolHandler] | None = None,
        stream: bool,
        agent: session_create_params.Agent | Omit = omit,
        agent_id: str | Omit = omit,
        input: Union[str, Iterable[AgentSessionInputMessageParam], None] | Omit = omit,
        metadata: Optional[Dict[str, str]] | Omit = omit,
        prompt_cache_options: Optional[session_create_params.PromptCacheOptions] | Omit = omit,
        review: Literal["none", "auto_review"] | Omit = omit,
        spend_control: Optional[session_create_params.SpendControl] | Omit = omit,
        stream_options: session_create_params.StreamOptions | Omit = omit,
        vault_ids: Optional[SequenceNotStr[str]] | Omit = omit,
        extra_headers: Headers | None = None,
        extra_query: Query | None = None,
        extra_body: Body | None = None,
        timeout: float | Timeout | None | NotGiven = NOT_GIVEN,
    ) -> AgentSession | AgentSessionEventStream[OutputT]: ...

    @required_args(["environment"], ["environment", "stream"])
    def create(
        self,
        *,
        environment: EnvironmentParam,
        output_type: type[OutputT] | None = None,
        tool_handlers: Mapping[str, ToolHandler] | None = None,
        agent: session_create_params.Agent | Omit = omit,
        agent_id: str | Omit = omit,
        input: Union[str, Iterable[AgentSessionInputMessageParam], None] | Omit = omit,
        metadata: Optional[Dict[str, str]] | Omit = omit,
        prompt_cache_options: Optional[session_create_params.PromptCacheOptions] | Omit = omit,
        review: Literal["none", "auto_review"] | Omit = omit,
        spend_control: Optional[session_create_params.SpendControl] | Omit = omit,
        stream: Literal[False] | Literal[True] | Omit = omit,
        stream_options: session_create_params.StreamOptions | Omit = omit,
        vault_ids: Optional[SequenceNotStr[str]] | Omit = omit,
        extra_headers: Headers | None = None,
        extra_query: Query | None = None,
        extra_body: Body | None = None,
        timeout: float | Timeout | None | NotGiven = NOT_GIVEN,
    ) -> AgentSession | AgentSessionEventStream[OutputT]:
        from ..._options import make_request_options
        from ...types.beta.agent_session import AgentSession

        body, output_type, headers = _create_call(locals(), tool_handlers)
        raw = _raw_stream_headers(headers, stream)
        result = self._post(
            "/agents/sessions",
            body=body,
            options=make_request_options(
                extra_headers=raw or headers,
                extra_query=extra_query,
                extra_body=extra_body,
                timeout=timeout,
                security={"bearer_auth": True},
                stream_mode="events",
            ),
            cast_to=AgentSession,
            stream=stream or False,
            stream_cls=_stream_cls(Stream),
        )
        dispatcher = (
            ToolDispatcher(
                cast("Sessions", self), tool_handlers, extra_headers=headers, timeout=timeout
            )
            if tool_handlers
            else None
        )
        bind_event_stream(result, output_type, dispatcher)  # raw/streamed: bound at `.parse()`
        if not isinstance(result, Stream):
            # The session (no stream), or a raw response (`with_raw_response`).
            return result
        return AgentSessionEventStream(result, output_type=output_type, dispatcher=dispatcher)


class AsyncSessionsMixin(_AsyncBase):
    def stream(
        self,
        session_id: str,
        *,
        input: str | Iterable[AgentSessionInputMessageParam],
        output_type: type[OutputT] | None = None,
        tool_handlers: Mapping[str, AsyncToolHandler] | None = None,
        on_tool_error: AsyncToolErrorHandler | None = None,
        idempotency_key: str | Omit = omit,
        extra_headers: Headers | None = None,
        timeout: float | Timeout | None | NotGiven = NOT_GIVEN,
    ) -> AsyncAgentSessionStream[OutputT]:
        """Stream one turn of an idle session, subscribing before submitting input.

        Use as a context manager. Only one caller may submit input to the session
        while this helper runs. Optional tool handlers receive an arguments dict;
        their results are submitted automatically. Use on_tool_error alongside
        tool_handlers to log or monitor local argument, handler, and output failures.
        The callback does not receive API or stream errors. Ordinary observer
        exceptions are ignored. See AgentSessionStream for details."""
        return AsyncAgentSessionStream(
            cast("AsyncSessions", self),
            session_id,
            input=input,
            output_type=output_type,
            tool_handlers=tool_handlers,
            on_tool_error=on_tool_error,
            idempotency_key=idempotency_key,
            extra_headers=extra_headers,
            timeout=timeout,
        )

    @overload
    async def create(
        self,
        *,
        environment: EnvironmentParam,
        output_type: type[OutputT] | None = None,
        tool_handlers: Mapping[str, AsyncToolHandler] | None = None,
        agent: session_create_params.Agent | Omit = omit,
        agent_id: str | Omit = omit,
        input: Union[str, Iterable[AgentSessionInputMessageParam], None] | Omit = omit,
        metadata: Optional[Dict[str, str]] | Omit = omit,
        prompt_cache_options: Optional[session_create_params.PromptCacheOptions] | Omit = omit,
        review: Literal["none", "auto_review"] | Omit = omit,
        spend_control: Optional[session_create_params.SpendControl] | Omit = omit,
        stream: Literal[False] | Omit = omit,
        stream_options: session_create_params.StreamOptions | Omit = omit,
        vault_ids: Optional[SequenceNotStr[str]] | Omit = omit,
        extra_headers: Headers | None = None,
        extra_query: Query | None = None,
        extra_body: Body | None = None,
        timeout: float | Timeout | None | NotGiven = NOT_GIVEN,
    ) -> AgentSession: ...

    @overload
    async def create(
        self,
        *,
        environment: EnvironmentParam,
        output_type: type[OutputT] | None = None,
        tool_handlers: Mapping[str, AsyncToolHandler] | None = None,
        stream: Literal[True],
        agent: session_create_params.Agent | Omit = omit,
        agent_id: str | Omit = omit,
        input: Union[str, Iterable[AgentSessionInputMessageParam], None] | Omit = omit,
        metadata: Optional[Dict[str, str]] | Omit = omit,
        prompt_cache_options: Optional[session_create_params.PromptCacheOptions] | Omit = omit,
        review: Literal["none", "auto_review"] | Omit = omit,
        spend_control: Optional[session_create_params.SpendControl] | Omit = omit,
        stream_options: session_create_params.StreamOptions | Omit = omit,
        vault_ids: Optional[SequenceNotStr[str]] | Omit = omit,
        extra_headers: Headers | None = None,
        extra_query: Query | None = None,
        extra_body: Body | None = None,
        timeout: float | Timeout | None | NotGiven = NOT_GIVEN,
    ) -> AsyncAgentSessionEventStream[OutputT]: ...

    @overload
    async def create(
        self,
        *,
        environment: EnvironmentParam,
        output_type: type[OutputT] | None = None,
        tool_handlers: Mapping[str, AsyncToolHandler] | None = None,
        stream: bool,
        agent: session_create_params.Agent | Omit = omit,
        agent_id: str | Omit = omit,
        input: Union[str, Iterable[AgentSessionInputMessageParam], None] | Omit = omit,
        metadata: Optional[Dict[str, str]] | Omit = omit,
        prompt_cache_options: Optional[session_create_params.PromptCacheOptions] | Omit = omit,
        review: Literal["none", "auto_review"] | Omit = omit,
        spend_control: Optional[session_create_params.SpendControl] | Omit = omit,
        stream_options: session_create_params.StreamOptions | Omit = omit,
        vault_ids: Optional[SequenceNotStr[str]] | Omit = omit,
        extra_headers: Headers | None = None,
        extra_query: Query | None = None,
        extra_body: Body | None = None,
        timeout: float | Timeout | None | NotGiven = NOT_GIVEN,
    ) -> AgentSession | AsyncAgentSessionEventStream[OutputT]: ...

    @required_args(["environment"], ["environment", "stream"])
    async def create(
        self,
        *,
        environment: EnvironmentParam,
        output_type: type[OutputT] | None = None,
        tool_handlers: Mapping[str, AsyncToolHandler] | None = None,
        agent: session_create_params.Agent | Omit = omit,
        agent_id: str | Omit = omit,
        input: Union[str, Iterable[AgentSessionInputMessageParam], None] | Omit = omit,
        metadata: Optional[Dict[str, str]] | Omit = omit,
        prompt_cache_options: Optional[session_create_params.PromptCacheOptions] | Omit = omit,
        review: Literal["none", "auto_review"] | Omit = omit,
        spend_control: Optional[session_create_params.SpendControl] | Omit = omit,
        stream: Literal[False] | Literal[True] | Omit = omit,
        stream_options: session_create_params.StreamOptions | Omit = omit,
        vault_ids: Optional[SequenceNotStr[str]] | Omit = omit,
        extra_headers: Headers | None = None,
        extra_query: Query | None = None,
        extra_body: Body | None = None,
        timeout: float | Timeout | None | NotGiven = NOT_GIVEN,
    ) -> AgentSession | AsyncAgentSessionEventStream[OutputT]:
        from ..._options import make_request_options
        from ...types.beta.agent_session import AgentSession

        body, output_type, headers = _create_call(locals(), tool_handlers)
        raw = _raw_stream_headers(headers, stream)
        result = await self._post(
            "/agents/sessions",
            body=body,
            options=make_request_options(
                extra_headers=raw or headers,
                extra_query=extra_query,
                extra_body=extra_body,
                timeout=timeout,
                security={"bearer_auth": True},
                stream_mode="events",
            ),
            cast_to=AgentSession,
            stream=stream or False,
            stream_cls=_stream_cls(AsyncStream),
        )
        dispatcher = (
            AsyncToolDispatcher(
                cast("AsyncSessions", self), tool_handlers, extra_headers=headers, timeout=timeout
            )
            if tool_handlers
            else None
        )
        bind_event_stream(result, output_type, dispatcher)  # raw/streamed: bound at `.parse()`
        if not isinstance(result, AsyncStream):
            # The session (no stream), or a raw response (`with_raw_response`).
            return result
        return AsyncAgentSessionEventStream(result, output_type=output_type, dispatcher=dispatcher)
