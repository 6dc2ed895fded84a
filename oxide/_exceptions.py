"""The official SDK's exception tree, with the same names and attributes.

    OpenAIError
    ├── APIError (message, request, body, code, param, type)
    │   ├── APIResponseValidationError (response, status_code)
    │   ├── APIStatusError (response, status_code, request_id)
    │   │   ├── BadRequestError 400, AuthenticationError 401, PermissionDeniedError 403,
    │   │   ├── NotFoundError 404, ConflictError 409, UnprocessableEntityError 422,
    │   │   ├── RateLimitError 429
    │   │   └── InternalServerError >= 500
    │   └── APIConnectionError (request)
    │       ├── APITimeoutError (also a builtin TimeoutError)
    │       └── IncompleteStreamError (oxide: a stream cut off before its end marker)
    ├── LengthFinishReasonError, ContentFilterFinishReasonError
    └── WebSocketConnectionClosedError, WebSocketQueueFullError
    InvalidWebhookSignatureError (ValueError, not an OpenAIError: as upstream)

Transport exceptions (aiohttp, OSError, timeouts) are translated in one place,
`oxide._transport._errors`; undecodable bodies become `APIResponseValidationError` where they are
decoded (`_base_client._parse_body`, `AsyncStream`); both chain the original with `from`.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Literal

from ._http import Request, Response

if TYPE_CHECKING:
    from .types.chat import ChatCompletion

__all__ = [
    "APIConnectionError",
    "APIError",
    "APIResponseValidationError",
    "APIStatusError",
    "APITimeoutError",
    "AuthenticationError",
    "BadRequestError",
    "ConflictError",
    "ContentFilterFinishReasonError",
    "IncompleteStreamError",
    "InternalServerError",
    "InvalidWebhookSignatureError",
    "LengthFinishReasonError",
    "NotFoundError",
    "OAuthError",
    "OpenAIError",
    "PermissionDeniedError",
    "RateLimitError",
    "UnprocessableEntityError",
    "WebSocketConnectionClosedError",
    "WebSocketQueueFullError",
]


class OpenAIError(Exception):
    pass


class APIError(OpenAIError):
    message: str
    request: Request
    body: object | None
    """The decoded JSON body when it was JSON, else the raw text; None when there was no response."""
    code: str | None = None
    param: str | None = None
    type: str | None

    def __init__(self, message: str, request: Request, *, body: object | None) -> None:
        super().__init__(message)
        self.request = request
        self.message = message
        self.body = body
        if isinstance(body, dict):
            # Whatever the server sent, as the SDK's lenient `construct_type` keeps it: a
            # non-str `code` (seen: ints) stays an int.
            self.code = body.get("code")
            self.param = body.get("param")
            self.type = body.get("type")
        else:
            self.code = None
            self.param = None
            self.type = None


class APIResponseValidationError(APIError):
    response: Response
    status_code: int

    def __init__(self, response: Response, body: object | None, *, message: str | None = None):
        super().__init__(
            message or "Data returned by API invalid for expected schema.",
            response.request,
            body=body,
        )
        self.response = response
        self.status_code = response.status_code

    @property
    def request_id(self) -> str | None:
        return self.response.headers.get("x-request-id")


class APIStatusError(APIError):
    """Raised when an API response has a status code of 4xx or 5xx."""

    response: Response
    status_code: int
    request_id: str | None

    def __init__(self, message: str, *, response: Response, body: object | None) -> None:
        super().__init__(message, response.request, body=body)
        self.response = response
        self.status_code = response.status_code
        self.request_id = response.headers.get("x-request-id")


class APIConnectionError(APIError):
    def __init__(self, *, message: str = "Connection error.", request: Request) -> None:
        super().__init__(message, request, body=None)


class APITimeoutError(APIConnectionError, TimeoutError):
    def __init__(self, request: Request, *, message: str = "Request timed out.") -> None:
        super().__init__(message=message, request=request)


class IncompleteStreamError(APIConnectionError):
    """A stream whose body ended cleanly but before the server's end marker (`data: [DONE]`,
    a terminal event such as `response.completed`, or a final chunk carrying every choice's
    `finish_reason`): a proxy or server that died mid-generation. Raised by the iterator after
    the last item that did arrive, so nothing received is lost; `last_item` is that item.
    The official SDK ends such a stream silently. Not retried: the caller holds the events."""

    last_item: object | None

    def __init__(self, request: Request, *, last_item: object | None = None) -> None:
        super().__init__(
            message="The stream ended before the server's end marker: the response is "
            "incomplete (the connection was closed mid-generation).",
            request=request,
        )
        self.last_item = last_item


class BadRequestError(APIStatusError):
    status_code: Literal[400] = 400


class AuthenticationError(APIStatusError):
    status_code: Literal[401] = 401


class OAuthError(AuthenticationError):
    """An OAuth/workload-identity token error (kept for `except` parity with the official SDK;
    oxide raises it only where the SDK would)."""

    error: str | None = None


class PermissionDeniedError(APIStatusError):
    status_code: Literal[403] = 403


class NotFoundError(APIStatusError):
    status_code: Literal[404] = 404


class ConflictError(APIStatusError):
    status_code: Literal[409] = 409


class UnprocessableEntityError(APIStatusError):
    status_code: Literal[422] = 422


class RateLimitError(APIStatusError):
    status_code: Literal[429] = 429


class InternalServerError(APIStatusError):
    pass


_STATUS_ERRORS: dict[int, type[APIStatusError]] = {
    400: BadRequestError,
    401: AuthenticationError,
    403: PermissionDeniedError,
    404: NotFoundError,
    409: ConflictError,
    422: UnprocessableEntityError,
    429: RateLimitError,
}


def make_status_error(message: str, *, body: object, response: Response) -> APIStatusError:
    """The status -> class mapping of `OpenAI._make_status_error` (`body["error"]` unwrapped)."""
    data = body.get("error", body) if isinstance(body, dict) else body
    cls = _STATUS_ERRORS.get(response.status_code)
    if cls is None:
        cls = InternalServerError if response.status_code >= 500 else APIStatusError
    return cls(message, response=response, body=data)


class LengthFinishReasonError(OpenAIError):
    completion: ChatCompletion

    def __init__(self, *, completion: ChatCompletion) -> None:
        msg = "Could not parse response content as the length limit was reached"
        if completion.usage:
            msg += f" - {completion.usage}"
        super().__init__(msg)
        self.completion = completion


class ContentFilterFinishReasonError(OpenAIError):
    def __init__(self) -> None:
        super().__init__(
            "Could not parse response content as the request was rejected by the content filter"
        )


class InvalidWebhookSignatureError(ValueError):
    """Raised when a webhook signature is invalid, meaning the computed signature does not match the expected signature."""


class WebSocketConnectionClosedError(OpenAIError):
    unsent_messages: list[str]

    def __init__(self, message: str, *, unsent_messages: list[str]) -> None:
        super().__init__(message)
        self.unsent_messages = unsent_messages


class WebSocketQueueFullError(OpenAIError):
    pass
