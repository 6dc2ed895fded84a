"""The embedded mock, driven by the OFFICIAL SDK: it must parse everything like real API output."""

from __future__ import annotations

import json
import math
from collections.abc import AsyncIterator
from typing import Any

import openai
import pydantic
import pytest
import pytest_asyncio

from oxide.testing import MockOpenAI

pytestmark = pytest.mark.asyncio

WEATHER: dict[str, Any] = {
    "type": "function",
    "function": {
        "name": "get_weather",
        "description": "Current weather for a city.",
        "parameters": {
            "type": "object",
            "properties": {
                "city": {"type": "string"},
                "unit": {"type": "string", "enum": ["celsius", "fahrenheit"]},
            },
            "required": ["city", "unit"],
            "additionalProperties": False,
        },
        "strict": True,
    },
}
TIME: dict[str, Any] = {
    "type": "function",
    "function": {
        "name": "get_time",
        "parameters": {
            "type": "object",
            "properties": {"timezone": {"type": "string"}, "offset": {"type": "integer"}},
            "required": ["timezone", "offset"],
            "additionalProperties": False,
        },
        "strict": True,
    },
}
RESP_WEATHER: dict[str, Any] = {"type": "function", **WEATHER["function"]}


@pytest_asyncio.fixture
async def client(mock_base_url: str) -> AsyncIterator[openai.AsyncOpenAI]:
    async with openai.AsyncOpenAI(base_url=mock_base_url, api_key="sk-test", max_retries=0) as c:
        yield c


def user(text: str) -> list[dict[str, Any]]:
    return [{"role": "user", "content": text}]


# ---------------------------------------------------------------------------------------------
# Chat completions


async def test_chat_create_echoes_the_user(client: openai.AsyncOpenAI) -> None:
    completion = await client.chat.completions.create(
        model="gpt-4o-mini",
        messages=[{"role": "system", "content": "Be brief."}, *user("Hello there")],
    )
    assert completion.object == "chat.completion"
    assert completion.id.startswith("chatcmpl-")
    assert completion.model == "gpt-4o-mini"
    choice = completion.choices[0]
    assert choice.finish_reason == "stop"
    assert choice.message.role == "assistant"
    assert choice.message.content is not None
    assert choice.message.content.startswith('You said: "Hello there".')
    usage = completion.usage
    assert usage is not None
    assert usage.total_tokens == usage.prompt_tokens + usage.completion_tokens
    assert usage.completion_tokens > 20
    # Same input, same answer.
    again = await client.chat.completions.create(model="gpt-4o-mini", messages=user("Hello there"))
    assert again.choices[0].message.content == choice.message.content


async def test_chat_stream_chunks(client: openai.AsyncOpenAI) -> None:
    stream = await client.chat.completions.create(
        model="gpt-4o-mini", messages=user("Stream me"), stream=True
    )
    chunks = [chunk async for chunk in stream]
    assert len(chunks) > 20
    assert all(c.object == "chat.completion.chunk" for c in chunks)
    assert len({c.id for c in chunks}) == 1
    assert chunks[0].choices[0].delta.role == "assistant"
    assert chunks[-1].choices[0].finish_reason == "stop"
    assert all(c.usage is None for c in chunks)
    text = "".join(c.choices[0].delta.content or "" for c in chunks)
    full = await client.chat.completions.create(model="gpt-4o-mini", messages=user("Stream me"))
    assert text == full.choices[0].message.content


async def test_chat_stream_include_usage(client: openai.AsyncOpenAI) -> None:
    stream = await client.chat.completions.create(
        model="gpt-4o-mini",
        messages=user("count my tokens"),
        stream=True,
        stream_options={"include_usage": True},
    )
    chunks = [chunk async for chunk in stream]
    last = chunks[-1]
    assert last.choices == []
    assert last.usage is not None and last.usage.completion_tokens == len(chunks) - 3
    assert all(c.usage is None for c in chunks[:-1])


async def test_chat_stream_helper(client: openai.AsyncOpenAI) -> None:
    async with client.chat.completions.stream(
        model="gpt-4o-mini", messages=user("Use the helper")
    ) as stream:
        deltas = [e.delta async for e in stream if e.type == "content.delta"]
        final = await stream.get_final_completion()
    assert len(deltas) > 20
    assert final.choices[0].message.content == "".join(deltas)
    assert final.choices[0].message.content.startswith('You said: "Use the helper"')


async def test_chat_tool_call(client: openai.AsyncOpenAI) -> None:
    completion = await client.chat.completions.create(
        model="gpt-4o-mini", messages=user("What's the weather in Paris?"), tools=[WEATHER]
    )
    choice = completion.choices[0]
    assert choice.finish_reason == "tool_calls"
    assert choice.message.content is None
    calls = choice.message.tool_calls
    assert calls is not None and len(calls) == 1
    call = calls[0]
    assert call.type == "function"
    assert call.id.startswith("call_")
    assert call.function.name == "get_weather"
    assert json.loads(call.function.arguments) == {"city": "Paris", "unit": "celsius"}


async def test_chat_tool_call_stream_assembles(client: openai.AsyncOpenAI) -> None:
    stream = await client.chat.completions.create(
        model="gpt-4o-mini",
        messages=user("What's the weather in Paris?"),
        tools=[WEATHER],
        stream=True,
    )
    chunks = [chunk async for chunk in stream]
    deltas = [d for c in chunks for d in (c.choices[0].delta.tool_calls or [])]
    assert len(deltas) > 5, "arguments should arrive over many chunks"
    first, rest = deltas[0], deltas[1:]
    assert first.id and first.id.startswith("call_")
    assert first.function is not None and first.function.name == "get_weather"
    assert all(d.id is None and d.function and d.function.name is None for d in rest)
    assert all(d.index == 0 for d in deltas)
    arguments = "".join(d.function.arguments or "" for d in deltas if d.function)
    assert json.loads(arguments) == {"city": "Paris", "unit": "celsius"}
    assert chunks[-1].choices[0].finish_reason == "tool_calls"


async def test_chat_stream_helper_parses_strict_tool(client: openai.AsyncOpenAI) -> None:
    async with client.chat.completions.stream(
        model="gpt-4o-mini", messages=user("Weather in Tokyo please"), tools=[WEATHER]
    ) as stream:
        events = [e.type async for e in stream]
        final = await stream.get_final_completion()
    assert "tool_calls.function.arguments.delta" in events
    assert "tool_calls.function.arguments.done" in events
    call = final.choices[0].message.tool_calls[0]  # type: ignore[index]
    assert call.function.parsed_arguments == {"city": "Tokyo", "unit": "celsius"}


async def test_chat_tool_result_round_trip(client: openai.AsyncOpenAI) -> None:
    messages: list[Any] = user("What's the weather in Paris?")
    first = await client.chat.completions.create(
        model="gpt-4o-mini", messages=messages, tools=[WEATHER]
    )
    call = first.choices[0].message.tool_calls[0]  # type: ignore[index]
    messages.append(first.choices[0].message.model_dump(exclude_none=True))
    messages.append({"role": "tool", "tool_call_id": call.id, "content": '{"temp": 21}'})
    final = await client.chat.completions.create(
        model="gpt-4o-mini", messages=messages, tools=[WEATHER]
    )
    assert final.choices[0].finish_reason == "stop"
    content = final.choices[0].message.content
    assert content is not None
    assert 'get_weather tool returned: {"temp": 21}' in content
    assert "What's the weather in Paris?" in content


async def test_chat_parallel_and_forced_tools(client: openai.AsyncOpenAI) -> None:
    both = await client.chat.completions.create(
        model="gpt-4o-mini",
        messages=user("Call get_weather for Rome and get_time too"),
        tools=[WEATHER, TIME],
    )
    names = [c.function.name for c in both.choices[0].message.tool_calls or []]
    assert names == ["get_weather", "get_time"]
    forced = await client.chat.completions.create(
        model="gpt-4o-mini",
        messages=user("hello"),
        tools=[WEATHER, TIME],
        tool_choice={"type": "function", "function": {"name": "get_time"}},
    )
    call = forced.choices[0].message.tool_calls[0]  # type: ignore[index]
    assert call.function.name == "get_time"
    assert json.loads(call.function.arguments) == {"timezone": "hello", "offset": 42}
    none = await client.chat.completions.create(
        model="gpt-4o-mini", messages=user("hello"), tools=[WEATHER], tool_choice="none"
    )
    assert none.choices[0].message.tool_calls is None
    assert none.choices[0].finish_reason == "stop"


async def test_chat_structured_output_parse(client: openai.AsyncOpenAI) -> None:
    class City(pydantic.BaseModel):
        name: str
        population: int
        tags: list[str]

    completion = await client.chat.completions.parse(
        model="gpt-4o-mini", messages=user("Describe Lisbon"), response_format=City
    )
    parsed = completion.choices[0].message.parsed
    assert parsed == City(name="Lisbon", population=42, tags=["Lisbon"])


async def test_chat_max_tokens_n_and_logprobs(client: openai.AsyncOpenAI) -> None:
    short = await client.chat.completions.create(
        model="gpt-4o-mini", messages=user("long answer please"), max_completion_tokens=5
    )
    assert short.choices[0].finish_reason == "length"
    assert short.usage is not None and short.usage.completion_tokens == 5
    multi = await client.chat.completions.create(
        model="gpt-4o-mini", messages=user("two please"), n=2, logprobs=True, top_logprobs=2
    )
    assert [c.index for c in multi.choices] == [0, 1]
    logprobs = multi.choices[0].logprobs
    assert logprobs is not None and logprobs.content
    assert "".join(t.token for t in logprobs.content) == multi.choices[0].message.content
    assert all(len(t.top_logprobs) == 2 and t.logprob <= 0 for t in logprobs.content)


# ---------------------------------------------------------------------------------------------
# Responses


async def test_responses_create(client: openai.AsyncOpenAI) -> None:
    response = await client.responses.create(
        model="gpt-4o", instructions="Be nice.", input="Tell me a joke", metadata={"k": "v"}
    )
    assert response.object == "response"
    assert response.id.startswith("resp_")
    assert response.status == "completed"
    assert response.output_text.startswith('You said: "Tell me a joke".')
    assert response.instructions == "Be nice."
    assert response.metadata == {"k": "v"}
    message = response.output[0]
    assert message.type == "message" and message.id.startswith("msg_")
    assert response.usage is not None
    assert response.usage.total_tokens == response.usage.input_tokens + response.usage.output_tokens


async def test_responses_stream_raw_events(client: openai.AsyncOpenAI) -> None:
    stream = await client.responses.create(model="gpt-4o", input="Stream a joke", stream=True)
    events = [e async for e in stream]
    types = [e.type for e in events]
    assert types[:4] == [
        "response.created",
        "response.in_progress",
        "response.output_item.added",
        "response.content_part.added",
    ]
    assert types[-4:] == [
        "response.output_text.done",
        "response.content_part.done",
        "response.output_item.done",
        "response.completed",
    ]
    deltas = [e for e in events if e.type == "response.output_text.delta"]
    assert len(deltas) > 20
    assert [e.sequence_number for e in events] == list(range(len(events)))
    completed = events[-1]
    assert completed.type == "response.completed"
    assert completed.response.output_text == "".join(d.delta for d in deltas)


async def test_responses_stream_helper(client: openai.AsyncOpenAI) -> None:
    async with client.responses.stream(model="gpt-4o", input="Helper joke") as stream:
        deltas = [e.delta async for e in stream if e.type == "response.output_text.delta"]
        final = await stream.get_final_response()
    assert final.output_text == "".join(deltas)
    assert final.output_text.startswith('You said: "Helper joke"')


async def test_responses_function_call(client: openai.AsyncOpenAI) -> None:
    response = await client.responses.create(
        model="gpt-4o", input="What's the weather in Boston?", tools=[RESP_WEATHER]
    )
    call = response.output[0]
    assert call.type == "function_call"
    assert call.call_id.startswith("call_") and call.id and call.id.startswith("fc_")
    assert call.name == "get_weather"
    assert json.loads(call.arguments) == {"city": "Boston", "unit": "celsius"}
    assert response.tools[0].type == "function"

    follow_up = await client.responses.create(
        model="gpt-4o",
        input=[
            {"role": "user", "content": "What's the weather in Boston?"},
            {
                "type": "function_call",
                "call_id": call.call_id,
                "name": call.name,
                "arguments": call.arguments,
            },
            {"type": "function_call_output", "call_id": call.call_id, "output": "sunny, 25C"},
        ],
        tools=[RESP_WEATHER],
    )
    assert "get_weather tool returned: sunny, 25C" in follow_up.output_text


async def test_responses_function_call_stream(client: openai.AsyncOpenAI) -> None:
    async with client.responses.stream(
        model="gpt-4o", input="Weather in Oslo?", tools=[RESP_WEATHER]
    ) as stream:
        events = [e async for e in stream]
        final = await stream.get_final_response()
    deltas = [e for e in events if e.type == "response.function_call_arguments.delta"]
    done = [e for e in events if e.type == "response.function_call_arguments.done"]
    assert len(deltas) > 5
    assert len(done) == 1 and done[0].name == "get_weather"
    assert json.loads("".join(d.delta for d in deltas)) == {"city": "Oslo", "unit": "celsius"}
    call = final.output[0]
    assert call.type == "function_call" and call.arguments == done[0].arguments


async def test_responses_parse_text_format(client: openai.AsyncOpenAI) -> None:
    class Answer(pydantic.BaseModel):
        city: str
        sunny: bool

    response = await client.responses.parse(
        model="gpt-4o", input="Is it sunny in Madrid?", text_format=Answer
    )
    assert response.output_parsed == Answer(city="Madrid", sunny=True)


# ---------------------------------------------------------------------------------------------
# Embeddings


async def test_embeddings_float(client: openai.AsyncOpenAI) -> None:
    result = await client.embeddings.create(
        model="text-embedding-3-small", input="hello world", encoding_format="float"
    )
    assert result.object == "list" and result.model == "text-embedding-3-small"
    [item] = result.data
    assert item.object == "embedding" and item.index == 0
    assert len(item.embedding) == 1536
    assert math.isclose(sum(v * v for v in item.embedding), 1.0, rel_tol=1e-4)
    assert result.usage.prompt_tokens == result.usage.total_tokens == 2
    again = await client.embeddings.create(
        model="text-embedding-3-small", input="hello world", encoding_format="float"
    )
    assert again.data[0].embedding == item.embedding


async def test_embeddings_default_base64_matches_float(client: openai.AsyncOpenAI) -> None:
    inputs = ["first text", "second text", "something else entirely"]
    decoded = await client.embeddings.create(model="text-embedding-3-small", input=inputs)
    floats = await client.embeddings.create(
        model="text-embedding-3-small", input=inputs, encoding_format="float"
    )
    assert [d.index for d in decoded.data] == [0, 1, 2]
    for a, b in zip(decoded.data, floats.data, strict=True):
        assert len(a.embedding) == 1536
        assert a.embedding == pytest.approx(b.embedding, rel=1e-6, abs=1e-9)
    assert decoded.data[0].embedding != decoded.data[1].embedding


async def test_embeddings_dimensions_and_models(client: openai.AsyncOpenAI) -> None:
    small = await client.embeddings.create(
        model="text-embedding-3-small", input="hi", dimensions=256
    )
    assert len(small.data[0].embedding) == 256
    assert math.isclose(sum(v * v for v in small.data[0].embedding), 1.0, rel_tol=1e-4)
    large = await client.embeddings.create(model="text-embedding-3-large", input=["hi", [1, 2, 3]])
    assert [len(d.embedding) for d in large.data] == [3072, 3072]


# ---------------------------------------------------------------------------------------------
# Models and errors


async def test_models(client: openai.AsyncOpenAI) -> None:
    page = await client.models.list()
    ids = [m.id async for m in page]
    assert "gpt-4o-mini" in ids and "text-embedding-3-small" in ids
    model = await client.models.retrieve("gpt-4o-mini")
    assert model.id == "gpt-4o-mini" and model.object == "model" and model.owned_by
    deleted = await client.models.delete("ft:gpt-4o-mini:acme:demo:abc123")
    assert deleted.deleted is True and deleted.id == "ft:gpt-4o-mini:acme:demo:abc123"


async def test_model_not_found(client: openai.AsyncOpenAI) -> None:
    with pytest.raises(openai.NotFoundError) as info:
        await client.models.retrieve("gpt-nope")
    err = info.value
    assert err.status_code == 404
    assert err.code == "model_not_found" and err.param == "model"
    assert err.type == "invalid_request_error"
    assert err.body == {
        "message": "The model 'gpt-nope' does not exist",
        "type": "invalid_request_error",
        "param": "model",
        "code": "model_not_found",
    }
    assert err.request_id and err.request_id.startswith("req_")


async def test_errors_map_to_sdk_exceptions(mock_base_url: str) -> None:
    async with openai.AsyncOpenAI(
        base_url=mock_base_url, api_key="sk-invalid", max_retries=0
    ) as bad:
        with pytest.raises(openai.AuthenticationError) as auth:
            await bad.models.list()
    assert auth.value.code == "invalid_api_key"
    async with openai.AsyncOpenAI(base_url=mock_base_url, api_key="sk-test", max_retries=0) as c:
        with pytest.raises(openai.BadRequestError) as bad_request:
            await c.chat.completions.create(
                model="gpt-4o-mini", messages=user("x"), extra_body={"temperature": "hot"}
            )
        assert bad_request.value.param == "temperature"
        assert bad_request.value.code == "invalid_type"
        with pytest.raises(openai.RateLimitError):
            await c.models.list(extra_headers={"x-mock-error": "429"})
        with pytest.raises(openai.InternalServerError):
            await c.models.list(extra_headers={"x-mock-error": "500"})


async def test_retries_after_injected_failures(mock_openai: MockOpenAI) -> None:
    mock_openai.fail_next(429)
    mock_openai.fail_next(503)
    async with openai.AsyncOpenAI(
        base_url=mock_openai.base_url, api_key="sk-test", max_retries=2
    ) as c:
        completion = await c.chat.completions.create(model="gpt-4o-mini", messages=user("retry"))
    assert completion.choices[0].message.content
    posts = [r for r in mock_openai.requests if r.path == "/v1/chat/completions"]
    assert len(posts) == 3
    assert posts[-1].json["messages"] == user("retry")
    assert posts[-1].headers["Authorization"] == "Bearer sk-test"


async def test_mid_stream_error(client: openai.AsyncOpenAI) -> None:
    stream = await client.chat.completions.create(
        model="gpt-4o-mini",
        messages=user("fail midway"),
        stream=True,
        extra_headers={"x-mock-stream-error-after": "5"},
    )
    received = []
    with pytest.raises(openai.APIError, match="server had an error"):
        async for chunk in stream:
            received.append(chunk)
    assert len(received) == 5
