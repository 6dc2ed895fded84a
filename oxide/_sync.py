"""The sync client's engine: the async client's machinery driven from plain threads.

A sync call runs its coroutine on one of a few event loops (`LoopSlot`s) owned by the client,
in the calling thread itself: no hop to another thread, so a sync call costs about what an
async one does. A loop is run by one thread at a time, its *leader*. A thread whose loop is
already being run by another thread does not wait for it: it hands its coroutine to the
running loop (a *follower*) and sleeps until the result is there, so many threads share one
loop the way many tasks do in async code, and their calls are served in the same loop
iterations. When a leader's own call is done it passes the loop to a follower whose call is
still running, so the loop keeps running while anyone needs it.

Consequences that the tests pin:
* the number of loops, sessions and sockets a client holds is bounded (`MAX_LOOPS` loops, one
  pooled session each), however many threads use it and however many of them end;
* an object tied to a loop (a stream, a raw response, a page) can be read from any thread,
  also while its creating thread is busy with another call on that loop;
* a thread already running an event loop (sync code called from async code, notebooks) cannot
  run another one: its calls go to one private loop thread per client, which leads that loop
  for good;
* after `fork` the child abandons everything inherited (threads do not survive a fork, and
  closing inherited sockets could send TLS close_notify on the parent's connections).
"""

from __future__ import annotations

import asyncio
import itertools
import os
import threading
import weakref
from collections.abc import Coroutine
from typing import TYPE_CHECKING, Any, Generic, TypeVar

if TYPE_CHECKING:
    from ._transport._session import SessionHolder

__all__ = ["LoopSlot", "SyncRunner"]

_T = TypeVar("_T")

# Loops per client. Under the GIL more loops buy no parallelism, only less batching; a few keep
# a long CPU-bound step in one call (decoding a large body) from delaying every other thread.
MAX_LOOPS = 4

_live: weakref.WeakSet[SyncRunner] = weakref.WeakSet()


def _after_fork_in_child() -> None:
    for runner in list(_live):
        runner._reset_after_fork()


if hasattr(os, "register_at_fork"):
    os.register_at_fork(after_in_child=_after_fork_in_child)


class _Call(Generic[_T]):
    """A follower's call: its coroutine runs as a task on a loop another thread is running."""

    __slots__ = ("wake", "future", "done", "lead", "result", "error", "task")

    def __init__(self, loop: asyncio.AbstractEventLoop) -> None:
        self.wake = threading.Lock()
        self.wake.acquire()  # released once: when the call is done, or when the loop is handed over
        self.future: asyncio.Future[None] = loop.create_future()
        self.done = False
        self.lead = False
        self.result: Any = None
        self.error: BaseException | None = None
        self.task: asyncio.Task[None] | None = None


class LoopSlot:
    """One event loop of a sync client, its leader flag and the calls waiting on it."""

    __slots__ = ("loop", "mutex", "led", "followers", "permanent", "__weakref__")

    def __init__(self, loop: asyncio.AbstractEventLoop, *, permanent: bool = False) -> None:
        self.loop = loop
        self.mutex = threading.Lock()
        self.led = permanent
        # Calls handed to the running loop and not done yet, in arrival order.
        self.followers: dict[_Call[Any], None] = {}
        self.permanent = permanent  # the private loop thread's loop: always led by it

    def _hand_over(self) -> None:
        """The leader is done: pass the loop to a follower still waiting, or free it."""
        with self.mutex:
            followers = self.followers
            if followers:
                call = next(iter(followers))
                del followers[call]
                call.lead = True
                call.wake.release()
            else:
                self.led = False


async def _follow(coro: Coroutine[Any, Any, Any], call: _Call[Any], slot: LoopSlot) -> None:
    try:
        call.result = await coro
    except BaseException as exc:  # handed to the calling thread, which re-raises it
        call.error = exc
    finally:
        call.done = True
        if not call.future.done():
            call.future.set_result(None)
        # A call that was handed the loop is running it itself: nobody waits on its lock.
        slot.followers.pop(call, None)
        if not call.lead:
            call.wake.release()


class SyncRunner:
    """Runs the async engine's coroutines for a sync client, from any number of threads."""

    def __init__(self, name: str = "oxide-loop", max_loops: int = MAX_LOOPS) -> None:
        self._name = name
        self._max_loops = max_loops
        self._lock = threading.Lock()
        self._local = threading.local()  # the slot each calling thread uses
        self._slots: list[LoopSlot] = []
        self._next = itertools.count()
        self._guest: LoopSlot | None = None  # the private loop thread's slot
        self._guest_thread: threading.Thread | None = None
        self._pid = os.getpid()
        self._holders: list[SessionHolder] = []
        self.closed = False
        _live.add(self)
        # Closes the loops of a runner dropped without close() (or alive at exit): their
        # sessions' sockets directly, then the loops, then the private thread.
        self._finalizer = weakref.finalize(
            self, SyncRunner._release, self._slots, self._holders, [self._pid], [None]
        )

    def owns(self, holder: SessionHolder) -> None:
        """Let go of `holder`'s sessions with this runner's loops (a client dropped unclosed)."""
        self._holders.append(holder)

    # -- choosing a loop ------------------------------------------------------------------
    def current(self) -> LoopSlot:
        """The slot a call made from this thread runs on."""
        if self._pid != os.getpid():
            self._reset_after_fork()
        if asyncio._get_running_loop() is not None:
            return self._guest_slot()
        local = self._local
        slot: LoopSlot | None = getattr(local, "slot", None)
        if slot is None or getattr(local, "pid", None) != self._pid or slot.loop.is_closed():
            slot = self._pick()
            local.slot = slot
            local.pid = self._pid
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

    def _guest_slot(self) -> LoopSlot:
        slot = self._guest
        if slot is not None:
            return slot
        with self._lock:
            if self._guest is None:
                if self.closed:
                    raise RuntimeError("The client is closed; create a new one.")
                self._guest = self._start_guest_thread()
            return self._guest

    def _start_guest_thread(self) -> LoopSlot:
        loop = asyncio.new_event_loop()
        slot = LoopSlot(loop, permanent=True)
        ready = threading.Event()

        def run() -> None:
            asyncio.set_event_loop(loop)
            loop.call_soon(ready.set)
            loop.run_forever()
            loop.close()  # stopped by shutdown() or by the finalizer of a dropped client

        # Daemon: a forgotten client must not keep the interpreter alive at exit.
        thread = threading.Thread(target=run, name=self._name, daemon=True)
        thread.start()
        ready.wait()
        self._guest_thread = thread
        self._finalizer.detach()
        self._finalizer = weakref.finalize(
            self, SyncRunner._release, self._slots, self._holders, [self._pid], [slot]
        )
        return slot

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
        if asyncio._get_running_loop() is not None:
            return self._run_from_running_loop(coro, slot)
        with slot.mutex:
            lead = not slot.led
            if lead:
                slot.led = True
            else:
                call: _Call[_T] = _Call(loop)
                slot.followers[call] = None
        if lead:
            return self._lead(slot, coro)
        return self._follow(slot, coro, call)

    def _lead(self, slot: LoopSlot, coro: Coroutine[Any, Any, _T]) -> _T:
        loop = slot.loop
        try:
            task = loop.create_task(coro)
            try:
                return loop.run_until_complete(task)
            except BaseException:
                # KeyboardInterrupt and the like stop the loop mid-call: the call must not
                # linger and resume inside a later one.
                if not task.done():
                    task.cancel()
                raise
        finally:
            slot._hand_over()

    def _follow(self, slot: LoopSlot, coro: Coroutine[Any, Any, _T], call: _Call[_T]) -> _T:
        loop = slot.loop

        def start() -> None:
            call.task = loop.create_task(_follow(coro, call, slot))

        loop.call_soon_threadsafe(start)
        try:
            call.wake.acquire()
        except BaseException:
            # KeyboardInterrupt while waiting: the call is cancelled in the loop.
            self._abandon_call(slot, call)
            raise
        if call.lead:
            # The leader finished first: run the loop until this call is done, then pass it on.
            try:
                loop.run_until_complete(call.future)
            except BaseException:
                if call.task is not None and not call.task.done():
                    call.task.cancel()
                raise
            finally:
                slot._hand_over()
        if call.error is not None:
            raise call.error
        result: _T = call.result
        return result

    def _abandon_call(self, slot: LoopSlot, call: _Call[Any]) -> None:
        with slot.mutex:
            slot.followers.pop(call, None)
            lead = call.lead
        if lead:  # handed the loop just now: nobody else will run it
            slot._hand_over()

        def cancel() -> None:
            if call.task is not None:
                call.task.cancel()

        try:
            slot.loop.call_soon_threadsafe(cancel)
        except RuntimeError:  # closed meanwhile
            pass

    def _run_from_running_loop(self, coro: Coroutine[Any, Any, _T], slot: LoopSlot) -> _T:
        """This thread runs an event loop already, so it cannot run `slot`'s: a follower if the
        slot has a leader, else a short-lived thread leads it for this call."""
        if slot.permanent and asyncio._get_running_loop() is slot.loop:
            coro.close()
            raise RuntimeError(
                "The sync oxide client was called from its own event loop thread; "
                "use oxide.AsyncOpenAI inside async code."
            )
        with slot.mutex:
            follow = slot.led
            if follow:
                call: _Call[_T] = _Call(slot.loop)
                slot.followers[call] = None
        if follow:
            return self._follow(slot, coro, call)
        box: list[Any] = []

        def lead() -> None:
            try:
                box.append((True, self.run(coro, slot)))
            except BaseException as exc:
                box.append((False, exc))

        helper = threading.Thread(target=lead, name=self._name + "-helper", daemon=True)
        helper.start()
        helper.join()
        ok, value = box[0]
        if not ok:
            raise value
        result: _T = value
        return result

    # -- lifecycle ------------------------------------------------------------------------
    def _reset_after_fork(self) -> None:
        # In the child: the threads are gone and the locks may be held by them. Inherited
        # loops are dropped, not closed: their epoll instance is shared with the parent.
        self._lock = threading.Lock()
        self._local = threading.local()
        self._slots = []
        self._guest = None
        self._guest_thread = None
        self._pid = os.getpid()
        self._finalizer.detach()
        self._finalizer = weakref.finalize(
            self, SyncRunner._release, self._slots, self._holders, [self._pid], [None]
        )

    def shutdown(self, holder: SessionHolder) -> None:
        """Closes the client: each idle loop's session in that loop, then the loop; a loop
        busy in another thread gets its session closed by a call queued on it; then the
        private loop thread."""
        if self._pid != os.getpid():
            holder.close_nowait()
            return
        with self._lock:
            self.closed = True
            slots = list(self._slots)
            guest, self._guest = self._guest, None
            thread, self._guest_thread = self._guest_thread, None
        for slot in slots:
            if slot.loop.is_closed():
                continue
            try:
                self.run(holder.close_current(), slot)
            except Exception:  # best effort; the sockets go with the loop below
                holder.let_go_loop(slot.loop)
            with slot.mutex:
                idle = not slot.led
            if idle:
                slot.loop.close()
        if guest is not None:
            loop = guest.loop
            try:
                asyncio.run_coroutine_threadsafe(holder.close_current(), loop).result()
            except Exception:
                holder.let_go_loop(loop)
            loop.call_soon_threadsafe(loop.stop)
            if thread is not None and thread is not threading.current_thread():
                thread.join()
            loop.close()
        holder.close_nowait()
        self._finalizer.detach()

    @staticmethod
    def _release(
        slots: list[LoopSlot],
        holders: list[SessionHolder],
        pid: list[int],
        guest: list[LoopSlot | None],
    ) -> None:
        # A runner dropped without close(), or alive at interpreter exit. Idle loops: their
        # sessions' sockets are closed without I/O, then the loops. The private loop thread is
        # stopped, so a program making clients per request does not accumulate threads.
        if pid[0] != os.getpid():
            return
        can_run = asyncio._get_running_loop() is None
        for slot in slots:
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
        guest_slot = guest[0]
        if guest_slot is not None and not guest_slot.loop.is_closed():
            loop = guest_slot.loop

            def stop() -> None:
                for holder in holders:
                    holder.let_go_loop(loop)
                loop.stop()

            try:
                loop.call_soon_threadsafe(stop)
            except RuntimeError:  # closed meanwhile
                pass
