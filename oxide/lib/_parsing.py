"""`parse()` results: a completion or response with its content (and tool arguments) parsed
into the caller's types, as the official SDK's `lib/_parsing`."""

from __future__ import annotations

import logging
from collections.abc import Iterable, Mapping
from typing import Any

import msgspec

from .._exceptions import ContentFilterFinishReasonError, LengthFinishReasonError
from ._schema import type_to_response_format, type_to_text_format, validate_parsed
from ._tools import ToolRegistry, validate_input_tools

__all__ = [
    "chat_response_format",
    "has_parseable_input",
    "has_rich_format",
    "parse_chat_completion",
    "parse_response",
    "responses_text_param",
]

log = logging.getLogger("oxide")


def has_rich_format(response_format: Any) -> bool:
    """A type to parse into (not a response_format dict, not absent)."""
    return response_format is not None and not isinstance(response_format, Mapping)


def has_parseable_input(response_format: Any, registry: ToolRegistry) -> bool:
    if has_rich_format(response_format):
        return True
    return any(registry.is_parseable(name) for name in registry._entries)


def chat_response_format(response_format: Any) -> Any:
    """The request's `response_format` for a type (or the dict as given)."""
    if response_format is None or isinstance(response_format, Mapping):
        return response_format
    return type_to_response_format(response_format)


def responses_text_param(text_format: Any, text: Mapping[str, Any] | None) -> dict[str, Any] | None:
    """The Responses `text` param with `format` derived from `text_format`."""
    if text_format is None:
        return dict(text) if text is not None else None
    out = dict(text or {})
    if "format" in out:
        raise TypeError("Cannot mix and match text.format with text_format")
    out["format"] = type_to_text_format(text_format)
    return out


def _fields(obj: msgspec.Struct) -> dict[str, Any]:
    # Raw slot values by API name, as `construct` takes them (`async`, not `async_`: a Python
    # name would come back as an unknown key), UNSET staying UNSET so to_dict() of the result
    # omits what the server omitted; plus the unknown keys the server sent, kept as the SDK does.
    fields = dict(zip(obj.__struct_encode_fields__, msgspec.structs.astuple(obj), strict=True))
    extra = getattr(obj, "model_extra", None)
    if extra:
        fields.update(extra)
    return fields


def _rebuild(cls: Any, obj: msgspec.Struct, **overrides: Any) -> Any:
    """`obj`'s data as `cls` (a Parsed* subclass), with `overrides`; extras survive."""
    return cls.construct(**{**_fields(obj), **overrides})


def parse_chat_completion(
    *, response_format: Any, input_tools: Iterable[Mapping[str, Any]] | None, chat_completion: Any
) -> Any:
    """A `ParsedChatCompletion` from a `ChatCompletion` (or a stream's final snapshot)."""
    from ..types.chat.parsed_chat_completion import (
        ParsedChatCompletion,
        ParsedChatCompletionMessage,
        ParsedChoice,
    )
    from ..types.chat.parsed_function_tool_call import ParsedFunction, ParsedFunctionToolCall

    registry = ToolRegistry(input_tools)
    rich = has_rich_format(response_format)
    choices = []
    for choice in chat_completion.choices:
        if choice.finish_reason == "length":
            raise LengthFinishReasonError(completion=chat_completion)
        if choice.finish_reason == "content_filter":
            raise ContentFilterFinishReasonError()
        message = choice.message
        tool_calls: list[Any] = []
        for call in message.tool_calls or ():
            if call.type == "function":
                fn = call.function
                parsed_args = (
                    registry.parse_arguments(fn.name, fn.arguments) if fn.name in registry else None
                )
                function = _rebuild(ParsedFunction, fn, parsed_arguments=parsed_args)
                tool_calls.append(_rebuild(ParsedFunctionToolCall, call, function=function))
            elif call.type == "custom":
                log.warning("Custom tool calls are not callable. Ignoring tool call: %s", call.id)
            else:
                tool_calls.append(call)
        parsed = None
        if rich and message.content and not message.refusal:
            parsed = validate_parsed(response_format, message.content)
        msg = _rebuild(
            ParsedChatCompletionMessage, message, parsed=parsed, tool_calls=tool_calls or None
        )
        choices.append(_rebuild(ParsedChoice, choice, message=msg))
    result = _rebuild(ParsedChatCompletion, chat_completion, choices=choices)
    request_id = getattr(chat_completion, "_request_id", None)
    if request_id is not None:
        result._request_id = request_id
    return result


def parse_response(
    *, text_format: Any, input_tools: Iterable[Mapping[str, Any]] | None, response: Any
) -> Any:
    """A `ParsedResponse`: `output_parsed` from the text, `parsed_arguments` on function calls."""
    from ..types.responses.parsed_response import (
        ParsedResponse,
        ParsedResponseFunctionToolCall,
        ParsedResponseOutputMessage,
        ParsedResponseOutputText,
    )

    registry = ToolRegistry(input_tools)
    rich = has_rich_format(text_format)
    output: list[Any] = []
    for item in response.output or ():
        kind = getattr(item, "type", None)
        if kind == "message":
            content = []
            for part in item.content or ():
                if getattr(part, "type", None) == "output_text":
                    parsed = validate_parsed(text_format, part.text) if rich else None
                    content.append(_rebuild(ParsedResponseOutputText, part, parsed=parsed))
                else:
                    content.append(part)
            output.append(_rebuild(ParsedResponseOutputMessage, item, content=content))
        elif kind == "function_call":
            parsed_args = (
                registry.parse_arguments(item.name, item.arguments)
                if item.name in registry
                else None
            )
            output.append(
                _rebuild(ParsedResponseFunctionToolCall, item, parsed_arguments=parsed_args)
            )
        else:
            output.append(item)
    result = _rebuild(ParsedResponse, response, output=output)
    request_id = getattr(response, "_request_id", None)
    if request_id is not None:
        result._request_id = request_id
    return result


def check_chat_tools(tools: Iterable[Mapping[str, Any]] | None) -> None:
    if tools is not None:
        validate_input_tools(tools)
