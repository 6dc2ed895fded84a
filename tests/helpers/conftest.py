"""Replays recorded SSE bytes to both the official SDK's stream helpers and oxide's."""

from __future__ import annotations

import asyncio
import json
import threading
from collections.abc import Iterator
from typing import Any

import pytest
from aiohttp import web

from oxide import _speedups
from oxide.lib.streaming.chat import _state as chat_state


class Replay:
    """A local server answering every POST with the SSE body set for it."""

    def __init__(self) -> None:
        self.body = b""
        self.url = ""
        self.requests: list[dict[str, Any]] = []

    async def handler(self, request: web.Request) -> web.StreamResponse:
        raw = await request.read()
        self.requests.append(
            {"headers": dict(request.headers), "body": json.loads(raw) if raw else None}
        )
        resp = web.StreamResponse(headers={"Content-Type": "text/event-stream"})
        await resp.prepare(request)
        body = self.body
        # Realistic framing: a few events per network write.
        for i in range(0, len(body), 700):
            await resp.write(body[i : i + 700])
        await resp.write_eof()
        return resp


@pytest.fixture(scope="session")
def replay() -> Iterator[Replay]:
    server = Replay()
    loop = asyncio.new_event_loop()
    ready = threading.Event()
    state: dict[str, Any] = {}

    async def start() -> None:
        app = web.Application()
        app.router.add_post("/v1/{tail:.*}", server.handler)
        runner = web.AppRunner(app, shutdown_timeout=0.1)
        await runner.setup()
        site = web.TCPSite(runner, "127.0.0.1", 0)
        await site.start()
        state["runner"] = runner
        server.url = f"http://127.0.0.1:{site._server.sockets[0].getsockname()[1]}/v1"  # type: ignore[union-attr]
        ready.set()

    thread = threading.Thread(
        target=lambda: (loop.run_until_complete(start()), loop.run_forever()), daemon=True
    )
    thread.start()
    ready.wait(10)
    yield server
    asyncio.run_coroutine_threadsafe(state["runner"].cleanup(), loop).result(10)
    loop.call_soon_threadsafe(loop.stop)
    thread.join(10)
    loop.close()


_TWINS = ["py"] if _speedups.NO_EXTENSIONS else ["py", "c"]


@pytest.fixture(params=_TWINS)
def assembler_twin(request: pytest.FixtureRequest, monkeypatch: pytest.MonkeyPatch) -> str:
    """Runs the chat stream helper over each tool-call assembler twin."""
    cls = _speedups.ToolCallAssemblerPy if request.param == "py" else _speedups.ToolCallAssemblerC
    assert cls is not None, "the compiled tool-call assembler is not built"
    monkeypatch.setattr(chat_state, "ToolCallAssembler", cls)
    return request.param  # type: ignore[no-any-return]


def sse(objs: list[Any], *, events: bool = False, done: bool = True) -> bytes:
    out = []
    for obj in objs:
        head = f"event: {obj['type']}\n" if events else ""
        out.append(f"{head}data: {json.dumps(obj)}\n\n")
    if done:
        out.append("data: [DONE]\n\n")
    return "".join(out).encode()
