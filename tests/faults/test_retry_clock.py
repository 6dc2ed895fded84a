"""Retry delays and the call deadline, checked exactly through an injected clock (§3.1).

`FakeClock` records the sleeps the client asks for and advances its own time instead of
sleeping, so the rows that need minutes of real waiting (S10: two sleeps of 120 s) run in
milliseconds, and Retry-After dates are read against a frozen "now" (S3). The server still
answers over a real socket; only time is simulated.
"""

from __future__ import annotations

import email.utils

import pytest
from aiohttp import web

import oxide

from .conftest import FakeClock, acquired, error_body, get_model, json_response, model_obj


def answers(*statuses: int, headers: dict[str, str] | None = None):
    """The n-th attempt gets statuses[n] (the last one repeats); 200 is a model."""

    async def handler(request: web.Request, n: int) -> web.StreamResponse:
        status = statuses[min(n, len(statuses) - 1)]
        if status == 200:
            return json_response(model_obj())
        return json_response(
            error_body("slow down", "requests", code="rate_limit_exceeded"),
            status=status,
            headers=headers,
        )

    return handler


@pytest.mark.asyncio
async def test_s1_exact_delays_from_retry_after_ms(web_server, make_client):
    clock = FakeClock()
    server = await web_server(answers(429, headers={"retry-after-ms": "1500"}))
    client = make_client(server.url, _clock=clock)
    with pytest.raises(oxide.RateLimitError):
        await get_model(client)
    assert clock.sleeps == [1.5, 1.5]  # exactly, no jitter
    assert server.retry_counts == ["0", "1", "2"]
    assert acquired(client) == 0


@pytest.mark.asyncio
async def test_s3_retry_after_http_date_against_a_frozen_clock(web_server, make_client):
    clock = FakeClock()
    in_20s = email.utils.formatdate(clock.wall + 20, usegmt=True)
    server = await web_server(answers(429, 200, headers={"retry-after": in_20s}))
    client = make_client(server.url, _clock=clock)
    assert (await get_model(client)).id == "gpt-test"
    assert clock.sleeps == [pytest.approx(20.0)]


@pytest.mark.asyncio
async def test_s3_retry_after_date_beyond_two_minutes_is_not_retried(web_server, make_client):
    clock = FakeClock()
    later = email.utils.formatdate(clock.wall + 121, usegmt=True)
    server = await web_server(answers(429, headers={"retry-after": later}))
    client = make_client(server.url, _clock=clock)
    with pytest.raises(oxide.RateLimitError):
        await get_model(client)
    assert clock.sleeps == []
    assert server.count == 1


@pytest.mark.asyncio
@pytest.mark.parametrize("status", [500, 502, 503, 504])
async def test_s6_backoff_windows_of_each_retry(web_server, make_client, status):
    clock = FakeClock()
    server = await web_server(answers(status))
    client = make_client(server.url, _clock=clock, max_retries=4)
    with pytest.raises(oxide.InternalServerError):
        await get_model(client)
    windows = [(0.375, 0.5), (0.75, 1.0), (1.5, 2.0), (3.0, 4.0)]
    assert len(clock.sleeps) == 4
    for slept, (lo, hi) in zip(clock.sleeps, windows, strict=True):
        assert lo <= slept <= hi
    assert server.count == 5


@pytest.mark.asyncio
async def test_s10_retry_budget_with_two_minute_retry_after(web_server, make_client):
    clock = FakeClock()
    server = await web_server(answers(429, headers={"retry-after": "120"}))
    client = make_client(server.url, _clock=clock)
    with pytest.raises(oxide.RateLimitError):
        await get_model(client)
    assert clock.sleeps == [120.0, 120.0]
    assert server.count == 3


@pytest.mark.asyncio
async def test_s10_call_deadline_cuts_the_budget_short_with_the_servers_error(
    web_server, make_client
):
    # oxide extra: Timeout(total=...) spans retries; a sleep that would end past it is not
    # taken, and the caller gets the server's own answer at once.
    clock = FakeClock()
    server = await web_server(answers(429, headers={"retry-after": "120"}))
    client = make_client(server.url, _clock=clock, timeout=oxide.Timeout(600, total=200))
    with pytest.raises(oxide.RateLimitError):
        await get_model(client)
    assert clock.sleeps == [120.0]  # the second 120 s sleep would end at 240 s > 200 s
    assert server.count == 2


@pytest.mark.asyncio
async def test_s10_per_call_deadline_overrides_the_clients(web_server, make_client):
    clock = FakeClock()
    server = await web_server(answers(503, 503, 200))
    client = make_client(server.url, _clock=clock, timeout=oxide.Timeout(600, total=0.1))
    with pytest.raises(oxide.InternalServerError):
        await get_model(client)  # the first backoff (>= 0.375 s) is past the 0.1 s deadline
    assert clock.sleeps == []
    # The server's second attempt is a 503 too, its third a 200: one backoff, within 30 s.
    result = await get_model(client, timeout=oxide.Timeout(600, total=30))
    assert result.id == "gpt-test"
    assert len(clock.sleeps) == 1


@pytest.mark.asyncio
async def test_c1_refused_backoff_windows_with_the_clock(make_client):
    from .conftest import free_port

    clock = FakeClock()
    client = make_client(f"http://127.0.0.1:{free_port()}/v1", _clock=clock)
    with pytest.raises(oxide.APIConnectionError):
        await get_model(client)
    assert len(clock.sleeps) == 2
    assert 0.375 <= clock.sleeps[0] <= 0.5 and 0.75 <= clock.sleeps[1] <= 1.0


def test_sync_client_takes_the_clock_too(thread_server):
    clock = FakeClock()
    server = thread_server(answers(429, 200, headers={"retry-after-ms": "2500"}))
    with oxide.OpenAI(api_key="sk-test", base_url=server.url, _clock=clock) as client:
        assert client.models.retrieve("gpt-test").id == "gpt-test"
    assert clock.sleeps == [2.5]
