"""`with_raw_response`: the SDK's `_legacy_response` module (its name kept for the generated
resources). The method's result comes back as a `LegacyAPIResponse` whose body is read;
`.parse()` gives what the method would have returned."""

from __future__ import annotations

import functools
from collections.abc import Awaitable, Callable
from typing import Any, ParamSpec, TypeVar

from ._binary import HttpxBinaryResponseContent
from ._response import LegacyAPIResponse, _with_marker

__all__ = [
    "HttpxBinaryResponseContent",
    "LegacyAPIResponse",
    "async_to_raw_response_wrapper",
    "to_raw_response_wrapper",
]

_P = ParamSpec("_P")
_R = TypeVar("_R")


def to_raw_response_wrapper(func: Callable[_P, _R]) -> Callable[_P, LegacyAPIResponse[_R]]:
    """A sync method whose call returns the raw response instead of the parsed content."""

    @functools.wraps(func)
    def wrapped(*args: _P.args, **kwargs: _P.kwargs) -> LegacyAPIResponse[_R]:
        _with_marker(kwargs, "raw")
        result: Any = func(*args, **kwargs)
        return result  # type: ignore[no-any-return]

    return wrapped


def async_to_raw_response_wrapper(
    func: Callable[_P, Awaitable[_R]],
) -> Callable[_P, Awaitable[LegacyAPIResponse[_R]]]:
    """An async method whose call returns the raw response instead of the parsed content."""

    @functools.wraps(func)
    async def wrapped(*args: _P.args, **kwargs: _P.kwargs) -> LegacyAPIResponse[_R]:
        _with_marker(kwargs, "raw")
        result: Any = await func(*args, **kwargs)
        return result  # type: ignore[no-any-return]

    return wrapped
