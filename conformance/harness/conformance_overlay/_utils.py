"""Stand-in for `openai._utils`: only `assert_signatures_in_sync` is used by the tests
(e.g. videos.create vs videos.create_and_poll must take the same parameters)."""

from __future__ import annotations

import inspect
from collections.abc import Callable
from typing import Any


def assert_signatures_in_sync(
    source_func: Callable[..., Any],
    check_func: Callable[..., Any],
    *,
    exclude_params: set[str] = set(),  # noqa: B006 (upstream's signature)
    description: str = "",
) -> None:
    source = inspect.signature(source_func).parameters
    check = inspect.signature(check_func).parameters
    errors = [
        f"`{name}`: missing"
        if name not in check
        else f"`{name}`: {check[name].annotation!r} != {param.annotation!r}"
        for name, param in source.items()
        if name not in exclude_params
        and (name not in check or check[name].annotation != param.annotation)
    ]
    assert not errors, f"signatures differ{description}: " + "; ".join(errors)
