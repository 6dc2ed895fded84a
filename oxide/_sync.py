"""The sync client's engine: the async client's machinery driven from plain threads.

Each calling thread gets an event loop of its own (per client), and a call runs to completion
on it with `run_until_complete`: no thread hop, so a sync call costs about what an async one
does. Loops are never shared between threads while running (the failure mode of naive
sync-over-async designs, ogx-ai/ogx#5752), and each loop has its own pooled session.
A thread that is already running an event loop (sync code called from async code, notebooks)
cannot run another one: its calls are handed to one private event-loop thread per client.
After `fork` the child abandons everything inherited (the hand-off thread does not exist there;
closing inherited sockets could send TLS close_notify on the parent's connections) and starts
afresh.
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


_UNSET: Any = object()


class LoopThread:
    def __init__(self, name: str = "oxide-loop") -> None:
        self._name = name
        self._lock = threading.Lock()
        self._local = threading.local()  # this client's loop in each calling thread
        self._thread_loops: list[asyncio.AbstractEventLoop] = []
        self._loop: asyncio.AbstractEventLoop | None = None
        self._thread: threading.Thread | None = None
        self._pid = os.getpid()
        self._orphaned = [False]
        # Session holders to close if this runner is dropped without close() (see __del__).
        self._holders: list[Any] = []
        _live.add(self)

    def owns(self, holder: Any) -> None:
        """Close `holder` (a client's session holder) if this runner is collected unclosed."""
        self._holders.append(holder)

    def _abandon(self) -> None:
        # In the child only: the thread is gone, the lock may be held by it; reset everything.
        # Inherited loops are dropped, not closed: their epoll instance is shared with the
        # parent.
        self._lock = threading.Lock()
        self._thread_loops = []
        self._loop = None
        self._thread = None
        self._pid = os.getpid()

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

    def current(self) -> asyncio.AbstractEventLoop | None:
        """The loop a call made from this thread runs on: the thread's own loop, or None for
        the private hand-off thread (when this thread is already running an event loop)."""
        if asyncio._get_running_loop() is not None:
            return None
        local = self._local
        loop: asyncio.AbstractEventLoop | None = getattr(local, "loop", None)
        pid = os.getpid()
        if loop is None or local.pid != pid or loop.is_closed():
            loop = asyncio.new_event_loop()
            local.loop = loop
            local.pid = pid
            with self._lock:
                self._thread_loops.append(loop)
        return loop

    def run(self, coro: Coroutine[Any, Any, _T], loop: Any = _UNSET) -> _T:
        """Runs `coro` to completion from a sync caller, on `loop` (default: `current()`).
        Objects tied to one loop (a stream) pass the loop they were made on."""
        if loop is _UNSET:
            loop = self.current()
        if loop is None:
            return self._hand_off(coro)
        if loop.is_running():
            coro.close()
            raise RuntimeError(
                "This oxide stream or response is being read from two threads at once; "
                "read it from one thread."
            )
        task = loop.create_task(coro)
        try:
            result: _T = loop.run_until_complete(task)
            return result
        except BaseException:
            # KeyboardInterrupt and the like stop the loop mid-call: the call must not linger
            # and resume inside a later one.
            if not task.done():
                task.cancel()
            raise

    def _hand_off(self, coro: Coroutine[Any, Any, _T]) -> _T:
        loop = self.loop
        if asyncio._get_running_loop() is loop:
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
        # Every client sharing this runner is gone without close(). Idle per-thread loops:
        # their sessions' sockets are closed without I/O, then the loops. The hand-off thread
        # is stopped, so a program making clients per request does not accumulate threads.
        if self._pid == os.getpid():
            for thread_loop in self._thread_loops:
                if thread_loop.is_closed() or thread_loop.is_running():
                    continue
                for holder in self._holders:
                    holder.let_go_loop(thread_loop)
                thread_loop.close()
        loop = self._loop
        if loop is None or self._pid != os.getpid() or loop.is_closed():
            return
        self._orphaned[0] = True
        try:
            loop.call_soon_threadsafe(loop.stop)
        except RuntimeError:  # closed meanwhile
            pass

    def call_soon(self, fn: Callable[[], object], loop: Any = None) -> None:
        """Runs plain cleanup `fn` for an object tied to `loop` (None: the hand-off loop)."""
        if self._pid != os.getpid():
            return
        if loop is None:
            loop = self._loop
            if loop is not None and not loop.is_closed():
                loop.call_soon_threadsafe(fn)
        elif not loop.is_closed():
            if loop.is_running():
                loop.call_soon_threadsafe(fn)
            else:
                fn()

    def shutdown(self, holder: Any) -> None:
        """Closes the client: each thread loop's session in that loop, then the loops, then
        the rest (and the hand-off thread). A loop busy in another thread is left to it."""
        if self._pid == os.getpid():
            with self._lock:
                loops, self._thread_loops = self._thread_loops, []
            for loop in loops:
                if loop.is_closed() or loop.is_running():
                    continue
                try:
                    loop.run_until_complete(holder.close_current())
                except Exception:  # best effort; the sockets go with the loop below
                    holder.let_go_loop(loop)
                loop.close()
        if self._loop is None:
            holder.close_nowait()
        else:
            self.stop(holder.close())

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
