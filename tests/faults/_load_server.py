"""A small OpenAI-shaped server for the load rows (L3, L4, L8), run in a process of its own so
that the client under test has its core to itself and the server's sockets do not count in the
client's file descriptors.

    python tests/faults/_load_server.py      prints "PORT <n>" once it listens

POST /v1/chat/completions answers a completion, or with `stream: true` a stream of
`max_tokens` chunks (default 20) ending with `[DONE]`; `metadata.mode == "endless"` streams
until the client goes away. POST /v1/responses streams Responses events the same way.
"""

from __future__ import annotations

import asyncio
import sys

import orjson
from aiohttp import web

COMPLETION = orjson.dumps(
    {
        "id": "chatcmpl-load",
        "object": "chat.completion",
        "created": 1700000000,
        "model": "gpt-test",
        "choices": [
            {
                "index": 0,
                "message": {"role": "assistant", "content": "ok"},
                "finish_reason": "stop",
                "logprobs": None,
            }
        ],
        "usage": {"prompt_tokens": 1, "completion_tokens": 1, "total_tokens": 2},
    }
)


def chat_chunk(i: int, finish: str | None = None) -> bytes:
    return (
        b"data: "
        + orjson.dumps(
            {
                "id": "chatcmpl-load",
                "object": "chat.completion.chunk",
                "created": 1700000000,
                "model": "gpt-test",
                "choices": [
                    {
                        "index": 0,
                        "delta": {} if finish else {"content": f"t{i} "},
                        "finish_reason": finish,
                        "logprobs": None,
                    }
                ],
            }
        )
        + b"\n\n"
    )


def response_event(i: int) -> bytes:
    event = {
        "type": "response.output_text.delta",
        "item_id": "msg_1",
        "output_index": 0,
        "content_index": 0,
        "delta": f"t{i} ",
        "logprobs": [],
        "sequence_number": i,
    }
    return b"event: response.output_text.delta\ndata: " + orjson.dumps(event) + b"\n\n"


async def stream(request: web.Request, body: dict, make: object) -> web.StreamResponse:
    resp = web.StreamResponse(headers={"Content-Type": "text/event-stream"})
    await resp.prepare(request)
    endless = (body.get("metadata") or {}).get("mode") == "endless"
    n = int(body.get("max_tokens") or body.get("max_output_tokens") or 20)
    try:
        i = 0
        while endless or i < n:
            await resp.write(make(i))  # type: ignore[operator]
            i += 1
            if i % 8 == 0:
                await asyncio.sleep(0)
        if request.path.endswith("/chat/completions"):
            await resp.write(chat_chunk(n, "stop") + b"data: [DONE]\n\n")
        else:
            await resp.write(b"data: [DONE]\n\n")
    except (ConnectionError, asyncio.CancelledError):
        pass
    return resp


async def chat(request: web.Request) -> web.StreamResponse:
    body = orjson.loads(await request.read())
    if body.get("stream"):
        return await stream(request, body, chat_chunk)
    return web.Response(body=COMPLETION, content_type="application/json")


async def responses(request: web.Request) -> web.StreamResponse:
    body = orjson.loads(await request.read())
    return await stream(request, body, response_event)


async def main() -> None:
    app = web.Application()
    app.router.add_post("/v1/chat/completions", chat)
    app.router.add_post("/v1/responses", responses)
    runner = web.AppRunner(app, access_log=None, handler_cancellation=True)
    await runner.setup()
    site = web.TCPSite(runner, "127.0.0.1", 0, backlog=1024)
    await site.start()
    port = site._server.sockets[0].getsockname()[1]  # type: ignore[union-attr]
    print(f"PORT {port}", flush=True)
    await asyncio.Event().wait()


if __name__ == "__main__":
    import logging

    logging.getLogger("aiohttp.server").disabled = True  # clients hanging up mid-stream
    try:
        asyncio.run(main())
    except KeyboardInterrupt:
        sys.exit(0)
