"""The official SDK's HTTP-client names, for code that passes them to the constructor.

The official clients take an httpx client (`http_client=openai.DefaultAsyncHttpxClient(...)`, or
`DefaultAioHttpClient()` for its aiohttp transport). oxide is aiohttp-native with one pooled
connector per client, so these names build *options* for that pool instead of a client:
`http_client=DefaultAioHttpClient()` means oxide's own pool (what oxide does anyway), and
`limits=` sizes it as `connection_limit=` does. httpx settings with no equivalent in oxide's
transport (`proxy`, `verify`, `cert`, `transport`, `http2`, `event_hooks`, ...) raise a
`TypeError` naming what to do instead, rather than being dropped. An `aiohttp.ClientSession` of
your own is still taken as it is.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    import aiohttp

from ._constants import DEFAULT_CONNECTION_LIMIT

__all__ = [
    "DEFAULT_CONNECTION_LIMITS",
    "ConnectionLimits",
    "DefaultAioHttpClient",
    "DefaultAsyncHttpx2Client",
    "DefaultAsyncHttpxClient",
    "DefaultHttpx2Client",
    "DefaultHttpxClient",
    "HttpClientOptions",
    "ProxiesTypes",
    "Transport",
]

# httpx's transport and proxy types, which oxide does not take (see `HttpClientOptions`).
Transport = Any
ProxiesTypes = Any


@dataclass(frozen=True)
class ConnectionLimits:
    """The pool size, as httpx's `Limits` (oxide's pool keeps idle connections up to the same
    limit, so `max_keepalive_connections` is informational)."""

    max_connections: int | None = DEFAULT_CONNECTION_LIMIT
    max_keepalive_connections: int | None = 100


DEFAULT_CONNECTION_LIMITS = ConnectionLimits(max_connections=1000, max_keepalive_connections=100)

# httpx client settings that have nothing to configure in oxide: the client's own `timeout`
# and `follow_redirects` are what the official client passes per request anyway.
_IGNORED = frozenset({"timeout", "follow_redirects", "base_url", "headers", "trust_env"})
_ALTERNATIVES = {
    "proxy": "set HTTPS_PROXY / HTTP_PROXY (oxide's aiohttp pool reads them), or pass an "
    "aiohttp.ClientSession of your own as http_client",
    "proxies": "set HTTPS_PROXY / HTTP_PROXY, or pass an aiohttp.ClientSession of your own",
    "mounts": "pass an aiohttp.ClientSession of your own as http_client",
    "transport": "pass an aiohttp.ClientSession of your own as http_client",
    "verify": "pass an aiohttp.ClientSession with an aiohttp.TCPConnector(ssl=...) of your own",
    "cert": "pass an aiohttp.ClientSession with an aiohttp.TCPConnector(ssl=...) of your own",
    "http2": "oxide speaks HTTP/1.1 with keep-alive; drop http2=",
    "event_hooks": "use oxide's logging (OPENAI_LOG) or with_raw_response for headers",
    "auth": "set headers with default_headers=, or an api_key callable",
}


class HttpClientOptions:
    """What an official HTTP-client name builds: options for oxide's connection pool."""

    def __init__(self, name: str, **kwargs: Any) -> None:
        self.name = name
        self.connection_limit: int | None = None
        for key, value in kwargs.items():
            if key == "limits":
                limit = getattr(value, "max_connections", None)
                self.connection_limit = limit if isinstance(limit, int) else None
            elif key in _IGNORED:
                continue
            else:
                hint = _ALTERNATIVES.get(key, "oxide's transport has no such setting")
                raise TypeError(f"{name}(): oxide does not take httpx's `{key}=`; {hint}")

    def __repr__(self) -> str:
        return f"{self.name}(connection_limit={self.connection_limit})"


def DefaultAioHttpClient(**kwargs: Any) -> HttpClientOptions:  # noqa: N802 (the SDK's name)
    """oxide's own aiohttp pool (the official `DefaultAioHttpClient` is httpx on aiohttp)."""
    return HttpClientOptions("DefaultAioHttpClient", **kwargs)


def DefaultAsyncHttpxClient(**kwargs: Any) -> HttpClientOptions:  # noqa: N802
    """oxide's own aiohttp pool, sized by `limits=` (there is no httpx in oxide)."""
    return HttpClientOptions("DefaultAsyncHttpxClient", **kwargs)


def DefaultHttpxClient(**kwargs: Any) -> HttpClientOptions:  # noqa: N802
    """The sync client's pool, sized by `limits=` (there is no httpx in oxide)."""
    return HttpClientOptions("DefaultHttpxClient", **kwargs)


def DefaultAsyncHttpx2Client(**kwargs: Any) -> HttpClientOptions:  # noqa: N802
    """As `DefaultAsyncHttpxClient` (the official 3.x name for its httpx2 client)."""
    return HttpClientOptions("DefaultAsyncHttpx2Client", **kwargs)


def DefaultHttpx2Client(**kwargs: Any) -> HttpClientOptions:  # noqa: N802
    """As `DefaultHttpxClient` (the official 3.x name for its httpx2 client)."""
    return HttpClientOptions("DefaultHttpx2Client", **kwargs)


def resolve_http_client(
    http_client: Any, connection_limit: int
) -> tuple[aiohttp.ClientSession | None, int]:
    """(the aiohttp session to use or None, the pool size) for a constructor's `http_client`."""
    if http_client is None:
        return None, connection_limit
    if isinstance(http_client, HttpClientOptions):
        return None, http_client.connection_limit or connection_limit
    import aiohttp

    if isinstance(http_client, aiohttp.ClientSession):
        return http_client, connection_limit
    raise TypeError(
        f"http_client must be an aiohttp.ClientSession or one of the official names "
        f"(DefaultAioHttpClient(), DefaultAsyncHttpxClient(limits=...)), not "
        f"{type(http_client).__name__}: oxide does not use httpx. For the official client "
        f"class with its httpx client, use oxide.official.AsyncOpenAI."
    )
