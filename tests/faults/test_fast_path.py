"""The fast lane (`oxide._transport._fast`) against aiohttp's ClientSession path.

* A differential test: the same server bytes, well-formed and broken, answered to the fast lane
  and to the aiohttp path, for a plain call, a raw response and a stream; the results (or the
  oxide exceptions) must be the same, and so must the number of attempts the server saw.
* The requests both paths send are the same (headers, body, target).
* Multipart uploads (sized, unsized, retried, a source that shrinks) on both paths.
* The fallback: what the fast lane hands to aiohttp (redirects), and the
  clients that never get a fast lane (OXIDE_FAST_PATH=0, proxies, a caller's own session).

Every byte crosses a real loopback socket (`raw_server` / `web_server` from conftest).
"""

from __future__ import annotations

import asyncio
import gzip
import io
import zlib
from collections.abc import Awaitable, Callable
from typing import Any

import aiohttp
import orjson
import pytest
from aiohttp import web

import oxide
from oxide._transport._aiohttp_private import idle_connections
from oxide._transport._session import FAST_PATH_ENV

from .conftest import (
    MESSAGES,
    RawServer,
    chat_chunk,
    chat_completion,
    chunk,
    http_head,
    model_obj,
    rst,
    sse,
)

MODEL = orjson.dumps(model_obj())
COMPLETION = orjson.dumps(chat_completion("fast"))
STREAM = b"".join(sse(chat_chunk(c)) for c in ("a", "b", "c")) + sse(chat_chunk("", finish="stop"))
STREAM_DONE = STREAM + b"data: [DONE]\n\n"


def head(status: int = 200, extra: str = "", **kw: Any) -> bytes:
    return http_head(status, **kw)[:-2] + extra.encode("latin-1") + b"\r\n"


def chunked(body: bytes, sizes: tuple[int, ...] = (7, 1, 100)) -> bytes:
    out, i, k = b"", 0, 0
    while i < len(body):
        n = sizes[k % len(sizes)]
        out += chunk(body[i : i + n])
        i, k = i + n, k + 1
    return out + b"0\r\n\r\n"


# (name, bytes answered to every request, then: "keep" | "close" | "rst")
Script = tuple[str, Callable[[bytes], bytes], str]


def _cl(body: bytes, status: int = 200, extra: str = "", ctype: str = "application/json") -> bytes:
    return head(status, extra, content_length=len(body), content_type=ctype) + body


SCRIPTS: list[Script] = [
    ("content-length", lambda b: _cl(b), "keep"),
    ("chunked", lambda b: head(chunked=True) + chunked(b), "keep"),
    (
        "chunk-extensions-trailers",
        lambda b: (
            head(chunked=True)
            + chunk(b)[:-2].replace(b"\r\n", b";ext=1\r\n", 1)
            + b"\r\n0\r\nX-Trailer: 1\r\n\r\n"
        ),
        "keep",
    ),
    ("gzip", lambda b: _cl(gzip.compress(b), extra="Content-Encoding: gzip\r\n"), "keep"),
    ("deflate", lambda b: _cl(zlib.compress(b), extra="Content-Encoding: deflate\r\n"), "keep"),
    (
        "raw-deflate-chunked",
        lambda b: (
            head(chunked=True, extra="Content-Encoding: deflate\r\n")
            + chunked(zlib.compressobj(wbits=-15).compress(b) + b"\x03\x00")
        ),
        "keep",
    ),
    (
        "http-1.0-until-close",
        lambda b: b"HTTP/1.0 200 OK\r\nContent-Type: application/json\r\n\r\n" + b,
        "close",
    ),
    ("connection-close", lambda b: _cl(b, extra="Connection: close\r\n"), "close"),
    ("100-continue-first", lambda b: b"HTTP/1.1 100 Continue\r\n\r\n" + _cl(b), "keep"),
    (
        "odd-header-spacing",
        lambda b: _cl(b, extra="x-request-id:   req_1  \r\nX-Dup: 1\r\nx-dup: 2\r\n"),
        "keep",
    ),
    ("error-status", lambda b: _cl(b'{"error": {"message": "nope", "type": "x"}}', 400), "keep"),
    (
        "error-status-html",
        lambda b: _cl(b"<html>bad gateway</html>", 502, ctype="text/html"),
        "keep",
    ),
    (
        "no-reason-phrase",
        lambda b: (
            b"HTTP/1.1 200\r\nContent-Type: application/json\r\n"
            + b"Content-Length: %d\r\n\r\n" % len(b)
            + b
        ),
        "keep",
    ),
    # broken
    ("truncated-head", lambda b: b"HTTP/1.1 200 OK\r\nContent-Le", "close"),
    ("truncated-head-rst", lambda b: b"HTTP/1.1 200 OK\r\nContent-Le", "rst"),
    ("nothing-then-close", lambda b: b"", "close"),
    ("nothing-then-rst", lambda b: b"", "rst"),
    ("short-content-length", lambda b: head(content_length=len(b) + 50) + b, "close"),
    ("short-content-length-rst", lambda b: head(content_length=len(b) + 50) + b, "rst"),
    ("chunked-no-terminator", lambda b: head(chunked=True) + chunk(b), "close"),
    ("chunked-cut-in-chunk", lambda b: head(chunked=True) + b"ff\r\n" + b[:10], "close"),
    ("bad-chunk-size", lambda b: head(chunked=True) + b"zz\r\n" + b + b"\r\n0\r\n\r\n", "keep"),
    (
        "missing-chunk-crlf",
        lambda b: head(chunked=True) + b"%x\r\n" % len(b) + b + b"XX0\r\n\r\n",
        "keep",
    ),
    ("garbage-status-line", lambda b: b"HTTX/1.1 200 OK\r\n\r\n", "keep"),
    ("bad-status-code", lambda b: b"HTTP/1.1 2x0 OK\r\nContent-Length: 0\r\n\r\n", "keep"),
    ("te-and-cl", lambda b: head(chunked=True, content_length=len(b)) + chunked(b), "keep"),
    ("bad-gzip", lambda b: _cl(b"not gzip at all", extra="Content-Encoding: gzip\r\n"), "keep"),
    ("gzip-cut", lambda b: _cl(gzip.compress(b)[:-12], extra="Content-Encoding: gzip\r\n"), "keep"),
    ("bare-lf-head", lambda b: b"HTTP/1.1 200 OK\nContent-Length: %d\n\n" % len(b) + b, "keep"),
    ("header-without-colon", lambda b: _cl(b, extra="Broken header line\r\n"), "keep"),
    ("switching-protocols", lambda b: b"HTTP/1.1 101 Switching Protocols\r\n\r\n", "keep"),
    (
        "switching-protocols-with-bytes",
        lambda b: b"HTTP/1.1 101 Switching Protocols\r\nContent-Length: 3\r\n\r\nxyz",
        "keep",
    ),
    ("control-chars-in-values", lambda b: _cl(b, extra="X-Odd: a\x01\x7fb\r\n"), "keep"),
    ("nul-in-value", lambda b: _cl(b, extra="X-Odd: a\x00b\r\n"), "keep"),
    ("cr-in-value", lambda b: _cl(b, extra="X-Odd: a\rb\r\n"), "keep"),
    (
        "chunk-data-bare-lf",
        lambda b: head(chunked=True) + b"%x\r\n" % len(b) + b + b"\n0\r\n\r\n",
        "keep",
    ),
    (
        "chunk-size-bare-lf",
        lambda b: head(chunked=True) + b"%x\n" % len(b) + b + b"\r\n0\r\n\r\n",
        "keep",
    ),
    (
        "trailers-bare-lf",
        lambda b: head(chunked=True) + chunk(b) + b"0\r\nX-T: 1\n\n",
        "keep",
    ),
]


def serve_script(script: Script, body: bytes) -> Callable[..., Awaitable[None]]:
    _, make, then = script

    async def on_connection(server: RawServer, reader: asyncio.StreamReader, writer: Any) -> None:
        while (await server.read_request(reader)) is not None:
            writer.write(make(body))
            await writer.drain()
            if then == "close":
                writer.close()
                return
            if then == "rst":
                await asyncio.sleep(0.02)
                rst(writer)
                return

    return on_connection


def make_on_path(
    monkeypatch: pytest.MonkeyPatch, make_client: Any
) -> Callable[..., oxide.AsyncOpenAI]:
    def on_path(path: str, url: str, **kwargs: Any) -> oxide.AsyncOpenAI:
        # The holder reads the switch when the client is made.
        monkeypatch.setenv(FAST_PATH_ENV, "1" if path == "fast" else "0")
        client = make_client(url, **kwargs)
        monkeypatch.delenv(FAST_PATH_ENV)
        return client

    return on_path


def uses_fast_lane(client: oxide.AsyncOpenAI) -> bool:
    return bool(client._holder._state.fast_by_loop)


def outcome_of_exception(exc: BaseException) -> tuple[Any, ...]:
    message = str(exc)
    if isinstance(exc, oxide.APIConnectionError) and ": " in message:
        message = message.split(": ")[0]  # aiohttp's own wording of a body error follows
    status = getattr(exc, "status_code", None)
    return ("raised", type(exc).__name__, message, status)


async def plain_call(client: oxide.AsyncOpenAI) -> Any:
    model = await client.models.retrieve("gpt-test")
    return ("model", model.id, model._request_id)


async def raw_call(client: oxide.AsyncOpenAI) -> Any:
    raw = await client.models.with_raw_response.retrieve("gpt-test")
    headers = sorted((k.lower(), v) for k, v in raw.headers.items() if k.lower() != "date")
    return (
        "raw",
        raw.status_code,
        raw.http_version,
        headers,
        await raw.aread() if hasattr(raw, "aread") else raw.content,
    )


async def stream_call(client: oxide.AsyncOpenAI) -> Any:
    stream = await client.chat.completions.create(model="m", messages=MESSAGES, stream=True)
    got = [c.choices[0].delta.content async for c in stream]
    return ("stream", got)


CALLS = {
    "plain": (plain_call, MODEL),
    "raw": (raw_call, MODEL),
    "stream": (stream_call, STREAM_DONE),
}


async def run_case(client: oxide.AsyncOpenAI, call: Callable[..., Awaitable[Any]]) -> Any:
    try:
        return await asyncio.wait_for(call(client), 10)
    except oxide.OpenAIError as exc:
        return outcome_of_exception(exc)


@pytest.mark.asyncio
@pytest.mark.parametrize("call", sorted(CALLS))
@pytest.mark.parametrize("script", SCRIPTS, ids=[s[0] for s in SCRIPTS])
async def test_both_paths_agree_on_the_same_bytes(
    raw_server, make_client, monkeypatch, script: Script, call: str
) -> None:
    fn, body = CALLS[call]
    if call == "stream":
        script = (script[0], script[1], script[2])
    on_path = make_on_path(monkeypatch, make_client)
    outcomes = {}
    attempts = {}
    for path in ("fast", "aiohttp"):
        server = await raw_server(serve_script(script, body))
        client = on_path(path, server.url, max_retries=1)
        outcomes[path] = await run_case(client, fn)
        # A second call on the same client: the pool must be usable after whatever happened.
        await run_case(client, fn)
        attempts[path] = server.count
        assert uses_fast_lane(client) == (path == "fast")
        assert client._holder.connection_counts()[0] == 0
    assert outcomes["fast"] == outcomes["aiohttp"]
    assert attempts["fast"] == attempts["aiohttp"]


@pytest.mark.asyncio
async def test_both_paths_send_the_same_request(web_server, make_client, monkeypatch) -> None:
    async def handler(request: web.Request, n: int) -> web.StreamResponse:
        return web.json_response(chat_completion())

    on_path = make_on_path(monkeypatch, make_client)
    sent = {}
    for path in ("fast", "aiohttp"):
        server = await web_server(handler)
        client = on_path(path, server.url + "?api-version=1", default_headers={"X-Custom": "v"})
        await client.chat.completions.create(
            model="m", messages=MESSAGES, extra_headers={"x-extra": "é"}, extra_query={"q": "a b"}
        )
        await client.models.delete("ft:x/y")
        await client.with_options(max_retries=0).post("/raw", cast_to=object, content=b"\x00\x01")
        sent[path] = [
            (
                a.method,
                a.path,
                sorted(
                    (k.lower(), v)
                    for k, v in a.headers.items()
                    if k.lower() != "user-agent" or True
                ),
                a.body,
            )
            for a in server.attempts
        ]

    # Host carries the port of each server: compare the rest.
    def strip_host(rows: list[Any]) -> list[Any]:
        return [(m, p, [h for h in hs if h[0] != "host"], b) for m, p, hs, b in rows]

    assert strip_host(sent["fast"]) == strip_host(sent["aiohttp"])


@pytest.mark.asyncio
async def test_a_header_with_a_newline_is_refused_on_both_paths(
    web_server, make_client, monkeypatch
) -> None:
    async def handler(request: web.Request, n: int) -> web.StreamResponse:
        return web.json_response(model_obj())

    on_path = make_on_path(monkeypatch, make_client)
    for path in ("fast", "aiohttp"):
        server = await web_server(handler)
        client = on_path(path, server.url)
        with pytest.raises(ValueError, match="Forbidden control character"):
            await client.models.retrieve("m", extra_headers={"x-a": "1\r\nx-injected: 2"})
        assert server.count == 0


# -- the fallback -----------------------------------------------------------------------------


FILE_OBJECT = {
    "id": "file-1",
    "object": "file",
    "bytes": 3,
    "created_at": 1,
    "filename": "a.txt",
    "purpose": "assistants",
    "status": "processed",
}


@pytest.mark.asyncio
async def test_multipart_uploads_send_the_same_bytes_on_both_paths(
    web_server, make_client, monkeypatch, tmp_path
) -> None:
    # Uploads stream from their sources on the fast lane too: bytes, a path (Content-Length),
    # and a pipe that cannot seek (size unknown: chunked), each with a 503 first so the
    # retry's fresh payload is covered; the server must see the same requests on both paths.
    uploads = []

    async def handler(request: web.Request, n: int) -> web.StreamResponse:
        if request.path.endswith("/models"):
            return web.json_response({"object": "list", "data": []})
        uploads.append(n)
        if len(uploads) % 2:
            return web.json_response({"error": {"message": "busy"}}, status=503)
        return web.json_response(FILE_OBJECT)

    class Unsized(io.RawIOBase):
        # Neither seekable nor a file descriptor: its size is unknown until read.
        def __init__(self, data: bytes) -> None:
            self._data = io.BytesIO(data)

        def readable(self) -> bool:
            return True

        def readinto(self, buffer: Any) -> int:
            return self._data.readinto(buffer)

    big = tmp_path / "big.jsonl"
    big.write_bytes(b'{"a": 1}\n' * 40_000)  # 360 KB: several writes, flow control
    on_path = make_on_path(monkeypatch, make_client)
    sent = {}
    for path in ("fast", "aiohttp"):
        uploads.clear()
        server = await web_server(handler)
        client = on_path(path, server.url, max_retries=1)
        await client.models.list()  # both paths' pools exist before the uploads
        results = [
            await client.files.create(file=("a.txt", b"abc"), purpose="assistants"),
            await client.files.create(file=big, purpose="batch"),
        ]
        # Not replayable: the 503 is the answer (no retry of a spent source).
        with pytest.raises(oxide.InternalServerError):
            await client.files.create(file=("p.txt", Unsized(b"unsized")), purpose="assistants")
        assert [r.id for r in results] == ["file-1", "file-1"]
        assert uses_fast_lane(client) == (path == "fast")
        assert client._holder.connection_counts()[0] == 0
        rows = []
        for a in server.attempts:
            if not a.path.endswith("/files"):
                continue
            ctype = a.headers.get("Content-Type", "")
            boundary = ctype.partition("boundary=")[2].encode()
            body = a.body.replace(boundary, b"BOUNDARY") if boundary else a.body
            framing = a.headers.get("Transfer-Encoding") or a.headers.get("Content-Length")
            rows.append((a.method, a.path, ctype.split(";")[0], framing, body))
        sent[path] = rows
    assert len(sent["fast"]) == 5
    for fast, aio in zip(sent["fast"], sent["aiohttp"], strict=True):
        assert fast[:4] == aio[:4]
        assert fast == aio
    assert sent["fast"][-1][3] == "chunked"
    assert b"unsized" in sent["fast"][-1][4]


@pytest.mark.asyncio
async def test_an_upload_whose_file_shrinks_fails_alike_on_both_paths(
    web_server, make_client, monkeypatch, tmp_path
) -> None:
    async def handler(request: web.Request, n: int) -> web.StreamResponse:
        return web.json_response(FILE_OBJECT)

    on_path = make_on_path(monkeypatch, make_client)
    outcomes = {}
    for path in ("fast", "aiohttp"):
        server = await web_server(handler)
        client = on_path(path, server.url, max_retries=0)
        await client.models.list()

        class Shrinking(io.BytesIO):
            # Reports 300 KB when sized, then gives 10: the source changed mid-upload.
            def seek(self, offset: int, whence: int = 0) -> int:
                return 300_000 if whence == 2 else super().seek(offset, whence)

        with pytest.raises(oxide.APIConnectionError) as info:
            await client.files.create(file=("s.txt", Shrinking(b"0123456789")), purpose="batch")
        outcomes[path] = (type(info.value).__name__, type(info.value.__cause__).__name__)
        assert client._holder.connection_counts()[0] == 0
    assert outcomes["fast"] == outcomes["aiohttp"]


@pytest.mark.asyncio
async def test_redirects_are_followed_through_aiohttp(web_server, make_client, monkeypatch) -> None:
    monkeypatch.setenv(FAST_PATH_ENV, "1")  # on a fast-lane client (make test-fallback sets 0)

    async def handler(request: web.Request, n: int) -> web.StreamResponse:
        if request.path.endswith("/old"):
            raise web.HTTPTemporaryRedirect(location="/v1/models/gpt-test")
        return web.json_response(model_obj())

    server = await web_server(handler)
    client = make_client(server.url)
    result = await client.get("/models/old", cast_to=object)
    assert result == model_obj()
    assert [a.path for a in server.attempts] == ["/v1/models/old", "/v1/models/gpt-test"]
    assert uses_fast_lane(client)
    assert client._holder.connection_counts()[0] == 0


@pytest.mark.asyncio
@pytest.mark.parametrize("setting", ["0", "false", "off"])
async def test_the_switch_turns_the_fast_lane_off(
    web_server, make_client, monkeypatch, setting
) -> None:
    async def handler(request: web.Request, n: int) -> web.StreamResponse:
        return web.json_response(model_obj())

    server = await web_server(handler)
    monkeypatch.setenv(FAST_PATH_ENV, setting)
    client = make_client(server.url)
    assert (await client.models.retrieve("gpt-test")).id == "gpt-test"
    assert not uses_fast_lane(client)
    assert idle_connections(client._holder.session) == 1


@pytest.mark.asyncio
async def test_proxies_in_the_environment_use_aiohttp(web_server, make_client, monkeypatch) -> None:
    async def handler(request: web.Request, n: int) -> web.StreamResponse:
        return web.json_response(model_obj())

    server = await web_server(handler)
    monkeypatch.setenv("HTTP_PROXY", "http://127.0.0.1:9")
    monkeypatch.setenv("NO_PROXY", "127.0.0.1")
    client = make_client(server.url)
    assert (await client.models.retrieve("gpt-test")).id == "gpt-test"
    assert not uses_fast_lane(client)


@pytest.mark.asyncio
async def test_a_callers_session_is_used_as_given(web_server, make_client) -> None:
    async def handler(request: web.Request, n: int) -> web.StreamResponse:
        return web.json_response(model_obj())

    server = await web_server(handler)
    async with aiohttp.ClientSession() as session:
        client = make_client(server.url, http_client=session)
        assert (await client.models.retrieve("gpt-test")).id == "gpt-test"
        assert not uses_fast_lane(client)
        assert idle_connections(session) == 1
