"""The sync client under threads (§3.8 L5; issue 9 defects 2 and 3).

* Threads that make a call and end leave nothing behind: one long-lived client used from a
  thread per task must not run out of file descriptors (it did after 61 threads under a
  256-fd limit), and the loops and pools it holds are bounded however many threads use it.
* A sync stream (or any object tied to a loop) can be read by another thread than the one that
  made it, also while that thread is busy with another call.
"""

from __future__ import annotations

import asyncio
import os
import subprocess
import sys
import textwrap
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from typing import Any

import pytest
from aiohttp import web

import oxide
from oxide._sync import MAX_LOOPS

from .conftest import chat_chunk, chat_completion, json_response, sse

MESSAGES = [{"role": "user", "content": "hi"}]
REPO = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))


def open_fds() -> int:
    return len(os.listdir("/proc/self/fd"))


async def chat(request: web.Request, n: int) -> web.StreamResponse:
    body = await request.json()
    if body.get("user") == "slow":
        await asyncio.sleep(0.5)
    if not body.get("stream"):
        return json_response(chat_completion("hello"))
    resp = web.StreamResponse(headers={"Content-Type": "text/event-stream"})
    await resp.prepare(request)
    for i in range(5):
        await resp.write(sse(chat_chunk(f"t{i}")))
        await asyncio.sleep(0.01)
    await resp.write(b"data: [DONE]\n\n")
    return resp


def loops_of(client: oxide.OpenAI) -> int:
    return len(client._runner._slots)


@pytest.mark.skipif(not os.path.isdir("/proc/self/fd"), reason="counts fds in /proc")
def test_l5_threads_that_end_leave_no_file_descriptors(thread_server) -> None:
    server = thread_server(chat)
    client = oxide.OpenAI(api_key="sk-test", base_url=server.url)
    client.chat.completions.create(model="m", messages=MESSAGES)

    def one_call() -> None:
        assert client.chat.completions.create(model="m", messages=MESSAGES).choices

    def wave(n: int) -> None:
        threads = [threading.Thread(target=one_call) for _ in range(n)]
        for t in threads:
            t.start()
        for t in threads:
            t.join()

    wave(20)
    after_warmup = open_fds()
    for _ in range(10):
        wave(20)  # 200 more threads, each made a call and ended
    # Flat: the old engine kept a loop and a pool per thread, about 4 fds for each of these
    # 200 threads. What may still vary is the number of pooled sockets, bounded by how many of
    # a wave's 20 calls overlapped (client and server side of each: this server is in-process).
    assert open_fds() - after_warmup <= 2 * 20
    assert loops_of(client) <= MAX_LOOPS
    client.close()


def test_l5_a_thread_per_task_under_a_256_fd_limit() -> None:
    # The reproduction: one client, a new thread per call, RLIMIT_NOFILE 256. The
    # server runs in the same process, so its sockets count against the limit too.
    script = textwrap.dedent(
        """
        import resource, threading, oxide
        from oxide.testing import MockOpenAI
        resource.setrlimit(resource.RLIMIT_NOFILE, (256, 256))
        server = MockOpenAI.in_thread()
        with server:
            client = oxide.OpenAI(api_key="sk-test", base_url=server.base_url)
            errors = []
            def call():
                try:
                    client.chat.completions.create(
                        model="m", messages=[{"role": "user", "content": "hi"}]
                    )
                except BaseException as exc:
                    errors.append(repr(exc))
            for _ in range(300):
                t = threading.Thread(target=call)
                t.start()
                t.join()
            client.close()
        print(len(errors), errors[:1])
        """
    )
    proc = subprocess.run(
        [sys.executable, "-c", script], capture_output=True, text=True, timeout=120, cwd=REPO
    )
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout.strip() == "0 []", proc.stdout


def test_l5_256_threads_share_a_bounded_number_of_loops(thread_server) -> None:
    server = thread_server(chat)
    client = oxide.OpenAI(api_key="sk-test", base_url=server.url)
    barrier = threading.Barrier(256)

    def work(i: int) -> int:
        barrier.wait()
        n = 0
        for _ in range(4):
            r = client.chat.completions.create(model="m", messages=MESSAGES, user=f"u{i}")
            n += r.choices[0].message.content == "hello"
        return n

    with ThreadPoolExecutor(256) as pool:
        assert sum(pool.map(work, range(256))) == 1024
    assert loops_of(client) <= MAX_LOOPS
    sessions = client._engine._holder.sessions()
    assert len(sessions) <= MAX_LOOPS
    client.close()


def test_l5_stream_made_on_a_worker_is_read_by_the_caller_while_the_worker_is_busy(
    thread_server,
) -> None:
    server = thread_server(chat)
    client = oxide.OpenAI(api_key="sk-test", base_url=server.url)
    made = threading.Event()
    busy = threading.Event()

    def make_then_work() -> Any:
        stream = client.chat.completions.create(model="m", messages=MESSAGES, stream=True)
        holder.append(stream)
        made.set()
        busy.set()
        # The worker goes on with a slow call on the same loop while the caller reads.
        return client.chat.completions.create(model="m", messages=MESSAGES, user="slow")

    holder: list[Any] = []
    with ThreadPoolExecutor(1) as pool:
        future = pool.submit(make_then_work)
        made.wait(5)
        busy.wait(5)
        time.sleep(0.05)  # the worker is now inside its slow call
        text = [c.choices[0].delta.content for c in holder[0]]
        assert future.result(5).choices[0].message.content == "hello"
    assert text == [f"t{i}" for i in range(5)]
    assert holder[0].completed
    client.close()


def test_l5_streams_handed_between_pool_threads(thread_server) -> None:
    # The other shape: six streams made on executor workers, read by the caller.
    server = thread_server(chat)
    client = oxide.OpenAI(api_key="sk-test", base_url=server.url)

    def make(_: int) -> Any:
        return client.chat.completions.create(model="m", messages=MESSAGES, stream=True)

    with ThreadPoolExecutor(6) as pool:
        streams = list(pool.map(make, range(6)))
        # The workers keep making calls while the caller reads.
        background = [
            pool.submit(client.chat.completions.create, model="m", messages=MESSAGES, user="slow")
            for _ in range(6)
        ]
        texts = [[c.choices[0].delta.content for c in s] for s in streams]
        assert all(f.result(5).choices for f in background)
    assert texts == [[f"t{i}" for i in range(5)]] * 6
    client.close()


def test_l5_calls_from_inside_a_running_loop_and_streams_read_outside(thread_server) -> None:
    server = thread_server(chat)
    client = oxide.OpenAI(api_key="sk-test", base_url=server.url)

    async def inside() -> Any:
        # This thread runs a loop: the call goes to the client's private loop thread.
        return client.chat.completions.create(model="m", messages=MESSAGES, stream=True)

    stream = asyncio.run(inside())
    assert [c.choices[0].delta.content for c in stream] == [f"t{i}" for i in range(5)]

    made_outside = client.chat.completions.create(model="m", messages=MESSAGES, stream=True)

    async def read_inside() -> list[str | None]:
        # The reverse: a stream of a calling-thread loop, read from inside a running loop.
        return [c.choices[0].delta.content for c in made_outside]

    assert asyncio.run(read_inside()) == [f"t{i}" for i in range(5)]
    client.close()


def test_l5_ctrl_c_while_following_another_threads_loop_leaves_the_client_usable(
    thread_server,
) -> None:
    # The main thread waits for a call that another thread's loop runs; Ctrl-C interrupts the
    # wait, the call is cancelled in the loop, and the next call from the main thread gets
    # its own answer (not a wake-up left over from the interrupted one).
    import signal

    server = thread_server(chat)
    client = oxide.OpenAI(api_key="sk-test", base_url=server.url)
    client.chat.completions.create(model="m", messages=MESSAGES)
    leader_started = threading.Event()

    def lead() -> Any:
        leader_started.set()
        return client.chat.completions.create(model="m", messages=MESSAGES, user="slow")

    with ThreadPoolExecutor(1) as pool:
        future = pool.submit(lead)
        leader_started.wait(5)
        time.sleep(0.05)  # the worker now runs the loop for its slow call
        timer = threading.Timer(0.1, os.kill, (os.getpid(), signal.SIGINT))
        timer.start()
        with pytest.raises(KeyboardInterrupt):
            client.chat.completions.create(model="m", messages=MESSAGES, user="slow")
        timer.join()
        assert future.result(5).choices[0].message.content == "hello"
    stream = client.chat.completions.create(model="m", messages=MESSAGES, stream=True)
    assert [c.choices[0].delta.content for c in stream] == [f"t{i}" for i in range(5)]
    client.close()


def test_l5_threads_share_the_loop_where_there_is_no_eventfd(thread_server, monkeypatch) -> None:
    # Platforms without os.eventfd (macOS, Windows) sleep on a lock per thread instead; the
    # same contention path must hold there: many threads, a stream read by another thread.
    import oxide._sync as sync_module

    monkeypatch.setattr(sync_module, "_HAS_EVENTFD", False)
    monkeypatch.setattr(sync_module, "_thread_wakers", threading.local())
    server = thread_server(chat)
    client = oxide.OpenAI(api_key="sk-test", base_url=server.url)

    def work(i: int) -> int:
        r = client.chat.completions.create(model="m", messages=MESSAGES, user=f"u{i}")
        return int(r.choices[0].message.content == "hello")

    with ThreadPoolExecutor(32) as pool:
        assert sum(pool.map(work, range(128))) == 128
        stream = pool.submit(
            client.chat.completions.create, model="m", messages=MESSAGES, stream=True
        ).result()
    assert [c.choices[0].delta.content for c in stream] == [f"t{i}" for i in range(5)]
    wakers = [type(w).__name__ for w in [sync_module._waker()]]
    assert wakers == ["_LockWaker"]
    client.close()
