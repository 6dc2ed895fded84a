"""Query strings as the official client writes them (`openai._qs`, `array_format="brackets"`):
lists as `key[]=a&key[]=b`, nested mappings as `key[sub]=v`, booleans as `true` / `false`,
None and empty values left out."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

__all__ = ["stringify_items"]


def stringify_items(params: Mapping[str, Any]) -> list[tuple[str, str]]:
    items: list[tuple[str, str]] = []
    for key, value in params.items():
        _add(items, key, value)
    return items


def _add(items: list[tuple[str, str]], key: str, value: Any) -> None:
    if isinstance(value, Mapping):
        for subkey, subvalue in value.items():
            _add(items, f"{key}[{subkey}]", subvalue)
    elif isinstance(value, (list, tuple)):
        for item in value:
            _add(items, key + "[]", item)
    else:
        text = (
            "true"
            if value is True
            else "false"
            if value is False
            else ""
            if value is None
            else str(value)
        )
        if text:
            items.append((key, text))
