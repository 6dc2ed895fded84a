"""One tool call: its arguments, the handler run, and the tool-result input sent back."""

from __future__ import annotations

import copy
import json
from collections.abc import Mapping
from math import isfinite
from typing import TYPE_CHECKING, Any, cast

from ...._exceptions import BadRequestError
from ...._json import encode_body
from ...beta.agents._tool_error import AgentToolError, ToolErrorStage

if TYPE_CHECKING:
    from ._types import AsyncToolHandler, ToolHandler

__all__ = [
    "ToolInvocation",
    "arguments",
    "failed_event",
    "is_pending_call_race",
    "result_event",
]


def _check_finite_numbers(value: object) -> None:
    if isinstance(value, float) and not isfinite(value):
        raise ValueError("Numbers in function arguments must be finite")
    if isinstance(value, dict):
        for item in value.values():
            _check_finite_numbers(item)
    elif isinstance(value, list):
        for item in value:
            _check_finite_numbers(item)


def arguments(call: Any) -> dict[str, Any]:
    """The call's arguments as a JSON object (a string from the API; copied if already
    decoded, so a handler cannot change the event)."""
    raw = call.arguments
    value = json.loads(raw) if isinstance(raw, str) else copy.deepcopy(raw)
    if not isinstance(value, dict):
        raise ValueError("Function arguments must be a JSON object")
    _check_finite_numbers(value)
    return cast("dict[str, Any]", value)


def result_event(call: Any, output: Any) -> dict[str, Any]:
    """The `agent.session.input.tool_result` input for a handler's output. A mapping is sent
    as compact JSON text; an iterable as a list of content parts (materialized here, so that a
    failing generator fails this call's result, not the request)."""
    if isinstance(output, Mapping):
        output = json.dumps(dict(output), separators=(",", ":"))
    if output is not None and not isinstance(output, str):
        output = list(output)
    encode_body(output)  # NaN, unencodable objects: a failed result now, not a broken request
    return {
        "type": "agent.session.input.tool_result",
        "turn_id": call.turn_id,
        "call_id": call.call_id,
        "success": True,
        "output": output,
    }


def failed_event(call: Any) -> dict[str, Any]:
    return {
        "type": "agent.session.input.tool_result",
        "turn_id": call.turn_id,
        "call_id": call.call_id,
        "success": False,
        # Never the exception text: it may hold application secrets, and goes to the model.
        "error": "Tool handler failed.",
    }


def is_pending_call_race(error: BadRequestError, call_id: str) -> bool:
    """The item event can arrive before the server registered the pending call: this exact
    400 is retried; every other HTTP failure propagates."""
    body = error.body if isinstance(error.body, dict) else {}
    return (
        body.get("code") == "invalid_request_error"
        and body.get("message") == f"Unknown pending tool call: {call_id}"
    )


class ToolInvocation:
    """One handler run, tracking the stage a failure happened in."""

    def __init__(self, session_id: str, call: Any) -> None:
        self.session_id = session_id
        self.call = call
        self.stage: ToolErrorStage = "arguments"

    def set_stage(self, stage: ToolErrorStage) -> None:
        self.stage = stage

    def invoke(self, handler: ToolHandler | AsyncToolHandler) -> Any:
        from ...beta.agents._tools import FunctionTool

        parsed = arguments(self.call)
        self.stage = "execution"
        # A FunctionTool reports its own stages (argument validation, output conversion),
        # unless a subclass replaced __call__.
        if isinstance(handler, FunctionTool) and type(handler).__call__ is FunctionTool.__call__:
            return handler._call(parsed, self.set_stage)
        return handler(parsed)

    def failure(self, error: Exception) -> AgentToolError:
        return AgentToolError(
            error=error,
            tool_name=self.call.name,
            session_id=self.session_id,
            turn_id=self.call.turn_id,
            call_id=self.call.call_id,
            stage=self.stage,
        )
