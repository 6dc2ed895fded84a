"""Drop-in names for code written against the official SDK:

    from oxide.compat import AsyncOpenAI      # instead of: from openai import AsyncOpenAI

Everything `openai/__init__.py` exports and oxide implements is here under the same name. Not
provided, because they configure httpx or features oxide does not have yet: `DefaultHttpxClient`,
`DefaultAsyncHttpxClient`, `DefaultHttpx2Client`, `DefaultAsyncHttpx2Client`,
`DefaultAioHttpClient` (oxide is aiohttp-native: pass an `aiohttp.ClientSession` as
`http_client`), `Transport`, `ProxiesTypes`, `DEFAULT_CONNECTION_LIMITS` (use
`connection_limit=`), `DataResidency`, `BedrockOpenAI`/`AsyncBedrockOpenAI`, `file_from_path`,
`ReconnectingEvent`/`ReconnectingOverrides` (WebSocket sessions).
"""

from __future__ import annotations

from typing import Any

import oxide as _oxide
from oxide import *  # noqa: F403
from oxide import __all__ as _all
from oxide import __version__ as __version__

__all__ = list(_all)


def __getattr__(name: str) -> Any:
    # Lazy names of the package (types, lib helpers, BaseModel) resolve the same way here.
    return getattr(_oxide, name)
