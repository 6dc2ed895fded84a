"""What a tool handler of `sessions.stream` / `sessions.create` takes and returns."""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Iterable, Mapping
from typing import Any, TypeAlias

from ....types.beta.input_content_param import InputContentParam

__all__ = ["AsyncToolHandler", "ToolHandler", "ToolOutput"]

ToolOutput: TypeAlias = str | Mapping[str, Any] | Iterable[InputContentParam] | None
ToolHandler: TypeAlias = Callable[[dict[str, Any]], ToolOutput]
AsyncToolHandler: TypeAlias = Callable[[dict[str, Any]], ToolOutput | Awaitable[ToolOutput]]
