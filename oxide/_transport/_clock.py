"""Time as the request engine sees it: retry sleeps, Retry-After dates, call deadlines.

One object, so that tests can hand a client a clock that records the sleeps it is asked for
and advances its own time instead of sleeping (`tests/faults/conftest.py::FakeClock`): the
fault suite checks every retry delay exactly and still runs in milliseconds.
"""

from __future__ import annotations

import asyncio
import sys
import time
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Any

__all__ = ["SYSTEM_CLOCK", "Clock", "time_limit"]


class Clock:
    """The real clock: `time.time()` for HTTP dates, `time.monotonic()` for deadlines."""

    __slots__ = ()

    def time(self) -> float:
        return time.time()

    def monotonic(self) -> float:
        return time.monotonic()

    async def sleep(self, seconds: float) -> None:
        await asyncio.sleep(seconds)


SYSTEM_CLOCK = Clock()


if sys.version_info >= (3, 11):

    def time_limit(seconds: float) -> Any:
        """`async with time_limit(s):` raises `TimeoutError` when the block runs longer."""
        return asyncio.timeout(seconds)

else:  # pragma: no cover - Python 3.10: asyncio.timeout does not exist yet

    @asynccontextmanager
    async def time_limit(seconds: float) -> AsyncIterator[None]:
        task = asyncio.current_task()
        assert task is not None
        fired = False

        def fire() -> None:
            nonlocal fired
            fired = True
            task.cancel()

        handle = asyncio.get_running_loop().call_later(seconds, fire)
        try:
            yield
        except asyncio.CancelledError:
            if fired:
                raise TimeoutError from None
            raise
        finally:
            handle.cancel()
