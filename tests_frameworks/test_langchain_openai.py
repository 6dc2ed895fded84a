"""langchain-openai's `ChatOpenAI` on oxide: chat and Responses API, sync and async, streaming,
tool calls and structured output; with clients passed in, and with `oxide.official.install()`
(ChatOpenAI then builds oxide's clients itself)."""

from __future__ import annotations

import asyncio
from collections.abc import Iterator
from typing import Any

import pydantic
import pytest
from conftest import served_by_oxide
from langchain_core.tools import tool
from langchain_openai import ChatOpenAI

import oxide.official
from oxide.official import AsyncOpenAI, OpenAI


@tool
def get_weather(city: str) -> str:
    """The weather in a city."""
    return f"sunny in {city}"


class Answer(pydantic.BaseModel):
    city: str
    summary: str


@pytest.fixture(params=["passed-in", "installed"])
def make_llm(request: pytest.FixtureRequest, mock: Any) -> Iterator[Any]:
    def passed_in(**kw: Any) -> ChatOpenAI:
        sync = OpenAI(api_key="sk-test", base_url=mock.base_url)
        client = AsyncOpenAI(api_key="sk-test", base_url=mock.base_url)
        return ChatOpenAI(
            model="gpt-4o-mini",
            api_key="sk-test",
            root_client=sync,
            root_async_client=client,
            client=sync.chat.completions,
            async_client=client.chat.completions,
            **kw,
        )

    def built_by_langchain(**kw: Any) -> ChatOpenAI:
        llm = ChatOpenAI(model="gpt-4o-mini", api_key="sk-test", base_url=mock.base_url, **kw)
        assert isinstance(llm.root_async_client, AsyncOpenAI)
        return llm

    if request.param == "installed":
        oxide.official.install()
        try:
            yield built_by_langchain
        finally:
            oxide.official.uninstall()
    else:
        yield passed_in


API = pytest.mark.parametrize("responses_api", [False, True], ids=["chat", "responses"])


def text(message: Any) -> str:
    content = message.content
    if isinstance(content, str):
        return content
    return "".join(part.get("text", "") for part in content if isinstance(part, dict))


@API
def test_invoke(mock: Any, make_llm: Any, responses_api: bool) -> None:
    message = make_llm(use_responses_api=responses_api).invoke("hello")
    assert text(message).startswith('You said: "hello"')
    assert served_by_oxide(mock)


@API
def test_ainvoke(mock: Any, make_llm: Any, responses_api: bool) -> None:
    message = asyncio.run(make_llm(use_responses_api=responses_api).ainvoke("hello"))
    assert text(message).startswith('You said: "hello"')
    assert served_by_oxide(mock)


@API
def test_stream(mock: Any, make_llm: Any, responses_api: bool) -> None:
    chunks = list(make_llm(use_responses_api=responses_api).stream("hello"))
    assert len(chunks) > 5
    assert "".join(text(c) for c in chunks).startswith('You said: "hello"')
    assert served_by_oxide(mock)


@API
def test_astream(mock: Any, make_llm: Any, responses_api: bool) -> None:
    async def collect() -> list[Any]:
        return [c async for c in make_llm(use_responses_api=responses_api).astream("hello")]

    chunks = asyncio.run(collect())
    assert "".join(text(c) for c in chunks).startswith('You said: "hello"')
    assert served_by_oxide(mock)


@API
def test_tool_call(mock: Any, make_llm: Any, responses_api: bool) -> None:
    llm = make_llm(use_responses_api=responses_api).bind_tools([get_weather])
    message = llm.invoke("What's the weather in Paris?")
    assert [(c["name"], c["args"]) for c in message.tool_calls] == [
        ("get_weather", {"city": "Paris"})
    ]
    assert served_by_oxide(mock)


@API
@pytest.mark.parametrize("method", ["json_schema", "function_calling"])
def test_structured_output(mock: Any, make_llm: Any, responses_api: bool, method: str) -> None:
    llm = make_llm(use_responses_api=responses_api).with_structured_output(Answer, method=method)
    answer = llm.invoke("The weather in Paris?")
    assert isinstance(answer, Answer) and answer.city
    assert served_by_oxide(mock)
