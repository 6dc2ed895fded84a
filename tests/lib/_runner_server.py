"""A scripted Responses (and Decisions) API server for the tool-runner tests (real sockets, in-process aiohttp).

Each POST /v1/responses takes the next scripted reply: a Response JSON body, or (when the
request asks to stream) the same response as an SSE stream of created / output_item.added /
function-call argument deltas / output_item.done / completed events. Every request's headers
and JSON body are recorded, so a test can compare what oxide sent with what the official SDK
sent for the same script.
"""

from __future__ import annotations

import asyncio
import json
import threading
from collections.abc import Iterator
from typing import Any

from aiohttp import web

__all__ = ["ScriptedResponses", "decision", "function_call", "message", "response", "serve"]


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


def function_call(call_id: str, name: str, arguments: Any, *, item_id: str) -> dict[str, Any]:
    return {
        "type": "function_call",
        "id": item_id,
        "call_id": call_id,
        "name": name,
        "arguments": arguments if isinstance(arguments, str) else json.dumps(arguments),
        "status": "completed",
    }


def response(
    response_id: str, output: list[dict[str, Any]], *, status: str = "completed"
) -> dict[str, Any]:
    return {
        "id": response_id,
        "object": "response",
        "created_at": 1700000000,
        "status": status,
        "model": "gpt-test",
        "output": output,
        "parallel_tool_calls": True,
        "tool_choice": "auto",
        "tools": [],
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


def decision(choice: str | None, *, confidence: float = 0.9) -> dict[str, Any]:
    """A Decisions reply answering `next_action` with `choice` (None: a refusal)."""
    answer: dict[str, Any] = (
        {"type": "refusal", "name": "next_action"}
        if choice is None
        else {
            "type": "choice",
            "name": "next_action",
            "choice": choice,
            "confidence": confidence,
            "probabilities": [{"value": choice, "probability": confidence}],
        }
    )
    return {
        "answers": [answer],
        "model": "gpt-test",
        "usage": {
            "input_tokens": 7,
            "input_tokens_details": {"cache_write_tokens": 0, "cached_tokens": 0},
            "output_tokens": 1,
            "output_tokens_details": {"reasoning_tokens": 0},
            "total_tokens": 8,
        },
    }


def _events(body: dict[str, Any]) -> list[dict[str, Any]]:
    seq = iter(range(10_000))
    started = {**body, "status": "in_progress", "output": [], "usage": None}
    events: list[dict[str, Any]] = [
        {"type": "response.created", "response": started, "sequence_number": next(seq)}
    ]
    for index, item in enumerate(body["output"]):
        added = {**item, "status": "in_progress"}
        if item["type"] == "function_call":
            added["arguments"] = ""
        if item["type"] == "message":
            added["content"] = []
        events.append(
            {
                "type": "response.output_item.added",
                "output_index": index,
                "item": added,
                "sequence_number": next(seq),
            }
        )
        if item["type"] == "function_call":
            args = item["arguments"]
            half = len(args) // 2
            for delta in (args[:half], args[half:]):
                events.append(
                    {
                        "type": "response.function_call_arguments.delta",
                        "item_id": item["id"],
                        "output_index": index,
                        "delta": delta,
                        "sequence_number": next(seq),
                    }
                )
            events.append(
                {
                    "type": "response.function_call_arguments.done",
                    "item_id": item["id"],
                    "output_index": index,
                    "name": item["name"],
                    "arguments": args,
                    "sequence_number": next(seq),
                }
            )
        if item["type"] == "message":
            part = item["content"][0]
            events.append(
                {
                    "type": "response.content_part.added",
                    "item_id": item["id"],
                    "output_index": index,
                    "content_index": 0,
                    "part": {**part, "text": ""},
                    "sequence_number": next(seq),
                }
            )
            events.append(
                {
                    "type": "response.output_text.delta",
                    "item_id": item["id"],
                    "output_index": index,
                    "content_index": 0,
                    "delta": part["text"],
                    "logprobs": [],
                    "sequence_number": next(seq),
                }
            )
            events.append(
                {
                    "type": "response.output_text.done",
                    "item_id": item["id"],
                    "output_index": index,
                    "content_index": 0,
                    "text": part["text"],
                    "logprobs": [],
                    "sequence_number": next(seq),
                }
            )
            events.append(
                {
                    "type": "response.content_part.done",
                    "item_id": item["id"],
                    "output_index": index,
                    "content_index": 0,
                    "part": part,
                    "sequence_number": next(seq),
                }
            )
        events.append(
            {
                "type": "response.output_item.done",
                "output_index": index,
                "item": item,
                "sequence_number": next(seq),
            }
        )
    events.append({"type": "response.completed", "response": body, "sequence_number": next(seq)})
    return events


class ScriptedResponses:
    """Replies in script order; `requests` holds (headers, body) of every request received."""

    def __init__(self) -> None:
        self.url = ""
        self.script: list[dict[str, Any]] = []
        self.requests: list[dict[str, Any]] = []
        # A stream can be held after its first events until `release` is set (cancellation tests).
        self.hold_after: int | None = None
        self.release: asyncio.Event | None = None

    def reset(self, *replies: dict[str, Any]) -> None:
        self.script = list(replies)
        self.requests = []
        self.hold_after = None

    @property
    def bodies(self) -> list[dict[str, Any]]:
        return [request["body"] for request in self.requests]

    async def handler(self, request: web.Request) -> web.StreamResponse:
        body = await request.json()
        self.requests.append(
            {"headers": {k.lower(): v for k, v in request.headers.items()}, "body": body}
        )
        if not self.script:
            return web.json_response({"error": {"message": "script exhausted"}}, status=500)
        reply = self.script.pop(0)
        if "error_status" in reply:
            return web.json_response(
                {"error": {"message": reply["message"], "type": "server_error"}},
                status=reply["error_status"],
            )
        if not body.get("stream"):
            return web.json_response(reply)
        stream = web.StreamResponse(headers={"Content-Type": "text/event-stream"})
        await stream.prepare(request)
        for number, event in enumerate(_events(reply)):
            if self.hold_after is not None and number == self.hold_after:
                await asyncio.sleep(30)
            payload = f"event: {event['type']}\ndata: {json.dumps(event)}\n\n"
            await stream.write(payload.encode())
        await stream.write_eof()
        return stream


def serve() -> Iterator[ScriptedResponses]:
    """Runs the server on its own loop thread (usable from sync and async tests alike)."""
    server = ScriptedResponses()
    loop = asyncio.new_event_loop()
    ready = threading.Event()
    state: dict[str, Any] = {}

    async def start() -> None:
        app = web.Application()
        app.router.add_post("/v1/responses", server.handler)
        app.router.add_post("/v1/decisions", server.handler)
        runner = web.AppRunner(app, shutdown_timeout=0.1)
        await runner.setup()
        site = web.TCPSite(runner, "127.0.0.1", 0)
        await site.start()
        state["runner"] = runner
        port = site._server.sockets[0].getsockname()[1]  # type: ignore[union-attr]
        server.url = f"http://127.0.0.1:{port}/v1"
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
