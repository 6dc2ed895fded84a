"""`responses.parse()` and `.stream()`: structured outputs and the typed stream helper.

`parse` is `create` with `text_format` given as a type: `response.output_parsed` is an
instance of it, and function calls of typed/strict tools carry `parsed_arguments` (parsed in a
`post_parser`, so `with_raw_response.parse(...).parse()` gives the same). `stream` gives typed
events plus the helper events, and resumes a background response whose connection drops
(oxide addition, up to `max_resumes` times, default the client's `max_retries`).
"""

from __future__ import annotations

from typing import Any

from ..._streaming import AsyncStream
from ...types.responses.response import Response
from ...types.responses.response_stream_event import ResponseStreamEvent
from .._parsing import parse_response, responses_text_param
from .._tools import to_responses_tools
from ..streaming.responses import AsyncResponseStreamManager, ResponseStreamManager
from ._common import ParamSpec, split_call

__all__ = ["AsyncResponsesMixin", "ResponsesMixin"]


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


class AsyncResponsesMixin:
    _post: Any
    _client: Any
    retrieve: Any

    async def parse(self, *, text_format: Any = None, tools: Any = None, **params: Any) -> Any:
        """`create()` with `text_format` given as a type; see the module doc."""
        holder: dict[str, Any] = {}

        def parser(response: Response) -> Any:
            return parse_response(
                text_format=text_format, input_tools=holder.get("tools"), response=response
            )

        body, options = split_call(params, "responses.parse", parser)
        holder["tools"] = _helper_body(body, text_format, tools)
        _CREATE.check(body)
        return await self._post("/responses", body=body, options=options, cast_to=Response)

    def stream(
        self,
        *,
        response_id: str | None = None,
        starting_after: int | None = None,
        text_format: Any = None,
        tools: Any = None,
        max_resumes: int | None = None,
        **params: Any,
    ) -> AsyncResponseStreamManager[Any]:
        """`async with client.responses.stream(...) as stream:` typed events and
        `await stream.get_final_response()`. With `response_id` (and `starting_after`),
        replays an existing background response instead of creating one."""
        call_options = {k: params.pop(k) for k in _OPTION_KEYS if k in params}
        resumes = self._client.max_retries if max_resumes is None else max_resumes

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
                response_id, stream=True, starting_after=starting_after, **call_options
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


class ResponsesMixin:
    _post: Any
    _client: Any

    def parse(self, *, text_format: Any = None, tools: Any = None, **params: Any) -> Any:
        """`create()` with `text_format` given as a type; see the module doc."""
        holder: dict[str, Any] = {}

        def parser(response: Response) -> Any:
            return parse_response(
                text_format=text_format, input_tools=holder.get("tools"), response=response
            )

        body, options = split_call(params, "responses.parse", parser)
        holder["tools"] = _helper_body(body, text_format, tools)
        _CREATE.check(body)
        return self._post("/responses", body=body, options=options, cast_to=Response)

    def stream(self, **kwargs: Any) -> ResponseStreamManager[Any]:
        """`with client.responses.stream(...) as stream:` (the async helper, run by the sync
        client's runner)."""
        client = self._client
        return ResponseStreamManager(client._engine.responses.stream(**kwargs), client._runner)
