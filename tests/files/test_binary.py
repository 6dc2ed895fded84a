"""`HttpxBinaryResponseContent`: every method against the official class on the same body and
headers (the SDK's wraps an `httpx2.Response`), and `stream_to_file` over a real socket."""

from __future__ import annotations

import asyncio
import json
import pathlib
import warnings
from collections.abc import AsyncIterator
from typing import Any

import aiohttp
import httpx2
import pytest
from aiohttp import web
from hypothesis import given, settings
from hypothesis import strategies as st
from openai._legacy_response import HttpxBinaryResponseContent as SdkBinary

from oxide._binary import BinaryResponseContent, HttpxBinaryResponseContent, stream_to_file
from oxide._http import Request, Response

DEPRECATION = "Due to a bug, this method doesn't actually stream the response content, `.with_streaming_response.method()` should be used instead"

BODIES: dict[str, tuple[bytes, dict[str, str]]] = {
    "empty": (b"", {"content-type": "audio/mpeg"}),
    "binary": (bytes(range(256)) * 3, {"content-type": "audio/mpeg"}),
    "utf-8 lines": ("héllo\nwörld\r\nlast\rx".encode(), {"content-type": "text/plain"}),
    "latin-1 by charset": (
        "café\nnaïve".encode("latin-1"),
        {"content-type": "text/plain; charset=ISO-8859-1"},
    ),
    "quoted charset": ("ok ✓".encode(), {"content-type": 'text/plain; charset="UTF-8"'}),
    "utf-16": ("two\nlines".encode("utf-16"), {"content-type": "text/plain; charset=utf-16"}),
    "unknown charset": ("é".encode(), {"content-type": "text/plain; charset=x-made-up"}),
    "invalid utf-8": (b"ok \xff\xfe bad\n", {"content-type": "application/octet-stream"}),
    "no content type": (b"plain", {}),
    "json": (b'{"a": [1, 2.5, "\\u00e9"], "b": null}', {"content-type": "application/json"}),
    "trailing newlines": (b"a\n\n\r\n\r", {"content-type": "text/plain"}),
}


def pair(name: str) -> tuple[HttpxBinaryResponseContent, SdkBinary]:
    body, headers = BODIES[name]
    ours = HttpxBinaryResponseContent(
        body, headers=headers, status_code=200, url="https://api.openai.com/v1/audio/speech"
    )
    sdk = SdkBinary(httpx2.Response(200, content=body, headers=headers))
    return ours, sdk


@pytest.mark.parametrize("name", list(BODIES))
def test_sync_methods_match_the_sdk(name: str) -> None:
    ours, sdk = pair(name)
    assert ours.content == sdk.content
    assert ours.read() == sdk.read()
    assert ours.text == sdk.text
    assert ours.encoding == sdk.encoding
    assert ours.charset_encoding == sdk.charset_encoding
    for size in (None, 1, 3, 1000):
        assert list(ours.iter_bytes(size)) == list(sdk.iter_bytes(size)), size
        assert list(ours.iter_text(size)) == list(sdk.iter_text(size)), size
    assert list(ours.iter_lines()) == list(sdk.iter_lines())
    if name == "json":
        assert ours.json() == sdk.json()
        assert ours.json(parse_float=str) == sdk.json(parse_float=str)
    ours.close()
    sdk.close()
    assert ours.content == sdk.content  # still readable after close, as the SDK's


@pytest.mark.asyncio
@pytest.mark.parametrize("name", list(BODIES))
async def test_async_methods_match_the_sdk(name: str) -> None:
    ours, sdk = pair(name)

    async def collect(it: AsyncIterator[Any]) -> list[Any]:
        return [x async for x in it]

    assert await ours.aread() == await sdk.aread()
    for size in (None, 2):
        assert await collect(await ours.aiter_bytes(size)) == await collect(
            await sdk.aiter_bytes(size)
        )
        assert await collect(await ours.aiter_text(size)) == await collect(
            await sdk.aiter_text(size)
        )
    assert await collect(await ours.aiter_lines()) == await collect(await sdk.aiter_lines())
    await ours.aclose()


def test_iter_raw_gives_the_body() -> None:
    """The SDK's raises httpx.StreamConsumed on a read response; oxide's gives the body."""
    ours, sdk = pair("binary")
    with pytest.raises(httpx2.StreamConsumed):
        list(sdk.iter_raw())
    assert b"".join(ours.iter_raw()) == ours.content
    assert [len(c) for c in ours.iter_raw(300)] == [300, 300, 168]


@pytest.mark.asyncio
async def test_aiter_raw_gives_the_body() -> None:
    ours, _ = pair("binary")
    assert [c async for c in await ours.aiter_raw(500)] == list(ours.iter_bytes(500))


def test_explicit_encoding_wins() -> None:
    body = "ü".encode("cp1252")
    content = HttpxBinaryResponseContent(
        body, headers={"content-type": "text/plain; charset=utf-8"}, encoding="cp1252"
    )
    assert content.encoding == "cp1252"
    assert content.charset_encoding == "utf-8"
    assert content.text == "ü"
    assert list(content.iter_lines()) == ["ü"]


def test_response_record_and_from_response() -> None:
    content = HttpxBinaryResponseContent(
        b"x", headers={"X-Request-Id": "req_1"}, status_code=201, url="https://h/v1/f"
    )
    assert content.response.status_code == 201
    assert content.response.headers["x-request-id"] == "req_1"
    assert content.response.url == "https://h/v1/f"
    response = Response(
        200, {"content-type": "text/plain; charset=latin-1"}, b"\xe9", Request("POST", "u")
    )
    from_response = HttpxBinaryResponseContent.from_response(response)
    assert from_response.response is response
    assert from_response.text == "é"
    assert BinaryResponseContent is HttpxBinaryResponseContent
    assert repr(content) == "<HttpxBinaryResponseContent [201] 1 bytes>"


@settings(max_examples=300, deadline=None)
@given(
    st.text(alphabet=st.sampled_from(list("ab \n\r\x0b\x0c\x1c\x85\u2028é")), max_size=40),
    st.sampled_from(["utf-8", "utf-16", "latin-1"]),
)
def test_text_and_lines_match_httpx(text: str, charset: str) -> None:
    try:
        body = text.encode(charset)
    except UnicodeEncodeError:
        body = text.encode("utf-8")
        charset = "utf-8"
    headers = {"content-type": f"text/plain; charset={charset}"}
    ours = HttpxBinaryResponseContent(body, headers=headers)
    sdk = SdkBinary(httpx2.Response(200, content=body, headers=headers))
    assert ours.text == sdk.text
    assert list(ours.iter_lines()) == list(sdk.iter_lines())
    assert list(ours.iter_text(3)) == list(sdk.iter_text(3))


# -- files -----------------------------------------------------------------------------------


def test_write_to_file(tmp_path: pathlib.Path) -> None:
    ours, _ = pair("binary")
    ours.write_to_file(tmp_path / "out.mp3")
    assert (tmp_path / "out.mp3").read_bytes() == ours.content
    ours.write_to_file(str(tmp_path / "out.mp3"))  # a str path too, truncating
    assert (tmp_path / "out.mp3").read_bytes() == ours.content


def test_stream_to_file_warns_as_the_sdk(tmp_path: pathlib.Path) -> None:
    ours, sdk = pair("binary")
    with pytest.warns(DeprecationWarning) as ours_warning:
        ours.stream_to_file(tmp_path / "ours.bin", chunk_size=7)
    with pytest.warns(DeprecationWarning) as sdk_warning:
        sdk.stream_to_file(tmp_path / "sdk.bin", chunk_size=7)
    assert str(ours_warning[0].message) == str(sdk_warning[0].message) == DEPRECATION
    assert ours_warning[0].filename == __file__  # reported at the caller's line
    assert (tmp_path / "ours.bin").read_bytes() == (tmp_path / "sdk.bin").read_bytes()
    assert ours.stream_to_file.__deprecated__ == DEPRECATION  # type: ignore[attr-defined]


@pytest.mark.asyncio
async def test_astream_to_file_warns_and_writes(tmp_path: pathlib.Path) -> None:
    ours, _ = pair("binary")
    with pytest.warns(DeprecationWarning, match="doesn't actually stream"):
        await ours.astream_to_file(tmp_path / "a.bin")
    assert (tmp_path / "a.bin").read_bytes() == ours.content
    # Still a coroutine function to asyncio, as the SDK's (typing_extensions marks it).
    assert asyncio.iscoroutinefunction(HttpxBinaryResponseContent.astream_to_file)


# -- stream_to_file: an aiohttp response body written to disk as it arrives ------------------------


@pytest.mark.asyncio
async def test_stream_to_file_from_a_real_response(tmp_path: pathlib.Path) -> None:
    piece = bytes(range(256)) * 256  # 64 KiB
    pieces = 80  # 5 MiB, several flushes to disk
    seen_on_disk_before_end: list[int] = []
    target = tmp_path / "speech.mp3"

    async def handler(request: web.Request) -> web.StreamResponse:
        resp = web.StreamResponse(headers={"Content-Type": "audio/mpeg"})
        await resp.prepare(request)
        for i in range(pieces):
            await resp.write(piece)
            if i == pieces // 2:
                # Half sent (2.6 MiB): the client has flushed some of it to disk already.
                for _ in range(250):
                    if target.exists() and target.stat().st_size > 0:
                        break
                    await asyncio.sleep(0.02)
                seen_on_disk_before_end.append(target.stat().st_size if target.exists() else 0)
        await resp.write_eof()
        return resp

    app = web.Application()
    app.router.add_get("/speech", handler)
    runner = web.AppRunner(app, access_log=None)
    await runner.setup()
    site = web.TCPSite(runner, "127.0.0.1", 0)
    await site.start()
    assert site._server is not None
    port = site._server.sockets[0].getsockname()[1]  # type: ignore[union-attr]
    try:
        async with aiohttp.ClientSession() as session:
            async with session.get(f"http://127.0.0.1:{port}/speech") as resp:
                await stream_to_file(resp.content.iter_chunked(65536), target)
    finally:
        await runner.cleanup()
    assert target.read_bytes() == piece * pieces
    assert seen_on_disk_before_end and seen_on_disk_before_end[0] > 0  # written as it came


async def chunks(
    n: int, gate: asyncio.Event | None = None, reached: asyncio.Event | None = None
) -> AsyncIterator[bytes]:
    for i in range(n):
        if gate is not None and i == n // 2:
            if reached is not None:
                reached.set()
            await gate.wait()
        yield b"%06d" % i


@pytest.mark.asyncio
async def test_stream_to_file_small_and_empty(tmp_path: pathlib.Path) -> None:
    await stream_to_file(chunks(3), tmp_path / "small")
    assert (tmp_path / "small").read_bytes() == b"000000000001000002"
    (tmp_path / "empty").write_bytes(b"old content")
    await stream_to_file(chunks(0), str(tmp_path / "empty"))
    assert (tmp_path / "empty").read_bytes() == b""


@pytest.mark.asyncio
async def test_stream_to_file_cancelled_closes_the_file(tmp_path: pathlib.Path) -> None:
    gate, reached = asyncio.Event(), asyncio.Event()
    target = tmp_path / "partial"
    task = asyncio.create_task(stream_to_file(chunks(400_000, gate, reached), target))
    # Cancelled once half the body has arrived (not after a fixed sleep: loaded hosts vary).
    await asyncio.wait_for(reached.wait(), 60)
    task.cancel()
    with pytest.raises(asyncio.CancelledError):
        await task
    size = target.stat().st_size
    assert 0 < size <= 200_000 * 6  # what had arrived, flushed on close
    assert size % 6 == 0


@pytest.mark.asyncio
async def test_stream_to_file_error_propagates(tmp_path: pathlib.Path) -> None:
    async def failing() -> AsyncIterator[bytes]:
        yield b"abc"
        raise aiohttp.ClientPayloadError("cut")

    with pytest.raises(aiohttp.ClientPayloadError):
        await stream_to_file(failing(), tmp_path / "cut")
    assert (tmp_path / "cut").read_bytes() == b"abc"


def test_no_warning_outside_deprecated_methods() -> None:
    ours, _ = pair("json")
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        ours.write_to_file  # noqa: B018 - attribute access alone must not warn
        assert json.loads(ours.content) == ours.json()
