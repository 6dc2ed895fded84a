"""openai-agents (the OpenAI Agents SDK) on `oxide.official.AsyncOpenAI`: text, a tool loop,
streaming and structured output, with the Responses model and the Chat Completions model."""

from __future__ import annotations

import asyncio
from typing import Any

import pydantic
import pytest
from agents import (
    Agent,
    OpenAIChatCompletionsModel,
    OpenAIResponsesModel,
    Runner,
    function_tool,
    set_tracing_disabled,
)
from conftest import served_by_oxide

from oxide.official import AsyncOpenAI

set_tracing_disabled(True)


@function_tool
def get_weather(city: str) -> str:
    """The weather in a city."""
    return f"sunny in {city}"


class Answer(pydantic.BaseModel):
    city: str
    summary: str


def model(kind: str, client: AsyncOpenAI) -> Any:
    if kind == "responses":
        return OpenAIResponsesModel(model="gpt-4o-mini", openai_client=client)
    return OpenAIChatCompletionsModel(model="gpt-4o-mini", openai_client=client)


async def run(kind: str, base_url: str, operation: str) -> Any:
    client = AsyncOpenAI(api_key="sk-test", base_url=base_url)
    try:
        m = model(kind, client)
        if operation == "text":
            result = await Runner.run(Agent(name="a", instructions="Be brief.", model=m), "hello")
            return result.final_output
        if operation == "tool":
            agent = Agent(name="a", model=m, tools=[get_weather])
            result = await Runner.run(agent, "What's the weather in Paris?")
            return result
        if operation == "stream":
            agent = Agent(name="a", model=m, tools=[get_weather])
            streamed = Runner.run_streamed(agent, "What's the weather in Paris?")
            kinds = [event.type async for event in streamed.stream_events()]
            return streamed, kinds
        agent = Agent(name="a", model=m, output_type=Answer)
        return (await Runner.run(agent, "The weather in Paris?")).final_output
    finally:
        await client.close()


@pytest.mark.parametrize("kind", ["responses", "chat"])
def test_text(mock: Any, kind: str) -> None:
    output = asyncio.run(run(kind, mock.base_url, "text"))
    assert output.startswith('You said: "hello"')
    assert served_by_oxide(mock)


@pytest.mark.parametrize("kind", ["responses", "chat"])
def test_tool_loop(mock: Any, kind: str) -> None:
    result = asyncio.run(run(kind, mock.base_url, "tool"))
    assert "sunny in Paris" in result.final_output
    calls = [i for i in result.new_items if i.type == "tool_call_output_item"]
    assert [c.output for c in calls] == ["sunny in Paris"]
    assert len(mock.mock.requests) == 2
    assert served_by_oxide(mock)


@pytest.mark.parametrize("kind", ["responses", "chat"])
def test_streaming_tool_loop(mock: Any, kind: str) -> None:
    streamed, kinds = asyncio.run(run(kind, mock.base_url, "stream"))
    assert "raw_response_event" in kinds and "run_item_stream_event" in kinds
    assert "sunny in Paris" in streamed.final_output
    assert served_by_oxide(mock)


@pytest.mark.parametrize("kind", ["responses", "chat"])
def test_structured_output(mock: Any, kind: str) -> None:
    answer = asyncio.run(run(kind, mock.base_url, "structured"))
    assert isinstance(answer, Answer) and answer.city
    assert served_by_oxide(mock)
