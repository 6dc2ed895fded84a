"""The embedded mock's WebSocket routes over real sockets, driven by a plain aiohttp client:
Responses WebSocket mode and Realtime (GA and beta), every event checked against both oxide's
generated types (``oxide._models.decode`` must pick the specific member class) and the official
SDK's pydantic types (required fields included), and every fault switch as a client observes it.
"""

from __future__ import annotations

import asyncio
import base64
import time
from collections.abc import AsyncIterator, Callable
from typing import Any

import aiohttp
import openai.types.beta.realtime as official_beta_realtime
import openai.types.realtime as official_realtime
import openai.types.responses as official_responses
import orjson
import pydantic
import pytest
import pytest_asyncio
from yarl import URL

from oxide._models import UnknownVariant, decode
from oxide.testing import MockOpenAI, create_app
from oxide.types.beta.realtime.realtime_server_event import (
    RealtimeServerEvent as BetaRealtimeServerEvent,
)
from oxide.types.realtime.realtime_server_event import RealtimeServerEvent
from oxide.types.responses.responses_server_event import ResponsesServerEvent

AUTH = {"Authorization": "Bearer sk-test"}
BETA = {**AUTH, "OpenAI-Beta": "realtime=v1"}
UPGRADE = {  # a raw handshake, to read the HTTP answer itself
    "Upgrade": "websocket",
    "Connection": "Upgrade",
    "Sec-WebSocket-Version": "13",
    "Sec-WebSocket-Key": "dGhlIHNhbXBsZSBub25jZQ==",
}
MODEL = "gpt-4o-mini"
RT_MODEL = "gpt-realtime"
TOOL = {
    "type": "function",
    "name": "get_weather",
    "parameters": {
        "type": "object",
        "properties": {"city": {"type": "string"}},
        "required": ["city"],
    },
}

_KINDS: dict[str, tuple[Any, pydantic.TypeAdapter[Any]]] = {
    "responses": (
        ResponsesServerEvent,
        pydantic.TypeAdapter(official_responses.ResponsesServerEvent),
    ),
    "realtime": (
        RealtimeServerEvent,
        pydantic.TypeAdapter(official_realtime.RealtimeServerEvent),
    ),
    "beta": (
        BetaRealtimeServerEvent,
        pydantic.TypeAdapter(official_beta_realtime.RealtimeServerEvent),
    ),
}


def checked(frame: str | bytes, kind: str) -> dict[str, Any]:
    """The event, after both type checks: oxide decodes it to the member class the official SDK
    validates it as (every required field present)."""
    union, official = _KINDS[kind]
    ours = decode(union, frame)
    theirs = official.validate_json(frame)
    data: dict[str, Any] = orjson.loads(frame)
    assert not isinstance(ours, UnknownVariant), data["type"]
    assert type(ours).__name__ == type(theirs).__name__, (data["type"], ours, theirs)
    assert ours.type == data["type"]
    return data


@pytest_asyncio.fixture
async def http() -> AsyncIterator[aiohttp.ClientSession]:
    async with aiohttp.ClientSession(headers=AUTH) as session:
        yield session


def ws_url(mock: MockOpenAI, path: str, **query: Any) -> URL:
    return URL(mock.base_url + path).with_query({k: str(v) for k, v in query.items()})


async def recv(ws: aiohttp.ClientWebSocketResponse, kind: str = "responses") -> dict[str, Any]:
    msg = await asyncio.wait_for(ws.receive(), 5)
    assert msg.type is aiohttp.WSMsgType.TEXT, msg
    return checked(msg.data, kind)


async def until(
    ws: aiohttp.ClientWebSocketResponse,
    done: Callable[[dict[str, Any]], bool],
    kind: str = "responses",
) -> list[dict[str, Any]]:
    """Events up to and including the first one ``done`` accepts."""
    events = []
    while True:
        event = await recv(ws, kind)
        events.append(event)
        if done(event):
            return events


def type_is(*types: str) -> Callable[[dict[str, Any]], bool]:
    return lambda e: e["type"] in types


TURN_END = type_is("response.completed", "response.incomplete", "error")


async def turn(ws: aiohttp.ClientWebSocketResponse, **body: Any) -> list[dict[str, Any]]:
    await ws.send_str(orjson.dumps({"type": "response.create", "model": MODEL, **body}).decode())
    return await until(ws, TURN_END)


async def closed(ws: aiohttp.ClientWebSocketResponse) -> aiohttp.WSMessage:
    """The first non-text message (CLOSE, CLOSED or ERROR), skipping events."""
    while True:
        msg = await asyncio.wait_for(ws.receive(), 5)
        if msg.type is not aiohttp.WSMsgType.TEXT:
            return msg


# ---------------------------------------------------------------------------------------------
# Responses WebSocket mode


@pytest.mark.asyncio
async def test_turn_streams_the_http_event_sequence(
    mock_openai: MockOpenAI, http: aiohttp.ClientSession
) -> None:
    bodies: list[dict[str, Any]] = [
        {"input": "Say hello to the socket"},
        {"input": "What is the weather in Paris? Use get_weather.", "tools": [TOOL]},
    ]
    async with http.ws_connect(ws_url(mock_openai, "/responses")) as ws:
        for body in bodies:
            events = await turn(ws, **body)
            assert [e["sequence_number"] for e in events] == list(range(len(events)))
            assert all("stream_id" not in e for e in events)
            async with http.post(
                mock_openai.base_url + "/responses", json={"model": MODEL, "stream": True, **body}
            ) as resp:
                raw = (await resp.read()).decode()
            sse = [orjson.loads(line[6:]) for line in raw.splitlines() if line.startswith("data: ")]
            assert [e["type"] for e in events] == [e["type"] for e in sse]
            ws_final, http_final = events[-1]["response"], sse[-1]["response"]
            assert ws_final["status"] == "completed"
            for key in ("id", "created_at", "completed_at"):
                ws_final.pop(key), http_final.pop(key)
            for out in (ws_final, http_final):
                for item in out["output"]:
                    item.pop("id"), item.pop("call_id", None)
            assert ws_final == http_final
    assert events[2]["item"]["type"] == "function_call"


@pytest.mark.asyncio
async def test_previous_response_id_lives_in_the_connection(
    mock_openai: MockOpenAI, http: aiohttp.ClientSession
) -> None:
    url = ws_url(mock_openai, "/responses")
    async with http.ws_connect(url) as a, http.ws_connect(url) as b:
        first = (await turn(a, input="one", store=False))[-1]["response"]
        assert first["store"] is False
        assert first["id"] not in mock_openai.store.responses  # store=false stays off the store
        second = (await turn(a, input="two", previous_response_id=first["id"], store=False))[-1]
        assert second["type"] == "response.completed"
        assert second["response"]["previous_response_id"] == first["id"]

        [error] = await turn(b, input="two", previous_response_id=first["id"])
        assert error == {
            "type": "error",
            "status": 400,
            "error": {
                "type": "invalid_request_error",
                "code": "previous_response_not_found",
                "message": f"Previous response with id '{first['id']}' not found.",
                "param": "previous_response_id",
            },
        }
        # The socket stays usable, and a stored response is loaded from storage on any socket.
        stored = (await turn(b, input="kept"))[-1]["response"]
        assert stored["id"] in mock_openai.store.responses
        assert (await turn(a, input="x", previous_response_id=stored["id"]))[-1]["type"] == (
            "response.completed"
        )
    async with http.get(f"{mock_openai.base_url}/responses/{stored['id']}") as resp:
        assert resp.status == 200
        assert (await resp.json())["output"] == stored["output"]


@pytest.mark.asyncio
async def test_bad_frames_get_error_events_and_the_socket_stays_open(
    mock_openai: MockOpenAI, http: aiohttp.ClientSession
) -> None:
    async with http.ws_connect(ws_url(mock_openai, "/responses")) as ws:
        await ws.send_str("{not json")
        await ws.send_str('{"type": "response.cancel"}')
        await ws.send_str('{"type": "response.create", "input": "no model"}')
        await ws.send_str('{"type": "response.create", "model": "m", "stream_id": "no spaces"}')
        await ws.send_str('{"type": "response.create", "model": "m", "background": true}')
        await ws.send_str('{"type": "response.create", "model": "m", "temperature": 9}')
        errors = [await recv(ws) for _ in range(6)]
        assert {e["type"] for e in errors} == {"error"}
        assert [(e["status"], e["error"]["code"], e["error"]["param"]) for e in errors] == [
            (400, "invalid_json", None),
            (400, "invalid_value", "type"),
            (400, None, None),
            (400, "invalid_value", "stream_id"),
            (400, "unsupported_parameter", "background"),
            (400, "decimal_above_max_value", "temperature"),
        ]
        assert errors[2]["error"]["message"] == "you must provide a model parameter"
        assert (await turn(ws, input="still here"))[-1]["type"] == "response.completed"


@pytest.mark.asyncio
async def test_one_response_in_flight_without_stream_id(
    mock_openai: MockOpenAI, http: aiohttp.ClientSession
) -> None:
    # The turn latency keeps the first response in flight when the second create arrives.
    async with http.ws_connect(ws_url(mock_openai, "/responses", mock_ws_latency_ms=50)) as ws:
        create = {"type": "response.create", "model": MODEL, "input": "first"}
        await ws.send_json(create)
        await ws.send_json({**create, "input": "second"})
        events = await until(ws, type_is("response.completed"))
    assert events[0]["type"] == "error"
    assert events[0]["error"]["code"] == "response_already_in_flight"
    assert [e["type"] for e in events[1:3]] == ["response.created", "response.in_progress"]
    assert [e["type"] for e in events[1:]].count("response.created") == 1


@pytest.mark.asyncio
async def test_stream_id_lanes_run_concurrently_and_fifo(
    mock_openai: MockOpenAI, http: aiohttp.ClientSession
) -> None:
    mock_openai.stream_delay = 0.0005  # lets two lanes interleave on the wire
    async with http.ws_connect(ws_url(mock_openai, "/responses")) as ws:
        for stream_id, text in (("a", "a one"), ("b", "b one"), ("a", "a two")):
            await ws.send_json(
                {"type": "response.create", "model": MODEL, "input": text, "stream_id": stream_id}
            )
        events: list[dict[str, Any]] = []
        while sum(e["type"] == "response.completed" for e in events) < 3:
            events.append(await recv(ws))
    assert all(e["stream_id"] in ("a", "b") for e in events)
    lanes = {lane: [e for e in events if e["stream_id"] == lane] for lane in ("a", "b")}
    completed = [e["response"] for e in lanes["a"] if e["type"] == "response.completed"]
    assert [c["output"][0]["content"][0]["text"][:20] for c in completed] == [
        'You said: "a one". T',
        'You said: "a two". T',
    ]
    # FIFO on lane a: the second turn starts after the first completed (its numbering restarts).
    a_types = [e["type"] for e in lanes["a"]]
    assert (
        a_types.index("response.completed")
        < len(a_types) - a_types[::-1].index("response.created") - 1
    )
    # Concurrency: lane b started before lane a's first response completed.
    order = [(e["stream_id"], e["type"]) for e in events]
    assert order.index(("b", "response.created")) < order.index(("a", "response.completed"))


@pytest.mark.asyncio
async def test_stream_limit(mock_openai: MockOpenAI, http: aiohttp.ClientSession) -> None:
    mock_openai.ws_max_streams = 1
    async with http.ws_connect(ws_url(mock_openai, "/responses", mock_ws_latency_ms=30)) as ws:
        base = {"type": "response.create", "model": MODEL, "input": "x"}
        await ws.send_json({**base, "stream_id": "one"})
        await ws.send_json({**base, "stream_id": "two"})
        error = await recv(ws)
        assert error["stream_id"] == "two"
        assert error["error"]["code"] == "websocket_stream_limit_reached"
        assert error["error"]["param"] == "stream_id"
        done = await until(ws, TURN_END)
        assert done[-1]["stream_id"] == "one"


@pytest.mark.asyncio
async def test_recording(mock_openai: MockOpenAI, http: aiohttp.ClientSession) -> None:
    url = ws_url(mock_openai, "/responses", tag="x")
    async with http.ws_connect(url, headers={"x-client": "t"}) as ws:
        events = await turn(ws, input="count me")
        await ws.send_str("garbage")
        await recv(ws)
    async with http.ws_connect(url):
        pass
    assert mock_openai.ws_accepted == 2
    first, second = mock_openai.ws_connections
    await first.wait_closed()
    await second.wait_closed()
    assert first.received_types() == ["response.create", "?"]
    assert first.received[0]["input"] == "count me" and first.received[1] == "garbage"
    assert first.sent == [e["type"] for e in events] + ["error"]
    assert first.close_code == 1000 and second.close_code == 1000
    assert first.query == {"tag": "x"} and first.headers["x-client"] == "t"
    assert first.path == "/v1/responses" and not first.open


@pytest.mark.asyncio
async def test_age_limit_after_the_in_flight_response(
    mock_openai: MockOpenAI, http: aiohttp.ClientSession
) -> None:
    url = ws_url(mock_openai, "/responses", mock_ws_max_age=0.05, mock_ws_latency_ms=100)
    async with http.ws_connect(url) as ws:
        await ws.send_json({"type": "response.create", "model": MODEL, "input": "slow"})
        events = await until(ws, type_is("error"))
        msg = await closed(ws)
    assert events[-2]["type"] == "response.completed"  # the in-flight turn finished first
    assert events[-1]["error"]["code"] == "websocket_connection_limit_reached"
    assert msg.type is aiohttp.WSMsgType.CLOSE and ws.close_code == 1000


@pytest.mark.asyncio
async def test_age_limit_when_idle(mock_openai: MockOpenAI, http: aiohttp.ClientSession) -> None:
    mock_openai.ws_max_age = 0.05
    async with http.ws_connect(ws_url(mock_openai, "/responses")) as ws:
        error = await recv(ws)
        assert error["error"]["message"] == (
            "Responses websocket connection limit reached (0.05 seconds). Create a new"
            " websocket connection to continue."
        )
        assert (await closed(ws)).type is aiohttp.WSMsgType.CLOSE
        assert ws.close_code == 1000


@pytest.mark.asyncio
async def test_plain_get_keeps_its_http_answer(
    mock_openai: MockOpenAI, http: aiohttp.ClientSession
) -> None:
    async with http.get(mock_openai.base_url + "/responses") as resp:
        assert resp.status == 405
        assert (await resp.json())["error"][
            "message"
        ] == "Invalid method for URL (GET /v1/responses)"
    async with http.get(mock_openai.base_url + "/realtime") as resp:
        assert resp.status == 404
    paths = {(r.method, r.resource.canonical) for r in create_app().router.routes() if r.resource}
    assert {("GET", "/v1/responses"), ("GET", "/v1/realtime"), ("GET", "/realtime")} <= paths


# ---------------------------------------------------------------------------------------------
# Handshake: auth, rejection, redirects, delays


async def handshake_error(
    http: aiohttp.ClientSession, url: URL, **kw: Any
) -> aiohttp.WSServerHandshakeError:
    with pytest.raises(aiohttp.WSServerHandshakeError) as info:
        async with http.ws_connect(url, **kw):
            pass
    return info.value


@pytest.mark.asyncio
async def test_auth_failure_is_an_http_401_before_the_upgrade(
    mock_openai: MockOpenAI, http: aiohttp.ClientSession
) -> None:
    url = ws_url(mock_openai, "/responses")
    async with aiohttp.ClientSession() as anonymous:
        assert (await handshake_error(anonymous, url)).status == 401
        async with anonymous.get(url, headers=UPGRADE) as resp:
            assert resp.status == 401
            assert (await resp.json())["error"]["message"].startswith(
                "You didn't provide an API key"
            )
    bad = {"Authorization": "Bearer sk-invalid"}
    err = await handshake_error(http, ws_url(mock_openai, "/realtime", model=RT_MODEL), headers=bad)
    assert err.status == 401
    assert mock_openai.ws_accepted == 0


@pytest.mark.asyncio
@pytest.mark.parametrize("status", [401, 403, 404, 429, 500])
async def test_reject(mock_openai: MockOpenAI, http: aiohttp.ClientSession, status: int) -> None:
    err = await handshake_error(
        http, ws_url(mock_openai, "/responses", mock_ws_fault="reject", mock_ws_status=status)
    )
    assert err.status == status
    if status == 429:
        assert err.headers is not None and err.headers["retry-after-ms"] == "20"


@pytest.mark.asyncio
@pytest.mark.parametrize("status", [302, 307])
async def test_redirect_to_another_origin(
    mock_openai: MockOpenAI, http: aiohttp.ClientSession, status: int
) -> None:
    url = ws_url(mock_openai, "/responses", mock_ws_fault="redirect", mock_ws_status=status)
    async with http.get(url, headers=UPGRADE, allow_redirects=False) as resp:
        assert resp.status == status
        target = URL(resp.headers["Location"])
    assert target.host == "localhost" and target.port == mock_openai.port
    assert "mock_ws_fault" not in target.query
    # aiohttp follows it and drops the Authorization header on the new origin: the mock answers
    # the unauthenticated handshake with 401, and recorded both requests.
    assert (await handshake_error(http, url)).status == 401
    hops = list(mock_openai.requests)[-2:]
    assert hops[0].headers["Authorization"] == "Bearer sk-test"
    assert "Authorization" not in hops[1].headers and hops[1].headers["Host"].startswith(
        "localhost"
    )


@pytest.mark.asyncio
async def test_invalid_switch_is_a_400(
    mock_openai: MockOpenAI, http: aiohttp.ClientSession
) -> None:
    err = await handshake_error(http, ws_url(mock_openai, "/responses", mock_ws_fault="explode"))
    assert err.status == 400
    err = await handshake_error(
        http, ws_url(mock_openai, "/responses", mock_ws_fault="close", mock_ws_code=1006)
    )
    assert err.status == 400


@pytest.mark.asyncio
async def test_setup_delay_turn_latency_and_state_load(
    mock_openai: MockOpenAI, http: aiohttp.ClientSession
) -> None:
    started = time.perf_counter()
    url = ws_url(mock_openai, "/responses", mock_ws_setup_ms=60, mock_ws_latency_ms=60)
    async with http.ws_connect(url) as ws:
        assert time.perf_counter() - started >= 0.06
        sent = time.perf_counter()
        first = (await turn(ws, input="a"))[-1]["response"]
        assert time.perf_counter() - sent >= 0.06
        # The previous response is in the connection's memory: no state load. (A load this
        # long, so the bound holds on a loaded machine too.)
        mock_openai.state_load_delay = 0.5
        mock_openai.ws_turn_delay = 0.0
        async with http.ws_connect(ws_url(mock_openai, "/responses")) as fast:
            sent = time.perf_counter()
            done = await turn(fast, input="b")
            await turn(fast, input="c", previous_response_id=done[-1]["response"]["id"])
            assert time.perf_counter() - sent < 0.5
    sent = time.perf_counter()
    body = {"model": MODEL, "input": "d", "previous_response_id": first["id"]}
    async with http.post(mock_openai.base_url + "/responses", json=body) as resp:
        assert resp.status == 200
    assert time.perf_counter() - sent >= 0.5


# ---------------------------------------------------------------------------------------------
# Faults after the handshake


@pytest.mark.asyncio
@pytest.mark.parametrize("code", [1000, 1001, 1008, 1009, 1011, 1012, 1013, 4000, 4999])
async def test_close_with_code_after_n_events(
    mock_openai: MockOpenAI, http: aiohttp.ClientSession, code: int
) -> None:
    url = ws_url(
        mock_openai, "/responses", mock_ws_fault="close", mock_ws_code=code, mock_ws_after=3
    )
    async with http.ws_connect(url) as ws:
        await ws.send_json({"type": "response.create", "model": MODEL, "input": "x"})
        events = [await recv(ws) for _ in range(3)]
        msg = await asyncio.wait_for(ws.receive(), 5)
    assert [e["sequence_number"] for e in events] == [0, 1, 2]
    assert msg.type is aiohttp.WSMsgType.CLOSE and msg.data == code and ws.close_code == code
    record = mock_openai.ws_connections[0]
    assert await record.wait_closed() == code
    assert len(record.sent) == 3


@pytest.mark.asyncio
async def test_close_right_after_the_handshake(
    mock_openai: MockOpenAI, http: aiohttp.ClientSession
) -> None:
    url = ws_url(mock_openai, "/realtime", model=RT_MODEL, mock_ws_fault="close", mock_ws_code=1013)
    async with http.ws_connect(url) as ws:
        msg = await asyncio.wait_for(ws.receive(), 5)
    assert msg.type is aiohttp.WSMsgType.CLOSE and ws.close_code == 1013


@pytest.mark.asyncio
async def test_abort_is_1006(mock_openai: MockOpenAI, http: aiohttp.ClientSession) -> None:
    url = ws_url(mock_openai, "/responses", mock_ws_fault="abort", mock_ws_after=2)
    async with http.ws_connect(url) as ws:
        await ws.send_json({"type": "response.create", "model": MODEL, "input": "x"})
        assert [(await recv(ws))["type"] for _ in range(2)] == [
            "response.created",
            "response.in_progress",
        ]
        msg = await closed(ws)
    assert msg.type in (aiohttp.WSMsgType.CLOSED, aiohttp.WSMsgType.ERROR)
    assert ws.close_code == 1006
    assert await mock_openai.ws_connections[0].wait_closed() == 1006


@pytest.mark.asyncio
async def test_no_pong_times_out_the_client_heartbeat(
    mock_openai: MockOpenAI, http: aiohttp.ClientSession
) -> None:
    url = ws_url(mock_openai, "/responses", mock_ws_fault="no_pong")
    async with http.ws_connect(url, heartbeat=0.1) as ws:
        msg = await closed(ws)
    assert msg.type is aiohttp.WSMsgType.ERROR
    assert isinstance(msg.data, aiohttp.ServerTimeoutError)
    assert ws.close_code == 1006


@pytest.mark.asyncio
async def test_pings_are_answered_by_default(
    mock_openai: MockOpenAI, http: aiohttp.ClientSession
) -> None:
    async with http.ws_connect(ws_url(mock_openai, "/responses"), heartbeat=0.05) as ws:
        await asyncio.sleep(0.15)
        assert (await turn(ws, input="alive"))[-1]["type"] == "response.completed"


@pytest.mark.asyncio
async def test_oversized_message(mock_openai: MockOpenAI, http: aiohttp.ClientSession) -> None:
    url = ws_url(mock_openai, "/responses", mock_ws_fault="oversize", mock_ws_size=4096)
    async with http.ws_connect(url, max_msg_size=1024) as ws:
        msg = await closed(ws)
    assert msg.type is aiohttp.WSMsgType.ERROR and ws.close_code == 1009
    # With room for it, the big frame is a valid event of at least the asked size (5 MiB).
    url = ws_url(mock_openai, "/responses", mock_ws_fault="oversize", mock_ws_after=2)
    async with http.ws_connect(url, max_msg_size=0) as ws:
        events = await turn(ws, input="x")
    big = [e for e in events if len(e.get("delta", "")) > 5_000_000]
    assert len(big) == 1 and len(orjson.dumps(big[0])) >= 5 * 1024 * 1024
    assert events[2] is big[0] and events[-1]["type"] == "response.completed"


@pytest.mark.asyncio
async def test_burst_loses_nothing(mock_openai: MockOpenAI, http: aiohttp.ClientSession) -> None:
    mock_openai.stream_delay = 0.5  # ignored by a burst
    url = ws_url(mock_openai, "/responses", mock_ws_fault="burst", mock_ws_count=3000)
    async with http.ws_connect(url) as ws:
        await asyncio.sleep(0.05)  # a slow consumer: the burst piles up in the buffers
        events = await turn(ws, input="x")
    deltas = [e["delta"] for e in events if e["type"] == "response.output_text.delta"]
    assert deltas == [f"w{i} " for i in range(3000)]
    assert [e["sequence_number"] for e in events] == list(range(len(events)))


@pytest.mark.asyncio
async def test_restart_mid_response_forgets_the_connection(
    mock_openai: MockOpenAI, http: aiohttp.ClientSession
) -> None:
    async with http.ws_connect(ws_url(mock_openai, "/responses")) as probe:
        per_turn = len(await turn(probe, input="first", store=False))
    # Restart two events into the second turn: the first (completed) turn's id is lost with the
    # connection's memory, and the cut-off response was never kept.
    url = ws_url(mock_openai, "/responses", mock_ws_fault="restart", mock_ws_after=per_turn + 2)
    async with http.ws_connect(url) as ws:
        first = (await turn(ws, input="first", store=False))[-1]["response"]
        await ws.send_json({"type": "response.create", "model": MODEL, "input": "second"})
        cut = await recv(ws)
        await recv(ws)
        msg = await closed(ws)
    assert msg.type is aiohttp.WSMsgType.CLOSE and ws.close_code == 1012
    assert cut["response"]["id"] not in mock_openai.store.responses
    async with http.ws_connect(ws_url(mock_openai, "/responses")) as again:
        for lost in (first["id"], cut["response"]["id"]):
            [error] = await turn(again, input="retry", previous_response_id=lost)
            assert error["error"]["code"] == "previous_response_not_found"


@pytest.mark.asyncio
async def test_server_inbound_limit_closes_1009(
    mock_openai: MockOpenAI, http: aiohttp.ClientSession
) -> None:
    url = ws_url(mock_openai, "/responses", mock_ws_max_msg_size=1024)
    async with http.ws_connect(url) as ws:
        await ws.send_json({"type": "response.create", "model": MODEL, "input": "x" * 2048})
        msg = await closed(ws)
    assert msg.type is aiohttp.WSMsgType.CLOSE and ws.close_code == 1009
    assert await mock_openai.ws_connections[0].wait_closed() == 1009


@pytest.mark.asyncio
async def test_faults_set_on_the_server(
    mock_openai: MockOpenAI, http: aiohttp.ClientSession
) -> None:
    url = ws_url(mock_openai, "/responses")
    mock_openai.ws_fault_next("close", code=4001, times=1)
    mock_openai.ws_fault_every("reject", status=503)
    async with http.ws_connect(url) as ws:
        await closed(ws)
        assert ws.close_code == 4001
    assert (await handshake_error(http, url)).status == 503
    # A switch in the URL wins over the server's.
    async with http.ws_connect(url.update_query(mock_ws_fault="close", mock_ws_code=4002)) as ws:
        await closed(ws)
        assert ws.close_code == 4002
    mock_openai.ws_fault_every(None)
    async with http.ws_connect(url) as ws:
        assert (await turn(ws, input="fine"))[-1]["type"] == "response.completed"
    with pytest.raises(TypeError):
        mock_openai.ws_fault_next("close", colour="red")


@pytest.mark.asyncio
async def test_stop_closes_open_sockets_with_1001(http: aiohttp.ClientSession) -> None:
    mock = MockOpenAI()
    await mock.start()
    async with http.ws_connect(ws_url(mock, "/realtime", call_id="rtc_1")) as ws:
        assert (await recv(ws, "realtime"))["type"] == "session.created"
        stopping = asyncio.ensure_future(mock.stop())
        msg = await closed(ws)
        await stopping
    assert msg.type is aiohttp.WSMsgType.CLOSE and ws.close_code == 1001


# ---------------------------------------------------------------------------------------------
# Realtime


def pcm_silence(ms: int) -> str:
    return base64.b64encode(b"\x00" * 48 * ms).decode()


async def rt_send(ws: aiohttp.ClientWebSocketResponse, kind: str, **fields: Any) -> None:
    await ws.send_json({"type": kind, **fields})


REALTIME_SCRIPT: list[tuple[dict[str, Any], list[str]]] = [
    # (client event, the types it must produce) with GA names; beta names are mapped below.
    (
        {"type": "session.update", "session": {"type": "realtime", "instructions": "Be brief."}},
        ["session.updated"],
    ),
    ({"type": "session.update", "session": {"instructions": "x"}}, ["error"]),
    ({"type": "input_audio_buffer.append", "audio": "***"}, ["error"]),
    ({"type": "input_audio_buffer.commit"}, ["error"]),
    ({"type": "input_audio_buffer.append", "audio": pcm_silence(150)}, []),
    (
        {"type": "input_audio_buffer.commit"},
        ["input_audio_buffer.committed", "conversation.item.added", "conversation.item.done"],
    ),
    ({"type": "input_audio_buffer.append", "audio": pcm_silence(10)}, []),
    ({"type": "input_audio_buffer.clear"}, ["input_audio_buffer.cleared"]),
    (
        {
            "type": "conversation.item.create",
            "item": {
                "type": "message",
                "role": "user",
                "content": [{"type": "input_text", "text": "Hello there"}],
            },
        },
        ["conversation.item.added", "conversation.item.done"],
    ),
    ({"type": "conversation.item.create", "item": {"type": "bogus"}}, ["error"]),
    ({"type": "conversation.item.retrieve", "item_id": "item_nope"}, ["error"]),
    ({"type": "response.cancel"}, ["error"]),
    ({"type": "output_audio_buffer.clear"}, ["error"]),
    ({"type": "transcription_session.update"}, ["error"]),
]


def beta_names(types: list[str]) -> list[str]:
    out = []
    for t in types:
        if t == "conversation.item.added":
            out.append("conversation.item.created")
        elif t != "conversation.item.done":
            out.append(t)
    return out


@pytest.mark.asyncio
@pytest.mark.parametrize("beta", [False, True], ids=["ga", "beta"])
async def test_realtime_session_flow(
    mock_openai: MockOpenAI, http: aiohttp.ClientSession, beta: bool
) -> None:
    kind = "beta" if beta else "realtime"
    model = "gpt-4o-realtime-preview" if beta else RT_MODEL
    url = ws_url(mock_openai, "/realtime", model=model)
    async with http.ws_connect(url, headers=BETA if beta else AUTH) as ws:
        opened = [await recv(ws, kind)]
        if beta:
            opened.append(await recv(ws, kind))
        assert [e["type"] for e in opened] == (
            ["session.created", "conversation.created"] if beta else ["session.created"]
        )
        assert opened[0]["session"]["model"] == model
        for client_event, expected in REALTIME_SCRIPT:
            if beta and client_event["type"] == "session.update":
                client_event = {**client_event, "session": {"instructions": "Be brief."}}
                expected = ["session.updated"]  # beta sessions have no required type
            if beta:
                expected = beta_names(expected)
            await ws.send_json({**client_event, "event_id": "evt_client"})
            got = [await recv(ws, kind) for _ in expected]
            assert [e["type"] for e in got] == expected
            for e in got:
                if e["type"] == "error":
                    assert e["error"]["event_id"] == "evt_client"
        rec = mock_openai.ws_connections[-1]
        assert rec.received_types()[:2] == ["session.update", "session.update"]

        # A spoken answer (the session default): audio deltas with the transcript.
        await rt_send(ws, "response.create")
        events = await until(ws, type_is("response.done"), kind)
        types = [e["type"] for e in events]
        audio_delta = "response.audio.delta" if beta else "response.output_audio.delta"
        transcript_done = (
            "response.audio_transcript.done" if beta else "response.output_audio_transcript.done"
        )
        assert types[0] == "response.created" and audio_delta in types
        done = events[-1]["response"]
        assert done["status"] == "completed" and done["usage"]["output_tokens"] > 0
        [transcript] = [e["transcript"] for e in events if e["type"] == transcript_done]
        assert transcript.startswith('You said: "Hello there".')
        assistant = done["output"][0]
        assert assistant["role"] == "assistant" and assistant["status"] == "completed"
        chunk = next(e for e in events if e["type"] == audio_delta)["delta"]
        assert base64.b64decode(chunk) == b"\x00" * 960  # 20 ms of 24 kHz PCM16 silence

        # Text only, out of band: nothing joins the conversation.
        modality = {"modalities" if beta else "output_modalities": ["text"]}
        await rt_send(ws, "response.create", response={**modality, "conversation": "none"})
        events = await until(ws, type_is("response.done"), kind)
        text_delta = "response.text.delta" if beta else "response.output_text.delta"
        assert text_delta in [e["type"] for e in events]
        assert not any(e["type"].startswith("conversation.item") for e in events)
        assert events[-1]["response"]["conversation_id"] is None

        # Items: retrieve, truncate the spoken answer, delete.
        await rt_send(ws, "conversation.item.retrieve", item_id=assistant["id"])
        got_item = (await recv(ws, kind))["item"]
        assert got_item["id"] == assistant["id"]
        await rt_send(
            ws,
            "conversation.item.truncate",
            item_id=assistant["id"],
            content_index=0,
            audio_end_ms=40,
        )
        truncated = await recv(ws, kind)
        assert (
            truncated["type"] == "conversation.item.truncated" and truncated["audio_end_ms"] == 40
        )
        await rt_send(ws, "conversation.item.delete", item_id=assistant["id"])
        assert (await recv(ws, kind))["type"] == "conversation.item.deleted"
        await rt_send(ws, "conversation.item.delete", item_id=assistant["id"])
        error = await recv(ws, kind)
        assert error["error"]["code"] == "item_delete_invalid_item_id"

        # A function call when the user names a tool, then its output gets an answer.
        await rt_send(
            ws,
            "conversation.item.create",
            item={
                "type": "message",
                "role": "user",
                "content": [{"type": "input_text", "text": "Call get_weather for Paris"}],
            },
        )
        await until(ws, type_is("conversation.item.created", "conversation.item.done"), kind)
        await rt_send(ws, "response.create", response={**modality, "tools": [TOOL]})
        events = await until(ws, type_is("response.done"), kind)
        [call] = [e for e in events if e["type"] == "response.function_call_arguments.done"]
        assert orjson.loads(call["arguments"]).keys() == {"city"}
        await rt_send(
            ws,
            "conversation.item.create",
            item={"type": "function_call_output", "call_id": call["call_id"], "output": "sunny"},
        )
        await until(ws, type_is("conversation.item.created", "conversation.item.done"), kind)
        await rt_send(ws, "response.create", response=modality)
        events = await until(ws, type_is("response.done"), kind)
        text = events[-1]["response"]["output"][0]["content"][0]["text"]
        assert text.startswith("The get_weather tool returned: sunny.")

        await rt_send(ws, "output_audio_buffer.clear")
        cleared = await recv(ws, kind)
        assert cleared["type"] == "output_audio_buffer.cleared"
        assert cleared["response_id"] == events[-1]["response"]["id"]


@pytest.mark.asyncio
@pytest.mark.parametrize("beta", [False, True], ids=["ga", "beta"])
async def test_realtime_one_response_at_a_time_and_cancel(
    mock_openai: MockOpenAI, http: aiohttp.ClientSession, beta: bool
) -> None:
    kind = "beta" if beta else "realtime"
    model = "gpt-4o-realtime-preview" if beta else RT_MODEL
    url = ws_url(mock_openai, "/realtime", model=model, mock_ws_latency_ms=2000)
    async with http.ws_connect(url, headers=BETA if beta else AUTH) as ws:
        await until(ws, type_is("session.created"), kind)
        if beta:
            await recv(ws, kind)
        await rt_send(ws, "response.create")
        await rt_send(ws, "response.create")
        error = await recv(ws, kind)
        assert error["error"]["code"] == "conversation_already_has_active_response"
        started = time.perf_counter()
        await rt_send(ws, "response.cancel")  # ends the 2 s latency at once
        events = await until(ws, type_is("response.done"), kind)
        assert time.perf_counter() - started < 1
    assert [e["type"] for e in events] == ["response.created", "response.done"]
    assert events[-1]["response"]["status"] == "cancelled"
    assert events[-1]["response"]["status_details"] == {
        "type": "cancelled",
        "reason": "client_cancelled",
    }


@pytest.mark.asyncio
async def test_realtime_handshake_and_faults(
    mock_openai: MockOpenAI, http: aiohttp.ClientSession
) -> None:
    err = await handshake_error(http, ws_url(mock_openai, "/realtime"))
    assert err.status == 400
    url = ws_url(
        mock_openai, "/realtime", call_id="rtc_123", mock_ws_fault="close", mock_ws_after=1
    )
    async with http.ws_connect(url) as ws:
        assert (await recv(ws, "realtime"))["type"] == "session.created"
        await closed(ws)
        assert ws.close_code == 1011
    url = ws_url(
        mock_openai, "/realtime", model=RT_MODEL, mock_ws_fault="oversize", mock_ws_after=1
    )
    async with http.ws_connect(url, max_msg_size=0) as ws:
        await recv(ws, "realtime")
        big = await recv(ws, "realtime")
        assert big["type"] == "response.output_audio.delta" and len(big["delta"]) > 5_000_000
    url = ws_url(mock_openai, "/realtime", model=RT_MODEL, mock_ws_fault="burst", mock_ws_count=500)
    async with http.ws_connect(url) as ws:
        await recv(ws, "realtime")
        await rt_send(ws, "response.create", response={"output_modalities": ["text"]})
        events = await until(ws, type_is("response.done"), "realtime")
    deltas = [e["delta"] for e in events if e["type"] == "response.output_text.delta"]
    assert deltas == [f"w{i} " for i in range(500)]
    url = ws_url(mock_openai, "/realtime", model=RT_MODEL, mock_ws_max_age=0.05)
    async with http.ws_connect(url) as ws:
        await recv(ws, "realtime")
        error = await recv(ws, "realtime")
        assert error["error"]["code"] == "session_expired"
        await closed(ws)
        assert ws.close_code == 1000
