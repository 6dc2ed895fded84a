"""The Realtime connections (GA and beta, async and sync) and the sync client's Responses
connection and session, against the embedded mock over real sockets."""

from __future__ import annotations

import math
import threading
from collections.abc import Iterator
from typing import Any

import pytest

import oxide
from oxide import ResponseInterruptedError
from oxide.testing import MockOpenAI, ThreadedMockOpenAI
from oxide.types.realtime.realtime_server_event import RealtimeServerEvent
from oxide.types.websocket_reconnection import ReconnectingEvent, ReconnectingOverrides

MODEL = "gpt-realtime"


@pytest.fixture
def mock() -> Iterator[ThreadedMockOpenAI]:
    server = MockOpenAI.in_thread()
    with server:
        yield server


def until(conn: Any, kind: str) -> list[Any]:
    """Events up to and including the first of type `kind`."""
    got = []
    for event in conn:
        got.append(event)
        if event.type == kind:
            return got
    raise AssertionError(f"closed before {kind}: {[e.type for e in got]}")


async def aiter_until(conn: Any, kind: str) -> list[Any]:
    got = []
    async for event in conn:
        got.append(event)
        if event.type == kind:
            return got
    raise AssertionError(f"closed before {kind}: {[e.type for e in got]}")


@pytest.mark.asyncio
async def test_realtime_async_text_turn_and_audio(mock_openai: MockOpenAI) -> None:
    async with oxide.AsyncOpenAI(api_key="sk-test", base_url=mock_openai.base_url) as client:
        async with client.realtime.connect(model=MODEL) as conn:
            created = await conn.recv()
            assert created.type == "session.created"
            await conn.session.update(
                session={"type": "realtime", "output_modalities": ["text"], "instructions": "hi"}
            )
            updated = await aiter_until(conn, "session.updated")
            assert updated[-1].session.instructions == "hi"  # type: ignore[union-attr]
            await conn.conversation.item.create(
                item={
                    "type": "message",
                    "role": "user",
                    "content": [{"type": "input_text", "text": "say something"}],
                }
            )
            await conn.response.create()
            events = await aiter_until(conn, "response.done")
            kinds = [e.type for e in events]
            assert "response.output_text.delta" in kinds
            assert events[-1].response.status == "completed"  # type: ignore[union-attr]
            # Audio helper: raw PCM16 bytes, base64-encoded for the wire (100 ms at 24 kHz).
            await conn.append_audio(b"\x00\x00" * 2400)
            await conn.input_audio_buffer.commit()
            committed = await aiter_until(conn, "input_audio_buffer.committed")
            assert committed[-1].type == "input_audio_buffer.committed"
            with pytest.raises(ValueError):
                await conn.append_audio(b"\x00\x00\x00")  # half a sample
            with pytest.raises(ValueError):
                await conn.session.update(session={"type": "realtime", "temperature": math.inf})  # type: ignore[typeddict-unknown-key]
        record = list(mock_openai.ws_connections)[0]
        assert record.query["model"] == MODEL
        assert record.received_types().count("session.update") == 1  # the inf one never left
        for frame in record.sent:
            assert frame  # every server event type recorded
        # Every server event decoded to its own class, not a raw fallback.
        decoded = [e for e in events if isinstance(e, RealtimeServerEvent)]
        assert decoded == events


def test_realtime_beta_sync(mock: ThreadedMockOpenAI) -> None:
    with oxide.OpenAI(api_key="sk-test", base_url=mock.base_url) as client:
        with client.beta.realtime.connect(model=MODEL) as conn:
            assert conn.recv().type == "session.created"
            conn.session.update(session={"modalities": ["text"]})
            conn.conversation.item.create(
                item={
                    "type": "message",
                    "role": "user",
                    "content": [{"type": "input_text", "text": "hello beta"}],
                }
            )
            conn.response.create()
            events = until(conn, "response.done")
            assert "response.text.delta" in [e.type for e in events]  # the beta name
    record = list(mock.mock.ws_connections)[0]
    assert record.headers.get("OpenAI-Beta") == "realtime=v1"


def test_sync_responses_connection_reconnects_and_dispatches(mock: ThreadedMockOpenAI) -> None:
    hooks: list[ReconnectingEvent] = []

    def hook(event: ReconnectingEvent) -> ReconnectingOverrides:
        hooks.append(event)
        return {"extra_query": {}}  # the next socket comes without the fault

    with oxide.OpenAI(api_key="sk-test", base_url=mock.base_url) as client:
        manager = client.responses.connect(
            extra_query={"mock_ws_fault": "close", "mock_ws_code": "1011", "mock_ws_after": "5"},
            on_reconnecting=hook,
            initial_delay=0.01,
            max_delay=0.02,
        )
        with manager as conn:
            conn.response.create(model="gpt-4o-mini", input="first")
            with pytest.raises(ResponseInterruptedError) as info:
                # Closed after 5 events mid-response: the reader reconnects, and the lost
                # response is reported once (never silently dropped, never resent)...
                until(conn, "response.completed")
            assert info.value.code == 1011 and info.value.response_id
            conn.response.create(model="gpt-4o-mini", input="second")
            events = until(conn, "response.completed")  # ...and the connection goes on
            assert events[-1].type == "response.completed"
        assert hooks and hooks[0].close_code == 1011
    assert mock.mock.ws_accepted == 2


def test_sync_dispatch_and_threads(mock: ThreadedMockOpenAI) -> None:
    with oxide.OpenAI(api_key="sk-test", base_url=mock.base_url) as client:
        seen: list[str] = []
        with client.responses.connect() as conn:
            conn.on("response.output_text.delta", lambda e: seen.append(e.delta))

            @conn.on("response.completed")
            def done(event: Any) -> None:
                seen.append("done")
                conn.close()

            conn.response.create(model="gpt-4o-mini", input="dispatch me")
            conn.dispatch_events()
        assert seen[-1] == "done" and len(seen) > 2
        # The sync session from several threads at once, one conversation each.
        errors: list[BaseException] = []

        def agent(k: int) -> None:
            try:
                with client.responses.session(model="gpt-4o-mini") as session:
                    first = session.create(input=f"thread {k}")
                    text = "".join(
                        e.delta
                        for e in session.stream(input="again")
                        if e.type == "response.output_text.delta"
                    )
                    assert text
                    assert session.previous_response_id not in (None, first.id)
            except BaseException as exc:  # reported by the main thread
                errors.append(exc)

        threads = [threading.Thread(target=agent, args=(k,)) for k in range(8)]
        for t in threads:
            t.start()
        for t in threads:
            t.join(30)
        assert errors == []
