"""The official resources' request transform, at a fraction of its cost when it can change
nothing but sentinels, iterables and models.

The official `maybe_transform(params, ParamsType)` walks the request body along its TypedDict
annotations (typing introspection at every node: most of a small call's CPU, and ~50 ms for a
320-message agent request) to do four things: rename aliased keys, format annotated values
(dates, base64), drop `NOT_GIVEN`/`omit` values, and turn models and iterables into JSON-ready
values. Only the first two depend on the annotations, and only a handful of params types have
them (`PropertyInfo(alias=...)` / `format=`): for every other type, `transform` below does the
rest by walking the data alone. The plainness of a type is decided once, from the same
annotations; the differential test compares both transforms on the benchmark and test bodies.
"""

from __future__ import annotations

import types
from collections.abc import Iterable, Mapping
from typing import Annotated, Any, get_args, get_origin, get_type_hints

import pydantic
from openai._compat import model_dump
from openai._utils import _transform as _official
from typing_extensions import is_typeddict  # the official TypedDicts are typing_extensions'

from .._types import sentinel_types

__all__ = ["async_maybe_transform", "is_plain", "maybe_transform", "transform_data"]

_PLAIN: dict[Any, bool] = {}


def _plain(tp: Any, seen: set[int]) -> bool:
    if id(tp) in seen:  # a recursive type: decided by its other branches
        return True
    value = getattr(tp, "__value__", None)  # a TypeAliasType
    if value is not None and not isinstance(tp, type):
        seen.add(id(tp))
        return _plain(value, seen)
    origin = get_origin(tp)
    if origin is Annotated:
        inner, *meta = get_args(tp)
        for m in meta:
            if isinstance(m, _official.PropertyInfo) and (m.alias or m.format):
                return False
        return _plain(inner, seen)
    if is_typeddict(tp):
        seen.add(id(tp))
        hints = get_type_hints(tp, include_extras=True)
        return all(_plain(hint, seen) for hint in hints.values())
    if origin is not None or isinstance(tp, types.UnionType):
        return all(_plain(arg, seen) for arg in get_args(tp) if not isinstance(arg, (str, int)))
    return True


def is_plain(tp: Any) -> bool:
    """Whether the official transform of data of type `tp` only drops sentinels and makes
    models and iterables JSON-ready (no aliased key, no formatted value anywhere in it)."""
    try:
        return _PLAIN[tp]
    except KeyError:
        pass
    except TypeError:  # unhashable: not cached, decided by the official transform
        return False
    try:
        plain = _plain(tp, set())
    except Exception:  # an annotation that does not resolve: the official transform decides
        plain = False
    _PLAIN[tp] = plain
    return plain


def transform_data(data: Any) -> Any:
    """The official transform's result for data of a plain type, by walking the data only."""
    t = type(data)
    if t is str or t is int or t is float or t is bool or data is None:
        return data
    if t is dict:
        sentinels = sentinel_types()
        return {k: transform_data(v) for k, v in data.items() if type(v) not in sentinels}
    if t is list:
        return [transform_data(v) for v in data]
    if isinstance(data, pydantic.BaseModel):
        return model_dump(
            data, exclude_unset=True, mode="json", exclude=getattr(data, "__api_exclude__", None)
        )
    if isinstance(data, Mapping):
        sentinels = sentinel_types()
        return {k: transform_data(v) for k, v in data.items() if type(v) not in sentinels}
    if isinstance(data, Iterable) and not isinstance(data, (str, bytes, bytearray)):
        return [transform_data(v) for v in data]
    return data


def maybe_transform(data: object, expected_type: object) -> Any:
    if data is None:
        return None
    if is_plain(expected_type):
        return transform_data(data)
    return _official.maybe_transform(data, expected_type)


async def async_maybe_transform(data: object, expected_type: object) -> Any:
    if data is None:
        return None
    if is_plain(expected_type):
        return transform_data(data)
    return await _official.async_maybe_transform(data, expected_type)
