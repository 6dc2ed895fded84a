"""Clients dropped without `close()` clean up quietly (§3.8 L6; issue 9 defect 5).

Each async client dropped unclosed used to make aiohttp log `ERROR asyncio: Unclosed
connector` (its connector was collected in the same garbage cycle as the client, before our
cleanup ran); sync clients whose call raised did the same at interpreter exit (the traceback
keeps the client alive until shutdown). The official SDK logs nothing; neither may we. Each
scenario runs in a fresh interpreter with every warning shown and asyncio's logger captured.
"""

from __future__ import annotations

import os
import subprocess
import sys
import textwrap

import pytest

REPO = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))

PRELUDE = """
import asyncio, gc, logging, sys, warnings
import oxide
from oxide.testing import MockOpenAI
warnings.simplefilter("always")  # ResourceWarning included
records = []
class Keep(logging.Handler):
    def emit(self, record):
        records.append(record.getMessage())
# The client side only: the in-process mock server logs clients that hang up mid-stream.
logging.getLogger("aiohttp.server").disabled = True
logging.getLogger("asyncio").addHandler(Keep())
logging.getLogger("aiohttp.client").addHandler(Keep())
MESSAGES = [{"role": "user", "content": "hi"}]
server = MockOpenAI.in_thread()
url = server.start()
"""


def run(body: str) -> subprocess.CompletedProcess[str]:
    script = PRELUDE + textwrap.dedent(body)
    return subprocess.run(
        [sys.executable, "-W", "always", "-c", script],
        capture_output=True,
        text=True,
        timeout=60,
        cwd=REPO,
    )


def assert_quiet(proc: subprocess.CompletedProcess[str]) -> None:
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout.strip().endswith("records=[]"), proc.stdout + proc.stderr
    for needle in ("Unclosed", "unclosed", "Traceback", "Exception ignored", "Event loop is"):
        assert needle not in proc.stderr, proc.stderr


def test_l6_async_clients_dropped_unclosed_log_nothing() -> None:
    proc = run(
        """
        async def main():
            for _ in range(5):
                client = oxide.AsyncOpenAI(api_key="sk-test", base_url=url)
                await client.chat.completions.create(model="m", messages=MESSAGES)
                stream = await client.chat.completions.create(
                    model="m", messages=MESSAGES, stream=True
                )
                async for _ in stream:
                    break
                del client, stream
                gc.collect()
            await asyncio.sleep(0.05)  # the loop runs the scheduled closes
        asyncio.run(main())
        gc.collect()
        server.stop()
        print(f"records={records}")
        """
    )
    assert_quiet(proc)


def test_l6_async_client_outliving_its_loop_logs_nothing_at_exit() -> None:
    proc = run(
        """
        client = oxide.AsyncOpenAI(api_key="sk-test", base_url=url)
        async def main():
            await client.chat.completions.create(model="m", messages=MESSAGES)
        asyncio.run(main())  # the loop is closed; the client (and its socket) live on
        server.stop()
        print(f"records={records}")
        """
    )
    assert_quiet(proc)


def test_l6_sync_client_kept_alive_by_an_exception_is_quiet_at_exit() -> None:
    proc = run(
        """
        client = oxide.OpenAI(api_key="sk-test", base_url=url, max_retries=0)
        client.chat.completions.create(model="m", messages=MESSAGES)
        try:
            client.models.retrieve("no-such-model")
        except oxide.NotFoundError as exc:
            kept = exc  # its traceback holds the client until interpreter shutdown
        server.stop()
        print(f"records={records}")
        """
    )
    assert_quiet(proc)


def test_l6_sync_clients_dropped_unclosed_log_nothing() -> None:
    proc = run(
        """
        import threading
        for _ in range(5):
            client = oxide.OpenAI(api_key="sk-test", base_url=url)
            client.chat.completions.create(model="m", messages=MESSAGES)
            for _ in client.chat.completions.create(model="m", messages=MESSAGES, stream=True):
                break
            del client
            gc.collect()
        server.stop()
        print(f"records={records}")
        """
    )
    assert_quiet(proc)


@pytest.mark.skipif(not os.path.isdir("/proc/self/fd"), reason="counts fds in /proc")
def test_l6_dropped_async_clients_release_their_sockets() -> None:
    proc = run(
        """
        import os
        def fds():
            return len(os.listdir("/proc/self/fd"))
        async def main():
            client = oxide.AsyncOpenAI(api_key="sk-test", base_url=url)
            await client.chat.completions.create(model="m", messages=MESSAGES)
            del client
            gc.collect()
            await asyncio.sleep(0.1)
            before = fds()
            for _ in range(50):
                client = oxide.AsyncOpenAI(api_key="sk-test", base_url=url)
                await client.chat.completions.create(model="m", messages=MESSAGES)
                del client
            gc.collect()
            await asyncio.sleep(0.1)
            print("growth", fds() - before)
        asyncio.run(main())
        server.stop()
        print(f"records={records}")
        """
    )
    assert_quiet(proc)
    growth = int(proc.stdout.split("growth", 1)[1].split()[0])
    assert growth <= 2, proc.stdout
