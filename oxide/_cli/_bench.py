"""`oxide bench`: a quick measure of a client's own CPU per call, oxide against the official SDK.

Both clients call the embedded mock (on a thread of this process) with the same tiny chat
completion, plain and streamed; the CPU the mock's thread used is taken off, so what is left
is the client's own cost per call. A few seconds, noisy on shared machines: `make bench`
(benchmarks/) is the careful measure, with a raw aiohttp floor and separate processes.
"""

from __future__ import annotations

import argparse
import asyncio
import time
from collections.abc import Awaitable, Callable
from typing import Any

__all__ = ["register"]

MESSAGES = [{"role": "user", "content": "Say hi"}]


def register(commands: Any) -> None:
    bench = commands.add_parser(
        "bench",
        help="a quick client-overhead comparison against the official SDK",
        description=__doc__,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    bench.add_argument(
        "-n", "--calls", type=int, default=300, help="calls per client and case (default 300)"
    )
    bench.add_argument(
        "--client",
        choices=("oxide", "openai", "both"),
        default="both",
        help="default both (oxide only when the official SDK is not installed)",
    )
    bench.set_defaults(run=run_bench)


async def _measure(
    call: Callable[[], Awaitable[None]], calls: int, server_cpu: Callable[[], float]
) -> float:
    """Client CPU seconds per call (process CPU minus the mock thread's)."""
    for _ in range(min(20, calls)):  # warm up: connections, caches, imports
        await call()
    cpu, server = time.process_time(), server_cpu()
    for _ in range(calls):
        await call()
    return ((time.process_time() - cpu) - (server_cpu() - server)) / calls


async def _run_client(
    name: str, base_url: str, calls: int, server_cpu: Callable[[], float]
) -> dict[str, float]:
    factory: Any
    if name == "oxide":
        from .. import AsyncOpenAI as factory
    else:
        from openai import AsyncOpenAI as factory
    client: Any = factory(base_url=base_url, api_key="sk-bench", max_retries=0)

    async def tiny() -> None:
        await client.chat.completions.create(model="gpt-4o-mini", messages=MESSAGES)

    async def streamed() -> None:
        stream = await client.chat.completions.create(
            model="gpt-4o-mini", messages=MESSAGES, stream=True
        )
        async for _ in stream:
            pass

    try:
        return {
            "chat": await _measure(tiny, calls, server_cpu),
            "chat stream": await _measure(streamed, max(calls // 3, 1), server_cpu),
        }
    finally:
        await client.close()


def run_bench(args: argparse.Namespace) -> int:
    from ..testing import MockOpenAI

    names = ["oxide", "openai"] if args.client == "both" else [args.client]
    if "openai" in names:
        try:
            import openai  # noqa: F401
        except ImportError:
            if args.client == "openai":
                from ._common import CLIError

                raise CLIError("the official SDK is not installed: pip install openai") from None
            names.remove("openai")
            print("(the official SDK is not installed: oxide only)")
    server = MockOpenAI.in_thread(require_auth=False)
    base_url = server.start()
    try:
        results = {
            name: asyncio.run(_run_client(name, base_url, args.calls, server.cpu_time))
            for name in names
        }
    finally:
        server.stop()
    cases = list(next(iter(results.values())))
    print(
        f"client CPU per call, {args.calls} calls ({args.calls // 3} streams) against the embedded mock"
    )
    print(
        f"{'case':<14}"
        + "".join(f"{name:>14}" for name in names)
        + ("        ratio" if len(names) == 2 else "")
    )
    for case in cases:
        cells = "".join(f"{results[name][case] * 1e6:>11.0f} us" for name in names)
        ratio = ""
        if len(names) == 2 and results["oxide"][case] > 0:
            ratio = f"{results['openai'][case] / results['oxide'][case]:>12.1f}x"
        print(f"{case:<14}{cells}{ratio}")
    return 0
