"""Accumulates chat chunks into a completion and turns them into the helper's events.

`ChatCompletionStreamState` is public, as in the official SDK, for accumulating a plain
`create(stream=True)`. Unlike the SDK, it never dumps and re-validates the whole snapshot on
every chunk: text is kept as lists of fragments, tool calls live in the (Cython) assembler, and
the `ParsedChatCompletion` snapshot is built only when someone reads it.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any, Generic, TypeVar

from ...._exceptions import ContentFilterFinishReasonError, LengthFinishReasonError
from ...._speedups import ToolCallAssembler
from ..._parsing import has_parseable_input, has_rich_format, parse_chat_completion
from ..._partial_json import PartialJSONParser
from ..._schema import validate_parsed
from ..._tools import ToolRegistry
from ._events import (
    ChunkEvent,
    ContentDeltaEvent,
    ContentDoneEvent,
    FunctionToolCallArgumentsDeltaEvent,
    FunctionToolCallArgumentsDoneEvent,
    LogprobsContentDeltaEvent,
    LogprobsContentDoneEvent,
    LogprobsRefusalDeltaEvent,
    LogprobsRefusalDoneEvent,
    RefusalDeltaEvent,
    RefusalDoneEvent,
)

__all__ = ["ChatCompletionStreamState"]

ResponseFormatT = TypeVar("ResponseFormatT")


class _Text:
    """A growing string kept as fragments; joined (once per change) when read."""

    __slots__ = ("parts", "length", "_joined")

    def __init__(self) -> None:
        self.parts: list[str] = []
        self.length = 0
        self._joined = ""

    def append(self, s: str) -> None:
        if s:
            self.parts.append(s)
            self.length += len(s)

    def __call__(self) -> str:
        if len(self._joined) != self.length:
            self._joined = "".join(self.parts)
            self.parts = [self._joined]
        return self._joined


class _Choice:
    __slots__ = (
        "index",
        "role",
        "content",
        "refusal",
        "finish_reason",
        "logprobs",
        "lp_content",
        "lp_refusal",
        "parser",
        "parsed",
        "content_done",
        "refusal_done",
        "lp_content_done",
        "lp_refusal_done",
        "current_tool",
        "tool_parsers",
        "tool_parsed",
        "tool_done",
    )

    def __init__(self, index: int) -> None:
        self.index = index
        self.role: str | None = None
        self.content: _Text | None = None  # None until the first content delta, as the SDK
        self.refusal: _Text | None = None
        self.finish_reason: str | None = None
        self.logprobs = False
        self.lp_content: list[Any] | None = None
        self.lp_refusal: list[Any] | None = None
        self.parser: PartialJSONParser | None = None
        self.parsed: Any = None
        self.content_done = self.refusal_done = False
        self.lp_content_done = self.lp_refusal_done = False
        self.current_tool: int | None = None
        self.tool_parsers: dict[int, PartialJSONParser] = {}
        self.tool_parsed: dict[int, Any] = {}
        self.tool_done: set[int] = set()


class ChatCompletionStreamState(Generic[ResponseFormatT]):
    """Accumulates `ChatCompletionChunk`s into a completion, e.g. for a plain stream:

    state = ChatCompletionStreamState()
    async for chunk in await client.chat.completions.create(..., stream=True):
        state.handle_chunk(chunk)
    completion = state.get_final_completion()
    """

    def __init__(
        self,
        *,
        input_tools: Iterable[Mapping[str, Any]] | None = None,
        response_format: Any = None,
    ) -> None:
        from ...._types import NotGiven, Omit

        if isinstance(input_tools, (NotGiven, Omit)):
            input_tools = None
        if isinstance(response_format, (NotGiven, Omit)):
            response_format = None
        self._input_tools = list(input_tools) if input_tools is not None else []
        self._registry = ToolRegistry(self._input_tools)
        self._response_format = response_format
        self._rich = has_rich_format(response_format)
        self._parseable = has_parseable_input(response_format, self._registry)
        self._tools = ToolCallAssembler()
        self._choices: dict[int, _Choice] = {}
        self._first: Any = None
        self._usage: Any = None
        self._system_fingerprint: Any = None
        self._chunks = 0
        self._snapshot: Any = None
        self._snapshot_at = -1

    # -- public API ----------------------------------------------------------------------------
    def handle_chunk(self, chunk: Any) -> list[Any]:
        """Accumulates one chunk; returns the events it produces, in order."""
        if self._first is None:
            self._first = chunk
        self._chunks += 1
        self._usage = chunk.usage
        self._system_fingerprint = chunk.system_fingerprint
        events: list[Any] = [ChunkEvent(chunk, self)]
        for choice in chunk.choices:
            self._handle_choice(choice, events)
        return events

    @property
    def current_completion_snapshot(self) -> Any:
        """The completion so far, as a `ParsedChatCompletion` (built when read)."""
        if self._first is None:
            raise RuntimeError("No chunks received yet")
        if self._snapshot_at != self._chunks:
            self._snapshot = self._build_snapshot()
            self._snapshot_at = self._chunks
        return self._snapshot

    def get_final_completion(self) -> Any:
        """The final `ParsedChatCompletion`; call it once the stream has ended."""
        return parse_chat_completion(
            response_format=self._response_format if self._rich else None,
            input_tools=self._input_tools,
            chat_completion=self.current_completion_snapshot,
        )

    # -- accumulation ------------------------------------------------------------------------
    def _choice(self, index: int) -> _Choice:
        state = self._choices.get(index)
        if state is None:
            state = self._choices[index] = _Choice(index)
        return state

    def _handle_choice(self, choice: Any, events: list[Any]) -> None:
        cs = self._choice(choice.index)
        delta = choice.delta
        if delta.role:
            cs.role = delta.role
        text = delta.content
        if text is not None:
            if cs.content is None:
                cs.content = _Text()
            cs.content.append(text)
        refusal = delta.refusal
        if refusal is not None:
            if cs.refusal is None:
                cs.refusal = _Text()
            cs.refusal.append(refusal)
        finish_reason = choice.finish_reason
        if finish_reason:
            cs.finish_reason = finish_reason
            if self._parseable:
                if finish_reason == "length":
                    raise LengthFinishReasonError(completion=self.current_completion_snapshot)
                if finish_reason == "content_filter":
                    raise ContentFilterFinishReasonError()
        if text and self._rich and cs.refusal is None:
            # Partial parse of the structured output so far (jiter's partial mode in the SDK).
            if cs.parser is None:
                cs.parser = PartialJSONParser()
            cs.parser.append(text)
            # None while the text is only whitespace (the SDK skips parsing it).
            cs.parsed = cs.parser.parse()
        logprobs = choice.logprobs
        if logprobs is not None:
            cs.logprobs = True
            lp_content, lp_refusal = logprobs.content, logprobs.refusal
            if lp_content is not None:
                if cs.lp_content is None:
                    cs.lp_content = list(lp_content)
                else:
                    cs.lp_content.extend(lp_content)
            if lp_refusal is not None:
                if cs.lp_refusal is None:
                    cs.lp_refusal = list(lp_refusal)
                else:
                    cs.lp_refusal.extend(lp_refusal)

        # Events, in the SDK's order: content, refusal, tool calls, logprobs, then "done"s.
        if text is not None and cs.content is not None:
            events.append(ContentDeltaEvent(text, cs.content, cs.content.length, cs.parsed))
        if refusal is not None and cs.refusal is not None:
            events.append(RefusalDeltaEvent(refusal, cs.refusal, cs.refusal.length))
        tool_deltas = delta.tool_calls
        if tool_deltas:
            for ev in self._tools.feed(cs.index, tool_deltas):
                if ev.kind == "delta":
                    if cs.current_tool != ev.index:
                        # A new call started: the text before it is complete (SDK rule).
                        self._content_done(cs, events)
                        cs.current_tool = ev.index
                    events.append(self._tool_delta(cs, ev))
                else:
                    self._tool_done(cs, ev, events)
        if logprobs is not None:
            if logprobs.content and cs.lp_content:
                events.append(LogprobsContentDeltaEvent(logprobs.content, cs.lp_content))
            if logprobs.refusal and cs.lp_refusal:
                events.append(LogprobsRefusalDeltaEvent(logprobs.refusal, cs.lp_refusal))
        if finish_reason:
            self._content_done(cs, events)
            for ev in self._tools.finish(cs.index):
                self._tool_done(cs, ev, events)

    def _tool_delta(self, cs: _Choice, ev: Any) -> FunctionToolCallArgumentsDeltaEvent:
        parsed = cs.tool_parsed.get(ev.index)
        name = ev.name
        fragment = ev.arguments_delta
        if fragment and name is not None and self._registry.is_strict(name):
            parser = cs.tool_parsers.get(ev.index)
            if parser is None:
                parser = cs.tool_parsers[ev.index] = PartialJSONParser()
            parser.append(fragment)
            parsed = cs.tool_parsed[ev.index] = parser.parse()
        return FunctionToolCallArgumentsDeltaEvent(name or "", ev.index, ev, parsed, fragment)

    def _tool_done(self, cs: _Choice, ev: Any, events: list[Any]) -> None:
        if ev.index in cs.tool_done:
            return
        cs.tool_done.add(ev.index)
        name = ev.name or ""
        arguments = ev.arguments
        parsed = self._registry.parse_arguments(name, arguments) if name in self._registry else None
        cs.tool_parsed[ev.index] = parsed
        events.append(FunctionToolCallArgumentsDoneEvent(name, ev.index, arguments, parsed, ev.id))

    def _content_done(self, cs: _Choice, events: list[Any]) -> None:
        content = cs.content() if cs.content is not None else None
        if content and not cs.content_done:
            cs.content_done = True
            parsed = None
            if self._rich and cs.refusal is None:
                parsed = validate_parsed(self._response_format, content)
            cs.parsed = parsed
            events.append(ContentDoneEvent(content, parsed))
        if cs.refusal is not None and not cs.refusal_done:
            cs.refusal_done = True
            events.append(RefusalDoneEvent(cs.refusal()))
        if cs.logprobs and cs.lp_content is not None and not cs.lp_content_done:
            cs.lp_content_done = True
            events.append(LogprobsContentDoneEvent(list(cs.lp_content)))
        if cs.logprobs and cs.lp_refusal is not None and not cs.lp_refusal_done:
            cs.lp_refusal_done = True
            events.append(LogprobsRefusalDoneEvent(list(cs.lp_refusal)))

    # -- snapshot ------------------------------------------------------------------------------
    def _build_snapshot(self) -> Any:
        from ....types.chat.chat_completion import ChoiceLogprobs
        from ....types.chat.parsed_chat_completion import (
            ParsedChatCompletion,
            ParsedChatCompletionMessage,
            ParsedChoice,
        )
        from ....types.chat.parsed_function_tool_call import ParsedFunction, ParsedFunctionToolCall

        first = self._first
        choices = []
        for index in sorted(self._choices):
            cs = self._choices[index]
            message_fields: dict[str, Any] = {"role": cs.role}
            if cs.content is not None:
                message_fields["content"] = cs.content()
            if cs.refusal is not None:
                message_fields["refusal"] = cs.refusal()
            calls = self._tools.calls(index)
            if calls:
                message_fields["tool_calls"] = [
                    # `index` rides along as an extra key, as in the SDK's snapshot.
                    ParsedFunctionToolCall.construct(
                        id=call.id,
                        type=call.type or "function",
                        function=ParsedFunction(
                            name=call.name or "",
                            arguments=call.arguments,
                            parsed_arguments=cs.tool_parsed.get(call.index),
                        ),
                        index=call.index,
                    )
                    for call in calls
                ]
            if self._rich:
                message_fields["parsed"] = cs.parsed
            choice_fields: dict[str, Any] = {
                "index": index,
                "finish_reason": cs.finish_reason,
                "message": ParsedChatCompletionMessage(**message_fields),
            }
            if cs.logprobs:
                choice_fields["logprobs"] = ChoiceLogprobs(
                    content=list(cs.lp_content) if cs.lp_content is not None else None,
                    refusal=list(cs.lp_refusal) if cs.lp_refusal is not None else None,
                )
            choices.append(ParsedChoice(**choice_fields))
        fields: dict[str, Any] = {
            "id": first.id,
            "choices": choices,
            "created": first.created,
            "model": first.model,
            "object": "chat.completion",
            "system_fingerprint": self._system_fingerprint,
            "usage": self._usage,
        }
        service_tier = first.service_tier
        if service_tier is not None:
            fields["service_tier"] = service_tier
        return ParsedChatCompletion(**fields)
