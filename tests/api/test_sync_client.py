"""The sync client: same machinery on a private loop thread; threads, fork and exit."""

from __future__ import annotations

import os
import subprocess
import sys
import textwrap
from concurrent.futures import ThreadPoolExecutor

import pytest

import oxide
from oxide.types.chat import ChatCompletion

MESSAGES = [{"role": "user", "content": "hi"}]


def test_sync_create_and_request_id(serve_in_thread: str) -> None:
    with oxide.OpenAI(api_key="k", base_url=serve_in_thread) as client:
        result = client.chat.completions.create(model="m", messages=MESSAGES)
        assert isinstance(result, ChatCompletion)
        assert result._request_id == "req_t"
    assert client.is_closed()


def test_sync_client_shared_by_many_threads(serve_in_thread: str) -> None:
    client = oxide.OpenAI(api_key="k", base_url=serve_in_thread)

    def work(i: int) -> int:
        n = 0
        for _ in range(10):
            r = client.chat.completions.create(model="m", messages=MESSAGES, user=f"t{i}")
            n += r.choices[0].message.content == "Hello!"
        return n

    with ThreadPoolExecutor(16) as pool:
        assert sum(pool.map(work, range(16))) == 160
    client.close()


def test_with_options_on_sync_client_shares_the_loop(serve_in_thread: str) -> None:
    client = oxide.OpenAI(api_key="k", base_url=serve_in_thread)
    other = client.with_options(max_retries=0)
    assert other.max_retries == 0 and client.max_retries == 2
    assert other._runner is client._runner
    assert other.chat.completions.create(model="m", messages=MESSAGES).choices
    client.close()


@pytest.mark.skipif(not hasattr(os, "fork"), reason="needs os.fork")
def test_fork_after_use(serve_in_thread: str) -> None:
    client = oxide.OpenAI(api_key="k", base_url=serve_in_thread)
    assert client.chat.completions.create(model="m", messages=MESSAGES).choices  # warm pool + loop
    pid = os.fork()
    if pid == 0:  # child: must not reuse the parent's loop thread or sockets
        code = 1
        try:
            r = client.chat.completions.create(model="m", messages=MESSAGES)
            code = 0 if r.choices[0].message.content == "Hello!" else 2
        finally:
            os._exit(code)
    _, status = os.waitpid(pid, 0)
    assert os.WIFEXITED(status) and os.WEXITSTATUS(status) == 0
    # The parent keeps working on its own pool.
    assert client.chat.completions.create(model="m", messages=MESSAGES).choices
    client.close()


def test_exit_without_close_prints_nothing(serve_in_thread: str) -> None:
    script = textwrap.dedent(
        f"""
        import asyncio, oxide
        sync = oxide.OpenAI(api_key="k", base_url={serve_in_thread!r})
        sync.chat.completions.create(model="m", messages=[{{"role": "user", "content": "x"}}])
        aclient = oxide.AsyncOpenAI(api_key="k", base_url={serve_in_thread!r})
        async def main():
            await aclient.chat.completions.create(model="m", messages=[{{"role": "user", "content": "x"}}])
        asyncio.run(main())
        print("ok")
        """
    )
    proc = subprocess.run(
        [sys.executable, "-c", script],
        capture_output=True,
        text=True,
        timeout=60,
        cwd=os.path.dirname(os.path.dirname(os.path.dirname(__file__))),
    )
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout.strip() == "ok"
    assert "Event loop is closed" not in proc.stderr
    assert "Traceback" not in proc.stderr


def test_sync_stream(serve_in_thread: str) -> None:
    with oxide.OpenAI(api_key="k", base_url=serve_in_thread) as client:
        with client.chat.completions.create(
            model="m", messages=[{"role": "user", "content": "x"}], stream=True
        ) as stream:
            text = "".join(c.choices[0].delta.content or "" for c in stream)
        assert text == "".join(f"t{i} " for i in range(50))
        # Closing early from the calling thread releases the connection.
        stream = client.chat.completions.create(
            model="m", messages=[{"role": "user", "content": "x"}], stream=True
        )
        assert next(iter(stream)).choices[0].delta.content == "t0 "
        stream.close()
        r = client.chat.completions.create(model="m", messages=[{"role": "user", "content": "x"}])
        assert __import__("json").loads(r.to_json())["choices"][0]["message"]["content"] == "Hello!"


def test_dropped_clients_do_not_accumulate_threads(serve_in_thread: str) -> None:
    import gc
    import threading
    import time

    def loop_threads() -> int:
        return sum(t.name == "oxide-loop" and t.is_alive() for t in threading.enumerate())

    before = loop_threads()
    for _ in range(5):
        client = oxide.OpenAI(api_key="k", base_url=serve_in_thread)
        assert client.chat.completions.create(model="m", messages=MESSAGES).choices
        del client  # never closed: a client made per request
    gc.collect()
    deadline = time.monotonic() + 5
    while loop_threads() > before and time.monotonic() < deadline:
        time.sleep(0.05)
    assert loop_threads() == before


def test_sync_client_inside_a_running_event_loop_hands_off(serve_in_thread: str) -> None:
    # Sync code called from async code (a notebook cell, a framework callback): this thread
    # cannot run another loop, so the call goes to the client's private loop thread.
    import asyncio

    client = oxide.OpenAI(api_key="k", base_url=serve_in_thread)

    async def inside() -> tuple[str | None, str]:
        r = client.chat.completions.create(model="m", messages=MESSAGES)
        stream = client.chat.completions.create(model="m", messages=MESSAGES, stream=True)
        text = "".join(c.choices[0].delta.content or "" for c in stream)
        return r.choices[0].message.content, text

    content, text = asyncio.run(inside())
    assert content == "Hello!" and text.startswith("t0 t1")
    # And plain calls from this thread afterwards use the thread's own loop again.
    assert client.chat.completions.create(model="m", messages=MESSAGES).choices
    client.close()


def test_streams_from_many_threads(serve_in_thread: str) -> None:
    client = oxide.OpenAI(api_key="k", base_url=serve_in_thread)

    def work(_: int) -> int:
        with client.chat.completions.create(model="m", messages=MESSAGES, stream=True) as stream:
            return sum(1 for _ in stream)

    with ThreadPoolExecutor(8) as pool:
        assert list(pool.map(work, range(32))) == [50] * 32
    client.close()
    assert client.is_closed()
    with pytest.raises(RuntimeError, match="closed"):
        client.chat.completions.create(model="m", messages=MESSAGES)
