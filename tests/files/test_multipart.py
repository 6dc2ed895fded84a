"""Multipart bodies sent by aiohttp to a real local server: byte-identical to the SDK's body for
the same inputs, parsed as expected, resent whole on retries, files closed (or not) as they
should be."""

from __future__ import annotations

import asyncio
import io
import os
import pathlib
import threading
from collections.abc import Callable, Iterator
from typing import Any

import aiohttp
import anyio
import pytest
import pytest_asyncio
from aiohttp import web

from oxide._files import (
    MultipartPayload,
    boundary_from_content_type,
    multipart_body,
    multipart_factory,
)

from .conftest import UploadServer, sdk_multipart

BOUNDARY = "6b7ba517decee4a450543ea6ae821c82"

ServerFactory = Callable[..., Any]


@pytest.fixture
def files_dir(tmp_path: pathlib.Path) -> pathlib.Path:
    (tmp_path / "train.jsonl").write_bytes(b'{"prompt": "a"}\n{"prompt": "b"}\n')
    (tmp_path / "photo.png").write_bytes(bytes(range(256)) * 40)
    (tmp_path / "no_ext").write_bytes(b"\x00\x01binary")
    (tmp_path / 'we"ird\nname.txt').write_bytes(b"weird")
    return tmp_path


async def post(url: str, payload: MultipartPayload) -> int:
    async with aiohttp.ClientSession() as session:
        async with session.post(url, data=payload) as resp:
            await resp.read()
            return resp.status


# -- every input kind, byte for byte against the SDK -------------------------------------------------

# Each case builds fresh inputs (a file object is read by whoever sends it).
CASES: dict[str, Callable[[pathlib.Path], tuple[dict[str, Any] | None, list[tuple[str, Any]]]]] = {
    "bytes": lambda d: ({"purpose": "assistants"}, [("file", b"hello world")]),
    "path": lambda d: ({"purpose": "fine-tune"}, [("file", d / "train.jsonl")]),
    "path without extension": lambda d: (None, [("file", d / "no_ext")]),
    "path needing escapes": lambda d: (None, [("file", d / 'we"ird\nname.txt')]),
    "anyio path": lambda d: (None, [("file", anyio.Path(d / "photo.png"))]),
    "open binary file": lambda d: (None, [("file", open(d / "photo.png", "rb"))]),  # noqa: SIM115
    "BytesIO": lambda d: (None, [("file", io.BytesIO(b"in memory"))]),
    "tuple (name, bytes)": lambda d: (None, [("file", ("speech.mp3", b"ID3..."))]),
    "tuple (name, file)": lambda d: (None, [("file", ("a.jsonl", open(d / "train.jsonl", "rb")))]),  # noqa: SIM115
    "tuple (name, str)": lambda d: (None, [("file", ("notes.txt", "héllo"))]),
    "tuple with content type": lambda d: (None, [("file", ("a.bin", b"RIFF", "audio/wav"))]),
    "tuple with None content type": lambda d: (None, [("file", ("a.json", b"{}", None))]),
    "tuple with headers": lambda d: (
        None,
        [("file", ("a.bin", b"x", "image/png", {"X-Trace": "1", "Content-Language": "en"}))],
    ),
    "tuple with content-type header": lambda d: (
        None,
        [("file", ("a.bin", b"x", "image/png", {"content-type": "text/csv"}))],
    ),
    "tuple without filename": lambda d: (None, [("file", (None, b"anonymous"))]),
    "nested fields and a list of files": lambda d: (
        {
            "prompt": "a cat",
            "n": 2,
            "stream": False,
            "quality": None,
            "metadata": {"k": "v", "nested": {"x": 1.5}},
            "tags": ["a", "b"],
            "items": [{"p": 1, "q": True}, {"p": 2, "q": False}],
        },
        [
            ("image[]", d / "photo.png"),
            ("image[]", ("b.png", b"\x89PNG")),
            ("mask", open(d / "photo.png", "rb")),  # noqa: SIM115
        ],
    ),
    "fields only": lambda d: ({"purpose": "batch", "expires_after": {"anchor": "x"}}, []),
    "nothing": lambda d: (None, []),
}


@pytest.fixture
def closing() -> Iterator[list[Any]]:
    """File objects a case opened, closed after the test (oxide must not close them)."""
    opened: list[Any] = []
    yield opened
    for f in opened:
        f.close()


def build(
    case: str, d: pathlib.Path, opened: list[Any]
) -> tuple[dict[str, Any] | None, list[tuple[str, Any]]]:
    data, files = CASES[case](d)
    for _, value in files:
        content = value[1] if isinstance(value, tuple) else value
        if isinstance(content, io.IOBase):
            opened.append(content)
    return data, files


@pytest.mark.asyncio
@pytest.mark.parametrize("case", list(CASES))
async def test_body_is_the_sdks(
    case: str, files_dir: pathlib.Path, upload_server: ServerFactory, closing: list[Any]
) -> None:
    server: UploadServer = await upload_server()
    data, files = build(case, files_dir, closing)
    payload = multipart_factory(data, files, boundary=BOUNDARY)()
    assert await post(server.url, payload) == 200

    expected = sdk_multipart(*build(case, files_dir, closing), BOUNDARY)
    [received] = server.received
    assert received.body == expected
    assert received.headers["Content-Type"] == f"multipart/form-data; boundary={BOUNDARY}"
    assert received.headers["Content-Length"] == str(len(expected))
    assert payload.size == len(expected)
    for f in closing:
        assert not f.closed  # the caller's objects stay open


@pytest.mark.asyncio
async def test_server_parses_what_was_meant(
    files_dir: pathlib.Path, upload_server: ServerFactory, closing: list[Any]
) -> None:
    server: UploadServer = await upload_server()
    data, files = build("nested fields and a list of files", files_dir, closing)
    await post(server.url, multipart_body(data, files))
    [received] = server.received
    assert received.fields == [
        ("prompt", "a cat"),
        ("n", "2"),
        ("stream", "false"),
        ("metadata[k]", "v"),
        ("metadata[nested][x]", "1.5"),
        ("tags[]", "a"),
        ("tags[]", "b"),
        ("items[][p]", "1"),
        ("items[][p]", "2"),
        ("items[][q]", "true"),
        ("items[][q]", "false"),
    ]
    photo = (files_dir / "photo.png").read_bytes()
    uploads = [
        (p.name, p.filename, p.headers["Content-Type"], p.content)
        for p in received.parts
        if p.filename
    ]
    assert uploads == [
        ("image[]", "photo.png", "image/png", photo),
        ("image[]", "b.png", "image/png", b"\x89PNG"),
        ("mask", "photo.png", "image/png", photo),
    ]


@pytest.mark.asyncio
async def test_random_boundary_per_body(upload_server: ServerFactory) -> None:
    server: UploadServer = await upload_server()
    factory = multipart_factory({"a": "1"}, [("file", b"x")])
    first, second = factory(), factory()
    assert first.boundary != second.boundary and len(first.boundary) == 32
    await post(server.url, first)
    assert server.received[0].headers["Content-Type"] == (
        f"multipart/form-data; boundary={first.boundary}"
    )
    assert [(p.name, p.content) for p in server.received[0].parts] == [("a", b"1"), ("file", b"x")]


@pytest.mark.asyncio
async def test_large_bytes_value(upload_server: ServerFactory) -> None:
    server: UploadServer = await upload_server()
    blob = os.urandom(3 * 1024 * 1024 + 17)  # several write slices, an odd tail
    await post(server.url, multipart_body(None, [("file", ("big.bin", blob))]))
    assert server.received[0].parts[0].content == blob


def test_render_and_decode_give_the_same_body(files_dir: pathlib.Path) -> None:
    payload = multipart_body({"a": "é"}, [("file", files_dir / "train.jsonl")], boundary="b")
    body = payload.render()
    assert body == sdk_multipart({"a": "é"}, [("file", files_dir / "train.jsonl")], "b")
    assert payload.decode() == body.decode()


# -- retries -------------------------------------------------------------------------------------


async def fail_first(request: web.Request, n: int) -> web.StreamResponse:
    return web.json_response({"error": {"message": "boom"}}, status=500 if n == 0 else 200)


@pytest.mark.asyncio
async def test_retry_resends_the_full_body(
    files_dir: pathlib.Path, upload_server: ServerFactory, closing: list[Any]
) -> None:
    """What the request engine does: one payload per attempt from the same factory."""
    server: UploadServer = await upload_server(fail_first)
    user_file = open(files_dir / "photo.png", "rb")  # noqa: SIM115
    closing.append(user_file)
    user_file.read(100)  # a position past 0: the SDK (httpx) still sends from 0
    memory = io.BytesIO(b"in memory")
    memory.read()
    files = [
        ("file", files_dir / "train.jsonl"),
        ("image[]", user_file),
        ("image[]", ("m.bin", memory)),
        ("raw", b"bytes"),
    ]
    factory = multipart_factory({"purpose": "x"}, files, boundary=BOUNDARY)
    assert factory.replayable
    statuses = []
    for _attempt in range(2):
        statuses.append(await post(server.url, factory()))
        if statuses[-1] < 500:
            break
    assert statuses == [500, 200]
    first, second = server.received
    assert first.body == second.body
    user_file.seek(0)
    expected = sdk_multipart(
        {"purpose": "x"},
        [
            ("file", files_dir / "train.jsonl"),
            ("image[]", user_file),
            ("image[]", ("m.bin", io.BytesIO(b"in memory"))),
            ("raw", b"bytes"),
        ],
        BOUNDARY,
    )
    assert second.body == expected
    assert not factory.spent and not user_file.closed and not memory.closed


@pytest.mark.asyncio
async def test_a_file_rewritten_between_attempts_is_sent_whole(
    tmp_path: pathlib.Path, upload_server: ServerFactory
) -> None:
    server: UploadServer = await upload_server(fail_first)
    path = tmp_path / "grows.txt"
    path.write_bytes(b"short")
    factory = multipart_factory(None, [("file", path)])
    assert await post(server.url, factory()) == 500
    path.write_bytes(b"much longer now")
    assert await post(server.url, factory()) == 200
    assert [r.parts[0].content for r in server.received] == [b"short", b"much longer now"]


@pytest.mark.asyncio
async def test_redirect_307_resends_the_same_payload(
    files_dir: pathlib.Path, upload_server: ServerFactory
) -> None:
    """aiohttp writes one payload object twice on a 307: it must be rewindable in place."""

    async def redirect_first(request: web.Request, n: int) -> web.StreamResponse:
        if n == 0:
            raise web.HTTPTemporaryRedirect("/v1/files/again")
        return web.json_response({})

    server: UploadServer = await upload_server(redirect_first)
    payload = multipart_body(None, [("file", files_dir / "photo.png")])
    assert not payload.consumed
    assert await post(server.url, payload) == 200
    first, second = server.received
    assert first.body == second.body
    assert second.parts[0].content == (files_dir / "photo.png").read_bytes()


# -- a file object that cannot seek: sent once, chunked --------------------------------------------


@pytest.fixture
def pipe_reader() -> Iterator[Callable[[bytes], io.BufferedReader]]:
    opened: list[io.BufferedReader] = []
    threads: list[threading.Thread] = []

    def make(content: bytes) -> io.BufferedReader:
        r, w = os.pipe()

        def feed() -> None:
            with os.fdopen(w, "wb") as f:
                f.write(content)

        thread = threading.Thread(target=feed, daemon=True)
        thread.start()
        threads.append(thread)
        reader = os.fdopen(r, "rb")
        opened.append(reader)
        return reader

    yield make
    for thread in threads:
        thread.join(timeout=5)
    for reader in opened:
        reader.close()


@pytest.mark.asyncio
async def test_pipe_is_sent_chunked_once(
    upload_server: ServerFactory, pipe_reader: Callable[[bytes], io.BufferedReader]
) -> None:
    server: UploadServer = await upload_server(fail_first)
    content = os.urandom(700_000)
    reader = pipe_reader(content)
    factory = multipart_factory({"purpose": "x"}, [("file", ("data.bin", reader))])
    assert not factory.replayable and not factory.spent
    payload = factory()
    assert payload.size is None
    assert await post(server.url, payload) == 500
    [received] = server.received
    assert received.headers["Transfer-Encoding"] == "chunked"
    assert received.parts[1].content == content
    assert factory.spent and payload.consumed
    with pytest.raises(RuntimeError, match="cannot be sent again"):
        factory()
    assert not reader.closed


@pytest.mark.asyncio
async def test_unsent_pipe_can_still_be_sent(
    pipe_reader: Callable[[bytes], io.BufferedReader], upload_server: ServerFactory
) -> None:
    """An attempt that failed before writing the body (here: nothing listening) leaves the
    stream untouched, so the next attempt may still send it."""
    server: UploadServer = await upload_server()
    factory = multipart_factory(None, [("file", ("d.bin", pipe_reader(b"abc")))])
    with pytest.raises(aiohttp.ClientConnectionError):
        await post("http://127.0.0.1:1/v1/files", factory())
    assert not factory.spent
    assert await post(server.url, factory()) == 200
    assert server.received[0].parts[0].content == b"abc"


# -- files oxide opens are closed; the caller's are not touched after the call ----------------------


def open_fds_to(path: pathlib.Path) -> int:
    target = str(path.resolve())
    count = 0
    for fd in os.listdir("/proc/self/fd"):
        try:
            if os.readlink(f"/proc/self/fd/{fd}") == target:
                count += 1
        except OSError:
            pass
    return count


@pytest.mark.asyncio
@pytest.mark.skipif(not os.path.isdir("/proc/self/fd"), reason="needs /proc")
async def test_path_is_closed_after_sending(
    files_dir: pathlib.Path, upload_server: ServerFactory
) -> None:
    server: UploadServer = await upload_server(fail_first)
    path = files_dir / "photo.png"
    factory = multipart_factory(None, [("file", path)])
    assert open_fds_to(path) == 0  # not opened up front either
    for _ in range(2):
        await post(server.url, factory())
        assert open_fds_to(path) == 0


async def until(condition: Callable[[], bool], timeout: float = 5.0) -> bool:
    """Polls `condition` (two xdist workers share two cores: no fixed sleeps)."""
    deadline = asyncio.get_running_loop().time() + timeout
    while not condition():
        if asyncio.get_running_loop().time() > deadline:
            return False
        await asyncio.sleep(0.02)
    return True


@pytest_asyncio.fixture
async def stalled_server() -> Any:
    """Accepts connections and never reads: the client's body write blocks once the socket
    buffers are full."""
    release = asyncio.Event()

    async def hold(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        await release.wait()
        writer.close()

    server = await asyncio.start_server(hold, "127.0.0.1", 0)
    yield f"http://127.0.0.1:{server.sockets[0].getsockname()[1]}/v1/files"
    release.set()
    server.close()
    await server.wait_closed()


@pytest.mark.asyncio
@pytest.mark.skipif(not os.path.isdir("/proc/self/fd"), reason="needs /proc")
async def test_cancelled_upload_closes_the_path_and_leaves_the_file_object(
    tmp_path: pathlib.Path, stalled_server: str
) -> None:
    path = tmp_path / "big.bin"
    with open(path, "wb") as f:
        f.truncate(64 * 1024 * 1024)
    user_file = open(path, "rb")  # noqa: SIM115
    try:
        payload = multipart_body(None, [("a", path), ("b", ("b.bin", user_file))])
        task = asyncio.create_task(post(stalled_server, payload))
        # Writing, then blocked on the full socket: oxide's handle and the caller's are open.
        assert await until(lambda: open_fds_to(path) == 2)
        await asyncio.sleep(0.2)
        task.cancel()
        with pytest.raises(asyncio.CancelledError):
            await task
        # aiohttp cancels its body-writer task on the way out: only the caller's handle stays.
        assert await until(lambda: open_fds_to(path) == 1)
        position = user_file.tell()
        await asyncio.sleep(0.2)
        assert user_file.tell() == position  # no read landed after the call ended
        assert not user_file.closed
    finally:
        user_file.close()


@pytest.mark.asyncio
async def test_file_that_shrank_fails_instead_of_hanging(
    tmp_path: pathlib.Path, upload_server: ServerFactory
) -> None:
    server: UploadServer = await upload_server()
    path = tmp_path / "shrinks.bin"
    path.write_bytes(b"x" * 100_000)
    payload = multipart_body(None, [("file", path)])  # sized now: 100 000 bytes
    path.write_bytes(b"x" * 10)
    with pytest.raises(aiohttp.ClientError):
        await asyncio.wait_for(post(server.url, payload), timeout=10)
    assert open_fds_to(path) == 0 if os.path.isdir("/proc/self/fd") else True


# -- bad input: the SDK's errors, raised before anything is sent --------------------------------------


def test_bad_inputs(tmp_path: pathlib.Path) -> None:
    with pytest.raises(
        TypeError, match="^Expected file types input to be a FileContent type or to be a tuple$"
    ):
        multipart_factory(None, [("file", "path/as/str.txt")])
    with pytest.raises(TypeError, match="^Unexpected file type input <class 'str'>"):
        multipart_factory(None, "file")  # type: ignore[arg-type]
    with pytest.raises(TypeError, match="require 'io.BytesIO', not 'io.StringIO'"):
        multipart_factory(None, [("file", ("a.txt", io.StringIO("text")))])
    (tmp_path / "t.txt").write_text("text")
    with open(tmp_path / "t.txt") as text_file:
        with pytest.raises(TypeError, match="must be opened in binary mode"):
            multipart_factory(None, [("file", ("t.txt", text_file))])
    with pytest.raises(FileNotFoundError):
        multipart_factory(None, [("file", tmp_path / "missing.bin")])
    with pytest.raises(ValueError, match="^Invalid multipart header name.$"):
        multipart_factory(None, [("f", ("a", b"x", None, {"Bad Name": "v"}))])
    with pytest.raises(ValueError, match="^Invalid control character in multipart header value.$"):
        multipart_factory(None, [("f", ("a", b"x", None, {"X": "a\nb"}))])
    with pytest.raises(TypeError, match="2 to 4 items"):
        multipart_factory(None, [("f", ("only-a-name",))])
    with pytest.raises(TypeError, match="Unexpected file content type <class 'int'>"):
        multipart_factory(None, [("f", ("a", 3))])
    with pytest.raises(TypeError, match="Expected query input to be a dictionary"):
        multipart_factory([("a", "b")], [])  # type: ignore[arg-type]


def test_mapping_of_files_is_accepted() -> None:
    body = multipart_body(None, {"file": b"x", "other": ("o.txt", b"y")}, boundary="b").render()
    assert body == sdk_multipart(None, {"file": b"x", "other": ("o.txt", b"y")}, "b")


def test_caller_headers_dict_is_not_modified() -> None:
    headers = {"X-Trace": "1"}
    multipart_factory(None, [("f", ("a.png", b"x", None, headers))])
    assert headers == {"X-Trace": "1"}


@pytest.mark.parametrize(
    "header,boundary",
    [
        ("multipart/form-data", None),
        ("multipart/form-data; boundary=abc", "abc"),
        ('multipart/form-data; charset=utf-8; Boundary="q-1"', "q-1"),
        ("application/json", None),
        (None, None),
    ],
)
def test_boundary_from_content_type(header: str | None, boundary: str | None) -> None:
    assert boundary_from_content_type(header) == boundary


def test_directory_path_fails_up_front(tmp_path: pathlib.Path) -> None:
    with pytest.raises(IsADirectoryError):
        multipart_factory(None, [("file", tmp_path)])


@pytest.mark.asyncio
@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="needs FIFOs")
async def test_fifo_path_is_read_to_its_end_once(
    tmp_path: pathlib.Path, upload_server: ServerFactory
) -> None:
    """A named pipe's size is unknown (st_size 0): sent chunked to EOF, and not resendable."""
    server: UploadServer = await upload_server()
    fifo = tmp_path / "stream.fifo"
    os.mkfifo(fifo)
    content = os.urandom(300_000)

    def feed() -> None:
        with open(fifo, "wb") as f:
            f.write(content)

    writer = threading.Thread(target=feed, daemon=True)
    writer.start()
    factory = multipart_factory(None, [("file", fifo)])
    assert not factory.replayable
    payload = factory()
    assert payload.size is None
    assert await post(server.url, payload) == 200
    writer.join(timeout=5)
    [received] = server.received
    assert received.parts[0].filename == "stream.fifo"
    assert received.parts[0].content == content
    assert factory.spent
