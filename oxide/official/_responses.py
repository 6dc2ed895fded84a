"""The official raw and streamed response classes, fed by oxide's.

`with_raw_response` gives an official `LegacyAPIResponse`, `with_streaming_response` an official
`APIResponse` / `AsyncAPIResponse`: isinstance checks hold and `http_response` is an
official-http-library response with oxide's status and headers (and the body once read), which
is what frameworks read (rate-limit headers, request ids). Reading and parsing are oxide's:
`parse()` gives the same official objects and streams as the plain methods.
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Iterator
from typing import Any, TypeVar

from openai import _legacy_response as _official_legacy
from openai import _response as _official_response

from .._streaming import Stream as _OxideStream
from ._route import with_request_id

__all__ = ["APIResponse", "AsyncAPIResponse", "LegacyAPIResponse"]

_T = TypeVar("_T")


def _official_stream(result: Any, client: Any) -> Any:
    from ._clients import AsyncStream, Stream

    cls = Stream if isinstance(result, _OxideStream) else AsyncStream
    return cls(result, client)


class _Fed:
    """What the three classes share: the oxide response inside, and the body once read."""

    _inner: Any
    http_response: Any

    _cast_to: Any
    _client: Any
    _parsed_by_type: dict[Any, Any]
    request_id: Any

    def __init__(self, inner: Any, *, body_read: bool, **kwargs: Any) -> None:
        super().__init__(**kwargs)  # the official class's, next in the MRO
        self._inner = inner
        self._body_read = body_read
        self._streams: bool = kwargs["stream"]

    def _own_type(self, to: Any) -> bool:
        """Whether `parse(to=to)` is the call's own type (oxide parses it); another type is
        parsed by the official code from the body oxide read (not for event streams)."""
        if to is None or to is self._cast_to:
            return True
        if self._streams:
            raise TypeError("oxide.official: parse(to=...) of an event stream is not supported")
        return False

    def _parsed(self, result: Any) -> Any:
        """`result` of oxide's parse as the official object (a stream, or a model with its
        `_request_id`), kept for the next `parse()`."""
        if self._streams:
            result = _official_stream(result, self._client)
        else:
            result = with_request_id(result, self.request_id)
        self._parsed_by_type[self._cast_to] = result
        return result

    def _keep_body(self, body: bytes) -> None:
        # The official-library response gets the body, for `.text`, `.json()`, `parse(to=...)`.
        if not self._body_read:
            from ._route import _httpx

            old = self.http_response
            self.http_response = _httpx.Response(
                old.status_code, headers=old.headers, content=body, request=old.request
            )
            self._body_read = True


class LegacyAPIResponse(_Fed, _official_legacy.LegacyAPIResponse[_T]):
    """What `with_raw_response` methods return (the body is read, streams excepted)."""

    def parse(self, *, to: Any = None) -> Any:
        if not self._own_type(to):
            return super().parse(to=to)  # the official parsing, of the body oxide read
        cached = self._parsed_by_type.get(self._cast_to)
        return cached if cached is not None else self._parsed(self._inner.parse())


class AsyncAPIResponse(_Fed, _official_response.AsyncAPIResponse[_T]):
    """What `with_streaming_response` gives inside `async with`: the body is read on demand."""

    async def parse(self, *, to: Any = None) -> Any:
        if not self._own_type(to):
            return await super().parse(to=to)  # reads through `read()` below
        cached = self._parsed_by_type.get(self._cast_to)
        return cached if cached is not None else self._parsed(await self._inner.parse())

    async def read(self) -> bytes:
        body: bytes = await self._inner.read()
        self._keep_body(body)
        return body

    async def text(self) -> str:
        return (await self.read()).decode("utf-8", "replace")

    async def json(self) -> object:
        await self.read()
        return self.http_response.json()

    async def close(self) -> None:
        await self._inner.close()

    async def iter_bytes(self, chunk_size: int | None = None) -> AsyncIterator[bytes]:
        async for chunk in self._inner.iter_bytes(chunk_size):
            yield chunk

    async def iter_text(self, chunk_size: int | None = None) -> AsyncIterator[str]:
        async for chunk in self._inner.iter_text(chunk_size):
            yield chunk

    async def iter_lines(self) -> AsyncIterator[str]:
        async for line in self._inner.iter_lines():
            yield line


class APIResponse(_Fed, _official_response.APIResponse[_T]):
    """The sync client's `with_streaming_response` response."""

    def parse(self, *, to: Any = None) -> Any:
        if not self._own_type(to):
            return super().parse(to=to)
        cached = self._parsed_by_type.get(self._cast_to)
        return cached if cached is not None else self._parsed(self._inner.parse())

    def read(self) -> bytes:
        body: bytes = self._inner.read()
        self._keep_body(body)
        return body

    def text(self) -> str:
        return self.read().decode("utf-8", "replace")

    def json(self) -> object:
        self.read()
        return self.http_response.json()

    def close(self) -> None:
        self._inner.close()

    def iter_bytes(self, chunk_size: int | None = None) -> Iterator[bytes]:
        return self._inner.iter_bytes(chunk_size)  # type: ignore[no-any-return]

    def iter_text(self, chunk_size: int | None = None) -> Iterator[str]:
        return self._inner.iter_text(chunk_size)  # type: ignore[no-any-return]

    def iter_lines(self) -> Iterator[str]:
        return self._inner.iter_lines()  # type: ignore[no-any-return]
