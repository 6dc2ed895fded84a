"""Realtime translation over WebSocket: `client.realtime.translations.connect(model)` and the
stricter `oxide.lib.realtime_translation` sessions, async and sync, over real sockets to an
in-process server; URLs and refusals compared with the official SDK's."""

from __future__ import annotations

import time
from typing import Any

import msgspec
import pytest

import oxide
from oxide import OpenAIError, WebSocketConnectionClosedError
from oxide._models import UnknownVariant
from oxide.lib.realtime_translation import (
    AsyncTranslationConnection,
    AsyncTranslationSession,
    TranslationConnection,
    TranslationSession,
)
from oxide.types.realtime.realtime_translation_session_closed_event import (
    RealtimeTranslationSessionClosedEvent,
)
from oxide.types.realtime.realtime_translation_session_created_event import (
    RealtimeTranslationSessionCreatedEvent,
)

from ._live_server import LiveServer, live_server_fixture, live_server_in_thread  # noqa: F401

KEY = "sk-translate-test"
MODEL = "gpt-realtime-translate"
DELTA = {"type": "session.output_transcript.delta", "event_id": "e9", "delta": "bonjour"}
UNKNOWN = {"type": "session.output_text.brand_new", "event_id": "e8", "text": "?"}


@pytest.mark.asyncio
async def test_async_connect_round_trip(live_server: LiveServer) -> None:
    async with oxide.AsyncOpenAI(api_key=KEY, base_url=live_server.url) as client:
        manager = client.realtime.translations.connect(MODEL, extra_query={"trace": "1"})
        async with manager as conn:
            created = await conn.recv()
            assert isinstance(created, RealtimeTranslationSessionCreatedEvent)
            assert created.session.audio.output.language == "fr"  # type: ignore[union-attr]
            await conn.session.update(session={"audio": {"output": {"language": "de"}}})
            assert (await conn.recv()).type == "session.updated"
            await conn.session.input_audio_buffer.append(audio="AAAA", event_id="a1")
            await conn.send({"type": "test.script", "events": [DELTA, UNKNOWN]})
            delta = await conn.recv()
            assert delta.type == "session.output_transcript.delta" and delta.delta == "bonjour"  # type: ignore[union-attr]
            unknown = await conn.recv()
            assert isinstance(unknown, UnknownVariant) and unknown.text == "?"
            await conn.session.close()
            rest = [event async for event in conn]
            assert [type(e) for e in rest] == [RealtimeTranslationSessionClosedEvent]
    shake = live_server.connections[0]
    assert shake.path == "/v1/realtime/translations"
    assert shake.query == [("model", MODEL), ("trace", "1")]
    assert shake.headers["Authorization"] == f"Bearer {KEY}"
    assert shake.received[:3] == [
        {"type": "session.update", "session": {"audio": {"output": {"language": "de"}}}},
        {"type": "session.input_audio_buffer.append", "audio": "AAAA", "event_id": "a1"},
        {"type": "test.script", "events": [DELTA, UNKNOWN]},
    ]
    assert shake.received[3] == {"type": "session.close"}


@pytest.mark.asyncio
async def test_async_session_closes_input_and_connection(live_server: LiveServer) -> None:
    async with oxide.AsyncOpenAI(api_key=KEY, base_url=live_server.url) as client:
        session = AsyncTranslationSession(client.realtime.translations, model=MODEL)
        async with session as conn:
            assert isinstance(conn, AsyncTranslationConnection)
            assert (await conn.recv()).type == "session.created"
            await conn.send({"type": "session.update", "session": {}})
            assert (await conn.recv()).type == "session.updated"
            await conn.send({"type": "session.close"})
            await conn.send({"type": "session.close"})  # a second close: nothing sent
            with pytest.raises(OpenAIError, match="input is closed"):
                await conn.send({"type": "session.input_audio_buffer.append", "audio": "AA"})
            closed = await conn.recv()
            assert isinstance(closed, RealtimeTranslationSessionClosedEvent)
            # `session.closed` closed the connection: nothing more to read.
            with pytest.raises(WebSocketConnectionClosedError):
                await conn.recv()
        with pytest.raises(RuntimeError, match="only be entered once"):
            await session.enter()
    assert live_server.connections[0].types() == ["session.update", "session.close"]


@pytest.mark.asyncio
async def test_malformed_session_closed_is_refused(live_server: LiveServer) -> None:
    async with oxide.AsyncOpenAI(api_key=KEY, base_url=live_server.url) as client:
        async with AsyncTranslationSession(client.realtime.translations, model=MODEL) as conn:
            await conn.recv()
            await conn._connection.send(
                {"type": "test.script", "events": [{"type": "session.closed"}]}
            )
            # Only a complete terminal event may end the session (no event_id here).
            with pytest.raises(msgspec.ValidationError):
                await conn.recv()
            assert conn._state == "open"


def test_sync_session_with_timeouts() -> None:
    with live_server_in_thread() as server:
        with oxide.OpenAI(api_key=KEY, base_url=server.url) as client:
            with TranslationSession(client.realtime.translations, model=MODEL) as conn:
                assert isinstance(conn, TranslationConnection)
                assert conn.recv(timeout=5).type == "session.created"
                started = time.monotonic()
                with pytest.raises(TimeoutError):
                    conn.recv(timeout=0.05)
                assert time.monotonic() - started < 2
                conn.send({"type": "test.script", "events": [DELTA]})
                assert conn.recv(timeout=5).type == "session.output_transcript.delta"
                conn.send({"type": "session.close"})
                assert conn.recv(timeout=5).type == "session.closed"
                with pytest.raises(OpenAIError):
                    conn.send({"type": "session.update", "session": {}})
            with client.realtime.translations.connect(model=MODEL) as plain:
                assert plain.recv().type == "session.created"
                plain.session.input_audio_buffer.append(audio="AAAA")
                plain.send({"type": "test.close", "code": 1011})
                with pytest.raises(WebSocketConnectionClosedError) as info:
                    list(plain)
                assert info.value.code == 1011
        assert server.connections[1].types() == ["session.input_audio_buffer.append", "test.close"]


# -- what the official SDK does with the same configuration -------------------------------------


def _clients(server: LiveServer, **options: Any) -> tuple[Any, oxide.OpenAI]:
    import openai

    return openai.OpenAI(api_key=KEY, **options), oxide.OpenAI(api_key=KEY, **options)


@pytest.mark.parametrize(
    ("base_query", "default_query", "gateway_query", "extra_query"),
    [
        ("", None, None, {}),
        ("?keep=1&shared=base", {"shared": "default", "d": "2"}, None, {"x": "3"}),
        ("?keep=1", None, "?gw=1&keep=ws", {"model": "override", "blank": None}),
        ("", {"d": "1"}, "", {"d": "call"}),
    ],
)
def test_session_url_matches_the_sdk(
    base_query: str,
    default_query: dict[str, str] | None,
    gateway_query: str | None,
    extra_query: dict[str, Any],
) -> None:
    from openai.lib.realtime_translation import TranslationSession as SdkSession

    with live_server_in_thread() as server:
        options: dict[str, Any] = {"base_url": server.url + base_query}
        if default_query is not None:
            options["default_query"] = default_query
        if gateway_query is not None:
            options["websocket_base_url"] = server.url.replace("http", "ws") + gateway_query
        official, ours = _clients(server, **options)
        with SdkSession(official.realtime.translations, model=MODEL, extra_query=extra_query) as c:
            assert c.recv().type == "session.created"
        with TranslationSession(
            ours.realtime.translations, model=MODEL, extra_query=extra_query
        ) as c:
            assert c.recv().type == "session.created"
        official.close()
        ours.close()
        theirs, mine = server.connections
    assert mine.path == theirs.path == "/v1/realtime/translations"
    assert mine.query == theirs.query


@pytest.mark.parametrize(
    ("options", "model", "extra_query"),
    [
        ({}, "", {}),
        ({}, MODEL, {"intent": "transcribe"}),
        ({"default_query": {"intent": "x"}}, MODEL, {}),
        ({"base_url": "http://127.0.0.1:9/v1?intent=x"}, MODEL, {}),
        ({"websocket_base_url": "ws://127.0.0.1:9/v1?intent=x"}, MODEL, {}),
    ],
)
def test_session_refusals_match_the_sdk(
    options: dict[str, Any], model: str, extra_query: dict[str, Any]
) -> None:
    import openai
    from openai.lib.realtime_translation import TranslationSession as SdkSession

    options = {"base_url": "http://127.0.0.1:9/v1", **options}
    official = openai.OpenAI(api_key=KEY, **options)
    with pytest.raises(Exception) as theirs:
        SdkSession(official.realtime.translations, model=model, extra_query=extra_query).enter()
    with oxide.OpenAI(api_key=KEY, **options) as client:
        with pytest.raises(Exception) as ours:
            TranslationSession(
                client.realtime.translations, model=model, extra_query=extra_query
            ).enter()
    official.close()
    assert type(ours.value) is type(theirs.value) is ValueError
    assert str(ours.value) == str(theirs.value)


def test_providers_are_refused_before_any_socket() -> None:
    import openai

    from oxide.lib.azure import AzureOpenAI
    from oxide.lib.bedrock import BedrockOpenAI

    sdk_azure = openai.AzureOpenAI(
        api_key=KEY, api_version="2025-04-01-preview", azure_endpoint="https://x.example"
    )
    with pytest.raises(openai.OpenAIError) as theirs:
        from openai.lib.realtime_translation import TranslationSession as SdkSession

        SdkSession(sdk_azure.realtime.translations, model=MODEL).enter()
    azure = AzureOpenAI(
        api_key=KEY, api_version="2025-04-01-preview", azure_endpoint="https://x.example"
    )
    with pytest.raises(OpenAIError) as ours:
        TranslationSession(azure.realtime.translations, model=MODEL).enter()
    assert str(ours.value) == str(theirs.value)
    from openai.lib.bedrock import BedrockOpenAI as SdkBedrock

    sdk_bedrock = SdkBedrock(aws_region="us-east-1", api_key=KEY)
    with pytest.raises(openai.OpenAIError) as theirs:
        SdkSession(sdk_bedrock.realtime.translations, model=MODEL).enter()
    bedrock = BedrockOpenAI(aws_region="us-east-1", api_key=KEY)
    with pytest.raises(OpenAIError) as ours:
        TranslationSession(bedrock.realtime.translations, model=MODEL).enter()
    assert str(ours.value) == str(theirs.value)
    for client in (azure, bedrock, sdk_azure, sdk_bedrock):
        client.close()


def test_public_names_match_the_sdk() -> None:
    import openai.lib.realtime_translation as sdk

    import oxide.lib.realtime_translation as ours

    assert sorted(ours.__all__) == sorted(sdk.__all__)
    for name in sdk.__all__:
        theirs, mine = getattr(sdk, name), getattr(ours, name)
        public = {
            n for n in vars(theirs) if not n.startswith("_") or n in ("__enter__", "__aenter__")
        }
        assert public <= set(dir(mine)), name
