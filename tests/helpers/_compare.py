"""Normalises the official SDK's and oxide's helper events to plain data for comparison."""

from __future__ import annotations

import dataclasses
from typing import Any

import msgspec


def plain(x: Any) -> Any:
    """Plain data: models and Structs become dicts, keys holding None or UNSET are dropped
    (the two libraries differ only in which absent optionals they spell out)."""
    if isinstance(x, msgspec.Struct):
        to_dict = getattr(x, "to_dict", None)
        data = to_dict(mode="python") if to_dict is not None else msgspec.structs.asdict(x)
        if not isinstance(data, dict):
            data = msgspec.structs.asdict(x)
        # Fields our events add outside to_dict (parsed values on wrappers) are plain attributes.
        return plain(data)
    if hasattr(x, "model_dump"):
        return plain(x.model_dump(mode="python", exclude_unset=False, warnings=False))
    if dataclasses.is_dataclass(x) and not isinstance(x, type):
        return plain(dataclasses.asdict(x))
    if isinstance(x, dict):
        return {k: plain(v) for k, v in x.items() if v is not None and v is not msgspec.UNSET}
    if isinstance(x, (list, tuple)):
        return [plain(v) for v in x]
    return x


def sdk_event(ev: Any) -> dict[str, Any]:
    data = {"type": ev.type}
    for name in type(ev).model_fields:
        if name == "type":
            continue
        value = getattr(ev, name)
        if value is not None:
            data[name] = plain(value)
    return data


def oxide_event(ev: Any) -> dict[str, Any]:
    if hasattr(ev, "_fields"):  # chat helper events
        data = {"type": ev.type}
        for name in ev._fields:
            value = getattr(ev, name)
            if value is not None:
                data[name] = plain(value)
        return data
    data = plain(ev)
    data["type"] = ev.type
    return data
