"""`data_residency=`: the official SDK's named regional endpoints (openai/_data_residency.py,
openai==3.3.1, Apache-2.0)."""

from __future__ import annotations

from typing import Any, Literal

from ._types import NotGiven

__all__ = ["DataResidency", "resolve_data_residency"]

DataResidency = Literal["global", "us", "eu", "ae"]

_BASE_URLS: dict[str, str] = {
    "global": "https://api.openai.com/v1",
    "us": "https://us.api.openai.com/v1",
    "eu": "https://eu.api.openai.com/v1",
    "ae": "https://ae.api.openai.com/v1",
}


def resolve_data_residency(data_residency: Any, base_url: Any, websocket_base_url: Any) -> str:
    """The base URL for a named endpoint; the same errors as the official client."""
    if not isinstance(base_url, NotGiven) and base_url is not None:
        raise ValueError("The `data_residency` and `base_url` arguments are mutually exclusive")
    if websocket_base_url is not None:
        raise ValueError(
            "The `data_residency` and `websocket_base_url` arguments are mutually exclusive"
        )
    if not isinstance(data_residency, str) or data_residency not in _BASE_URLS:
        raise ValueError("Invalid `data_residency`; expected one of 'global', 'us', 'eu', or 'ae'")
    return _BASE_URLS[data_residency]
