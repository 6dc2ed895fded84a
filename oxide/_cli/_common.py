"""What every CLI command shares: the client from flags and environment, input, output."""

from __future__ import annotations

import argparse
import os
import sys
import time
from typing import IO, TYPE_CHECKING, Any

if TYPE_CHECKING:
    from .. import OpenAI

__all__ = ["CLIError", "Progress", "add_client_options", "make_client", "read_prompt", "write_json"]


class CLIError(Exception):
    """A usage problem found after parsing (exit code 2), e.g. no prompt given."""


def add_client_options(parser: argparse.ArgumentParser) -> None:
    group = parser.add_argument_group(
        "connection (default: the official SDK's environment variables)"
    )
    group.add_argument(
        "--base-url",
        metavar="URL",
        help="any OpenAI-compatible server (default: $OPENAI_BASE_URL, else https://api.openai.com/v1)",
    )
    group.add_argument("--api-key", metavar="KEY", help="default: $OPENAI_API_KEY")
    group.add_argument("--timeout", type=float, metavar="SECONDS", help="per request (default 600)")
    group.add_argument(
        "--max-retries",
        type=int,
        metavar="N",
        help="retries on 408/409/429/5xx and connection errors (default 2)",
    )


def make_client(args: argparse.Namespace) -> OpenAI:
    from .. import OpenAI

    options: dict[str, Any] = {}
    if args.base_url:
        options["base_url"] = args.base_url
    if args.api_key:
        options["api_key"] = args.api_key
    elif not os.environ.get("OPENAI_API_KEY") and (
        args.base_url or os.environ.get("OPENAI_BASE_URL")
    ):
        # Local OpenAI-compatible servers rarely check keys; the API itself answers 401.
        options["api_key"] = "sk-no-key"
    if args.timeout is not None:
        options["timeout"] = args.timeout
    if args.max_retries is not None:
        options["max_retries"] = args.max_retries
    return OpenAI(**options)


def read_prompt(parts: list[str], stdin: IO[str] | None = None) -> str:
    """The prompt: the arguments, then what is piped in (`cat notes.md | oxide chat "sum up"`);
    `-` alone, or no argument, reads standard input only."""
    stdin = stdin or sys.stdin
    words = [] if parts == ["-"] else parts
    piped = "" if stdin.isatty() else stdin.read()
    text = "\n\n".join(part for part in (" ".join(words), piped.strip()) if part)
    if not text:
        raise CLIError("no prompt: give it as an argument, or pipe it in (`echo hi | oxide chat`)")
    return text


def write_json(obj: Any) -> None:
    import orjson

    sys.stdout.write(orjson.dumps(obj, option=orjson.OPT_INDENT_2).decode() + "\n")


class Progress:
    """A progress bar on standard error, drawn only when it is a terminal (at most 10 a second)."""

    def __init__(self, label: str, total: int | None, stream: IO[str] | None = None) -> None:
        self.label = label
        self.total = total
        self.done = 0
        self.stream = stream or sys.stderr
        self.enabled = self.stream.isatty()
        self._drawn = 0.0

    def advance(self, n: int) -> None:
        self.done += n
        now = time.monotonic()
        if self.enabled and now - self._drawn >= 0.1:
            self._drawn = now
            self._draw()

    def _draw(self) -> None:
        mb = self.done / 1e6
        if self.total:
            share = min(self.done / self.total, 1.0)
            bar = "#" * int(share * 30)
            line = f"\r{self.label} [{bar:<30}] {share:4.0%} {mb:.1f}/{self.total / 1e6:.1f} MB"
        else:
            line = f"\r{self.label} {mb:.1f} MB"
        self.stream.write(line)
        self.stream.flush()

    def finish(self) -> None:
        if self.enabled:
            self._draw()
            self.stream.write("\n")
            self.stream.flush()
