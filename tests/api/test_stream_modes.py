"""`stream_mode="events"` (the Agents session event stream, openai 3.4x): the SSE `event:` name
is not wrapped Assistants-style, even when it starts with `thread.`; the default (legacy) mode
still wraps `thread.*` events. Compared with the official SDK on the same server bytes."""

from __future__ import annotations

import json
from typing import Any

import openai
import pytest
from aiohttp import web

import oxide
from oxide.types.beta.agent_session_idle_event import AgentSessionIdleEvent

pytestmark = pytest.mark.asyncio

SESSION = {
    "id": "as_1",
    "object": "agent.session",
    "created_at": 1,
    "status": "idle",
}
IDLE = {"event_id": "ev_1", "type": "agent.session.idle", "session": SESSION}


def _stream(event: str) -> bytes:
    return f"event: {event}\ndata: {json.dumps(IDLE)}\n\ndata: [DONE]\n\n".encode()


async def test_events_mode_takes_the_data_as_the_event(serve: Any) -> None:
    seen: list[dict[str, Any]] = []

    async def events(request: web.Request) -> web.Response:
        seen.append({"path": request.path, "beta": request.headers.get("OpenAI-Beta")})
        # An event name in the Assistants namespace: legacy mode would wrap it.
        return web.Response(body=_stream("thread.session.idle"), content_type="text/event-stream")

    url = await serve({("GET", "/v1/agents/sessions/{sid}/events"): events})
    results = []
    for lib in (openai, oxide):
        async with lib.AsyncOpenAI(api_key="k", base_url=url, max_retries=0) as client:
            stream = await client.beta.agents.sessions.events.stream("as_1")
            results.append([event async for event in stream])
    theirs, ours = results
    assert len(ours) == len(theirs) == 1
    assert isinstance(ours[0], AgentSessionIdleEvent)
    assert ours[0].type == theirs[0].type == "agent.session.idle"
    assert ours[0].to_dict() == theirs[0].to_dict(mode="json")
    assert seen == [{"path": "/v1/agents/sessions/as_1/events", "beta": "agents=v1"}] * 2


async def test_legacy_mode_still_wraps_thread_events(serve: Any) -> None:
    """The raw verbs' default: `thread.*` events decode as `{"event": ..., "data": ...}`."""

    async def events(request: web.Request) -> web.Response:
        return web.Response(body=_stream("thread.session.idle"), content_type="text/event-stream")

    url = await serve({("GET", "/v1/raw/events"): events})
    async with oxide.AsyncOpenAI(api_key="k", base_url=url, max_retries=0) as client:
        stream = await client.get(
            "/raw/events", cast_to=object, stream=True, stream_cls=oxide.AsyncStream[object]
        )
        items = [item async for item in stream]
    assert items == [{"event": "thread.session.idle", "data": IDLE}]
