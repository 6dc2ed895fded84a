"""The `oxide` command (also `python -m oxide`).

Exit codes: 0 done; 1 the API answered with an error; 2 a usage or configuration problem
(bad arguments, no API key, no prompt); 3 the server could not be reached or timed out;
130 interrupted.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence

from . import _bench, _files, _model_calls, _serve
from ._common import CLIError

__all__ = ["build_parser", "main"]

DESCRIPTION = """\
oxide: a fast OpenAI API client; this is its command line.

Reads OPENAI_API_KEY and OPENAI_BASE_URL like the official SDK, and works with any
OpenAI-compatible server (--base-url). Try it offline: `oxide mock` in one terminal, then
OPENAI_BASE_URL=http://127.0.0.1:8000/v1 OPENAI_API_KEY=sk-test oxide chat "hi".
"""

EPILOG = """\
exit codes: 0 ok, 1 API error, 2 usage or configuration error, 3 connection error or
timeout, 130 interrupted.
"""


def build_parser() -> argparse.ArgumentParser:
    from .._version import __version__

    parser = argparse.ArgumentParser(
        prog="oxide",
        description=DESCRIPTION,
        epilog=EPILOG,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument("--version", action="version", version=f"oxide {__version__}")
    commands = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")
    _model_calls.register(commands)
    _files.register(commands)
    _serve.register(commands)
    _bench.register(commands)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    from .. import APIConnectionError, APIStatusError, OpenAIError

    try:
        return int(args.run(args))
    except CLIError as exc:
        parser.exit(2, f"oxide {args.command}: error: {exc}\n")
    except APIStatusError as exc:
        message = exc.message.removeprefix(f"Error code: {exc.status_code} - ")
        request_id = f" (request id {exc.request_id})" if exc.request_id else ""
        print(
            f"oxide {args.command}: error {exc.status_code}: {message}{request_id}",
            file=sys.stderr,
        )
        return 1
    except APIConnectionError as exc:  # includes APITimeoutError
        cause = f" ({exc.__cause__})" if exc.__cause__ else ""
        print(f"oxide {args.command}: error: {exc.message}{cause}", file=sys.stderr)
        return 3
    except OpenAIError as exc:  # configuration: no API key, bad options
        print(f"oxide {args.command}: error: {exc}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        print(file=sys.stderr)
        return 130
    except BrokenPipeError:  # `oxide chat ... | head`: the reader left; not an error
        sys.stderr.close()
        return 0
