"""Drop-in names for code written against the official SDK:

    from oxide.compat import AsyncOpenAI      # instead of: from openai import AsyncOpenAI
    import oxide.compat as openai             # module paths too: oxide.compat.types.chat, ...

Everything `openai/__init__.py` exports is here under the same name, and every module path
under it (`oxide.compat.types...`, `oxide.compat.pagination`, `oxide.compat.lib...`,
`oxide.compat.resources...`) is oxide's module of the same path, so a mechanical
`openai` -> `oxide.compat` rewrite works. Names whose meaning differs, because oxide is
aiohttp-native with no httpx:

* `DefaultAioHttpClient()`, `DefaultAsyncHttpxClient(limits=...)`, `DefaultHttpxClient(...)`,
  `DefaultAsyncHttpx2Client`, `DefaultHttpx2Client`: options for oxide's own connection pool,
  taken by `http_client=`; `limits=` sizes the pool, httpx-only settings (`proxy`, `verify`,
  `transport`, ...) raise a `TypeError` naming the alternative (see `oxide._http_clients`).
* `DEFAULT_CONNECTION_LIMITS`: a `ConnectionLimits(max_connections=1000,
  max_keepalive_connections=100)`, what `limits=` takes.
* `Transport`, `ProxiesTypes`: httpx's types, `Any` here (oxide takes neither).
* `DataResidency`, `file_from_path`, `ReconnectingEvent` / `ReconnectingOverrides`: as in the
  official SDK.
* `BedrockOpenAI` / `AsyncBedrockOpenAI` (`oxide.lib.bedrock`): as in the official SDK; AWS SigV4
  needs the optional botocore (`pip install 'oxide-openai[bedrock]'`), bearer tokens do not.
* `lib.responses_websocket` (routed `stream_id` lanes on `client.responses.connect()`): the
  official SDK 3.63's module, on oxide's connection; a failed socket raises oxide's
  `WebSocketConnectionClosedError` where the SDK raises the `websockets` one.
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
        "bedrock_token_provider",
    }
)


class _CompatModule(_ModuleType):
    def __setattr__(self, name: str, value: Any) -> None:
        if name in _SETTINGS:
            setattr(_oxide, name, value)
        else:
            super().__setattr__(name, value)


_sys.modules[__name__].__class__ = _CompatModule

from ._aliases import install_module_aliases as _install_module_aliases  # noqa: E402

_install_module_aliases()
