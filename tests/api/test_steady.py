"""Every endpoint oxide implements, called against Steady, which validates each request
against the OpenAPI spec of openai==3.3.1 and answers with schema-valid data. A request Steady
rejects comes back as a 400 and fails the test."""

from __future__ import annotations

import contextlib
from typing import Literal

import msgspec
import pytest

import oxide
from oxide.types import CreateEmbeddingResponse, Model, ModelDeleted
from oxide.types.chat import ChatCompletion, ChatCompletionChunk
from oxide.types.responses import Response

pytestmark = [pytest.mark.asyncio, pytest.mark.steady]

TOOLS = [
    {
        "type": "function",
        "function": {
            "name": "get_weather",
            "description": "Weather for a city",
            "parameters": {
                "type": "object",
                "properties": {"city": {"type": "string"}},
                "required": ["city"],
                "additionalProperties": False,
            },
            "strict": True,
        },
    }
]


@pytest.fixture
def client(steady_base_url: str) -> oxide.AsyncOpenAI:
    return oxide.AsyncOpenAI(api_key="sk-test", base_url=steady_base_url, max_retries=0)


async def test_chat_completion(client: oxide.AsyncOpenAI) -> None:
    async with client:
        result = await client.chat.completions.create(
            model="gpt-4o",
            messages=[
                {"role": "system", "content": "Be brief."},
                {"role": "user", "content": "Weather in Paris?"},
                {
                    "role": "assistant",
                    "content": None,
                    "tool_calls": [
                        {
                            "id": "call_1",
                            "type": "function",
                            "function": {"name": "get_weather", "arguments": '{"city":"Paris"}'},
                        }
                    ],
                },
                {"role": "tool", "tool_call_id": "call_1", "content": "18C"},
            ],
            tools=TOOLS,
            temperature=0.2,
            max_completion_tokens=100,
            response_format={"type": "text"},
        )
    assert isinstance(result, ChatCompletion)


async def test_chat_completion_stream(client: oxide.AsyncOpenAI) -> None:
    async with client:
        stream = await client.chat.completions.create(
            model="gpt-4o",
            messages=[{"role": "user", "content": "hi"}],
            stream=True,
            stream_options={"include_usage": True},
        )
        # Steady ends its streams with `event: done` / `data: {}` rather than [DONE].
        items = [item async for item in stream]
    assert items and all(isinstance(i, ChatCompletionChunk) for i in items)


async def test_responses(client: oxide.AsyncOpenAI) -> None:
    async with client:
        result = await client.responses.create(
            model="gpt-4o",
            input=[{"role": "user", "content": "hi"}],
            instructions="Be brief.",
            max_output_tokens=64,
            tools=[
                {
                    "type": "function",
                    "name": "f",
                    "parameters": {"type": "object", "properties": {}},
                    "strict": False,
                }
            ],
        )
        assert isinstance(result, Response)
        stream = await client.responses.create(model="gpt-4o", input="hi", stream=True)
        events = [ev async for ev in stream]
    assert events


async def test_embeddings(client: oxide.AsyncOpenAI) -> None:
    async with client:
        default = await client.embeddings.create(model="text-embedding-3-small", input="hello")
        floats = await client.embeddings.create(
            model="text-embedding-3-small", input=["a", "b"], encoding_format="float", dimensions=8
        )
    assert isinstance(default, CreateEmbeddingResponse)
    assert isinstance(floats, CreateEmbeddingResponse)


async def test_models(client: oxide.AsyncOpenAI) -> None:
    async with client:
        page = await client.models.list()
        assert all(isinstance(m, Model) for m in page.data)
        assert isinstance(await client.models.retrieve("gpt-4o"), Model)
        assert isinstance(await client.models.delete("ft:gpt-4o:me"), ModelDeleted)


async def test_spec_violation_is_rejected(client: oxide.AsyncOpenAI) -> None:
    async with client:
        with pytest.raises(oxide.BadRequestError):
            await client.chat.completions.create(
                model="gpt-4o",
                messages=[{"role": "user", "content": "hi"}],
                extra_body={"temperature": "hot"},
            )


class Weather(msgspec.Struct):
    """Weather in a city."""

    city: str
    unit: Literal["celsius", "fahrenheit"]
    days: list[int] | None = None


async def test_helper_requests_are_valid(client: oxide.AsyncOpenAI) -> None:
    # parse()/stream() derive strict schemas and tool definitions from types; Steady checks the
    # bodies they produce against the spec (its answers are random data, so only shapes count).
    tool = oxide.function_tool(Weather, name="get_weather")
    # Random answers can be cut (length, content_filter) or hold arguments that are not valid for
    # the type: those errors are about the answer. A request Steady rejects raises
    # BadRequestError, which is not suppressed.
    answer_errors = (
        oxide.LengthFinishReasonError,
        oxide.ContentFilterFinishReasonError,
        ValueError,
        msgspec.ValidationError,
    )
    async with client:
        with contextlib.suppress(*answer_errors):
            await client.chat.completions.parse(
                model="gpt-4o",
                messages=[{"role": "user", "content": "hi"}],
                response_format=Weather,
                tools=[tool],
            )
        with contextlib.suppress(*answer_errors):
            async with client.chat.completions.stream(
                model="gpt-4o", messages=[{"role": "user", "content": "hi"}], tools=[tool]
            ) as stream:
                async for _ in stream:
                    pass
        with contextlib.suppress(*answer_errors):
            await client.responses.parse(
                model="gpt-4o", input="hi", text_format=Weather, tools=[tool]
            )
        with contextlib.suppress(*answer_errors, RuntimeError):
            async with client.responses.stream(model="gpt-4o", input="hi", tools=[tool]) as rstream:
                async for _ in rstream:
                    pass
