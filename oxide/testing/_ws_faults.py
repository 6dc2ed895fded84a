"""WebSocket fault switches and per-connection knobs of the mock, read from the handshake URL.

Every name starts with ``mock_ws_`` so it can never clash with a real query parameter
(``model``, ``call_id``) and is easy to strip in a proxy. A client passes them with
``extra_query``; a reconnect hook can change them for the next connection. The same switches can
be set on the server for every connection or for the next N (``MockOpenAI.ws_fault_next``,
``MockOpenAI.ws_fault_every``); a query on the URL wins.

``mock_ws_fault`` picks at most one fault per connection:

=============  ==================================================================================
``close``      close with ``mock_ws_code`` (default 1011) once ``mock_ws_after`` events were sent
``abort``      drop the TCP connection (``transport.abort()``: the client sees 1006) after N events
``no_pong``    never answer pings (``autoping=False``): a client heartbeat times out
``oversize``   after N events send one event of ``mock_ws_size`` bytes (default 5 MiB)
``burst``      every turn streams ``mock_ws_count`` deltas back to back (default 10 000), no delay
``restart``    close 1012 mid-response (default after 2 events) and lose the in-flight response
``reject``     refuse the handshake with HTTP ``mock_ws_status`` (default 500) and the API's body
``redirect``   answer the handshake with HTTP ``mock_ws_status`` (302 or 307; default 307) to
               ``mock_ws_location`` (default: the same path on ``localhost``, another origin)
=============  ==================================================================================

Knobs, combinable with a fault: ``mock_ws_setup_ms`` (delay before the 101, like a TLS
handshake), ``mock_ws_latency_ms`` (delay before the first event of each turn),
``mock_ws_max_msg_size`` (the server's inbound limit in bytes; a bigger client frame is closed
with 1009), ``mock_ws_max_age`` (seconds before ``websocket_connection_limit_reached``).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, replace
from typing import Any, Literal, cast, get_args

__all__ = [
    "FAULT_KINDS",
    "QUERY_PREFIX",
    "FaultKind",
    "WsFault",
    "WsKnobs",
    "parse_fault",
    "parse_knobs",
]

FaultKind = Literal[
    "close", "abort", "no_pong", "oversize", "burst", "restart", "reject", "redirect"
]
FAULT_KINDS: tuple[str, ...] = get_args(FaultKind)
QUERY_PREFIX = "mock_ws_"

# Close codes a server may send (RFC 6455 section 7.4: 1004-1006 and 1015 are never sent on
# the wire; 3000-3999 are registered library codes, 4000-4999 private application codes).
_SENDABLE_CLOSE = frozenset({1000, 1001, 1002, 1003, 1007, 1008, 1009, 1010, 1011, 1012, 1013})
_REDIRECTS = frozenset({301, 302, 303, 307, 308})
_DEFAULT_AFTER = {"restart": 2}


class FaultError(ValueError):
    """A malformed switch: the handshake is refused with a 400 naming the parameter."""

    def __init__(self, param: str, message: str) -> None:
        super().__init__(message)
        self.param = param


@dataclass(frozen=True)
class WsFault:
    """One fault for one connection (see the module docstring for the kinds)."""

    kind: FaultKind
    after: int = 0
    """Server events sent on the connection before the fault fires (0: right after the 101)."""
    code: int = 1011
    status: int = 500
    location: str | None = None
    size: int = 5 * 1024 * 1024
    count: int = 10_000

    @classmethod
    def of(cls, kind: str, **options: Any) -> WsFault:
        """A fault from Python (``MockOpenAI.ws_fault_next("close", code=1001, after=3)``)."""
        query = {QUERY_PREFIX + "fault": kind}
        query.update({QUERY_PREFIX + k: str(v) for k, v in options.items()})
        unknown = set(options) - {"after", "code", "status", "location", "size", "count"}
        if unknown:
            raise TypeError(f"unknown fault option(s): {', '.join(sorted(unknown))}")
        fault = parse_fault(query)
        assert fault is not None
        return fault


@dataclass(frozen=True)
class WsKnobs:
    """Per-connection settings (``MockOpenAI.ws_*`` attributes, overridden by the query)."""

    setup_delay: float = 0.0
    turn_delay: float = 0.0
    max_msg_size: int = 16 * 1024 * 1024
    max_age: float = 3600.0


def _int(query: Mapping[str, str], name: str, default: int, lo: int, hi: int) -> int:
    raw = query.get(QUERY_PREFIX + name)
    if raw is None:
        return default
    try:
        value = int(raw)
    except ValueError:
        raise FaultError(QUERY_PREFIX + name, f"expected an integer, got {raw!r}") from None
    if not lo <= value <= hi:
        raise FaultError(QUERY_PREFIX + name, f"expected {lo}..{hi}, got {value}")
    return value


def _float(query: Mapping[str, str], name: str, default: float) -> float:
    raw = query.get(QUERY_PREFIX + name)
    if raw is None:
        return default
    try:
        value = float(raw)
    except ValueError:
        raise FaultError(QUERY_PREFIX + name, f"expected a number, got {raw!r}") from None
    if not value >= 0:  # also refuses NaN
        raise FaultError(QUERY_PREFIX + name, f"expected a number >= 0, got {raw!r}")
    return value


def parse_fault(query: Mapping[str, str]) -> WsFault | None:
    """The fault the query asks for, or None (raises :class:`FaultError` when malformed)."""
    kind = query.get(QUERY_PREFIX + "fault")
    if kind is None:
        return None
    if kind not in FAULT_KINDS:
        raise FaultError(
            QUERY_PREFIX + "fault", f"unknown fault {kind!r}; one of {', '.join(FAULT_KINDS)}"
        )
    code = _int(query, "code", 1012 if kind == "restart" else 1011, 1000, 4999)
    if kind in ("close", "restart") and not (code in _SENDABLE_CLOSE or code >= 3000):
        raise FaultError(QUERY_PREFIX + "code", f"close code {code} cannot be sent on the wire")
    default_status = 307 if kind == "redirect" else 500
    status = _int(query, "status", default_status, 100, 599)
    if kind == "redirect" and status not in _REDIRECTS:
        raise FaultError(QUERY_PREFIX + "status", f"not a redirect status: {status}")
    return WsFault(
        kind=cast(FaultKind, kind),
        after=_int(query, "after", _DEFAULT_AFTER.get(kind, 0), 0, 1 << 40),
        code=code,
        status=status,
        location=query.get(QUERY_PREFIX + "location"),
        size=_int(query, "size", WsFault.size, 1, 1 << 31),
        count=_int(query, "count", WsFault.count, 1, 10_000_000),
    )


def parse_knobs(query: Mapping[str, str], defaults: WsKnobs) -> WsKnobs:
    """``defaults`` (from the server) with the query's overrides (milliseconds in the URL)."""
    setup_ms = _float(query, "setup_ms", defaults.setup_delay * 1000)
    latency_ms = _float(query, "latency_ms", defaults.turn_delay * 1000)
    return replace(
        defaults,
        setup_delay=setup_ms / 1000,
        turn_delay=latency_ms / 1000,
        max_msg_size=_int(query, "max_msg_size", defaults.max_msg_size, 0, 1 << 31),
        max_age=_float(query, "max_age", defaults.max_age),
    )
