"""responses.stream() / parse() against the official SDK's helper on the same bytes, the early
function-call event, and resuming a dropped background stream."""

from __future__ import annotations

import asyncio
import json
from typing import Any

import msgspec
import openai
import pydantic
import pytest
from aiohttp import web

import oxide
from oxide.lib import function_tool

from ._compare import oxide_event, plain, sdk_event
from .conftest import sse


class WeatherP(pydantic.BaseModel):
    city: str
    unit: str


class WeatherS(msgspec.Struct):
    city: str
    unit: str


def base_response(
    status: str, output: list[dict[str, Any]], background: bool = False
) -> dict[str, Any]:
    return {
        "id": "resp_rec",
        "object": "response",
        "created_at": 1718000000,
        "status": status,
        "background": background,
        "model": "gpt-5",
        "output": output,
        "parallel_tool_calls": True,
        "tool_choice": "auto",
        "tools": [],
        "text": {"format": {"type": "text"}},
        "usage": None
        if status != "completed"
        else {
            "input_tokens": 20,
            "output_tokens": 40,
            "total_tokens": 60,
            "input_tokens_details": {"cached_tokens": 0},
            "output_tokens_details": {"reasoning_tokens": 12},
        },
    }


def recorded_events(
    text: str = "It is 13°C in Paris 🌤.", background: bool = False
) -> list[dict[str, Any]]:
    reasoning = {
        "type": "reasoning",
        "id": "rs_1",
        "summary": [{"type": "summary_text", "text": "Need weather."}],
    }
    call_args = '{"city":"Paris","unit":"celsius"}'
    call = {
        "type": "function_call",
        "id": "fc_1",
        "call_id": "call_XYZ",
        "name": "get_weather",
        "arguments": call_args,
        "status": "completed",
    }
    message = {
        "type": "message",
        "id": "msg_1",
        "role": "assistant",
        "status": "completed",
        "content": [{"type": "output_text", "text": text, "annotations": [], "logprobs": []}],
    }
    ev: list[dict[str, Any]] = []

    def add(**e: Any) -> None:
        ev.append({**e, "sequence_number": len(ev)})

    add(type="response.created", response=base_response("in_progress", [], background))
    add(type="response.in_progress", response=base_response("in_progress", [], background))
    add(type="response.output_item.added", output_index=0, item={**reasoning, "summary": []})
    add(
        type="response.reasoning_summary_part.added",
        item_id="rs_1",
        output_index=0,
        summary_index=0,
        part={"type": "summary_text", "text": ""},
    )
    add(
        type="response.reasoning_summary_text.delta",
        item_id="rs_1",
        output_index=0,
        summary_index=0,
        delta="Need weather.",
    )
    add(
        type="response.reasoning_summary_text.done",
        item_id="rs_1",
        output_index=0,
        summary_index=0,
        text="Need weather.",
    )
    add(
        type="response.reasoning_summary_part.done",
        item_id="rs_1",
        output_index=0,
        summary_index=0,
        part={"type": "summary_text", "text": "Need weather."},
    )
    add(type="response.output_item.done", output_index=0, item=reasoning)
    add(
        type="response.output_item.added",
        output_index=1,
        item={**call, "arguments": "", "status": "in_progress"},
    )
    for i in range(0, len(call_args), 6):
        add(
            type="response.function_call_arguments.delta",
            item_id="fc_1",
            output_index=1,
            delta=call_args[i : i + 6],
        )
    add(
        type="response.function_call_arguments.done",
        item_id="fc_1",
        output_index=1,
        name="get_weather",
        arguments=call_args,
    )
    add(type="response.output_item.done", output_index=1, item=call)
    add(
        type="response.output_item.added",
        output_index=2,
        item={**message, "status": "in_progress", "content": []},
    )
    add(
        type="response.content_part.added",
        item_id="msg_1",
        output_index=2,
        content_index=0,
        part={"type": "output_text", "text": "", "annotations": [], "logprobs": []},
    )
    for i in range(0, len(text), 3):
        add(
            type="response.output_text.delta",
            item_id="msg_1",
            output_index=2,
            content_index=0,
            delta=text[i : i + 3],
            logprobs=[],
        )
    add(
        type="response.output_text.done",
        item_id="msg_1",
        output_index=2,
        content_index=0,
        text=text,
        logprobs=[],
    )
    add(
        type="response.content_part.done",
        item_id="msg_1",
        output_index=2,
        content_index=0,
        part=message["content"][0],
    )
    add(type="response.output_item.done", output_index=2, item=message)
    add(
        type="response.completed",
        response=base_response("completed", [reasoning, call, message], background),
    )
    return ev


def tools_chat_shape_sdk() -> list[Any]:
    return [openai.pydantic_function_tool(WeatherP, name="get_weather")]


async def run_sdk(url: str, **kwargs: Any) -> tuple[list[dict[str, Any]], Any]:
    client = openai.AsyncOpenAI(api_key="k", base_url=url, max_retries=0)
    async with client:
        async with client.responses.stream(model="gpt-5", input="weather?", **kwargs) as stream:
            events = [sdk_event(ev) async for ev in stream]
            final = await stream.get_final_response()
    return events, final


async def run_oxide(url: str, **kwargs: Any) -> tuple[list[Any], Any]:
    async with oxide.AsyncOpenAI(api_key="k", base_url=url, max_retries=0) as client:
        async with client.responses.stream(model="gpt-5", input="weather?", **kwargs) as stream:
            events = [ev async for ev in stream]
            final = await stream.get_final_response()
    return events, final


def test_events_and_final_match_the_sdk(replay) -> None:
    replay.body = sse(recorded_events(), events=True, done=False)
    sdk_events, sdk_final = asyncio.run(run_sdk(replay.url, tools=tools_chat_shape_sdk()))
    our_raw, our_final = asyncio.run(
        run_oxide(replay.url, tools=[function_tool(WeatherS, name="get_weather")])
    )
    ours = [oxide_event(e) for e in our_raw]
    assert len(ours) == len(sdk_events)
    for i, (a, b) in enumerate(zip(sdk_events, ours, strict=True)):
        if a["type"] == "response.function_call_arguments.done":
            # oxide adds call_id and parsed_arguments to this event (see the next test), and
            # keeps the `name` the API sends (undeclared since 3.4x; the SDK's helper drops it).
            b = {k: v for k, v in b.items() if k not in ("call_id", "parsed_arguments", "name")}
        assert b == a, f"event {i} ({a['type']}) differs"
    assert plain(our_final) == plain(sdk_final)
    assert isinstance(our_final.output[1].parsed_arguments, WeatherS)
    assert our_final.output_text == "It is 13°C in Paris 🌤."
    tools_sent = replay.requests[-1]["body"]["tools"]
    assert tools_sent[0]["name"] == "get_weather" and tools_sent[0]["strict"] is True


def test_function_call_is_surfaced_before_the_response_ends(replay) -> None:
    replay.body = sse(recorded_events(), events=True, done=False)
    events, _ = asyncio.run(
        run_oxide(replay.url, tools=[function_tool(WeatherS, name="get_weather")])
    )
    types = [e.type for e in events]
    i = types.index("response.function_call_arguments.done")
    assert i < types.index("response.completed") - 5
    done = events[i]
    assert done.call_id == "call_XYZ"  # not the item id fc_1 (the openai-oxide bug)
    assert done.name == "get_weather"
    assert done.parsed_arguments == WeatherS(city="Paris", unit="celsius")
    deltas = [e for e in events if e.type == "response.function_call_arguments.delta"]
    assert deltas[-1].snapshot == '{"city":"Paris","unit":"celsius"}'
    texts = [e for e in events if e.type == "response.output_text.delta"]
    assert texts[-1].snapshot == "It is 13°C in Paris 🌤."


def test_parse_with_text_format(replay) -> None:
    payload = '{"city":"Paris","unit":"celsius"}'
    replay.body = sse(recorded_events(text=payload), events=True, done=False)

    async def main() -> Any:
        async with oxide.AsyncOpenAI(api_key="k", base_url=replay.url) as client:
            async with client.responses.stream(
                model="gpt-5", input="x", text_format=WeatherS
            ) as stream:
                done = [e async for e in stream if e.type == "response.output_text.done"]
                final = await stream.get_final_response()
        return done, final

    done, final = asyncio.run(main())
    assert done[0].parsed == WeatherS(city="Paris", unit="celsius")
    assert final.output_parsed == WeatherS(city="Paris", unit="celsius")
    fmt = replay.requests[-1]["body"]["text"]["format"]
    assert fmt["type"] == "json_schema" and fmt["name"] == "WeatherS" and fmt["strict"] is True


def test_missing_completed_event_raises(replay) -> None:
    # The body ends without a terminal event: the iteration says the stream is incomplete
    # (where the official SDK's get_final_response() raises RuntimeError).
    replay.body = sse(recorded_events()[:-1], events=True, done=False)
    with pytest.raises(oxide.IncompleteStreamError):
        asyncio.run(run_oxide(replay.url))


def test_done_marker_without_completed_event_raises(replay) -> None:
    # A complete body (it ends with [DONE]) that never said response.completed: parity.
    replay.body = sse(recorded_events()[:-1], events=True, done=True)
    with pytest.raises(RuntimeError, match="response.completed"):
        asyncio.run(run_oxide(replay.url))


@pytest.mark.asyncio
async def test_background_stream_resumes_after_a_drop() -> None:
    events = recorded_events(background=True)
    cut = 14
    seen: list[dict[str, Any]] = []

    async def create(request: web.Request) -> web.StreamResponse:
        seen.append({"method": "POST", "query": dict(request.query)})
        resp = web.StreamResponse(headers={"Content-Type": "text/event-stream"})
        await resp.prepare(request)
        await resp.write(sse(events[:cut], events=True, done=False) + b"event: response.output")
        request.transport.abort()  # type: ignore[union-attr]  # the connection drops mid-event
        return resp

    async def retrieve(request: web.Request) -> web.StreamResponse:
        seen.append({"method": "GET", "query": dict(request.query)})
        after = int(request.query["starting_after"])
        resp = web.StreamResponse(headers={"Content-Type": "text/event-stream"})
        await resp.prepare(request)
        # Replays from one event too early: the client must drop the duplicate.
        await resp.write(sse(events[after:], events=True, done=False))
        await resp.write_eof()
        return resp

    app = web.Application()
    app.router.add_post("/v1/responses", create)
    app.router.add_get("/v1/responses/{id}", retrieve)
    runner = web.AppRunner(app, shutdown_timeout=0.1)
    await runner.setup()
    site = web.TCPSite(runner, "127.0.0.1", 0)
    await site.start()
    url = f"http://127.0.0.1:{site._server.sockets[0].getsockname()[1]}/v1"  # type: ignore[union-attr]
    try:
        async with oxide.AsyncOpenAI(api_key="k", base_url=url) as client:
            async with client.responses.stream(model="gpt-5", input="x", background=True) as stream:
                got = [e async for e in stream]
                final = await stream.get_final_response()
                assert stream.resumes == 1
    finally:
        await runner.cleanup()
    assert [e.sequence_number for e in got] == list(range(len(events)))
    assert final.output_text == "It is 13°C in Paris 🌤."
    assert seen[1] == {"method": "GET", "query": {"stream": "true", "starting_after": str(cut - 1)}}


@pytest.mark.asyncio
async def test_foreground_stream_drop_is_not_resumed() -> None:
    events = recorded_events(background=False)

    async def create(request: web.Request) -> web.StreamResponse:
        resp = web.StreamResponse(headers={"Content-Type": "text/event-stream"})
        await resp.prepare(request)
        await resp.write(sse(events[:5], events=True, done=False))
        request.transport.abort()  # type: ignore[union-attr]
        return resp

    app = web.Application()
    app.router.add_post("/v1/responses", create)
    runner = web.AppRunner(app, shutdown_timeout=0.1)
    await runner.setup()
    site = web.TCPSite(runner, "127.0.0.1", 0)
    await site.start()
    url = f"http://127.0.0.1:{site._server.sockets[0].getsockname()[1]}/v1"  # type: ignore[union-attr]
    try:
        async with oxide.AsyncOpenAI(api_key="k", base_url=url) as client:
            async with client.responses.stream(model="gpt-5", input="x") as stream:
                got = []
                with pytest.raises(oxide.APIConnectionError):
                    async for e in stream:
                        got.append(e)
                assert len(got) == 5 and stream.resumes == 0
                assert stream.last_sequence_number == 4 and stream.response_id == "resp_rec"
    finally:
        await runner.cleanup()


@pytest.mark.asyncio
async def test_stream_existing_response_from_sequence_number() -> None:
    events = recorded_events(background=True)
    queries: list[dict[str, str]] = []

    async def retrieve(request: web.Request) -> web.StreamResponse:
        queries.append(dict(request.query))
        resp = web.StreamResponse(headers={"Content-Type": "text/event-stream"})
        await resp.prepare(request)
        # A server that replays everything: events up to starting_after must not be yielded.
        await resp.write(sse(events, events=True, done=False))
        await resp.write_eof()
        return resp

    app = web.Application()
    app.router.add_get("/v1/responses/{id}", retrieve)
    runner = web.AppRunner(app, shutdown_timeout=0.1)
    await runner.setup()
    site = web.TCPSite(runner, "127.0.0.1", 0)
    await site.start()
    url = f"http://127.0.0.1:{site._server.sockets[0].getsockname()[1]}/v1"  # type: ignore[union-attr]
    try:
        async with oxide.AsyncOpenAI(api_key="k", base_url=url) as client:
            with pytest.raises(ValueError, match="Cannot provide both"):
                client.responses.stream(response_id="resp_rec", model="gpt-5", input="x")
            async with client.responses.stream(response_id="resp_rec", starting_after=20) as stream:
                got = [e.sequence_number async for e in stream]
                final = await stream.get_final_response()
    finally:
        await runner.cleanup()
    assert got == list(range(21, len(events)))
    assert queries == [{"stream": "true", "starting_after": "20"}]
    assert final.id == "resp_rec"


def test_sync_responses_stream(replay) -> None:
    replay.body = sse(recorded_events(), events=True, done=False)
    with oxide.OpenAI(api_key="k", base_url=replay.url) as client:
        with client.responses.stream(
            model="gpt-5", input="x", tools=[function_tool(WeatherS, name="get_weather")]
        ) as stream:
            types = [e.type for e in stream]
            final = stream.get_final_response()
        parsed = client.responses.parse  # sync parse exists too
    assert types[-1] == "response.completed"
    assert final.output[1].parsed_arguments == WeatherS(city="Paris", unit="celsius")
    assert callable(parsed)
    assert json.loads(final.output[1].arguments) == {"city": "Paris", "unit": "celsius"}
