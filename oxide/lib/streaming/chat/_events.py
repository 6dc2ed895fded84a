"""Events of `client.chat.completions.stream()`: the official SDK's names, types and fields.

Plain slotted classes rather than models: a long answer produces thousands of them. Snapshots
are taken lazily (an event keeps the choice state and a length), so reading them is optional
and an event that is read at once costs no string copy.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, Generic, Literal, TypeVar

if TYPE_CHECKING:
    from ....types.chat import ChatCompletionChunk, ChatCompletionTokenLogprob
    from ....types.chat.parsed_chat_completion import ParsedChatCompletion

__all__ = [
    "ChatCompletionStreamEvent",
    "ChunkEvent",
    "ContentDeltaEvent",
    "ContentDoneEvent",
    "FunctionToolCallArgumentsDeltaEvent",
    "FunctionToolCallArgumentsDoneEvent",
    "LogprobsContentDeltaEvent",
    "LogprobsContentDoneEvent",
    "LogprobsRefusalDeltaEvent",
    "LogprobsRefusalDoneEvent",
    "RefusalDeltaEvent",
    "RefusalDoneEvent",
]

ResponseFormatT = TypeVar("ResponseFormatT")


class _Event:
    __slots__ = ()
    type: str
    _fields: tuple[str, ...] = ()

    def to_dict(self) -> dict[str, Any]:
        return {"type": self.type, **{f: getattr(self, f) for f in self._fields}}

    def __eq__(self, other: object) -> bool:
        return type(other) is type(self) and self.to_dict() == other.to_dict()  # type: ignore[attr-defined,unused-ignore]

    __hash__ = None  # type: ignore[assignment]

    def __repr__(self) -> str:
        body = ", ".join(f"{f}={getattr(self, f)!r}" for f in self._fields)
        return f"{type(self).__name__}(type={self.type!r}, {body})"


class ChunkEvent(_Event):
    """Every chunk as it arrives, with the accumulated completion."""

    __slots__ = ("chunk", "_state")
    type: Literal["chunk"] = "chunk"
    _fields = ("chunk", "snapshot")

    def __init__(self, chunk: ChatCompletionChunk, state: Any) -> None:
        self.chunk = chunk
        self._state = state

    @property
    def snapshot(self) -> ParsedChatCompletion[object]:
        """The completion accumulated so far (built when read)."""
        return self._state.current_completion_snapshot  # type: ignore[no-any-return]


class _TextSnapshot(_Event):
    __slots__ = ("_text", "_length")
    _text: Any
    _length: int

    @property
    def snapshot(self) -> str:
        text: str = self._text()
        return text if len(text) == self._length else text[: self._length]


class ContentDeltaEvent(_TextSnapshot):
    __slots__ = ("delta", "parsed")
    type: Literal["content.delta"] = "content.delta"
    _fields = ("delta", "snapshot", "parsed")

    def __init__(self, delta: str, text: Any, length: int, parsed: object | None) -> None:
        self.delta = delta
        self._text = text
        self._length = length
        self.parsed = parsed


class ContentDoneEvent(_Event, Generic[ResponseFormatT]):
    __slots__ = ("content", "parsed")
    type: Literal["content.done"] = "content.done"
    _fields = ("content", "parsed")

    def __init__(self, content: str, parsed: ResponseFormatT | None) -> None:
        self.content = content
        self.parsed = parsed


class RefusalDeltaEvent(_TextSnapshot):
    __slots__ = ("delta",)
    type: Literal["refusal.delta"] = "refusal.delta"
    _fields = ("delta", "snapshot")

    def __init__(self, delta: str, text: Any, length: int) -> None:
        self.delta = delta
        self._text = text
        self._length = length


class RefusalDoneEvent(_Event):
    __slots__ = ("refusal",)
    type: Literal["refusal.done"] = "refusal.done"
    _fields = ("refusal",)

    def __init__(self, refusal: str) -> None:
        self.refusal = refusal


class FunctionToolCallArgumentsDeltaEvent(_Event):
    __slots__ = ("name", "index", "_event", "parsed_arguments", "arguments_delta")
    type: Literal["tool_calls.function.arguments.delta"] = "tool_calls.function.arguments.delta"
    _fields = ("name", "index", "arguments", "parsed_arguments", "arguments_delta")

    def __init__(
        self, name: str, index: int, event: Any, parsed_arguments: object, arguments_delta: str
    ) -> None:
        self.name = name
        self.index = index
        self._event = event  # the assembler's event: its arguments snapshot is lazy
        self.parsed_arguments = parsed_arguments
        self.arguments_delta = arguments_delta

    @property
    def arguments(self) -> str:
        return self._event.arguments  # type: ignore[no-any-return]


class FunctionToolCallArgumentsDoneEvent(_Event):
    """A call whose arguments are complete: emitted as soon as its JSON closes, so a tool can
    start while the model is still writing (the official SDK waits for the next call or the
    end of the choice)."""

    __slots__ = ("name", "index", "arguments", "parsed_arguments", "id")
    type: Literal["tool_calls.function.arguments.done"] = "tool_calls.function.arguments.done"
    _fields = ("name", "index", "arguments", "parsed_arguments")

    def __init__(
        self, name: str, index: int, arguments: str, parsed_arguments: object, id: str | None = None
    ) -> None:
        self.name = name
        self.index = index
        self.arguments = arguments
        self.parsed_arguments = parsed_arguments
        self.id = id
        """The call's id (an oxide addition: what a tool result message needs)."""


class _Logprobs(_Event):
    __slots__ = ("_list", "_length")
    _list: list[Any]
    _length: int

    @property
    def snapshot(self) -> list[ChatCompletionTokenLogprob]:
        return self._list[: self._length]


class LogprobsContentDeltaEvent(_Logprobs):
    __slots__ = ("content",)
    type: Literal["logprobs.content.delta"] = "logprobs.content.delta"
    _fields = ("content", "snapshot")

    def __init__(self, content: list[ChatCompletionTokenLogprob], lst: list[Any]) -> None:
        self.content = content
        self._list = lst
        self._length = len(lst)


class LogprobsContentDoneEvent(_Event):
    __slots__ = ("content",)
    type: Literal["logprobs.content.done"] = "logprobs.content.done"
    _fields = ("content",)

    def __init__(self, content: list[ChatCompletionTokenLogprob]) -> None:
        self.content = content


class LogprobsRefusalDeltaEvent(_Logprobs):
    __slots__ = ("refusal",)
    type: Literal["logprobs.refusal.delta"] = "logprobs.refusal.delta"
    _fields = ("refusal", "snapshot")

    def __init__(self, refusal: list[ChatCompletionTokenLogprob], lst: list[Any]) -> None:
        self.refusal = refusal
        self._list = lst
        self._length = len(lst)


class LogprobsRefusalDoneEvent(_Event):
    __slots__ = ("refusal",)
    type: Literal["logprobs.refusal.done"] = "logprobs.refusal.done"
    _fields = ("refusal",)

    def __init__(self, refusal: list[ChatCompletionTokenLogprob]) -> None:
        self.refusal = refusal


ChatCompletionStreamEvent = (
    ChunkEvent
    | ContentDeltaEvent
    | ContentDoneEvent[ResponseFormatT]
    | RefusalDeltaEvent
    | RefusalDoneEvent
    | FunctionToolCallArgumentsDeltaEvent
    | FunctionToolCallArgumentsDoneEvent
    | LogprobsContentDeltaEvent
    | LogprobsContentDoneEvent
    | LogprobsRefusalDeltaEvent
    | LogprobsRefusalDoneEvent
)
