"""A scripted Live / realtime-translation WebSocket server (in-process `aiohttp.web`, real
sockets) for `test_live_connect.py` and `test_realtime_translation.py`.

Routes: `/v1/live/sessions`, `/v1/live/sessions/{session_id}/fork`, `/v1/live/sessions/
{session_id}/attach` and `/v1/realtime/translations` (which greets with `session.created`, as
the API does). What the server does is driven by the client's frames (their `type`):

* `session.start` / `session.update`: answered with `session.started` / `session.updated`
  (`client_event_id` set from the frame's `event_id`);
* `session.close`: answered with `session.closed`, then a 1000 close;
* `test.script`: each object of `events` is sent back as it is (unknown types, errors, ...);
* `test.close`: closes with `code`;
* anything else: recorded only.

`server.connections` has a `Handshake` per socket: the raw path and query, the headers and every
frame received.
"""

from __future__ import annotations

import asyncio
import json
import threading
from collections.abc import AsyncIterator, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any

import pytest_asyncio
from aiohttp import web

LIVE_SESSION: dict[str, Any] = {
    "id": "sess_1",
    "expires_at": 1_900_000_000,
    "model": "gpt-live-1",
    "status": "active",
}
TRANSLATION_SESSION: dict[str, Any] = {
    "id": "tr_1",
    "audio": {"output": {"language": "fr"}},
    "expires_at": 1_900_000_000,
    "model": "gpt-realtime-translate",
    "type": "translation",
}


@dataclass
class Handshake:
    path: str
    query_string: str
    query: list[tuple[str, str]]
    headers: dict[str, str]
    received: list[dict[str, Any]] = field(default_factory=list)

    def types(self) -> list[str]:
        return [frame.get("type", "") for frame in self.received]


@dataclass
class LiveServer:
    url: str = ""
    connections: list[Handshake] = field(default_factory=list)
    reject_status: int | None = None
    _ids: int = 0

    def _event_id(self) -> str:
        self._ids += 1
        return f"evt_{self._ids}"

    async def handle(self, request: web.Request) -> web.StreamResponse:
        if self.reject_status is not None:
            body = {"error": {"message": "nope", "type": "invalid_request_error", "code": None}}
            return web.json_response(body, status=self.reject_status)
        shake = Handshake(
            request.raw_path.partition("?")[0],
            request.query_string,
            list(request.query.items()),
            dict(request.headers),
        )
        self.connections.append(shake)
        translation = request.path.endswith("/realtime/translations")
        ws = web.WebSocketResponse()
        await ws.prepare(request)
        if translation:
            await ws.send_json(
                {
                    "type": "session.created",
                    "event_id": self._event_id(),
                    "session": TRANSLATION_SESSION,
                }
            )
        async for msg in ws:
            if msg.type is not web.WSMsgType.TEXT:
                continue
            frame = json.loads(msg.data)
            shake.received.append(frame)
            kind = frame.get("type")
            reply: dict[str, Any] = {"event_id": self._event_id()}
            if not translation and frame.get("event_id") is not None:
                reply["client_event_id"] = frame["event_id"]
            if kind == "session.start":
                await ws.send_json({**reply, "type": "session.started", "session": LIVE_SESSION})
            elif kind == "session.update":
                session = TRANSLATION_SESSION if translation else LIVE_SESSION
                await ws.send_json({**reply, "type": "session.updated", "session": session})
            elif kind == "session.close":
                if translation:
                    await ws.send_json({**reply, "type": "session.closed"})
                else:
                    await ws.send_json(
                        {
                            **reply,
                            "type": "session.closed",
                            "reason": "close_requested",
                            "session": LIVE_SESSION,
                            "usage": {"seconds": 1.5},
                        }
                    )
                await ws.close(code=1000)
                break
            elif kind == "test.script":
                for event in frame["events"]:
                    await ws.send_json(event)
            elif kind == "test.close":
                await ws.close(code=int(frame["code"]), message=b"scripted")
                break
        return ws


async def _start(server: LiveServer) -> web.AppRunner:
    app = web.Application()
    app.router.add_get("/v1/live/sessions", server.handle)
    app.router.add_get("/v1/live/sessions/{session_id}/fork", server.handle)
    app.router.add_get("/v1/live/sessions/{session_id}/attach", server.handle)
    app.router.add_get("/v1/realtime/translations", server.handle)
    runner = web.AppRunner(app, shutdown_timeout=0.1)
    await runner.setup()
    site = web.TCPSite(runner, "127.0.0.1", 0)
    await site.start()
    port = site._server.sockets[0].getsockname()[1]  # type: ignore[union-attr]
    server.url = f"http://127.0.0.1:{port}/v1"
    return runner


@pytest_asyncio.fixture(name="live_server")
async def live_server_fixture() -> AsyncIterator[LiveServer]:
    """The server on the test's own loop (async tests)."""
    server = LiveServer()
    runner = await _start(server)
    try:
        yield server
    finally:
        await runner.cleanup()


@contextmanager
def live_server_in_thread() -> Iterator[LiveServer]:
    """The server on a loop of its own, in a thread (sync tests: their client's loop runs in
    the client's thread and the test blocks its own)."""
    server = LiveServer()
    loop = asyncio.new_event_loop()
    thread = threading.Thread(target=loop.run_forever, daemon=True)
    thread.start()
    runner = asyncio.run_coroutine_threadsafe(_start(server), loop).result(10)
    try:
        yield server
    finally:
        asyncio.run_coroutine_threadsafe(runner.cleanup(), loop).result(10)
        loop.call_soon_threadsafe(loop.stop)
        thread.join(10)
        loop.close()
