"""oxide: a fast OpenAI API client with the official SDK's API.

    from oxide import AsyncOpenAI
    client = AsyncOpenAI()
    completion = await client.chat.completions.create(model="gpt-5", messages=[...])

Types live in `oxide.types` (same module paths as `openai.types`) and load on first use.
"""

from __future__ import annotations

import os as _os
from collections.abc import Callable as _Callable
from collections.abc import Mapping as _Mapping
from typing import TYPE_CHECKING, Any

from ._client import AsyncClient, AsyncOpenAI, Client, OpenAI
from ._constants import DEFAULT_MAX_RETRIES, DEFAULT_TIMEOUT
from ._data_residency import DataResidency
from ._exceptions import (
    APIConnectionError,
    APIError,
    APIResponseValidationError,
    APIStatusError,
    APITimeoutError,
    AuthenticationError,
    BadRequestError,
    ConflictError,
    ContentFilterFinishReasonError,
    IncompleteStreamError,
    InternalServerError,
    InvalidWebhookSignatureError,
    LengthFinishReasonError,
    NotFoundError,
    OAuthError,
    OpenAIError,
    PermissionDeniedError,
    PreviousResponseNotFoundError,
    RateLimitError,
    ResponseInterruptedError,
    UnprocessableEntityError,
    WebSocketConnectionClosedError,
    WebSocketMessageTooLargeError,
    WebSocketQueueFullError,
    WebSocketServerError,
)
from ._http_clients import (
    DEFAULT_CONNECTION_LIMITS,
    DefaultAioHttpClient,
    DefaultAsyncHttpx2Client,
    DefaultAsyncHttpxClient,
    DefaultHttpx2Client,
    DefaultHttpxClient,
    ProxiesTypes,
    Transport,
)
from ._streaming import AsyncStream, Stream
from ._types import NOT_GIVEN, NotGiven, Omit, RequestOptions, Timeout, not_given, omit
from ._version import __version__

NoneType = type(None)

if TYPE_CHECKING:
    # Lazily loaded names (see __getattr__ below), visible to type checkers; the redundant
    # aliases mark them as re-exports.
    from . import lib as lib
    from . import pagination as pagination
    from . import resources as resources
    from . import types as types
    from ._files import file_from_path as file_from_path
    from ._legacy_response import HttpxBinaryResponseContent as HttpxBinaryResponseContent
    from ._models import BaseModel as BaseModel
    from ._response import APIResponse as APIResponse
    from ._response import AsyncAPIResponse as AsyncAPIResponse
    from .lib import function_tool as function_tool
    from .lib import pydantic_function_tool as pydantic_function_tool
    from .lib import pydantic_responses_function_tool as pydantic_responses_function_tool
    from .lib.azure import AsyncAzureOpenAI as AsyncAzureOpenAI
    from .lib.azure import AzureOpenAI as AzureOpenAI
    from .lib.bedrock import AsyncBedrockOpenAI as AsyncBedrockOpenAI
    from .lib.bedrock import BedrockOpenAI as BedrockOpenAI
    from .lib.computer import AsyncComputerDriver as AsyncComputerDriver
    from .lib.computer import AsyncComputerToolset as AsyncComputerToolset
    from .lib.computer import ComputerDriver as ComputerDriver
    from .lib.computer import ComputerToolset as ComputerToolset
    from .lib.streaming import AssistantEventHandler as AssistantEventHandler
    from .lib.streaming import AsyncAssistantEventHandler as AsyncAssistantEventHandler
    from .types.websocket_reconnection import ReconnectingEvent as ReconnectingEvent
    from .types.websocket_reconnection import ReconnectingOverrides as ReconnectingOverrides

__title__ = "oxide"
VERSION = __version__

__all__ = [
    "APIConnectionError",
    "APIError",
    "APIResponseValidationError",
    "APIStatusError",
    "APITimeoutError",
    "AsyncAzureOpenAI",
    "AsyncBedrockOpenAI",
    "AsyncClient",
    "AsyncComputerDriver",
    "AsyncComputerToolset",
    "AsyncOpenAI",
    "AsyncStream",
    "AuthenticationError",
    "AzureOpenAI",
    "BadRequestError",
    "BaseModel",
    "BedrockOpenAI",
    "Client",
    "ComputerDriver",
    "ComputerToolset",
    "ConflictError",
    "ContentFilterFinishReasonError",
    "DEFAULT_CONNECTION_LIMITS",
    "DEFAULT_MAX_RETRIES",
    "DEFAULT_TIMEOUT",
    "DataResidency",
    "DefaultAioHttpClient",
    "DefaultAsyncHttpx2Client",
    "DefaultAsyncHttpxClient",
    "DefaultHttpx2Client",
    "DefaultHttpxClient",
    "IncompleteStreamError",
    "InternalServerError",
    "InvalidWebhookSignatureError",
    "LengthFinishReasonError",
    "NOT_GIVEN",
    "NoneType",
    "NotFoundError",
    "NotGiven",
    "OAuthError",
    "Omit",
    "OpenAI",
    "OpenAIError",
    "PermissionDeniedError",
    "PreviousResponseNotFoundError",
    "ProxiesTypes",
    "RateLimitError",
    "ReconnectingEvent",
    "ReconnectingOverrides",
    "RequestOptions",
    "ResponseInterruptedError",
    "Stream",
    "Timeout",
    "Transport",
    "UnprocessableEntityError",
    "VERSION",
    "WebSocketConnectionClosedError",
    "WebSocketMessageTooLargeError",
    "WebSocketQueueFullError",
    "WebSocketServerError",
    "__title__",
    "__version__",
    "file_from_path",
    "function_tool",
    "lib",
    "not_given",
    "omit",
    "pagination",
    "pydantic_function_tool",
    "resources",
    "types",
]

# ------ Module-level client (the SDK's `openai.api_key = ...; openai.chat...`) ------
# Settings read by the client `oxide.chat`, `oxide.responses`, ... build on first use (see
# `oxide._module_client`); nothing is built or imported before that.
api_key: str | None = None
admin_api_key: str | None = None
organization: str | None = None
project: str | None = None
webhook_secret: str | None = None
base_url: str | None = None
timeout: float | Timeout | None = DEFAULT_TIMEOUT
max_retries: int = DEFAULT_MAX_RETRIES
default_headers: _Mapping[str, str] | None = None
default_query: _Mapping[str, object] | None = None
http_client: Any = None  # the SDK's httpx client: not taken by oxide's sync client
api_type: str | None = _os.environ.get("OPENAI_API_TYPE")  # "openai", "azure", "amazon-bedrock"
api_version: str | None = _os.environ.get("OPENAI_API_VERSION")
azure_endpoint: str | None = _os.environ.get("AZURE_OPENAI_ENDPOINT")
azure_ad_token: str | None = _os.environ.get("AZURE_OPENAI_AD_TOKEN")
azure_ad_token_provider: _Callable[[], str] | None = None
bedrock_token_provider: _Callable[[], str] | None = None

_LAZY_MODULES = frozenset({"types", "resources", "pagination", "lib"})
# `pydantic_responses_function_tool` is importable, not in `__all__`, as in the SDK.
_LAZY_LIB = frozenset(
    {"function_tool", "pydantic_function_tool", "pydantic_responses_function_tool"}
)
_LAZY_NAMES = {
    "APIResponse": "._response",
    "AsyncAPIResponse": "._response",
    "HttpxBinaryResponseContent": "._legacy_response",
    "AssistantEventHandler": ".lib.streaming",
    "AsyncAssistantEventHandler": ".lib.streaming",
    "file_from_path": "._files",
    "ReconnectingEvent": ".types.websocket_reconnection",
    "ReconnectingOverrides": ".types.websocket_reconnection",
    # The SDK's computer-use toolsets, also loaded on first use (they load the Responses types).
    "ComputerToolset": ".lib.computer",
    "AsyncComputerToolset": ".lib.computer",
    "ComputerDriver": ".lib.computer",
    "AsyncComputerDriver": ".lib.computer",
}


def __getattr__(name: str) -> Any:
    if name == "BaseModel":  # the Struct base of every API type (loads msgspec machinery)
        from ._models import BaseModel

        globals()[name] = BaseModel
        return BaseModel
    # The type tree is large: `oxide.types` is imported on first attribute access only.
    if name in _LAZY_LIB:
        from . import lib

        value = getattr(lib, name)
        globals()[name] = value
        return value
    if name in _LAZY_MODULES:
        import importlib

        module = importlib.import_module(f".{name}", __name__)
        globals()[name] = module
        return module
    if name in _LAZY_NAMES:  # the SDK's top-level names that are not in its `__all__`
        import importlib

        value = getattr(importlib.import_module(_LAZY_NAMES[name], __name__), name)
        globals()[name] = value
        return value
    if name == "AzureOpenAI" or name == "AsyncAzureOpenAI":
        from .lib import azure

        value = getattr(azure, name)
        globals()[name] = value
        return value
    if name == "BedrockOpenAI" or name == "AsyncBedrockOpenAI":
        from .lib import bedrock

        value = getattr(bedrock, name)
        globals()[name] = value
        return value
    if name.startswith("__"):
        raise AttributeError(f"module 'oxide' has no attribute {name!r}")
    # `oxide.chat`, `oxide.responses`, ...: the module client's resources (never cached here,
    # so each access sees the current client).
    from ._module_client import module_attribute

    return module_attribute(name)
