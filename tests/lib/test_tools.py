"""oxide.lib._tools against the official SDK's `pydantic_function_tool` and tool-argument parsing."""

from __future__ import annotations

import json
from typing import Any

import openai
import pytest
from openai.lib._parsing._completions import parse_function_tool_arguments as sdk_parse_chat
from openai.lib._parsing._completions import validate_input_tools as sdk_validate_input_tools
from openai.lib._parsing._responses import (
    parse_function_tool_arguments as sdk_parse_responses,
)
from openai.lib._response_resources import _make_tools as sdk_make_tools
from openai.types.chat.chat_completion_message_function_tool_call import Function
from openai.types.responses import ResponseFunctionToolCall

from oxide.lib import (
    PydanticFunctionTool,
    ResponsesPydanticFunctionTool,
    ToolRegistry,
    function_tool,
    parse_tool_arguments,
    pydantic_function_tool,
    responses_function_tool,
    to_responses_tools,
    to_strict_json_schema,
    validate_input_tools,
)

from . import _models_dataclass, _models_pydantic, _models_struct
from .test_schema import SHAPES


def dumps(value: Any) -> str:
    return json.dumps(value, ensure_ascii=False)


@pytest.mark.parametrize("shape", [*SHAPES, "Item", "Collision"])
def test_function_tool_equals_sdk_for_pydantic(shape: str) -> None:
    model = getattr(_models_pydantic, shape)
    expected = openai.pydantic_function_tool(model)
    for got in (function_tool(model), pydantic_function_tool(model)):
        assert dumps(got) == dumps(expected)
        assert isinstance(got["function"], PydanticFunctionTool)
        assert got["function"].model is model
        assert got["function"]["parameters"] is to_strict_json_schema(model)


@pytest.mark.parametrize("module", [_models_struct, _models_dataclass])
@pytest.mark.parametrize("shape", ["Tool", "Item", "Empty", "Node"])
def test_function_tool_for_other_types_equals_sdk_for_the_pydantic_twin(
    module: Any, shape: str
) -> None:
    if not hasattr(module, shape):
        pytest.skip("shape not written this way")
    expected = openai.pydantic_function_tool(getattr(_models_pydantic, shape))
    got = function_tool(getattr(module, shape))
    assert dumps(got) == dumps(expected)
    assert got["function"].model is getattr(module, shape)


def test_name_and_description_overrides() -> None:
    for tp in (_models_pydantic.Tool, _models_struct.Tool):
        kwargs: dict[str, Any] = {"name": "get_weather", "description": "Weather now."}
        got = function_tool(tp, **kwargs)
        assert dumps(got) == dumps(openai.pydantic_function_tool(_models_pydantic.Tool, **kwargs))
        assert list(got["function"]) == ["name", "strict", "parameters", "description"]


def test_dataclass_without_docstring_has_no_description() -> None:
    tool = function_tool(_models_dataclass.Item)  # __doc__ is dataclasses' generated signature
    assert "description" not in tool["function"]
    assert "description" not in openai.pydantic_function_tool(_models_pydantic.Item)["function"]


def test_responses_tools_equal_sdk() -> None:
    chat_tools: list[Any] = [
        openai.pydantic_function_tool(_models_pydantic.Tool),
        openai.pydantic_function_tool(_models_pydantic.Item, name="item"),
        {"type": "web_search"},
        {"type": "function", "name": "raw", "parameters": {}, "strict": False},
    ]
    ours: list[Any] = [
        function_tool(_models_pydantic.Tool),
        function_tool(_models_pydantic.Item, name="item"),
        *chat_tools[2:],
    ]
    expected = sdk_make_tools(chat_tools)
    got = to_responses_tools(ours)
    assert dumps(got) == dumps(expected)
    assert (
        isinstance(got[0], ResponsesPydanticFunctionTool) and got[0].model is _models_pydantic.Tool
    )
    assert dumps(responses_function_tool(_models_struct.Tool)) == dumps(expected[0])
    with pytest.raises(TypeError, match="function_tool"):
        to_responses_tools([{"type": "function", "function": {"name": "x", "parameters": {}}}])


def _chat_tools(model: Any, make: Any = function_tool) -> list[Any]:
    return [
        make(model),
        {
            "type": "function",
            "function": {"name": "plain_strict", "parameters": {}, "strict": True},
        },
        {"type": "function", "function": {"name": "loose", "parameters": {}}},
        {"type": "custom", "custom": {"name": "free"}},
    ]


ARGS = '{"city": "Paris", "unit": "c", "when": null}'


@pytest.mark.parametrize("name", ["Tool", "plain_strict", "loose", "free", "unknown"])
def test_parse_chat_tool_arguments_equals_sdk(name: str) -> None:
    expected = sdk_parse_chat(
        input_tools=_chat_tools(_models_pydantic.Tool, openai.pydantic_function_tool),
        function=Function(name=name, arguments=ARGS),
    )
    got = parse_tool_arguments(_chat_tools(_models_pydantic.Tool), name, ARGS)
    assert got == expected
    assert type(got) is type(expected)
    registry = ToolRegistry(_chat_tools(_models_struct.Tool))
    parsed = registry.parse_arguments(name, ARGS)
    if name == "Tool":
        assert parsed == _models_struct.Tool(city="Paris", unit="c", when=None)
        assert registry.type_for(name) is _models_struct.Tool
    else:
        assert parsed == expected
        assert registry.type_for(name) is None
    assert registry.is_parseable(name) == (name in ("Tool", "plain_strict"))


@pytest.mark.parametrize("name", ["Tool", "plain_strict", "loose", "unknown"])
def test_parse_responses_tool_arguments_equals_sdk(name: str) -> None:
    plain: list[Any] = [
        {"type": "function", "name": "plain_strict", "parameters": {}, "strict": True},
        {"type": "function", "name": "loose", "parameters": {}, "strict": False},
    ]
    sdk_tools = sdk_make_tools([openai.pydantic_function_tool(_models_pydantic.Tool), *plain])
    call = ResponseFunctionToolCall(type="function_call", call_id="c", name=name, arguments=ARGS)
    expected = sdk_parse_responses(input_tools=sdk_tools, function_call=call)
    tools = [responses_function_tool(_models_pydantic.Tool), *plain]
    assert parse_tool_arguments(tools, name, ARGS) == expected
    ours = [responses_function_tool(_models_dataclass.Tool), *plain]
    got = parse_tool_arguments(ours, name, ARGS)
    if name == "Tool":
        assert got == _models_dataclass.Tool(city="Paris")
    else:
        assert got == expected


def test_registry_first_tool_of_a_name_wins_and_bad_arguments_raise() -> None:
    registry = ToolRegistry(
        [
            function_tool(_models_struct.Item, name="dup"),
            function_tool(_models_struct.Tool, name="dup"),
        ]
    )
    assert len(registry) == 1 and "dup" in registry and "other" not in registry
    assert registry.type_for("dup") is _models_struct.Item
    assert registry.is_strict("dup")
    with pytest.raises(ValueError):
        registry.parse_arguments("dup", '{"sku": 1}')
    with pytest.raises(ValueError):
        registry.parse_arguments("dup", '{"sku": "a", "quantity": 1')
    assert ToolRegistry(None).parse_arguments("x", "{}") is None


@pytest.mark.parametrize(
    "tools",
    [
        [{"type": "custom", "custom": {"name": "free"}}],
        [{"type": "function", "function": {"name": "loose", "parameters": {}}}],
        [{"type": "function", "function": {"name": "off", "parameters": {}, "strict": False}}],
    ],
)
def test_validate_input_tools_equals_sdk(tools: list[Any]) -> None:
    with pytest.raises(ValueError) as sdk_error:
        sdk_validate_input_tools(tools)
    with pytest.raises(ValueError) as ours:
        validate_input_tools(tools)
    assert str(ours.value) == str(sdk_error.value)
    validate_input_tools([function_tool(_models_struct.Tool)])
