"""pydantic-ai on `oxide.official.AsyncOpenAI` (through `OpenAIProvider(openai_client=...)`):
text, a tool loop, streamed text and structured output, with the Chat Completions and the
Responses model."""

from __future__ import annotations

import asyncio
from typing import Any

import pydantic
import pytest
from conftest import served_by_oxide
from pydantic_ai import Agent
from pydantic_ai.models.openai import OpenAIChatModel, OpenAIResponsesModel
from pydantic_ai.providers.openai import OpenAIProvider

from oxide.official import AsyncOpenAI

MODELS = {"chat": OpenAIChatModel, "responses": OpenAIResponsesModel}


class Answer(pydantic.BaseModel):
    city: str
    summary: str


def get_weather(city: str) -> str:
    """The weather in a city."""
    return f"sunny in {city}"


async def run(kind: str, base_url: str, operation: str) -> Any:
    client = AsyncOpenAI(api_key="sk-test", base_url=base_url)
    try:
        model = MODELS[kind]("gpt-4o-mini", provider=OpenAIProvider(openai_client=client))
        if operation == "text":
            return (await Agent(model).run("hello")).output
        if operation == "structured":
            return (await Agent(model, output_type=Answer).run("The weather in Paris?")).output
        agent = Agent(model, tools=[get_weather])
        if operation == "tool":
            return (await agent.run("What's the weather in Paris?")).output
        async with agent.run_stream("What's the weather in Paris?") as streamed:
            # no debouncing: every delta as it arrives (the mock streams in microseconds)
            return [d async for d in streamed.stream_text(delta=True, debounce_by=None)]
    finally:
        await client.close()


@pytest.mark.parametrize("kind", sorted(MODELS))
def test_text(mock: Any, kind: str) -> None:
    assert asyncio.run(run(kind, mock.base_url, "text")).startswith('You said: "hello"')
    assert served_by_oxide(mock)


@pytest.mark.parametrize("kind", sorted(MODELS))
def test_tool_loop(mock: Any, kind: str) -> None:
    assert "sunny in Paris" in asyncio.run(run(kind, mock.base_url, "tool"))
    assert len(mock.mock.requests) == 2
    assert served_by_oxide(mock)


@pytest.mark.parametrize("kind", sorted(MODELS))
def test_streamed_text(mock: Any, kind: str) -> None:
    deltas = asyncio.run(run(kind, mock.base_url, "stream"))
    assert len(deltas) > 3 and "sunny in Paris" in "".join(deltas)
    assert served_by_oxide(mock)


@pytest.mark.parametrize("kind", sorted(MODELS))
def test_structured_output(mock: Any, kind: str) -> None:
    answer = asyncio.run(run(kind, mock.base_url, "structured"))
    assert isinstance(answer, Answer) and answer.city
    assert served_by_oxide(mock)
