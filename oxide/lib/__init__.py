"""Structured outputs and tools, the type side: partial JSON for streamed snapshots, strict JSON
schemas from types, function tools from types and parsing their calls back into those types.

Nothing here imports pydantic; pydantic models are handled when the caller's code has loaded it.
"""

from ._partial_json import PartialJSONError, PartialJSONParser, parse_partial_json
from ._schema import (
    is_pydantic_model,
    to_strict_json_schema,
    type_to_response_format,
    type_to_text_format,
    validate_parsed,
)
from ._tools import (
    PydanticFunctionTool,
    ResponsesPydanticFunctionTool,
    ToolRegistry,
    function_tool,
    parse_tool_arguments,
    pydantic_function_tool,
    pydantic_responses_function_tool,
    responses_function_tool,
    to_responses_tools,
    validate_input_tools,
)

__all__ = [
    "PartialJSONError",
    "PartialJSONParser",
    "PydanticFunctionTool",
    "ResponsesPydanticFunctionTool",
    "ToolRegistry",
    "function_tool",
    "is_pydantic_model",
    "parse_partial_json",
    "parse_tool_arguments",
    "pydantic_function_tool",
    "pydantic_responses_function_tool",
    "responses_function_tool",
    "to_responses_tools",
    "to_strict_json_schema",
    "type_to_response_format",
    "type_to_text_format",
    "validate_input_tools",
    "validate_parsed",
]
