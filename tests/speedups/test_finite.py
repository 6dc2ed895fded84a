"""The NaN/Infinity request check, both twins: same verdicts, same errors."""

from __future__ import annotations

import math
from types import ModuleType
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from .conftest import Twin


@pytest.fixture(scope="session")
def finite(twin: Twin) -> ModuleType:
    return twin.module("finite")


OK = [
    None,
    1,
    1.5,
    "nan",
    {"a": [1, 2.0, {"b": (3, "x", True)}]},
    [[[[[]]]]],
    {"deep": [{"x": [1e308, -1e-308]}]},
]
BAD = [
    float("nan"),
    {"temperature": float("inf")},
    [1, 2, [3, -math.inf]],
    {"a": {"b": {"c": (1, float("nan"))}}},
    {"tools": [{"function": {"parameters": {"maximum": float("inf")}}}]},
]


@pytest.mark.parametrize("value", OK)
def test_finite_values_pass(finite: ModuleType, value: Any) -> None:
    finite.check_finite(value)


@pytest.mark.parametrize("value", BAD)
def test_non_finite_values_raise(finite: ModuleType, value: Any) -> None:
    with pytest.raises(ValueError, match="not JSON compliant"):
        finite.check_finite(value)


def test_very_deep_nesting_is_fine(finite: ModuleType) -> None:
    value: Any = [float("nan")]
    for _ in range(5000):
        value = [value]
    with pytest.raises(ValueError):
        finite.check_finite(value)


json_like = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats() | st.text(max_size=5),
    lambda children: (
        st.lists(children, max_size=4)
        | st.dictionaries(st.text(max_size=3), children, max_size=4)
        | st.lists(children, max_size=3).map(tuple)
    ),
    max_leaves=30,
)


def _has_non_finite(v: Any) -> bool:
    if isinstance(v, float):
        return not math.isfinite(v)
    if isinstance(v, dict):
        return any(_has_non_finite(x) for x in v.values())
    if isinstance(v, (list, tuple)):
        return any(_has_non_finite(x) for x in v)
    return False


@settings(max_examples=300, deadline=None)
@given(json_like)
def test_verdict_matches_a_recursive_reference(finite: ModuleType, value: Any) -> None:
    if _has_non_finite(value):
        with pytest.raises(ValueError):
            finite.check_finite(value)
    else:
        finite.check_finite(value)
