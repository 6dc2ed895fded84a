"""Content-free local tool-runner diagnostics (mirrors `openai.lib.tool_diagnostics`).

An observer gets one small dict per stage of a tool call: what happened and how long it took,
never arguments, outputs or page content. Observers cannot break a run: whatever they raise or
return is swallowed.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from inspect import isawaitable, iscoroutine
from time import monotonic
from typing import Literal, TypeAlias, TypedDict, cast

__all__ = ["ToolDiagnostic", "ToolDiagnosticObserver", "ToolDiagnosticUsage"]

_Api: TypeAlias = Literal["responses", "decisions", "browser", "computer"]
_Stage: TypeAlias = Literal[
    "run", "request", "arguments", "approval", "action", "output", "selection", "verification"
]
_Reason: TypeAlias = Literal[
    "started",
    "completed",
    "refused",
    "cancelled",
    "invalid_input",
    "invalid_output",
    "api_failed",
    "driver_failed",
    "policy_failed",
    "step_limit",
    "busy",
    "closed",
]


class ToolDiagnosticUsage(TypedDict):
    input_tokens: int
    output_tokens: int
    total_tokens: int


class ToolDiagnostic(TypedDict):
    api: _Api
    stage: _Stage
    reason: _Reason
    call_id: str | None
    member: str | None
    duration_ms: float
    usage: ToolDiagnosticUsage | None


ToolDiagnosticObserver: TypeAlias = Callable[[ToolDiagnostic], None]


def emit_tool_diagnostic(
    observer: ToolDiagnosticObserver | None,
    api: _Api,
    stage: _Stage,
    reason: _Reason,
    started: float,
    *,
    call_id: str | None = None,
    member: str | None = None,
    usage: object = None,
) -> None:
    if observer is None:
        return
    try:
        numeric: ToolDiagnosticUsage | None = None
        if usage is not None:
            tokens = {
                name: getattr(usage, name, None)
                for name in ("input_tokens", "output_tokens", "total_tokens")
            }
            # Only well-formed counts: a malformed usage block reports none rather than junk.
            if all(type(value) is int and value >= 0 for value in tokens.values()):
                numeric = cast(ToolDiagnosticUsage, tokens)
        result = cast(Callable[[ToolDiagnostic], object], observer)(
            {
                "api": api,
                "stage": stage,
                "reason": reason,
                "call_id": call_id,
                "member": member,
                "duration_ms": max(0.0, (monotonic() - started) * 1000),
                "usage": numeric,
            }
        )
        # An async observer is not awaited (diagnostics never block a run): close the
        # coroutine so it does not warn "never awaited", and consume a future's exception.
        if isawaitable(result):
            if iscoroutine(result):
                result.close()
            elif isinstance(result, asyncio.Future):
                result.add_done_callback(_consume_result)
    except (Exception, asyncio.CancelledError):
        pass


def _consume_result(result: asyncio.Future[object]) -> None:
    if not result.cancelled():
        result.exception()
