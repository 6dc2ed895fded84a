"""`oxide.lib.responses_websocket` (the SDK 3.63 module): routed lanes, final responses, the
default lane, limits, routing errors and closing, sync and async, over real sockets.

Each scenario runs twice where it can: through oxide's module on oxide's client, and through
the official SDK's module on the SDK's client, against the same in-process server; the two
results (and errors) are compared. Protocol flows use `oxide.testing.MockOpenAI`; exact event
sequences (unknown events, omitted outputs, closes) use the scripted server below.
"""

from __future__ import annotations

import asyncio
import dataclasses
import json
import threading
import time
from collections.abc import AsyncIterator, Iterator
from types import ModuleType
from typing import Any

import openai
import openai.lib.responses_websocket as sdk_rws
import oxide.compat.lib.responses_websocket as compat_rws
import pytest
import pytest_asyncio
from aiohttp import web

import oxide
import oxide.lib.responses_websocket as rws
from oxide import WebSocketConnectionClosedError
from oxide.testing import MockOpenAI

MODEL = "gpt-4o-mini"
LIMITS = dict(
    max_lanes=8,
    max_events_per_lane=128,
    max_events=512,
    max_bytes_per_lane=1 << 24,
    max_bytes=1 << 25,
)
BOTH = pytest.mark.parametrize("impl", ["oxide", "sdk"])


# -- the scripted server ------------------------------------------------------------------------
# A client frame's `script` is a list of server events sent back verbatim, in order ("$lane" as
# a `stream_id` becomes the frame's own); `{"close": code}` closes the socket with that code.


def response(rid: str, status: str = "completed", **extra: Any) -> dict[str, Any]:
    body: dict[str, Any] = {
        "id": rid,
        "object": "response",
        "created_at": 1700000000,
        "status": status,
        "model": MODEL,
        "parallel_tool_calls": True,
        "tool_choice": "auto",
        "tools": [],
        "error": None,
        "incomplete_details": None,
        "instructions": None,
        "metadata": {},
        "temperature": 1.0,
        "top_p": 1.0,
    }
    body.update(extra)
    return body


def message(mid: str, text: str) -> dict[str, Any]:
    return {
        "type": "message",
        "id": mid,
        "role": "assistant",
        "status": "completed",
        "content": [{"type": "output_text", "text": text, "annotations": [], "logprobs": []}],
    }


def turn(rid: str, *texts: str, terminal: str = "response.completed", **final: Any) -> list[Any]:
    """A turn on the frame's lane: created, deltas, finalized items, the terminal event (its
    response without `output` unless `final` gives one)."""
    status = {"response.failed": "failed", "response.incomplete": "incomplete"}.get(
        terminal, "completed"
    )
    events: list[Any] = [
        {"type": "response.created", "stream_id": "$lane", "response": response(rid, "queued")}
    ]
    for i, text in enumerate(texts):
        events.append(
            {
                "type": "response.output_text.delta",
                "stream_id": "$lane",
                "item_id": f"msg_{i}",
                "output_index": i,
                "content_index": 0,
                "delta": text,
                "logprobs": [],
                "sequence_number": i,
            }
        )
        events.append(
            {
                "type": "response.output_item.done",
                "stream_id": "$lane",
                "output_index": i,
                "item": message(f"msg_{i}", text),
                "sequence_number": i,
            }
        )
    events.append(
        {"type": terminal, "stream_id": "$lane", "response": response(rid, status, **final)}
    )
    return events


class Scripted:
    def __init__(self) -> None:
        self.base_url = ""
        self.received: list[dict[str, Any]] = []
        self.sockets = 0

    async def handle(self, request: web.Request) -> web.WebSocketResponse:
        self.sockets += 1  # before the 101: a client may act on the new socket at once
        ws = web.WebSocketResponse()
        await ws.prepare(request)
        async for msg in ws:
            if msg.type is not web.WSMsgType.TEXT:
                continue
            frame = json.loads(msg.data)
            self.received.append(frame)
            for event in frame.get("script", []):
                if "close" in event:
                    await ws.close(code=event["close"])
                    return ws
                if event.get("stream_id") == "$lane":
                    event = dict(event)
                    if frame.get("stream_id") is None:
                        del event["stream_id"]
                    else:
                        event["stream_id"] = frame["stream_id"]
                await ws.send_str(json.dumps(event))
        return ws

    def app(self) -> web.Application:
        app = web.Application()
        app.router.add_get("/v1/responses", self.handle)
        return app


@pytest_asyncio.fixture
async def scripted() -> AsyncIterator[Scripted]:
    server = Scripted()
    runner = web.AppRunner(server.app(), shutdown_timeout=0.1)
    await runner.setup()
    site = web.TCPSite(runner, "127.0.0.1", 0)
    await site.start()
    port = site._server.sockets[0].getsockname()[1]  # type: ignore[union-attr]
    server.base_url = f"http://127.0.0.1:{port}/v1"
    try:
        yield server
    finally:
        await runner.cleanup()


@pytest.fixture
def scripted_thread() -> Iterator[Scripted]:
    """The scripted server on a thread of its own, for the sync clients."""
    server = Scripted()
    loop = asyncio.new_event_loop()
    ready = threading.Event()
    holder: dict[str, web.AppRunner] = {}

    async def start() -> None:
        runner = web.AppRunner(server.app(), shutdown_timeout=0.1)
        await runner.setup()
        site = web.TCPSite(runner, "127.0.0.1", 0)
        await site.start()
        port = site._server.sockets[0].getsockname()[1]  # type: ignore[union-attr]
        server.base_url = f"http://127.0.0.1:{port}/v1"
        holder["runner"] = runner

    def run() -> None:
        loop.run_until_complete(start())
        ready.set()
        loop.run_forever()
        loop.run_until_complete(holder["runner"].cleanup())
        loop.close()

    thread = threading.Thread(target=run, daemon=True)
    thread.start()
    assert ready.wait(10)
    try:
        yield server
    finally:
        loop.call_soon_threadsafe(loop.stop)
        thread.join(10)


def module(impl: str) -> ModuleType:
    return rws if impl == "oxide" else sdk_rws


def async_client(impl: str, base_url: str) -> Any:
    cls = oxide.AsyncOpenAI if impl == "oxide" else openai.AsyncOpenAI
    return cls(api_key="sk-test", base_url=base_url)


def sync_client(impl: str, base_url: str) -> Any:
    cls = oxide.OpenAI if impl == "oxide" else openai.OpenAI
    return cls(api_key="sk-test", base_url=base_url)


def limits(mod: ModuleType, **overrides: Any) -> Any:
    return mod.ResponsesWebSocketLimits(**{**LIMITS, **overrides})


def create(script: list[Any] | None = None, **fields: Any) -> dict[str, Any]:
    event: dict[str, Any] = {"type": "response.create", "model": MODEL, "input": "hi", **fields}
    if script is not None:
        event["script"] = script
    return event


def out_ids(resp: Any) -> list[str]:
    return [item.id for item in resp.output]


# -- the public surface ---------------------------------------------------------------------------


def test_public_names_match_the_sdk() -> None:
    assert sorted(n for n in dir(sdk_rws) if not n.startswith("_")) == sorted(
        n for n in dir(rws) if not n.startswith("_") and n != "annotations"
    )
    assert rws.__all__ == sorted(rws.__all__)
    assert compat_rws.ResponsesWebSocketSession is rws.ResponsesWebSocketSession
    assert issubclass(rws.ResponsesWebSocketBufferError, RuntimeError)
    assert issubclass(rws.ResponsesWebSocketError, RuntimeError)


@BOTH
def test_limits_are_checked(impl: str) -> None:
    mod = module(impl)
    assert limits(mod).max_response_bytes is None
    for bad in (0, -1, True, 1.5, None):
        with pytest.raises(ValueError, match="must be positive integers"):
            limits(mod, max_events=bad)
    with pytest.raises(ValueError, match="must be positive integers"):
        limits(mod, max_response_bytes=0)
    with pytest.raises(dataclasses.FrozenInstanceError):
        limits(mod).max_lanes = 3


# -- async: lanes, final responses ------------------------------------------------------------------


async def concurrent_lanes(impl: str, base_url: str) -> dict[str, Any]:
    mod = module(impl)
    async with async_client(impl, base_url) as client:
        async with client.responses.connect() as connection:
            async with mod.AsyncResponsesWebSocketSession(connection, limits=limits(mod)) as s:
                a, b = s.lane("a"), s.lane("b")
                await a.send(create(input="first"))
                await b.send(create(input="second"))
                ra, rb = await asyncio.gather(a.get_final_response(), b.get_final_response())
                # Again: the cached result, no new wait.
                assert (await a.get_final_response()) is ra
                # A second turn on the same lane, events read one by one.
                await a.send(create(input="third", previous_response_id=ra.id))
                kinds, lanes = [], set()
                while True:
                    event = await a.recv()
                    kinds.append(event.type)
                    lanes.add(event.stream_id)
                    if event.type == "response.completed":
                        break
                rc = await a.get_final_response()
                return {
                    "texts": [r.output_text.split(".")[0] for r in (ra, rb, rc)],
                    "statuses": [r.status for r in (ra, rb, rc)],
                    "type": type(ra).__name__,
                    "previous": rc.previous_response_id == ra.id,
                    "first_last": (kinds[0], kinds[-1]),
                    "lanes": lanes,
                }


@pytest.mark.asyncio
async def test_async_lanes_run_concurrently_as_the_sdk(mock_openai: MockOpenAI) -> None:
    mock_openai.stream_delay = 0.0005  # the two lanes interleave on the wire
    ours = await concurrent_lanes("oxide", mock_openai.base_url)
    theirs = await concurrent_lanes("sdk", mock_openai.base_url)
    assert ours == theirs
    assert ours["texts"] == ['You said: "first"', 'You said: "second"', 'You said: "third"']
    assert ours["type"] == "ParsedResponse"
    assert ours["lanes"] == {"a"} and ours["previous"]
    sent = [f for c in list(mock_openai.ws_connections)[:1] for f in c.received]
    assert [f.get("stream_id") for f in sent if isinstance(f, dict)] == ["a", "b", "a"]


async def scripted_turns(impl: str, base_url: str) -> dict[str, Any]:
    """Omitted terminal outputs filled from finalized items, failed/incomplete final too,
    an explicit output kept, and an error event."""
    mod = module(impl)
    async with async_client(impl, base_url) as client:
        async with client.responses.connect() as connection:
            async with mod.AsyncResponsesWebSocketSession(connection, limits=limits(mod)) as s:
                lane = s.lane("x")
                got: dict[str, Any] = {}
                for name, script in {
                    "completed": turn("resp_1", "a", "b"),
                    "failed": turn("resp_2", "c", terminal="response.failed"),
                    "incomplete": turn("resp_3", "d", terminal="response.incomplete"),
                    "explicit": turn("resp_4", "e", output=[message("msg_z", "z")]),
                }.items():
                    await lane.send(create(script))
                    final = await lane.get_final_response()
                    got[name] = (type(final).__name__, final.id, final.status, out_ids(final))
                await lane.send(
                    create(
                        [
                            {
                                "type": "response.created",
                                "stream_id": "$lane",
                                "response": response("resp_5"),
                            },
                            {
                                "type": "error",
                                "stream_id": "$lane",
                                "status": 400,
                                "error": {
                                    "type": "invalid_request_error",
                                    "code": "boom",
                                    "message": "m",
                                    "param": None,
                                },
                            },
                        ]
                    )
                )
                with pytest.raises(mod.ResponsesWebSocketError) as info:
                    await lane.get_final_response()
                got["error"] = (str(info.value), info.value.event.type, info.value.event.error.code)
                # The error ended the turn: the lane takes the next create.
                await lane.send(create(turn("resp_6", "f")))
                got["after"] = (await lane.get_final_response()).id
                return got


@pytest.mark.asyncio
async def test_async_final_responses_as_the_sdk(scripted: Scripted) -> None:
    ours = await scripted_turns("oxide", scripted.base_url)
    assert ours == await scripted_turns("sdk", scripted.base_url)
    assert ours["completed"] == ("ParsedResponse", "resp_1", "completed", ["msg_0", "msg_1"])
    assert ours["failed"] == ("Response", "resp_2", "failed", ["msg_0"])
    assert ours["incomplete"] == ("Response", "resp_3", "incomplete", ["msg_0"])
    assert ours["explicit"][3] == ["msg_z"]  # the server's output is kept as sent
    assert ours["error"][1:] == ("error", "boom")
    assert ours["after"] == "resp_6"


async def default_lane(impl: str, base_url: str) -> dict[str, Any]:
    mod = module(impl)
    async with async_client(impl, base_url) as client:
        async with client.responses.connect() as connection:
            async with mod.AsyncResponsesWebSocketSession(connection, limits=limits(mod)) as s:
                named = s.lane("named")
                script = [
                    {"type": "response.brand_new_event", "stream_id": None, "x": 1},
                    {
                        "type": "response.output_text.delta",
                        "stream_id": "ghost",
                        "item_id": "m",
                        "output_index": 0,
                        "content_index": 0,
                        "delta": "boo",
                        "logprobs": [],
                        "sequence_number": 0,
                    },
                    {
                        "type": "error",
                        "status": 400,
                        "error": {
                            "type": "invalid_request_error",
                            "code": "websocket_connection_limit_reached",
                            "message": "m",
                            "param": None,
                        },
                    },
                    *turn("resp_n", "named text"),
                ]
                await named.send(create(script))
                final = await named.get_final_response()
                seen = []
                for _ in range(3):
                    event = await s.default.recv()
                    seen.append((event.type, getattr(event, "stream_id", None)))
                return {"final": (final.id, final.output_text), "default": seen}


@pytest.mark.asyncio
async def test_default_lane_receives_unknown_unrouted_and_connection_errors(
    scripted: Scripted,
) -> None:
    ours = await default_lane("oxide", scripted.base_url)
    assert ours == await default_lane("sdk", scripted.base_url)
    assert ours["final"] == ("resp_n", "named text")
    assert ours["default"] == [
        ("response.brand_new_event", None),
        ("response.output_text.delta", "ghost"),
        ("error", None),
    ]


async def connection_failure(impl: str, base_url: str, code: int) -> list[str]:
    mod = module(impl)
    errors = []
    async with async_client(impl, base_url) as client:
        connection = await client.responses.connect().enter()
        async with mod.AsyncResponsesWebSocketSession(connection, limits=limits(mod)) as s:
            a = s.lane("a")
            await a.send(create([{"close": code}]))
            for lane in (a, s.default):
                with pytest.raises(Exception) as info:
                    await asyncio.wait_for(lane.recv(), 5)
                errors.append(type(info.value).__name__)
            with pytest.raises(RuntimeError, match="not active"):
                await a.send(create())
    return errors


@pytest.mark.asyncio
async def test_connection_failure_reaches_every_lane(scripted: Scripted) -> None:
    # A normal close ends every lane with EOFError, in both.
    assert await connection_failure("oxide", scripted.base_url, 1000) == ["EOFError"] * 2
    assert await connection_failure("sdk", scripted.base_url, 1000) == ["EOFError"] * 2
    # Any other close: the transport's own error (oxide's vs the `websockets` one).
    assert (
        await connection_failure("oxide", scripted.base_url, 1011)
        == [WebSocketConnectionClosedError.__name__] * 2
    )
    assert await connection_failure("sdk", scripted.base_url, 1011) == ["ConnectionClosedError"] * 2


def burst(n: int, lane: str | None = "$lane") -> list[Any]:
    return [
        {
            "type": "response.output_text.delta",
            "stream_id": lane,
            "item_id": "m",
            "output_index": 0,
            "content_index": 0,
            "delta": "x" * 10,
            "logprobs": [],
            "sequence_number": i,
        }
        for i in range(n)
    ]


async def overflow(impl: str, base_url: str, isolate: bool) -> dict[str, Any]:
    mod = module(impl)
    got: dict[str, Any] = {}
    async with async_client(impl, base_url) as client:
        async with client.responses.connect() as connection:
            session = mod.AsyncResponsesWebSocketSession(
                connection, limits=limits(mod, max_events_per_lane=4), isolate_lane_overflow=isolate
            )
            async with session as s:
                slow, healthy = s.lane("slow"), s.lane("healthy")
                await slow.send(create(burst(6)))
                # No read on the slow lane until the burst has been routed, whatever the timing:
                # the server answers frames in order, and the reader routes in order.
                if isolate:
                    await healthy.send(create(turn("resp_h", "fine")))
                    got["healthy"] = (await asyncio.wait_for(healthy.get_final_response(), 5)).id
                else:
                    # The overflow ends the session: a lane with nothing queued raises at once.
                    with pytest.raises(mod.ResponsesWebSocketBufferError) as info:
                        await asyncio.wait_for(healthy.recv(), 5)
                    got["healthy"] = str(info.value)
                with pytest.raises(mod.ResponsesWebSocketBufferError) as info:
                    # Without isolation what was queued before the overflow is still read.
                    for _ in range(10):
                        await asyncio.wait_for(slow.recv(), 5)
                got["slow"] = str(info.value)
                with pytest.raises(mod.ResponsesWebSocketBufferError):
                    await asyncio.wait_for(slow.get_final_response(), 5)
    return got


@pytest.mark.asyncio
@pytest.mark.parametrize("isolate", [False, True])
async def test_buffer_limits_as_the_sdk(scripted: Scripted, isolate: bool) -> None:
    ours = await overflow("oxide", scripted.base_url, isolate)
    assert ours == await overflow("sdk", scripted.base_url, isolate)
    if isolate:
        assert ours == {
            "slow": "The lane exceeded its buffered event limits",
            "healthy": "resp_h",
        }
    else:
        assert ours == {"slow": "The session exceeded its buffered event limits"} | {
            "healthy": "The session exceeded its buffered event limits"
        }


async def max_response_bytes(impl: str, base_url: str) -> tuple[str, str]:
    mod = module(impl)
    async with async_client(impl, base_url) as client:
        async with client.responses.connect() as connection:
            lim = limits(mod, max_response_bytes=600)
            async with mod.AsyncResponsesWebSocketSession(connection, limits=lim) as s:
                lane = s.lane("a")
                await lane.send(create(turn("resp_big", "y" * 400, "z" * 400)))
                with pytest.raises(mod.ResponsesWebSocketBufferError) as info:
                    await lane.get_final_response()
                # Raw events stay readable: collection alone stopped.
                rest: list[str] = []
                while not rest or rest[-1] != "response.completed":
                    rest.append((await lane.recv()).type)
                return str(info.value), rest[-1]


@pytest.mark.asyncio
async def test_max_response_bytes_stops_collection_only(scripted: Scripted) -> None:
    ours = await max_response_bytes("oxide", scripted.base_url)
    assert ours == await max_response_bytes("sdk", scripted.base_url)
    assert ours == ("Response accumulation exceeded max_response_bytes", "response.completed")


async def routing_errors(impl: str, base_url: str) -> list[tuple[str, str]]:
    mod = module(impl)
    errors: list[tuple[str, str]] = []

    async def expect(coro: Any) -> None:
        try:
            result = coro()
            if asyncio.iscoroutine(result):
                await result
        except Exception as exc:
            errors.append((type(exc).__name__, str(exc)))
        else:
            errors.append(("no error", ""))

    async with async_client(impl, base_url) as client:
        async with client.responses.connect() as connection:
            s = mod.AsyncResponsesWebSocketSession(connection, limits=limits(mod, max_lanes=3))
            lane = s.lane("a")
            await expect(lambda: lane.send(create()))  # before entering
            await expect(lambda: lane.recv())
            async with s:
                await expect(
                    lambda: mod.AsyncResponsesWebSocketSession(
                        connection, limits=limits(mod)
                    ).__aenter__()
                )
                await expect(lambda: lane.send(create(stream_id="b")))  # conflicting routing
                await expect(lambda: s.default.send(create(stream_id="a")))
                for bad in ("", "x" * 257, "with space", "é", 7):
                    await expect(lambda bad=bad: s.lane(bad))
                await expect(lambda: s.lane("a"))  # already registered
                s.lane("b")
                await expect(lambda: s.lane("c"))  # max_lanes counts the default lane
                await lane.send(create(turn("resp_1", "t"), stream_id="a"))  # matching: fine
                await expect(lambda: lane.send(create()))  # still in flight
                await lane.get_final_response()
                # Steering keeps its own fields and is not a create: no stream_id added.
                await lane.send(
                    {"type": "response.steer", "previous_response_id": "resp_1", "input": "more"}
                )
                await expect(lambda: s.__aenter__())
    return errors


@pytest.mark.asyncio
async def test_conflicting_routing_and_misuse_are_refused_as_the_sdk(scripted: Scripted) -> None:
    ours = await routing_errors("oxide", scripted.base_url)
    assert ours == await routing_errors("sdk", scripted.base_url)
    names = [name for name, _ in ours]
    assert (
        names
        == ["RuntimeError"] * 3
        + ["ValueError"] * 8
        + ["ResponsesWebSocketBufferError"]
        + ["RuntimeError"] * 2
    )
    assert ("ValueError", "The command stream_id does not match its lane") in ours
    frames = [
        f for f in scripted.received if f.get("type") in ("response.create", "response.steer")
    ]
    assert [f.get("stream_id") for f in frames] == ["a", None] * 2  # the valid sends, each run


async def closing(impl: str, base_url: str) -> dict[str, Any]:
    mod = module(impl)
    got: dict[str, Any] = {}
    async with async_client(impl, base_url) as client:
        connection = await client.responses.connect().enter()
        s = mod.AsyncResponsesWebSocketSession(connection, limits=limits(mod))
        async with s:
            a = s.lane("a")
            a.close()  # detached: the socket stays open, later events go to the default lane
            with pytest.raises(EOFError):
                await a.recv()
            with pytest.raises(RuntimeError, match="not active"):
                await a.send(create())
            with pytest.raises(ValueError, match="already registered"):
                s.lane("a")  # reserved until a reconnect
            b = s.lane("b")
            await b.send(
                create(
                    [
                        *turn("resp_b", "bee"),
                        {
                            "type": "response.created",
                            "stream_id": "a",
                            "response": response("resp_a"),
                        },
                    ]
                )
            )
            got["b"] = (await b.get_final_response()).id
            late = await s.default.recv()
            got["late"] = (late.type, late.stream_id)
            # A cancelled wait loses nothing and leaves the lane open.
            waiter = asyncio.ensure_future(b.recv())
            await asyncio.sleep(0.05)
            waiter.cancel()
            await b.send(create(turn("resp_b2", "again")))
            got["b2"] = (await b.get_final_response()).id
        with pytest.raises(RuntimeError, match="not active"):
            await b.send(create())
        with pytest.raises(RuntimeError, match="only be entered once"):
            await s.__aenter__()
        await s.close()  # idempotent
    return got


@pytest.mark.asyncio
async def test_closing_lanes_and_sessions_as_the_sdk(scripted: Scripted) -> None:
    ours = await closing("oxide", scripted.base_url)
    assert ours == await closing("sdk", scripted.base_url)
    assert ours == {"b": "resp_b", "late": ("response.created", "a"), "b2": "resp_b2"}


@pytest.mark.asyncio
async def test_closing_the_session_closes_the_connection(scripted: Scripted) -> None:
    async with oxide.AsyncOpenAI(api_key="sk-test", base_url=scripted.base_url) as client:
        connection = await client.responses.connect().enter()
        async with rws.AsyncResponsesWebSocketSession(connection, limits=limits(rws)) as s:
            lane = s.lane("a")
        with pytest.raises(WebSocketConnectionClosedError):
            await connection.send({"type": "response.create"})
        with pytest.raises(EOFError):
            await lane.recv()
        # The claim is released: the closed connection could take a session again.
        rws.AsyncResponsesWebSocketSession(connection, limits=limits(rws))


@pytest.mark.asyncio
async def test_reconnect_releases_closed_lanes_and_keeps_open_ones(scripted: Scripted) -> None:
    async with oxide.AsyncOpenAI(api_key="sk-test", base_url=scripted.base_url) as client:
        manager = client.responses.connect(on_reconnecting=lambda e: None, initial_delay=0.01)
        async with manager as connection:
            async with rws.AsyncResponsesWebSocketSession(connection, limits=limits(rws)) as s:
                keep, gone = s.lane("keep"), s.lane("gone")
                gone.close()
                await keep.send(create([{"close": 1011}]))  # a recoverable close, reconnected
                again = None
                for _ in range(500):  # the closed lane is released when the reader reaches
                    try:  # the reconnect, not before
                        again = s.lane("gone")
                        break
                    except ValueError:
                        await asyncio.sleep(0.01)
                assert again is not None and scripted.sockets == 2
                with pytest.raises(ValueError, match="already registered"):
                    s.lane("keep")  # an open lane stays registered on the new socket
                keep.close()  # its create's delivery was uncertain: restart the lane by hand
                await again.send(create(turn("resp_r", "back")))
                assert (await again.get_final_response()).id == "resp_r"


# -- sync ---------------------------------------------------------------------------------------


def sync_lanes(impl: str, base_url: str) -> dict[str, Any]:
    mod = module(impl)
    got: dict[str, Any] = {}
    with sync_client(impl, base_url) as client, client.responses.connect() as connection:
        with mod.ResponsesWebSocketSession(connection, limits=limits(mod)) as s:
            lanes = {name: s.lane(name) for name in ("a", "b", "c")}
            for name, lane in lanes.items():
                lane.send(create(input=f"say {name}"))
            results: dict[str, Any] = {}

            def collect(name: str) -> None:
                results[name] = lanes[name].get_final_response(timeout=10)

            threads = [threading.Thread(target=collect, args=(n,)) for n in lanes]
            for t in threads:
                t.start()
            for t in threads:
                t.join(15)
            got["texts"] = {n: r.output_text.split(".")[0] for n, r in results.items()}
            # A timeout consumes nothing and keeps the lane usable.
            with pytest.raises(TimeoutError):
                lanes["a"].recv(timeout=0.05)
            with pytest.raises(TimeoutError):
                lanes["b"].recv(timeout=0)
            lanes["a"].send(create(input="once more"))
            got["again"] = lanes["a"].get_final_response(timeout=10).output_text.split(".")[0]
            with pytest.raises(ValueError, match="does not match"):
                lanes["a"].send(create(stream_id="b"))
            s.default.send({"type": "response.create"})  # no model: the API's error, unrouted
            event = s.default.recv(timeout=10)
            got["default"] = (event.type, event.error.code)
        with pytest.raises(RuntimeError, match="not active"):
            lanes["a"].send(create())
        with pytest.raises(EOFError):
            lanes["a"].recv(timeout=1)
    return got


def test_sync_lanes_as_the_sdk() -> None:
    server = MockOpenAI.in_thread()
    with server:
        ours = sync_lanes("oxide", server.base_url)
        theirs = sync_lanes("sdk", server.base_url)
    assert ours == theirs
    assert ours["texts"] == {n: f'You said: "say {n}"' for n in "abc"}
    assert ours["again"] == 'You said: "once more"'
    assert ours["default"][0] == "error"


def sync_failures(impl: str, base_url: str) -> dict[str, Any]:
    mod = module(impl)
    got: dict[str, Any] = {}
    with sync_client(impl, base_url) as client:
        with client.responses.connect() as connection:
            lim = limits(mod, max_events_per_lane=4)
            with mod.ResponsesWebSocketSession(
                connection, limits=lim, isolate_lane_overflow=True
            ) as s:
                slow, ok = s.lane("slow"), s.lane("ok")
                slow.send(create(burst(6)))
                # Routed in order: once this turn is final, the burst has overflowed its lane.
                ok.send(create(turn("resp_ok", "fine", terminal="response.incomplete")))
                final = ok.get_final_response(timeout=5)
                got["ok"] = (final.status, out_ids(final))
                with pytest.raises(mod.ResponsesWebSocketBufferError) as info:
                    for _ in range(10):
                        slow.recv(timeout=5)
                got["slow"] = str(info.value)
                ok.send(create([{"close": 1011}]))
                with pytest.raises(Exception) as failure:
                    s.default.recv(timeout=5)
                got["closed"] = type(failure.value).__name__
    return got


def test_sync_overflow_and_connection_failure(scripted_thread: Scripted) -> None:
    ours = sync_failures("oxide", scripted_thread.base_url)
    theirs = sync_failures("sdk", scripted_thread.base_url)
    assert ours["closed"] == WebSocketConnectionClosedError.__name__
    assert theirs.pop("closed") == "ConnectionClosedError"
    ours.pop("closed")
    assert (
        ours
        == theirs
        == {
            "slow": "The lane exceeded its buffered event limits",
            "ok": ("incomplete", ["msg_0"]),
        }
    )


# -- the accumulator ------------------------------------------------------------------------------


def accumulator_script() -> list[Any]:
    lane = "$lane"
    return [
        {
            "type": "response.created",
            "stream_id": lane,
            "response": response("resp_acc", "in_progress"),
        },
        {
            "type": "response.output_item.added",
            "stream_id": lane,
            "output_index": 0,
            "sequence_number": 1,
            "item": {
                "type": "message",
                "id": "msg_a",
                "role": "assistant",
                "status": "in_progress",
                "content": [],
            },
        },
        {
            "type": "response.content_part.added",
            "stream_id": lane,
            "output_index": 0,
            "content_index": 0,
            "item_id": "msg_a",
            "sequence_number": 2,
            "part": {"type": "output_text", "text": "", "annotations": []},
        },
        {
            "type": "response.output_text.delta",
            "stream_id": lane,
            "output_index": 0,
            "content_index": 0,
            "item_id": "msg_a",
            "delta": "Hel",
            "logprobs": [{"token": "Hel", "logprob": -0.1, "bytes": [72], "top_logprobs": []}],
            "sequence_number": 3,
        },
        {
            "type": "response.output_text.delta",
            "stream_id": lane,
            "output_index": 0,
            "content_index": 0,
            "item_id": "msg_a",
            "delta": "lo",
            "logprobs": [],
            "sequence_number": 4,
        },
        {
            "type": "response.output_text.annotation.added",
            "stream_id": lane,
            "output_index": 0,
            "content_index": 0,
            "item_id": "msg_a",
            "annotation_index": 0,
            "sequence_number": 5,
            "annotation": {
                "type": "url_citation",
                "url": "https://x",
                "title": "t",
                "start_index": 0,
                "end_index": 1,
            },
        },
        {
            "type": "response.output_item.added",
            "stream_id": lane,
            "output_index": 2,
            "sequence_number": 6,
            "item": {
                "type": "function_call",
                "id": "fc_1",
                "call_id": "call_1",
                "name": "get",
                "arguments": "",
                "status": "in_progress",
            },
        },
        {
            "type": "response.function_call_arguments.delta",
            "stream_id": lane,
            "output_index": 2,
            "item_id": "fc_1",
            "delta": '{"a":',
            "sequence_number": 7,
        },
        {
            "type": "response.function_call_arguments.delta",
            "stream_id": lane,
            "output_index": 2,
            "item_id": "fc_1",
            "delta": " 1}",
            "sequence_number": 8,
        },
        {
            "type": "response.refusal.delta",
            "stream_id": lane,
            "output_index": 0,
            "content_index": 1,
            "item_id": "msg_a",
            "delta": "no",
            "sequence_number": 9,
        },
        {"type": "response.brand_new_event", "stream_id": lane, "whatever": True},
        {
            "type": "response.completed",
            "stream_id": lane,
            "sequence_number": 10,
            "response": response("resp_acc"),
        },
    ]


async def accumulate(impl: str, base_url: str) -> dict[str, Any]:
    mod = module(impl)
    async with async_client(impl, base_url) as client:
        async with client.responses.connect() as connection:
            async with mod.AsyncResponsesWebSocketSession(connection, limits=limits(mod)) as s:
                lane = s.lane("acc")
                accumulator = mod.ResponsesWebSocketAccumulator()
                with pytest.raises(RuntimeError, match="No terminal response"):
                    accumulator.get_final_response()
                await lane.send(create(accumulator_script()))
                while True:
                    event = await lane.recv()
                    accumulator.add_event(event)
                    if event.type == "response.completed":
                        break
                snapshot = accumulator.snapshot()
                detailed = accumulator.detailed_snapshot()
                final = accumulator.get_final_response()
                with pytest.raises(RuntimeError, match="Reset the accumulator"):
                    accumulator.add_event(event)
                with pytest.raises(ValueError, match="another WebSocket lane"):
                    accumulator.add_event(
                        event.model_copy(update={"stream_id": "other"})
                        if hasattr(event, "model_copy")
                        else event
                    )
                accumulator.reset()
                return {
                    "snapshot": dataclasses.asdict(snapshot),
                    "output_text": snapshot.output_text,
                    "hashable": hash(snapshot) == hash(snapshot),
                    "detailed": detailed,
                    "final": (final.id, final.status, type(final).__name__),
                    "after_reset": dataclasses.asdict(accumulator.snapshot()),
                }


@pytest.mark.asyncio
async def test_accumulator_snapshots_as_the_sdk(scripted: Scripted) -> None:
    ours = await accumulate("oxide", scripted.base_url)
    theirs = await accumulate("sdk", scripted.base_url)
    assert ours["snapshot"] == theirs["snapshot"]
    assert ours["detailed"] == theirs["detailed"]
    assert ours == theirs
    assert ours["output_text"] == "Hello"
    assert ours["snapshot"]["output"][1]["arguments"] == '{"a": 1}'
    part = ours["detailed"]["output"][0]["content"][0]["part"]
    assert part["annotations"][0]["annotation"]["url"] == "https://x"
    assert [p["token"] for p in part["logprobs"]] == ["Hel"]
    assert ours["detailed"]["output"][0]["content"][1]["part"] == {"refusal": "no"}
    assert ours["after_reset"] == {
        "stream_id": None,
        "response_id": None,
        "terminal_type": None,
        "output": (),
    }


async def typed_events(impl: str, base_url: str) -> tuple[str, str, str]:
    mod = module(impl)
    if impl == "oxide":
        from oxide.types.responses.responses_client_event import ResponseCreate
    else:
        from openai.types.responses.responses_client_event import ResponseCreate  # type: ignore[assignment]
    async with async_client(impl, base_url) as client:
        async with client.responses.connect() as connection:
            async with mod.AsyncResponsesWebSocketSession(connection, limits=limits(mod)) as s:
                lane = s.lane("typed")
                with pytest.raises(ValueError) as info:
                    await lane.send(
                        ResponseCreate(type="response.create", model=MODEL, stream_id="x")
                    )
                await lane.send(ResponseCreate(type="response.create", model=MODEL, input="typed"))
                final = await lane.get_final_response()
                return str(info.value), final.output_text.split(".")[0], type(final).__name__


@pytest.mark.asyncio
async def test_typed_client_events_as_the_sdk(mock_openai: MockOpenAI) -> None:
    ours = await typed_events("oxide", mock_openai.base_url)
    assert ours == await typed_events("sdk", mock_openai.base_url)
    assert ours == (
        "The command stream_id does not match its lane",
        'You said: "typed"',
        "ParsedResponse",
    )
    sent = [f for f in list(mock_openai.ws_connections)[0].received if isinstance(f, dict)]
    assert sent == [
        {"type": "response.create", "input": "typed", "model": MODEL, "stream_id": "typed"}
    ]


def sync_close(impl: str, base_url: str) -> dict[str, Any]:
    mod = module(impl)
    got: dict[str, Any] = {}
    with sync_client(impl, base_url) as client:
        connection = client.responses.connect().enter()
        s = mod.ResponsesWebSocketSession(connection, limits=limits(mod))
        with pytest.raises(RuntimeError, match="Enter the WebSocket session"):
            s.default.recv(timeout=0)
        with s:
            lane = s.lane("a")
            blocked: list[str] = []

            def wait() -> None:
                try:
                    lane.recv(timeout=10)
                except Exception as exc:
                    blocked.append(type(exc).__name__)

            waiter = threading.Thread(target=wait)
            waiter.start()
            lane.close()  # wakes the waiting thread: the lane is detached
            waiter.join(5)
            got["detached"] = list(blocked)
            b = s.lane("b")
            waiter = threading.Thread(target=lambda: blocked.append(_recv_error(b)))
            waiter.start()
        waiter.join(5)  # closing the session wakes it too
        got["closed"] = blocked[1:]
        # The connection is closed (the error is each transport's own).
        with pytest.raises(WebSocketConnectionClosedError if impl == "oxide" else Exception):
            connection.send({"type": "response.create"})
        s.close()  # idempotent
    return got


def _recv_error(lane: Any) -> str:
    try:
        lane.recv(timeout=10)
    except Exception as exc:
        return type(exc).__name__
    return "no error"


def test_sync_closing_wakes_waiters_and_closes_the_connection(scripted_thread: Scripted) -> None:
    ours = sync_close("oxide", scripted_thread.base_url)
    assert ours == sync_close("sdk", scripted_thread.base_url)
    assert ours == {"detached": ["EOFError"], "closed": ["EOFError"]}


def test_sync_reconnect_releases_closed_lanes(scripted_thread: Scripted) -> None:
    with oxide.OpenAI(api_key="sk-test", base_url=scripted_thread.base_url) as client:
        manager = client.responses.connect(on_reconnecting=lambda e: None, initial_delay=0.01)
        with manager as connection:
            with rws.ResponsesWebSocketSession(connection, limits=limits(rws)) as s:
                keep, gone = s.lane("keep"), s.lane("gone")
                gone.close()
                keep.send(create([{"close": 1011}]))
                again = None
                deadline = time.monotonic() + 5
                while again is None and time.monotonic() < deadline:
                    try:  # released once the reader reaches the reconnect
                        again = s.lane("gone")
                    except ValueError:
                        time.sleep(0.01)
                assert again is not None and scripted_thread.sockets == 2
                again.send(create(turn("resp_s", "sync back")))
                assert again.get_final_response(timeout=5).output_text == "sync back"
