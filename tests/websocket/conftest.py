"""A scripted WebSocket server (in-process `aiohttp.web`, real sockets) for the client's contract:
each client frame is a JSON command the server obeys, so a test says exactly what the server
does and when. Protocol-level behaviour (the Responses and Realtime event flows, per-socket
state) is tested against `oxide.testing.MockOpenAI` instead.

Commands (the `type` of a client frame):

* `response.create`: answers `n` (default 3) `response.output_text.delta` events numbered from
  0, then `response.completed` (skipped with `complete: false`);
* `test.close`: closes with `code` (after sending `before` deltas);
* `test.abort`: drops the TCP connection (1006 at the client);
* `test.big`: sends one text frame of `size` bytes;
* `test.error`: sends an `error` event with `code`;
* anything else: recorded only.

`server.received` has every frame per connection, `server.connections` the handshakes
(query and headers).
"""

from __future__ import annotations

import asyncio
import json
from collections.abc import AsyncIterator
from dataclasses import dataclass, field
from typing import Any

import pytest_asyncio
from aiohttp import web


def delta(i: int, text: str | None = None) -> dict[str, Any]:
    return {
        "type": "response.output_text.delta",
        "delta": text if text is not None else f"d{i}",
        "item_id": "msg_1",
        "output_index": 0,
        "content_index": 0,
        "sequence_number": i,
        "logprobs": [],
    }


def completed(response_id: str, seq: int) -> dict[str, Any]:
    return {
        "type": "response.completed",
        "sequence_number": seq,
        "response": {
            "id": response_id,
            "object": "response",
            "created_at": 1700000000,
            "status": "completed",
            "model": "gpt-test",
            "output": [],
            "parallel_tool_calls": True,
            "tool_choice": "auto",
            "tools": [],
            "error": None,
            "incomplete_details": None,
            "instructions": None,
            "metadata": {},
            "temperature": 1.0,
            "top_p": 1.0,
        },
    }


@dataclass
class Handshake:
    query: dict[str, str]
    headers: dict[str, str]
    received: list[dict[str, Any]] = field(default_factory=list)


@dataclass
class ScriptedServer:
    url: str = ""
    connections: list[Handshake] = field(default_factory=list)
    autoping: bool = True
    reject_status: int | None = None
    redirect_to: str | None = None

    @property
    def received(self) -> list[list[dict[str, Any]]]:
        return [c.received for c in self.connections]

    async def handle(self, request: web.Request) -> web.StreamResponse:
        if self.redirect_to is not None:
            raise web.HTTPTemporaryRedirect(self.redirect_to)
        if self.reject_status is not None:
            body = {"error": {"message": "nope", "type": "invalid_request_error", "code": None}}
            return web.json_response(body, status=self.reject_status)
        shake = Handshake(dict(request.query), dict(request.headers))
        self.connections.append(shake)
        ws = web.WebSocketResponse(autoping=self.autoping)
        await ws.prepare(request)
        n_responses = 0
        async for msg in ws:
            if msg.type is not web.WSMsgType.TEXT:
                continue
            cmd = json.loads(msg.data)
            shake.received.append(cmd)
            kind = cmd.get("type")
            if kind == "response.create":
                n_responses += 1
                n = int(cmd.get("n", 3))
                for i in range(n):
                    await ws.send_json(delta(i))
                if cmd.get("complete", True):
                    await ws.send_json(completed(f"resp_{len(self.connections)}_{n_responses}", n))
            elif kind == "test.close":
                for i in range(int(cmd.get("before", 0))):
                    await ws.send_json(delta(i))
                await ws.close(code=int(cmd["code"]), message=b"scripted")
                break
            elif kind == "test.abort":
                for i in range(int(cmd.get("before", 0))):
                    await ws.send_json(delta(i))
                await asyncio.sleep(0.01)
                assert request.transport is not None
                request.transport.abort()
                break
            elif kind == "test.big":
                await ws.send_str("x" * int(cmd["size"]))
            elif kind == "test.error":
                await ws.send_json(
                    {
                        "type": "error",
                        "status": 400,
                        "error": {
                            "type": "invalid_request_error",
                            "code": cmd.get("code"),
                            "message": "scripted error",
                            "param": None,
                        },
                    }
                )
        return ws


@pytest_asyncio.fixture
async def ws_server() -> AsyncIterator[ScriptedServer]:
    server = ScriptedServer()
    app = web.Application()
    app.router.add_get("/v1/responses", server.handle)
    app.router.add_get("/v1/realtime", server.handle)
    runner = web.AppRunner(app, shutdown_timeout=0.1)
    await runner.setup()
    site = web.TCPSite(runner, "127.0.0.1", 0)
    await site.start()
    port = site._server.sockets[0].getsockname()[1]  # type: ignore[union-attr]
    server.url = f"http://127.0.0.1:{port}/v1"
    try:
        yield server
    finally:
        await runner.cleanup()
