"""Interim stand-ins for what the Responses runner takes from `browser.py` (the SDK's names),
until oxide's browser toolset lands: the toolset types (nothing can construct one yet, so a
runner cannot register a browser) and `_legacy_state_url`, with which a ledger fingerprints MCP
server URLs.
"""

from __future__ import annotations

import re
from typing import Any
from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

# Typed as Any: the browser toolsets are not in oxide yet.
BrowserToolset = Any
AsyncBrowserToolset = Any

_SENSITIVE = frozenset(
    {
        "apikey",
        "accesstoken",
        "refreshtoken",
        "sessiontoken",
        "sessionid",
        "idtoken",
        "authtoken",
        "authorization",
        "token",
        "password",
        "clientsecret",
        "signingsecret",
        "sig",
        "signature",
        "xgoogsignature",
        "xgoogcredential",
        "xamzsecuritytoken",
        "xamzsignature",
        "xamzcredential",
    }
)


def _legacy_state_url(value: str) -> str:
    """A URL without credentials, secret query values or fragment (what a ledger fingerprints
    for an MCP server)."""
    parsed = urlsplit(value)
    if not parsed.scheme or (
        parsed.scheme in ("http", "https") and (not parsed.netloc or not parsed.hostname)
    ):
        raise RuntimeError("Browser URL is invalid.")
    query: list[tuple[str, str]] = []
    changed = False
    for name, item in parse_qsl(parsed.query, keep_blank_values=True):
        normalized = re.sub(r"[-_]", "", name.lower())
        if normalized in _SENSITIVE or (
            normalized.startswith("x") and normalized[1:] in _SENSITIVE
        ):
            item = "***"
            changed = True
        query.append((name, item))
    return urlunsplit(
        parsed._replace(
            netloc=parsed.netloc.rsplit("@", 1)[-1],
            query=urlencode(query, safe="*") if changed else parsed.query,
            fragment="",
        )
    )
