"""The Live API's WebSocket connections (`client.live.connect()`, `client.live.forks.connect()`,
`client.live.sideband.connect()`), async and sync, over real sockets to an in-process server;
what oxide sends is compared with what the official SDK sends for the same calls."""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from typing import Any

import pytest

import oxide
from oxide import AuthenticationError, OpenAIError, WebSocketConnectionClosedError
from oxide._models import UnknownVariant
from oxide.types.live.error_event import ErrorEvent
from oxide.types.live.session_closed_event import SessionClosedEvent
from oxide.types.live.session_started_event import SessionStartedEvent

from ._live_server import LiveServer, live_server_fixture, live_server_in_thread  # noqa: F401

KEY = "sk-live-test"
UNKNOWN = {"type": "session.brand_new_event", "event_id": "evt_x", "payload": {"n": 1}}
ERROR = {
    "type": "error",
    "event_id": "evt_e",
    "error": {"code": "unknown_parameter", "message": "bad field", "type": "invalid_request_error"},
}


@pytest.mark.asyncio
async def test_async_live_session_round_trip(live_server: LiveServer) -> None:
    async with oxide.AsyncOpenAI(api_key=KEY, base_url=live_server.url) as client:
        manager = client.live.connect(extra_query={"trace": "on"}, extra_headers={"X-Trace": "1"})
        async with manager as conn:
            await conn.session.start(
                session={"model": "gpt-live-1", "instructions": "be brief"}, event_id="c1"
            )
            started = await conn.recv()
            assert isinstance(started, SessionStartedEvent)
            assert started.client_event_id == "c1" and started.session.id == "sess_1"
            await conn.session.update(session={"instructions": "shorter"})
            assert (await conn.recv()).type == "session.updated"
            await conn.session.input_audio.append(audio="AAAA")
            await conn.session.input_audio.mute()
            await conn.session.instructions.append(content="note", delegation_id=None)
            await conn.decision.create(event_id="d1")
            await conn.response.item.create(
                item={"type": "message", "role": "user", "content": "hi"}
            )
            await conn.send({"type": "test.script", "events": [UNKNOWN, ERROR]})
            unknown = await conn.recv()
            # A type this SDK version does not know is kept, raw, with attribute access.
            assert isinstance(unknown, UnknownVariant)
            assert unknown.type == "session.brand_new_event" and unknown.payload == {"n": 1}
            error = await conn.recv()
            assert isinstance(error, ErrorEvent) and error.error.code == "unknown_parameter"
            await conn.session.close()
            events = [event async for event in conn]  # the server's 1000 close ends it
            assert len(events) == 1 and isinstance(events[0], SessionClosedEvent)
            assert events[0].usage.seconds == 1.5
    shake = live_server.connections[0]
    assert shake.path == "/v1/live/sessions" and shake.query == [("trace", "on")]
    assert shake.headers["Authorization"] == f"Bearer {KEY}"
    assert shake.headers["X-Trace"] == "1"
    assert shake.received[0] == {
        "type": "session.start",
        "session": {"model": "gpt-live-1", "instructions": "be brief"},
        "event_id": "c1",
    }
    assert shake.types() == [
        "session.start",
        "session.update",
        "session.input_audio.append",
        "session.input_audio.mute",
        "session.instructions.append",
        "decision.create",
        "response.item.create",
        "test.script",
        "session.close",
    ]
    # `delegation_id` is required and nullable: sent as null, not left out.
    assert shake.received[4] == {
        "type": "session.instructions.append",
        "content": "note",
        "delegation_id": None,
    }


@pytest.mark.asyncio
async def test_async_dispatch_handlers_and_unhandled_error(live_server: LiveServer) -> None:
    async with oxide.AsyncOpenAI(api_key=KEY, base_url=live_server.url) as client:
        manager = client.live.connect()
        seen: list[str] = []
        manager.on("session.started", lambda e: seen.append(e.session.id))
        # Queued before the socket opens, sent once it does.
        manager.send({"type": "session.start", "session": {"model": "gpt-live-1"}})
        async with manager as conn:

            @conn.on("session.brand_new_event")
            async def on_new(event: Any) -> None:
                seen.append(event.type)
                await conn.send({"type": "test.script", "events": [ERROR]})

            await conn.send({"type": "test.script", "events": [UNKNOWN]})
            # An `error` event nobody handles ends dispatching with an OpenAIError.
            with pytest.raises(oxide.WebSocketServerError) as info:
                await conn.dispatch_events()
            assert isinstance(info.value, OpenAIError)
            assert info.value.code == "unknown_parameter" and "bad field" in str(info.value)
        assert seen == ["sess_1", "session.brand_new_event"]


@pytest.mark.asyncio
async def test_async_abnormal_close_and_handshake_errors(live_server: LiveServer) -> None:
    async with oxide.AsyncOpenAI(api_key=KEY, base_url=live_server.url) as client:
        async with client.live.connect() as conn:
            await conn.send({"type": "test.close", "code": 1011})
            with pytest.raises(WebSocketConnectionClosedError) as info:
                async for _ in conn:
                    pass
            assert info.value.code == 1011
        with pytest.raises(WebSocketConnectionClosedError):
            await conn.send({"type": "session.close"})  # after close()
        live_server.reject_status = 401
        with pytest.raises(AuthenticationError):
            async with client.live.forks.connect(session_id="sess_1"):
                pass


@pytest.mark.asyncio
async def test_async_forks_and_sideband_urls(live_server: LiveServer) -> None:
    async with oxide.AsyncOpenAI(api_key=KEY, base_url=live_server.url) as client:
        async with client.live.forks.connect(session_id="sess 1") as fork:
            await fork.session.start(session={})
            started = await fork.recv()
            assert started.type == "session.started"
        manager = client.live.sideband.connect(
            session_id="sess_1", graceful_close=True, extra_query={"trace": "on"}
        )
        async with manager as side:
            await side.transport.dtmf.send(event="5")
            await side.session.input_audio.unmute()
            dtmf = {"type": "transport.dtmf.received", "event": "5", "event_id": "evt_d"}
            await side.send({"type": "test.script", "events": [dtmf]})
            received = await side.recv()
            assert received.type == "transport.dtmf.received"
            assert received.event == "5"  # type: ignore[union-attr]
            assert not isinstance(received, UnknownVariant)  # a known sideband event
        async with client.live.sideband.connect(
            session_id="sess_1", graceful_close=False, extra_query={"graceful_close": "x"}
        ):
            pass
    fork_shake, side_shake, override = live_server.connections
    assert fork_shake.path == "/v1/live/sessions/sess%201/fork" and fork_shake.query == []
    assert fork_shake.received == [{"type": "session.start", "session": {}}]
    assert side_shake.path == "/v1/live/sessions/sess_1/attach"
    assert side_shake.query == [("graceful_close", "true"), ("trace", "on")]
    assert side_shake.types() == [
        "transport.dtmf.send",
        "session.input_audio.unmute",
        "test.script",
    ]
    assert override.query == [("graceful_close", "x")]  # extra_query wins, as in the SDK


def test_bad_arguments_fail_before_any_socket() -> None:
    client = oxide.OpenAI(api_key=KEY, base_url="http://127.0.0.1:9/v1")
    with pytest.raises(ValueError, match="session_id"):
        client.live.forks.connect(session_id="")
    with pytest.raises(ValueError, match="session_id"):
        client.live.sideband.connect(session_id="")
    with pytest.raises(ValueError):
        client.live.forks.connect(session_id="..")  # a dot segment would escape the path
    with pytest.raises(TypeError, match="graceful_close"):
        client.live.sideband.connect(session_id="s", graceful_close="yes")  # type: ignore[arg-type]
    client.close()


def test_sync_live_connection() -> None:
    with live_server_in_thread() as server:
        with oxide.OpenAI(api_key=KEY, base_url=server.url) as client:
            with client.live.connect() as conn:
                conn.session.start(session={"model": "gpt-live-1"})
                assert isinstance(conn.recv(), SessionStartedEvent)
                conn.send({"type": "test.script", "events": [UNKNOWN]})
                assert conn.recv().type == "session.brand_new_event"
                conn.session.output_audio.fixture.play(audio="AAAA")
                conn.session.thinking.append(content="hmm", delegation_id="del_1")
                conn.session.close()
                events = list(conn)
                assert [e.type for e in events] == ["session.closed"]
            with client.live.sideband.connect(session_id="sess_1") as side:
                side.send({"type": "test.close", "code": 4000})
                with pytest.raises(WebSocketConnectionClosedError) as info:
                    side.recv()
                assert info.value.code == 4000
        shake = server.connections[0]
        assert shake.types()[-3:] == [
            "session.output_audio.fixture.play",
            "session.thinking.append",
            "session.close",
        ]


# -- the same calls through the official SDK --------------------------------------------------


def _script(conn: Any) -> None:
    conn.session.start(session={"model": "gpt-live-1", "instructions": "x"}, event_id="c1")
    conn.recv()
    conn.session.update(session={"instructions": "y"})
    conn.recv()
    conn.session.commentary.append(content="c", delegation_id=None, event_id="e2")
    conn.session.input_audio.append(audio="AAAA")
    conn.decision.item.delete(item_id="item_1")
    conn.response.create()
    conn.send({"type": "test.script", "events": [UNKNOWN]})
    assert conn.recv().type == "session.brand_new_event"


def _sideband_script(conn: Any) -> None:
    conn.transport.dtmf.send(event="1")
    conn.session.update(session={"instructions": "z"})
    conn.recv()


def _fork_script(conn: Any) -> None:
    conn.session.start(session={})
    conn.recv()


@pytest.mark.parametrize(
    ("open_", "script"),
    [
        (lambda c: c.live.connect(extra_query={"a": "1"}), _script),
        (lambda c: c.live.forks.connect(session_id="sess/1"), _fork_script),
        (
            lambda c: c.live.sideband.connect(session_id="sess_1", graceful_close=False),
            _sideband_script,
        ),
    ],
    ids=["live", "forks", "sideband"],
)
def test_same_wire_as_the_official_sdk(
    open_: Callable[[Any], Any], script: Callable[[Any], None]
) -> None:
    import openai

    with live_server_in_thread() as server:
        official = openai.OpenAI(api_key=KEY, base_url=server.url)
        with open_(official) as conn:
            script(conn)
        official.close()
        with oxide.OpenAI(api_key=KEY, base_url=server.url) as client:
            with open_(client) as conn:
                script(conn)
        theirs, ours = server.connections
    assert ours.path == theirs.path
    assert ours.query == theirs.query
    assert ours.received == theirs.received
    assert ours.headers["Authorization"] == theirs.headers["Authorization"]


def test_surface_matches_the_sdk() -> None:
    """The connection namespaces oxide's connections carry are the SDK's."""
    import openai.resources.live.forks as sdk_forks
    import openai.resources.live.live as sdk_live
    import openai.resources.live.sideband as sdk_sideband

    from oxide.lib._websocket import live as ours

    for sdk, name in (
        (sdk_live, "LiveConnection"),
        (sdk_live, "AsyncLiveConnection"),
        (sdk_forks, "ForksConnection"),
        (sdk_forks, "AsyncForksConnection"),
        (sdk_sideband, "SidebandConnection"),
        (sdk_sideband, "AsyncSidebandConnection"),
    ):
        theirs = getattr(sdk, name)
        mine = getattr(ours, name)
        assert set(theirs.__annotations__) - {"_connection"} == set(mine.__annotations__)
        for method in ("send", "recv", "recv_bytes", "parse_event", "close", "on", "off", "once"):
            assert callable(getattr(mine, method))
        assert hasattr(mine, "__aiter__" if name.startswith("Async") else "__iter__")
        assert asyncio.iscoroutinefunction(mine.recv) == name.startswith("Async")


def test_client_headers_and_default_query_as_the_sdk() -> None:
    """`OpenAI-Organization` / `OpenAI-Project`, the client's `default_headers` and its
    `default_query` go on the handshake as in the SDK (shared by every WebSocket mode);
    `extra_query` / `extra_headers` replace them, and an `Omit` header removes one."""
    import openai

    options: dict[str, Any] = {
        "api_key": KEY,
        "organization": "org_1",
        "project": "proj_1",
        "default_headers": {"X-Custom": "client", "x-other": "client"},
        "default_query": {"dq": "1", "replaced": "default"},
    }
    with live_server_in_thread() as server:
        official = openai.OpenAI(base_url=server.url, **options)
        with official.live.connect(
            extra_query={"replaced": "call"}, extra_headers={"X-Other": "call"}
        ):
            pass
        official.close()
        with oxide.OpenAI(base_url=server.url, **options) as client:
            with client.live.connect(
                extra_query={"replaced": "call"}, extra_headers={"X-Other": "call"}
            ):
                pass
            with client.live.connect(extra_headers={"OpenAI-Project": oxide.omit}):
                pass
        theirs, ours, omitted = server.connections
    assert ours.query == theirs.query == [("dq", "1"), ("replaced", "call")]
    for name in ("OpenAI-Organization", "OpenAI-Project", "X-Custom", "X-Other", "Authorization"):
        assert ours.headers[name] == theirs.headers[name], name
    assert ours.headers["X-Other"] == "call"
    assert "OpenAI-Project" not in omitted.headers


def test_base_url_query_beats_default_query_as_in_the_sdk() -> None:
    """A key both in the base URL's query and in `default_query`: the URL's value is sent (the
    SDK merges the URL's params over the defaults); `extra_query` still wins over both."""
    import openai

    options: dict[str, Any] = {"api_key": KEY, "default_query": {"dq": "default", "d2": "2"}}
    with live_server_in_thread() as server:
        base = server.url + "?dq=url&b=1"
        official = openai.OpenAI(base_url=base, **options)
        with official.live.connect():
            pass
        with official.live.connect(extra_query={"b": "call"}):
            pass
        official.close()
        with oxide.OpenAI(base_url=base, **options) as client:
            with client.live.connect():
                pass
            with client.live.connect(extra_query={"b": "call"}):
                pass
        theirs, theirs_extra, ours, ours_extra = server.connections
    assert dict(theirs.query) == {"dq": "url", "d2": "2", "b": "1"}
    assert sorted(ours.query) == sorted(theirs.query)
    assert sorted(ours_extra.query) == sorted(theirs_extra.query)


def test_extra_query_sequences_and_none_as_in_the_sdk() -> None:
    """A list in `extra_query` repeats its key and None is sent empty, as the SDK's handshake."""
    import openai

    query = {"tags": ["a", "b"], "empty": None, "flag": True}
    with live_server_in_thread() as server:
        official = openai.OpenAI(base_url=server.url, api_key=KEY)
        with official.live.connect(extra_query=query):
            pass
        official.close()
        with oxide.OpenAI(base_url=server.url, api_key=KEY) as client:
            with client.live.connect(extra_query=query):
                pass
        theirs, ours = server.connections
    assert ("tags", "a") in theirs.query and ("tags", "b") in theirs.query
    assert sorted(ours.query) == sorted(theirs.query)
