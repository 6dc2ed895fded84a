"""Resource safety under load and cancellation (§3.8 L3, L4, L8; issue 9 "Resource safety").

The server runs in a process of its own (`_load_server.py`), so the file descriptors counted
here are the client's alone. Each test ends by checking what is left: connections checked out
of the pool, tasks, open file descriptors (back to the baseline once the client is closed) and,
for L8, memory.
"""

from __future__ import annotations

import asyncio
import contextlib
import gc
import os
import random
import subprocess
import sys
import tracemalloc
from collections.abc import Awaitable, Callable, Iterator
from pathlib import Path

import pytest

import oxide

SERVER = Path(__file__).with_name("_load_server.py")
MESSAGES = [{"role": "user", "content": "hi"}]


@pytest.fixture(scope="module")
def load_url() -> Iterator[str]:
    proc = subprocess.Popen(
        [sys.executable, str(SERVER)], stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True
    )
    try:
        assert proc.stdout is not None
        line = proc.stdout.readline()
        assert line.startswith("PORT "), line
        yield f"http://127.0.0.1:{line.split()[1]}/v1"
    finally:
        proc.terminate()
        proc.wait(10)
        if proc.stdout is not None:
            proc.stdout.close()


def open_fds() -> int:
    return len(os.listdir("/proc/self/fd"))


async def settle() -> None:
    # Closed transports finish closing in the loop's next iterations.
    for _ in range(5):
        await asyncio.sleep(0.01)
    gc.collect()
    await asyncio.sleep(0.01)


def session_counts(client: oxide.AsyncOpenAI) -> tuple[int, int]:
    return client._holder.connection_counts()


pytestmark = pytest.mark.skipif(not os.path.isdir("/proc/self/fd"), reason="counts /proc fds")


@pytest.mark.asyncio
async def test_l3_ten_thousand_concurrent_requests_through_a_pool_of_100(load_url: str) -> None:
    await settle()
    baseline = open_fds()
    client = oxide.AsyncOpenAI(api_key="sk-test", base_url=load_url, connection_limit=100)
    create = client.chat.completions.create
    results = await asyncio.gather(
        *[create(model="gpt-test", messages=MESSAGES) for _ in range(10_000)]
    )
    assert len(results) == 10_000
    assert all(r.choices[0].message.content == "ok" for r in results)
    acquired, idle = session_counts(client)
    assert acquired == 0
    assert 0 < idle <= 100  # never more sockets than the pool allows
    assert open_fds() - baseline <= 100 + 5
    await client.close()
    await settle()
    assert open_fds() <= baseline


# -- L4: random cancellations and early exits -------------------------------------------------


async def request(client: oxide.AsyncOpenAI, rng: random.Random) -> None:
    r = await client.chat.completions.create(model="gpt-test", messages=MESSAGES)
    assert r.choices[0].message.content == "ok"


async def stream_to_the_end(client: oxide.AsyncOpenAI, rng: random.Random) -> None:
    stream = await client.chat.completions.create(
        model="gpt-test", messages=MESSAGES, stream=True, max_tokens=rng.randint(1, 30)
    )
    async for _ in stream:
        pass
    assert stream.completed


async def stream_break(client: oxide.AsyncOpenAI, rng: random.Random) -> None:
    endless = {"mode": "endless"} if rng.random() < 0.5 else None
    async for _ in await client.chat.completions.create(
        model="gpt-test", messages=MESSAGES, stream=True, metadata=endless
    ):
        if rng.random() < 0.3:
            break


async def stream_break_then_close(client: oxide.AsyncOpenAI, rng: random.Random) -> None:
    stream = await client.chat.completions.create(
        model="gpt-test", messages=MESSAGES, stream=True, metadata={"mode": "endless"}
    )
    async for _ in stream:
        break
    await stream.close()


async def stream_async_with(client: oxide.AsyncOpenAI, rng: random.Random) -> None:
    async with await client.chat.completions.create(
        model="gpt-test", messages=MESSAGES, stream=True, metadata={"mode": "endless"}
    ) as stream:
        n = rng.randint(1, 10)
        async for _ in stream:
            n -= 1
            if n == 0:
                break


class Boom(Exception):
    pass


async def stream_exception(client: oxide.AsyncOpenAI, rng: random.Random) -> None:
    with contextlib.suppress(Boom):
        async for _ in await client.chat.completions.create(
            model="gpt-test", messages=MESSAGES, stream=True, metadata={"mode": "endless"}
        ):
            raise Boom


async def stream_dropped(client: oxide.AsyncOpenAI, rng: random.Random) -> None:
    stream = await client.chat.completions.create(
        model="gpt-test", messages=MESSAGES, stream=True, metadata={"mode": "endless"}
    )
    await stream.__anext__()
    del stream


async def responses_stream(client: oxide.AsyncOpenAI, rng: random.Random) -> None:
    async for event in await client.responses.create(
        model="gpt-test", input="hi", stream=True, metadata={"mode": "endless"}
    ):
        if event.sequence_number >= rng.randint(0, 20):
            break


async def chat_helper(client: oxide.AsyncOpenAI, rng: random.Random) -> None:
    async with client.chat.completions.stream(
        model="gpt-test", messages=MESSAGES, max_tokens=rng.randint(1, 20)
    ) as stream:
        if rng.random() < 0.5:
            await stream.get_final_completion()
        else:
            async for _ in stream:
                break


async def raw_stream(client: oxide.AsyncOpenAI, rng: random.Random) -> None:
    raw = await client.with_raw_response.chat.completions.create(
        model="gpt-test", messages=MESSAGES, stream=True, metadata={"mode": "endless"}
    )
    if rng.random() < 0.5:
        async for _ in raw.parse():
            break


OPERATIONS: list[Callable[[oxide.AsyncOpenAI, random.Random], Awaitable[None]]] = [
    request,
    request,
    request,
    stream_to_the_end,
    stream_break,
    stream_break_then_close,
    stream_async_with,
    stream_exception,
    stream_dropped,
    responses_stream,
    chat_helper,
    raw_stream,
]


@pytest.mark.asyncio
async def test_l4_ten_thousand_operations_with_random_cancellations_leave_nothing(
    load_url: str,
) -> None:
    await settle()
    baseline_fds = open_fds()
    baseline_tasks = len(asyncio.all_tasks())
    rng = random.Random(20261204)
    client = oxide.AsyncOpenAI(api_key="sk-test", base_url=load_url, connection_limit=100)
    done = cancelled = 0
    failures: list[BaseException] = []

    async def one(i: int) -> None:
        nonlocal done, cancelled
        op = OPERATIONS[i % len(OPERATIONS)]
        task = asyncio.ensure_future(op(client, random.Random(rng.random())))
        if rng.random() < 0.2:  # cancelled at a random point of its life
            asyncio.get_running_loop().call_later(rng.random() * 0.005, task.cancel)
        try:
            await task
            done += 1
        except asyncio.CancelledError:
            cancelled += 1
        except BaseException as exc:  # any other outcome is a failure of the client
            failures.append(exc)

    for start in range(0, 10_000, 500):  # 500 operations in flight at a time
        await asyncio.gather(*[one(i) for i in range(start, start + 500)])
    assert not failures, failures[:3]
    assert done + cancelled == 10_000
    assert cancelled > 500  # the random cancellations did land
    await settle()
    acquired, idle = session_counts(client)
    assert acquired == 0
    assert idle <= 100
    assert len(asyncio.all_tasks()) == baseline_tasks
    await client.close()
    await settle()
    assert open_fds() <= baseline_fds


# -- L8: memory ------------------------------------------------------------------------------------


@pytest.mark.asyncio
async def test_l8_memory_stays_flat_over_calls_streams_and_with_options(load_url: str) -> None:
    client = oxide.AsyncOpenAI(api_key="sk-test", base_url=load_url)

    async def round_(n: int) -> None:
        for i in range(n):
            view = client.with_options(max_retries=1, default_headers={"x-n": str(i % 7)})
            await view.chat.completions.create(model="gpt-test", messages=MESSAGES)
            if i % 10 == 0:  # 50 streamed events for every 10 calls
                async for _ in await view.chat.completions.create(
                    model="gpt-test", messages=MESSAGES, stream=True, max_tokens=49
                ):
                    pass

    await round_(500)  # warm caches, pools and decoders
    gc.collect()
    tracemalloc.start()
    try:
        await round_(1000)
        gc.collect()
        first = tracemalloc.get_traced_memory()[0]
        await round_(4000)  # 4,000 calls and 20,000 streamed events
        gc.collect()
        last = tracemalloc.get_traced_memory()[0]
    finally:
        tracemalloc.stop()
    await client.close()
    # A leak of one small object per call would be 4,000 objects here.
    per_call = (last - first) / 4000
    assert per_call < 16, f"{per_call:.1f} bytes retained per call"
