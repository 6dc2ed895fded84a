"""Retry decisions and delays (RELIABILITY.md §1.2-1.3, §3.1 S1-S9, §4 P8/P9).

Delays are measured on the server (gap between arrivals), so they include the client's sleep
plus a little I/O: lower bounds are exact, upper bounds get `SLACK`. Server-directed delays use
`retry-after-ms` with tiny values; backoff-only rows use `max_retries=1` (one 0.375-0.5 s sleep).
"""

from __future__ import annotations

import email.utils
import math
import time
from typing import Any

import pytest
from aiohttp import web
from hypothesis import given, settings
from hypothesis import strategies as st
from multidict import CIMultiDict, CIMultiDictProxy

import oxide
from oxide._constants import MAX_RETRY_AFTER_DELAY
from oxide._transport._retry import parse_retry_after, retry_delay, should_retry_status

from .conftest import (
    BACKOFF_0,
    BACKOFF_1,
    SLACK,
    error_body,
    get_model,
    json_response,
    model_obj,
)


def fail_then_ok(
    status: int, failures: int, headers: dict[str, str] | None = None, body: Any = None
):
    async def handler(request: web.Request, n: int) -> web.StreamResponse:
        if n < failures:
            return json_response(
                error_body("rate limited", "requests", code="rate_limit_exceeded")
                if body is None
                else body,
                status=status,
                headers={"x-request-id": f"req_{n}", **(headers or {})},
            )
        return json_response(model_obj(), headers={"x-request-id": f"req_{n}"})

    return handler


def always(status: int, headers: dict[str, str] | None = None, body: Any = None):
    return fail_then_ok(status, 10**9, headers, body)


def in_window(gap: float, window: tuple[float, float]) -> bool:
    return window[0] - 0.005 <= gap <= window[1] + SLACK


# -- S1: retry-after-ms is honoured exactly, header counts 0, 1, 2 -------------------------------


@pytest.mark.asyncio
async def test_s1_retry_after_ms_then_success(web_server, make_client):
    server = await web_server(fail_then_ok(429, 2, {"retry-after-ms": "150"}))
    client = make_client(server.url)
    result = await get_model(client)
    assert result.id == "gpt-test"
    assert result._request_id == "req_2"
    assert server.count == 3
    assert server.retry_counts == ["0", "1", "2"]
    # Exactly the server's delay: no jitter (which would only shorten it) and no backoff.
    for gap in server.gaps:
        assert 0.15 - 0.005 <= gap < 0.15 + SLACK
    assert acquired_none(client)


@pytest.mark.asyncio
async def test_s1_rate_limit_error_after_budget(web_server, make_client):
    server = await web_server(always(429, {"retry-after-ms": "20"}))
    client = make_client(server.url)
    with pytest.raises(oxide.RateLimitError) as info:
        await get_model(client)
    err = info.value
    assert server.count == 3
    assert server.retry_counts == ["0", "1", "2"]
    assert err.status_code == 429
    assert err.request_id == "req_2"  # the last attempt's
    assert err.body == error_body("rate limited", "requests", code="rate_limit_exceeded")["error"]
    assert err.code == "rate_limit_exceeded"
    assert err.type == "requests"
    assert err.param is None
    assert err.message.startswith("Error code: 429 - rate limited")
    assert err.response.headers["retry-after-ms"] == "20"
    assert acquired_none(client)


def acquired_none(client: oxide.AsyncOpenAI) -> bool:
    from .conftest import acquired

    return acquired(client) == 0


@pytest.mark.asyncio
@pytest.mark.parametrize("max_retries", [0, 1, 3])
async def test_max_retries_bounds_attempts(web_server, make_client, max_retries):
    server = await web_server(always(500, {"retry-after-ms": "1"}))
    client = make_client(server.url, max_retries=max_retries)
    with pytest.raises(oxide.InternalServerError):
        await get_model(client)
    assert server.retry_counts == [str(i) for i in range(max_retries + 1)]


@pytest.mark.asyncio
async def test_with_options_max_retries(web_server, make_client):
    server = await web_server(always(500, {"retry-after-ms": "1"}))
    client = make_client(server.url, max_retries=5)
    with pytest.raises(oxide.InternalServerError):
        await get_model(client.with_options(max_retries=1))
    assert server.count == 2


@pytest.mark.asyncio
async def test_retry_count_header_can_be_overridden_or_omitted(web_server, make_client):
    server = await web_server(fail_then_ok(500, 1, {"retry-after-ms": "1"}))
    client = make_client(server.url)
    await get_model(client, extra_headers={"X-Stainless-Retry-Count": "42"})
    assert server.retry_counts == ["42", "42"]

    server = await web_server(fail_then_ok(500, 1, {"retry-after-ms": "1"}))
    client = make_client(server.url)
    await get_model(client, extra_headers={"x-stainless-retry-count": oxide.omit})
    assert server.retry_counts == [None, None]


@pytest.mark.asyncio
async def test_read_timeout_header_sent(web_server, make_client):
    server = await web_server(fail_then_ok(500, 0))
    client = make_client(server.url)
    await get_model(client)
    await get_model(client, timeout=oxide.Timeout(30, read=12.5))
    assert [a.headers["x-stainless-read-timeout"] for a in server.attempts] == ["600", "12.5"]


# -- S2: Retry-After in seconds -------------------------------------------------------------------


@pytest.mark.asyncio
async def test_s2_retry_after_seconds_float(web_server, make_client):
    server = await web_server(fail_then_ok(429, 1, {"retry-after": "0.1"}))
    client = make_client(server.url)
    await get_model(client)
    assert server.count == 2
    [gap] = server.gaps
    assert 0.1 - 0.005 <= gap < min(BACKOFF_0[0], 0.1 + SLACK)


@pytest.mark.asyncio
@pytest.mark.parametrize("value", ["0", "-10", "nan", "inf", "", "soon"])
async def test_s2_unusable_retry_after_falls_back_to_backoff(web_server, make_client, value):
    server = await web_server(fail_then_ok(429, 1, {"retry-after": value}))
    client = make_client(server.url, max_retries=1)
    await get_model(client)
    assert server.count == 2
    [gap] = server.gaps
    assert in_window(gap, BACKOFF_0), gap


@pytest.mark.asyncio
@pytest.mark.parametrize(
    "headers",
    [
        {"retry-after": "99999999999999999999999999999999999"},  # finite, > 120 s
        {"retry-after": "121"},
        {"retry-after-ms": "120001"},
    ],
)
async def test_s2_retry_after_beyond_two_minutes_is_not_retried(web_server, make_client, headers):
    server = await web_server(always(429, headers))
    client = make_client(server.url)
    t0 = time.monotonic()
    with pytest.raises(oxide.RateLimitError) as info:
        await get_model(client)
    assert time.monotonic() - t0 < SLACK
    assert server.count == 1
    assert info.value.status_code == 429


# -- S3: Retry-After as an HTTP date ------------------------------------------------------------


def http_date(offset: float) -> str:
    return email.utils.formatdate(time.time() + offset, usegmt=True)


@pytest.mark.asyncio
async def test_s3_date_in_the_past_falls_back_to_backoff(web_server, make_client):
    server = await web_server(fail_then_ok(429, 1, {"retry-after": http_date(-30)}))
    client = make_client(server.url, max_retries=1)
    await get_model(client)
    [gap] = server.gaps
    assert in_window(gap, BACKOFF_0), gap


@pytest.mark.asyncio
async def test_s3_date_beyond_two_minutes_is_not_retried(web_server, make_client):
    server = await web_server(always(429, {"retry-after": http_date(125)}))
    client = make_client(server.url)
    with pytest.raises(oxide.RateLimitError):
        await get_model(client)
    assert server.count == 1


@pytest.mark.asyncio
async def test_s3_unparsable_date_does_not_mask_status_error(web_server, make_client):
    # test_invalid_retry_after_date_does_not_mask_status_error, with a year mktime cannot take
    server = await web_server(always(400, {"retry-after": "Fri, 29 Sep 100000 16:26:57 GMT"}))
    client = make_client(server.url)
    with pytest.raises(oxide.BadRequestError) as info:
        await get_model(client)
    assert server.count == 1
    assert info.value.status_code == 400


@pytest.mark.asyncio
async def test_s3_unparsable_date_on_429_backs_off(web_server, make_client):
    server = await web_server(
        fail_then_ok(429, 1, {"retry-after": "Fri, 29 Sep 100000 16:26:57 GMT"})
    )
    client = make_client(server.url, max_retries=1)
    await get_model(client)
    [gap] = server.gaps
    assert in_window(gap, BACKOFF_0), gap


# -- S4, S5: precedence ----------------------------------------------------------------------------


@pytest.mark.asyncio
async def test_s4_retry_after_ms_wins_over_retry_after(web_server, make_client):
    server = await web_server(fail_then_ok(429, 1, {"retry-after-ms": "50", "retry-after": "50"}))
    client = make_client(server.url)
    await get_model(client)
    [gap] = server.gaps
    assert 0.05 - 0.005 <= gap < BACKOFF_0[0]


@pytest.mark.asyncio
@pytest.mark.parametrize("headers", [{"retry-after": "121"}, {"retry-after-ms": "120001"}])
async def test_s5_long_retry_after_beats_x_should_retry_true(web_server, make_client, headers):
    server = await web_server(always(503, {**headers, "x-should-retry": "true"}))
    client = make_client(server.url)
    with pytest.raises(oxide.InternalServerError):
        await get_model(client)
    assert server.count == 1


# -- S6, S7: retried statuses --------------------------------------------------------------------


@pytest.mark.asyncio
@pytest.mark.parametrize("status", [500, 502, 503, 504, 599])
@pytest.mark.parametrize("body", ["json", "empty"])
async def test_s6_server_errors_retried_then_raised(web_server, make_client, status, body):
    headers = {"retry-after-ms": "5", "x-request-id": "req_5xx"}

    async def handler(request: web.Request, n: int) -> web.StreamResponse:
        if body == "json":
            return json_response(error_body("server", "server_error"), status, headers)
        return web.Response(status=status, headers=headers)

    server = await web_server(handler)
    client = make_client(server.url)
    with pytest.raises(oxide.InternalServerError) as info:
        await get_model(client)
    err = info.value
    assert server.retry_counts == ["0", "1", "2"]
    assert err.status_code == status
    assert err.request_id == "req_5xx"
    if body == "json":
        assert err.body == error_body("server", "server_error")["error"]
        assert err.type == "server_error"
    else:
        assert err.body == ""
        assert err.message == f"Error code: {status}"
    assert acquired_none(client)


@pytest.mark.asyncio
async def test_s6_backoff_window_of_first_retry(web_server, make_client):
    server = await web_server(fail_then_ok(503, 1))
    client = make_client(server.url, max_retries=1)
    t0 = time.monotonic()
    await get_model(client)
    elapsed = time.monotonic() - t0
    [gap] = server.gaps
    assert in_window(gap, BACKOFF_0), gap
    assert elapsed < BACKOFF_0[1] + SLACK


@pytest.mark.asyncio
async def test_s6_backoff_window_grows_with_retries_taken(web_server, make_client):
    # First failure asks for 10 ms; the second has no hint, so its delay is backoff #1.
    async def handler(request: web.Request, n: int) -> web.StreamResponse:
        if n == 0:
            return json_response(error_body(), 500, {"retry-after-ms": "10"})
        if n == 1:
            return json_response(error_body(), 500)
        return json_response(model_obj())

    server = await web_server(handler)
    client = make_client(server.url, max_retries=2)
    await get_model(client)
    assert server.retry_counts == ["0", "1", "2"]
    gap0, gap1 = server.gaps
    assert gap0 < BACKOFF_0[0]
    assert in_window(gap1, BACKOFF_1), gap1


@pytest.mark.asyncio
@pytest.mark.parametrize("status,cls", [(408, oxide.APIStatusError), (409, oxide.ConflictError)])
async def test_s7_timeout_and_conflict_retried(web_server, make_client, status, cls):
    server = await web_server(always(status, {"retry-after-ms": "5"}))
    client = make_client(server.url)
    with pytest.raises(cls) as info:
        await get_model(client)
    assert type(info.value) is cls
    assert server.count == 3
    assert info.value.status_code == status


@pytest.mark.asyncio
@pytest.mark.parametrize("status", [408, 409, 429, 500])
async def test_s7_retry_then_success(web_server, make_client, status):
    server = await web_server(fail_then_ok(status, 2, {"retry-after-ms": "5"}))
    client = make_client(server.url)
    assert (await get_model(client)).id == "gpt-test"
    assert server.count == 3


# -- S8: not retried ------------------------------------------------------------------------------


@pytest.mark.asyncio
@pytest.mark.parametrize(
    "status,cls",
    [
        (400, oxide.BadRequestError),
        (401, oxide.AuthenticationError),
        (403, oxide.PermissionDeniedError),
        (404, oxide.NotFoundError),
        (422, oxide.UnprocessableEntityError),
        (402, oxide.APIStatusError),
        (418, oxide.APIStatusError),
    ],
)
async def test_s8_client_errors_not_retried(web_server, make_client, status, cls):
    body = error_body("bad", "invalid_request_error", param="model", code="model_not_found")
    server = await web_server(always(status, {"retry-after-ms": "5"}, body))
    client = make_client(server.url)
    with pytest.raises(cls) as info:
        await get_model(client)
    err = info.value
    assert type(err) is cls
    assert server.count == 1
    assert err.status_code == status
    assert (err.code, err.param, err.type) == ("model_not_found", "model", "invalid_request_error")
    assert err.body == body["error"]
    assert err.request_id == "req_0"
    assert acquired_none(client)


# -- S9: x-should-retry ---------------------------------------------------------------------------


@pytest.mark.asyncio
@pytest.mark.parametrize(
    "status,hint,attempts",
    [
        (400, "true", 3),  # any status, when the server says so
        (503, "false", 1),
        (429, "false", 1),
        (400, "True", 1),  # exact, lowercase match only
        (503, "TRUE", 3),  # ignored: 503 is retried anyway
        (503, "False", 3),
    ],
)
async def test_s9_x_should_retry(web_server, make_client, status, hint, attempts):
    server = await web_server(always(status, {"x-should-retry": hint, "retry-after-ms": "5"}))
    client = make_client(server.url)
    with pytest.raises(oxide.APIStatusError) as info:
        await get_model(client)
    assert info.value.status_code == status
    assert server.count == attempts


# -- sync client ------------------------------------------------------------------------------------


def test_sync_client_retries_then_succeeds(thread_server):
    server = thread_server(fail_then_ok(429, 2, {"retry-after-ms": "30"}))
    with oxide.OpenAI(api_key="sk-test", base_url=server.url) as client:
        result = client.models.retrieve("gpt-test")
    assert result.id == "gpt-test"
    assert server.retry_counts == ["0", "1", "2"]
    assert all(0.03 - 0.005 <= gap < BACKOFF_0[0] for gap in server.gaps)
    assert all(a.headers["x-stainless-async"] == "false" for a in server.attempts)


def test_sync_client_gives_up_after_budget(thread_server):
    server = thread_server(always(503, {"retry-after-ms": "5"}))
    with oxide.OpenAI(api_key="sk-test", base_url=server.url, max_retries=1) as client:
        with pytest.raises(oxide.InternalServerError) as info:
            client.models.retrieve("gpt-test")
    assert info.value.status_code == 503
    assert server.retry_counts == ["0", "1"]


# -- pure functions: the SDK's own table (test_parse_retry_after_header) -----------------------------


def H(**headers: str) -> CIMultiDictProxy[str]:
    return CIMultiDictProxy(CIMultiDict({k.replace("_", "-"): v for k, v in headers.items()}))


@pytest.mark.parametrize(
    "value,expected",
    [
        ("20", 20.0),
        ("2", 2.0),
        ("2.5", 2.5),
        ("120", 120.0),
        ("0.001", 0.001),
    ],
)
def test_retry_after_honoured_exactly(value, expected):
    for _ in range(20):  # no jitter, whatever random() says
        assert retry_delay(0, H(retry_after=value)) == expected
        assert retry_delay(5, H(retry_after=value)) == expected
    assert should_retry_status(429, H(retry_after=value))


@pytest.mark.parametrize(
    "value",
    [
        "0",
        "-10",
        "121",
        "nan",
        "inf",
        "-inf",
        "",
        "99999999999999999999999999999999999",
        "9" * 400,
        "Zun, 29 Sep 2023 16:26:27 GMT",
        "Fri, 29 Sep 100000 16:26:57 GMT",
        "soon",
    ],
)
def test_retry_after_unusable_falls_back_to_backoff(value):
    for n, (lo, hi) in enumerate([BACKOFF_0, BACKOFF_1, (1.5, 2.0), (3.0, 4.0), (6.0, 8.0)]):
        for _ in range(20):
            assert lo <= retry_delay(n, H(retry_after=value)) <= hi


def test_retry_after_http_dates():
    for offset, lo, hi in [(20, 18.9, 20.0), (120, 118.9, 120.0)]:
        assert lo <= retry_delay(0, H(retry_after=http_date(offset))) <= hi
        assert should_retry_status(429, H(retry_after=http_date(offset)))
    for offset in (-10, 0, 121, 10**6):
        assert BACKOFF_0[0] <= retry_delay(0, H(retry_after=http_date(offset))) <= BACKOFF_0[1]
    assert not should_retry_status(429, H(retry_after=http_date(125)))
    assert should_retry_status(429, H(retry_after=http_date(-10)))


def test_retry_after_ms_precedence_and_fallthrough():
    assert parse_retry_after(H(retry_after_ms="100", retry_after="50")) == 0.1
    assert parse_retry_after(H(retry_after_ms="x", retry_after="50")) == 50.0  # unparsable ms
    assert parse_retry_after(H(retry_after_ms="120000")) == 120.0
    assert should_retry_status(429, H(retry_after_ms="120000"))
    assert not should_retry_status(429, H(retry_after_ms="120001"))
    assert parse_retry_after(H()) is None
    assert parse_retry_after(None) is None
    assert parse_retry_after({"Retry-After": "3"}) is None  # plain dicts are case-sensitive
    assert parse_retry_after(H(**{"Retry_After": "3"})) == 3.0  # CIMultiDict is not


@pytest.mark.parametrize(
    "status,expected",
    [
        (400, False),
        (401, False),
        (403, False),
        (404, False),
        (408, True),
        (409, True),
        (422, False),
        (429, True),
        (499, False),
        (500, True),
        (501, True),
        (504, True),
        (599, True),
    ],
)
def test_should_retry_status_table(status, expected):
    assert should_retry_status(status, H()) is expected


def test_backoff_table():
    # [-1100, "", 8]: a huge retry count neither overflows nor exceeds the cap.
    for n in (4, 5, 10, 1000, 1001, 10**9):
        assert 6.0 <= retry_delay(n) <= 8.0


# -- property tests (P8, P9) ---------------------------------------------------------------------

_DAYS = ["Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"]
_MONTHS = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"]


@st.composite
def rfc1123(draw: st.DrawFn) -> str:
    return "{}, {:02d} {} {} {:02d}:{:02d}:{:02d} {}".format(
        draw(st.sampled_from(_DAYS)),
        draw(st.integers(0, 40)),
        draw(st.sampled_from(_MONTHS)),
        draw(st.integers(0, 100_000)),
        draw(st.integers(0, 30)),
        draw(st.integers(0, 70)),
        draw(st.integers(0, 70)),
        draw(st.sampled_from(["GMT", "UTC", "+0000", "-2359", "+9999", "EST", "XYZ", ""])),
    )


header_values = st.one_of(
    st.text(),
    st.text(alphabet="0123456789.-+eEinfatyx_ ,:"),
    st.floats(allow_nan=True, allow_infinity=True).map(repr),
    st.floats(allow_nan=True, allow_infinity=True).map(str),
    st.integers(-(10**40), 10**40).map(str),
    rfc1123(),
    st.sampled_from(["nan", "inf", "-inf", "NaN", "Infinity", "1e309", "-1e309", "1_000", ""]),
)


@settings(max_examples=400, deadline=None)
@given(ms=st.none() | header_values, seconds=st.none() | header_values)
def test_p8_parse_retry_after_never_raises(ms, seconds):
    headers: dict[str, str] = {}
    if ms is not None:
        headers["retry-after-ms"] = ms
    if seconds is not None:
        headers["retry-after"] = seconds
    h = CIMultiDictProxy(CIMultiDict(headers))
    value = parse_retry_after(h)
    assert value is None or (type(value) is float and math.isfinite(value))
    # The Retry-After gate refuses exactly when the value is finite and > 120 s.
    for status in (400, 429, 503):
        retried = should_retry_status(status, h)
        if value is not None and value > MAX_RETRY_AFTER_DELAY:
            assert retried is False
        else:
            assert retried is (status != 400)
    delay = retry_delay(0, h)
    if value is not None and 0 < value <= MAX_RETRY_AFTER_DELAY:
        assert delay == value
    else:
        assert BACKOFF_0[0] <= delay <= BACKOFF_0[1]


@settings(max_examples=300, deadline=None)
@given(n=st.integers(0, 2000))
def test_p9_backoff_bounds(n):
    cap = min(0.5 * 2.0 ** min(n, 1000), 8.0)
    delay = retry_delay(n)
    assert 0.75 * cap <= delay <= cap
    assert math.isfinite(delay)
