"""Shared plumbing of the local tool helpers (computer, browser, the tool runners).

Mirrors `openai/lib/_tool_lifecycle.py`: a per-toolset admission lock, the call that hands
`cancelled=` only to handlers that declare it, the idempotency-key rotation between steps of
a loop, and the sync/async classification of caller-supplied driver methods.
"""

from __future__ import annotations

import inspect
from collections.abc import Callable, Mapping
from threading import Lock
from typing import Any, Literal, TypedDict
from uuid import uuid4

from .._client import AsyncOpenAI, OpenAI
from .._types import Headers, Omit

__all__ = [
    "CloseStatus",
    "ToolLifecycle",
    "callable_flavor",
    "invoke",
    "rotated_idempotency_headers",
]


def _merge_headers(*mappings: Headers) -> dict[str, str]:
    """Case-insensitive merge, later mappings winning; `omit` removes a header (the SDK's
    `_base_client._merge_headers`)."""
    merged: dict[str, tuple[str, str]] = {}
    for mapping in mappings:
        for name, value in mapping.items():
            if isinstance(value, Omit):
                merged.pop(name.lower(), None)
            else:
                merged[name.lower()] = (name, value)
    return dict(merged.values())


def rotated_idempotency_headers(
    client: OpenAI | AsyncOpenAI, extra: Headers | None
) -> Headers | None:
    """A fresh Idempotency-Key for the next request of a loop, when one is configured.

    Each step of a tool loop is a new request: re-sending the first step's key would make the
    server replay the first response instead of answering the new history."""
    headers: dict[str, str | Omit] = dict(extra) if extra is not None else {}
    # The sync client drives an async engine, which holds the caller's default headers.
    engine: AsyncOpenAI = client._engine if isinstance(client, OpenAI) else client
    custom: Mapping[str, str] = engine._custom_headers
    effective = _merge_headers(custom, headers)
    if not any(name.lower() == "idempotency-key" for name in effective):
        return headers if extra is not None else None
    return {
        **{name: value for name, value in headers.items() if name.lower() != "idempotency-key"},
        "Idempotency-Key": f"stainless-python-retry-{uuid4()}",
    }


def callable_flavor(method: Callable[..., object]) -> bool | None:
    """True for a callable known to return an awaitable, False for one known not to, None
    when that cannot be told without calling it (opaque driver wrappers are never invoked)."""
    target = inspect.unwrap(method)
    returns_awaitable = inspect.iscoroutinefunction(target)
    if not returns_awaitable and not inspect.isroutine(target):
        returns_awaitable = inspect.iscoroutinefunction(inspect.unwrap(target.__call__))
    if not returns_awaitable:
        try:
            annotation = inspect.signature(target).return_annotation
        except (TypeError, ValueError):
            return None
        if annotation is inspect.Signature.empty or annotation is Any or annotation is object:
            return None
        text = str(annotation)
        if text in ("Any", "typing.Any", "object", "builtins.object"):
            return None
        returns_awaitable = any(name in text for name in ("Awaitable[", "Coroutine[", "Future["))
    return returns_awaitable


class CloseStatus(TypedDict):
    status: Literal["closed", "draining"]


class ToolLifecycle:
    """One call at a time, and none after `close()`: drivers are caller-owned and stateful."""

    def __init__(self, name: str) -> None:
        self._name = name
        self._lock = Lock()
        self._active = False
        self._closed = False

    def enter(self) -> None:
        with self._lock:
            if self._closed:
                raise RuntimeError(f"{self._name} is closed.")
            if self._active:
                raise RuntimeError(f"{self._name} is busy with another call.")
            self._active = True

    def exit(self) -> None:
        with self._lock:
            self._active = False

    def close(self) -> CloseStatus:
        with self._lock:
            self._closed = True
            return {"status": "draining" if self._active else "closed"}


def invoke(
    handler: Callable[..., object], *args: object, cancelled: Callable[[], bool] | None
) -> object:
    """Call `handler(*args)`, adding `cancelled=` only when the handler takes it by keyword."""
    try:
        signature = inspect.signature(handler)
    except (TypeError, ValueError):
        return handler(*args)
    parameter = signature.parameters.get("cancelled")
    if (
        parameter is not None
        and parameter.kind in (parameter.KEYWORD_ONLY, parameter.POSITIONAL_OR_KEYWORD)
        and "cancelled" not in signature.bind_partial(*args).arguments
    ):
        return handler(*args, cancelled=cancelled)
    return handler(*args)
