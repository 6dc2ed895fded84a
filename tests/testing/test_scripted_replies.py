"""`oxide.testing` for agent authors: scripted replies and the `openai_mock` pytest fixture.

Agent code is exercised as users would: it builds its own client from the environment the
fixture sets, runs a tool loop over real sockets, and the test asserts on what the agent did
and on the requests the mock received.
"""

from __future__ import annotations

import json
import subprocess
import sys
import textwrap
from pathlib import Path
from typing import Any

import openai
import pytest

import oxide
from oxide.testing import ToolCall
from oxide.testing.pytest_plugin import OpenAIMock

TOOLS: list[Any] = [
    {
        "type": "function",
        "function": {
            "name": "get_weather",
            "parameters": {"type": "object", "properties": {"city": {"type": "string"}}},
        },
    }
]


def weather_agent(question: str) -> str:
    """A minimal chat tool loop, as agent code under test would be written."""
    client = oxide.OpenAI()  # OPENAI_BASE_URL / OPENAI_API_KEY, set by the fixture
    messages: list[Any] = [{"role": "user", "content": question}]
    with client:
        for _ in range(5):
            completion = client.chat.completions.create(
                model="gpt-4o-mini", messages=messages, tools=TOOLS
            )
            message = completion.choices[0].message
            if not message.tool_calls:
                return message.content or ""
            messages.append(message.to_dict())
            for call in message.tool_calls:
                city = json.loads(call.function.arguments)["city"]
                messages.append(
                    {"role": "tool", "tool_call_id": call.id, "content": f"18C in {city}"}
                )
    raise RuntimeError("no answer")


def test_a_scripted_tool_loop(openai_mock: OpenAIMock) -> None:
    openai_mock.queue_tool_call("get_weather", {"city": "Paris"}, call_id="call_1")
    openai_mock.queue_reply("It is 18C in Paris.")

    assert weather_agent("What is the weather in Paris?") == "It is 18C in Paris."

    first, second = openai_mock.model_requests()
    assert first.json["tools"][0]["function"]["name"] == "get_weather"
    tool_message = second.json["messages"][-1]
    assert tool_message == {"role": "tool", "tool_call_id": "call_1", "content": "18C in Paris"}
    assert second.headers["Authorization"] == f"Bearer {openai_mock.api_key}"
    openai_mock.assert_all_replies_used()


def test_the_official_client_finds_the_mock_too(openai_mock: OpenAIMock) -> None:
    openai_mock.queue_reply("from the script")
    with openai.OpenAI(max_retries=0) as client:
        completion = client.chat.completions.create(
            model="gpt-4o-mini", messages=[{"role": "user", "content": "hi"}]
        )
    assert completion.choices[0].message.content == "from the script"


@pytest.mark.asyncio
async def test_streamed_chunks_and_parallel_tool_calls(openai_mock: OpenAIMock) -> None:
    openai_mock.queue_reply(chunks=["Hel", "lo", " there"])
    openai_mock.queue_tool_calls(
        ToolCall("get_weather", {"city": "Oslo"}), ToolCall("get_weather", '{"city": "Rome"}')
    )
    async with openai_mock.async_client() as client:
        stream = await client.chat.completions.create(
            model="gpt-4o-mini", messages=[{"role": "user", "content": "hi"}], stream=True
        )
        deltas = [c.choices[0].delta.content async for c in stream if c.choices]
        assert [d for d in deltas if d] == ["Hel", "lo", " there"]

        async with client.chat.completions.stream(
            model="gpt-4o-mini", messages=[{"role": "user", "content": "weather?"}], tools=TOOLS
        ) as events:
            final = await events.get_final_completion()
    calls = final.choices[0].message.tool_calls or []
    assert [(c.function.name, json.loads(c.function.arguments)) for c in calls] == [
        ("get_weather", {"city": "Oslo"}),
        ("get_weather", {"city": "Rome"}),
    ]
    assert calls[0].id != calls[1].id


@pytest.mark.asyncio
async def test_responses_over_http_and_websocket(openai_mock: OpenAIMock) -> None:
    openai_mock.queue_tool_call("get_weather", {"city": "Lima"})
    openai_mock.queue_reply("Warm in Lima.")
    async with openai_mock.async_client() as client:
        first = await client.responses.create(model="gpt-4o-mini", input="weather in Lima?")
        (call,) = [item for item in first.output if item.type == "function_call"]
        assert (call.name, json.loads(call.arguments)) == ("get_weather", {"city": "Lima"})

        async with client.responses.connect() as connection:  # a WebSocket turn
            await connection.response.create(
                model="gpt-4o-mini",
                previous_response_id=first.id,
                input=[{"type": "function_call_output", "call_id": call.call_id, "output": "25C"}],
            )
            async for event in connection:
                if event.type == "response.completed":
                    assert event.response.output_text == "Warm in Lima."
                    break
    (ws,) = openai_mock.websockets
    assert ws.received[0]["type"] == "response.create"
    openai_mock.assert_all_replies_used()


def test_errors_take_their_place_in_the_script(openai_mock: OpenAIMock) -> None:
    openai_mock.queue_error(429, "Slow down")
    openai_mock.queue_reply("after the retry")
    with openai_mock.client(max_retries=0) as client:
        with pytest.raises(oxide.RateLimitError, match="Slow down"):
            client.chat.completions.create(
                model="gpt-4o-mini", messages=[{"role": "user", "content": "hi"}]
            )
        # The reply is still queued, for the next call.
        assert [r.text for r in openai_mock.pending_replies] == ["after the retry"]

    openai_mock.mock.script.clear()
    openai_mock.queue_error(503)
    openai_mock.queue_reply("after the retry")
    with openai_mock.client(max_retries=2) as client:
        # The client's retry gets the next scripted reply, as against the real API.
        answer = client.chat.completions.create(
            model="gpt-4o-mini", messages=[{"role": "user", "content": "hi"}]
        )
    assert answer.choices[0].message.content == "after the retry"
    assert openai_mock.pending_replies == []
    first, retry = openai_mock.model_requests()[-2:]
    assert (first.headers["x-stainless-retry-count"], retry.headers["x-stainless-retry-count"]) == (
        "0",
        "1",
    )


def test_invalid_requests_do_not_take_a_reply(openai_mock: OpenAIMock) -> None:
    openai_mock.queue_reply("kept")
    with openai_mock.client(max_retries=0) as client:
        with pytest.raises(oxide.BadRequestError):
            client.chat.completions.create(model="gpt-4o-mini", messages=[])
        client.models.list()  # other routes never take one either
        answer = client.chat.completions.create(
            model="gpt-4o-mini", messages=[{"role": "user", "content": "hi"}]
        )
    assert answer.choices[0].message.content == "kept"


def test_unused_replies_fail_the_assertion(openai_mock: OpenAIMock) -> None:
    openai_mock.queue_reply("never asked for")
    with pytest.raises(AssertionError, match="1 queued replies were never asked for"):
        openai_mock.assert_all_replies_used()
    with pytest.raises(ValueError, match="at least one ToolCall"):
        openai_mock.queue_tool_calls()


def test_the_plugin_in_a_users_project(tmp_path: Path) -> None:
    """A user's project enables the plugin in its conftest, as the README says."""
    (tmp_path / "conftest.py").write_text('pytest_plugins = ["oxide.testing.pytest_plugin"]\n')
    (tmp_path / "test_agent.py").write_text(
        textwrap.dedent(
            """
            import oxide

            def test_agent(openai_mock):
                openai_mock.queue_reply("scripted")
                with oxide.OpenAI() as client:
                    r = client.chat.completions.create(
                        model="m", messages=[{"role": "user", "content": "x"}]
                    )
                assert r.choices[0].message.content == "scripted"
            """
        )
    )
    result = subprocess.run(
        [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", str(tmp_path)],
        cwd=tmp_path,
        capture_output=True,
        text=True,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "1 passed" in result.stdout
