"""The NaN/Infinity check: property tests, and the compiled twin against the Python twin.

Values are JSON-shaped (dicts, lists, tuples) with every kind of leaf the request encoder can
meet, including the non-finite floats, ``-0.0``, subnormals, big ints, subclasses (which
neither twin walks) and nesting past the compiled twin's recursion limit. Both twins must
agree on the verdict and on the message, which names the first non-finite float in document
order (``fuzz/fuzz_finite.py`` is the long-running version of the differential test).
"""

from __future__ import annotations

import math
import sys
from collections import OrderedDict
from types import ModuleType
from typing import Any

import pytest
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from .conftest import C_EXT_MARK, PY, Twin
from .conftest import C as COMPILED

PROPERTY = settings(
    max_examples=500,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)


class Float(float):
    pass


class List(list):  # type: ignore[type-arg]
    pass


NON_FINITE = [math.nan, -math.nan, math.inf, -math.inf]
floats = st.one_of(
    st.sampled_from([*NON_FINITE, -0.0, 0.0, 5e-324, 1e308, -1e-310]),
    st.floats(),
)
non_finite = st.sampled_from([math.inf, -math.inf, math.nan])
leaves = st.one_of(
    non_finite,  # a third of the leaves, so that several meet in one value
    non_finite,
    non_finite,
    non_finite,
    floats,
    st.none(),
    st.booleans(),
    st.integers(),
    st.integers(min_value=2**63, max_value=2**200),
    st.text(max_size=4),
    st.binary(max_size=2),
    st.sampled_from([Float("nan"), Float("inf")]),  # float subclasses are not checked
)
keys = st.one_of(st.text(max_size=3), st.integers(-3, 3), floats)  # keys are never checked


values = st.recursive(
    leaves,
    lambda children: st.one_of(
        st.lists(children, max_size=4),
        st.dictionaries(keys, children, max_size=4),
        st.lists(children, max_size=4).map(tuple),
        st.lists(children, max_size=3).map(List),  # a list subclass is a leaf
        st.dictionaries(st.text(max_size=2), children, max_size=3).map(OrderedDict),
    ),
    max_leaves=25,
)
# Nesting past the compiled twin's 1000-level recursion, where it hands over to the Python walk.
# Applied inside the tests, so that a failure reports the depth, not a 1000-level repr.
depths = st.sampled_from([0, 0, 0, 999, 1000, 1001, 1002, 1500])


def nest(value: Any, depth: int, after: Any) -> Any:
    """``value`` under ``depth`` levels of lists and dicts, followed by ``after``."""
    if not depth:
        return value
    for i in range(depth):
        value = [value] if i % 2 else {"k": value}
    return [value, after]


def verdict(check: Any, value: Any) -> tuple[type[BaseException], str] | None:
    try:
        check(value)
    except Exception as exc:
        return type(exc), str(exc)
    return None


def first_non_finite(value: Any) -> float | None:
    """The reference: the first non-finite float in document order, found recursively."""
    limit = sys.getrecursionlimit()
    sys.setrecursionlimit(max(limit, 10_000))  # values nest past the default 1000
    try:
        return _first(value)
    finally:
        sys.setrecursionlimit(limit)


def _first(value: Any) -> float | None:
    kind = type(value)
    if kind is float:
        return None if math.isfinite(value) else value
    if kind is dict:
        value = value.values()
    elif kind is not list and kind is not tuple:
        return None
    for item in value:
        found = _first(item)
        if found is not None:
            return found
    return None


@pytest.fixture(scope="session")
def finite(twin: Twin) -> ModuleType:
    return twin.module("finite")


@pytest.fixture(scope="session")
def finite_c() -> ModuleType:
    """The compiled twin, for the test that compares the two (marked ``c_extension``)."""
    return COMPILED.module("finite")


@PROPERTY
@given(value=values, depth=depths, after=values)
@example(value=[[math.nan], math.inf], depth=0, after=None)  # the fuzzer's first finding
@example(value=[math.nan], depth=1001, after=math.inf)
def test_message_names_the_first_non_finite_float(
    finite: ModuleType, value: Any, depth: int, after: Any
) -> None:
    value = nest(value, depth, after)
    expected = first_non_finite(value)
    got = verdict(finite.check_finite, value)
    if expected is None:
        assert got is None
    else:
        assert got == (
            ValueError,
            f"Out of range float values are not JSON compliant: {expected!r}",
        )


@C_EXT_MARK
@PROPERTY
@given(value=values, depth=depths, after=values)
def test_c_matches_python(finite_c: ModuleType, value: Any, depth: int, after: Any) -> None:
    value = nest(value, depth, after)
    assert verdict(finite_c.check_finite, value) == verdict(PY.module("finite").check_finite, value)
