"""Payloads synthesized from the official SDK's types, and the SDK's own way of building them.

`payload(tp, draw, full=...)` walks a pydantic model (or any annotation of `openai.types`) and
makes a JSON-ready value: every required field, and with `full=True` every optional one too. All
choices go through `draw(options)`, so the same walker serves a seeded `random.Random` (one payload
per model, deterministic) and hypothesis (`st.data()`).
"""

from __future__ import annotations

import random
import types
import typing
from collections.abc import Callable, Sequence
from typing import Annotated, Any, Literal, TypeVar, Union, get_args, get_origin

import pydantic
from openai._models import BaseModel as SdkModel
from openai._models import construct_type

Draw = Callable[[Sequence[Any]], Any]
MAX_DEPTH = 7
_NoneType = type(None)


def seeded(seed: int) -> Draw:
    rnd = random.Random(seed)
    return lambda options: options[rnd.randrange(len(options))]


def sdk_build(tp: Any, value: Any) -> Any:
    """What the official client does with a decoded JSON body (`_process_response_data`)."""
    return construct_type(type_=tp, value=value)


_STRINGS = ("x", "hello wörld", "", "a\nb", "🎉", 'quote " and \\ backslash')
_FLOATS = (0.5, -1.25, 3.75, 1e-7)
_INTS = (0, 1, 42, -7, 1_700_000_000)


def _is_model(tp: Any) -> bool:
    origin = get_origin(tp) or tp
    return isinstance(origin, type) and issubclass(origin, pydantic.BaseModel)


def _strip(tp: Any) -> Any:
    while get_origin(tp) is Annotated:
        tp = get_args(tp)[0]
    return tp


def _recursive_ok(tp: Any, depth: int) -> bool:
    """Past MAX_DEPTH, only options that end the recursion."""
    if depth < MAX_DEPTH:
        return True
    tp = _strip(tp)
    return not (_is_model(tp) or get_origin(tp) in (list, dict, Union, types.UnionType))


def payload(tp: Any, draw: Draw, *, full: bool = False, depth: int = 0) -> Any:
    tp = _strip(tp)
    origin = get_origin(tp)
    if tp is _NoneType or tp is None:
        return None
    if tp is Any or tp is object:
        return draw([{"a": 1, "b": [True, None]}, "free-form", 3])
    if isinstance(tp, TypeVar):
        return None
    if origin is Literal:
        return draw(get_args(tp))
    if origin in (Union, types.UnionType):
        args = [a for a in get_args(tp) if a is not _NoneType]
        options = [a for a in args if _recursive_ok(a, depth)] or args
        if full and len(options) > 1 and depth > 2:
            options = [a for a in options if not _is_model(_strip(a))] or options
        return payload(draw(options), draw, full=full, depth=depth + 1)
    if origin in (list, tuple, set, frozenset, typing.Iterable):
        (item,) = get_args(tp)[:1] or (Any,)
        if depth >= MAX_DEPTH:
            return []
        return [payload(item, draw, full=full, depth=depth + 1) for _ in range(draw([1, 2]))]
    if origin is dict:
        _, vt = get_args(tp) or (str, Any)
        if depth >= MAX_DEPTH:
            return {}
        return {"key": payload(vt, draw, full=full, depth=depth + 1)}
    if _is_model(tp):
        return _model_payload(tp, draw, full=full, depth=depth)
    if tp is str:
        return draw(_STRINGS)
    if tp is bool:
        return draw([True, False])
    if tp is int:
        return draw(_INTS)
    if tp is float:
        return draw(_FLOATS)
    raise TypeError(f"cannot synthesize {tp!r}")


def _model_payload(cls: Any, draw: Draw, *, full: bool, depth: int) -> dict[str, Any]:
    origin = get_origin(cls) or cls
    out: dict[str, Any] = {}
    for name, field in origin.model_fields.items():
        key = field.alias or name
        required = field.is_required()
        if not required and not full:
            continue
        annotation = field.annotation
        if field.metadata:
            annotation = Annotated[(annotation, *field.metadata)]
        if not required and depth >= MAX_DEPTH:
            continue
        if not required and draw([0, 1, 2, 3]) == 0:
            out[key] = None  # an explicit null
            continue
        out[key] = payload(annotation, draw, full=full, depth=depth + 1)
    return out


def sdk_models() -> list[tuple[str, str, type[SdkModel]]]:
    """(module, class name, class) of every pydantic model defined in `openai.types`."""
    import importlib
    import inspect
    import pkgutil

    import openai.types as root

    found = []
    names = [root.__name__] + sorted(
        m.name for m in pkgutil.walk_packages(root.__path__, root.__name__ + ".")
    )
    for modname in names:
        mod = importlib.import_module(modname)
        for name, obj in sorted(vars(mod).items()):
            if (
                inspect.isclass(obj)
                and obj.__module__ == modname
                and issubclass(obj, SdkModel)
                and not obj.__pydantic_generic_metadata__["parameters"]
            ):
                found.append((modname, name, obj))
    return found
