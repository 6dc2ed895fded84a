"""The soak: minutes of mixed, faulty traffic through one client, and proof that nothing leaks.

    make soak                                   # SOAK_SECONDS=180 by default
    .venv/bin/python soak/driver.py --seconds 20 --out /tmp/soak   # a short development run

Starts `soak/server.py` in its own process pinned to the second CPU (this process takes the
first), then for `--seconds` drives it with:

* `--tasks` asyncio tasks (default 400) on ONE `oxide.AsyncOpenAI`, each looping over a weighted
  mix: chat completions; chat streams read to the end, abandoned early with `break` (no close),
  closed early through `async with`, and cancelled mid-way with `task.cancel()`; Responses plain
  and streamed; embeddings (base64, the default, and float). 30 % of calls go through
  `with_options(max_retries=0)` so every fault also surfaces as an error, not only as a retry.
* `--threads` threads (default 12) looping over the same mix through ONE `oxide.OpenAI`, and a
  short-lived thread every `1/--churn-per-s` s (default 1/s) that makes 3 calls and exits (the
  thread-per-request pattern of WSGI servers).

The server faults `--fault-rate` of requests (default 12 %; kinds in `soak/server.py`); the
client uses `oxide.Timeout(2.0, connect=1.0)`, so a stall of 3 s is a timeout.

Every call must end in a result, `asyncio.CancelledError` (only when the soak cancelled it), or
an oxide exception: an `APIStatusError` subclass, `APIConnectionError`, `APITimeoutError`,
`APIResponseValidationError` or `APIError`. A successful answer is also checked against the
fixture (a stream that ends "cleanly" with events missing is a wrong result). Anything else is
a finding and fails the run: an exception of another type ("untyped"), a call still running
`--watchdog` s (default 30, 15x the read timeout) after it started ("hang"), a wrong result, a
`task.cancel()` that did not end the call with CancelledError ("cancel lost"), and anything
that goes wrong where no caller sees it: errors logged by asyncio/aiohttp ("Unclosed client
session", "Task exception was never retrieved"), exceptions in `__del__`, exceptions that end a
thread, ResourceWarnings and "coroutine was never awaited" RuntimeWarnings.

Every second it samples RSS, open fds (by type), the client's CPU time, calls so far, the
connectors' acquired and idle connections, threads and the server's open connections. After the
traffic stops it checks that no connection is still acquired, then closes both clients and
checks that the fds are back to where they were before the clients existed.

**Client overhead** is measured as CPU time: the CPU this process used in each ~1 s window
(`time.process_time()`: every thread, user + system, so the sync clients' threads and the
kernel's loopback work count) divided by the calls that completed in that window, whatever
their outcome. p50/p99 are over the windows, the first 3 s (connection set-up) left out. With
hundreds of calls interleaved on one loop, one call's own CPU cannot be isolated, and wall
latency here is mostly queueing behind the other 399 tasks on a saturated core, so "latency
minus server time" would measure the queue, not the client. Wall latencies per operation are
reported too, for what they are.

**Flatness**: the run after its first 5 s is cut in thirds; the median of the first third's
samples is compared with the median of the last third's. It fails if open fds grew by more than `--max-fd-growth`
(default 16: the count of ~370 sockets swings by ±20 from one sample to the next as faulted
connections close and reopen, but the thirds' medians stay within a few; one leaked fd every
8 s would add 16 between the medians of a 3-minute run, whose centres are 2 minutes apart),
RSS by more than `--max-rss-growth-mib` (default 24 MiB), or the blocks Python's allocators
hold (`sys.getallocatedblocks()`: objects kept alive, without the allocators' fragmentation
that RSS also shows) by more than `--max-block-growth` (default 50,000); docs/soak/README.md
says why these bounds.

Writes `<out>/results.json`, `<out>/soak.png` and the results block of `<out>/README.md`;
exits 1 if any check failed. Needs Python 3.11+ (asyncio.timeout, Task.cancelling).
"""

from __future__ import annotations

import argparse
import asyncio
import gc
import logging
import math
import os
import platform
import random
import statistics
import subprocess
import sys
import threading
import time
import traceback
import warnings
from collections import Counter, defaultdict
from collections.abc import Awaitable, Callable
from datetime import datetime, timezone
from pathlib import Path
from typing import Any

import aiohttp
import orjson

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
sys.path.insert(0, str(HERE))

from plot import draw  # noqa: E402

import oxide  # noqa: E402

FIXTURES = ROOT / "benchmarks" / "fixtures"
EXPECTED = orjson.loads((FIXTURES / "expected.json").read_bytes())
PAGE = os.sysconf("SC_PAGE_SIZE")

CHAT: dict[str, Any] = orjson.loads((FIXTURES / "chat_tiny.request.json").read_bytes())
STREAM: dict[str, Any] = {**CHAT, "stream": True, "stream_options": {"include_usage": True}}
RESP: dict[str, Any] = {"model": "gpt-4.1-mini", "input": "Write one sentence about sockets."}
EMB: dict[str, Any] = orjson.loads((FIXTURES / "embeddings.request.json").read_bytes())

TINY_TEXT: str = EXPECTED["chat_tiny"]["content"]
STREAM_CHUNKS: int = EXPECTED["chat_stream"]["chunks"]
STREAM_TEXT: str = EXPECTED["chat_stream"]["content"]
RESP_TEXT: str = EXPECTED["responses"]["text"]
RESP_EVENTS: int = EXPECTED["responses"]["events"]
EMB_DIMS: int = EXPECTED["embeddings"]["dims"]
EMB_FIRST: float = EXPECTED["embeddings"]["first"][0]


class WrongResult(Exception):
    """A call that "succeeded" with an answer that is not the fixture's."""


def _check(cond: bool, what: str) -> None:
    if not cond:
        raise WrongResult(what)


def _check_chunks(n: int, usage: bool) -> None:
    # The stream asks for usage (include_usage): its last chunk before [DONE] carries it.
    if n == STREAM_CHUNKS - 1 and not usage:
        raise WrongResult(
            f"chat stream without its usage chunk taken as complete ({n} of {STREAM_CHUNKS}"
            " chunks, no error; the body ended after the finish_reason chunk)"
        )
    _check(n == STREAM_CHUNKS, f"chat stream ended early ({n} of {STREAM_CHUNKS} chunks)")


# ---------------------------------------------------------------------------------------------
# Async operations. Each returns an outcome ("ok", "cancelled", or a typed event) or raises.

AsyncClient = oxide.AsyncOpenAI


async def a_chat(c: AsyncClient, rng: random.Random) -> str:
    r = await c.chat.completions.create(**CHAT)
    _check(r.choices[0].message.content == TINY_TEXT, "chat content")
    return "ok"


async def a_stream_full(c: AsyncClient, rng: random.Random) -> str:
    stream = await c.chat.completions.create(**STREAM)
    n, parts, usage = 0, [], False
    async for chunk in stream:
        n += 1
        usage = chunk.usage is not None
        if chunk.choices and chunk.choices[0].delta.content:
            parts.append(chunk.choices[0].delta.content)
    _check_chunks(n, usage)
    _check("".join(parts) == STREAM_TEXT, "chat stream content")
    return "ok"


async def a_stream_break(c: AsyncClient, rng: random.Random) -> str:
    # Abandoned: no close(), no `async with`; the stream object just goes out of scope.
    k = rng.randint(1, STREAM_CHUNKS - 10)
    stream = await c.chat.completions.create(**STREAM)
    n = 0
    async for _ in stream:
        n += 1
        if n >= k:
            break
    return "ok"


async def a_stream_with(c: AsyncClient, rng: random.Random) -> str:
    k = rng.randint(1, STREAM_CHUNKS - 10)
    async with await c.chat.completions.create(**STREAM) as stream:
        n = 0
        async for _ in stream:
            n += 1
            if n >= k:
                break
    return "ok"


class CancelLost(Exception):
    """`task.cancel()` on a running call did not end it with CancelledError: the call caught
    the cancellation and returned, or turned it into another exception."""


# What a call left running when the watchdog fired (e.g. a cancelled consumer still going),
# keyed by the worker task, for the hang report.
HANG_DETAIL: dict[asyncio.Task[Any], str] = {}


def _stack_of(task: asyncio.Task[Any]) -> str:
    frames = task.get_stack()
    if not frames:
        return f"{task!r} (no frames)"
    return "".join(traceback.format_list(traceback.extract_stack(frames[-1])))


async def a_stream_cancel(c: AsyncClient, rng: random.Random) -> str:
    """A consumer task cancelled from outside: after k events, or after 0-20 ms (which may land
    inside create(), before the headers). A task that is not done when cancel() is called gets
    CancelledError at its next step, so any other ending means the call swallowed it."""
    k = rng.randint(1, STREAM_CHUNKS - 10)
    reached = asyncio.Event()

    async def consume() -> tuple[int, bool]:
        stream = await c.chat.completions.create(**STREAM)
        n, usage = 0, False
        async for chunk in stream:
            n += 1
            usage = chunk.usage is not None
            if n == k:
                reached.set()
        return n, usage

    task = asyncio.create_task(consume())
    waiter = asyncio.create_task(reached.wait())
    try:
        if rng.random() < 0.5:
            await asyncio.wait({task, waiter}, return_when=asyncio.FIRST_COMPLETED)
        else:
            await asyncio.wait({task}, timeout=rng.uniform(0.0, 0.02))
        if task.done():
            _check_chunks(*task.result())  # raises what the consumer raised
            return "ok"
        task.cancel()
        # wait(), not `await task`: if the watchdog fires meanwhile, this returns at once and
        # the consumer's stack can be reported, instead of waiting for it.
        await asyncio.wait({task})
        if task.cancelled():
            return "cancelled"
        exc = task.exception()
        what = f"raised {type(exc).__name__}: {exc}" if exc else f"returned {task.result()}"
        raise CancelLost(f"the cancelled consumer {what}") from exc
    except asyncio.CancelledError:
        current = asyncio.current_task()
        if current is not None and not task.done():
            HANG_DETAIL[current] = "the consumer, cancelled, is still at:\n" + _stack_of(task)
        raise
    finally:
        # The consumer's exception is ours to retrieve (else asyncio logs "Task exception was
        # never retrieved"), also when we are leaving because the watchdog cancelled us.
        waiter.cancel()
        if task.done():
            _ = task.cancelled() or task.exception()
        else:
            task.cancel()
            task.add_done_callback(lambda t: t.cancelled() or t.exception())


async def a_responses(c: AsyncClient, rng: random.Random) -> str:
    r = await c.responses.create(**RESP)
    _check(r.output_text == RESP_TEXT, "responses output_text")
    return "ok"


async def a_responses_stream(c: AsyncClient, rng: random.Random) -> str:
    async with await c.responses.create(**RESP, stream=True) as stream:
        n, last = 0, None
        async for event in stream:
            n += 1
            last = event.type
            if last == "error":
                return "event:ResponseErrorEvent"
    _check(n == RESP_EVENTS, f"responses stream ended early ({n} of {RESP_EVENTS} events)")
    _check(
        last == "response.completed",
        f"responses stream did not end with response.completed ({last})",
    )
    return "ok"


async def a_embeddings(c: AsyncClient, rng: random.Random) -> str:
    r = await c.embeddings.create(**EMB)
    vec = r.data[0].embedding
    _check(len(vec) == EMB_DIMS and math.isclose(vec[0], EMB_FIRST, rel_tol=1e-6), "embedding")
    return "ok"


async def a_embeddings_float(c: AsyncClient, rng: random.Random) -> str:
    r = await c.embeddings.create(**EMB, encoding_format="float")
    vec = r.data[0].embedding
    _check(len(vec) == EMB_DIMS and math.isclose(vec[0], EMB_FIRST, rel_tol=1e-6), "embedding")
    return "ok"


ASYNC_OPS: dict[str, tuple[Callable[[AsyncClient, random.Random], Awaitable[str]], int]] = {
    "chat": (a_chat, 20),
    "chat_stream_full": (a_stream_full, 14),
    "chat_stream_break": (a_stream_break, 8),
    "chat_stream_with": (a_stream_with, 8),
    "chat_stream_cancel": (a_stream_cancel, 8),
    "responses": (a_responses, 12),
    "responses_stream": (a_responses_stream, 10),
    "embeddings": (a_embeddings, 14),
    "embeddings_float": (a_embeddings_float, 6),
}

# ---------------------------------------------------------------------------------------------
# Sync operations (oxide.OpenAI), the same mix without cancellation.

SyncClient = oxide.OpenAI


def s_chat(c: SyncClient, rng: random.Random) -> str:
    r = c.chat.completions.create(**CHAT)
    _check(r.choices[0].message.content == TINY_TEXT, "chat content")
    return "ok"


def s_stream_full(c: SyncClient, rng: random.Random) -> str:
    stream = c.chat.completions.create(**STREAM)
    n, parts, usage = 0, [], False
    for chunk in stream:
        n += 1
        usage = chunk.usage is not None
        if chunk.choices and chunk.choices[0].delta.content:
            parts.append(chunk.choices[0].delta.content)
    _check_chunks(n, usage)
    _check("".join(parts) == STREAM_TEXT, "chat stream content")
    return "ok"


def s_stream_break(c: SyncClient, rng: random.Random) -> str:
    k = rng.randint(1, STREAM_CHUNKS - 10)
    stream = c.chat.completions.create(**STREAM)
    n = 0
    for _ in stream:
        n += 1
        if n >= k:
            break
    return "ok"


def s_stream_with(c: SyncClient, rng: random.Random) -> str:
    k = rng.randint(1, STREAM_CHUNKS - 10)
    with c.chat.completions.create(**STREAM) as stream:
        n = 0
        for _ in stream:
            n += 1
            if n >= k:
                break
    return "ok"


def s_responses(c: SyncClient, rng: random.Random) -> str:
    r = c.responses.create(**RESP)
    _check(r.output_text == RESP_TEXT, "responses output_text")
    return "ok"


def s_responses_stream(c: SyncClient, rng: random.Random) -> str:
    with c.responses.create(**RESP, stream=True) as stream:
        n, last = 0, None
        for event in stream:
            n += 1
            last = event.type
            if last == "error":
                return "event:ResponseErrorEvent"
    _check(n == RESP_EVENTS, f"responses stream ended early ({n} of {RESP_EVENTS} events)")
    _check(
        last == "response.completed",
        f"responses stream did not end with response.completed ({last})",
    )
    return "ok"


def s_embeddings(c: SyncClient, rng: random.Random) -> str:
    r = c.embeddings.create(**EMB)
    vec = r.data[0].embedding
    _check(len(vec) == EMB_DIMS and math.isclose(vec[0], EMB_FIRST, rel_tol=1e-6), "embedding")
    return "ok"


SYNC_OPS: dict[str, tuple[Callable[[SyncClient, random.Random], str], int]] = {
    "chat": (s_chat, 24),
    "chat_stream_full": (s_stream_full, 14),
    "chat_stream_break": (s_stream_break, 8),
    "chat_stream_with": (s_stream_with, 8),
    "responses": (s_responses, 14),
    "responses_stream": (s_responses_stream, 10),
    "embeddings": (s_embeddings, 14),
}

# ---------------------------------------------------------------------------------------------
# Recording


class Histogram:
    """Log-bucketed latencies (40 buckets per decade, ~6 % wide): constant memory, so the
    soak's own bookkeeping does not show up as RSS growth."""

    PER_DECADE = 40

    def __init__(self) -> None:
        self.counts = [0] * (self.PER_DECADE * 9)  # 1 us .. 1000 s

    def add(self, seconds: float) -> None:
        us = max(seconds * 1e6, 1.0)
        i = min(int(math.log10(us) * self.PER_DECADE), len(self.counts) - 1)
        self.counts[i] += 1

    def quantile(self, q: float) -> float | None:
        total = sum(self.counts)
        if not total:
            return None
        target = q * total
        run = 0
        for i, n in enumerate(self.counts):
            run += n
            if run >= target:
                return 10 ** ((i + 1) / self.PER_DECADE) / 1e6  # the bucket's upper edge
        return None


def classify(exc: BaseException) -> tuple[str, str]:
    """(kind, key): typed oxide errors by class (and status), anything else is untyped."""
    if isinstance(exc, oxide.APIStatusError):
        return "typed", f"{type(exc).__name__} {exc.status_code}"
    if isinstance(exc, oxide.APIError):
        return "typed", type(exc).__name__
    if isinstance(exc, WrongResult):
        return "wrong", str(exc).split(" (")[0]  # the details stay in the traceback
    if isinstance(exc, CancelLost):
        return "cancel_lost", str(exc)[:90]
    return "untyped", f"{type(exc).__module__}.{type(exc).__qualname__}"


class Recorder:
    def __init__(self) -> None:
        self.lock = threading.Lock()
        self.outcomes: dict[str, Counter[str]] = defaultdict(Counter)  # "async:chat" -> key
        # ok / cancelled / typed / untyped / wrong / cancel_lost / hang
        self.kinds: Counter[str] = Counter()
        self.typed: Counter[str] = Counter()
        self.latency: dict[str, Histogram] = defaultdict(Histogram)
        self.samples_of: dict[str, list[dict[str, Any]]] = defaultdict(list)
        self.total = 0
        self.ok = 0

    def record(self, op: str, kind: str, key: str, seconds: float) -> None:
        with self.lock:
            self.total += 1
            self.kinds[kind] += 1
            # Findings are keyed "<kind>: <what>", typed failures by class (and status).
            self.outcomes[op][
                key if kind in ("ok", "cancelled", "typed") else f"{kind}: {key}"
            ] += 1
            if kind == "typed":
                self.typed[key] += 1
            elif kind == "ok":
                self.ok += 1
                self.latency[op].add(seconds)

    def finding(self, op: str, kind: str, key: str, detail: str) -> None:
        """Keeps the first few tracebacks/stacks of each distinct finding."""
        with self.lock:
            samples = self.samples_of[f"{kind}: {key}"]
            if len(samples) < 3:
                samples.append({"op": op, "detail": detail[-6000:]})


class Trap(logging.Handler):
    """What goes wrong outside any call: errors logged by asyncio/aiohttp/oxide ("Unclosed
    client session", "Task exception was never retrieved", "Exception in callback"),
    exceptions in `__del__` (sys.unraisablehook), exceptions that kill a thread, and
    ResourceWarnings. None of these reach the caller as an exception, so the soak would not
    see them otherwise; each is a lifecycle defect and fails the run."""

    def __init__(self, rec: Recorder) -> None:
        super().__init__(level=logging.WARNING)
        self.rec = rec
        self.counts: Counter[str] = Counter()

    def note(self, kind: str, detail: str) -> None:
        with self.rec.lock:
            self.counts[kind] += 1
        self.rec.finding("background", "background", kind, detail)

    def emit(self, record: logging.LogRecord) -> None:
        detail = record.getMessage()
        if record.exc_info and record.exc_info[1] is not None:
            detail += "\n" + _traceback(record.exc_info[1])
        self.note(f"logged by {record.name}: {record.getMessage().splitlines()[0][:80]}", detail)

    def install(self) -> None:
        logging.getLogger().addHandler(self)
        warnings.simplefilter("always", ResourceWarning)
        warnings.simplefilter("always", RuntimeWarning)
        shown = warnings.showwarning

        def showwarning(message: Any, category: type[Warning], *args: Any, **kw: Any) -> None:
            # RuntimeWarning: "coroutine ... was never awaited", a cleanup that never ran.
            if issubclass(category, (ResourceWarning, RuntimeWarning)):
                self.note(f"{category.__name__}: {str(message)[:60]}", str(message))
            else:
                shown(message, category, *args, **kw)

        warnings.showwarning = showwarning

        def unraisable(u: Any) -> None:
            text = f"{u.err_msg or 'Exception ignored in'}: {u.object!r}\n"
            if u.exc_value is not None:
                text += _traceback(u.exc_value)
            self.note(f"unraisable {type(u.exc_value).__name__}", text)

        sys.unraisablehook = unraisable

        def thread_died(a: Any) -> None:
            detail = _traceback(a.exc_value) if a.exc_value is not None else ""
            name = a.thread.name if a.thread is not None else "?"
            self.note(f"thread died: {a.exc_type.__name__}", f"thread {name}\n{detail}")

        threading.excepthook = thread_died


def _traceback(exc: BaseException) -> str:
    return "".join(traceback.format_exception(exc))


# ---------------------------------------------------------------------------------------------
# Process sampling


def rss_bytes() -> int:
    with open("/proc/self/statm", "rb") as f:
        return int(f.read().split()[1]) * PAGE


def fd_types() -> Counter[str]:
    kinds: Counter[str] = Counter()
    for name in os.listdir("/proc/self/fd"):
        try:
            target = os.readlink(f"/proc/self/fd/{name}")
        except OSError:  # closed between listdir and readlink (or the listdir fd itself)
            continue
        if target.startswith("socket:"):
            kinds["socket"] += 1
        elif target.startswith("pipe:"):
            kinds["pipe"] += 1
        elif target.startswith("anon_inode:"):
            kinds[target[11:].strip("[]")] += 1
        else:
            kinds["file"] += 1
    return kinds


def _sessions_of(holder: Any) -> list[aiohttp.ClientSession]:
    """Every live aiohttp session of oxide's session holder. Its internals are being reworked
    while this soak is written, so ask the known accessors first, then look for sessions."""
    for name in ("sessions", "_all"):
        fn = getattr(holder, name, None)
        if callable(fn):
            return list(fn())
    found: list[aiohttp.ClientSession] = []
    for value in vars(holder).values():
        if isinstance(value, aiohttp.ClientSession):
            found.append(value)
        elif isinstance(value, dict):
            found.extend(v for v in list(value.values()) if isinstance(v, aiohttp.ClientSession))
    return list({id(s): s for s in found}.values())


def connector_counts(client: Any) -> dict[str, int] | None:
    """(acquired, idle) connections of every live session of a client's pool, through private
    attributes (oxide's session holder, aiohttp's connector): None when unreachable."""
    for _ in range(3):
        try:
            holder = getattr(client, "_holder", None) or client._engine._holder
            sessions = _sessions_of(holder)
            acquired = idle = 0
            for session in sessions:
                connector = session.connector
                if connector is None or connector.closed:
                    continue
                acquired += len(connector._acquired)
                idle += sum(len(v) for v in list(connector._conns.values()))
            return {"acquired": acquired, "idle": idle, "sessions": len(sessions)}
        except RuntimeError:  # another thread resized a dict while we read it
            continue
        except Exception:  # a private attribute moved
            return None
    return None


async def server_stats(port: int) -> dict[str, Any] | None:
    try:
        reader, writer = await asyncio.wait_for(asyncio.open_connection("127.0.0.1", port), 2)
        writer.write(b"GET /__stats HTTP/1.1\r\nhost: soak\r\nconnection: close\r\n\r\n")
        try:
            head = await asyncio.wait_for(reader.readuntil(b"\r\n\r\n"), 2)
            length = int(head.lower().split(b"content-length:", 1)[1].split(b"\r\n", 1)[0])
            body = await asyncio.wait_for(reader.readexactly(length), 2)
        finally:
            writer.close()
        result: dict[str, Any] = orjson.loads(body)
        return result
    except Exception:
        return None


# ---------------------------------------------------------------------------------------------
# The run


class Soak:
    def __init__(self, args: argparse.Namespace, port: int) -> None:
        self.args = args
        self.port = port
        self.rec = Recorder()
        self.stop = threading.Event()
        self.inflight: dict[int, tuple[str, float]] = {}  # worker id -> (op, started)
        self.sync_inflight: dict[int, tuple[str, float]] = {}  # thread ident -> (op, started)
        self.hung: set[Any] = set()
        self.samples: list[dict[str, Any]] = []
        self.trap = Trap(self.rec)
        self.t0 = 0.0

    # -- async traffic ---------------------------------------------------------------------
    async def worker(self, wid: int, clients: tuple[AsyncClient, AsyncClient]) -> None:
        rng = random.Random(self.args.seed * 100_003 + wid)
        names = list(ASYNC_OPS)
        weights = [w for _, w in ASYNC_OPS.values()]
        watchdog = self.args.watchdog
        while not self.stop.is_set():
            name = rng.choices(names, weights)[0]
            client = clients[1] if rng.random() < self.args.no_retry_share else clients[0]
            op = "async:" + name
            started = time.perf_counter()
            self.inflight[wid] = (op, started)
            timeout = asyncio.timeout(watchdog)
            try:
                async with timeout:
                    outcome = await ASYNC_OPS[name][0](client, rng)
            except BaseException as exc:
                elapsed = time.perf_counter() - started
                current = asyncio.current_task()
                if current is not None and current.cancelling():
                    raise  # stopping: the worker itself is cancelled
                if timeout.expired():
                    detail = HANG_DETAIL.pop(current, "") if current is not None else ""
                    self.rec.record(op, "hang", "watchdog", elapsed)
                    self.rec.finding(
                        op, "hang", "watchdog", f"{op} still running at {elapsed:.1f} s\n{detail}"
                    )
                else:
                    kind, key = classify(exc)
                    self.rec.record(op, kind, key, elapsed)
                    if kind != "typed":
                        self.rec.finding(op, kind, key, _traceback(exc))
                if isinstance(exc, (KeyboardInterrupt, SystemExit)):
                    raise
                # Anything else, a stray CancelledError included, is recorded and the worker
                # goes on: one dead worker would quietly lower the concurrency.
            else:
                elapsed = time.perf_counter() - started
                if outcome == "ok":
                    self.rec.record(op, "ok", "ok", elapsed)
                elif outcome == "cancelled":
                    self.rec.record(op, "cancelled", "cancelled", elapsed)
                else:  # a typed error event inside a stream
                    self.rec.record(op, "typed", outcome, elapsed)
            finally:
                self.inflight.pop(wid, None)

    # -- sync traffic ------------------------------------------------------------------------
    def sync_call(self, client: SyncClient, rng: random.Random, name: str, prefix: str) -> None:
        op = f"{prefix}:{name}"
        ident = threading.get_ident()
        started = time.perf_counter()
        self.sync_inflight[ident] = (op, started)
        try:
            outcome = SYNC_OPS[name][0](client, rng)
        except (KeyboardInterrupt, SystemExit):
            raise
        except BaseException as exc:  # a CancelledError out of a sync call is a finding too
            kind, key = classify(exc)
            self.rec.record(op, kind, key, time.perf_counter() - started)
            if kind != "typed":
                self.rec.finding(op, kind, key, _traceback(exc))
        else:
            kind = "ok" if outcome == "ok" else "typed"
            self.rec.record(op, kind, outcome, time.perf_counter() - started)
        finally:
            self.sync_inflight.pop(ident, None)

    def sync_worker(self, tid: int, clients: tuple[SyncClient, SyncClient]) -> None:
        rng = random.Random(self.args.seed * 200_003 + tid)
        names = list(SYNC_OPS)
        weights = [w for _, w in SYNC_OPS.values()]
        while not self.stop.is_set():
            client = clients[1] if rng.random() < self.args.no_retry_share else clients[0]
            self.sync_call(client, rng, rng.choices(names, weights)[0], "sync")

    def churn_thread(self, seed: int, clients: tuple[SyncClient, SyncClient]) -> None:
        rng = random.Random(seed)
        names = list(SYNC_OPS)
        weights = [w for _, w in SYNC_OPS.values()]
        for _ in range(self.args.churn_calls):
            if self.stop.is_set():
                return
            client = clients[1] if rng.random() < self.args.no_retry_share else clients[0]
            self.sync_call(client, rng, rng.choices(names, weights)[0], "churn")

    # -- sampling ----------------------------------------------------------------------------
    async def sample(self, aclient: AsyncClient, sclient: SyncClient | None) -> dict[str, Any]:
        now = time.perf_counter()
        kinds = fd_types()  # before the stats poll opens its own socket
        with self.rec.lock:
            total, ok = self.rec.total, self.rec.ok
            failed = self.rec.total - self.rec.ok - self.rec.kinds["cancelled"]
        s: dict[str, Any] = {
            "t": round(now - self.t0, 3),
            "cpu_s": time.process_time(),
            "rss_mib": round(rss_bytes() / 2**20, 2),
            # Blocks held by Python's allocators: objects kept alive show here, allocator
            # fragmentation (which RSS also shows) does not.
            "py_blocks": sys.getallocatedblocks(),
            "asyncio_tasks": len(asyncio.all_tasks()),
            "fds": sum(kinds.values()),
            "fd_types": dict(kinds),
            "calls": total,
            "ok": ok,
            "failed": failed,
            "inflight_async": len(self.inflight),
            "inflight_sync": len(self.sync_inflight),
            "threads": threading.active_count(),
            "async_pool": connector_counts(aclient),
            "sync_pool": connector_counts(sclient) if sclient is not None else None,
        }
        srv = await server_stats(self.port)
        if srv is not None:
            s["server_open"] = srv["connections"]["open"]
            s["server_cpu_s"] = srv["cpu_s"]
        self._watch(now)
        return s

    def _watch(self, now: float) -> None:
        """Hangs the asyncio watchdog cannot see: a sync call (nothing can interrupt it), or an
        async call that ignored its cancellation."""
        limit = self.args.watchdog
        frames = None
        for ident, (op, started) in list(self.sync_inflight.items()):
            if now - started > limit and (ident, started) not in self.hung:
                self.hung.add((ident, started))
                frames = frames or sys._current_frames()
                stack = "".join(traceback.format_stack(frames[ident])) if ident in frames else ""
                self.rec.record(op, "hang", "watchdog", now - started)
                self.rec.finding(
                    op, "hang", "watchdog", f"{op} running {now - started:.0f} s\n{stack}"
                )
        for wid, (op, started) in list(self.inflight.items()):
            if now - started > limit + 10 and (wid, started) not in self.hung:
                self.hung.add((wid, started))
                self.rec.record(op, "hang", "cancellation ignored", now - started)
                self.rec.finding(op, "hang", "cancellation ignored", f"{op} past its watchdog")

    async def sampler(self, aclient: AsyncClient, sclient: SyncClient | None) -> None:
        next_at = time.perf_counter()
        while not self.stop.is_set():
            self.samples.append(await self.sample(aclient, sclient))
            next_at += 1.0
            await asyncio.sleep(max(0.0, next_at - time.perf_counter()))

    async def churner(self, clients: tuple[SyncClient, SyncClient]) -> list[threading.Thread]:
        started: list[threading.Thread] = []
        if self.args.churn_per_s <= 0:
            return started
        n = 0
        while not self.stop.is_set():
            n += 1
            t = threading.Thread(
                target=self.churn_thread,
                args=(self.args.seed * 300_007 + n, clients),
                name=f"soak-churn-{n}",
            )
            t.start()
            started.append(t)
            started = [x for x in started if x.is_alive()]
            await asyncio.sleep(1.0 / self.args.churn_per_s)
        return started

    # -- the whole run -----------------------------------------------------------------------
    async def run(self) -> dict[str, Any]:
        args = self.args
        base_url = f"http://127.0.0.1:{self.port}/v1"
        timeout = oxide.Timeout(args.read_timeout, connect=args.connect_timeout)
        self.trap.install()
        gc.collect()
        before = {"fds": sum(fd_types().values()), "threads": threading.active_count()}

        aclient = oxide.AsyncOpenAI(base_url=base_url, api_key="sk-soak", timeout=timeout)
        aclients = (aclient, aclient.with_options(max_retries=0))
        sclient: SyncClient | None = None
        sclients: tuple[SyncClient, SyncClient] | None = None
        if args.threads or args.churn_per_s > 0:
            sclient = oxide.OpenAI(base_url=base_url, api_key="sk-soak", timeout=timeout)
            sclients = (sclient, sclient.with_options(max_retries=0))

        self.t0 = time.perf_counter()
        workers = [asyncio.create_task(self.worker(i, aclients)) for i in range(args.tasks)]
        threads = []
        if sclients is not None:
            for i in range(args.threads):
                t = threading.Thread(
                    target=self.sync_worker, args=(i, sclients), name=f"soak-sync-{i}"
                )
                t.start()
                threads.append(t)
        sampler = asyncio.create_task(self.sampler(aclient, sclient))
        churner = asyncio.create_task(self.churner(sclients)) if sclients is not None else None

        await asyncio.sleep(args.seconds)
        self.stop.set()
        traffic_s = time.perf_counter() - self.t0
        final_sample = await self.sample(aclient, sclient)

        # Let every call finish (a stall or a retry takes seconds); what does not is a hang.
        drain_deadline = time.perf_counter() + args.watchdog + 10
        done, pending = await asyncio.wait(workers, timeout=args.watchdog + 10)
        for task in pending:
            self.rec.finding("async", "hang", "did not finish", _stack_of(task))
            task.cancel()
        for task in done:
            exc = None if task.cancelled() else task.exception()
            if exc is not None:
                self.rec.kinds["untyped"] += 1
                self.rec.finding("async", "untyped", "worker died", _traceback(exc))
        churned = await churner if churner is not None else []
        await sampler
        stuck = []
        flagged = {ident for ident, _ in self.hung}
        for t in threads + churned:
            t.join(max(0.0, drain_deadline - time.perf_counter()))
            if t.is_alive():
                stuck.append(t)
        for t in stuck:
            self.rec.finding("sync", "hang", "did not finish", f"thread {t.name} still running")
        # A stuck thread the sampler already flagged is counted once.
        self.rec.kinds["hang"] += len(pending) + sum(t.ident not in flagged for t in stuck)

        # Every call has ended: nothing may still hold a connection.
        await asyncio.sleep(0.2)
        quiesce = {
            "async_pool": connector_counts(aclient),
            "sync_pool": connector_counts(sclient) if sclient is not None else None,
            "fds": sum(fd_types().values()),
        }
        gc.collect()
        await asyncio.sleep(0.2)
        quiesce_gc = {
            "async_pool": connector_counts(aclient),
            "sync_pool": connector_counts(sclient) if sclient is not None else None,
            "fds": sum(fd_types().values()),
        }
        server_final = await server_stats(self.port)

        await aclient.close()
        if sclient is not None:
            sclient.close()
        del aclients, sclients
        gc.collect()
        await asyncio.sleep(0.5)
        after_kinds = fd_types()
        after = {
            "fds": sum(after_kinds.values()),
            "fd_types": dict(after_kinds),
            "threads": threading.active_count(),
        }
        return {
            "traffic_s": traffic_s,
            "final_sample": final_sample,
            "before_clients": before,
            "quiesce": quiesce,
            "quiesce_after_gc": quiesce_gc,
            "after_close": after,
            "server": server_final,
        }


# ---------------------------------------------------------------------------------------------
# Summary and verdict


def _pct(values: list[float], q: float) -> float | None:
    if not values:
        return None
    values = sorted(values)
    return values[min(len(values) - 1, max(0, math.ceil(q * len(values)) - 1))]


WARMUP_S = 5.0  # samples before this are left out of the flatness comparisons


def thirds(
    samples: list[dict[str, Any]], key: Callable[[dict[str, Any]], float | None]
) -> dict[str, Any]:
    """Medians of the first and last thirds of the samples after the warm-up (the pool filling,
    lazy decoders, the allocators' first arenas), and the least-squares slope (per minute) over
    the last two thirds."""
    values = [(s["t"], key(s)) for s in samples if s["t"] >= WARMUP_S]
    pts = [(t, float(v)) for t, v in values if v is not None]
    if len(pts) < 6:
        return {"first": None, "last": None, "growth": None}
    third = len(pts) // 3
    first = statistics.median(v for _, v in pts[:third])
    last = statistics.median(v for _, v in pts[-third:])
    tail = pts[third:]
    mt = statistics.fmean(t for t, _ in tail)
    mv = statistics.fmean(v for _, v in tail)
    var = sum((t - mt) ** 2 for t, _ in tail)
    slope = sum((t - mt) * (v - mv) for t, v in tail) / var * 60 if var else 0.0
    return {
        "first": first,
        "last": last,
        "growth": last - first,
        "slope_per_min": round(slope, 3),
        "max": max(v for _, v in pts),
        "min": min(v for _, v in pts),
    }


def summarize(soak: Soak, run: dict[str, Any], meta: dict[str, Any]) -> dict[str, Any]:
    args = soak.args
    rec = soak.rec
    samples = soak.samples
    traffic_s = run["traffic_s"]

    # CPU per call per window, the first 3 s (pool fill, lazy imports) left out.
    windows = []
    for a, b in zip(samples, samples[1:], strict=False):
        dcalls = b["calls"] - a["calls"]
        if b["t"] > 3.0 and dcalls > 0:
            windows.append((b["cpu_s"] - a["cpu_s"]) / dcalls * 1e6)
    first_cpu, last = samples[0] if samples else None, run["final_sample"]
    cpu_per_call = None
    if first_cpu is not None and last["calls"] > first_cpu["calls"]:
        cpu_per_call = (last["cpu_s"] - first_cpu["cpu_s"]) / (last["calls"] - first_cpu["calls"])

    outcomes = {op: dict(c.most_common()) for op, c in sorted(rec.outcomes.items())}
    typed = rec.typed
    by_client: dict[str, Counter[str]] = defaultdict(Counter)
    for op, c in rec.outcomes.items():
        client = op.split(":")[0]
        for key, n in c.items():
            by_client[client]["calls"] += n
            if key == "ok":
                by_client[client]["ok"] += n
    latency = {
        op: {
            "p50_ms": round((h.quantile(0.5) or 0) * 1e3, 2),
            "p99_ms": round((h.quantile(0.99) or 0) * 1e3, 2),
            "ok": sum(h.counts),
        }
        for op, h in sorted(rec.latency.items())
    }

    fds = thirds(samples, lambda s: s["fds"])
    sockets = thirds(samples, lambda s: s["fd_types"].get("socket", 0))
    epolls = thirds(samples, lambda s: s["fd_types"].get("eventpoll", 0))
    rss = thirds(samples, lambda s: s["rss_mib"])
    threads_t = thirds(samples, lambda s: s["threads"])
    blocks = thirds(samples, lambda s: s.get("py_blocks"))
    tasks_t = thirds(samples, lambda s: s.get("asyncio_tasks"))

    q, qg, before, after = (
        run["quiesce"],
        run["quiesce_after_gc"],
        run["before_clients"],
        run["after_close"],
    )

    def acquired(state: dict[str, Any]) -> int | None:
        pools = [p for p in (state["async_pool"], state["sync_pool"]) if p is not None]
        return sum(p["acquired"] for p in pools) if pools else None

    checks = []

    def check(name: str, passed: bool, detail: str) -> None:
        checks.append({"check": name, "passed": bool(passed), "detail": detail})

    n_untyped = rec.kinds["untyped"]
    check(
        "every call ends in a result or a typed oxide error",
        n_untyped == 0,
        f"{n_untyped} untyped exceptions",
    )
    check("no hangs (watchdog)", rec.kinds["hang"] == 0, f"{rec.kinds['hang']} hangs")
    check("no wrong results", rec.kinds["wrong"] == 0, f"{rec.kinds['wrong']} wrong results")
    check(
        "task.cancel() ends a call with CancelledError",
        rec.kinds["cancel_lost"] == 0,
        f"{rec.kinds['cancel_lost']} cancellations lost ({rec.kinds['cancelled']} delivered)",
    )
    check(
        "open fds flat (median of the last third vs the first)",
        fds["growth"] is not None and fds["growth"] <= args.max_fd_growth,
        f"{fds['first']} -> {fds['last']} (growth {fds['growth']}, bound {args.max_fd_growth});"
        f" sockets {sockets['first']} -> {sockets['last']},"
        f" epoll {epolls['first']} -> {epolls['last']}",
    )
    check(
        "RSS flat (median of the last third vs the first)",
        rss["growth"] is not None and rss["growth"] <= args.max_rss_growth_mib,
        f"{rss['first']:.1f} -> {rss['last']:.1f} MiB (growth {rss['growth']:.1f},"
        f" bound {args.max_rss_growth_mib}; {rss['slope_per_min']:+.2f} MiB/min over the last"
        " two thirds)"
        if rss["growth"] is not None
        else "too few samples",
    )
    check(
        "Python heap flat (allocated blocks, median of the last third vs the first)",
        blocks["growth"] is not None and blocks["growth"] <= args.max_block_growth,
        f"{blocks['first']:,.0f} -> {blocks['last']:,.0f} blocks (growth {blocks['growth']:,.0f},"
        f" bound {args.max_block_growth:,})"
        if blocks["growth"] is not None
        else "too few samples",
    )
    aq, aqg = acquired(q), acquired(qg)
    check(
        "no connection still acquired once every call has ended",
        aq == 0,
        f"{aq} acquired right after the traffic stopped ({aqg} after gc.collect());"
        f" async {q['async_pool']}, sync {q['sync_pool']}",
    )
    grew = after["fds"] - before["fds"]
    check(
        "close() returns the fds",
        grew <= 2,
        f"{before['fds']} before the clients, {after['fds']} after close() ({after['fd_types']})",
    )
    background = dict(soak.trap.counts)
    check(
        "nothing fails in the background (logged errors, __del__, threads, Resource/RuntimeWarning)",
        not background,
        "; ".join(f"{n}x {k}" for k, n in background.items()) or "none",
    )
    ran = {op.split(":", 1)[1] for op, c in rec.outcomes.items() if c.get("ok")}
    missing = sorted(set(ASYNC_OPS) - ran - {"chat_stream_cancel"})
    check("every operation succeeded at least once", not missing, f"never ok: {missing}")

    server = run["server"] or {}
    srv_cpu = None
    if samples and "server_cpu_s" in samples[0] and "server_cpu_s" in last:
        srv_cpu = (last["server_cpu_s"] - samples[0]["server_cpu_s"]) / max(
            1e-9, last["t"] - samples[0]["t"]
        )
    server_requests = sum((server.get("requests") or {}).values())
    return {
        "meta": meta,
        "passed": all(c["passed"] for c in checks),
        "checks": checks,
        "config": {k: v for k, v in vars(args).items() if k not in ("out",)},
        "totals": {
            "traffic_s": round(traffic_s, 1),
            "calls": rec.total,
            "ok": rec.ok,
            "cancelled": rec.kinds["cancelled"],
            "typed_failures": sum(typed.values()),
            "untyped": n_untyped,
            "hangs": rec.kinds["hang"],
            "wrong": rec.kinds["wrong"],
            "calls_per_s": round(rec.total / traffic_s, 1),
            "ok_per_s": round(rec.ok / traffic_s, 1),
            "by_client": {k: dict(v) for k, v in sorted(by_client.items())},
            "server_requests": server_requests,
            "server_faults": sum((server.get("faults") or {}).values()),
        },
        "typed_failures": dict(typed.most_common()),
        "outcomes": outcomes,
        "background": background,
        "findings": dict(rec.samples_of),
        "cpu_per_call_us": {
            "p50": round(_pct(windows, 0.5) or 0, 1),
            "p99": round(_pct(windows, 0.99) or 0, 1),
            "mean": round(cpu_per_call * 1e6, 1) if cpu_per_call else None,
            "windows": len(windows),
            "method": "process CPU per ~1 s window / calls completed in it; p50/p99 over windows",
        },
        "latency_ms": latency,
        "flatness": {
            "fds": fds,
            "sockets": sockets,
            "eventpoll": epolls,
            "rss_mib": rss,
            "py_blocks": blocks,
            "asyncio_tasks": tasks_t,
            "threads": threads_t,
        },
        "lifecycle": {
            "before_clients": before,
            "quiesce": q,
            "quiesce_after_gc": qg,
            "after_close": after,
        },
        "server": {**server, "cpu_share": round(srv_cpu, 3) if srv_cpu is not None else None},
        "samples": samples,
    }


# ---------------------------------------------------------------------------------------------
# README block

START, END = "<!-- soak:start -->", "<!-- soak:end -->"


def markdown(res: dict[str, Any]) -> str:
    m, t, cpu = res["meta"], res["totals"], res["cpu_per_call_us"]
    out = [
        f"Run {m['date']} on {m['machine']}; oxide {m['oxide_commit']}"
        f"{' (+ uncommitted changes in oxide/)' if m['oxide_dirty'] else ''}, Python {m['python']},"
        f" aiohttp {m['aiohttp']}; load average {m['loadavg_start']} at start.",
        "",
        f"Command: `{m['command']}`",
        "",
        f"**{'PASS' if res['passed'] else 'FAIL'}**: {t['calls']:,} calls in {t['traffic_s']:.0f} s"
        f" ({t['calls_per_s']:,.0f}/s; {t['ok']:,} ok, {t['typed_failures']:,} typed failures,"
        f" {t['cancelled']:,} cancelled by the soak, {t['untyped']} untyped, {t['hangs']} hangs,"
        f" {t['wrong']} wrong results). Server: {t['server_requests']:,} requests"
        f" (retries included), {t['server_faults']:,} faulted. Client CPU per call:"
        f" p50 {cpu['p50']:,.0f} µs, p99 {cpu['p99']:,.0f} µs (per 1 s window), mean"
        f" {cpu['mean'] or 0:,.0f} µs.",
        "",
        "| check | result | detail |",
        "|---|---|---|",
    ]
    for c in res["checks"]:
        out.append(f"| {c['check']} | {'ok' if c['passed'] else '**FAIL**'} | {c['detail']} |")
    out += ["", "| calls by client | calls | ok |", "|---|---|---|"]
    for client, v in t["by_client"].items():
        out.append(f"| {client} | {v.get('calls', 0):,} | {v.get('ok', 0):,} |")
    out += ["", "| typed failure | count |", "|---|---|"]
    for key, n in res["typed_failures"].items():
        out.append(f"| {key} | {n:,} |")
    faults = (res["server"].get("faults") or {}) if res["server"] else {}
    out += ["", "| fault injected by the server | count |", "|---|---|"]
    for key, n in sorted(faults.items(), key=lambda kv: -kv[1]):
        out.append(f"| {key} | {n:,} |")
    out += [
        "",
        "| operation | ok | p50 latency ms | p99 latency ms |",
        "|---|---|---|---|",
    ]
    for op, v in res["latency_ms"].items():
        out.append(f"| {op} | {v['ok']:,} | {v['p50_ms']:,} | {v['p99_ms']:,} |")
    if res["findings"]:
        out += ["", "Findings (first traceback of each, in results.json):", ""]
        for key, samples in res["findings"].items():
            kind, _, what = key.partition(": ")
            if kind == "background":
                n = res["background"].get(what, 0)
            else:
                n = sum(c.get(key, 0) for c in res["outcomes"].values())
            last_line = samples[0]["detail"].strip().splitlines()[-1] if samples else ""
            out.append(
                f"* `{key}` ({n or len(samples)}x, e.g. in `{samples[0]['op']}`): {last_line}"
            )
    out += ["", "![soak](soak.png)"]
    return "\n".join(out) + "\n"


def update_readme(path: Path, block: str) -> None:
    text = path.read_text()
    a, b = text.find(START), text.find(END)
    if a < 0 or b < 0:
        return
    path.write_text(text[: a + len(START)] + "\n" + block + text[b:])


# ---------------------------------------------------------------------------------------------


def _machine() -> str:
    model = platform.processor() or "unknown CPU"
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                model = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    return f"{model}, {os.cpu_count()} cores (shared VM)"


def _git(*argv: str) -> str:
    try:
        return subprocess.run(
            ["git", *argv], cwd=ROOT, capture_output=True, text=True, check=True
        ).stdout.strip()
    except Exception:
        return ""


def start_server(args: argparse.Namespace, cpu: int | None) -> tuple[subprocess.Popen[bytes], int]:
    cmd = [
        sys.executable,
        str(HERE / "server.py"),
        "--port",
        "0",
        "--fault-rate",
        str(args.fault_rate),
        "--stall-seconds",
        str(args.stall_seconds),
        "--seed",
        str(args.seed),
    ]
    if args.faults:
        cmd += ["--faults", args.faults]
    if cpu is not None:
        cmd += ["--cpu", str(cpu)]
    proc = subprocess.Popen(cmd, stdout=subprocess.PIPE)
    assert proc.stdout is not None
    line = proc.stdout.readline().decode()
    if not line.startswith("READY "):
        proc.kill()
        raise SystemExit(f"soak server did not start: {line!r}")
    return proc, int(line.split()[1])


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    p = argparse.ArgumentParser(description="oxide soak: mixed faulty traffic, leak checks")
    p.add_argument("--seconds", type=float, default=float(os.environ.get("SOAK_SECONDS", 180)))
    p.add_argument("--tasks", type=int, default=400, help="concurrent asyncio tasks")
    p.add_argument("--threads", type=int, default=12, help="long-lived sync client threads")
    p.add_argument("--churn-per-s", type=float, default=1.0, help="short-lived threads per s")
    p.add_argument("--churn-calls", type=int, default=3, help="calls per short-lived thread")
    p.add_argument("--fault-rate", type=float, default=0.12)
    p.add_argument("--faults", default="", help="subset of soak/server.py's faults (all)")
    p.add_argument("--stall-seconds", type=float, default=3.0)
    p.add_argument("--read-timeout", type=float, default=2.0)
    p.add_argument("--connect-timeout", type=float, default=1.0)
    p.add_argument("--no-retry-share", type=float, default=0.3)
    p.add_argument("--watchdog", type=float, default=30.0)
    p.add_argument("--max-fd-growth", type=int, default=16)
    p.add_argument("--max-rss-growth-mib", type=float, default=24.0)
    p.add_argument("--max-block-growth", type=int, default=50_000, help="sys.getallocatedblocks")
    p.add_argument("--seed", type=int, default=1)
    p.add_argument("--out", default=str(ROOT / "docs" / "soak"))
    args = p.parse_args(argv)
    if args.stall_seconds <= args.read_timeout:
        p.error("--stall-seconds must exceed --read-timeout (a stall is meant to time out)")
    return args


def main(argv: list[str] | None = None) -> int:
    if sys.version_info < (3, 11):  # asyncio.timeout, Task.cancelling
        raise SystemExit("the soak needs Python 3.11 or newer")
    args = parse_args(argv)
    cpus = sorted(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else []
    client_cpu, server_cpu = (cpus[0], cpus[1]) if len(cpus) >= 2 else (None, None)
    proc, port = start_server(args, server_cpu)
    if client_cpu is not None:
        os.sched_setaffinity(0, {client_cpu})  # threads started from now on inherit it
    date = datetime.now(timezone.utc).strftime("%Y-%m-%d %H:%M UTC")
    meta = {
        "date": date,
        "machine": _machine()
        + (
            f", client on CPU {client_cpu}, server on CPU {server_cpu}"
            if client_cpu is not None
            else ""
        ),
        "python": platform.python_version(),
        "aiohttp": aiohttp.__version__,
        "oxide_commit": _git("rev-parse", "--short", "HEAD"),
        "oxide_dirty": bool(_git("status", "--porcelain", "--", "oxide")),
        "speedups": getattr(getattr(oxide, "_speedups", None), "IMPLEMENTATION", None),
        "loadavg_start": " ".join(f"{x:.2f}" for x in os.getloadavg()),
        "command": "make soak" + (f" SOAK_SECONDS={args.seconds:g}" if args.seconds != 180 else "")
        if os.environ.get("MAKELEVEL")
        else "python " + " ".join(sys.argv),
    }
    print(
        f"soak: {args.seconds:g} s, {args.tasks} tasks + {args.threads} threads"
        f" + {args.churn_per_s:g} short-lived threads/s, fault rate {args.fault_rate:g},"
        f" server :{port} (pid {proc.pid})",
        flush=True,
    )
    soak = Soak(args, port)
    try:
        run = asyncio.run(soak.run())
    finally:
        proc.terminate()
        try:
            proc.wait(10)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()
        if proc.stdout is not None:
            proc.stdout.close()
    meta["loadavg_end"] = " ".join(f"{x:.2f}" for x in os.getloadavg())
    res = summarize(soak, run, meta)

    out = Path(args.out)
    out.mkdir(parents=True, exist_ok=True)
    (out / "results.json").write_bytes(orjson.dumps(res, option=orjson.OPT_INDENT_2) + b"\n")
    (out / "soak.png").write_bytes(draw(res))
    block = markdown(res)
    if (out / "README.md").exists():
        update_readme(out / "README.md", block)
    print(block)
    print(f"wrote {out / 'results.json'}, {out / 'soak.png'}")
    return 0 if res["passed"] else 1


if __name__ == "__main__":
    sys.exit(main())
