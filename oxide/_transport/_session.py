"""aiohttp session and connector tuned for many small, latency-sensitive API calls."""

from __future__ import annotations

import os
import ssl
import threading
from functools import lru_cache

import aiohttp

from .._constants import DEFAULT_DNS_TTL, DEFAULT_KEEPALIVE_TIMEOUT
from .._types import Timeout

__all__ = ["client_timeout", "new_session", "shared_ssl_context"]

_ssl_lock = threading.Lock()
_ssl_context: ssl.SSLContext | None = None


def shared_ssl_context() -> ssl.SSLContext:
    """One verified SSL context per process: building one costs ~10 ms (ogx-ai/ogx#4221), and
    clients made per request must not pay it each time."""
    global _ssl_context
    if _ssl_context is None:
        with _ssl_lock:
            if _ssl_context is None:
                _ssl_context = ssl.create_default_context()
    return _ssl_context


def _env_proxies_present() -> bool:
    return any(
        os.environ.get(name)
        for name in (
            "HTTPS_PROXY",
            "https_proxy",
            "HTTP_PROXY",
            "http_proxy",
            "ALL_PROXY",
            "all_proxy",
        )
    )


def new_session(
    *, limit: int, limit_per_host: int, trust_env: bool | None = None
) -> aiohttp.ClientSession:
    """A session that owns one pooled connector. Must be called with the event loop running."""
    connector = aiohttp.TCPConnector(
        limit=limit,
        limit_per_host=limit_per_host,
        ttl_dns_cache=DEFAULT_DNS_TTL,
        use_dns_cache=True,
        keepalive_timeout=DEFAULT_KEEPALIVE_TIMEOUT,
        ssl=shared_ssl_context(),
    )
    return aiohttp.ClientSession(
        connector=connector,
        connector_owner=True,
        # No cookies on an API client: the jar costs time on every response.
        cookie_jar=aiohttp.DummyCookieJar(),
        # Every request passes its own ClientTimeout; this only replaces aiohttp's default
        # total=300 s, which would kill long streams.
        timeout=aiohttp.ClientTimeout(total=None),
        auto_decompress=True,
        # Reading proxy variables costs time per request; only do it when some are set, which
        # keeps httpx's default (trust_env=True) where it matters.
        trust_env=_env_proxies_present() if trust_env is None else trust_env,
    )


@lru_cache(maxsize=64)
def client_timeout(timeout: Timeout | None) -> aiohttp.ClientTimeout:
    """httpx-style timeouts as aiohttp's. Never a total: `read` bounds each wait for data, so a
    stream that keeps sending lives as long as it needs. aiohttp's `connect` bounds waiting for
    a pooled connection plus opening it, so it is pool + connect."""
    if timeout is None:
        return aiohttp.ClientTimeout(total=None)
    connect, read, _write, pool = timeout.as_tuple()
    pool_wait = None if pool is None and connect is None else (pool or 0.0) + (connect or 0.0)
    if pool is None:
        pool_wait = None
    return aiohttp.ClientTimeout(
        total=None, connect=pool_wait, sock_connect=connect, sock_read=read
    )
