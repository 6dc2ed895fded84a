"""`fork` after the client is warm (§3.8 L7).

The child must not use or close what it inherited (the parent's pooled sockets, event loops,
driver threads): it detects the new process, abandons all of it without I/O and builds its own.
The parent keeps its pooled connection: the server sees the parent's later request arrive on
the same connection as before the fork, so the child sent no FIN on it.
"""

from __future__ import annotations

import asyncio
import os

import pytest
from aiohttp import web

import oxide

from .conftest import chat_completion, json_response

pytestmark = pytest.mark.skipif(not hasattr(os, "fork"), reason="needs os.fork")
MESSAGES = [{"role": "user", "content": "hi"}]


def peer_recorder() -> tuple[list[tuple[int, object]], object]:
    peers: list[tuple[int, object]] = []

    async def handler(request: web.Request, n: int) -> web.StreamResponse:
        assert request.transport is not None
        peers.append((os.getpid(), request.transport.get_extra_info("peername")))
        return json_response(chat_completion("forked"))

    return peers, handler


def run_child(body: object) -> int:
    pid = os.fork()
    if pid == 0:  # the child: report through the exit code only
        code = 1
        try:
            code = 0 if body() else 2  # type: ignore[operator]
        finally:
            os._exit(code)
    _, status = os.waitpid(pid, 0)
    return os.WEXITSTATUS(status) if os.WIFEXITED(status) else -1


def test_l7_sync_client_after_fork(thread_server) -> None:
    peers, handler = peer_recorder()
    server = thread_server(handler)
    client = oxide.OpenAI(api_key="sk-test", base_url=server.url)
    assert client.chat.completions.create(model="m", messages=MESSAGES).choices  # warm

    def child() -> bool:
        r = client.chat.completions.create(model="m", messages=MESSAGES)
        return r.choices[0].message.content == "forked"

    assert run_child(child) == 0
    assert client.chat.completions.create(model="m", messages=MESSAGES).choices
    client.close()
    first, in_child, after = (p for _, p in peers)
    assert in_child != first  # the child opened its own connection
    assert after == first  # and left the parent's alone


def test_l7_async_client_after_fork(thread_server) -> None:
    peers, handler = peer_recorder()
    server = thread_server(handler)
    client = oxide.AsyncOpenAI(api_key="sk-test", base_url=server.url)

    async def call() -> str | None:
        r = await client.chat.completions.create(model="m", messages=MESSAGES)
        return r.choices[0].message.content

    loop = asyncio.new_event_loop()
    try:
        assert loop.run_until_complete(call()) == "forked"  # warm, on a loop kept alive

        def child() -> bool:
            # The inherited loop is the parent's (its epoll is shared): use a new one.
            return asyncio.run(call()) == "forked"

        assert run_child(child) == 0
        assert loop.run_until_complete(call()) == "forked"
        loop.run_until_complete(client.close())
    finally:
        loop.close()
    first, in_child, after = (p for _, p in peers)
    assert in_child != first
    assert after == first
