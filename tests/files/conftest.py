"""A real `aiohttp.web` server on 127.0.0.1:0 for upload tests, and the SDK's own bodies.

* `upload_server(handler=None)`: records every request (raw body bytes and the multipart
  parts as aiohttp's server parses them) and answers with `handler(request, n)`, n the 0-based
  attempt, or 200 `{}`.
* `sdk_multipart(data, files, boundary)`: the exact body the official SDK would send for the
  same inputs (its `to_httpx_files` + `_build_request`, read in full), for byte comparison.

No transport is mocked: every byte crosses a loopback socket.
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Awaitable, Callable, Mapping
from dataclasses import dataclass, field
from typing import Any

import pytest_asyncio
from aiohttp import BodyPartReader, MultipartReader, StreamReader, web
from aiohttp.base_protocol import BaseProtocol
from multidict import CIMultiDict


@dataclass
class Part:
    name: str | None
    filename: str | None
    headers: CIMultiDict[str]
    content: bytes


@dataclass
class Received:
    headers: CIMultiDict[str]
    body: bytes
    parts: list[Part] = field(default_factory=list)

    @property
    def fields(self) -> list[tuple[str | None, str]]:
        """The parts without a filename, as (name, text)."""
        return [(p.name, p.content.decode()) for p in self.parts if p.filename is None]


async def parse_multipart(headers: Mapping[str, str], body: bytes) -> list[Part]:
    """aiohttp's server-side multipart parser run over recorded bytes (the request's own
    stream was consumed to record them)."""
    # A limit above the body size: fed all at once, the reader must not try to pause a socket.
    stream = StreamReader(BaseProtocol(asyncio.get_running_loop()), max(2**16, len(body)))
    stream.feed_data(body)
    stream.feed_eof()
    reader = MultipartReader(headers, stream)
    parts: list[Part] = []
    while (part := await reader.next()) is not None:
        assert isinstance(part, BodyPartReader)
        parts.append(Part(part.name, part.filename, CIMultiDict(part.headers), await part.read()))
    return parts


Handler = Callable[[web.Request, int], Awaitable[web.StreamResponse]]


async def _ok(request: web.Request, n: int) -> web.StreamResponse:
    return web.json_response({})


class UploadServer:
    def __init__(self, handler: Handler | None) -> None:
        self._handler = handler or _ok
        self.received: list[Received] = []
        self.runner: web.AppRunner | None = None
        self.port = 0

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}/v1/files"

    async def _dispatch(self, request: web.Request) -> web.StreamResponse:
        n = len(self.received)
        body = await request.read()
        received = Received(CIMultiDict(request.headers), body)
        self.received.append(received)
        if request.content_type == "multipart/form-data":
            received.parts = await parse_multipart(request.headers, body)
        return await self._handler(request, n)

    async def start(self) -> UploadServer:
        app = web.Application(client_max_size=64 * 1024 * 1024)
        app.router.add_route("*", "/{tail:.*}", self._dispatch)
        self.runner = web.AppRunner(app, shutdown_timeout=0.2, access_log=None)
        await self.runner.setup()
        site = web.TCPSite(self.runner, "127.0.0.1", 0)
        await site.start()
        server = site._server
        assert server is not None
        self.port = server.sockets[0].getsockname()[1]  # type: ignore[union-attr]
        return self

    async def stop(self) -> None:
        if self.runner is not None:
            await self.runner.cleanup()


@pytest_asyncio.fixture
async def upload_server() -> AsyncIterator[Callable[..., Awaitable[UploadServer]]]:
    servers: list[UploadServer] = []

    async def start(handler: Handler | None = None) -> UploadServer:
        server = await UploadServer(handler).start()
        servers.append(server)
        return server

    yield start
    for server in servers:
        await server.stop()


def sdk_multipart(data: Mapping[str, object] | None, files: Any, boundary: str) -> bytes:
    """The body the official SDK builds for `json_data=data, files=files` on a multipart call."""
    import openai
    from openai._files import to_httpx_files
    from openai._models import FinalRequestOptions

    client = openai.OpenAI(api_key="sk-test", base_url="http://127.0.0.1:1/v1")
    try:
        request = client._build_request(
            FinalRequestOptions.construct(
                method="post",
                url="/files",
                headers={"Content-Type": f"multipart/form-data; boundary={boundary}"},
                json_data=data,
                files=to_httpx_files(files),
            )
        )
        return request.read()
    finally:
        client.close()
