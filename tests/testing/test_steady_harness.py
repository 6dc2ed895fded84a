"""The Steady harness works: the official SDK against Steady (spec-validated requests).

Steady answers with random schema-valid data, so these tests check shapes, not content.
"""

from __future__ import annotations

from collections.abc import AsyncIterator

import openai
import pytest
import pytest_asyncio

pytestmark = [pytest.mark.steady, pytest.mark.asyncio]


@pytest_asyncio.fixture
async def steady(steady_base_url: str) -> AsyncIterator[openai.AsyncOpenAI]:
    async with openai.AsyncOpenAI(
        base_url=steady_base_url, api_key="sk-test", max_retries=0
    ) as client:
        yield client


async def test_chat_completions_create(steady: openai.AsyncOpenAI) -> None:
    completion = await steady.chat.completions.create(
        model="gpt-4o-mini",
        messages=[{"role": "user", "content": "Hello"}],
        temperature=0.2,
        max_completion_tokens=16,
    )
    assert completion.object == "chat.completion"
    assert isinstance(completion.choices, list)


async def test_responses_create(steady: openai.AsyncOpenAI) -> None:
    response = await steady.responses.create(model="gpt-4o-mini", input="Hello")
    assert response.object == "response"


async def test_embeddings_create(steady: openai.AsyncOpenAI) -> None:
    result = await steady.embeddings.create(
        model="text-embedding-3-small", input=["a", "b"], encoding_format="float"
    )
    assert result.object == "list"
    assert all(isinstance(item.embedding, list) for item in result.data)


async def test_models_list(steady: openai.AsyncOpenAI) -> None:
    page = await steady.models.list()
    assert all(model.object == "model" for model in page.data)


async def test_invalid_request_is_rejected(steady: openai.AsyncOpenAI) -> None:
    with pytest.raises(openai.BadRequestError) as info:
        await steady.chat.completions.create(
            model="gpt-4o-mini",
            messages=[{"role": "user", "content": "Hello"}],
            extra_body={"temperature": "hot"},
        )
    assert info.value.status_code == 400
    response = info.value.response
    assert response.headers["x-steady-error-1-path"] == "body.temperature"
    assert response.headers["x-steady-request-valid"] == "false"
