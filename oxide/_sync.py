"""The sync client's engine: the async client's machinery driven from plain threads.

A sync call runs its coroutine on one of a few event loops (`LoopSlot`s) owned by the client,
in the calling thread itself: no hop to another thread, so a sync call costs about what an
async one does. A loop is run by one thread at a time, its *leader*. A thread whose loop is
already being run by another thread does not wait for it: it hands its coroutine to the
running loop (a *follower*) and sleeps until the result is there, so many threads share one
loop the way many tasks do in async code, and their calls are served in the same loop
iterations. When a leader's own call is done while followers' calls are still running, the
slot's driver thread takes the loop over until no call is left, then parks.

Consequences that the tests pin:
* the number of loops, sessions and sockets a client holds is bounded (`MAX_LOOPS` loops, one
  pooled session each), however many threads use it and however many of them end (a thread
  that followed keeps one eventfd to sleep on, closed when the thread ends);
* an object tied to a loop (a stream, a raw response, a page) can be read from any thread,
  also while its creating thread is busy with another call on that loop;
* a thread already running an event loop (sync code called from async code, notebooks) cannot
  run another one: its calls are always handed over, to the slot's driver thread if nobody
  else is running the loop;
* after `fork` the child abandons everything inherited (threads do not survive a fork, and
  closing inherited sockets could send TLS close_notify on the parent's connections).
"""

from __future__ import annotations

import asyncio
import itertools
import os
import threading
import weakref
from collections import deque
from collections.abc import Coroutine
from typing import TYPE_CHECKING, Any, Generic, TypeVar

if TYPE_CHECKING:
    from ._transport._session import SessionHolder

__all__ = ["MAX_LOOPS", "LoopSlot", "SyncRunner"]

_T = TypeVar("_T")

# Loops per client. Under the GIL more loops buy no parallelism, only less batching and more
# threads competing for it: with 256 threads, 1 loop cost 20-30 % less CPU per call than 4 in
# `make bench`'s concurrency scenario. The slot machinery stays, for a free-threaded Python.
MAX_LOOPS = 1

_live: weakref.WeakSet[SyncRunner] = weakref.WeakSet()


def _after_fork_in_child() -> None:
    for runner in list(_live):
        runner._reset_after_fork()


if hasattr(os, "register_at_fork"):
    os.register_at_fork(after_in_child=_after_fork_in_child)


_thread_wakers = threading.local()


class _EventFdWaker:
    """One per thread: how a follower sleeps until its call is done. An eventfd, because its
    read and write release the GIL for the syscall: the loop thread wakes a follower without
    holding the GIL, so the woken thread takes it at once instead of waking up only to wait
    for it (two context switches per call instead of about four). Closed when its thread ends.
    """

    __slots__ = ("fd", "pid")

    def __init__(self) -> None:
        self.fd = os.eventfd(0, os.EFD_CLOEXEC)
        self.pid = os.getpid()

    def wait(self, call: _Call[Any]) -> None:
        fd = self.fd
        while not call.done:  # a wake left over from an abandoned call is not this one's
            os.eventfd_read(fd)

    def notify(self) -> None:
        os.eventfd_write(self.fd, 1)

    def __del__(self) -> None:
        os.close(self.fd)


class _LockWaker:
    """Where there is no eventfd: a lock released once per call."""

    __slots__ = ("lock", "pid")

    def __init__(self) -> None:
        self.lock = threading.Lock()
        self.lock.acquire()
        self.pid = os.getpid()

    def wait(self, call: _Call[Any]) -> None:
        while not call.done:
            self.lock.acquire()

    def notify(self) -> None:
        try:
            self.lock.release()
        except RuntimeError:  # already released by a wake nobody consumed
            pass


_HAS_EVENTFD = hasattr(os, "eventfd")


def _waker() -> _EventFdWaker | _LockWaker:
    waker = getattr(_thread_wakers, "waker", None)
    if waker is None or waker.pid != os.getpid():
        # (After fork the inherited eventfd is shared with the parent: never reuse it.)
        waker = _EventFdWaker() if _HAS_EVENTFD else _LockWaker()
        _thread_wakers.waker = waker
    return waker


class _Call(Generic[_T]):
    """A follower's call: its coroutine runs as a task on a loop another thread is running."""

    __slots__ = ("wake", "done", "result", "error", "task", "coro")

    def __init__(self) -> None:
        self.coro: Coroutine[Any, Any, _T] | None = None
        self.wake = _waker()  # the calling thread's
        self.done = False
        self.result: Any = None
        self.error: BaseException | None = None
        self.task: asyncio.Task[None] | None = None


class LoopSlot:
    """One event loop of a sync client: who runs it, the calls waiting on it, and its driver.

    The loop is *led* by at most one thread at a time: a calling thread running its own call,
    or the slot's driver thread. The driver takes over when a leader is done while followers'
    calls are still running (or when only threads that cannot run a loop need it), runs the
    loop until no call is left, and parks. So under contention one thread runs the loop for
    everyone, as in async code, and a quiet client never starts one.
    """

    __slots__ = (
        "loop",
        "mutex",
        "led",
        "followers",
        "idle",
        "driver",
        "driver_wake",
        "stopping",
        "inbox",
        "drain_scheduled",
        "__weakref__",
    )

    def __init__(self, loop: asyncio.AbstractEventLoop) -> None:
        self.loop = loop
        self.mutex = threading.Lock()
        self.led = False
        # Calls handed to the loop and not done yet, in arrival order.
        self.followers: dict[_Call[Any], None] = {}
        self.idle: asyncio.Future[None] | None = None  # resolved when followers empties
        self.driver: threading.Thread | None = None
        self.driver_wake = threading.Lock()
        self.driver_wake.acquire()  # released to wake the parked driver
        self.stopping = False
        # Calls handed over by other threads, started by one loop callback for many: a
        # busy loop is woken (a self-pipe write) once per batch, not once per call.
        self.inbox: deque[_Call[Any]] = deque()
        self.drain_scheduled = False

    def submit(self, call: _Call[Any]) -> None:
        self.inbox.append(call)
        if not self.drain_scheduled:
            self.drain_scheduled = True
            self.loop.call_soon_threadsafe(self._drain)

    def _drain(self) -> None:
        # The flag is cleared before popping: a call appended meanwhile either is popped here
        # or (having seen the flag down) schedules another drain. None is lost.
        self.drain_scheduled = False
        inbox = self.inbox
        create_task = self.loop.create_task
        while inbox:
            call = inbox.popleft()
            coro, call.coro = call.coro, None
            call.task = create_task(_follow(coro, call, self))  # type: ignore[arg-type]

    def release(self) -> None:
        """A leader is done with the loop: the driver takes it if calls remain, else it is free.
        Called without the mutex held."""
        with self.mutex:
            if not self.followers:
                self.led = False
                return
        self.wake_driver()  # the loop stays led: by the driver from now on

    def wake_driver(self, name: str = "oxide-loop") -> None:
        if self.driver is None:
            # Daemon: a forgotten client must not keep the interpreter alive at exit.
            self.driver = threading.Thread(target=_drive, args=(self,), name=name, daemon=True)
            self.driver.start()
        self.driver_wake.release()

    def stop_driver(self) -> None:
        """Ends the driver thread (parked, or once the loop has no calls left)."""
        driver = self.driver
        self.stopping = True
        if driver is None:
            return
        # A pending wake makes the driver look at `stopping`: at once if parked, else once
        # the loop has no calls left.
        if self.driver_wake.locked():
            try:
                self.driver_wake.release()
            except RuntimeError:  # released meanwhile: a wake is pending anyway
                pass
        if driver is not threading.current_thread():
            driver.join(timeout=5)


def _drive(slot: LoopSlot) -> None:
    """The driver thread: parked until woken, then runs the loop until no call is left."""
    loop = slot.loop
    while True:
        slot.driver_wake.acquire()
        if slot.stopping or loop.is_closed():
            return
        while True:
            idle = loop.create_future()
            slot.idle = idle
            if slot.followers:  # read without the mutex: a stale answer costs one more turn
                try:
                    loop.run_until_complete(idle)
                except BaseException:  # the followers' errors are theirs; keep serving
                    pass
            with slot.mutex:
                if not slot.followers:
                    slot.idle = None
                    slot.led = False
                    break


async def _follow(coro: Coroutine[Any, Any, Any], call: _Call[Any], slot: LoopSlot) -> None:
    try:
        call.result = await coro
    except BaseException as exc:  # handed to the calling thread, which re-raises it
        call.error = exc
    finally:
        call.done = True
        followers = slot.followers
        followers.pop(call, None)
        if not followers:
            idle = slot.idle
            if idle is not None and not idle.done():
                idle.set_result(None)  # the driver may park
        call.wake.notify()


class SyncRunner:
    """Runs the async engine's coroutines for a sync client, from any number of threads."""

    def __init__(self, name: str = "oxide-loop", max_loops: int = MAX_LOOPS) -> None:
        self._name = name
        self._max_loops = max_loops
        self._lock = threading.Lock()
        self._local = threading.local()  # the slot each calling thread uses
        self._slots: list[LoopSlot] = []
        self._next = itertools.count()
        self._pid = os.getpid()
        self._holders: list[SessionHolder] = []
        self.closed = False
        _live.add(self)
        # Closes the loops of a runner dropped without close() (or alive at exit): their
        # sessions' sockets directly, then the loops; and stops their drivers.
        self._finalizer = weakref.finalize(
            self, SyncRunner._release, self._slots, self._holders, [self._pid]
        )

    def owns(self, holder: SessionHolder) -> None:
        """Let go of `holder`'s sessions with this runner's loops (a client dropped unclosed)."""
        self._holders.append(holder)

    # -- choosing a loop ------------------------------------------------------------------
    def current(self) -> LoopSlot:
        """The slot a call made from this thread runs on."""
        if self._pid != os.getpid():
            self._reset_after_fork()
        local = self._local
        slot: LoopSlot | None = getattr(local, "slot", None)
        if slot is None or slot.loop.is_closed():
            slot = self._pick()
            local.slot = slot
        return slot

    def _pick(self) -> LoopSlot:
        if self.closed:
            raise RuntimeError("The client is closed; create a new one.")
        with self._lock:
            slots = self._slots
            n = next(self._next)
            if len(slots) < self._max_loops and n >= len(slots):
                slot = LoopSlot(asyncio.new_event_loop())
                slots.append(slot)
                return slot
            return slots[n % len(slots)]

    # -- running --------------------------------------------------------------------------
    def run(self, coro: Coroutine[Any, Any, _T], slot: LoopSlot | None = None) -> _T:
        """Runs `coro` to completion from a sync caller, on `slot`'s loop (default: the calling
        thread's). Objects tied to one loop (a stream) pass the slot they were made on."""
        if slot is None:
            try:
                slot = self.current()
            except BaseException:
                coro.close()  # never started: no "coroutine was never awaited" warning
                raise
        elif self._pid != os.getpid():
            coro.close()
            raise RuntimeError("This oxide object was made before fork; make a new one.")
        loop = slot.loop
        if loop.is_closed():
            coro.close()
            raise RuntimeError("The client is closed; create a new one.")
        running = asyncio._get_running_loop()
        if running is loop:
            coro.close()
            raise RuntimeError(
                "The sync oxide client was called from inside one of its own calls; "
                "use oxide.AsyncOpenAI inside async code."
            )
        # A thread already running an event loop (sync code called from async code, a
        # notebook) cannot run another one: it always hands its call over.
        wake = False
        call: _Call[_T] | None = None
        with slot.mutex:
            if not slot.led and running is None:
                slot.led = True
            else:
                call = _Call()
                slot.followers[call] = None
                if not slot.led:
                    slot.led = wake = True
        if call is None:
            return self._lead(slot, coro)
        return self._follow(slot, coro, call, wake)

    def run_in_background(self, coro: Coroutine[Any, Any, Any], slot: LoopSlot) -> _Call[Any]:
        """Hands `coro` to `slot`'s loop without waiting for it: while it runs the loop keeps
        running (in the driver thread when no caller leads it), e.g. so that an open
        WebSocket answers pings between the caller's reads. Its result is dropped."""
        if slot.loop.is_closed():
            coro.close()
            raise RuntimeError("The client is closed; create a new one.")
        call: _Call[Any] = _Call()
        call.coro = coro
        with slot.mutex:
            slot.followers[call] = None
            wake = not slot.led
            if wake:
                slot.led = True
        slot.submit(call)
        if wake:
            slot.wake_driver(self._name)
        return call

    def _lead(self, slot: LoopSlot, coro: Coroutine[Any, Any, _T]) -> _T:
        loop = slot.loop
        try:
            task = loop.create_task(coro)
            try:
                result: _T = loop.run_until_complete(task)
                return result
            except BaseException:
                # KeyboardInterrupt and the like stop the loop mid-call: the call must not
                # linger and resume inside a later one.
                if not task.done():
                    task.cancel()
                raise
        finally:
            slot.release()

    def _follow(
        self, slot: LoopSlot, coro: Coroutine[Any, Any, _T], call: _Call[_T], wake: bool
    ) -> _T:
        call.coro = coro
        slot.submit(call)
        if wake:
            slot.wake_driver(self._name)
        try:
            call.wake.wait(call)
        except BaseException:
            # KeyboardInterrupt while waiting: the call is cancelled in the loop.
            self._abandon_call(slot, call)
            raise
        if call.error is not None:
            raise call.error
        result: _T = call.result
        return result

    def _abandon_call(self, slot: LoopSlot, call: _Call[Any]) -> None:
        def cancel() -> None:
            if call.task is not None:
                call.task.cancel()

        try:
            slot.loop.call_soon_threadsafe(cancel)
        except RuntimeError:  # closed meanwhile
            pass

    # -- lifecycle ------------------------------------------------------------------------
    def _reset_after_fork(self) -> None:
        # In the child: the threads are gone and the locks may be held by them. Inherited
        # loops are dropped, not closed: their epoll instance is shared with the parent.
        self._lock = threading.Lock()
        self._local = threading.local()
        self._slots = []
        self._pid = os.getpid()
        self._finalizer.detach()
        self._finalizer = weakref.finalize(
            self, SyncRunner._release, self._slots, self._holders, [self._pid]
        )

    def shutdown(self, holder: SessionHolder) -> None:
        """Closes the client: each loop's session in that loop, then its driver, then the
        loop (a loop that another thread is still running is left to it)."""
        if self._pid != os.getpid():
            holder.close_nowait()
            return
        with self._lock:
            self.closed = True
            slots = list(self._slots)
        for slot in slots:
            if slot.loop.is_closed():
                continue
            try:
                self.run(holder.close_current(), slot)
            except Exception:  # best effort; the sockets go with the loop below
                holder.let_go_loop(slot.loop)
            slot.stop_driver()
            with slot.mutex:
                idle = not slot.led
            if idle:
                slot.loop.close()
        holder.close_nowait()
        self._finalizer.detach()

    @staticmethod
    def _release(slots: list[LoopSlot], holders: list[SessionHolder], pid: list[int]) -> None:
        # A runner dropped without close(), or alive at interpreter exit. Idle loops: their
        # sessions' sockets are closed without I/O, then the loops. Drivers are stopped, so a
        # program making clients per request does not accumulate threads.
        if pid[0] != os.getpid():
            return
        can_run = asyncio._get_running_loop() is None
        for slot in slots:
            slot.stop_driver()
            loop = slot.loop
            if loop.is_closed() or loop.is_running():
                continue
            if can_run:
                # One iteration runs what is pending: sockets of dropped streams closed while
                # the loop was idle finish closing (the loop does that in a callback).
                try:
                    loop.run_until_complete(asyncio.sleep(0))
                except Exception:  # best effort: this is cleanup
                    pass
            for holder in holders:
                holder.let_go_loop(loop)
            loop.close()
