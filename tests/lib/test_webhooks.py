"""oxide.lib.webhooks against the official SDK's `client.webhooks` on the same inputs.

The vectors are upstream's (tests/api_resources/test_webhooks.py in openai 3.3.1); other
signatures are made the way the SDK computes them, and every verification case is run through
both implementations, which must accept or raise the same exception with the same message.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import time
from collections.abc import Callable, Iterator
from typing import Any

import openai
import pytest
from openai._exceptions import InvalidWebhookSignatureError as SDKInvalidWebhookSignatureError

import oxide
from oxide import InvalidWebhookSignatureError
from oxide._models import UnknownVariant
from oxide._resource import AsyncAPIResource, SyncAPIResource
from oxide.lib.webhooks import AsyncWebhooksMixin, WebhooksMixin, get_required_header
from oxide.types.webhooks import BatchCompletedWebhookEvent, ResponseCompletedWebhookEvent

# Upstream's standardized test constants (shared with the TypeScript SDK).
TEST_SECRET = "whsec_RdvaYFYUXuIFuEbvZHwMfYFhUf7aMYjYcmM24+Aj40c="
TEST_PAYLOAD = '{"id": "evt_685c059ae3a481909bdc86819b066fb6", "object": "event", "created_at": 1750861210, "type": "response.completed", "data": {"id": "resp_123"}}'
TEST_TIMESTAMP = 1750861210
TEST_WEBHOOK_ID = "wh_685c059ae39c8190af8c71ed1022a24d"
TEST_SIGNATURE = "v1,gUAg4R2hWouRZqRQG4uJypNS8YK885G838+EHb4nKBY="

MISSING_SECRET = "The webhook secret must either be set"
NO_MATCH = "The given webhook signature does not match the expected signature"


def make_headers(
    timestamp: int | str | None = None, signature: str | None = None, webhook_id: str | None = None
) -> dict[str, str]:
    return {
        "webhook-signature": signature or TEST_SIGNATURE,
        "webhook-timestamp": str(timestamp or TEST_TIMESTAMP),
        "webhook-id": webhook_id or TEST_WEBHOOK_ID,
    }


def sign(secret: str, webhook_id: str, timestamp: int | str, body: str) -> str:
    """A `v1,` signature computed as the SDK verifies it."""
    key = base64.b64decode(secret[6:]) if secret.startswith("whsec_") else secret.encode()
    mac = hmac.new(key, f"{webhook_id}.{timestamp}.{body}".encode(), hashlib.sha256).digest()
    return "v1," + base64.b64encode(mac).decode()


class _Client:
    """Stand-in for the client: the mixins read nothing but `webhook_secret` from it."""

    def __init__(self, webhook_secret: str | None) -> None:
        self.webhook_secret = webhook_secret


class SyncStandIn(WebhooksMixin):
    def __init__(self, webhook_secret: str | None = None) -> None:
        self._client = _Client(webhook_secret)


class AsyncStandIn(AsyncWebhooksMixin):
    def __init__(self, webhook_secret: str | None = None) -> None:
        self._client = _Client(webhook_secret)


# The layouts the generated resources use.
class Webhooks(WebhooksMixin, SyncAPIResource):
    pass


class AsyncWebhooks(AsyncWebhooksMixin, AsyncAPIResource):
    pass


Mixin = WebhooksMixin | AsyncWebhooksMixin


@pytest.fixture(params=[SyncStandIn, AsyncStandIn], ids=["sync", "async"])
def make_webhooks(request: pytest.FixtureRequest) -> Callable[..., Mixin]:
    return request.param  # type: ignore[no-any-return]


@pytest.fixture
def webhooks(make_webhooks: Callable[..., Mixin]) -> Mixin:
    return make_webhooks()


@pytest.fixture
def frozen_time(monkeypatch: pytest.MonkeyPatch) -> None:
    # Both implementations read `time.time()` from the module at call time.
    monkeypatch.setattr(time, "time", lambda: float(TEST_TIMESTAMP))


@pytest.fixture(scope="module")
def sdk_client() -> Iterator[openai.OpenAI]:
    client = openai.OpenAI(api_key="x", webhook_secret=None)
    yield client
    client.close()


# -- upstream's cases -----------------------------------------------------------------------


@pytest.mark.usefixtures("frozen_time")
def test_unwrap_with_secret(webhooks: Mixin) -> None:
    event = webhooks.unwrap(TEST_PAYLOAD, make_headers(), secret=TEST_SECRET)
    assert isinstance(event, ResponseCompletedWebhookEvent)
    assert event.id == "evt_685c059ae3a481909bdc86819b066fb6"
    assert event.created_at == 1750861210
    assert event.type == "response.completed"
    assert event.data.id == "resp_123"


def test_unwrap_without_secret(webhooks: Mixin) -> None:
    with pytest.raises(ValueError, match=MISSING_SECRET):
        webhooks.unwrap(TEST_PAYLOAD, make_headers())


@pytest.mark.usefixtures("frozen_time")
def test_verify_signature_valid(webhooks: Mixin) -> None:
    assert webhooks.verify_signature(TEST_PAYLOAD, make_headers(), secret=TEST_SECRET) is None


def test_verify_signature_no_secret_anywhere(webhooks: Mixin) -> None:
    with pytest.raises(ValueError, match=MISSING_SECRET) as info:
        webhooks.verify_signature(TEST_PAYLOAD, make_headers(), secret=None)
    assert not isinstance(info.value, InvalidWebhookSignatureError)


@pytest.mark.usefixtures("frozen_time")
def test_verify_signature_wrong_secret(webhooks: Mixin) -> None:
    with pytest.raises(InvalidWebhookSignatureError, match=NO_MATCH):
        webhooks.verify_signature(TEST_PAYLOAD, make_headers(), secret="invalid_secret")
    other = "whsec_" + base64.b64encode(b"another secret of 32 bytes......").decode()
    with pytest.raises(InvalidWebhookSignatureError, match=NO_MATCH):
        webhooks.verify_signature(TEST_PAYLOAD, make_headers(), secret=other)


@pytest.mark.parametrize("header", ["webhook-signature", "webhook-timestamp", "webhook-id"])
def test_verify_signature_missing_header(webhooks: Mixin, header: str) -> None:
    headers = make_headers()
    del headers[header]
    with pytest.raises(ValueError, match=f"Could not find {header} header"):
        webhooks.verify_signature(TEST_PAYLOAD, headers, secret=TEST_SECRET)


@pytest.mark.usefixtures("frozen_time")
def test_verify_signature_payload_bytes(webhooks: Mixin) -> None:
    webhooks.verify_signature(TEST_PAYLOAD.encode(), make_headers(), secret=TEST_SECRET)


@pytest.mark.usefixtures("frozen_time")
def test_unwrap_payload_bytes(webhooks: Mixin) -> None:
    event = webhooks.unwrap(TEST_PAYLOAD.encode(), make_headers(), secret=TEST_SECRET)
    assert isinstance(event, ResponseCompletedWebhookEvent)
    assert event.id == "evt_685c059ae3a481909bdc86819b066fb6"


@pytest.mark.usefixtures("frozen_time")
def test_unwrap_with_client_secret(make_webhooks: Callable[..., Mixin]) -> None:
    event = make_webhooks(TEST_SECRET).unwrap(TEST_PAYLOAD, make_headers())
    assert event.id == "evt_685c059ae3a481909bdc86819b066fb6"
    assert event.created_at == 1750861210


@pytest.mark.usefixtures("frozen_time")
def test_argument_secret_wins_over_client_secret(make_webhooks: Callable[..., Mixin]) -> None:
    webhooks = make_webhooks("whsec_" + base64.b64encode(b"the client's own secret").decode())
    with pytest.raises(InvalidWebhookSignatureError, match=NO_MATCH):
        webhooks.verify_signature(TEST_PAYLOAD, make_headers())
    webhooks.verify_signature(TEST_PAYLOAD, make_headers(), secret=TEST_SECRET)
    # and the other way round: a wrong argument is not rescued by a right client secret
    webhooks = make_webhooks(TEST_SECRET)
    webhooks.verify_signature(TEST_PAYLOAD, make_headers())
    with pytest.raises(InvalidWebhookSignatureError, match=NO_MATCH):
        webhooks.unwrap(
            TEST_PAYLOAD, make_headers(), secret="whsec_" + base64.b64encode(b"k" * 32).decode()
        )


@pytest.mark.usefixtures("frozen_time")
@pytest.mark.parametrize(
    ("offset", "message"),
    [(-400, "Webhook timestamp is too old"), (400, "Webhook timestamp is too new")],
)
def test_verify_signature_timestamp_out_of_tolerance(
    webhooks: Mixin, offset: int, message: str
) -> None:
    timestamp = TEST_TIMESTAMP + offset
    # correctly signed for its timestamp: the age check alone must reject it
    signature = sign(TEST_SECRET, TEST_WEBHOOK_ID, timestamp, TEST_PAYLOAD)
    headers = make_headers(timestamp=timestamp, signature=signature)
    with pytest.raises(InvalidWebhookSignatureError, match=message):
        webhooks.verify_signature(TEST_PAYLOAD, headers, secret=TEST_SECRET)
    # accepted once the tolerance covers it
    webhooks.verify_signature(TEST_PAYLOAD, headers, secret=TEST_SECRET, tolerance=400)


@pytest.mark.usefixtures("frozen_time")
def test_verify_signature_custom_tolerance(webhooks: Mixin) -> None:
    headers = make_headers(timestamp=TEST_TIMESTAMP - 400, signature="v1,dummy_signature")
    with pytest.raises(InvalidWebhookSignatureError, match="Webhook timestamp is too old"):
        webhooks.verify_signature(TEST_PAYLOAD, headers, secret=TEST_SECRET)
    with pytest.raises(InvalidWebhookSignatureError, match=NO_MATCH):
        webhooks.verify_signature(TEST_PAYLOAD, headers, secret=TEST_SECRET, tolerance=600)


@pytest.mark.usefixtures("frozen_time")
def test_verify_signature_recent_timestamp_bad_signature(webhooks: Mixin) -> None:
    headers = make_headers(signature="v1,dummy_signature")
    with pytest.raises(InvalidWebhookSignatureError, match=NO_MATCH):
        webhooks.verify_signature(TEST_PAYLOAD, headers, secret=TEST_SECRET)


@pytest.mark.usefixtures("frozen_time")
def test_verify_signature_multiple_signatures_one_valid(webhooks: Mixin) -> None:
    for header in (
        f"v1,invalid_signature {TEST_SIGNATURE}",
        f"{TEST_SIGNATURE} v1,invalid_signature",
        f"v2,zzz   v1,invalid_signature\t{TEST_SIGNATURE} ",
    ):
        webhooks.verify_signature(TEST_PAYLOAD, make_headers(signature=header), secret=TEST_SECRET)


@pytest.mark.usefixtures("frozen_time")
def test_verify_signature_multiple_signatures_all_invalid(webhooks: Mixin) -> None:
    headers = make_headers(signature="v1,invalid_signature1 v1,invalid_signature2")
    with pytest.raises(InvalidWebhookSignatureError, match=NO_MATCH):
        webhooks.verify_signature(TEST_PAYLOAD, headers, secret=TEST_SECRET)


# -- further behaviour --------------------------------------------------------------------


@pytest.mark.usefixtures("frozen_time")
@pytest.mark.parametrize(
    "body",
    [
        TEST_PAYLOAD.replace("resp_123", "resp_124"),
        TEST_PAYLOAD + " ",
        TEST_PAYLOAD.replace('"created_at": 1750861210', '"created_at":1750861210'),
    ],
    ids=["changed-value", "trailing-space", "reformatted"],
)
def test_tampered_body(webhooks: Mixin, body: str) -> None:
    for payload in (body, body.encode()):
        with pytest.raises(InvalidWebhookSignatureError, match=NO_MATCH):
            webhooks.unwrap(payload, make_headers(), secret=TEST_SECRET)


@pytest.mark.usefixtures("frozen_time")
def test_tampered_id_or_timestamp(webhooks: Mixin) -> None:
    # Both are signed, so moving the signature to another id or timestamp fails.
    with pytest.raises(InvalidWebhookSignatureError, match=NO_MATCH):
        webhooks.verify_signature(TEST_PAYLOAD, make_headers(webhook_id="wh_x"), secret=TEST_SECRET)
    headers = make_headers(timestamp=TEST_TIMESTAMP - 1)
    with pytest.raises(InvalidWebhookSignatureError, match=NO_MATCH):
        webhooks.verify_signature(TEST_PAYLOAD, headers, secret=TEST_SECRET)


def test_real_clock_fresh_signature(webhooks: Mixin) -> None:
    now = int(time.time())
    headers = make_headers(now, sign(TEST_SECRET, TEST_WEBHOOK_ID, now, TEST_PAYLOAD))
    assert webhooks.unwrap(TEST_PAYLOAD, headers, secret=TEST_SECRET).id.startswith("evt_")


@pytest.mark.usefixtures("frozen_time")
def test_secret_without_whsec_prefix_is_used_as_utf8(webhooks: Mixin) -> None:
    raw = "plain-secret-ü"
    headers = make_headers(signature=sign(raw, TEST_WEBHOOK_ID, TEST_TIMESTAMP, TEST_PAYLOAD))
    webhooks.verify_signature(TEST_PAYLOAD, headers, secret=raw)
    # `whsec_` + base64 of those bytes is the same key, base64-decoded
    key = base64.b64encode(raw.encode()).decode()
    webhooks.verify_signature(TEST_PAYLOAD, headers, secret="whsec_" + key)
    # while the base64 text without the prefix is used as is: a key of its own
    with pytest.raises(InvalidWebhookSignatureError, match=NO_MATCH):
        webhooks.verify_signature(TEST_PAYLOAD, headers, secret=key)


@pytest.mark.usefixtures("frozen_time")
def test_non_ascii_payload_str_and_bytes(webhooks: Mixin) -> None:
    body = json.dumps(
        {
            "id": "evt_ü",
            "object": "event",
            "created_at": 1,
            "type": "response.completed",
            "data": {"id": "résumé ✓"},
        },
        ensure_ascii=False,
    )
    headers = make_headers(signature=sign(TEST_SECRET, TEST_WEBHOOK_ID, TEST_TIMESTAMP, body))
    for payload in (body, body.encode()):
        event = webhooks.unwrap(payload, headers, secret=TEST_SECRET)
        assert isinstance(event, ResponseCompletedWebhookEvent)
        assert event.data.id == "résumé ✓"


@pytest.mark.usefixtures("frozen_time")
def test_header_forms(webhooks: Mixin) -> None:
    upper = {k.upper(): v for k, v in make_headers().items()}
    title = {k.title(): v for k, v in make_headers().items()}
    pairs = list(make_headers().items())
    raw_pairs = [(k.title().encode(), v.encode()) for k, v in make_headers().items()]

    class GetOnly:
        """Only `.get()`, case-sensitive, keyed like a WSGI server's `Webhook-Id`."""

        def __init__(self, data: dict[str, str]) -> None:
            self._data = data

        def get(self, key: str) -> str | None:
            return self._data.get(key)

    for headers in (upper, title, pairs, raw_pairs, GetOnly(title)):
        webhooks.verify_signature(TEST_PAYLOAD, headers, secret=TEST_SECRET)


def test_get_required_header_pairs() -> None:
    pairs = [("X-Other", "1"), ("Webhook-Id", "first"), ("webhook-id", "second")]
    assert get_required_header(pairs, "webhook-id") == "first"
    assert get_required_header([(b"WEBHOOK-ID", b"raw")], "webhook-id") == "raw"
    with pytest.raises(ValueError, match="Could not find webhook-id header"):
        get_required_header([("webhook-idx", "1")], "webhook-id")
    with pytest.raises(ValueError, match="Could not find webhook-id header"):
        get_required_header([], "webhook-id")


@pytest.mark.usefixtures("frozen_time")
def test_invalid_timestamp_format(webhooks: Mixin) -> None:
    for bad in ("not-a-number", "1750861210.5", "0x10"):
        with pytest.raises(InvalidWebhookSignatureError, match="Invalid webhook timestamp format"):
            webhooks.verify_signature(TEST_PAYLOAD, make_headers(timestamp=bad), secret=TEST_SECRET)


@pytest.mark.usefixtures("frozen_time")
def test_tolerance_boundaries(webhooks: Mixin) -> None:
    for offset, ok in ((-300, True), (-301, False), (300, True), (301, False)):
        ts = TEST_TIMESTAMP + offset
        headers = make_headers(ts, sign(TEST_SECRET, TEST_WEBHOOK_ID, ts, TEST_PAYLOAD))
        if ok:
            webhooks.verify_signature(TEST_PAYLOAD, headers, secret=TEST_SECRET)
        else:
            with pytest.raises(InvalidWebhookSignatureError, match="Webhook timestamp is too"):
                webhooks.verify_signature(TEST_PAYLOAD, headers, secret=TEST_SECRET)


@pytest.mark.usefixtures("frozen_time")
def test_constant_time_compare(webhooks: Mixin, monkeypatch: pytest.MonkeyPatch) -> None:
    calls: list[tuple[Any, Any]] = []
    real = hmac.compare_digest

    def spy(a: Any, b: Any) -> bool:
        calls.append((a, b))
        return real(a, b)

    monkeypatch.setattr(hmac, "compare_digest", spy)
    headers = make_headers(signature=f"v1,aaaa {TEST_SIGNATURE} v1,bbbb")
    webhooks.verify_signature(TEST_PAYLOAD, headers, secret=TEST_SECRET)
    # every candidate goes through compare_digest, also after the match
    assert [b for _, b in calls] == [b"aaaa", TEST_SIGNATURE[3:].encode(), b"bbbb"]


@pytest.mark.usefixtures("frozen_time")
def test_non_ascii_signature_is_a_mismatch(webhooks: Mixin, sdk_client: openai.OpenAI) -> None:
    headers = make_headers(signature=f"v1,ü\udcff {TEST_SIGNATURE[:-2]}")
    with pytest.raises(InvalidWebhookSignatureError, match=NO_MATCH):
        webhooks.verify_signature(TEST_PAYLOAD, headers, secret=TEST_SECRET)
    # Deliberate difference: the SDK lets a TypeError out of hmac.compare_digest here.
    with pytest.raises(TypeError):
        sdk_client.webhooks.verify_signature(TEST_PAYLOAD, headers, secret=TEST_SECRET)


@pytest.mark.usefixtures("frozen_time")
def test_unwrap_unknown_event_type(webhooks: Mixin) -> None:
    body = json.dumps(
        {
            "id": "evt_new",
            "object": "event",
            "created_at": 1750861210,
            "type": "brand_new.event_type",
            "data": {"id": "thing_1", "more": [1, 2]},
            "extra_top_level": True,
        }
    )
    headers = make_headers(signature=sign(TEST_SECRET, TEST_WEBHOOK_ID, TEST_TIMESTAMP, body))
    event = webhooks.unwrap(body.encode(), headers, secret=TEST_SECRET)
    # outside the static union: the tag is one no generated type knows
    unknown: Any = event
    assert isinstance(unknown, UnknownVariant)
    assert unknown.type == "brand_new.event_type"
    assert unknown.id == "evt_new"
    assert unknown.data == {"id": "thing_1", "more": [1, 2]}


@pytest.mark.usefixtures("frozen_time")
def test_unwrap_known_event_with_new_fields(webhooks: Mixin) -> None:
    body = json.dumps(
        {
            "id": "evt_1",
            "object": "event",
            "created_at": 5,
            "type": "batch.completed",
            "data": {"id": "batch_1", "new_field": "x"},
            "new_top": 1,
        }
    )
    headers = make_headers(signature=sign(TEST_SECRET, TEST_WEBHOOK_ID, TEST_TIMESTAMP, body))
    event = webhooks.unwrap(body, headers, secret=TEST_SECRET)
    assert isinstance(event, BatchCompletedWebhookEvent)
    assert event.data.id == "batch_1"
    assert event.model_extra == {"new_top": 1}


@pytest.mark.usefixtures("frozen_time")
def test_unwrap_does_not_decode_before_verifying(webhooks: Mixin) -> None:
    with pytest.raises(InvalidWebhookSignatureError, match=NO_MATCH):
        webhooks.unwrap("not json", make_headers(), secret=TEST_SECRET)


# -- the mixins in the generated resources' layouts, on real oxide clients ---------------


@pytest.mark.usefixtures("frozen_time")
def test_async_resource_layout(monkeypatch: pytest.MonkeyPatch) -> None:
    resource = AsyncWebhooks(oxide.AsyncOpenAI(api_key="x", webhook_secret=TEST_SECRET))
    assert resource.unwrap(TEST_PAYLOAD, make_headers()).id.startswith("evt_")

    monkeypatch.setenv("OPENAI_WEBHOOK_SECRET", TEST_SECRET)
    from_env = AsyncWebhooks(oxide.AsyncOpenAI(api_key="x"))
    from_env.verify_signature(TEST_PAYLOAD, make_headers())

    monkeypatch.delenv("OPENAI_WEBHOOK_SECRET")
    without = AsyncWebhooks(oxide.AsyncOpenAI(api_key="x"))
    with pytest.raises(ValueError, match=MISSING_SECRET):
        without.verify_signature(TEST_PAYLOAD, make_headers())


@pytest.mark.usefixtures("frozen_time")
def test_sync_resource_layout() -> None:
    # The sync resource reads the secret from the sync `OpenAI` it belongs to.
    client = oxide.OpenAI(api_key="x", webhook_secret=TEST_SECRET)
    try:
        resource = Webhooks(client)
        assert resource.unwrap(TEST_PAYLOAD, make_headers()).id.startswith("evt_")
        copy = client.copy(webhook_secret="whsec_" + base64.b64encode(b"k" * 32).decode())
        other = Webhooks(copy)
        with pytest.raises(InvalidWebhookSignatureError, match=NO_MATCH):
            other.verify_signature(TEST_PAYLOAD, make_headers())
    finally:
        client.close()


def test_exception_is_the_sdk_shape() -> None:
    assert oxide.InvalidWebhookSignatureError is InvalidWebhookSignatureError
    assert InvalidWebhookSignatureError.__mro__[1:] == (
        ValueError,
        Exception,
        BaseException,
        object,
    )
    assert not issubclass(InvalidWebhookSignatureError, oxide.OpenAIError)
    assert InvalidWebhookSignatureError.__doc__ == SDKInvalidWebhookSignatureError.__doc__


# -- parity with the SDK on the same inputs -----------------------------------------------

_OTHER_SECRET = "whsec_" + base64.b64encode(b"k" * 32).decode()
_PLAIN_SECRET = "not-prefixed"
_UNICODE_BODY = (
    '{"id": "evt_é", "type": "response.completed", "data": {"id": "ü"}, "created_at": 1}'
)


def _case(
    payload: str | bytes = TEST_PAYLOAD,
    headers: Any = None,
    secret: str | None = TEST_SECRET,
    tolerance: int = 300,
    client_secret: str | None = None,
) -> dict[str, Any]:
    return {
        "payload": payload,
        "headers": make_headers() if headers is None else headers,
        "secret": secret,
        "tolerance": tolerance,
        "client_secret": client_secret,
    }


def _without(header: str) -> dict[str, str]:
    headers = make_headers()
    del headers[header]
    return headers


def _signed(ts: int, body: str = TEST_PAYLOAD, secret: str = TEST_SECRET) -> dict[str, str]:
    return make_headers(ts, sign(secret, TEST_WEBHOOK_ID, ts, body))


PARITY_CASES: dict[str, dict[str, Any]] = {
    "valid": _case(),
    "valid-bytes": _case(payload=TEST_PAYLOAD.encode()),
    "tampered": _case(payload=TEST_PAYLOAD.replace("123", "124")),
    "tampered-bytes": _case(payload=TEST_PAYLOAD.encode() + b"\n"),
    "wrong-secret": _case(secret="invalid_secret"),
    "wrong-whsec": _case(secret=_OTHER_SECRET),
    "bad-base64-secret": _case(secret="whsec_abc"),
    "no-secret": _case(secret=None),
    "client-secret": _case(secret=None, client_secret=TEST_SECRET),
    "client-secret-wrong": _case(secret=None, client_secret=_OTHER_SECRET),
    "argument-over-client": _case(secret=TEST_SECRET, client_secret=_OTHER_SECRET),
    "plain-secret": _case(
        headers=_signed(TEST_TIMESTAMP, secret=_PLAIN_SECRET), secret=_PLAIN_SECRET
    ),
    "too-old": _case(headers=_signed(TEST_TIMESTAMP - 400)),
    "too-new": _case(headers=_signed(TEST_TIMESTAMP + 400)),
    "old-within-tolerance": _case(headers=_signed(TEST_TIMESTAMP - 400), tolerance=600),
    "edge-old": _case(headers=_signed(TEST_TIMESTAMP - 300)),
    "edge-old+1": _case(headers=_signed(TEST_TIMESTAMP - 301)),
    "edge-new": _case(headers=_signed(TEST_TIMESTAMP + 300)),
    "edge-new+1": _case(headers=_signed(TEST_TIMESTAMP + 301)),
    "zero-tolerance": _case(tolerance=0),
    "negative-tolerance": _case(tolerance=-1),
    "bad-timestamp": _case(headers=make_headers(timestamp="soon")),
    "empty-timestamp": _case(headers={**make_headers(), "webhook-timestamp": ""}),
    "spaced-timestamp": _case(headers=make_headers(timestamp=f" {TEST_TIMESTAMP} ")),
    "empty-signature": _case(headers={**make_headers(), "webhook-signature": ""}),
    "missing-signature": _case(headers=_without("webhook-signature")),
    "missing-timestamp": _case(headers=_without("webhook-timestamp")),
    "missing-id": _case(headers=_without("webhook-id")),
    "missing-all": _case(headers={}),
    "missing-all-no-secret": _case(headers={}, secret=None),
    "upper-case-headers": _case(headers={k.upper(): v for k, v in make_headers().items()}),
    "multi-one-valid": _case(headers=make_headers(signature=f"v1,nope {TEST_SIGNATURE}")),
    "multi-none-valid": _case(headers=make_headers(signature="v1,a v1,b v1,c")),
    "unprefixed-signature": _case(headers=make_headers(signature=TEST_SIGNATURE[3:])),
    "v2-prefix": _case(headers=make_headers(signature="v2," + TEST_SIGNATURE[3:])),
    "unicode-body": _case(payload=_UNICODE_BODY, headers=_signed(TEST_TIMESTAMP, _UNICODE_BODY)),
    "unicode-body-bytes": _case(
        payload=_UNICODE_BODY.encode(), headers=_signed(TEST_TIMESTAMP, _UNICODE_BODY)
    ),
    "invalid-utf8": _case(payload=b"\xff\xfe"),
    "unknown-event": _case(
        payload='{"id": "evt_x", "type": "new.kind", "created_at": 1}',
        headers=_signed(TEST_TIMESTAMP, '{"id": "evt_x", "type": "new.kind", "created_at": 1}'),
    ),
}


def _outcome(fn: Callable[[], object]) -> tuple[str, str] | None:
    try:
        fn()
    except Exception as exc:  # compared by class name and message
        return type(exc).__name__, str(exc)
    return None


@pytest.mark.usefixtures("frozen_time")
@pytest.mark.parametrize(
    ("method", "name"),
    [("verify_signature", name) for name in PARITY_CASES]
    # unwrap has no tolerance argument
    + [("unwrap", name) for name, case in PARITY_CASES.items() if case["tolerance"] == 300],
)
def test_parity_with_sdk(
    name: str, method: str, make_webhooks: Callable[..., Mixin], sdk_client: openai.OpenAI
) -> None:
    case = PARITY_CASES[name]
    ours = make_webhooks(case["client_secret"])
    theirs = sdk_client.with_options(webhook_secret=case["client_secret"])
    if case["client_secret"] is None:
        theirs.webhook_secret = None  # with_options keeps the old secret on None
    kwargs: dict[str, Any] = {"secret": case["secret"]}
    if method == "verify_signature":
        kwargs["tolerance"] = case["tolerance"]

    ours_result: list[object] = []
    theirs_result: list[object] = []
    got = _outcome(
        lambda: ours_result.append(
            getattr(ours, method)(case["payload"], case["headers"], **kwargs)
        )
    )
    expected = _outcome(
        lambda: theirs_result.append(
            getattr(theirs.webhooks, method)(case["payload"], case["headers"], **kwargs)
        )
    )
    assert got == expected
    if expected is None and method == "unwrap":
        (event,) = ours_result
        (sdk_event,) = theirs_result
        assert event.id == sdk_event.id  # type: ignore[attr-defined]
        assert event.type == sdk_event.type  # type: ignore[attr-defined]
        if not isinstance(event, UnknownVariant):
            assert type(event).__name__ == type(sdk_event).__name__
            assert event.to_dict() == sdk_event.to_dict()  # type: ignore[attr-defined]
