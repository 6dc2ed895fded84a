"""The one boundary where aiohttp and OS exceptions become oxide exceptions.

Only these are treated as transport failures (and so retried before a response exists):
aiohttp client errors, OSError, and timeouts. Anything else, such as an application's own
exception raised while we await (openai/openai-python#2737), propagates untouched.
"""

from __future__ import annotations

import asyncio

import aiohttp

from .._exceptions import APIConnectionError, APITimeoutError
from .._http import Request

__all__ = ["TRANSPORT_ERRORS", "translate"]

# asyncio.TimeoutError is the builtin TimeoutError on 3.11+, an alias of its own on 3.10.
TRANSPORT_ERRORS: tuple[type[BaseException], ...] = (
    aiohttp.ClientError,
    OSError,
    asyncio.TimeoutError,
    TimeoutError,
)


def translate(exc: BaseException, request: Request) -> APIConnectionError:
    """The oxide error for a transport failure; callers chain it with `from exc`."""
    if isinstance(exc, (asyncio.TimeoutError, TimeoutError)):
        return APITimeoutError(request)
    if isinstance(exc, aiohttp.ClientPayloadError):
        return APIConnectionError(
            message=f"Connection broke while reading the response body: {exc}", request=request
        )
    if isinstance(exc, aiohttp.ServerDisconnectedError):
        return APIConnectionError(message="Server disconnected.", request=request)
    return APIConnectionError(request=request)
