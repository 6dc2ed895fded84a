"""`oxide mock` (the embedded server, with its switches) and `oxide demo`."""

from __future__ import annotations

import argparse
import asyncio
import signal
from typing import Any

__all__ = ["register"]

MOCK_EPILOG = """\
error injection:
  --fail-next 429x3          the next 3 requests fail with 429 (a real error body;
                             429s carry retry-after-ms: 20)
  request header x-mock-error: 500           that one request fails with 500
  request header x-mock-stream-error-after: 5  the stream ends with an error event
                                             after 5 events
  WebSocket handshake query mock_ws_fault=close|abort|no_pong|oversize|burst|
  restart|reject|redirect (with mock_ws_after, mock_ws_code, ...)

routes: chat completions, Responses (HTTP, WebSocket mode), Realtime (WebSocket),
embeddings, models, files and uploads, images, audio, batches, vector stores,
fine-tuning, conversations, containers, videos, moderations, completions; at the
root and under /v1. Any API key works except sk-invalid; --no-auth drops the check.

example:
  oxide mock --port 8000 &
  OPENAI_BASE_URL=http://127.0.0.1:8000/v1 OPENAI_API_KEY=sk-test oxide chat "hi"
"""


def register(commands: Any) -> None:
    mock = commands.add_parser(
        "mock",
        help="serve the embedded OpenAI-compatible mock server",
        description="Serve oxide's embedded mock of the OpenAI API: offline, deterministic"
        " answers in the API's shapes, over HTTP and WebSockets.",
        epilog=MOCK_EPILOG,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    mock.add_argument("--host", default="127.0.0.1", help="default 127.0.0.1")
    mock.add_argument("--port", type=int, default=8000, help="0 picks a free port (default 8000)")
    mock.add_argument(
        "--stream-delay",
        type=float,
        default=0.0,
        metavar="SECONDS",
        help="pause between streamed events",
    )
    mock.add_argument("--no-auth", action="store_true", help="accept requests without an API key")
    mock.add_argument(
        "--fail-next",
        action="append",
        default=[],
        metavar="STATUS[xTIMES]",
        help="fail the next requests with STATUS (repeatable)",
    )
    mock.set_defaults(run=run_mock)

    demo = commands.add_parser(
        "demo",
        help="run a short agent loop against the embedded mock (offline)",
        description="Chat, streaming, a tool call round trip, Responses, embeddings and a"
        " WebSocket tool loop, against the embedded mock: no network, no API key.",
    )
    demo.add_argument(
        "--client",
        choices=("oxide", "openai", "both"),
        default=None,
        help="client to run (default: $OXIDE_DEMO_CLIENT, else oxide, compared with openai"
        " when it is installed)",
    )
    demo.set_defaults(run=run_demo)


def _failures(specs: list[str]) -> list[tuple[int, int]]:
    out = []
    for spec in specs:
        status, _, times = spec.partition("x")
        if not status.isdigit() or (times and not times.isdigit()):
            raise argparse.ArgumentTypeError(
                f"--fail-next {spec!r}: expected STATUS or STATUSxTIMES"
            )
        out.append((int(status), int(times or 1)))
    return out


async def _serve(args: argparse.Namespace, failures: list[tuple[int, int]]) -> None:
    from ..testing import MockOpenAI

    mock = MockOpenAI(stream_delay=args.stream_delay, require_auth=not args.no_auth)
    for status, times in failures:
        mock.fail_next(status, times)
    base_url = await mock.start(args.host, args.port)
    print(f"oxide mock OpenAI server: {base_url}", flush=True)
    print(
        f"  e.g. OPENAI_BASE_URL={base_url} OPENAI_API_KEY=sk-test oxide chat hi"
        f"  (routes also at {mock.root_url}/...). Ctrl-C to stop.",
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


def run_mock(args: argparse.Namespace) -> int:
    try:
        failures = _failures(args.fail_next)
    except argparse.ArgumentTypeError as exc:
        from ._common import CLIError

        raise CLIError(str(exc)) from None
    try:
        asyncio.run(_serve(args, failures))
    except KeyboardInterrupt:  # pragma: no cover - where signal handlers are unavailable
        print("stopped", flush=True)
    return 0


def run_demo(args: argparse.Namespace) -> int:
    from .._demo import main as demo_main

    return demo_main(args.client)
