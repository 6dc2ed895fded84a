"""Events of `client.responses.stream()`: raw Responses events pass through; these four are
wrapped with accumulated state as in the official SDK, plus one oxide addition (the function
call's `call_id` and parsed arguments on `response.function_call_arguments.done`)."""

from __future__ import annotations

from typing import Any, Generic, TypeVar

from ....types.responses.response_completed_event import (
    ResponseCompletedEvent as RawResponseCompletedEvent,
)
from ....types.responses.response_function_call_arguments_delta_event import (
    ResponseFunctionCallArgumentsDeltaEvent as RawResponseFunctionCallArgumentsDeltaEvent,
)
from ....types.responses.response_function_call_arguments_done_event import (
    ResponseFunctionCallArgumentsDoneEvent as RawResponseFunctionCallArgumentsDoneEvent,
)
from ....types.responses.response_text_delta_event import (
    ResponseTextDeltaEvent as RawResponseTextDeltaEvent,
)
from ....types.responses.response_text_done_event import (
    ResponseTextDoneEvent as RawResponseTextDoneEvent,
)

__all__ = [
    "ResponseCompletedEvent",
    "ResponseFunctionCallArgumentsDeltaEvent",
    "ResponseFunctionCallArgumentsDoneEvent",
    "ResponseTextDeltaEvent",
    "ResponseTextDoneEvent",
]

TextFormatT = TypeVar("TextFormatT")


class ResponseTextDeltaEvent(RawResponseTextDeltaEvent):
    snapshot: str = ""
    """The text of this content part so far."""


class ResponseTextDoneEvent(RawResponseTextDoneEvent, Generic[TextFormatT]):
    parsed: Any = None
    """The text parsed into `text_format`, when one was given."""


class ResponseFunctionCallArgumentsDeltaEvent(RawResponseFunctionCallArgumentsDeltaEvent):
    snapshot: str = ""
    """The function call's arguments so far."""


class ResponseFunctionCallArgumentsDoneEvent(RawResponseFunctionCallArgumentsDoneEvent):
    """The call is complete: everything needed to run the tool and answer it is here, before
    the response itself ends (oxide addition: `call_id` and `parsed_arguments`)."""

    call_id: Any = None
    """The id a `function_call_output` item must reference (not the item id `fc_...`)."""
    parsed_arguments: Any = None
    """The arguments as the tool's type (tools made with `function_tool`), as plain JSON for
    other strict tools, else None."""


class ResponseCompletedEvent(RawResponseCompletedEvent, Generic[TextFormatT]):
    pass
