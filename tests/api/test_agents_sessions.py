"""beta Agents sessions over real sockets (tests/api/_agents_server.py): `sessions.create` with
`output_type` and `tool_handlers`, `sessions.stream`, tool errors, the pending-call race and
unknown event types; sync and async, and against the official SDK where the helpers overlap."""

from __future__ import annotations

import dataclasses
import json
from collections.abc import Iterator
from typing import Any

import msgspec
import openai
import openai.lib.beta.agents as official_agents
import pydantic
import pytest

import oxide
from oxide._models import UnknownVariant
from oxide.lib.beta.agents import (
    AgentToolError,
    AgentTurnResult,
    AgentTurnResultError,
    agent_text_format,
    function_tool,
    pydantic_function_tool,
)
from oxide.types.beta.agent_session import AgentSession

from ._agents_server import CALL_ID, SESSION_ID, TURN_ID, AgentsServer, Scenario, agents_server

ASYNC = pytest.mark.asyncio
ENV: Any = {"type": "none"}


class Weather(msgspec.Struct):
    city: str
    temperature: int


class WeatherModel(pydantic.BaseModel):
    city: str
    temperature: int


class CityArgs(msgspec.Struct):
    city: str


@pytest.fixture
def server() -> Iterator[AgentsServer]:
    with agents_server() as s:
        yield s


def _oxide(server: AgentsServer) -> oxide.OpenAI:
    return oxide.OpenAI(api_key="sk-test", base_url=server.url, max_retries=0)


def _async_oxide(server: AgentsServer) -> oxide.AsyncOpenAI:
    return oxide.AsyncOpenAI(api_key="sk-test", base_url=server.url, max_retries=0)


def _official(server: AgentsServer) -> openai.OpenAI:
    return openai.OpenAI(api_key="sk-test", base_url=server.url, max_retries=0)


def _async_official(server: AgentsServer) -> openai.AsyncOpenAI:
    return openai.AsyncOpenAI(api_key="sk-test", base_url=server.url, max_retries=0)


def _tool_results(requests: list[dict[str, Any]]) -> list[dict[str, Any]]:
    return [
        event
        for r in requests
        if r["method"] == "POST" and r["path"].endswith("/events")
        for event in r["body"]["events"]
        if event["type"] == "agent.session.input.tool_result"
    ]


def _weather(arguments: dict[str, Any]) -> dict[str, Any]:
    return {"city": arguments["city"], "sky": "clear"}


# -- create: output_type -----------------------------------------------------------------------


def test_create_sends_the_output_schema_and_returns_the_session(server: AgentsServer) -> None:
    with _oxide(server) as client:
        created = client.beta.agents.sessions.create(
            environment=ENV, agent={"model": "gpt-test"}, input="hi", output_type=Weather
        )
    assert isinstance(created, AgentSession)
    assert created.id == SESSION_ID
    (request,) = server.take()
    assert request["headers"]["openai-beta"] == "agents=v1"
    assert request["body"] == {
        "environment": ENV,
        "input": "hi",
        "agent": {
            "model": "gpt-test",
            "text": {
                "format": {
                    "type": "json_schema",
                    "schema": {
                        "type": "object",
                        "title": "Weather",
                        "properties": {
                            "city": {"type": "string", "title": "City"},
                            "temperature": {"type": "integer", "title": "Temperature"},
                        },
                        "required": ["city", "temperature"],
                        "additionalProperties": False,
                    },
                }
            },
        },
    }


def test_create_sends_what_the_official_sdk_sends(server: AgentsServer) -> None:
    kwargs: Any = {
        "environment": ENV,
        "agent": {"model": "gpt-test", "text": {"verbosity": "low"}},
        "input": "hi",
        "output_type": WeatherModel,
        "metadata": {"k": "v"},
    }
    with _official(server) as official:
        official.beta.agents.sessions.create(**kwargs)
    with _oxide(server) as client:
        client.beta.agents.sessions.create(**kwargs)
    theirs, ours = server.take()
    assert ours["body"] == theirs["body"]
    assert ours["path"] == theirs["path"]
    assert ours["headers"]["openai-beta"] == theirs["headers"]["openai-beta"]
    # The same format from a Struct as from the equivalent pydantic model (titles aside).
    assert agent_text_format(WeatherModel) == ours["body"]["agent"]["text"]["format"]
    assert official_agents.agent_text_format(WeatherModel) == agent_text_format(WeatherModel)


def test_create_refuses_bad_combinations_before_sending(server: AgentsServer) -> None:
    with _oxide(server) as client:
        sessions = client.beta.agents.sessions
        with pytest.raises(ValueError, match="tool_handlers requires stream=True"):
            sessions.create(environment=ENV, tool_handlers={"f": _weather})
        with pytest.raises(ValueError, match="not both"):
            sessions.create(
                environment=ENV,
                agent={"text": {"format": {"type": "text"}}},
                output_type=Weather,
            )
        with pytest.raises(TypeError, match="output_type must be a msgspec Struct"):
            sessions.create(environment=ENV, output_type=int)
    assert server.take() == []


# -- create(stream=True): the agent loop ---------------------------------------------------------


def test_streamed_create_runs_tools_and_parses_the_result(server: AgentsServer) -> None:
    server.scenario = Scenario(call=("get_weather", '{"city": "Paris"}'))
    calls: list[dict[str, Any]] = []

    def get_weather(arguments: dict[str, Any]) -> dict[str, Any]:
        calls.append(arguments)
        return _weather(arguments)

    with _oxide(server) as client:
        stream = client.beta.agents.sessions.create(
            environment=ENV,
            input="weather?",
            stream=True,
            output_type=Weather,
            tool_handlers={"get_weather": get_weather},
        )
        events = [event.type for event in stream.with_result_collection()]
        result = stream.get_final_result()
    assert calls == [{"city": "Paris"}]
    assert "agent.session.future_thing" in events  # an unknown type is passed on, not fatal
    assert events[0] == "agent.session.created" and events[-1] == "agent.session.idle"
    assert isinstance(result, AgentTurnResult)
    assert result.output_parsed == Weather(city="Paris", temperature=21)
    assert (result.session_id, result.turn_id) == (SESSION_ID, TURN_ID)
    assert result.output_text == '{"city": "Paris", "temperature": 21}'
    assert [m.id for m in result.messages] == ["msg_1"]  # commentary is not the answer
    requests = server.take()
    assert _tool_results(requests) == [
        {
            "type": "agent.session.input.tool_result",
            "turn_id": TURN_ID,
            "call_id": CALL_ID,
            "success": True,
            "output": '{"city":"Paris","sky":"clear"}',
        }
    ]
    post = requests[-1]
    assert post["path"] == f"/agents/sessions/{SESSION_ID}/events"
    assert post["headers"]["openai-beta"] == "agents=v1"
    assert post["headers"]["idempotency-key"]


@ASYNC
async def test_async_streamed_create_awaits_async_tools(server: AgentsServer) -> None:
    server.scenario = Scenario(call=("get_weather", '{"city": "Oslo"}'))

    async def get_weather(arguments: dict[str, Any]) -> str:
        return f"cold in {arguments['city']}"

    async with _async_oxide(server) as client:
        stream = await client.beta.agents.sessions.create(
            environment=ENV,
            input="weather?",
            stream=True,
            output_type=Weather,
            tool_handlers={"get_weather": get_weather},
        )
        seen: list[Any] = []
        async with stream:
            stream.with_result_collection()
            async for event in stream:
                seen.append(event)
            result = await stream.get_final_result()
    unknown = [e for e in seen if e.type == "agent.session.future_thing"]
    assert len(unknown) == 1 and isinstance(unknown[0], UnknownVariant)
    assert unknown[0].x == [1, 2]
    assert result.output_parsed == Weather(city="Paris", temperature=21)
    (tool_result,) = _tool_results(server.take())
    assert tool_result["output"] == "cold in Oslo"


def test_get_final_result_on_a_fresh_stream_drains_it(server: AgentsServer) -> None:
    with _oxide(server) as client:
        stream = client.beta.agents.sessions.create(environment=ENV, input="hi", stream=True)
        result = stream.get_final_result()
        assert result.output_parsed is None
        assert result.output_text == '{"city": "Paris", "temperature": 21}'
        assert stream.get_final_result() is result  # cached, nothing more read
        # Iterated first without asking for collection: a clear error, as in the SDK.
        late = client.beta.agents.sessions.create(environment=ENV, input="hi", stream=True)
        next(late)
        with pytest.raises(RuntimeError, match="with_result_collection"):
            late.get_final_result()
        late.close()


def test_a_failed_turn_is_an_error_with_the_partial_state(server: AgentsServer) -> None:
    server.scenario = Scenario(turn_status="failed")
    with _oxide(server) as client:
        stream = client.beta.agents.sessions.create(environment=ENV, input="hi", stream=True)
        with pytest.raises(AgentTurnResultError) as caught:
            stream.get_final_result()
    assert caught.value.reason == "failed"
    assert caught.value.turn_id == TURN_ID
    assert [m.id for m in caught.value.messages] == ["msg_1"]


def test_unparseable_output_is_an_output_parse_error(server: AgentsServer) -> None:
    server.scenario = Scenario(answer="not json")
    with _oxide(server) as client:
        stream = client.beta.agents.sessions.create(
            environment=ENV, input="hi", stream=True, output_type=Weather
        )
        with pytest.raises(oxide.lib.beta.agents.AgentOutputParseError) as caught:
            stream.get_final_result()
    assert caught.value.result.output_text == "not json"
    assert caught.value.__cause__ is None  # the model's text never leaks through a chain


def test_streamed_create_matches_the_official_sdk(server: AgentsServer) -> None:
    """Same scenario through both clients: the same events, the same tool result posted, the
    same final answer."""
    server.scenario = Scenario(call=("get_weather", '{"city": "Paris"}'))

    def run(client: Any) -> tuple[list[str], Any]:
        stream = client.beta.agents.sessions.create(
            environment=ENV,
            input="weather?",
            stream=True,
            output_type=WeatherModel,
            tool_handlers={"get_weather": _weather},
        )
        types = [event.type for event in stream.with_result_collection()]
        return types, stream.get_final_result()

    with _official(server) as official:
        their_types, theirs = run(official)
    their_requests = server.take()
    with _oxide(server) as client:
        our_types, ours = run(client)
    our_requests = server.take()
    assert our_types == their_types
    assert ours.output_parsed == theirs.output_parsed == WeatherModel(city="Paris", temperature=21)
    assert ours.output_text == theirs.output_text
    assert ours.turn.to_dict() == theirs.turn.to_dict()
    assert [m.to_dict() for m in ours.messages] == [m.to_dict() for m in theirs.messages]
    assert [r["body"] for r in our_requests] == [r["body"] for r in their_requests]


# -- sessions.stream ---------------------------------------------------------------------------


def test_stream_submits_input_after_subscribing_and_runs_tools(server: AgentsServer) -> None:
    server.scenario = Scenario(call=("lookup", '{"city": "Rome"}'))
    tool = pydantic_function_tool(CityArgs, handler=lambda args: Weather(args.city, 30))
    with _oxide(server) as client:
        with client.beta.agents.sessions.stream(
            SESSION_ID, input="weather?", output_type=Weather, tool_handlers={"lookup": tool}
        ) as stream:
            result = stream.get_final_result()
    assert result.output_parsed == Weather(city="Paris", temperature=21)
    requests = server.take()
    assert [(r["method"], r["path"]) for r in requests] == [
        ("GET", f"/agents/sessions/{SESSION_ID}"),
        ("GET", f"/agents/sessions/{SESSION_ID}/events"),
        ("POST", f"/agents/sessions/{SESSION_ID}/events"),
        ("POST", f"/agents/sessions/{SESSION_ID}/events"),
    ]
    assert requests[2]["body"] == {
        "events": [
            {
                "type": "agent.session.input.message",
                "input": [
                    {"role": "user", "content": [{"type": "input_text", "text": "weather?"}]}
                ],
            }
        ]
    }
    # Separate idempotency keys for the input and the tool result.
    assert requests[2]["headers"]["idempotency-key"] != requests[3]["headers"]["idempotency-key"]
    (tool_result,) = _tool_results(requests[3:])
    assert tool_result["output"] == '{"city":"Rome","temperature":30}'


@ASYNC
async def test_async_stream_until_done(server: AgentsServer) -> None:
    server.scenario = Scenario(call=("lookup", '{"city": "Rome"}'))
    async with _async_oxide(server) as client:
        stream = client.beta.agents.sessions.stream(
            SESSION_ID, input="weather?", tool_handlers={"lookup": lambda a: "sunny"}
        )
        async with stream:
            await stream.until_done()
    (tool_result,) = _tool_results(server.take()[2:])
    assert tool_result["output"] == "sunny"


def test_stream_matches_the_official_sdk(server: AgentsServer) -> None:
    server.scenario = Scenario(call=("lookup", '{"city": "Rome"}'))

    def run(client: Any) -> tuple[list[str], str]:
        with client.beta.agents.sessions.stream(
            SESSION_ID,
            input="weather?",
            tool_handlers={"lookup": lambda a: [{"type": "input_text", "text": a["city"]}]},
            idempotency_key="input-key",
        ) as stream:
            types = [e.type for e in stream.with_result_collection()]
            return types, stream.get_final_result().output_text

    with _official(server) as official:
        theirs = run(official)
    their_requests = server.take()
    with _oxide(server) as client:
        ours = run(client)
    our_requests = server.take()
    assert ours == theirs
    assert [r["body"] for r in our_requests] == [r["body"] for r in their_requests]
    assert our_requests[2]["headers"]["idempotency-key"] == "input-key"


# -- tool errors -------------------------------------------------------------------------------


def _boom(arguments: dict[str, Any]) -> str:
    raise RuntimeError("secret detail")


def test_tool_errors_post_a_generic_failure_and_reach_the_observer(server: AgentsServer) -> None:
    server.scenario = Scenario(call=("lookup", '{"city": "Rome"}'))
    seen: list[AgentToolError] = []
    with _oxide(server) as client:
        with client.beta.agents.sessions.stream(
            SESSION_ID, input="hi", tool_handlers={"lookup": _boom}, on_tool_error=seen.append
        ) as stream:
            stream.until_done()
    (tool_result,) = _tool_results(server.take()[2:])
    assert tool_result == {
        "type": "agent.session.input.tool_result",
        "turn_id": TURN_ID,
        "call_id": CALL_ID,
        "success": False,
        "error": "Tool handler failed.",
    }
    (failure,) = seen
    assert failure.stage == "execution" and failure.tool_name == "lookup"
    assert (failure.session_id, failure.turn_id, failure.call_id) == (SESSION_ID, TURN_ID, CALL_ID)
    assert str(failure.error) == "secret detail"


@ASYNC
async def test_async_tool_error_stages(server: AgentsServer) -> None:
    """Bad arguments fail at "arguments" (validated into the tool's type); an async observer
    is awaited; an observer's own failure changes nothing."""
    server.scenario = Scenario(call=("lookup", '{"town": "Rome"}'))
    seen: list[AgentToolError] = []

    async def observe(error: AgentToolError) -> None:
        seen.append(error)
        raise ValueError("observer broke")

    tool = pydantic_function_tool(CityArgs, handler=lambda args: "never")
    async with _async_oxide(server) as client:
        async with client.beta.agents.sessions.stream(
            SESSION_ID, input="hi", tool_handlers={"lookup": tool}, on_tool_error=observe
        ) as stream:
            await stream.until_done()
    (tool_result,) = _tool_results(server.take()[2:])
    assert tool_result["success"] is False
    assert [e.stage for e in seen] == ["arguments"]
    assert isinstance(seen[0].error, msgspec.ValidationError)


def test_sync_stream_refuses_async_handlers(server: AgentsServer) -> None:
    server.scenario = Scenario(call=("lookup", '{"city": "Rome"}'))
    seen: list[AgentToolError] = []

    async def lookup(arguments: dict[str, Any]) -> str:
        return "never awaited"

    with _oxide(server) as client:
        with client.beta.agents.sessions.stream(
            SESSION_ID, input="hi", tool_handlers={"lookup": lookup}, on_tool_error=seen.append
        ) as stream:
            stream.until_done()
    assert [str(e.error) for e in seen] == ["Async tool handlers require AsyncOpenAI"]


def test_the_pending_call_race_is_retried_with_the_same_key(server: AgentsServer) -> None:
    server.scenario = Scenario(call=("lookup", '{"city": "Rome"}'), race_rejections=1)
    with _oxide(server) as client:
        stream = client.beta.agents.sessions.create(
            environment=ENV, input="hi", stream=True, tool_handlers={"lookup": _weather}
        )
        assert stream.get_final_result().output_text
    posts = [r for r in server.take() if r["path"].endswith("/events")]
    assert len(posts) == 2
    assert posts[0]["body"] == posts[1]["body"]
    assert posts[0]["headers"]["idempotency-key"] == posts[1]["headers"]["idempotency-key"]


# -- tools from functions ----------------------------------------------------------------------


@dataclasses.dataclass
class Place:
    city: str
    country: str = "IT"


def test_function_tool_schema_and_call() -> None:
    def lookup(place: Place, days: int = 1) -> str:
        """Look the weather up."""
        return f"{place.city}/{place.country}/{days}"

    tool = function_tool(lookup, defer_loading=True)
    assert tool.name == "lookup"
    definition = tool.definition
    assert definition["description"] == "Look the weather up."
    assert definition["defer_loading"] is True
    assert definition["parameters"]["required"] == ["place"]
    assert tool({"place": {"city": "Rome"}, "days": 2}) == "Rome/IT/2"
    with pytest.raises(msgspec.ValidationError):
        tool({"place": {"city": "Rome"}, "unknown": 1})
    with pytest.raises(TypeError, match="public name and type annotation"):
        function_tool(lambda x: x)


def test_function_tool_definition_matches_the_official_sdk() -> None:
    def lookup(city: str, days: int = 1, tags: list[str] | None = None) -> str:
        """Look the weather up."""
        return city

    assert function_tool(lookup).definition == official_agents.function_tool(lookup).definition
    mine = pydantic_function_tool(WeatherModel, handler=lambda m: m).definition
    assert (
        mine == official_agents.pydantic_function_tool(WeatherModel, handler=lambda m: m).definition
    )


# -- events-mode streams: error events are values, idle ends the stream ------------------------


def test_session_event_streams_yield_error_events_as_the_sdk_does(server: AgentsServer) -> None:
    """`sessions.events.stream` (generated): a `type: "error"` event is yielded, not raised, and
    a body ending after `agent.session.idle` (no `[DONE]`) ends the stream cleanly."""
    from aiohttp import web

    error = {
        "type": "error",
        "event_id": "ev_err",
        "session_id": SESSION_ID,
        "error": {"code": "tool_failed", "message": "boom"},
    }
    idle = {"type": "agent.session.idle", "event_id": "ev_idle", "session": {"id": SESSION_ID}}

    async def events(request: web.Request) -> web.StreamResponse:
        body = "".join(f"data: {json.dumps(e)}\n\n" for e in (error, idle))
        return web.Response(body=body.encode(), content_type="text/event-stream")

    server.override_events = events
    with _official(server) as official:
        theirs = [e.to_dict() for e in official.beta.agents.sessions.events.stream(SESSION_ID)]
    with _oxide(server) as client:
        stream = client.beta.agents.sessions.events.stream(SESSION_ID)
        ours = list(stream)
    assert [e.type for e in ours] == ["error", "agent.session.idle"]
    assert ours[0].error.message == "boom"
    assert [e.to_dict() for e in ours] == theirs
    assert stream.completed


def test_the_sdks_public_names_are_mirrored() -> None:
    import openai.lib.beta.agents as their_beta
    import openai.lib.streaming.agents as their_streaming

    import oxide.lib.beta.agents as our_beta
    import oxide.lib.streaming.agents as our_streaming

    for theirs, ours in ((their_beta, our_beta), (their_streaming, our_streaming)):
        public = {n for n in dir(theirs) if not n.startswith("_")}
        assert public <= set(dir(ours)), sorted(public - set(dir(ours)))


@pytest.mark.parametrize("make", [_oxide, _official], ids=["oxide", "official"])
def test_a_call_left_to_the_caller_is_a_requires_action_error(
    server: AgentsServer, make: Any
) -> None:
    server.scenario = Scenario(call=("approve", "{}"), requires_action=True)
    with make(server) as client:
        stream = client.beta.agents.sessions.create(environment=ENV, input="hi", stream=True)
        with pytest.raises((AgentTurnResultError, official_agents.AgentTurnResultError)) as caught:
            stream.get_final_result()
    assert caught.value.reason == "requires_action"
    (action,) = caught.value.required_actions
    assert (action.type, action.name, action.call_id) == ("function_call", "approve", CALL_ID)
    assert _tool_results(server.take()) == []


@pytest.mark.parametrize("make", [_oxide, _official], ids=["oxide", "official"])
def test_a_redelivered_call_runs_its_handler_once(server: AgentsServer, make: Any) -> None:
    server.scenario = Scenario(call=("lookup", '{"city": "Rome"}'), duplicate_call=True)
    calls: list[dict[str, Any]] = []

    def lookup(arguments: dict[str, Any]) -> str:
        calls.append(arguments)
        return "ok"

    with make(server) as client:
        with client.beta.agents.sessions.stream(
            SESSION_ID, input="hi", tool_handlers={"lookup": lookup}
        ) as stream:
            ids = [getattr(e, "event_id", None) for e in stream]
    assert ids.count("ev_call") == 1  # the duplicate delivery is skipped
    assert ids[0] == "ev_idle_0" and ids[-1] == "ev_idle"  # the first idle did not end it
    assert calls == [{"city": "Rome"}]
    assert len(_tool_results(server.take())) == 1


@ASYNC
async def test_an_async_function_tool_through_the_decorator(server: AgentsServer) -> None:
    server.scenario = Scenario(call=("weather", '{"city": "Rome", "days": 3}'))

    @function_tool(name="weather")
    async def forecast(city: str, days: int = 1) -> dict[str, Any]:
        """Forecast."""
        return {"city": city, "days": days}

    assert forecast.definition["name"] == "weather"
    async with _async_oxide(server) as client:
        async with client.beta.agents.sessions.stream(
            SESSION_ID, input="hi", tool_handlers={forecast.name: forecast}
        ) as stream:
            await stream.until_done()
    (tool_result,) = _tool_results(server.take())
    assert tool_result["output"] == '{"city":"Rome","days":3}'


@pytest.mark.parametrize("make", [_oxide, _official], ids=["oxide", "official"])
def test_a_body_cut_before_the_turn_ended(server: AgentsServer, make: Any) -> None:
    """create: the result is "incomplete"; sessions.stream: a RuntimeError, then an
    "observation_failed" result (the same in both clients)."""
    server.scenario = Scenario(truncated=True)
    errors = (AgentTurnResultError, official_agents.AgentTurnResultError)
    with make(server) as client:
        stream = client.beta.agents.sessions.create(environment=ENV, input="hi", stream=True)
        with pytest.raises(errors) as created:
            stream.get_final_result()
        assert created.value.reason == "incomplete"
        assert [m.id for m in created.value.messages] == ["msg_1"]
        with client.beta.agents.sessions.stream(SESSION_ID, input="hi") as turn:
            with pytest.raises(RuntimeError, match="ended before the turn"):
                turn.until_done()
        with client.beta.agents.sessions.stream(SESSION_ID, input="hi") as turn:
            with pytest.raises(errors) as streamed:
                turn.get_final_result()
        assert streamed.value.reason == "observation_failed"
        assert isinstance(streamed.value.__cause__, RuntimeError)


@pytest.mark.parametrize("make", [_oxide, _official], ids=["oxide", "official"])
def test_a_raw_streamed_create_parses_to_the_bound_event_stream(
    server: AgentsServer, make: Any
) -> None:
    """`with_raw_response.create(stream=True)`: headers first, then `.parse()` is the event
    stream with the call's output type and tool handlers (the SDK binds them in a post-parser)."""
    server.scenario = Scenario(call=("get_weather", '{"city": "Paris"}'))
    with make(server) as client:
        raw = client.beta.agents.sessions.with_raw_response.create(
            environment=ENV,
            input="hi",
            stream=True,
            output_type=WeatherModel,
            tool_handlers={"get_weather": _weather},
        )
        assert raw.headers["content-type"] == "text/event-stream"
        stream = raw.parse()
        assert type(stream).__name__ == "AgentSessionEventStream"
        result = stream.get_final_result()
    assert result.output_parsed == WeatherModel(city="Paris", temperature=21)
    (tool_result,) = _tool_results(server.take())
    assert tool_result["output"] == '{"city":"Paris","sky":"clear"}'


@ASYNC
async def test_an_async_raw_streamed_create(server: AgentsServer) -> None:
    async with _async_oxide(server) as client:
        raw = await client.beta.agents.sessions.with_raw_response.create(
            environment=ENV, input="hi", stream=True, output_type=Weather
        )
        stream = raw.parse()
        assert type(stream).__name__ == "AsyncAgentSessionEventStream"
        result = await stream.get_final_result()
        plain = await client.beta.agents.sessions.with_raw_response.create(
            environment=ENV, input="hi"
        )
        assert isinstance(plain.parse(), AgentSession)
    assert result.output_parsed == Weather(city="Paris", temperature=21)


@pytest.mark.parametrize("make", [_oxide, _official], ids=["oxide", "official"])
def test_a_streamed_response_create_parses_to_the_bound_event_stream(
    server: AgentsServer, make: Any
) -> None:
    server.scenario = Scenario(call=("get_weather", '{"city": "Paris"}'))
    with make(server) as client:
        with client.beta.agents.sessions.with_streaming_response.create(
            environment=ENV, input="hi", stream=True, tool_handlers={"get_weather": _weather}
        ) as response:
            stream = response.parse()
            assert type(stream).__name__ == "AgentSessionEventStream"
            assert stream.get_final_result().output_text
    assert len(_tool_results(server.take())) == 1


@ASYNC
async def test_an_async_streamed_response_create(server: AgentsServer) -> None:
    async with _async_oxide(server) as client:
        async with client.beta.agents.sessions.with_streaming_response.create(
            environment=ENV, input="hi", stream=True, output_type=Weather
        ) as response:
            stream = await response.parse()
            assert type(stream).__name__ == "AsyncAgentSessionEventStream"
            result = await stream.get_final_result()
    assert result.output_parsed == Weather(city="Paris", temperature=21)


def test_typed_tool_calls_return_what_the_sdks_return() -> None:
    """Arguments validated into the type, the return value converted the SDK's way (models to
    compact JSON, text and content-part lists as they are)."""
    outputs: list[Any] = [
        lambda m: m,
        lambda m: "plain text",
        lambda m: [{"type": "input_text", "text": m.city}],
        lambda m: {"nested": [m.temperature, None, True]},
        lambda m: None,
    ]
    arguments = {"city": "Rome", "temperature": 30}
    for handler in outputs:
        ours = pydantic_function_tool(WeatherModel, handler=handler)(arguments)
        theirs = official_agents.pydantic_function_tool(WeatherModel, handler=handler)(arguments)
        assert ours == theirs
    with pytest.raises(pydantic.ValidationError):
        pydantic_function_tool(WeatherModel, handler=lambda m: m)({"city": "Rome"})


class Shop:
    class Item(msgspec.Struct):
        name: str

    def buy(self, item: Item, count: int = 1) -> str:
        """Buy."""
        return f"{count}x{item.name}"


def test_function_tool_from_a_method_resolves_its_class_names() -> None:
    tool = function_tool(Shop().buy)
    assert tool.name == "buy"
    assert tool({"item": {"name": "tea"}, "count": 2}) == "2xtea"
    assert tool.definition["parameters"]["required"] == ["item"]


@ASYNC
async def test_async_agent_loop_matches_the_official_sdk(server: AgentsServer) -> None:
    """create(stream=True) and sessions.stream with async tool handlers, through both async
    clients: the same events, requests and results."""
    server.scenario = Scenario(call=("get_weather", '{"city": "Paris"}'))

    async def get_weather(arguments: dict[str, Any]) -> dict[str, Any]:
        return _weather(arguments)

    async def run(client: Any) -> tuple[list[str], Any, str]:
        sessions = client.beta.agents.sessions
        stream = await sessions.create(
            environment=ENV,
            input="weather?",
            stream=True,
            output_type=WeatherModel,
            tool_handlers={"get_weather": get_weather},
        )
        types = [event.type async for event in stream.with_result_collection()]
        created = await stream.get_final_result()
        async with sessions.stream(
            SESSION_ID, input="again", tool_handlers={"get_weather": get_weather}
        ) as turn:
            streamed = await turn.get_final_result()
        return types, created.output_parsed, streamed.output_text

    async with _async_official(server) as official:
        theirs = await run(official)
    their_requests = server.take()
    async with _async_oxide(server) as client:
        ours = await run(client)
    our_requests = server.take()
    assert ours == theirs
    assert [(r["method"], r["path"], r["body"]) for r in our_requests] == [
        (r["method"], r["path"], r["body"]) for r in their_requests
    ]
