"""The official SDK's clients, served by oxide's engine: for frameworks that want the official
client object.

    from oxide.official import AsyncOpenAI      # instead of: from openai import AsyncOpenAI

`isinstance(client, openai.AsyncOpenAI)` holds, results and stream events are the official
`openai.types` classes (so `openai.BaseModel` checks and pydantic validation work), errors are
the official exceptions; oxide's transport, retries, encoding, SSE extraction and JSON decoding
do the work.

Frameworks that build their own client (`ChatOpenAI(model=...)` makes an `openai.OpenAI`)
get oxide's by `oxide.official.install()`, once at start-up: from then on `openai.OpenAI` and
`openai.AsyncOpenAI` are these classes (`uninstall()` restores the official ones).

Needs the official package (`pip install openai`); for code that does not check the
client's class, plain `oxide.AsyncOpenAI` (or `oxide.compat`) is faster still.
"""

from __future__ import annotations

try:
    import openai as _openai  # noqa: F401
except ImportError as exc:  # pragma: no cover - exercised in a subprocess test
    raise ImportError(
        "oxide.official needs the official SDK: pip install openai "
        "(or use oxide.AsyncOpenAI / oxide.compat, which do not)"
    ) from exc

from ._clients import AsyncAzureOpenAI, AsyncOpenAI, AsyncStream, AzureOpenAI, OpenAI, Stream
from ._install import install, installed, uninstall
from ._responses import APIResponse, AsyncAPIResponse, LegacyAPIResponse

__all__ = [
    "APIResponse",
    "AsyncAPIResponse",
    "AsyncAzureOpenAI",
    "AsyncOpenAI",
    "AsyncStream",
    "AzureOpenAI",
    "LegacyAPIResponse",
    "OpenAI",
    "Stream",
    "install",
    "installed",
    "uninstall",
]
