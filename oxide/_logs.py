"""`OPENAI_LOG=debug|info|...`: the official SDK's logging switch, with its messages.

The SDK logs to the `openai` logger; oxide logs to `oxide`, so an application that configures
one does not silence or flood the other. Messages follow the SDK 3.63's wording (request built,
sent, answered with its request id, each retry decision) and, like it, carry no URL, header,
body or option: those can hold credentials or private data. Reprs of requests and responses
mask secret headers (`oxide._http.is_secret_header`).

The engine asks `log.isEnabledFor(DEBUG)` once per call (a cached lookup) and skips every debug
message otherwise: logging costs nothing measurable on the common path.
"""

from __future__ import annotations

import logging
import os

__all__ = ["http_method", "log", "setup_logging"]

log: logging.Logger = logging.getLogger("oxide")

_LEVELS = {
    "debug": logging.DEBUG,
    "info": logging.INFO,
    "warning": logging.WARNING,
    "error": logging.ERROR,
    "critical": logging.CRITICAL,
}
_METHODS = frozenset(
    {"GET", "HEAD", "POST", "PUT", "DELETE", "CONNECT", "OPTIONS", "TRACE", "PATCH"}
)


def http_method(method: str) -> str:
    """The method as logged: custom verbs are not echoed (the SDK's rule)."""
    normalized = method.upper()
    return normalized if normalized in _METHODS else "<custom>"


def setup_logging() -> None:
    """Applies `OPENAI_LOG` (read at import, as the SDK does); an unknown value is ignored."""
    level = _LEVELS.get(os.environ.get("OPENAI_LOG", ""))
    if level is None:
        return
    # e.g. [2026-12-06 14:12:26 - oxide._base_client:230 - DEBUG] HTTP Response: POST 200
    logging.basicConfig(
        format="[%(asctime)s - %(name)s:%(lineno)d - %(levelname)s] %(message)s",
        datefmt="%Y-%m-%d %H:%M:%S",
    )
    log.setLevel(level)
