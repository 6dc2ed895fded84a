"""Replacement for the SDK's tests/utils.py that knows nothing about pydantic.

`assert_matches_type(T, value, path=...)` checks a response structurally: for a
class T with declared fields (pydantic model, msgspec Struct, dataclass, or any
annotated class) the value must be an instance of T and every declared field must
be an attribute whose value matches the field's annotation, recursively; scalars,
Literal, dict, Union/Optional, TypeVar-generic pages (SyncCursorPage[X]) likewise.

Upstream semantics kept on purpose: list/Sequence elements are NOT checked
(upstream calls typing's assert_type, a runtime no-op). CONFORMANCE_DEEP=1 checks
them too (stricter than upstream).
"""

from __future__ import annotations

import collections.abc as cabc
import contextlib
import dataclasses
import io
import os
import types
from collections.abc import Iterator, Sequence
from datetime import date, datetime
from typing import Any, ClassVar, ForwardRef, TypeVar, Union

import typing_extensions

# typing_extensions on purpose (as upstream's tests/utils.py): the same objects the SDK's types use
from typing_extensions import (  # noqa: UP035
    Annotated,
    Literal,
    get_args,
    get_origin,
    get_type_hints,
)

DEEP = os.environ.get("CONFORMANCE_DEEP") == "1"
_MISSING = object()
_SCALARS = (str, int, bool, float, bytes, datetime, date)


def _unwrap(type_: Any) -> Any:
    while True:
        if (
            isinstance(type_, getattr(typing_extensions, "TypeAliasType", ()))
            or type(type_).__name__ == "TypeAliasType"
        ):
            type_ = type_.__value__
        elif get_origin(type_) is Annotated:
            type_ = get_args(type_)[0]
        else:
            return type_


def _substitute(type_: Any, mapping: dict[Any, Any]) -> Any:
    if isinstance(type_, TypeVar):
        return mapping.get(type_, type_)
    params = getattr(type_, "__parameters__", ())
    if mapping and params and not isinstance(type_, type):
        return type_[tuple(mapping.get(p, p) for p in params)]
    return type_


def declared_fields(type_: Any) -> dict[str, Any] | None:
    """Field name -> annotation for classes that declare fields, else None."""
    origin = get_origin(type_) or type_
    if not isinstance(origin, type):
        return None
    model_fields = getattr(origin, "model_fields", None)
    if isinstance(model_fields, dict) and all(
        hasattr(f, "annotation") for f in model_fields.values()
    ):
        # pydantic v2 (parametrized generics included); a candidate's look-alike without
        # `.annotation` falls through to its type hints below
        return {name: field.annotation for name, field in model_fields.items()}
    try:
        hints = get_type_hints(origin, include_extras=True)
    except Exception:
        hints = dict(getattr(origin, "__annotations__", {}))
    if hasattr(origin, "__struct_fields__"):  # msgspec.Struct
        names: Sequence[str] = origin.__struct_fields__
    elif dataclasses.is_dataclass(origin):
        names = [f.name for f in dataclasses.fields(origin)]
    else:
        names = [
            n for n, t in hints.items() if not n.startswith("_") and get_origin(t) is not ClassVar
        ]
    if not names:
        return None
    mapping = dict(zip(getattr(origin, "__parameters__", ()), get_args(type_), strict=False))
    return {name: _substitute(hints.get(name, Any), mapping) for name in names}


def assert_matches_type(
    type_: Any, value: object, *, path: list[str], allow_none: bool = False
) -> None:
    type_ = _unwrap(type_)
    if allow_none and value is None:
        return
    if type_ is None or type_ is type(None):
        assert value is None, f"{path}: expected None, got {value!r}"
        return
    if type_ is Any or type_ is object:
        return
    origin = get_origin(type_) or type_

    if origin is Literal:
        assert value in get_args(type_), f"{path}: {value!r} not in {get_args(type_)}"
    elif origin is Union or origin is getattr(types, "UnionType", Union):
        variants = get_args(type_)
        for i, variant in enumerate(variants):
            try:
                return assert_matches_type(variant, value, path=[*path, f"variant {i}"])
            except AssertionError:
                continue
        raise AssertionError(f"{path}: {type(value).__name__} value matched none of {variants}")
    elif origin is list or origin is cabc.Sequence:
        assert isinstance(value, origin), (
            f"{path}: expected {origin.__name__}, got {type(value).__name__}"
        )
        if DEEP and get_args(type_):
            for i, entry in enumerate(value):  # type: ignore[arg-type]
                assert_matches_type(get_args(type_)[0], entry, path=[*path, str(i)])
    elif origin is dict:
        assert isinstance(value, dict), f"{path}: expected dict, got {type(value)}"
        key_type, item_type = get_args(type_) or (Any, Any)
        for key, item in value.items():
            assert_matches_type(key_type, key, path=[*path, "<dict key>"])
            assert_matches_type(item_type, item, path=[*path, "<dict item>"])
    elif origin in _SCALARS:
        assert isinstance(value, origin), (
            f"{path}: expected {origin.__name__}, got {type(value).__name__}"
        )
    elif isinstance(origin, type) and origin.__name__ == "HttpxBinaryResponseContent":
        assert isinstance(value, origin) or type(value).__name__ == origin.__name__, (
            f"{path}: not binary content"
        )
    elif isinstance(origin, type):
        assert isinstance(value, origin), (
            f"{path}: expected {origin.__qualname__}, got {type(value).__qualname__}"
        )
        for name, field_type in (declared_fields(type_) or {}).items():
            field_value = getattr(value, name, _MISSING)
            assert field_value is not _MISSING, f"{path}: missing attribute {name!r}"
            assert_matches_type(field_type, field_value, path=[*path, name])
    else:
        raise AssertionError(f"{path}: unhandled type {type_!r}")


def evaluate_forwardref(forwardref: ForwardRef, globalns: dict[str, Any]) -> type:
    return eval(str(forwardref), globalns)  # type: ignore[no-any-return]


def rich_print_str(obj: object) -> str:
    """Like `rich.print()` but returns the string instead"""
    import rich.console

    buf = io.StringIO()
    rich.console.Console(file=buf, width=120).print(obj)
    return buf.getvalue()


@contextlib.contextmanager
def update_env(**new_env: Any) -> Iterator[None]:
    """Set env vars for the block; a value that is not a str (the SDK's `omit`) removes the var."""
    old = os.environ.copy()
    try:
        for name, value in new_env.items():
            if isinstance(value, str):
                os.environ[name] = value
            else:
                os.environ.pop(name, None)
        yield None
    finally:
        os.environ.clear()
        os.environ.update(old)
