"""Comparing an oxide object with the official SDK's object built from the same JSON."""

from __future__ import annotations

import importlib
from typing import Any

import pydantic


def oxide_twin(sdk_obj: Any) -> Any:
    """The oxide class or alias mirroring an `openai.types` class or alias."""
    module = getattr(sdk_obj, "__module__", None)
    name = getattr(sdk_obj, "__name__", None)
    assert module and module.startswith("openai.types") and name, sdk_obj
    return getattr(importlib.import_module("oxide" + module[len("openai") :]), name)


def strip_alias_extras(obj: Any) -> Any:
    """The SDK's `construct` keeps a renamed field's API key as an extra as well
    (`schema_` is set, and `"schema"` lands in `model_extra`), so its `model_dump()` (Python
    names) shows both. oxide does not copy that quirk; remove it before comparing."""
    if isinstance(obj, pydantic.BaseModel):
        extra = obj.__pydantic_extra__
        if extra:
            for name, field in type(obj).model_fields.items():
                if field.alias and field.alias != name:
                    extra.pop(field.alias, None)
        for value in obj.__dict__.values():
            strip_alias_extras(value)
        for value in (extra or {}).values():
            strip_alias_extras(value)
    elif isinstance(obj, list):
        for value in obj:
            strip_alias_extras(value)
    elif isinstance(obj, dict):
        for value in obj.values():
            strip_alias_extras(value)
    return obj


def contains_unknown(obj: Any) -> bool:
    """An `UnknownVariant` anywhere: the SDK built its first variant there instead (F3)."""
    from oxide._models import UnknownVariant

    if isinstance(obj, UnknownVariant):
        return True
    if isinstance(obj, list):
        return any(contains_unknown(v) for v in obj)
    if isinstance(obj, dict):
        return any(contains_unknown(v) for v in obj.values())
    fields = getattr(obj, "__struct_fields__", None)
    return bool(fields) and any(contains_unknown(getattr(obj, f)) for f in fields)


def assert_same(ours: Any, sdk: Any, *, context: str = "") -> None:
    """Everything users read off a decoded response, compared with the SDK's.

    (`warnings=False` on the SDK side: pydantic warns when it dumps a constructed model holding
    a value of another type, which `construct` keeps as given, as oxide does.)"""
    strip_alias_extras(sdk)
    where = f" ({context})" if context else ""
    q = {"warnings": False}
    assert ours.to_dict() == sdk.to_dict(**q), f"to_dict{where}"
    if contains_unknown(ours):  # same data; the SDK's object is of another (wrong) class
        return
    assert ours.to_dict(use_api_names=False) == sdk.to_dict(use_api_names=False, **q), (
        f"to_dict(use_api_names=False){where}"
    )
    assert ours.to_dict(exclude_none=True) == sdk.to_dict(exclude_none=True, **q), (
        f"exclude_none{where}"
    )
    assert ours.model_dump() == sdk.model_dump(**q), f"model_dump{where}"
    assert ours.model_dump(exclude_defaults=True) == sdk.model_dump(exclude_defaults=True, **q), (
        f"model_dump(exclude_defaults=True){where}"
    )
    assert ours.model_dump(by_alias=True, exclude_unset=True) == sdk.model_dump(
        by_alias=True, exclude_unset=True, **q
    ), f"model_dump(by_alias, exclude_unset){where}"
    assert ours.model_dump_json() == sdk.model_dump_json(**q), f"model_dump_json{where}"
    assert ours.to_json() == sdk.to_json(**q), f"to_json{where}"
    # The SDK validates union members before constructing them, and validation (unlike
    # `construct`) counts extras as set; oxide follows `construct`: declared fields only.
    sdk_set = sdk.model_fields_set - set(sdk.model_extra or {})
    assert ours.model_fields_set == sdk_set, f"model_fields_set{where}"
    assert ours.model_extra == (sdk.model_extra or {}), f"model_extra{where}"
    assert repr(ours) == repr(sdk), f"repr{where}"


def fallback_affected() -> frozenset[type]:
    """oxide classes that contain, at any depth, a union listed in codegen/FALLBACKS.md (decoded
    by ranking rather than full validation): for those only `to_dict()` must match, since the SDK
    may build a different (but equally shaped) variant class."""
    global _AFFECTED
    if _AFFECTED is not None:
        return _AFFECTED
    import typing

    import msgspec

    from codegen.report import _walk
    from oxide import _models as om

    def refs(tp: Any, out: set[type]) -> None:
        if isinstance(tp, type) and issubclass(tp, msgspec.Struct):
            out.add(tp)
        elif isinstance(tp, type) and issubclass(tp, om._UnionType):
            for v in tp._oxide_variants:
                refs(v, out)
        else:
            origin = typing.get_origin(tp)
            if isinstance(origin, type) and issubclass(origin, msgspec.Struct):
                out.add(origin)
            for arg in typing.get_args(tp):
                refs(arg, out)

    import importlib as _il

    from tests.types._synth import sdk_models

    graph: dict[type, set[type]] = {}
    bad: set[type] = set()
    for modname, name, _ in sdk_models():
        cls = getattr(_il.import_module("oxide" + modname[len("openai") :]), name)
        edges: set[type] = set()
        for f in msgspec.structs.fields(cls):
            found: list[tuple[str, Any]] = []
            _walk(f.type, set(), found)
            if any(kind == "smart" for kind, _ in found):
                bad.add(cls)
            refs(f.type, edges)
        graph[cls] = edges
    changed = True
    while changed:
        changed = False
        for cls, edges in graph.items():
            if cls not in bad and edges & bad:
                bad.add(cls)
                changed = True
    _AFFECTED = frozenset(bad)
    return _AFFECTED


_AFFECTED: frozenset[type] | None = None
