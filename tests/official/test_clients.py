"""`oxide.official`: the official client classes on oxide's engine, end to end over real sockets
to the embedded mock. What frameworks check must hold (client, result, event, page, error
classes), and the calls must really go through oxide (its User-Agent), except the documented
fallbacks, which take the official httpx path and still work."""

from __future__ import annotations

import socket
from collections.abc import AsyncIterator
from typing import Any

import openai
import pydantic
import pytest
import pytest_asyncio
from openai.types.chat import ChatCompletion, ChatCompletionChunk
from openai.types.responses import Response, ResponseTextDeltaEvent

import oxide
from oxide.official import AsyncOpenAI, AsyncStream
from oxide.testing import MockOpenAI

pytestmark = pytest.mark.asyncio

MODEL = "gpt-4o-mini"
MESSAGES: list[Any] = [{"role": "user", "content": "hi"}]
WEATHER_TOOL: Any = {
    "type": "function",
    "function": {
        "name": "get_weather",
        "parameters": {"type": "object", "properties": {"city": {"type": "string"}}},
    },
}


@pytest_asyncio.fixture
async def client(mock_openai: MockOpenAI) -> AsyncIterator[AsyncOpenAI]:
    c = AsyncOpenAI(api_key="sk-test", base_url=mock_openai.base_url, max_retries=2)
    try:
        yield c
    finally:
        await c.close()


def served_by_oxide(mock: MockOpenAI) -> bool:
    # oxide names itself in the package-version header (frameworks replace the User-Agent).
    headers = mock.requests[-1].headers
    return any(
        k.lower() == "x-stainless-package-version" and v == oxide.__version__
        for k, v in headers.items()
    )


async def test_the_client_is_the_official_one(client: AsyncOpenAI) -> None:
    assert isinstance(client, openai.AsyncOpenAI)
    assert isinstance(client.chat.completions, openai.resources.chat.AsyncCompletions)
    assert isinstance(client.with_options(timeout=5), openai.AsyncOpenAI)


async def test_chat_completion_is_the_official_class(
    client: AsyncOpenAI, mock_openai: MockOpenAI
) -> None:
    completion = await client.chat.completions.create(
        model=MODEL, messages=MESSAGES, temperature=openai.omit, timeout=openai.NOT_GIVEN
    )
    assert type(completion) is ChatCompletion
    assert isinstance(completion, openai.BaseModel)
    assert completion.choices[0].message.content
    # the response's x-request-id, as on the official client's results (openai-agents reads it)
    assert (completion._request_id or "").startswith("req_")
    # pydantic sees a real model: validation of the object and its dump round-trip.
    assert ChatCompletion.model_validate(completion.model_dump()) == completion
    assert served_by_oxide(mock_openai)
    assert mock_openai.requests[-1].json == {"model": MODEL, "messages": MESSAGES}


async def test_tool_call_and_its_result_sent_back(
    client: AsyncOpenAI, mock_openai: MockOpenAI
) -> None:
    ask = [{"role": "user", "content": "What's the weather in Paris?"}]
    first = await client.chat.completions.create(model=MODEL, messages=ask, tools=[WEATHER_TOOL])
    (call,) = first.choices[0].message.tool_calls or []
    assert isinstance(call, openai.types.chat.ChatCompletionMessageFunctionToolCall)
    # The assistant message goes back as the official model object, as frameworks do.
    history = [
        *ask,
        first.choices[0].message,
        {"role": "tool", "tool_call_id": call.id, "content": "sunny"},
    ]
    second = await client.chat.completions.create(
        model=MODEL, messages=history, tools=[WEATHER_TOOL]
    )
    assert second.choices[0].message.content
    sent = mock_openai.requests[-1].json["messages"][1]
    assert sent["role"] == "assistant" and sent["tool_calls"][0]["id"] == call.id
    assert served_by_oxide(mock_openai)


async def test_chat_stream_is_an_official_stream_of_official_chunks(
    client: AsyncOpenAI, mock_openai: MockOpenAI
) -> None:
    stream = await client.chat.completions.create(model=MODEL, messages=MESSAGES, stream=True)
    assert isinstance(stream, openai.AsyncStream) and isinstance(stream, AsyncStream)
    chunks = [chunk async for chunk in stream]
    assert chunks and all(type(c) is ChatCompletionChunk for c in chunks)
    text = "".join(c.choices[0].delta.content or "" for c in chunks if c.choices)
    assert text.startswith('You said: "hi"')
    assert served_by_oxide(mock_openai)


async def test_responses_and_the_official_stream_helper(
    client: AsyncOpenAI, mock_openai: MockOpenAI
) -> None:
    response = await client.responses.create(model=MODEL, input="hi")
    assert type(response) is Response and response.output_text.startswith('You said: "hi"')
    deltas = []
    async with client.responses.stream(model=MODEL, input="hi") as stream:
        async for event in stream:
            if isinstance(event, ResponseTextDeltaEvent):
                deltas.append(event.delta)
        final = await stream.get_final_response()
    assert "".join(deltas) == final.output_text == response.output_text
    assert served_by_oxide(mock_openai)


async def test_structured_output_parse(client: AsyncOpenAI, mock_openai: MockOpenAI) -> None:
    class Weather(pydantic.BaseModel):
        city: str
        temperature_c: float

    completion = await client.chat.completions.parse(
        model=MODEL, messages=MESSAGES, response_format=Weather
    )
    parsed = completion.choices[0].message.parsed
    assert isinstance(parsed, Weather)
    assert served_by_oxide(mock_openai)
    body = mock_openai.requests[-1].json
    assert body["response_format"]["json_schema"]["name"] == "Weather"


async def test_pages_are_official_and_auto_paginate(
    client: AsyncOpenAI, mock_openai: MockOpenAI
) -> None:
    page = await client.models.list()
    assert isinstance(page, openai.pagination.AsyncPage)
    ids = [model.id async for model in client.models.list()]
    assert ids == [m.id for m in page.data] and ids
    assert served_by_oxide(mock_openai)


async def test_errors_are_the_official_exceptions(
    client: AsyncOpenAI, mock_openai: MockOpenAI
) -> None:
    with pytest.raises(openai.NotFoundError) as caught:
        await client.models.retrieve("no-such-model")
    assert caught.value.status_code == 404 and caught.value.response.status_code == 404
    # Retries are oxide's: two 429s, then the answer.
    mock_openai.fail_next(429, times=2)
    completion = await client.chat.completions.create(model=MODEL, messages=MESSAGES)
    assert completion.choices[0].message.content
    mock_openai.fail_next(429, times=3)
    with pytest.raises(openai.RateLimitError) as limited:
        await client.chat.completions.create(model=MODEL, messages=MESSAGES)
    assert isinstance(limited.value.body, dict) and limited.value.code


async def test_connection_errors_are_the_official_ones() -> None:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    c = AsyncOpenAI(api_key="sk-test", base_url=f"http://127.0.0.1:{port}/v1", max_retries=0)
    try:
        with pytest.raises(openai.APIConnectionError):
            await c.chat.completions.create(model=MODEL, messages=MESSAGES)
    finally:
        await c.close()


async def test_raw_responses_are_official_and_served_by_oxide(
    client: AsyncOpenAI, mock_openai: MockOpenAI
) -> None:
    raw = await client.chat.completions.with_raw_response.create(model=MODEL, messages=MESSAGES)
    assert isinstance(raw, openai._legacy_response.LegacyAPIResponse)
    assert raw.status_code == 200 and raw.headers.get("x-request-id") == raw.request_id
    completion = raw.parse()
    assert type(completion) is ChatCompletion and raw.parse() is completion
    assert served_by_oxide(mock_openai)
    raw_stream = await client.chat.completions.with_raw_response.create(
        model=MODEL, messages=MESSAGES, stream=True
    )
    stream = raw_stream.parse()
    assert isinstance(stream, openai.AsyncStream)
    assert all([type(c) is ChatCompletionChunk async for c in stream])
    # parse(to=...) is the official parsing of the body oxide read
    assert completion.id in raw.parse(to=str)


async def test_streaming_responses_are_official_and_served_by_oxide(
    client: AsyncOpenAI, mock_openai: MockOpenAI
) -> None:
    async with client.chat.completions.with_streaming_response.create(
        model=MODEL, messages=MESSAGES
    ) as response:
        assert isinstance(response, openai._response.AsyncAPIResponse)
        assert response.status_code == 200 and response.request_id
        completion = await response.parse()
        assert type(completion) is ChatCompletion
        assert completion._request_id == response.request_id
        assert (await response.json())["id"] == completion.id  # type: ignore[index]
    assert served_by_oxide(mock_openai)
    # an event stream read line by line, as openai-agents reads the Responses stream
    async with client.responses.with_streaming_response.create(
        model=MODEL, input="hi", stream=True
    ) as response:
        events = [event async for event in await response.parse()]
    assert events[-1].type == "response.completed"
    async with client.responses.with_streaming_response.create(
        model=MODEL, input="hi", stream=True
    ) as response:
        lines = [line async for line in response.iter_lines()]
    assert any(line.startswith("data: ") for line in lines)
    assert served_by_oxide(mock_openai)


async def test_install_makes_the_official_names_oxides(mock_openai: MockOpenAI) -> None:
    import oxide.official

    official = openai.AsyncOpenAI
    oxide.official.install()
    try:
        assert openai.AsyncOpenAI is AsyncOpenAI and openai.OpenAI is oxide.official.OpenAI
        assert oxide.official.installed()
        # what a framework that builds its own client does
        built = openai.AsyncOpenAI(api_key="sk-test", base_url=mock_openai.base_url)
        await built.models.list()
        await built.close()
        assert served_by_oxide(mock_openai)
    finally:
        oxide.official.uninstall()
    assert openai.AsyncOpenAI is official and not oxide.official.installed()


async def test_with_options_shares_the_pool_and_keeps_settings(
    client: AsyncOpenAI, mock_openai: MockOpenAI
) -> None:
    await client.models.list()
    copy = client.with_options(default_headers={"X-Team": "a"}, max_retries=0)
    assert isinstance(copy, AsyncOpenAI)
    await copy.chat.completions.create(model=MODEL, messages=MESSAGES)
    assert mock_openai.requests[-1].headers["X-Team"] == "a"
    assert copy._oxide is not None and client._oxide is not None
    assert copy._oxide._holder is client._oxide._holder
    mock_openai.fail_next(500)
    with pytest.raises(openai.InternalServerError):
        await copy.chat.completions.create(model=MODEL, messages=MESSAGES)
