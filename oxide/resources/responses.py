"""`client.responses`: create (with and without streaming), retrieve, delete, cancel."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, Literal, overload

from .._base_client import request_options, strip_not_given
from .._streaming import AsyncStream, Stream
from ..lib.streaming.responses import AsyncResponseStreamManager, ResponseStreamManager
from ..types.responses.response import Response
from ..types.responses.response_stream_event import ResponseStreamEvent
from ._base import AsyncAPIResource, ParamSpec, SyncAPIResource, helper_options

if TYPE_CHECKING:
    from typing_extensions import Unpack

    from .._types import RequestOptions
    from ..types.responses.response_create_params import ResponseCreateParamsBase

    class CreateArgs(ResponseCreateParamsBase, RequestOptions, total=False):
        pass


__all__ = ["AsyncResponses", "Responses"]


def _param_types() -> tuple[Any, ...]:
    from ..types.responses import response_create_params as p

    return (p.ResponseCreateParamsNonStreaming, p.ResponseCreateParamsStreaming)


_CREATE = ParamSpec("create", _param_types)


def _path_id(name: str, value: str) -> str:
    if not value:
        raise ValueError(f"Expected a non-empty value for `{name}` but received {value!r}")
    return value


def _helper_body(
    params: dict[str, Any], text_format: Any, tools: Any
) -> tuple[dict[str, Any], Any]:
    """The body of a parse()/stream() call: `text.format` from `text_format`, chat-shaped
    typed tools converted to the Responses shape (as the SDK's `_make_tools`)."""
    from ..lib._parsing import responses_text_param
    from ..lib._tools import to_responses_tools

    body = strip_not_given(params)
    converted_tools = to_responses_tools(tools) if tools is not None else None
    text = responses_text_param(text_format, body.get("text"))
    if text is not None:
        body["text"] = text
    if converted_tools is not None:
        body["tools"] = converted_tools
    return body, converted_tools


class AsyncResponses(AsyncAPIResource):
    __slots__ = ()

    @overload
    async def create(
        self, *, stream: Literal[True], **params: Unpack[CreateArgs]
    ) -> AsyncStream[ResponseStreamEvent]: ...

    @overload
    async def create(
        self, *, stream: Literal[False] | None = ..., **params: Unpack[CreateArgs]
    ) -> Response: ...

    @overload
    async def create(
        self, *, stream: bool, **params: Unpack[CreateArgs]
    ) -> Response | AsyncStream[ResponseStreamEvent]: ...

    async def create(self, **params: Any) -> Response | AsyncStream[ResponseStreamEvent]:
        """Creates a model response (`POST /responses`); `stream=True` yields typed events."""
        options = request_options(params)
        body = strip_not_given(params)
        _CREATE.check(body)
        return await self._client._request(  # type: ignore[no-any-return]
            "POST",
            "responses",
            Response,
            body=body,
            options=options,
            stream=bool(body.get("stream")),
            stream_cls=ResponseStreamEvent,
        )

    async def retrieve(
        self,
        response_id: str,
        *,
        include: list[str] | None = None,
        include_obfuscation: bool | None = None,
        starting_after: int | None = None,
        stream: bool = False,
        **options: Any,
    ) -> Any:
        """Retrieves a response by id; with `stream=True`, replays its events (background
        responses), from `starting_after` when given."""
        query: dict[str, object] = {}
        if include is not None:
            query["include[]"] = list(include)
        if include_obfuscation is not None:
            query["include_obfuscation"] = str(include_obfuscation).lower()
        if starting_after is not None:
            query["starting_after"] = starting_after
        if stream:
            query["stream"] = "true"
        return await self._client._request(
            "GET",
            f"responses/{_path_id('response_id', response_id)}",
            Response,
            query=query or None,
            options=request_options(options),
            stream=stream,
            stream_cls=ResponseStreamEvent,
        )

    async def delete(self, response_id: str, **options: Any) -> None:
        """Deletes a stored response."""
        await self._client._request(
            "DELETE",
            f"responses/{_path_id('response_id', response_id)}",
            None,
            options=request_options(options),
        )

    async def cancel(self, response_id: str, **options: Any) -> Response:
        """Cancels a background response."""
        return await self._client._request(  # type: ignore[no-any-return]
            "POST",
            f"responses/{_path_id('response_id', response_id)}/cancel",
            Response,
            options=request_options(options),
        )

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
        replays an existing background response instead of creating one.

        oxide addition: a background response whose connection drops is resumed from the last
        event delivered, up to `max_resumes` times (default: the client's `max_retries`)."""
        from ..lib._tools import to_responses_tools

        options = request_options(params)
        client = self._client
        resumes = client.max_retries if max_resumes is None else max_resumes

        async def resume(rid: str, after: int) -> AsyncStream[Any]:
            return await self.retrieve(rid, stream=True, starting_after=after, **(options or {}))  # type: ignore[no-any-return]

        if response_id is not None or starting_after is not None:
            body = strip_not_given(params)
            converted_tools = to_responses_tools(tools) if tools is not None else None
            if body:
                raise ValueError(
                    "Cannot provide both response_id/starting_after can't be provided together with "
                    + ", ".join(body)
                )
            if response_id is None:
                raise ValueError("response_id must be provided when streaming an existing response")
            request = self.retrieve(
                response_id, stream=True, starting_after=starting_after, **(options or {})
            )
            return AsyncResponseStreamManager(
                request,
                text_format=text_format,
                input_tools=converted_tools,
                starting_after=starting_after,
                resume=resume,
                max_resumes=resumes,
            )
        body, converted_tools = _helper_body(params, text_format, tools)
        if "input" not in body:
            raise ValueError("input must be provided when creating a new response")
        if "model" not in body:
            raise ValueError("model must be provided when creating a new response")
        body["stream"] = True
        _CREATE.check(body)
        request = client._request(
            "POST",
            "responses",
            Response,
            body=body,
            options=helper_options(options, "responses.stream"),
            stream=True,
            stream_cls=ResponseStreamEvent,
        )
        return AsyncResponseStreamManager(
            request,
            text_format=text_format,
            input_tools=converted_tools,
            starting_after=None,
            resume=resume,
            max_resumes=resumes,
        )

    async def parse(self, *, text_format: Any = None, tools: Any = None, **params: Any) -> Any:
        """`create()` with `text_format` given as a type: `response.output_parsed` is an
        instance of it, and function calls of typed/strict tools carry `parsed_arguments`."""
        from ..lib._parsing import parse_response

        options = helper_options(request_options(params), "responses.parse")
        body, converted_tools = _helper_body(params, text_format, tools)
        _CREATE.check(body)
        response = await self._client._request(
            "POST", "responses", Response, body=body, options=options
        )
        if not isinstance(response, Response):
            return response  # a raw-response view
        return parse_response(
            text_format=text_format, input_tools=converted_tools, response=response
        )


class Responses(SyncAPIResource):
    __slots__ = ()

    @overload
    def create(
        self, *, stream: Literal[True], **params: Unpack[CreateArgs]
    ) -> Stream[ResponseStreamEvent]: ...

    @overload
    def create(
        self, *, stream: Literal[False] | None = ..., **params: Unpack[CreateArgs]
    ) -> Response: ...

    @overload
    def create(
        self, *, stream: bool, **params: Unpack[CreateArgs]
    ) -> Response | Stream[ResponseStreamEvent]: ...

    def create(self, **params: Any) -> Response | Stream[ResponseStreamEvent]:
        result = self._run(self._async.create(**params))
        if isinstance(result, AsyncStream):
            return Stream(result, self._runner)
        return result  # type: ignore[no-any-return]

    def retrieve(self, response_id: str, **kwargs: Any) -> Any:
        result = self._run(self._async.retrieve(response_id, **kwargs))
        if isinstance(result, AsyncStream):
            return Stream(result, self._runner)
        return result

    def delete(self, response_id: str, **options: Any) -> None:
        self._run(self._async.delete(response_id, **options))

    def cancel(self, response_id: str, **options: Any) -> Response:
        return self._run(self._async.cancel(response_id, **options))  # type: ignore[no-any-return]

    def stream(self, **kwargs: Any) -> ResponseStreamManager[Any]:
        """`with client.responses.stream(...) as stream:`"""
        return ResponseStreamManager(self._async.stream(**kwargs), self._runner)

    def parse(self, **kwargs: Any) -> Any:
        return self._run(self._async.parse(**kwargs))
