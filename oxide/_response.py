"""`with_raw_response` and `with_streaming_response`: the HTTP response around a result.

* `LegacyAPIResponse` (`client.with_raw_response...`): the body has been read; `.parse()`
  gives the usual result (for `stream=True`, the stream), `.headers`, `.status_code`, ... as
  the official SDK's class of the same name.
* `AsyncAPIResponse` / `APIResponse` (`client.with_streaming_response...`, a context manager):
  the body is not read until asked: `.read()`, `.text()`, `.json()`, `.parse()`,
  `.iter_bytes()`, `.iter_text()`, `.iter_lines()`.
"""

from __future__ import annotations

import datetime
import functools
import os
import re
from collections.abc import AsyncIterator, Awaitable, Callable, Iterator
from types import TracebackType
from typing import TYPE_CHECKING, Any, Generic, ParamSpec, TypeVar, overload

import aiohttp
import orjson

from ._decode import parse_body, stream_item_type
from ._http import Request
from ._options import OVERRIDE_CAST_TO_HEADER, RAW_RESPONSE_HEADER
from ._streaming import AsyncStream, Stream
from ._transport._aiohttp_private import close_dropped_response
from ._transport._errors import TRANSPORT_ERRORS, translate
from ._types import NotGiven

if TYPE_CHECKING:
    from multidict import CIMultiDictProxy

    from ._options import RequestOptions
    from ._sync import LoopSlot, SyncRunner

__all__ = [
    "APIResponse",
    "AsyncAPIResponse",
    "AsyncBinaryAPIResponse",
    "AsyncResponseContextManager",
    "AsyncStreamedBinaryAPIResponse",
    "BinaryAPIResponse",
    "LegacyAPIResponse",
    "ResponseContextManager",
    "StreamedBinaryAPIResponse",
    "async_to_custom_raw_response_wrapper",
    "async_to_custom_streamed_response_wrapper",
    "async_to_streamed_response_wrapper",
    "to_custom_raw_response_wrapper",
    "to_custom_streamed_response_wrapper",
    "to_streamed_response_wrapper",
]

_R = TypeVar("_R")
_T = TypeVar("_T")
_RespT = TypeVar("_RespT", bound="APIResponse[Any]")
_AsyncRespT = TypeVar("_AsyncRespT", bound="AsyncAPIResponse[Any]")
_LINE_END = re.compile(r"\r\n|\r|\n")


class _ResponseBase:
    def __init__(
        self,
        *,
        client: Any,
        raw: aiohttp.ClientResponse,
        request: Request,
        content: bytes | None,
        cast_to: Any,
        stream: bool,
        stream_cls: Any,
        retries_taken: int,
        elapsed: float,
        expect_usage: bool = False,
        options: RequestOptions | None = None,
    ) -> None:
        self._client = client
        self._raw = raw
        self._request = request
        self._content = content
        self._cast_to = cast_to
        self._stream = stream
        self._stream_cls = stream_cls
        self.retries_taken = retries_taken
        self._elapsed = elapsed
        self._expect_usage = expect_usage
        self._options = options
        self._closed = content is not None  # the body was read whole
        self._parsed: dict[Any, Any] = {}
        self._runner: SyncRunner | None = None
        self._slot: LoopSlot | None = None  # set with the runner by _for_sync
        self._handed_off = False  # a stream was made from it: the stream owns the connection

    @property
    def headers(self) -> CIMultiDictProxy[str]:
        return self._raw.headers

    @property
    def http_request(self) -> Request:
        return self._request

    @property
    def status_code(self) -> int:
        return self._raw.status

    @property
    def url(self) -> str:
        return str(self._raw.url)

    @property
    def method(self) -> str:
        return self._request.method

    @property
    def http_version(self) -> str:
        v = self._raw.version
        return f"HTTP/{v.major}.{v.minor}" if v is not None else "HTTP/1.1"

    @property
    def elapsed(self) -> datetime.timedelta:
        """Time from sending the request to receiving the response headers."""
        return datetime.timedelta(seconds=self._elapsed)

    @property
    def request_id(self) -> str | None:
        return self._raw.headers.get("x-request-id")

    @property
    def is_closed(self) -> bool:
        """As httpx's: True once the body was read to its end or the response closed."""
        return self._closed

    def _parse_content(self, content: bytes, to: Any) -> Any:
        result = parse_body(to, content, self._raw, self._request)
        # `.parse()` returns what the method returns: its post-parser applies (a page gets its
        # client; `chat.completions.parse` parses the content), unless another type was asked.
        options = self._options
        if to is self._cast_to and options is not None:
            post_parser = options.post_parser
            if not isinstance(post_parser, NotGiven):
                result = post_parser(result)
        return result

    def _open_stream(self, to: Any) -> Any:
        from . import _models

        item_type = to or stream_item_type(self._stream_cls, self._cast_to)
        decode = _models.decoder_for(item_type)
        astream: AsyncStream[Any] = AsyncStream(
            decode=decode,
            response=self._raw,
            request=self._request,
            expect_usage=self._expect_usage,
            events_only=self._options is not None and self._options.events_only,
        )
        self._handed_off = True
        if self._runner is None:
            return astream
        return Stream(astream, self._runner, self._slot)

    def _for_sync(self, runner: SyncRunner) -> Any:
        self._runner = runner
        self._slot = runner.current()  # the loop the response lives on
        return self

    def __del__(self) -> None:
        # A response dropped with its body unread (a raw stream never parsed, a streaming
        # response left without its context manager): its connection is closed now.
        if not getattr(self, "_handed_off", True) and self._content is None:
            close_dropped_response(self._raw)

    def __repr__(self) -> str:
        # The SDK's: its legacy class calls itself APIResponse; the status with its reason.
        name = "APIResponse" if isinstance(self, LegacyAPIResponse) else type(self).__name__
        return f"<{name} [{self.status_code} {self._raw.reason or ''}] type={self._cast_to}>"


class LegacyAPIResponse(_ResponseBase, Generic[_R]):
    """What `with_raw_response` methods return; the body is already read (streams excepted)."""

    @property
    def content(self) -> bytes:
        return self._content or b""

    @property
    def text(self) -> str:
        return self.content.decode("utf-8", "replace")

    def json(self) -> Any:
        return orjson.loads(self.content)

    @overload
    def parse(self, *, to: None = None) -> _R: ...

    @overload
    def parse(self, *, to: type[_T]) -> _T: ...

    def parse(self, *, to: Any = None) -> Any:
        """The result the plain method would have returned (or a stream, for `stream=True`)."""
        key = to or self._cast_to
        if key in self._parsed:
            return self._parsed[key]
        result = self._open_stream(to) if self._stream else self._parse_content(self.content, key)
        self._parsed[key] = result
        return result


class AsyncAPIResponse(_ResponseBase, Generic[_R]):
    """What `with_streaming_response` gives inside `async with`; reads the body on demand."""

    async def read(self) -> bytes:
        if self._content is None:
            try:
                self._content = await self._raw.read()
                self._closed = True
            except TRANSPORT_ERRORS as exc:
                raise translate(exc, self._request) from exc
        return self._content

    async def text(self) -> str:
        return (await self.read()).decode("utf-8", "replace")

    async def json(self) -> Any:
        return orjson.loads(await self.read())

    @overload
    async def parse(self, *, to: None = None) -> _R: ...

    @overload
    async def parse(self, *, to: type[_T]) -> _T: ...

    async def parse(self, *, to: Any = None) -> Any:
        if self._stream:
            return self._open_stream(to)
        key = to or self._cast_to
        if key not in self._parsed:
            self._parsed[key] = self._parse_content(await self.read(), key)
        return self._parsed[key]

    async def iter_bytes(self, chunk_size: int | None = None) -> AsyncIterator[bytes]:
        if self._content is not None:
            yield self._content
            return
        try:
            if chunk_size:
                async for chunk in self._raw.content.iter_chunked(chunk_size):
                    yield chunk
            else:
                async for chunk in self._raw.content.iter_any():
                    yield chunk
        except TRANSPORT_ERRORS as exc:
            raise translate(exc, self._request) from exc

    async def iter_text(self, chunk_size: int | None = None) -> AsyncIterator[str]:
        import codecs

        decoder = codecs.getincrementaldecoder("utf-8")("replace")
        async for chunk in self.iter_bytes(chunk_size):
            text = decoder.decode(chunk)
            if text:
                yield text
        tail = decoder.decode(b"", final=True)
        if tail:
            yield tail

    async def iter_lines(self) -> AsyncIterator[str]:
        """Lines without their endings; LF, CRLF and CR end a line, as in httpx."""
        buf = ""
        async for text in self.iter_text():
            buf += text
            # A CR at the end may be the first half of a CRLF split across chunks: hold it.
            hold_cr = buf.endswith("\r")
            parts = _LINE_END.split(buf[:-1] if hold_cr else buf)
            buf = parts.pop() + ("\r" if hold_cr else "")
            for line in parts:
                yield line
        if buf:
            yield buf.rstrip("\r")

    async def close(self) -> None:
        self._closed = True
        self._raw.close()


class APIResponse(Generic[_R]):
    """The sync client's `with_streaming_response` response: reads on the loop its response lives on."""

    def __init__(self, inner: AsyncAPIResponse[_R], runner: SyncRunner) -> None:
        self._inner = inner
        self._runner = runner
        inner._for_sync(runner)
        self._loop = inner._slot

    def __getattr__(self, name: str) -> Any:
        # Properties (headers, status_code, request_id, ...) read straight through.
        return getattr(self._inner, name)

    def __repr__(self) -> str:
        inner = self._inner
        reason = inner._raw.reason or ""
        return f"<{type(self).__name__} [{inner.status_code} {reason}] type={inner._cast_to}>"

    def read(self) -> bytes:
        return self._runner.run(self._inner.read(), self._loop)

    def text(self) -> str:
        return self._runner.run(self._inner.text(), self._loop)

    def json(self) -> Any:
        return self._runner.run(self._inner.json(), self._loop)

    @overload
    def parse(self, *, to: None = None) -> _R: ...

    @overload
    def parse(self, *, to: type[_T]) -> _T: ...

    def parse(self, *, to: Any = None) -> Any:
        return self._runner.run(self._inner.parse(to=to), self._loop)

    def _iterate(self, agen: AsyncIterator[Any]) -> Iterator[Any]:
        anext = agen.__anext__
        while True:
            try:
                yield self._runner.run(_next_or_stop(anext), self._loop)
            except _Exhausted:
                return

    def iter_bytes(self, chunk_size: int | None = None) -> Iterator[bytes]:
        return self._iterate(self._inner.iter_bytes(chunk_size))

    def iter_text(self, chunk_size: int | None = None) -> Iterator[str]:
        return self._iterate(self._inner.iter_text(chunk_size))

    def iter_lines(self) -> Iterator[str]:
        return self._iterate(self._inner.iter_lines())

    def close(self) -> None:
        self._runner.run(self._inner.close(), self._loop)


class _Exhausted(Exception):
    pass


async def _next_or_stop(anext: Callable[[], Awaitable[Any]]) -> Any:
    # StopAsyncIteration cannot leave a coroutine run to completion; translate it.
    try:
        return await anext()
    except StopAsyncIteration:
        raise _Exhausted from None


class AsyncResponseContextManager(Generic[_AsyncRespT]):
    """`async with client.with_streaming_response.x.create(...) as response:`"""

    def __init__(self, request: Awaitable[_AsyncRespT]) -> None:
        self._request = request
        self._response: _AsyncRespT | None = None

    async def __aenter__(self) -> _AsyncRespT:
        self._response = await self._request
        return self._response

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        if self._response is not None:
            await self._response.close()


class ResponseContextManager(Generic[_RespT]):
    """`with client.with_streaming_response.x.create(...) as response:`"""

    def __init__(self, request: Callable[[], _RespT]) -> None:
        self._request = request
        self._response: _RespT | None = None

    def __enter__(self) -> _RespT:
        self._response = self._request()
        return self._response

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        if self._response is not None:
            self._response.close()


class BinaryAPIResponse(APIResponse[bytes]):
    """A sync response whose body is binary (the SDK's class): `write_to_file`."""

    def write_to_file(self, file: str | os.PathLike[str]) -> None:
        with open(file, mode="wb") as f:
            for data in self.iter_bytes():
                f.write(data)


class AsyncBinaryAPIResponse(AsyncAPIResponse[bytes]):
    async def write_to_file(self, file: str | os.PathLike[str]) -> None:
        with open(file, mode="wb") as f:  # noqa: ASYNC230  # as the SDK: chunks are small
            async for data in self.iter_bytes():
                f.write(data)


class StreamedBinaryAPIResponse(APIResponse[bytes]):
    """`with client.with_streaming_response.files.content(...) as r: r.stream_to_file(p)`"""

    def stream_to_file(
        self, file: str | os.PathLike[str], *, chunk_size: int | None = None
    ) -> None:
        with open(file, mode="wb") as f:
            for data in self.iter_bytes(chunk_size):
                f.write(data)


class AsyncStreamedBinaryAPIResponse(AsyncAPIResponse[bytes]):
    async def stream_to_file(
        self, file: str | os.PathLike[str], *, chunk_size: int | None = None
    ) -> None:
        with open(file, mode="wb") as f:  # noqa: ASYNC230
            async for data in self.iter_bytes(chunk_size):
                f.write(data)


# -- the per-method wrappers of `with_raw_response` / `with_streaming_response` ---------------
# They set the SDK's marker header; `make_request_options` turns it into the call's mode.

_P = ParamSpec("_P")


def _with_marker(kwargs: dict[str, Any], mode: str, cast_to: Any = None) -> None:
    extra_headers = {**(kwargs.get("extra_headers") or {})}
    extra_headers[RAW_RESPONSE_HEADER] = mode
    if cast_to is not None:
        extra_headers[OVERRIDE_CAST_TO_HEADER] = cast_to
    kwargs["extra_headers"] = extra_headers


def to_streamed_response_wrapper(
    func: Callable[_P, _R],
) -> Callable[_P, ResponseContextManager[APIResponse[_R]]]:
    """A sync method, returning a context manager of a response read on demand."""

    @functools.wraps(func)
    def wrapped(*args: _P.args, **kwargs: _P.kwargs) -> ResponseContextManager[APIResponse[_R]]:
        _with_marker(kwargs, "stream")
        return ResponseContextManager(functools.partial(func, *args, **kwargs))  # type: ignore[arg-type]

    return wrapped


def async_to_streamed_response_wrapper(
    func: Callable[_P, Awaitable[_R]],
) -> Callable[_P, AsyncResponseContextManager[AsyncAPIResponse[_R]]]:
    """An async method, returning an async context manager of a response read on demand."""

    @functools.wraps(func)
    def wrapped(
        *args: _P.args, **kwargs: _P.kwargs
    ) -> AsyncResponseContextManager[AsyncAPIResponse[_R]]:
        _with_marker(kwargs, "stream")
        return AsyncResponseContextManager(func(*args, **kwargs))  # type: ignore[arg-type]

    return wrapped


def to_custom_streamed_response_wrapper(
    func: Callable[_P, object], response_cls: type[_RespT]
) -> Callable[_P, ResponseContextManager[_RespT]]:
    @functools.wraps(func)
    def wrapped(*args: _P.args, **kwargs: _P.kwargs) -> ResponseContextManager[_RespT]:
        _with_marker(kwargs, "stream", response_cls)
        return ResponseContextManager(functools.partial(func, *args, **kwargs))  # type: ignore[arg-type]

    return wrapped


def async_to_custom_streamed_response_wrapper(
    func: Callable[_P, Awaitable[object]], response_cls: type[_AsyncRespT]
) -> Callable[_P, AsyncResponseContextManager[_AsyncRespT]]:
    @functools.wraps(func)
    def wrapped(*args: _P.args, **kwargs: _P.kwargs) -> AsyncResponseContextManager[_AsyncRespT]:
        _with_marker(kwargs, "stream", response_cls)
        return AsyncResponseContextManager(func(*args, **kwargs))  # type: ignore[arg-type]

    return wrapped


def to_custom_raw_response_wrapper(
    func: Callable[_P, object], response_cls: type[_RespT]
) -> Callable[_P, _RespT]:
    @functools.wraps(func)
    def wrapped(*args: _P.args, **kwargs: _P.kwargs) -> _RespT:
        _with_marker(kwargs, "raw", response_cls)
        return func(*args, **kwargs)  # type: ignore[return-value]

    return wrapped


def async_to_custom_raw_response_wrapper(
    func: Callable[_P, Awaitable[object]], response_cls: type[_AsyncRespT]
) -> Callable[_P, Awaitable[_AsyncRespT]]:
    @functools.wraps(func)
    def wrapped(*args: _P.args, **kwargs: _P.kwargs) -> Awaitable[_AsyncRespT]:
        _with_marker(kwargs, "raw", response_cls)
        return func(*args, **kwargs)  # type: ignore[return-value]

    return wrapped
