"""The official WebSocket surface (`client.responses.connect()`), async: sending, receiving,
handlers, close codes, reconnection and the send queue, against a scripted server over real
sockets (tests/websocket/conftest.py). RELIABILITY.md 3.7 rows are named where they apply."""

from __future__ import annotations

import asyncio
import math
from typing import Any

import pytest

import oxide
from oxide import (
    AuthenticationError,
    WebSocketConnectionClosedError,
    WebSocketMessageTooLargeError,
    WebSocketServerError,
)
from oxide.lib._websocket._transport import CrossOriginRedirectError
from oxide.types.responses.response_completed_event import ResponseCompletedEvent
from oxide.types.responses.response_text_delta_event import ResponseTextDeltaEvent
from oxide.types.websocket_reconnection import ReconnectingEvent, ReconnectingOverrides

from .conftest import ScriptedServer

pytestmark = pytest.mark.asyncio

FAST = {"initial_delay": 0.01, "max_delay": 0.02}


def make_client(server: ScriptedServer, **kwargs: Any) -> oxide.AsyncOpenAI:
    return oxide.AsyncOpenAI(api_key="sk-test", base_url=server.url, max_retries=0, **kwargs)


def oxide_tasks() -> list[asyncio.Task[Any]]:
    """Live tasks running oxide code (the connections' reader tasks)."""
    return [
        t
        for t in asyncio.all_tasks()
        if not t.done() and getattr(t.get_coro(), "__qualname__", "").endswith("._read_loop")
    ]


async def test_send_recv_typed_events_and_clean_end(ws_server: ScriptedServer) -> None:
    async with make_client(ws_server) as client:
        async with client.responses.connect(
            extra_query={"q": "1"}, extra_headers={"X-Test": "yes"}
        ) as conn:
            await conn.send({"type": "response.create", "model": "m", "n": 2})
            assert len(oxide_tasks()) == 1  # one reader task per connection
            first = await conn.recv()
            assert isinstance(first, ResponseTextDeltaEvent)
            assert first.delta == "d0"
            raw = await conn.recv_bytes()
            assert conn.parse_event(raw).delta == "d1"  # type: ignore[union-attr]
            done = await conn.recv()
            assert isinstance(done, ResponseCompletedEvent)
            await conn.send({"type": "test.close", "code": 1000})
            assert [e async for e in conn] == []  # W1: a 1000 close ends the iteration
        assert oxide_tasks() == []  # the reader task is gone
        shake = ws_server.connections[0]
        assert shake.query == {"q": "1"}
        assert shake.headers["Authorization"] == "Bearer sk-test"
        assert shake.headers["X-Test"] == "yes"
        assert shake.headers["User-Agent"] == client.user_agent
        assert ws_server.received[0][0] == {"type": "response.create", "model": "m", "n": 2}


async def test_unknown_event_type_decodes_and_keeps_its_data(ws_server: ScriptedServer) -> None:
    async with make_client(ws_server) as client, client.responses.connect() as conn:
        event = conn.parse_event(b'{"type":"response.brand_new","x":1}')
        assert event.type == "response.brand_new"
        assert event.x == 1  # type: ignore[union-attr]


async def test_response_create_resource_sends_the_official_event(ws_server: ScriptedServer) -> None:
    async with make_client(ws_server) as client, client.responses.connect() as conn:
        await conn.response.create(model="gpt-test", input="hi", store=False)
        events = [await conn.recv() for _ in range(4)]
        assert events[-1].type == "response.completed"
    assert ws_server.received[0][0] == {
        "type": "response.create",
        "model": "gpt-test",
        "input": "hi",
        "store": False,
    }


async def test_nan_is_refused_before_sending(ws_server: ScriptedServer) -> None:
    async with make_client(ws_server) as client, client.responses.connect() as conn:
        with pytest.raises(ValueError):
            await conn.send({"type": "response.create", "temperature": math.nan})
        with pytest.raises(UnicodeEncodeError):
            await conn.send({"type": "response.create", "input": "\ud800"})
        await conn.send({"type": "response.create", "n": 0})
        await conn.recv()
    assert ws_server.received[0] == [{"type": "response.create", "n": 0}]


async def test_handlers_on_off_once_and_dispatch(ws_server: ScriptedServer) -> None:
    seen: list[str] = []
    async with make_client(ws_server) as client:
        manager = client.responses.connect()

        @manager.on("response.output_text.delta")
        async def on_delta(event: Any) -> None:
            seen.append(event.delta)

        manager.once("event", lambda e: seen.append("first:" + e.type))
        manager.send({"type": "response.create", "n": 2})  # queued before connecting
        async with manager as conn:
            extra = conn.on("response.completed", lambda e: seen.append("done"))
            assert extra is conn
            conn.off("response.completed", lambda e: None)  # not registered: no-op
            await conn.send({"type": "test.close", "code": 1000})
            await conn.dispatch_events()
    assert seen == ["d0", "first:response.output_text.delta", "d1", "done"]


async def test_error_event_without_handler_raises(ws_server: ScriptedServer) -> None:
    async with make_client(ws_server) as client, client.responses.connect() as conn:
        await conn.send({"type": "test.error", "code": "boom"})
        with pytest.raises(WebSocketServerError) as info:
            await conn.dispatch_events()
        assert info.value.code == "boom"
        assert info.value.status == 400
        assert isinstance(info.value, oxide.OpenAIError)


@pytest.mark.parametrize("code", [1001, 1011, 1012, 1013, 1008, 4000])
async def test_close_codes_without_reconnect_raise_with_the_code(
    ws_server: ScriptedServer, code: int
) -> None:
    # W2-W4: without reconnection only 1000 ends quietly; every other close is an error.
    async with make_client(ws_server) as client, client.responses.connect() as conn:
        await conn.send({"type": "test.close", "code": code, "before": 1})
        with pytest.raises(WebSocketConnectionClosedError) as info:
            [e async for e in conn]
        assert info.value.code == code
        assert info.value.reason == "scripted"


async def test_abrupt_close_is_1006(ws_server: ScriptedServer) -> None:
    async with make_client(ws_server) as client, client.responses.connect() as conn:
        await conn.send({"type": "test.abort", "before": 2})
        got = []
        with pytest.raises(WebSocketConnectionClosedError) as info:
            async for event in conn:
                got.append(event)
        assert len(got) == 2  # what arrived before the drop is delivered
        assert info.value.code == 1006
        assert info.value.recoverable


@pytest.mark.parametrize("code", [1001, 1011])
async def test_reconnects_with_hook_and_flushes_the_queue(
    ws_server: ScriptedServer, code: int
) -> None:
    # W2, W3, W8: a recoverable close reconnects (1001, a deploy, too: the SDK ends silently);
    # sends made meanwhile go out in order after it.
    events: list[ReconnectingEvent] = []

    def hook(event: ReconnectingEvent) -> ReconnectingOverrides:
        events.append(event)
        return {"extra_query": {"attempt": str(event.attempt)}}

    async with make_client(ws_server) as client:
        async with client.responses.connect(on_reconnecting=hook, **FAST) as conn:
            await conn.send({"type": "test.close", "code": code})
            # Wait for the reconnect; then the socket is a new one.
            for _ in range(200):
                if len(ws_server.connections) == 2:
                    break
                await asyncio.sleep(0.01)
            await conn.send({"type": "response.create", "n": 1})
            got = [await conn.recv() for _ in range(2)]
            assert [e.type for e in got] == ["response.output_text.delta", "response.completed"]
        assert len(ws_server.connections) == 2
        assert events[0].close_code == code and events[0].attempt == 1
        assert 0 < events[0].delay <= 0.01
        assert ws_server.connections[1].query == {"attempt": "1"}


async def test_sends_while_reconnecting_are_queued_in_order(ws_server: ScriptedServer) -> None:
    async with make_client(ws_server) as client:
        manager = client.responses.connect(
            on_reconnecting=lambda e: None, initial_delay=0.2, max_delay=0.2
        )
        async with manager as conn:
            await conn.send({"type": "test.close", "code": 1012})
            for _ in range(200):
                if conn._is_reconnecting:
                    break
                await asyncio.sleep(0.005)
            assert conn._is_reconnecting
            for i in range(3):
                await conn.send({"type": "note", "i": i})
            assert len(conn._send_queue) == 3
            await conn.send({"type": "response.create", "n": 0})
            assert (await conn.recv()).type == "response.completed"
        assert ws_server.received[1] == [
            {"type": "note", "i": 0},
            {"type": "note", "i": 1},
            {"type": "note", "i": 2},
            {"type": "response.create", "n": 0},
        ]


async def test_send_queue_overflow_raises_and_keeps_what_fits(ws_server: ScriptedServer) -> None:
    # W3/W8: the queue used while reconnecting is bounded in bytes; a send over the budget
    # raises WebSocketQueueFullError (nothing half-queued) and the queued ones still go out.
    async with make_client(ws_server) as client:
        manager = client.responses.connect(
            on_reconnecting=lambda e: None, initial_delay=0.3, max_delay=0.3, max_queue_size=300
        )
        async with manager as conn:
            await conn.send({"type": "test.close", "code": 1012})
            for _ in range(200):
                if conn._is_reconnecting:
                    break
                await asyncio.sleep(0.005)
            await conn.send({"type": "note", "pad": "x" * 100})
            with pytest.raises(oxide.WebSocketQueueFullError):
                await conn.send({"type": "note", "pad": "y" * 250})
            await conn.send({"type": "response.create", "n": 0})
            assert (await conn.recv()).type == "response.completed"
        assert ws_server.received[1] == [
            {"type": "note", "pad": "x" * 100},
            {"type": "response.create", "n": 0},
        ]


async def test_server_closing_1009_after_a_big_send_is_not_replayed(
    ws_server: ScriptedServer,
) -> None:
    # W7: the server refused what was sent as too big; reconnecting would send it again.
    calls: list[int] = []
    async with make_client(ws_server) as client:
        async with client.responses.connect(
            on_reconnecting=lambda e: calls.append(e.attempt), **FAST
        ) as conn:
            await conn.send({"type": "test.close", "code": 1009, "pad": "z" * 10_000})
            with pytest.raises(WebSocketMessageTooLargeError) as info:
                await conn.recv()
            assert info.value.code == 1009 and not info.value.recoverable
    assert calls == []
    assert len(ws_server.connections) == 1


async def test_hook_abort_and_non_recoverable_codes_do_not_reconnect(
    ws_server: ScriptedServer,
) -> None:
    async with make_client(ws_server) as client:
        async with client.responses.connect(on_reconnecting=lambda e: {"abort": True}) as conn:
            await conn.send({"type": "test.close", "code": 1011})
            with pytest.raises(WebSocketConnectionClosedError):
                await conn.recv()
        calls: list[int] = []
        async with client.responses.connect(
            on_reconnecting=lambda e: calls.append(e.attempt), **FAST
        ) as conn:
            await conn.send({"type": "test.close", "code": 1008})  # policy violation: W4
            with pytest.raises(WebSocketConnectionClosedError) as info:
                await conn.recv()
            assert info.value.code == 1008
        assert calls == []
    assert len(ws_server.connections) == 2


async def test_gives_up_after_max_retries_with_unsent_messages(ws_server: ScriptedServer) -> None:
    attempts: list[int] = []

    def hook(event: ReconnectingEvent) -> None:
        attempts.append(event.attempt)
        ws_server.reject_status = 503  # every reconnect fails its handshake
        return None

    async with make_client(ws_server) as client:
        async with client.responses.connect(on_reconnecting=hook, max_retries=3, **FAST) as conn:
            await conn.send({"type": "test.close", "code": 1013})
            for _ in range(200):
                if conn._is_reconnecting:
                    break
                await asyncio.sleep(0.002)
            await conn.send({"type": "kept"})
            with pytest.raises(WebSocketConnectionClosedError) as info:
                await conn.recv()
    assert attempts == [1, 2, 3]
    assert info.value.unsent_messages == ['{"type":"kept"}']


async def test_inbound_message_too_large_is_not_reconnected(ws_server: ScriptedServer) -> None:
    # W6/W7: 1009 raises its own type and is never retried.
    calls: list[int] = []
    async with make_client(ws_server) as client:
        async with client.responses.connect(
            websocket_connection_options={"max_size": 1024},
            on_reconnecting=lambda e: calls.append(1),
            **FAST,
        ) as conn:
            await conn.send({"type": "test.big", "size": 4096})
            with pytest.raises(WebSocketMessageTooLargeError) as info:
                await conn.recv()
            assert info.value.code == 1009
    assert calls == []
    assert len(ws_server.connections) == 1


async def test_missed_pongs_close_the_connection(ws_server: ScriptedServer) -> None:
    # W5: aiohttp pings only when told to; oxide turns the heartbeat on.
    ws_server.autoping = False
    async with make_client(ws_server) as client:
        async with client.responses.connect(
            websocket_connection_options={"ping_interval": 0.1}
        ) as conn:
            with pytest.raises(WebSocketConnectionClosedError) as info:
                await asyncio.wait_for(conn.recv(), 5)
            assert info.value.code == 1006


async def test_one_reader_and_cancelled_recv_loses_nothing(ws_server: ScriptedServer) -> None:
    # W10, W11
    async with make_client(ws_server) as client, client.responses.connect() as conn:
        waiting = asyncio.ensure_future(conn.recv())
        await asyncio.sleep(0.01)
        with pytest.raises(RuntimeError, match="already receiving"):
            await conn.recv()
        waiting.cancel()
        with pytest.raises(asyncio.CancelledError):
            await waiting
        for _ in range(5):
            pending = asyncio.ensure_future(conn.recv())
            await asyncio.sleep(0)
            pending.cancel()
        await conn.send({"type": "response.create", "n": 3})
        got = [(await conn.recv()).type for _ in range(4)]
        assert got == ["response.output_text.delta"] * 3 + ["response.completed"]


async def test_send_after_close_and_close_during_backoff(ws_server: ScriptedServer) -> None:
    # W12
    async with make_client(ws_server) as client:
        conn = await client.responses.connect().enter()
        await conn.close()
        with pytest.raises(WebSocketConnectionClosedError):
            await conn.send({"type": "response.create"})
        conn = await client.responses.connect(
            on_reconnecting=lambda e: None, initial_delay=30, max_delay=30
        ).enter()
        await conn.send({"type": "test.close", "code": 1011})
        for _ in range(200):
            if conn._is_reconnecting:
                break
            await asyncio.sleep(0.005)
        started = asyncio.get_running_loop().time()
        await conn.close()
        assert asyncio.get_running_loop().time() - started < 5
        assert len(ws_server.connections) == 2


async def test_concurrent_sends_never_interleave(ws_server: ScriptedServer) -> None:
    # W9: 2000 sends from 20 tasks arrive whole and in each task's order.
    async with make_client(ws_server) as client, client.responses.connect() as conn:

        async def sender(k: int) -> None:
            for i in range(100):
                await conn.send({"type": "note", "k": k, "i": i})

        await asyncio.gather(*(sender(k) for k in range(20)))
        await conn.send({"type": "response.create", "n": 0})
        await conn.recv()
    notes = [m for m in ws_server.received[0] if m["type"] == "note"]
    assert len(notes) == 2000
    for k in range(20):
        assert [m["i"] for m in notes if m["k"] == k] == list(range(100))


async def test_handshake_errors_are_api_errors(ws_server: ScriptedServer) -> None:
    ws_server.reject_status = 401
    async with make_client(ws_server) as client:
        with pytest.raises(AuthenticationError) as info:
            await client.responses.connect().enter()
        assert info.value.status_code == 401


async def test_cross_origin_redirect_is_refused(ws_server: ScriptedServer) -> None:
    # W13: the handshake carries credentials; another origin never sees them.
    ws_server.redirect_to = ws_server.url.replace("127.0.0.1", "localhost") + "/responses"
    async with make_client(ws_server) as client:
        with pytest.raises(CrossOriginRedirectError):
            await client.responses.connect().enter()


async def test_unknown_connection_option_is_refused_where_given(ws_server: ScriptedServer) -> None:
    async with make_client(ws_server) as client:
        with pytest.raises(TypeError, match="bogus"):
            client.responses.connect(websocket_connection_options={"bogus": 1})  # type: ignore[typeddict-unknown-key]


async def test_websocket_base_url_is_used(ws_server: ScriptedServer) -> None:
    ws_url = ws_server.url.replace("http://", "ws://")
    async with oxide.AsyncOpenAI(
        api_key="k", base_url="http://127.0.0.1:9/unused", websocket_base_url=ws_url
    ) as client:
        async with client.responses.connect() as conn:
            await conn.send({"type": "response.create", "n": 0})
            assert (await conn.recv()).type == "response.completed"
