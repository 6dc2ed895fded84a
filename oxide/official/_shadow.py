"""Resource classes of the official SDK, re-linked to oxide's request transform.

The official resource methods call `maybe_transform` / `async_maybe_transform` through their
module's globals. A *shadow* of a resource class is a subclass whose methods are the same code
objects with a copy of those globals in which the two names are oxide's (`_transform`); its
sub-resource properties hand out shadows too. Nothing of the official package is modified: a
plain `openai.AsyncOpenAI` in the same process is untouched. A client hands out shadows by
re-classing the resource objects the official properties build (a shadow adds no state).
"""

from __future__ import annotations

import sys
import types
from functools import cached_property
from typing import Any

from openai._resource import AsyncAPIResource, SyncAPIResource

from . import _transform

__all__ = ["reclass", "reclassing", "shadow_class"]

_TRANSFORM_NAMES = frozenset({"maybe_transform", "async_maybe_transform"})
_SHADOWS: dict[type, type] = {}
_SHADOW_SET: set[type] = set()
_GLOBALS: dict[str, dict[str, Any]] = {}


def _shadow_globals(module_name: str) -> dict[str, Any]:
    g = _GLOBALS.get(module_name)
    if g is None:
        g = dict(vars(sys.modules[module_name]))
        g["maybe_transform"] = _transform.maybe_transform
        g["async_maybe_transform"] = _transform.async_maybe_transform
        _GLOBALS[module_name] = g
    return g


def _uses_transform(code: types.CodeType) -> bool:
    if _TRANSFORM_NAMES.intersection(code.co_names):
        return True
    return any(isinstance(c, types.CodeType) and _uses_transform(c) for c in code.co_consts)


def _relinked(fn: types.FunctionType) -> types.FunctionType:
    """`fn` with the transform names rebound; decorators' wrappers (`required_args`) are
    rebuilt around the re-linked function they close over."""
    wrapped = getattr(fn, "__wrapped__", None)
    if isinstance(wrapped, types.FunctionType) and fn.__closure__:
        inner = _relinked(wrapped)
        if inner is wrapped:
            return fn
        cells = tuple(
            types.CellType(inner) if cell.cell_contents is wrapped else cell
            for cell in fn.__closure__
        )
        new = types.FunctionType(fn.__code__, fn.__globals__, fn.__name__, fn.__defaults__, cells)
        new.__dict__.update(fn.__dict__)
        new.__wrapped__ = inner  # type: ignore[attr-defined]
    else:
        if not _uses_transform(fn.__code__):
            return fn
        g = _shadow_globals(fn.__module__)
        new = types.FunctionType(fn.__code__, g, fn.__name__, fn.__defaults__, fn.__closure__)
        new.__dict__.update(fn.__dict__)
    new.__kwdefaults__ = fn.__kwdefaults__
    new.__qualname__ = fn.__qualname__
    new.__doc__ = fn.__doc__
    new.__annotations__ = fn.__annotations__
    new.__module__ = fn.__module__
    return new


def reclassing(prop: cached_property[Any]) -> cached_property[Any]:
    func = prop.func

    def get(self: Any) -> Any:
        return reclass(func(self))

    get.__name__ = func.__name__
    get.__qualname__ = func.__qualname__
    get.__doc__ = func.__doc__
    get.__annotations__ = func.__annotations__
    return cached_property(get)


def shadow_class(cls: type) -> type:
    shadow = _SHADOWS.get(cls)
    if shadow is not None:
        return shadow
    namespace: dict[str, Any] = {"__module__": cls.__module__, "__doc__": cls.__doc__}
    for name, value in vars(cls).items():
        if isinstance(value, types.FunctionType):
            relinked = _relinked(value)
            if relinked is not value:
                namespace[name] = relinked
        elif isinstance(value, cached_property) and not name.startswith("with_"):
            namespace[name] = reclassing(value)
    shadow = type(cls.__name__, (cls,), namespace)
    shadow.__qualname__ = cls.__qualname__
    _SHADOWS[cls] = shadow
    _SHADOW_SET.add(shadow)
    return shadow


def reclass(obj: Any) -> Any:
    """A resource object as its shadow (same state; only its class changes)."""
    cls = type(obj)
    if isinstance(obj, (SyncAPIResource, AsyncAPIResource)) and cls not in _SHADOW_SET:
        obj.__class__ = shadow_class(cls)
    return obj
