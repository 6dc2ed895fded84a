"""Function tools from types, and mapping tool calls back to those types.

`function_tool(tp)` is the official SDK's `openai.pydantic_function_tool(model)` for any type
`to_strict_json_schema` understands (pydantic models give the SDK's output exactly): a
`ChatCompletionFunctionToolParam` dict with `strict: True`, the name defaulting to the type's
`__name__` and the description to its docstring. As in the SDK, the `function` entry is a
`PydanticFunctionTool` (a dict subclass) holding the type in `.model`, so it travels through
request building unchanged and the parse helpers can find the type again:
`ToolRegistry(tools).parse_arguments(name, arguments_json)` or `parse_tool_arguments(...)`.

The SDK's rules, kept: a tool made from a type has its arguments validated into that type; any
other function tool with `strict: True` has them `json.loads`-ed; non-strict tools are not parsed
(None). The first tool with a given name wins. Both the Chat Completions shape
(`{"type": "function", "function": {...}}`) and the Responses shape
(`{"type": "function", "name": ...}`) are understood; `to_responses_tools` converts the former
to the latter as `responses.parse(tools=[...])` does.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Mapping
from typing import Any

from .._types import NotGiven, Omit, omit
from ._schema import to_strict_json_schema, validate_parsed

__all__ = [
    "PydanticFunctionTool",
    "ResponsesPydanticFunctionTool",
    "ToolRegistry",
    "function_tool",
    "parse_tool_arguments",
    "pydantic_function_tool",
    "pydantic_responses_function_tool",
    "responses_function_tool",
    "to_responses_tools",
    "validate_input_tools",
]


class PydanticFunctionTool(dict[str, Any]):
    """The `function` entry of a Chat Completions tool made from a type (kept in `.model`).

    Named after the SDK's class; the type need not be a pydantic model."""

    model: Any

    def __init__(self, defn: Mapping[str, Any], model: Any) -> None:
        super().__init__(defn)
        self.model = model

    def cast(self) -> dict[str, Any]:
        return self


class ResponsesPydanticFunctionTool(dict[str, Any]):
    """A Responses API function tool made from a type (kept in `.model`)."""

    model: Any

    def __init__(self, tool: Mapping[str, Any], model: Any) -> None:
        super().__init__(tool)
        self.model = model

    def cast(self) -> dict[str, Any]:
        return self


def _description(tp: Any) -> str | None:
    # The SDK uses the raw `model.__doc__` (deliberately not inspect.getdoc). A dataclass without
    # a docstring gets a generated signature as __doc__: that is no description.
    doc = getattr(tp, "__doc__", None)
    if not isinstance(doc, str):
        return None
    name = getattr(tp, "__name__", None)
    if name and doc.startswith(f"{name}(") and hasattr(tp, "__dataclass_fields__"):
        return None
    return doc


def _name(tp: Any, name: str | None) -> str:
    if name:
        return name
    type_name = getattr(tp, "__name__", None)
    if not isinstance(type_name, str):
        raise TypeError(f"{tp!r} has no __name__: pass name=")
    return type_name


def function_tool(
    tp: Any, *, name: str | None = None, description: str | None = None
) -> dict[str, Any]:
    """A strict Chat Completions function tool whose parameters are `tp`'s strict JSON schema.

    `{"type": "function", "function": {"name", "strict": True, "parameters", "description"?}}`;
    the `parameters` dict is the cached schema (read-only)."""
    if description is None:
        description = _description(tp)
    function = PydanticFunctionTool(
        {"name": _name(tp, name), "strict": True, "parameters": to_strict_json_schema(tp)}, tp
    )
    if description is not None:
        function["description"] = description
    return {"type": "function", "function": function}


def pydantic_function_tool(
    model: Any, *, name: str | None = None, description: str | None = None
) -> dict[str, Any]:
    """The SDK's name for `function_tool` (takes a pydantic model, or any supported type)."""
    return function_tool(model, name=name, description=description)


def pydantic_responses_function_tool(
    model: Any,
    *,
    name: str | None = None,
    description: str | None = None,
    defer_loading: bool | Omit = omit,
) -> dict[str, Any]:
    """The SDK's `openai.pydantic_responses_function_tool`: a strict Responses function tool
    (`{"type": "function", "name", "strict": True, "parameters", "description"?}`) whose calls
    `responses.parse` / `responses.stream` and `RegisteredFunction.from_tool` parse into
    `model` (a pydantic model, msgspec Struct, dataclass or TypedDict). `defer_loading` goes
    with a tool-search tool, to make the function discoverable on demand."""
    function = pydantic_function_tool(model, name=name, description=description)["function"]
    tool = ResponsesPydanticFunctionTool({"type": "function", **function}, model)
    if not isinstance(defer_loading, (Omit, NotGiven)):
        tool["defer_loading"] = defer_loading
    return tool


def responses_function_tool(
    tp: Any, *, name: str | None = None, description: str | None = None
) -> dict[str, Any]:
    """A strict Responses API function tool for `tp`:
    `{"type": "function", "name", "description", "parameters", "strict": True}`."""
    if description is None:
        description = _description(tp)
    return ResponsesPydanticFunctionTool(
        {
            "type": "function",
            "name": _name(tp, name),
            "description": description,
            "parameters": to_strict_json_schema(tp),
            "strict": True,
        },
        tp,
    )


def to_responses_tools(tools: Iterable[Mapping[str, Any]]) -> list[Mapping[str, Any]]:
    """Chat-shaped tools made by `function_tool()` -> Responses API tools (the SDK's conversion
    in `responses.parse`); other tools pass through. A chat-shaped function tool not made by
    `function_tool()` raises TypeError, as the SDK refuses it."""
    converted: list[Mapping[str, Any]] = []
    for tool in tools:
        if tool.get("type") != "function" or "function" not in tool:
            converted.append(tool)
            continue
        function = tool["function"]
        if not isinstance(function, PydanticFunctionTool):
            raise TypeError(
                "Expected Chat Completions function tool shape to be created using "
                "`oxide.lib.function_tool()` / `pydantic_function_tool()`"
            )
        converted.append(
            ResponsesPydanticFunctionTool(
                {
                    "type": "function",
                    "name": function["name"],
                    "description": function.get("description"),
                    "parameters": function["parameters"],
                    "strict": function.get("strict") or False,
                },
                function.model,
            )
        )
    return converted


def validate_input_tools(tools: Iterable[Mapping[str, Any]]) -> None:
    """The SDK's check for `chat.completions.parse(tools=...)`: every tool must be a strict
    function tool, else ValueError (same messages)."""
    for tool in tools:
        if tool.get("type") != "function":
            raise ValueError(
                "Currently only `function` tool types support auto-parsing; "
                f"Received `{tool.get('type')}`"
            )
        function = tool.get("function", tool)
        if function.get("strict") is not True:
            raise ValueError(
                f"`{function.get('name')}` is not strict. "
                "Only `strict` function tools can be auto-parsed"
            )


class ToolRegistry:
    """Tool name -> (type or None, strict) for a request's `tools`, built once per request."""

    __slots__ = ("_entries",)

    def __init__(self, tools: Iterable[Mapping[str, Any]] | None = None) -> None:
        self._entries: dict[str, tuple[Any, bool]] = {}
        for tool in tools or ():
            if tool.get("type") != "function":
                continue
            function = tool.get("function")
            if function is None:  # Responses shape
                name = tool.get("name")
                strict = tool.get("strict") is True
                tp = tool.model if isinstance(tool, ResponsesPydanticFunctionTool) else None
            else:
                name = function.get("name")
                strict = function.get("strict") is True
                tp = function.model if isinstance(function, PydanticFunctionTool) else None
            if isinstance(name, str) and name not in self._entries:
                self._entries[name] = (tp, strict)

    def __contains__(self, name: object) -> bool:
        return name in self._entries

    def __len__(self) -> int:
        return len(self._entries)

    def type_for(self, name: str) -> Any | None:
        """The type the tool `name` was made from, or None."""
        entry = self._entries.get(name)
        return entry[0] if entry is not None else None

    def is_parseable(self, name: str) -> bool:
        """Whether `parse_arguments` would parse calls of `name` (made from a type, or strict)."""
        entry = self._entries.get(name)
        return entry is not None and (entry[0] is not None or entry[1])

    def is_strict(self, name: str) -> bool:
        entry = self._entries.get(name)
        return entry is not None and entry[1]

    def parse_arguments(self, name: str, arguments: str | bytes) -> Any | None:
        """`arguments` (the call's JSON) as the tool's type, as a plain value for other strict
        tools, or None (unknown or non-strict tool). Invalid arguments raise ValueError."""
        entry = self._entries.get(name)
        if entry is None:
            return None
        tp, strict = entry
        if tp is not None:
            return validate_parsed(tp, arguments)
        if not strict:
            return None
        return json.loads(arguments)


def parse_tool_arguments(
    tools: Iterable[Mapping[str, Any]] | None, name: str, arguments: str | bytes
) -> Any | None:
    """One-off `ToolRegistry(tools).parse_arguments(name, arguments)`."""
    return ToolRegistry(tools).parse_arguments(name, arguments)
