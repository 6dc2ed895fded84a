"""Regressions for what the differential fuzzers (``make fuzz``, fuzz/README.md) found.

Each test runs on both twins and states the Python twin's (the specification's) answer.
"""

from __future__ import annotations

import math
from types import ModuleType
from typing import Any

import pytest

from .conftest import Twin


class _Fallback:
    """Slots, never set, and a ``__getattr__`` that answers for them."""

    __slots__ = ("function", "id", "index", "type")

    def __getattr__(self, name: str) -> Any:
        return {"id": "x", "function": {"name": "f", "arguments": "{}"}}.get(name)


def test_getattr_answers_for_empty_slots(assembler_cls: type) -> None:
    # The compiled twin learnt the slot layout of the type on the first entry and then read
    # the empty slots as None, skipping __getattr__: entries 2 and 3 vanished.
    assembler = assembler_cls()
    for _ in range(3):
        assembler.feed(0, [_Fallback()])
    calls = [(c.index, c.id, c.name, c.arguments, c.complete) for c in assembler.calls(0)]
    assert calls == [(i, "x", "f", "{}", True) for i in range(3)]


@pytest.fixture(scope="session")
def finite(twin: Twin) -> ModuleType:
    return twin.module("finite")


@pytest.mark.parametrize(
    ("value", "named"),
    [
        ([[math.nan], math.inf], "nan"),
        ({"a": [math.inf], "b": math.nan}, "inf"),
        ([1, [2, [math.nan]], [-math.inf]], "nan"),
        ((-math.inf, [math.nan]), "-inf"),
    ],
)
def test_the_first_non_finite_float_in_document_order_is_named(
    finite: ModuleType, value: Any, named: str
) -> None:
    # The Python twin walked a container's own floats before its nested containers, and
    # those last-first, so the twins named different values for the same request.
    with pytest.raises(ValueError) as raised:
        finite.check_finite(value)
    assert str(raised.value) == f"Out of range float values are not JSON compliant: {named}"
