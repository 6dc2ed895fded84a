"""The sync client's engine: one private event loop in a daemon thread per client.

Calls from any number of threads are handed to that loop with `run_coroutine_threadsafe`, so
the sync client shares the async client's aiohttp machinery instead of a second HTTP stack, is
safe to share between threads, and never runs `run_until_complete` on a loop someone else owns.
After `fork` the child abandons the inherited thread (it does not exist there) and its sockets
(closing them could send TLS close_notify on the parent's connections) and starts afresh.
"""

from __future__ import annotations

import asyncio
import os
import threading
import weakref
from collections.abc import Callable, Coroutine
from typing import Any, TypeVar

__all__ = ["LoopThread"]

_T = TypeVar("_T")

_live: weakref.WeakSet[LoopThread] = weakref.WeakSet()


def _after_fork_in_child() -> None:
    for runner in list(_live):
        runner._abandon()


if hasattr(os, "register_at_fork"):
    os.register_at_fork(after_in_child=_after_fork_in_child)


class LoopThread:
    def __init__(self, name: str = "oxide-loop") -> None:
        self._name = name
        self._lock = threading.Lock()
        self._loop: asyncio.AbstractEventLoop | None = None
        self._thread: threading.Thread | None = None
        self._pid = os.getpid()
        self._on_abandon: list[Callable[[], None]] = []
        self._orphaned = [False]
        # Session holders to close if this runner is dropped without close() (see __del__).
        self._holders: list[Any] = []
        _live.add(self)

    def owns(self, holder: Any) -> None:
        """Close `holder` (a client's session holder) if this runner is collected unclosed."""
        self._holders.append(holder)

    def on_abandon(self, fn: Callable[[], None]) -> None:
        """Called in a forked child, before the first use, to drop loop-bound state."""
        self._on_abandon.append(fn)

    def _abandon(self) -> None:
        # In the child only: the thread is gone, the lock may be held by it; reset everything.
        self._lock = threading.Lock()
        self._loop = None
        self._thread = None
        self._pid = os.getpid()
        for fn in self._on_abandon:
            fn()

    @property
    def loop(self) -> asyncio.AbstractEventLoop:
        loop = self._loop
        if loop is not None and self._pid == os.getpid():
            return loop
        with self._lock:
            if self._pid != os.getpid():
                self._abandon()
            if self._loop is None:
                self._loop = self._start()
            return self._loop

    def _start(self) -> asyncio.AbstractEventLoop:
        loop = asyncio.new_event_loop()
        ready = threading.Event()
        orphaned = self._orphaned = [False]
        holders = self._holders

        def run() -> None:
            asyncio.set_event_loop(loop)
            loop.call_soon(ready.set)
            loop.run_forever()
            if orphaned[0]:
                # Stopped by __del__ (the client was dropped without close()): close its
                # sessions properly here, in the loop's own thread, then the loop.
                for holder in holders:
                    try:
                        loop.run_until_complete(holder.close())
                    except Exception:  # best effort: the process may be shutting down
                        pass
                holders.clear()
                loop.close()

        # Daemon: a forgotten client must not keep the interpreter alive at exit.
        thread = threading.Thread(target=run, name=self._name, daemon=True)
        thread.start()
        ready.wait()
        self._thread = thread
        return loop

    def run(self, coro: Coroutine[Any, Any, _T]) -> _T:
        loop = self.loop
        try:
            running = asyncio.get_running_loop()
        except RuntimeError:
            running = None
        if running is loop:
            coro.close()
            raise RuntimeError(
                "The sync oxide client was called from its own event loop thread; "
                "use oxide.AsyncOpenAI inside async code."
            )
        # A lighter hand-off than run_coroutine_threadsafe (no concurrent Future, no chained
        # callbacks): the loop thread starts a task and releases a lock when it is done.
        done = threading.Lock()
        done.acquire()
        box: list[asyncio.Task[_T]] = []

        def start() -> None:
            task = loop.create_task(coro)
            box.append(task)
            task.add_done_callback(lambda _t: done.release())

        loop.call_soon_threadsafe(start)
        try:
            done.acquire()
        except BaseException:
            # KeyboardInterrupt in the caller: cancel the work in the loop too.
            if box:
                loop.call_soon_threadsafe(box[0].cancel)
            raise
        return box[0].result()

    def __del__(self) -> None:
        # Every client sharing this thread is gone without close(): stop the thread, so that
        # a program making clients per request does not accumulate threads. Sessions were let
        # go by their holders first (their callbacks are queued ahead of this stop).
        loop = self._loop
        if loop is None or self._pid != os.getpid() or loop.is_closed():
            return
        self._orphaned[0] = True
        try:
            loop.call_soon_threadsafe(loop.stop)
        except RuntimeError:  # closed meanwhile
            pass

    def call_soon(self, fn: Callable[[], object]) -> None:
        loop = self._loop
        if loop is not None and not loop.is_closed() and self._pid == os.getpid():
            loop.call_soon_threadsafe(fn)

    def stop(self, final: Coroutine[Any, Any, object] | None = None) -> None:
        """Run `final` (e.g. closing the session) in the loop, then stop the thread."""
        with self._lock:
            loop, thread = self._loop, self._thread
            if loop is None or self._pid != os.getpid():
                if final is not None:
                    final.close()
                return
            self._loop = None
            self._thread = None
        if final is not None:
            try:
                asyncio.run_coroutine_threadsafe(final, loop).result()
            except Exception:
                pass
        loop.call_soon_threadsafe(loop.stop)
        if thread is not None and thread is not threading.current_thread():
            thread.join()
        loop.close()
