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

import sys as _sys
from types import ModuleType as _ModuleType
from typing import Any

import oxide as _oxide
from oxide import *  # noqa: F403
from oxide import __all__ as _all
from oxide import __version__ as __version__

__all__ = list(_all)


def __getattr__(name: str) -> Any:
    # Lazy names of the package (types, lib helpers, BaseModel, the module client's resources
    # and settings) resolve the same way here.
    return getattr(_oxide, name)


# The module client's settings (`openai.api_key = ...`) are `oxide`'s: setting one here sets it
# there, so `import oxide.compat as openai; openai.api_key = "..."; openai.chat...` works.
_SETTINGS = frozenset(
    {
        "api_key",
        "admin_api_key",
        "organization",
        "project",
        "webhook_secret",
        "base_url",
        "timeout",
        "max_retries",
        "default_headers",
        "default_query",
        "http_client",
        "api_type",
        "api_version",
        "azure_endpoint",
        "azure_ad_token",
        "azure_ad_token_provider",
    }
)


class _CompatModule(_ModuleType):
    def __setattr__(self, name: str, value: Any) -> None:
        if name in _SETTINGS:
            setattr(_oxide, name, value)
        else:
            super().__setattr__(name, value)


_sys.modules[__name__].__class__ = _CompatModule
