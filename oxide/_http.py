"""Light request/response records carried by exceptions and raw responses.

They stand where the official SDK puts `httpx2.Request` / `httpx2.Response`, with the attributes
user code reads (`status_code`, `headers`, `text`, `json()`, `request.url`, ...), so that
`except openai.APIStatusError as e: e.response.headers[...]` keeps working.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

import orjson
from multidict import CIMultiDict, CIMultiDictProxy

__all__ = ["Headers", "Request", "Response", "is_secret_header"]

# Header names whose values are credentials: shown as '[secure]' in reprs, as httpx does.
_SECRET_NAMES = frozenset(
    {
        "authorization",
        "proxy-authorization",
        "api-key",  # Azure OpenAI
        "x-api-key",
        "openai-admin-key",
        "cookie",
        "set-cookie",
    }
)
_SECRET_PARTS = ("key", "token", "secret", "password", "auth", "signature", "credential")


def is_secret_header(name: str) -> bool:
    """Whether a header's value must never be printed (an API key, a token, a cookie)."""
    lower = name.lower()
    return lower in _SECRET_NAMES or any(part in lower for part in _SECRET_PARTS)


class Headers(CIMultiDictProxy[str]):
    """A read-only, case-insensitive header view whose repr and str mask credentials: an
    exception or a raw response printed to a log must not carry the API key. The values
    themselves (what was sent) are unchanged."""

    def __repr__(self) -> str:
        shown = ", ".join(
            f"{k!r}: {'[secure]' if is_secret_header(k) else v!r}" for k, v in self.items()
        )
        return f"<Headers({shown})>"

    __str__ = __repr__


class Request:
    """What was sent. Built on every call, so the header view is made only when read."""

    __slots__ = ("method", "url", "_headers")

    def __init__(self, method: str, url: str, headers: Mapping[str, str] | None = None) -> None:
        self.method = method
        self.url = url
        self._headers = headers

    @property
    def headers(self) -> Headers:
        return Headers(CIMultiDict(self._headers or {}))

    def __repr__(self) -> str:
        return f"<Request({self.method!r}, {self.url!r})>"


class Response:
    """A response whose body (if any) has been read. Streams keep `content` empty."""

    __slots__ = (
        "status_code",
        "headers",
        "content",
        "request",
        "reason_phrase",
        "http_version",
        "_closer",
    )

    def __init__(
        self,
        status_code: int,
        headers: CIMultiDictProxy[str] | Mapping[str, str],
        content: bytes,
        request: Request,
        *,
        reason_phrase: str = "",
        http_version: str = "HTTP/1.1",
    ) -> None:
        self.status_code = status_code
        self.headers = (
            headers
            if isinstance(headers, CIMultiDictProxy)
            else CIMultiDictProxy(CIMultiDict(headers))
        )
        self.content = content
        self.request = request
        self.reason_phrase = reason_phrase
        self.http_version = http_version
        # A stream's response closes the stream (`stream.response.close()`, as with httpx);
        # held weakly, so a dropped stream is still collected at once (no reference cycle).
        self._closer: Callable[[], Callable[[], object] | None] | None = None

    def close(self) -> None:
        """Close the connection of the stream this response belongs to (else nothing to do:
        the body was read)."""
        closer = self._closer() if self._closer is not None else None
        if closer is not None:
            closer()

    async def aclose(self) -> None:
        self.close()

    @property
    def text(self) -> str:
        return self.content.decode("utf-8", "replace")

    def json(self) -> Any:
        return orjson.loads(self.content)

    @property
    def url(self) -> str:
        return self.request.url

    @property
    def is_success(self) -> bool:
        return 200 <= self.status_code < 300

    def __repr__(self) -> str:
        return f"<Response [{self.status_code} {self.reason_phrase}]>"
