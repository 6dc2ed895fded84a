"""``python -m oxide``: ``mock`` serves the embedded OpenAI mock, ``demo`` runs the demo."""

from __future__ import annotations

import argparse
import asyncio
import signal
import sys
from collections.abc import Sequence


async def _serve(host: str, port: int, stream_delay: float) -> None:
    from oxide.testing import MockOpenAI

    mock = MockOpenAI(stream_delay=stream_delay)
    base_url = await mock.start(host, port)
    print(f"oxide mock OpenAI server: {base_url}", flush=True)
    print(
        f"  e.g. AsyncOpenAI(base_url={base_url!r}, api_key='sk-test')  (routes also at"
        f" {mock.root_url}/...). Ctrl-C to stop.",
        flush=True,
    )
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for sig in (signal.SIGINT, signal.SIGTERM):
        try:
            loop.add_signal_handler(sig, stop.set)
        except (NotImplementedError, RuntimeError):  # pragma: no cover - Windows
            pass
    try:
        await stop.wait()
    finally:
        await mock.stop()
    print("stopped", flush=True)


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m oxide", description=__doc__)
    sub = parser.add_subparsers(dest="command", required=True)
    mock = sub.add_parser("mock", help="serve the embedded OpenAI-compatible mock server")
    mock.add_argument("--host", default="127.0.0.1")
    mock.add_argument("--port", type=int, default=8000, help="0 picks a free port (default 8000)")
    mock.add_argument(
        "--stream-delay",
        type=float,
        default=0.0,
        metavar="SECONDS",
        help="pause between streamed events (default 0)",
    )
    demo = sub.add_parser("demo", help="run a short agent loop against the embedded mock")
    demo.add_argument(
        "--client",
        choices=("oxide", "openai", "both"),
        default=None,
        help="client to run (default: $OXIDE_DEMO_CLIENT, else oxide, compared with openai"
        " when it is installed)",
    )
    args = parser.parse_args(argv)

    if args.command == "mock":
        try:
            asyncio.run(_serve(args.host, args.port, args.stream_delay))
        except KeyboardInterrupt:  # pragma: no cover - where signal handlers are unavailable
            print("stopped", flush=True)
        return 0
    from oxide._demo import main as demo_main

    return demo_main(args.client)


if __name__ == "__main__":
    sys.exit(main())
