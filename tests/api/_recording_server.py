"""A catch-all recording server on its own loop thread (real sockets), usable from sync and async
tests alike: the official SDK (the oracle) and oxide send to it and the tests compare what it saw."""

from __future__ import annotations

import asyncio
import json
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from aiohttp import web

from .conftest import completion


def _answer(path: str) -> web.StreamResponse:
    if path.endswith("/chat/completions"):
        return web.json_response(completion())
    if path.endswith("/embeddings"):
        return web.json_response(
            {
                "object": "list",
                "data": [{"object": "embedding", "index": 0, "embedding": [0.5, 0.25]}],
                "model": "m",
                "usage": {"prompt_tokens": 1, "total_tokens": 1},
            }
        )
    if path.endswith("/completions"):
        return web.json_response(
            {
                "id": "cmpl-1",
                "object": "text_completion",
                "created": 0,
                "model": "m",
                "choices": [{"index": 0, "text": "hi", "finish_reason": "stop", "logprobs": None}],
            }
        )
    if path.endswith("/audio/speech"):
        return web.Response(body=b"RIFF", content_type="audio/wav")
    if path.endswith("/images/generations"):
        return web.json_response({"created": 0, "data": []})
    return web.json_response({"object": "list", "data": []})


class RecordingServer:
    def __init__(self) -> None:
        self.requests: list[dict[str, Any]] = []
        self.url = ""  # http://127.0.0.1:<port>
        self._loop = asyncio.new_event_loop()
        self._runner: web.AppRunner | None = None

    async def _handle(self, request: web.Request) -> web.StreamResponse:
        raw = await request.read()
        body: Any = None
        if raw and request.content_type == "application/json":
            body = json.loads(raw)
        self.requests.append(
            {
                "method": request.method,
                "path": request.path,
                "query": dict(request.query),
                "headers": {k.lower(): v for k, v in request.headers.items()},
                "body": body,
            }
        )
        return _answer(request.path)

    async def _start(self) -> None:
        app = web.Application()
        app.router.add_route("*", "/{tail:.*}", self._handle)
        self._runner = web.AppRunner(app, shutdown_timeout=0.1)
        await self._runner.setup()
        site = web.TCPSite(self._runner, "127.0.0.1", 0)
        await site.start()
        self.url = f"http://127.0.0.1:{site._server.sockets[0].getsockname()[1]}"  # type: ignore[union-attr]

    def pop(self) -> dict[str, Any]:
        assert len(self.requests) == 1, self.requests
        return self.requests.pop()

    def take(self) -> list[dict[str, Any]]:
        out, self.requests = self.requests, []
        return out


@contextmanager
def recording_server() -> Iterator[RecordingServer]:
    server = RecordingServer()
    loop = server._loop
    thread = threading.Thread(target=loop.run_forever, daemon=True)
    thread.start()
    asyncio.run_coroutine_threadsafe(server._start(), loop).result(10)
    try:
        yield server
    finally:
        if server._runner is not None:
            asyncio.run_coroutine_threadsafe(server._runner.cleanup(), loop).result(10)
        loop.call_soon_threadsafe(loop.stop)
        thread.join(10)
        loop.close()


# Headers that differ between the two clients by design (versions, platform, timing).
VOLATILE = frozenset(
    {
        "user-agent",
        "x-stainless-package-version",
        "x-stainless-runtime-version",
        "x-stainless-runtime",
        "x-stainless-os",
        "x-stainless-arch",
        "x-stainless-lang",
        "content-length",
        "content-type",
        "host",
        "accept-encoding",
        "connection",
        "x-stainless-read-timeout",
        "x-stainless-retry-count",
    }
)


def comparable(request: dict[str, Any]) -> dict[str, Any]:
    """A request without what legitimately differs between the SDK and oxide."""
    headers = {k: v for k, v in request["headers"].items() if k not in VOLATILE}
    return {**request, "headers": headers}
