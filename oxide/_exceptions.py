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
    ├── WebSocketConnectionClosedError (unsent_messages; oxide: code, reason, recoverable)
    │   ├── WebSocketMessageTooLargeError (oxide: close code 1009, either direction)
    │   └── ResponseInterruptedError (oxide: a response in flight when its socket closed)
    ├── WebSocketQueueFullError
    └── WebSocketServerError (oxide: an `error` event: code, param, type, status, event)
        └── PreviousResponseNotFoundError (oxide: the socket's cached state is gone)
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
    "PreviousResponseNotFoundError",
    "ResponseInterruptedError",
    "WebSocketConnectionClosedError",
    "WebSocketMessageTooLargeError",
    "WebSocketQueueFullError",
    "WebSocketServerError",
]


class OpenAIError(Exception):
    """The base of every error oxide raises (also configuration errors: a missing API key)."""


class APIError(OpenAIError):
    """An error about a request: its `message`, the `request`, the decoded `body` and the API's
    `code` / `param` / `type` when it sent them."""

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
            # Always a string, as the SDK's since 3.4x: servers send ints too (seen: 429).
            code = body.get("code")
            self.code = str(code) if code is not None else None
            self.param = body.get("param")
            self.type = body.get("type")
        else:
            self.code = None
            self.param = None
            self.type = None


class APIResponseValidationError(APIError):
    """A response that does not match the type it was asked for (strict validation only)."""

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
    """The server could not be reached or the connection broke (retried when allowed)."""

    def __init__(self, *, message: str = "Connection error.", request: Request) -> None:
        super().__init__(message, request, body=None)


class APITimeoutError(APIConnectionError, TimeoutError):
    """A connect, read or pool-wait timeout, or the call's `Timeout(total=...)` deadline."""

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
    """HTTP 400: the request was invalid (`param` names the argument at fault)."""

    status_code: Literal[400] = 400


class AuthenticationError(APIStatusError):
    """HTTP 401: the API key or token was missing, wrong or expired."""

    status_code: Literal[401] = 401


class OAuthError(AuthenticationError):
    """An OAuth/workload-identity token error (kept for `except` parity with the official SDK;
    oxide raises it only where the SDK would)."""

    error: str | None = None


class PermissionDeniedError(APIStatusError):
    """HTTP 403: the key may not use this resource or model."""

    status_code: Literal[403] = 403


class NotFoundError(APIStatusError):
    """HTTP 404: no such object, model or route."""

    status_code: Literal[404] = 404


class ConflictError(APIStatusError):
    """HTTP 409: a conflicting concurrent change (retried by default)."""

    status_code: Literal[409] = 409


class UnprocessableEntityError(APIStatusError):
    """HTTP 422: well-formed but not processable."""

    status_code: Literal[422] = 422


class RateLimitError(APIStatusError):
    """HTTP 429: a rate limit or quota was hit (retried by default, after Retry-After)."""

    status_code: Literal[429] = 429


class InternalServerError(APIStatusError):
    """HTTP 5xx: the server failed (retried by default)."""


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
    """`parse()` could not parse the answer: it was cut at the token limit (`completion`)."""

    completion: ChatCompletion

    def __init__(self, *, completion: ChatCompletion) -> None:
        msg = "Could not parse response content as the length limit was reached"
        if completion.usage:
            msg += f" - {completion.usage}"
        super().__init__(msg)
        self.completion = completion


class ContentFilterFinishReasonError(OpenAIError):
    """`parse()` could not parse the answer: the content filter stopped it."""

    def __init__(self) -> None:
        super().__init__(
            "Could not parse response content as the request was rejected by the content filter"
        )


class InvalidWebhookSignatureError(ValueError):
    """Raised when a webhook signature is invalid, meaning the computed signature does not match the expected signature."""


class WebSocketConnectionClosedError(OpenAIError):
    """The WebSocket closed (or could not be kept open). `code` is the close code (1006 for a
    dropped connection or a missed pong), `unsent_messages` what was queued and never sent."""

    unsent_messages: list[str]
    code: int | None
    reason: str

    def __init__(
        self,
        message: str,
        *,
        unsent_messages: list[str] | None = None,
        code: int | None = None,
        reason: str = "",
    ) -> None:
        super().__init__(message)
        self.unsent_messages = [] if unsent_messages is None else unsent_messages
        self.code = code
        self.reason = reason

    @property
    def recoverable(self) -> bool:
        """Whether the close code is one a reconnect may help with (`is_recoverable_close`)."""
        from .types.websocket_reconnection import is_recoverable_close

        return self.code is not None and is_recoverable_close(self.code)


class WebSocketMessageTooLargeError(WebSocketConnectionClosedError):
    """A message over the size limit (close code 1009): an inbound one over
    `max_msg_size`, or one the server refused. Never resent as it is."""


class ResponseInterruptedError(WebSocketConnectionClosedError):
    """The socket closed while a response was streaming: it may have run on the server, so it
    is not sent again. `response_id` and `last_sequence_number` say how far it got (None
    when nothing arrived); with `store=true` it can be retrieved over HTTP."""

    response_id: str | None
    last_sequence_number: int | None

    def __init__(
        self,
        message: str,
        *,
        response_id: str | None,
        last_sequence_number: int | None,
        code: int | None = None,
        reason: str = "",
    ) -> None:
        super().__init__(message, code=code, reason=reason)
        self.response_id = response_id
        self.last_sequence_number = last_sequence_number


class WebSocketQueueFullError(OpenAIError):
    """A send while reconnecting found the bounded send queue full."""


class WebSocketServerError(OpenAIError):
    """An `error` event from a WebSocket server, for the turn it answered: the server's
    `code`, `param`, `type` and `status` (when it sent them) and the decoded `event`."""

    code: str | None
    param: str | None
    type: str | None
    status: int | None
    event: object

    def __init__(
        self,
        message: str,
        *,
        code: str | None = None,
        param: str | None = None,
        type: str | None = None,
        status: int | None = None,
        event: object = None,
    ) -> None:
        super().__init__(message)
        self.message = message
        self.code = code
        self.param = param
        self.type = type
        self.status = status
        self.event = event


class PreviousResponseNotFoundError(WebSocketServerError):
    """`previous_response_id` is unknown to this socket: WebSocket mode keeps the previous
    response in the connection's memory, which a new connection (after a reconnect, a
    rotation, a server restart) does not have. Resend the input (a session does it when it
    holds the conversation) or continue from a stored response over HTTP."""
