"""`client.responses.session()` and `session_pool()` against the embedded mock's Responses
WebSocket mode (per-socket state, fault switches), over real sockets."""

from __future__ import annotations

import asyncio
import json
from collections.abc import AsyncIterator
from typing import Any

import pytest
import pytest_asyncio

import oxide
from oxide import (
    PreviousResponseNotFoundError,
    ResponseInterruptedError,
    WebSocketServerError,
)
from oxide.testing import MockOpenAI

pytestmark = pytest.mark.asyncio

MODEL = "gpt-4o-mini"
WEATHER = {
    "type": "function",
    "name": "get_weather",
    "description": "Weather in a city",
    "parameters": {
        "type": "object",
        "properties": {"city": {"type": "string"}},
        "required": ["city"],
        "additionalProperties": False,
    },
    "strict": True,
}


@pytest_asyncio.fixture
async def client(mock_openai: MockOpenAI) -> AsyncIterator[oxide.AsyncOpenAI]:
    async with oxide.AsyncOpenAI(api_key="sk-test", base_url=mock_openai.base_url) as c:
        yield c


def creates(mock: MockOpenAI, index: int = 0) -> list[dict[str, Any]]:
    frames = list(mock.ws_connections)[index].received
    return [f for f in frames if isinstance(f, dict) and f.get("type") == "response.create"]


def reader_tasks() -> list[asyncio.Task[Any]]:
    return [
        t
        for t in asyncio.all_tasks()
        if not t.done() and getattr(t.get_coro(), "__qualname__", "").endswith("._read_loop")
    ]


async def test_turns_chain_on_one_socket(
    client: oxide.AsyncOpenAI, mock_openai: MockOpenAI
) -> None:
    async with client.responses.session(model=MODEL, instructions="be brief") as session:
        first = await session.create(input="hello")
        second = await session.create(input="and again")
        assert first.status == "completed" and second.status == "completed"
        assert second.previous_response_id == first.id
        assert session.previous_response_id == second.id
    assert mock_openai.ws_accepted == 1
    sent = creates(mock_openai)
    assert "previous_response_id" not in sent[0]
    assert sent[1]["previous_response_id"] == first.id
    assert sent[1]["instructions"] == "be brief"  # session defaults go with every turn
    assert "stream" not in sent[1]
    assert reader_tasks() == []


async def test_chain_off_and_explicit_previous_id(
    client: oxide.AsyncOpenAI, mock_openai: MockOpenAI
) -> None:
    async with client.responses.session(model=MODEL, chain=False) as session:
        first = await session.create(input="one")
        await session.create(input="two")
        third = await session.create(input="three", previous_response_id=first.id)
    sent = creates(mock_openai)
    assert "previous_response_id" not in sent[1]
    assert sent[2]["previous_response_id"] == first.id
    assert third.previous_response_id == first.id


async def test_stream_gives_helper_events(client: oxide.AsyncOpenAI) -> None:
    session = await client.responses.session(model=MODEL)
    try:
        async with session.stream(input="stream me") as turn:
            kinds = []
            snapshot = ""
            async for event in turn:
                kinds.append(event.type)
                if event.type == "response.output_text.delta":
                    snapshot = event.snapshot
            final = await turn.get_final_response()
        assert kinds[0] == "response.created" and kinds[-1] == "response.completed"
        assert snapshot == final.output_text
        # Leaving a turn early reads the rest of it: the next turn starts clean.
        async with session.stream(input="abandon me") as turn:
            async for _event in turn:
                break
        after = await session.create(input="next")
        assert after.previous_response_id == turn.response_id
    finally:
        await session.close()


async def test_tool_loop_with_parsed_arguments(client: oxide.AsyncOpenAI) -> None:
    async with client.responses.session(model=MODEL, tools=[WEATHER]) as session:
        calls = []
        async with session.stream(input="weather in Paris?") as turn:
            async for event in turn:
                if event.type == "response.function_call_arguments.done":
                    calls.append(event)
        assert calls and calls[0].parsed_arguments == json.loads(calls[0].arguments)
        response = await turn.get_final_response()
        call = next(item for item in response.output if item.type == "function_call")
        answer = await session.create(
            input=[{"type": "function_call_output", "call_id": call.call_id, "output": "sunny"}],
            tool_choice="none",
        )
        assert answer.previous_response_id == response.id
        assert answer.output_text


async def test_server_error_fails_the_turn_not_the_socket(
    client: oxide.AsyncOpenAI, mock_openai: MockOpenAI
) -> None:
    async with client.responses.session(model=MODEL, chain=False) as session:
        with pytest.raises(WebSocketServerError):
            await session.create(input="x", temperature="hot")
        assert (await session.create(input="fine")).status == "completed"
    assert mock_openai.ws_accepted == 1


async def test_interrupted_turn_is_not_resent(
    client: oxide.AsyncOpenAI, mock_openai: MockOpenAI
) -> None:
    async with client.responses.session(model=MODEL) as session:
        first = await session.create(input="one")
        mock_openai.ws_fault_next("abort", after=3)
        assert session.connection is not None
        await session.connection.close()  # the next turn goes to the faulty socket
        with pytest.raises(ResponseInterruptedError) as info:
            await session.create(input="two")
        assert info.value.code == 1006
        assert info.value.response_id is not None
        assert info.value.last_sequence_number is not None
        third = await session.create(input="three")
        # The interrupted turn never finished: the chain continues from the first.
        assert third.previous_response_id == first.id
    assert len(creates(mock_openai, 1)) == 1  # sent once, never again
    assert mock_openai.ws_accepted == 3


async def test_lost_state_is_recovered_from_the_kept_conversation(
    client: oxide.AsyncOpenAI, mock_openai: MockOpenAI
) -> None:
    # store=false: only the socket knew the previous response; a new socket does not.
    async with client.responses.session(model=MODEL, store=False) as session:
        await session.create(input="remember the word ostrich")
        mock_openai.ws_fault_next("restart")
        assert session.connection is not None
        await session.connection.close()  # the next turn goes to a new socket...
        with pytest.raises(ResponseInterruptedError):  # ...which restarts mid-response
            await session.create(input="lost turn")
        recovered = await session.create(input="what was the word?")
        assert recovered.status == "completed"
        assert session.connections_opened == 3
    # The restarted socket: the cheap way failed, the resend was cut off mid-response.
    assert [("previous_response_id" in c) for c in creates(mock_openai, 1)] == [True, False]
    last_socket = creates(mock_openai, 2)
    assert "previous_response_id" in last_socket[0]  # tried the cheap way first
    resent = last_socket[1]
    assert "previous_response_id" not in resent
    assert resent["input"][0] == {"role": "user", "content": "remember the word ostrich"}
    assert resent["input"][-1] == {"role": "user", "content": "what was the word?"}


async def test_lost_state_without_history_raises(client: oxide.AsyncOpenAI) -> None:
    async with client.responses.session(model=MODEL, store=False, keep_history=False) as session:
        await session.create(input="one")
        assert session.connection is not None
        await session.connection.close()
        with pytest.raises(PreviousResponseNotFoundError) as info:
            await session.create(input="two")
        assert info.value.code == "previous_response_not_found"
        assert info.value.param == "previous_response_id"


async def test_server_connection_limit_rotates_between_turns(
    client: oxide.AsyncOpenAI, mock_openai: MockOpenAI
) -> None:
    async with client.responses.session(
        model=MODEL, extra_query={"mock_ws_max_age": "0.2"}
    ) as session:
        first = await session.create(input="one")
        await asyncio.sleep(0.4)  # the server announces the limit and closes
        second = await session.create(input="two")
        assert second.previous_response_id == first.id  # stored: continues on the new socket
        assert session.connections_opened == 2


async def test_pool_serves_200_concurrent_agents(
    client: oxide.AsyncOpenAI, mock_openai: MockOpenAI
) -> None:
    async with client.responses.session_pool(size=24, model=MODEL) as pool:

        async def agent(k: int) -> list[str]:
            async with pool.session() as session:
                ids = []
                for turn in range(3):
                    response = await session.create(input=f"agent {k} turn {turn}")
                    if ids:
                        assert response.previous_response_id == ids[-1]
                    ids.append(response.id)
                return ids

        results = await asyncio.gather(*(agent(k) for k in range(200)))
        assert len({i for ids in results for i in ids}) == 600  # none lost, none duplicated
        assert pool.opened <= 24 and mock_openai.ws_accepted == pool.opened
        assert pool.idle == pool.opened and pool.in_use == 0
    assert reader_tasks() == []
    sent = sum(len(creates(mock_openai, i)) for i in range(mock_openai.ws_accepted))
    assert sent == 600


async def test_pool_does_not_reuse_unfinished_or_old_sockets(
    client: oxide.AsyncOpenAI, mock_openai: MockOpenAI
) -> None:
    async with client.responses.session_pool(size=2, model=MODEL) as pool:
        started = asyncio.Event()

        async def slow_agent() -> None:
            async with pool.session() as session:
                async with session.stream(input="long answer") as turn:
                    async for _ in turn:
                        started.set()
                        await asyncio.sleep(10)

        task = asyncio.ensure_future(slow_agent())
        await started.wait()
        task.cancel()
        with pytest.raises(asyncio.CancelledError):
            await task
        assert pool.idle == 0  # a socket left mid-turn is closed, not pooled
        async with pool.session() as session:
            await session.create(input="fresh")
        assert pool.idle == 1 and pool.opened == 2
        pool.max_age = 0.3
        await asyncio.sleep(0.35)  # the pooled socket is now too old to hand out
        async with pool.session() as session:
            await session.create(input="too old to reuse")
        assert pool.opened == 3
    with pytest.raises(oxide.WebSocketConnectionClosedError):
        async with pool.session():
            pass


async def test_http_only_options_are_refused_and_extra_body_is_sent(
    client: oxide.AsyncOpenAI, mock_openai: MockOpenAI
) -> None:
    with pytest.raises(TypeError, match="timeout"):
        client.responses.session(model=MODEL, timeout=5)
    async with client.responses.session(model=MODEL) as session:
        for option in (
            {"extra_headers": {"x-a": "1"}},
            {"extra_query": {"a": "1"}},
            {"stream": False},
        ):
            with pytest.raises(TypeError, match="WebSocket"):
                await session.create(input="hi", **option)
        # Nothing was sent for the refused turns; the socket serves the next one.
        response = await session.create(
            input="hi", stream_options={"include_obfuscation": False}, extra_body={"x_extra": 1}
        )
        assert response.status == "completed"
    (sent,) = creates(mock_openai)
    assert sent["x_extra"] == 1 and "extra_body" not in sent
    assert sent["stream_options"] == {"include_obfuscation": False}


async def test_stream_id_lanes_on_the_official_connection(
    client: oxide.AsyncOpenAI, mock_openai: MockOpenAI
) -> None:
    # Two responses in flight on one socket, each on its own lane: the typed events keep the
    # lane (`stream_id`), so a caller can route them; a lane forks from another's response.
    mock_openai.stream_delay = 0.0005  # the two lanes interleave on the wire
    async with client.responses.connect() as connection:
        await connection.response.create(model=MODEL, input="first", stream_id="a")
        await connection.response.create(model=MODEL, input="second", stream_id="b")
        by_lane: dict[str, list[Any]] = {"a": [], "b": []}
        completed: dict[str, Any] = {}
        async for event in connection:
            assert event.type != "error", event
            by_lane[event.stream_id].append(event)
            if event.type == "response.completed":
                completed[event.stream_id] = event.response
                if len(completed) == 2:
                    break
        assert {lane: events[0].type for lane, events in by_lane.items()} == {
            "a": "response.created",
            "b": "response.created",
        }
        assert completed["a"].output_text.startswith('You said: "first"')
        assert completed["b"].output_text.startswith('You said: "second"')
        await connection.response.create(
            model=MODEL, input="fork", stream_id="c", previous_response_id=completed["a"].id
        )
        async for event in connection:
            assert event.type != "error", event
            if event.type == "response.completed":
                assert event.stream_id == "c"
                assert event.response.previous_response_id == completed["a"].id
                break
