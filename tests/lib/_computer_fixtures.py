"""Test doubles for the computer-use tests: a scripted Responses server on real sockets and a
fake screen (the caller-owned driver), usable with oxide's toolsets and the official SDK's.

The server runs on its own loop thread, so sync and async clients of both libraries can talk to
it; it records every request body and headers so a test can compare what each library sent.
"""

from __future__ import annotations

import asyncio
import threading
from collections.abc import Iterator
from typing import Any

from aiohttp import web

SCREEN = {"type": "computer_screenshot", "image_url": "data:image/png;base64,AAAA"}


def computer_call(
    call_id: str, actions: list[dict[str, Any]] | None = None, **fields: Any
) -> dict[str, Any]:
    item: dict[str, Any] = {
        "type": "computer_call",
        "id": "cu_" + call_id,
        "call_id": call_id,
        "status": "completed",
    }
    if actions is not None:
        item["actions"] = actions
    item.update(fields)
    return item


def message(text: str, *, item_id: str = "msg_1", phase: str | None = None) -> dict[str, Any]:
    item: dict[str, Any] = {
        "type": "message",
        "id": item_id,
        "role": "assistant",
        "status": "completed",
        "content": [{"type": "output_text", "text": text, "annotations": []}],
    }
    if phase is not None:
        item["phase"] = phase
    return item


def reasoning(item_id: str = "rs_1") -> dict[str, Any]:
    return {
        "type": "reasoning",
        "id": item_id,
        "summary": [{"type": "summary_text", "text": "Looking at the screen."}],
        "encrypted_content": "opaque",
    }


def response(
    response_id: str, output: list[dict[str, Any]], *, status: str = "completed"
) -> dict[str, Any]:
    return {
        "id": response_id,
        "object": "response",
        "created_at": 1700000000,
        "status": status,
        "model": "computer-use-test",
        "output": output,
        "parallel_tool_calls": True,
        "tool_choice": "auto",
        "tools": [{"type": "computer"}],
        "error": None,
        "incomplete_details": None,
        "instructions": None,
        "metadata": {},
        "temperature": 1.0,
        "top_p": 1.0,
        "usage": {
            "input_tokens": 10,
            "input_tokens_details": {"cached_tokens": 0},
            "output_tokens": 5,
            "output_tokens_details": {"reasoning_tokens": 0},
            "total_tokens": 15,
        },
    }


class ScriptedResponses:
    """Answers POST /v1/responses with the next scripted body; records every request."""

    def __init__(self) -> None:
        self.url = ""
        self.script: list[dict[str, Any]] = []
        self.requests: list[dict[str, Any]] = []

    def reset(self, *replies: dict[str, Any]) -> None:
        self.script = list(replies)
        self.requests = []

    @property
    def bodies(self) -> list[dict[str, Any]]:
        return [request["body"] for request in self.requests]

    async def handler(self, request: web.Request) -> web.Response:
        body = await request.json()
        headers = {k.lower(): v for k, v in request.headers.items()}
        self.requests.append({"headers": headers, "body": body})
        if not self.script:
            return web.json_response({"error": {"message": "script exhausted"}}, status=500)
        return web.json_response(self.script.pop(0))


def serve() -> Iterator[ScriptedResponses]:
    server = ScriptedResponses()
    loop = asyncio.new_event_loop()
    ready = threading.Event()
    state: dict[str, Any] = {}

    async def start() -> None:
        app = web.Application()
        app.router.add_post("/v1/responses", server.handler)
        runner = web.AppRunner(app, shutdown_timeout=0.1)
        await runner.setup()
        site = web.TCPSite(runner, "127.0.0.1", 0)
        await site.start()
        state["runner"] = runner
        port = runner.addresses[0][1]
        server.url = f"http://127.0.0.1:{port}/v1"
        ready.set()

    def run() -> None:
        loop.run_until_complete(start())
        loop.run_forever()

    thread = threading.Thread(target=run, daemon=True)
    thread.start()
    assert ready.wait(10), "scripted server did not start"
    try:
        yield server
    finally:
        asyncio.run_coroutine_threadsafe(state["runner"].cleanup(), loop).result(10)
        loop.call_soon_threadsafe(loop.stop)
        thread.join(10)
        loop.close()


class FakeScreen:
    """A fake desktop: records each driver call as (member, action dict) and answers every
    screenshot with `SCREEN` (or `screen`). `fail_on` makes that member raise."""

    def __init__(self, *, screen: Any = None, fail_on: str | None = None) -> None:
        self.log: list[tuple[str, Any]] = []
        self.screen = SCREEN if screen is None else screen
        self.fail_on = fail_on

    def _record(self, member: str, action: Any) -> None:
        if member == self.fail_on:
            raise OSError(f"{member} failed")
        self.log.append((member, action.to_dict()))

    def click(self, action: Any) -> None:
        self._record("click", action)

    def double_click(self, action: Any) -> None:
        self._record("double_click", action)

    def drag(self, action: Any) -> None:
        self._record("drag", action)

    def keypress(self, action: Any) -> None:
        self._record("keypress", action)

    def move(self, action: Any) -> None:
        self._record("move", action)

    def scroll(self, action: Any) -> None:
        self._record("scroll", action)

    def type(self, action: Any) -> None:
        self._record("type", action)

    def wait(self, action: Any) -> None:
        self._record("wait", action)

    def screenshot(self) -> Any:
        if self.fail_on == "screenshot":
            raise OSError("screenshot failed")
        self.log.append(("screenshot", None))
        return self.screen


class AsyncFakeScreen:
    """The asynchronous fake desktop, sharing FakeScreen's recording."""

    def __init__(self, *, screen: Any = None, fail_on: str | None = None) -> None:
        self.sync = FakeScreen(screen=screen, fail_on=fail_on)

    @property
    def log(self) -> list[tuple[str, Any]]:
        return self.sync.log

    async def click(self, action: Any) -> None:
        self.sync.click(action)

    async def double_click(self, action: Any) -> None:
        self.sync.double_click(action)

    async def drag(self, action: Any) -> None:
        self.sync.drag(action)

    async def keypress(self, action: Any) -> None:
        self.sync.keypress(action)

    async def move(self, action: Any) -> None:
        self.sync.move(action)

    async def scroll(self, action: Any) -> None:
        self.sync.scroll(action)

    async def type(self, action: Any) -> None:
        self.sync.type(action)

    async def wait(self, action: Any) -> None:
        await asyncio.sleep(0)
        self.sync.wait(action)

    async def screenshot(self) -> Any:
        return self.sync.screenshot()
