"""The official SDK's sentinels (`openai.NOT_GIVEN`, `openai.omit`, ...) work wherever oxide's
do: frameworks written for the official client pass them in arguments, nested bodies, request
options and `timeout`. Over real sockets to the embedded mock, which records what it received.
"""

from __future__ import annotations

import subprocess
import sys
from collections.abc import AsyncIterator
from typing import Any

import openai
import pytest
import pytest_asyncio

import oxide
from oxide.testing import MockOpenAI

MODEL = "gpt-4o-mini"
MESSAGES: list[Any] = [{"role": "user", "content": "hi"}]
OFFICIAL_NOT_GIVEN = [openai.NOT_GIVEN, openai.not_given, openai.NotGiven()]
OFFICIAL_OMIT = [openai.omit, openai.Omit()]


@pytest_asyncio.fixture
async def client(mock_openai: MockOpenAI) -> AsyncIterator[oxide.AsyncOpenAI]:
    async with oxide.AsyncOpenAI(api_key="sk-test", base_url=mock_openai.base_url) as c:
        yield c


def test_official_sentinels_are_instances_of_oxides() -> None:
    for value in OFFICIAL_NOT_GIVEN:
        assert isinstance(value, oxide.NotGiven) and not isinstance(value, oxide.Omit)
    for value in OFFICIAL_OMIT:
        assert isinstance(value, oxide.Omit) and not isinstance(value, oxide.NotGiven)
    # Nothing else is: a look-alike from another package, or an ordinary value.
    look_alike = type("NotGiven", (), {"__module__": "somewhere_else"})()
    for value in (look_alike, None, 0, "", False, object()):
        assert not isinstance(value, (oxide.NotGiven, oxide.Omit))


@pytest.mark.asyncio
@pytest.mark.parametrize(
    "sentinel",
    OFFICIAL_NOT_GIVEN + OFFICIAL_OMIT,
    ids=["NOT_GIVEN", "not_given", "NotGiven()", "omit", "Omit()"],
)
async def test_top_level_arguments_and_options_are_dropped(
    client: oxide.AsyncOpenAI, mock_openai: MockOpenAI, sentinel: Any
) -> None:
    completion = await client.chat.completions.create(
        model=MODEL,
        messages=MESSAGES,
        temperature=sentinel,
        tools=sentinel,
        tool_choice=sentinel,
        parallel_tool_calls=sentinel,
        response_format=sentinel,
        stream=sentinel,
        timeout=sentinel if isinstance(sentinel, oxide.NotGiven) else oxide.NOT_GIVEN,
        extra_headers={"X-Keep": "1", "X-Gone": openai.omit},
    )
    assert completion.choices[0].message.content
    sent = mock_openai.requests[-1]
    assert sent.json == {"model": MODEL, "messages": MESSAGES}
    assert sent.headers["X-Keep"] == "1" and "X-Gone" not in sent.headers


@pytest.mark.asyncio
async def test_official_omit_removes_a_default_header(mock_openai: MockOpenAI) -> None:
    async with oxide.AsyncOpenAI(
        api_key="sk-test", base_url=mock_openai.base_url, default_headers={"X-Team": "a"}
    ) as client:
        await client.models.list(extra_headers={"X-Team": openai.omit})
    assert "X-Team" not in mock_openai.requests[-1].headers


@pytest.mark.asyncio
async def test_nested_sentinels_are_not_sent_as_objects(
    client: oxide.AsyncOpenAI, mock_openai: MockOpenAI
) -> None:
    # Inside a body, where there is no key to drop before encoding, a sentinel is `null`, as
    # oxide's own; the official SDK's encoder would raise "not JSON serializable".
    await client.responses.create(
        model=MODEL, input="hi", extra_body={"metadata": {"kept": "1", "gone": openai.omit}}
    )
    assert mock_openai.requests[-1].json["metadata"] == {"kept": "1", "gone": None}


@pytest.mark.asyncio
async def test_timeout_not_given_keeps_the_clients(mock_openai: MockOpenAI) -> None:
    async with oxide.AsyncOpenAI(
        api_key="sk-test", base_url=mock_openai.base_url, timeout=7, max_retries=openai.NOT_GIVEN
    ) as client:
        await client.chat.completions.create(
            model=MODEL, messages=MESSAGES, timeout=openai.NOT_GIVEN
        )
        assert client.max_retries == oxide.DEFAULT_MAX_RETRIES
        copy = client.with_options(timeout=openai.NOT_GIVEN, max_retries=openai.NOT_GIVEN)
        assert copy.timeout == client.timeout and copy.max_retries == client.max_retries
    assert mock_openai.requests[-1].headers["x-stainless-read-timeout"] == "7"


def test_sync_client_and_raw_response_take_them(mock_base_url: str) -> None:
    with oxide.OpenAI(api_key="sk-test", base_url=mock_base_url) as client:
        raw = client.chat.completions.with_raw_response.create(
            model=MODEL, messages=MESSAGES, n=openai.omit, timeout=openai.not_given
        )
        assert raw.parse().choices[0].message.content


def test_without_openai_installed_nothing_imports_it() -> None:
    # Recognising the official sentinels never imports `openai`: oxide works without it.
    code = (
        "import sys; sys.modules['openai'] = None\n"
        "import oxide\n"
        "from oxide._utils import maybe_transform\n"
        "assert maybe_transform({'a': oxide.omit, 'b': 1}) == {'b': 1}\n"
        "assert not isinstance(1, oxide.NotGiven)\n"
        "print('ok')\n"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "ok"
