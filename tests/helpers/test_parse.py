"""parse() with each kind of type, against the embedded mock (which answers structured output
requests with JSON built from the request's schema)."""

from __future__ import annotations

import dataclasses
from typing import Literal, TypedDict

import msgspec
import pydantic
import pytest

import oxide
from oxide.testing import MockOpenAI

pytestmark = pytest.mark.asyncio


class CityS(msgspec.Struct):
    city: str
    unit: Literal["celsius", "fahrenheit"]


@dataclasses.dataclass
class CityD:
    city: str
    unit: Literal["celsius", "fahrenheit"]


class CityT(TypedDict):
    city: str
    unit: Literal["celsius", "fahrenheit"]


class CityP(pydantic.BaseModel):
    city: str
    unit: Literal["celsius", "fahrenheit"]


@pytest.mark.parametrize(
    "tp", [CityS, CityD, CityT, CityP], ids=["struct", "dataclass", "typeddict", "pydantic"]
)
async def test_chat_parse_into_each_kind_of_type(tp: type) -> None:
    async with MockOpenAI() as url, oxide.AsyncOpenAI(api_key="k", base_url=url) as client:
        result = await client.chat.completions.parse(
            model="m",
            messages=[{"role": "user", "content": "Weather in Paris?"}],
            response_format=tp,
        )
        parsed = result.choices[0].message.parsed
        if tp is CityT:
            assert isinstance(parsed, dict) and parsed["city"]
        else:
            assert isinstance(parsed, tp)
        assert result._request_id


@pytest.mark.parametrize("tp", [CityS, CityP], ids=["struct", "pydantic"])
async def test_responses_parse(tp: type) -> None:
    async with MockOpenAI() as url, oxide.AsyncOpenAI(api_key="k", base_url=url) as client:
        result = await client.responses.parse(model="m", input="Weather in Paris?", text_format=tp)
        assert isinstance(result.output_parsed, tp)


async def test_parse_with_typed_tool_gives_parsed_arguments() -> None:
    async with MockOpenAI() as url, oxide.AsyncOpenAI(api_key="k", base_url=url) as client:
        result = await client.chat.completions.parse(
            model="m",
            messages=[{"role": "user", "content": "What's the weather in Paris?"}],
            tools=[oxide.function_tool(CityS, name="get_weather")],
        )
        call = result.choices[0].message.tool_calls[0]
        assert isinstance(call.function.parsed_arguments, CityS)
        assert call.function.parsed_arguments.city == "Paris"


async def test_parse_rejects_non_strict_tools_as_the_sdk() -> None:
    async with MockOpenAI() as url, oxide.AsyncOpenAI(api_key="k", base_url=url) as client:
        with pytest.raises(ValueError, match="is not strict"):
            await client.chat.completions.parse(
                model="m",
                messages=[{"role": "user", "content": "x"}],
                tools=[{"type": "function", "function": {"name": "f", "parameters": {}}}],
            )


async def test_length_cut_raises() -> None:
    async with MockOpenAI() as url, oxide.AsyncOpenAI(api_key="k", base_url=url) as client:
        with pytest.raises(oxide.LengthFinishReasonError):
            await client.chat.completions.parse(
                model="m",
                messages=[{"role": "user", "content": "Weather?"}],
                response_format=CityS,
                max_tokens=3,
            )


class Named(pydantic.BaseModel):
    city: str


async def test_responses_parse_as() -> None:
    """`parse_as` (openai 3.4x): the type `output_parsed` is read as; None reads no type (plain
    `output_text`) while `text_format` still sets the request's schema."""
    async with MockOpenAI() as url, oxide.AsyncOpenAI(api_key="k", base_url=url) as client:
        plain = await client.responses.parse(
            model="m", input="Weather in Paris?", text_format=CityP, parse_as=None
        )
        assert plain.output_parsed is None and plain.output_text.startswith("{")
        other = await client.responses.parse(
            model="m", input="Weather in Paris?", text_format=CityP, parse_as=Named
        )
        assert isinstance(other.output_parsed, Named) and other.output_parsed.city


@pytest.mark.parametrize("lib", ["openai", "oxide"])
async def test_responses_parse_as_with_configuration_updates(lib: str) -> None:
    """A `configuration_update` input item changing the text format: the SDK's TypeErrors."""
    import openai

    module = openai if lib == "openai" else oxide
    schema = {"type": "json_schema", "name": "x", "schema": {"type": "object"}, "strict": True}
    changed = [{"type": "configuration_update", "text": {"format": schema}}]
    to_text = [{"type": "configuration_update", "text": {"format": {"type": "text"}}}]
    async with MockOpenAI() as url, module.AsyncOpenAI(api_key="k", base_url=url) as client:
        with pytest.raises(TypeError, match="Pass parse_as for the updated output schema"):
            await client.responses.parse(model="m", input=changed, text_format=CityP)
        with pytest.raises(TypeError, match="Cannot use parse_as with a plain-text format"):
            await client.responses.parse(model="m", input=to_text, parse_as=CityP)
