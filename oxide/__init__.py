"""oxide: a fast OpenAI API client with the official SDK's API.

    from oxide import AsyncOpenAI
    client = AsyncOpenAI()
    completion = await client.chat.completions.create(model="gpt-5", messages=[...])

Types live in `oxide.types` (same module paths as `openai.types`) and load on first use.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from ._client import AsyncClient, AsyncOpenAI, Client, OpenAI
from ._constants import DEFAULT_MAX_RETRIES, DEFAULT_TIMEOUT
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
    RateLimitError,
    UnprocessableEntityError,
    WebSocketConnectionClosedError,
    WebSocketQueueFullError,
)
from ._streaming import AsyncStream, Stream
from ._types import NOT_GIVEN, NotGiven, Omit, RequestOptions, Timeout, not_given, omit
from ._version import __version__

NoneType = type(None)

if TYPE_CHECKING:
    from . import lib, pagination, resources, types
    from ._models import BaseModel
    from .lib import function_tool, pydantic_function_tool

__title__ = "oxide"
VERSION = __version__

__all__ = [
    "APIConnectionError",
    "APIError",
    "APIResponseValidationError",
    "APIStatusError",
    "APITimeoutError",
    "AsyncClient",
    "AsyncOpenAI",
    "AsyncStream",
    "AuthenticationError",
    "BadRequestError",
    "BaseModel",
    "Client",
    "ConflictError",
    "ContentFilterFinishReasonError",
    "DEFAULT_MAX_RETRIES",
    "DEFAULT_TIMEOUT",
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
    "RateLimitError",
    "RequestOptions",
    "Stream",
    "Timeout",
    "UnprocessableEntityError",
    "VERSION",
    "WebSocketConnectionClosedError",
    "WebSocketQueueFullError",
    "__title__",
    "__version__",
    "function_tool",
    "lib",
    "not_given",
    "omit",
    "pagination",
    "pydantic_function_tool",
    "resources",
    "types",
]

_LAZY_MODULES = frozenset({"types", "resources", "pagination", "lib"})
_LAZY_LIB = frozenset({"function_tool", "pydantic_function_tool"})


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
    raise AttributeError(f"module 'oxide' has no attribute {name!r}")
