"""Accumulates Responses stream events: text and function-call arguments per output item,
the wrapped events, and the final `ParsedResponse`."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

import msgspec

from .... import _models
from ..._parsing import has_rich_format, parse_response
from ..._schema import validate_parsed
from ..._tools import ToolRegistry
from ..chat._state import _Text
from ._events import (
    ResponseCompletedEvent,
    ResponseFunctionCallArgumentsDeltaEvent,
    ResponseFunctionCallArgumentsDoneEvent,
    ResponseTextDeltaEvent,
    ResponseTextDoneEvent,
)

__all__ = ["ResponseStreamState"]


def _fields(event: Any) -> dict[str, Any]:
    """An event's fields for its helper event; WebSocket events also carry `stream_id` (the
    lane), which the helper events, shared with HTTP streams, do not have."""
    fields = msgspec.structs.asdict(event)
    fields.pop("stream_id", None)
    return fields


class _Item:
    __slots__ = ("item", "texts", "arguments")

    def __init__(self, item: Any) -> None:
        self.item = item
        self.texts: dict[int, _Text] = {}
        self.arguments = _Text()


class ResponseStreamState:
    def __init__(
        self, *, input_tools: Iterable[Mapping[str, Any]] | None, text_format: Any
    ) -> None:
        self._input_tools = list(input_tools) if input_tools is not None else []
        self._registry = ToolRegistry(self._input_tools)
        self._text_format = text_format
        self._rich = has_rich_format(text_format)
        self._items: dict[int, _Item] = {}
        self._completed_response: Any = None
        self.response_id: str | None = None
        self.background: bool = False
        self.last_sequence_number: int | None = None

    def _item(self, output_index: int) -> _Item:
        entry = self._items.get(output_index)
        if entry is None:
            entry = self._items[output_index] = _Item(None)
        return entry

    def handle_event(self, event: Any) -> list[Any]:
        kind = event.type
        seq = getattr(event, "sequence_number", None)
        if isinstance(seq, int):
            self.last_sequence_number = seq
        if kind == "response.output_text.delta":
            text = self._item(event.output_index).texts.setdefault(event.content_index, _Text())
            text.append(event.delta)
            return [ResponseTextDeltaEvent(**_fields(event), snapshot=text())]
        if kind == "response.function_call_arguments.delta":
            args = self._item(event.output_index).arguments
            args.append(event.delta)
            return [ResponseFunctionCallArgumentsDeltaEvent(**_fields(event), snapshot=args())]
        if kind == "response.output_text.done":
            parsed = validate_parsed(self._text_format, event.text) if self._rich else None
            return [ResponseTextDoneEvent(**_fields(event), parsed=parsed)]
        if kind == "response.function_call_arguments.done":
            entry = self._items.get(event.output_index)
            item = entry.item if entry is not None else None
            # `name`: sent by the API, declared by older SDKs only (an extra since 3.4x).
            name = getattr(event, "name", None) or getattr(item, "name", None)
            parsed = (
                self._registry.parse_arguments(name, event.arguments)
                if name and name in self._registry
                else None
            )
            done = ResponseFunctionCallArgumentsDoneEvent(
                **_fields(event), call_id=getattr(item, "call_id", None), parsed_arguments=parsed
            )
            extra = dict(event.model_extra)
            if name:
                extra["name"] = name
            if extra:  # what the API sent beyond the declared fields stays on the event
                _models._attach_extra(done, extra)
            return [done]
        if kind == "response.output_item.added":
            self._item(event.output_index).item = event.item
        elif kind == "response.output_item.done":
            self._item(event.output_index).item = event.item
        elif kind == "response.created" or kind == "response.in_progress":
            response = event.response
            self.response_id = response.id
            self.background = bool(getattr(response, "background", False))
        elif kind == "response.completed":
            self._completed_response = parse_response(
                text_format=self._text_format if self._rich else None,
                input_tools=self._input_tools,
                response=event.response,
            )
            return [
                ResponseCompletedEvent(
                    response=self._completed_response,
                    sequence_number=event.sequence_number,
                    type="response.completed",
                )
            ]
        return [event]

    @property
    def completed_response(self) -> Any:
        return self._completed_response
