"""Retry rules of the official SDK (`_base_client.py` `_should_retry`, `_calculate_retry_timeout`).

Pure functions of headers and status, so they are tested without sockets as well as with them.
"""

from __future__ import annotations

import email.utils
import logging
import math
import random
import time
from collections.abc import Mapping

from .._constants import INITIAL_RETRY_DELAY, MAX_RETRY_AFTER_DELAY, MAX_RETRY_DELAY

# A child of `oxide` (OPENAI_LOG, see oxide._logs); the decisions are logged as the SDK's are.
log = logging.getLogger("oxide._base_client")

__all__ = ["parse_retry_after", "retry_delay", "should_retry_status"]


def parse_retry_after(headers: Mapping[str, str] | None, now: float | None = None) -> float | None:
    """Seconds the server asks us to wait: `retry-after-ms`, then `retry-after` as seconds, then
    as an HTTP date (relative to `now`, default `time.time()`). A finite float, or None when
    absent, unparsable or not finite (`nan`, `inf`, `1e999`); never raises."""
    value = _parse_retry_after(headers, now)
    return value if value is not None and math.isfinite(value) else None


def _parse_retry_after(headers: Mapping[str, str] | None, now: float | None) -> float | None:
    # The official SDK's `_parse_retry_after_header`, step for step (it may return nan/inf).
    if not headers:
        return None
    ms = headers.get("retry-after-ms")
    if ms is not None:
        try:
            return float(ms) / 1000
        except (TypeError, ValueError):
            pass
    value = headers.get("retry-after")
    if value is None:
        return None
    try:
        return float(value)
    except (TypeError, ValueError):
        pass
    try:
        parsed = email.utils.parsedate_tz(value)
        if parsed is None:
            return None
        return float(email.utils.mktime_tz(parsed) - (time.time() if now is None else now))
    except Exception:  # a hint from the server must never turn into a client crash
        return None


def should_retry_status(status: int, headers: Mapping[str, str], now: float | None = None) -> bool:
    """Whether a status response is retried, in the SDK's order of precedence."""
    retry_after = parse_retry_after(headers, now)
    # A server asking for more than two minutes gets the error surfaced instead (#3555).
    if (
        retry_after is not None
        and math.isfinite(retry_after)
        and retry_after > MAX_RETRY_AFTER_DELAY
    ):
        log.debug(
            "Not retrying because `Retry-After` of %s seconds exceeds the maximum of %s seconds",
            retry_after,
            MAX_RETRY_AFTER_DELAY,
        )
        return False
    # Exact, lowercase match, as upstream: "True" is ignored.
    hint = headers.get("x-should-retry")
    if hint == "true":
        log.debug("Retrying as header `x-should-retry` is set to `true`")
        return True
    if hint == "false":
        log.debug("Not retrying as header `x-should-retry` is set to `false`")
        return False
    if status in (408, 409, 429) or status >= 500:
        log.debug("Retrying due to status code %i", status)
        return True
    log.debug("Not retrying")
    return False


def retry_delay(
    retries_taken: int, headers: Mapping[str, str] | None = None, now: float | None = None
) -> float:
    """Sleep before the next attempt: the server's Retry-After when 0 < x <= 120 s, else
    0.5 s doubling to 8 s, shortened by up to 25 % of jitter."""
    retry_after = parse_retry_after(headers, now)
    if (
        retry_after is not None
        and math.isfinite(retry_after)
        and 0 < retry_after <= MAX_RETRY_AFTER_DELAY
    ):
        return retry_after
    n = min(retries_taken, 1000)
    base = min(INITIAL_RETRY_DELAY * pow(2.0, n), MAX_RETRY_DELAY)
    return max(base * (1 - 0.25 * random.random()), 0.0)
