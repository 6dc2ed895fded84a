"""Binary response bodies (audio, file content): the SDK's `HttpxBinaryResponseContent`, no httpx.

The official class wraps an `httpx.Response` whose body has been read; oxide's is built from
that body and the response's headers, status and URL (`HttpxBinaryResponseContent(content,
headers=..., status_code=..., url=...)`, or `.from_response(oxide._http.Response)`), and
behaves as the httpx methods it delegates to:

* `.text`/`.iter_text()` decode with `.encoding`: the constructor's `encoding`, else the
  Content-Type charset if Python knows the codec, else UTF-8; invalid bytes are replaced.
* `.json()` is `json.loads(content, **kwargs)` (the stdlib, as httpx: it takes the kwargs).
* `iter_bytes(n)`/`iter_text(n)` cut the body in pieces of n (bytes or characters), the last
  shorter; without n, one piece (none for an empty body). `iter_lines()` splits as
  `str.splitlines()` does, like httpx's line decoder.
* The async twins (`aiter_bytes`, ...) are coroutines returning an async iterator, as in the
  SDK: `async for chunk in await content.aiter_bytes(): ...`.
* `stream_to_file`/`astream_to_file` warn (DeprecationWarning) as the SDK's: they never
  streamed. The real streaming download is `with_streaming_response`, which writes with
  `stream_to_file(chunks, file)` below.

One difference: the SDK's `iter_raw()`/`aiter_raw()` raise `httpx.StreamConsumed` (the
response has been read); oxide's give the body, in pieces as `iter_bytes`. These are the bytes
after any Content-Encoding was undone: the encoded ones are gone.
"""

from __future__ import annotations

import asyncio
import codecs
import email.message
import functools
import inspect
import json
import os
import sys
import warnings
from collections.abc import AsyncIterable, AsyncIterator, Callable, Iterator, Mapping
from typing import IO, TYPE_CHECKING, Any, TypeVar

from ._http import Request, Response

__all__ = ["BinaryResponseContent", "HttpxBinaryResponseContent", "stream_to_file"]

_F = TypeVar("_F", bound=Callable[..., Any])

_STREAM_TO_FILE_DEPRECATION = "Due to a bug, this method doesn't actually stream the response content, `.with_streaming_response.method()` should be used instead"


def _deprecated(message: str) -> Callable[[_F], _F]:
    """`typing_extensions.deprecated` without the dependency: warns at each call (stacklevel 2,
    the caller's line, as the SDK's) and sets `__deprecated__` for introspection."""

    def decorate(fn: _F) -> _F:
        @functools.wraps(fn)
        def wrapper(*args: Any, **kwargs: Any) -> Any:
            warnings.warn(message, DeprecationWarning, stacklevel=2)
            return fn(*args, **kwargs)

        if inspect.iscoroutinefunction(fn):
            # Still reported as a coroutine function, marked the way typing_extensions marks it.
            if sys.version_info >= (3, 12):
                inspect.markcoroutinefunction(wrapper)
            else:
                import asyncio.coroutines

                wrapper._is_coroutine = asyncio.coroutines._is_coroutine  # type: ignore[attr-defined]
        wrapper.__deprecated__ = message  # type: ignore[attr-defined]
        return wrapper  # type: ignore[return-value]

    return decorate


if TYPE_CHECKING:
    # Type checkers and editors show the strike-through; at run time the local decorator
    # does the same warning without needing typing_extensions installed.
    from typing_extensions import deprecated
else:
    deprecated = _deprecated


def _charset(content_type: str) -> str | None:
    # httpx's parser (the email package's), so quoting and case are handled alike:
    # `text/plain; charset="ISO-8859-1"` gives "iso-8859-1".
    msg = email.message.Message()
    msg["content-type"] = content_type
    return msg.get_content_charset(failobj=None)


def _is_known_encoding(encoding: str) -> bool:
    try:
        codecs.lookup(encoding)
    except LookupError:
        return False
    return True


def _pieces(data: str, size: int | None) -> list[str]:
    if size is None:
        return [data] if data else []
    step = max(size, 1)
    return [data[i : i + step] for i in range(0, len(data), step)]


class HttpxBinaryResponseContent:
    """A read binary response body. Named as the SDK's class (the one its binary endpoints,
    e.g. `audio.speech.create`, return); `BinaryResponseContent` is the same class."""

    response: Response
    # How the engine recognises the class as a `cast_to` without importing this module.
    _oxide_binary = True

    def __init__(
        self,
        content: bytes,
        *,
        headers: Mapping[str, str],
        status_code: int = 200,
        url: str = "",
        encoding: str | None = None,
        request: Request | None = None,
    ) -> None:
        """`content`: the body, already read (and decompressed). `encoding` overrides the
        charset for `.text` and the text iterators. `request` defaults to a GET of `url`."""
        self.response = Response(
            status_code, headers, content, request if request is not None else Request("GET", url)
        )
        self._encoding = encoding
        self._text: str | None = None

    @classmethod
    def from_response(
        cls, response: Response, *, encoding: str | None = None
    ) -> HttpxBinaryResponseContent:
        """From the record oxide keeps of a read response (`oxide._http.Response`)."""
        self = cls.__new__(cls)
        self.response = response
        self._encoding = encoding
        self._text = None
        return self

    # -- the body ---------------------------------------------------------------------------

    @property
    def content(self) -> bytes:
        return self.response.content

    @property
    def text(self) -> str:
        if self._text is None:
            content = self.content
            self._text = content.decode(self._text_encoding(), "replace") if content else ""
        return self._text

    @property
    def encoding(self) -> str | None:
        """The encoding `.text` uses: the explicit one, else a known Content-Type charset,
        else "utf-8". (Typed optional as the SDK's; oxide's is never None.)"""
        return self._text_encoding()

    def _text_encoding(self) -> str:
        if self._encoding is not None:
            return self._encoding
        charset = self.charset_encoding
        if charset is None or not _is_known_encoding(charset):
            return "utf-8"
        return charset

    @property
    def charset_encoding(self) -> str | None:
        """The charset named by the Content-Type header, lower-cased, or None."""
        content_type = self.response.headers.get("Content-Type")
        return None if content_type is None else _charset(content_type)

    def json(self, **kwargs: Any) -> Any:
        # The stdlib, as httpx: it accepts `json.loads` kwargs (object_hook, parse_float...)
        # and detects UTF-16/32 bodies, which orjson would not.
        return json.loads(self.content, **kwargs)

    def read(self) -> bytes:
        return self.content

    def iter_bytes(self, chunk_size: int | None = None) -> Iterator[bytes]:
        content = self.content
        step = len(content) if chunk_size is None else chunk_size
        for i in range(0, len(content), max(step, 1)):
            yield content[i : i + step]

    def iter_text(self, chunk_size: int | None = None) -> Iterator[str]:
        yield from _pieces(self.text, chunk_size)

    def iter_lines(self) -> Iterator[str]:
        # httpx's incremental LineDecoder, fed the whole text at once, gives exactly
        # `str.splitlines()` (a test checks it against httpx).
        yield from self.text.splitlines()

    def iter_raw(self, chunk_size: int | None = None) -> Iterator[bytes]:
        """The body in pieces (the SDK raises `httpx.StreamConsumed` here: see the module doc)."""
        return self.iter_bytes(chunk_size)

    def write_to_file(self, file: str | os.PathLike[str]) -> None:
        """Write the body to `file` (a path). To stream a download to disk instead, use
        `.with_streaming_response` and its `stream_to_file`."""
        with open(file, mode="wb") as f:
            f.write(self.content)

    @deprecated(_STREAM_TO_FILE_DEPRECATION)
    def stream_to_file(
        self, file: str | os.PathLike[str], *, chunk_size: int | None = None
    ) -> None:
        with open(file, mode="wb") as f:
            for data in self.iter_bytes(chunk_size):
                f.write(data)

    def close(self) -> None:
        """Nothing to release: the body was read and the connection returned already."""

    # -- async twins (coroutines returning iterators, as the SDK's) --------------------------

    async def aread(self) -> bytes:
        return self.content

    async def aiter_bytes(self, chunk_size: int | None = None) -> AsyncIterator[bytes]:
        return _aiter(self.iter_bytes(chunk_size))

    async def aiter_text(self, chunk_size: int | None = None) -> AsyncIterator[str]:
        return _aiter(self.iter_text(chunk_size))

    async def aiter_lines(self) -> AsyncIterator[str]:
        return _aiter(self.iter_lines())

    async def aiter_raw(self, chunk_size: int | None = None) -> AsyncIterator[bytes]:
        return _aiter(self.iter_raw(chunk_size))

    @deprecated(_STREAM_TO_FILE_DEPRECATION)
    async def astream_to_file(
        self, file: str | os.PathLike[str], *, chunk_size: int | None = None
    ) -> None:
        await stream_to_file(_aiter(self.iter_bytes(chunk_size)), file)

    async def aclose(self) -> None:
        """Nothing to release (see `close`)."""

    def __repr__(self) -> str:
        return f"<{type(self).__name__} [{self.response.status_code}] {len(self.content)} bytes>"


BinaryResponseContent = HttpxBinaryResponseContent


_T = TypeVar("_T")


async def _aiter(items: Iterator[_T]) -> AsyncIterator[_T]:
    for item in items:
        yield item


# Bytes gathered before one write to disk: the thread hop per write is then noise, and at most
# this much (plus the chunk in hand) is held.
_FLUSH_AT = 1024 * 1024


async def stream_to_file(chunks: AsyncIterable[bytes], file: str | os.PathLike[str]) -> None:
    """Write `chunks` (e.g. an aiohttp response's `iter_bytes()`) to the path `file`, truncating
    it, without holding the body: at most about 1 MB is buffered.

    File I/O runs on executor threads so a slow disk does not stall the event loop. The file is
    closed on every exit. If the body breaks off (an exception from `chunks`), the file keeps
    everything received; if the task is cancelled, it keeps what was flushed (a prefix).
    """
    loop = asyncio.get_running_loop()
    f: IO[bytes] = await loop.run_in_executor(None, open, file, "wb")
    try:
        pending = bytearray()
        try:
            async for chunk in chunks:
                pending += chunk
                if len(pending) >= _FLUSH_AT:
                    # Handed over whole (a new buffer is started), so the thread's write never
                    # sees the buffer grow under it.
                    data, pending = pending, bytearray()
                    await loop.run_in_executor(None, f.write, data)
        except Exception:
            # The body broke off: no write is in flight here, so what had arrived is kept.
            if pending:
                await loop.run_in_executor(None, f.write, pending)
            raise
        if pending:
            await loop.run_in_executor(None, f.write, pending)
    finally:
        # Buffered files lock their I/O: if a cancelled write is still running on its thread,
        # close() waits for it (one write at most) rather than racing it.
        f.close()
