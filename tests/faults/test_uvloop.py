"""The fast lane and the sync client on uvloop's event loop (the `uvloop` extra).

The fast lane is an `asyncio.Protocol` on whatever loop runs it; uvloop's transports are not
asyncio's (no `_sock`, other buffering), so calls, streams, retries, read timeouts, stream exits
and client close run here on a uvloop loop against a real aiohttp server on the same loop.
"""

from __future__ import annotations

import asyncio
from typing import Any

import pytest
from aiohttp import web

import oxide
from oxide._transport._session import FAST_PATH_ENV

from .conftest import MESSAGES, AppServer, chat_chunk, chat_completion, json_response, sse

uvloop = pytest.importorskip("uvloop")  # a dev dependency; absent only on Windows

STREAM = b"".join(sse(chat_chunk(c)) for c in ("a", "b", "c")) + b"data: [DONE]\n\n"


async def handler(request: web.Request, n: int) -> web.StreamResponse:
    mode = request.headers.get("x-mode", "")
    if mode == "flaky" and n == 0:
        return json_response({"error": {"message": "busy", "type": "server"}}, status=503)
    if mode == "stall":
        await asyncio.sleep(5)
    body = await request.json()
    if body.get("stream"):
        resp = web.StreamResponse(headers={"Content-Type": "text/event-stream"})
        await resp.prepare(request)
        for piece in STREAM.split(b"\n\n")[:-1]:
            await resp.write(piece + b"\n\n")
        return resp
    return json_response(chat_completion("on uvloop"))


async def scenario() -> dict[str, Any]:
    assert "uvloop" in type(asyncio.get_running_loop()).__module__
    server = await AppServer(handler).start()
    out: dict[str, Any] = {}
    try:
        async with oxide.AsyncOpenAI(
            api_key="sk-test", base_url=server.url, max_retries=1
        ) as client:
            assert client._holder._fast  # the fast lane is on for this client
            done = await client.chat.completions.create(model="m", messages=MESSAGES)
            out["plain"] = done.choices[0].message.content
            out["fast_lane"] = bool(client._holder._state.fast_by_loop)
            many = await asyncio.gather(
                *(client.chat.completions.create(model="m", messages=MESSAGES) for _ in range(20))
            )
            out["many"] = {c.choices[0].message.content for c in many}
            stream = await client.chat.completions.create(model="m", messages=MESSAGES, stream=True)
            out["stream"] = "".join([c.choices[0].delta.content or "" async for c in stream])
            # An early exit releases the connection; the next call reuses the pool.
            stream = await client.chat.completions.create(model="m", messages=MESSAGES, stream=True)
            async with stream:
                async for _ in stream:
                    break
            retried = await client.chat.completions.create(
                model="m", messages=MESSAGES, extra_headers={"x-mode": "flaky"}
            )
            out["retried"] = retried.choices[0].message.content
            attempts = len(server.attempts)
            with pytest.raises(oxide.APITimeoutError):
                await client.with_options(timeout=0.3, max_retries=0).chat.completions.create(
                    model="m", messages=MESSAGES, extra_headers={"x-mode": "stall"}
                )
            out["timeout_attempts"] = len(server.attempts) - attempts
            out["counts"] = client._holder.connection_counts()
    finally:
        await server.stop()
    return out


def test_fast_lane_on_uvloop(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv(FAST_PATH_ENV, "1")  # even under make test-fallback's OXIDE_FAST_PATH=0
    with asyncio.Runner(loop_factory=uvloop.new_event_loop) as runner:
        out = runner.run(scenario())
    assert out["plain"] == "on uvloop"
    assert out["fast_lane"] is True
    assert out["many"] == {"on uvloop"}
    assert out["stream"] == "abc"
    assert out["retried"] == "on uvloop"
    assert out["timeout_attempts"] == 1
    assert out["counts"][0] == 0  # nothing left handed out


def test_sync_client_from_a_uvloop_program() -> None:
    # The sync client runs its own loop; a uvloop policy in the program must not disturb it.
    async def inside() -> str:
        server = await AppServer(handler).start()
        try:
            with oxide.OpenAI(api_key="sk-test", base_url=server.url) as client:
                done = await asyncio.to_thread(
                    client.chat.completions.create, model="m", messages=MESSAGES
                )
            return done.choices[0].message.content or ""
        finally:
            await server.stop()

    with asyncio.Runner(loop_factory=uvloop.new_event_loop) as runner:
        assert runner.run(inside()) == "on uvloop"
