"""Webhook signature checks and event decoding, the behaviour of the official SDK's
`client.webhooks.unwrap()` / `verify_signature()` (openai/resources/webhooks/webhooks.py).

The resource classes are thin: `class Webhooks(WebhooksMixin, SyncAPIResource)` and
`class AsyncWebhooks(AsyncWebhooksMixin, AsyncAPIResource)`. Both methods are plain functions in
both mixins, as upstream: verifying a signature does no I/O.

Scheme (Standard Webhooks): base64(HMAC-SHA256(secret, f"{webhook-id}.{webhook-timestamp}.{body}"))
in the `webhook-signature` header as space-separated `v1,<signature>` values, any of which may
match; secrets written `whsec_<base64>` are base64-decoded first, others used as their UTF-8 bytes.

Deliberate differences from the SDK, all on inputs the SDK cannot handle:

* `headers` may also be a list of `(name, value)` pairs (str or bytes, e.g. an ASGI scope's
  `headers`); the SDK takes a Mapping or an object with `.get()` only.
* A signature with non-ASCII characters is a mismatch (`InvalidWebhookSignatureError`); the SDK's
  `hmac.compare_digest` on str raises `TypeError` for it, so a forged header escaped
  `except InvalidWebhookSignatureError`.
* `unwrap` decodes into oxide's Structs; an unknown event `type` gives an `UnknownVariant`
  (attribute access to the raw fields) where the SDK builds its first union member.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import re
import time
from collections.abc import Iterable, Mapping
from typing import TYPE_CHECKING, Any, Protocol, TypeAlias, cast

from .._exceptions import InvalidWebhookSignatureError

if TYPE_CHECKING:
    from ..types.webhooks.unwrap_webhook_event import UnwrapWebhookEvent

__all__ = [
    "AsyncWebhooksMixin",
    "HeadersLike",
    "HeadersLikeProtocol",
    "WebhooksMixin",
    "get_required_header",
    "verify_webhook_signature",
]


class HeadersLikeProtocol(Protocol):
    """Any headers object with a `get` (werkzeug `Headers`, `email.message.Message`, ...)."""

    def get(self, __key: str) -> str | None: ...


HeadersLike: TypeAlias = (
    Mapping[str, Any]
    | HeadersLikeProtocol
    | Iterable[tuple[str, str]]
    | Iterable[tuple[bytes, bytes]]
)

_MISSING_SECRET = (
    "The webhook secret must either be set using the env var, OPENAI_WEBHOOK_SECRET, "
    "on the client class, OpenAI(webhook_secret='123'), or passed to this function"
)
_NO_MATCH = "The given webhook signature does not match the expected signature"


def _text(value: str | bytes) -> str:
    # Raw HTTP header bytes are latin-1 by definition (RFC 9110); the values used here are ASCII.
    return value.decode("latin-1") if isinstance(value, bytes) else value


def get_required_header(headers: HeadersLike, header: str) -> str:
    """The value of `header` (case-insensitive), else `ValueError("Could not find ... header")`.

    Mappings and `.get()` objects are searched exactly as the SDK's `get_required_header` does
    (first a case-insensitive scan of `items()`, then `.get()` with the usual spellings), so the
    same header set yields the same value. Anything else is taken as `(name, value)` pairs."""
    lower = header.lower()
    if isinstance(headers, Mapping):
        for key, value in headers.items():
            if isinstance(key, str) and key.lower() == lower and isinstance(value, str):
                return value
    if isinstance(headers, Mapping) or hasattr(headers, "get"):
        getter = cast(HeadersLikeProtocol, headers)
        # The SDK's fallbacks for case-sensitive `.get()` objects: "webhook-id" -> "Webhook-Id".
        intercaps = re.sub(
            r"([^\w])(\w)", lambda m: m.group(1) + m.group(2).upper(), header.capitalize()
        )
        for name in (header, lower, header.upper(), intercaps):
            found = getter.get(name)
            if found:
                return found
    else:
        for pair in cast("Iterable[tuple[str | bytes, str | bytes]]", headers):
            key, value = pair
            if _text(key).lower() == lower:
                return _text(value)
    raise ValueError(f"Could not find {header} header")


def _signature_bytes(signature: str) -> bytes:
    # compare_digest only takes ASCII str; bytes make any header value comparable. A character
    # that cannot be encoded becomes "?", which is not base64, so it can only cause a mismatch.
    return signature.encode("utf-8", "replace")


def verify_webhook_signature(
    payload: str | bytes,
    headers: HeadersLike,
    *,
    secret: str | None,
    tolerance: int = 300,
) -> None:
    """The check behind `verify_signature`, with the secret already resolved."""
    if secret is None:
        raise ValueError(_MISSING_SECRET)

    # Same order as the SDK, so a request missing several headers names the same one.
    signature_header = get_required_header(headers, "webhook-signature")
    timestamp = get_required_header(headers, "webhook-timestamp")
    webhook_id = get_required_header(headers, "webhook-id")

    # The timestamp is part of the signed content; bounding its age both ways stops replays.
    try:
        timestamp_seconds = int(timestamp)
    except ValueError:
        raise InvalidWebhookSignatureError("Invalid webhook timestamp format") from None

    # `time.time()` looked up on the module at call time so tests can patch it (as upstream's do).
    now = int(time.time())
    if now - timestamp_seconds > tolerance:
        raise InvalidWebhookSignatureError("Webhook timestamp is too old")
    if timestamp_seconds > now + tolerance:
        raise InvalidWebhookSignatureError("Webhook timestamp is too new")

    # Several space-separated values (key rotation); a bare value without `v1,` is accepted too,
    # as upstream does.
    signatures = [
        _signature_bytes(part[3:] if part.startswith("v1,") else part)
        for part in signature_header.split()
    ]

    if secret.startswith("whsec_"):
        decoded_secret = base64.b64decode(secret[6:])
    else:
        decoded_secret = secret.encode()

    # Decoding bytes first (rather than hashing them as given) keeps the SDK's outcome for a body
    # that is not UTF-8: UnicodeDecodeError, not a signature over bytes no JSON decoder accepts.
    body = payload.decode("utf-8") if isinstance(payload, bytes) else payload
    signed_payload = f"{webhook_id}.{timestamp}.{body}".encode()
    expected = base64.b64encode(hmac.new(decoded_secret, signed_payload, hashlib.sha256).digest())

    # Constant-time compare against every candidate (no early exit that would time which matched).
    matched = False
    for signature in signatures:
        matched |= hmac.compare_digest(expected, signature)
    if not matched:
        raise InvalidWebhookSignatureError(_NO_MATCH)


def _decode_event(payload: str | bytes) -> UnwrapWebhookEvent:
    # Imported on first use: the event types (16 modules) load only for apps that unwrap events.
    from .._models import decode
    from ..types.webhooks.unwrap_webhook_event import UnwrapWebhookEvent

    return cast("UnwrapWebhookEvent", decode(UnwrapWebhookEvent, payload))


class _SecretSource(Protocol):
    webhook_secret: str | None


class _WebhooksBase:
    # No slots of its own: the resource bases declare theirs (a non-empty layout here would
    # conflict with them) and keep instances free of a __dict__.
    __slots__ = ()

    def _default_webhook_secret(self) -> str | None:
        client: _SecretSource = self._client  # type: ignore[attr-defined]  # the resource's
        return client.webhook_secret

    def unwrap(
        self,
        payload: str | bytes,
        headers: HeadersLike,
        *,
        secret: str | None = None,
    ) -> UnwrapWebhookEvent:
        """Validates that the given payload was sent by OpenAI and parses the payload."""
        if secret is None:
            secret = self._default_webhook_secret()

        self.verify_signature(payload=payload, headers=headers, secret=secret)

        return _decode_event(payload)

    def verify_signature(
        self,
        payload: str | bytes,
        headers: HeadersLike,
        *,
        secret: str | None = None,
        tolerance: int = 300,
    ) -> None:
        """Validates whether or not the webhook payload was sent by OpenAI.

        Args:
            payload: The webhook payload
            headers: The webhook headers
            secret: The webhook secret (optional, will use client secret if not provided)
            tolerance: Maximum age of the webhook in seconds (default: 300 = 5 minutes)
        """
        if secret is None:
            secret = self._default_webhook_secret()
        verify_webhook_signature(payload, headers, secret=secret, tolerance=tolerance)


class WebhooksMixin(_WebhooksBase):
    """`unwrap` / `verify_signature` for the sync `client.webhooks`."""

    __slots__ = ()


class AsyncWebhooksMixin(_WebhooksBase):
    """`unwrap` / `verify_signature` for `AsyncOpenAI().webhooks` (sync methods, as upstream)."""

    __slots__ = ()
