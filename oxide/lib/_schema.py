"""Strict JSON schemas from Python types, for structured outputs and function tools.

`to_strict_json_schema(tp)` returns what the official SDK's
`openai.lib._pydantic.to_strict_json_schema` returns for the equivalent pydantic model, for:

* msgspec Structs, stdlib dataclasses and TypedDicts (pydantic not needed): oxide writes the
  schema pydantic would write (same titles, `$defs` names, `anyOf` for unions and optionals,
  `default`s, key order), then applies the SDK's strict transform (ported below unchanged:
  `additionalProperties: false` on every object, every property required, `default: null`
  stripped, single-entry `allOf` flattened, `$ref`s with sibling keys inlined);
* pydantic models, pydantic dataclasses and `pydantic.TypeAdapter`s: pydantic's own schema
  (`model_json_schema()` / `TypeAdapter.json_schema()`) through the same transform, so the output
  is the SDK's exactly. pydantic is imported only if it is already loaded by the caller's code.

Field types understood: str, int, float, bool, None, Any, bytes (base64, as msgspec decodes it),
datetime/date/time/timedelta, UUID, Decimal, Enum subclasses, Literal, Optional/Union (`X | Y`),
list/Sequence/set/frozenset/tuple, dict/Mapping, nested Structs/dataclasses/TypedDicts/pydantic
models (recursive ones too), NewType, `Annotated[..., msgspec.Meta(...)]` (title, description,
examples, bounds, lengths, pattern, extra_json_schema) and, when pydantic is loaded,
`Annotated[..., pydantic.Field(...)]` / annotated_types constraints. msgspec tagged Structs get
their tag as a required `const` property first (like a pydantic `Literal` field).

Differences from pydantic's output, by design or out of scope (documented, not silent):

* `bytes` is `{"contentEncoding": "base64", "type": "string"}` (msgspec's wire format), where
  pydantic writes `{"format": "binary", "type": "string"}`.
* A list/dict/set default written as `= []` on a Struct is a default factory to msgspec, so it
  has no `default` key (pydantic writes `"default": []`; `Field(default_factory=list)` matches).
* `$defs` names follow pydantic's simple rules: the class name, or `module__qualname` for every
  class whose name is shared by another class in the same schema; generic Structs are named after
  their arguments (`Page[Item]` -> `Page_Item_`), which matches pydantic for plain arguments only.
* Generic dataclasses/TypedDicts are not specialised (their type variables become `{}`);
  array-like and NamedTuple types raise `TypeError`.

Every result is cached per type (bounded: the oldest of 2048 types is dropped first): the same
dict is returned on every call, so treat it as read-only. `validate_parsed(tp, text)` decodes model output into `tp` with a cached msgspec
decoder (pydantic `model_validate_json` / a cached `TypeAdapter` for pydantic types).
"""

from __future__ import annotations

import collections.abc as cabc
import dataclasses
import datetime
import decimal
import enum
import inspect
import re
import sys
import types
import typing
import uuid
from collections.abc import Callable
from typing import Any, Literal, TypeVar, Union, cast

import msgspec

__all__ = [
    "is_pydantic_model",
    "to_strict_json_schema",
    "type_to_response_format",
    "type_to_text_format",
    "validate_parsed",
]

_Schema = dict[str, Any]
_V = TypeVar("_V")

# Per-type caches. Bounded, so that code creating classes on the fly (one per request) cannot grow
# them forever: past _CACHE_SIZE entries the oldest is dropped (and rebuilt if used again).
_CACHE_SIZE = 2048
_SCHEMA_CACHE: dict[Any, _Schema] = {}
_RESPONSE_FORMAT_CACHE: dict[Any, _Schema] = {}
_TEXT_FORMAT_CACHE: dict[Any, _Schema] = {}
_VALIDATORS: dict[Any, Callable[[str | bytes], Any]] = {}


def _cached(cache: dict[Any, _V], key: Any, build: Callable[[Any], _V]) -> _V:
    try:
        return cache[key]
    except KeyError:
        pass
    except TypeError:  # unhashable (a TypeAdapter, an odd annotation): no caching
        return build(key)
    value = build(key)
    if len(cache) >= _CACHE_SIZE:
        try:
            del cache[next(iter(cache))]
        except (KeyError, StopIteration, RuntimeError):  # raced with another thread
            pass
    cache[key] = value
    return value


# -- public API -------------------------------------------------------------------------------


def to_strict_json_schema(tp: Any) -> _Schema:
    """The strict JSON schema the API expects for `tp` (cached; do not mutate the result)."""
    return _cached(_SCHEMA_CACHE, tp, _to_strict)


def type_to_response_format(tp: Any) -> _Schema:
    """The Chat Completions `response_format` for `tp`:
    `{"type": "json_schema", "json_schema": {"schema", "name", "strict": True}}`.

    A dict is passed through unchanged (an explicit `response_format` param), like the SDK's
    `type_to_response_format_param`. Cached per type."""
    if isinstance(tp, dict):
        return tp
    return _cached(_RESPONSE_FORMAT_CACHE, tp, _response_format)


def _response_format(tp: Any) -> _Schema:
    return {
        "type": "json_schema",
        "json_schema": {
            "schema": to_strict_json_schema(tp),
            "name": _type_name(tp),
            "strict": True,
        },
    }


def type_to_text_format(tp: Any) -> _Schema:
    """The Responses API `text.format` for `tp`:
    `{"type": "json_schema", "strict": True, "name", "schema"}`. Cached per type."""
    return _cached(_TEXT_FORMAT_CACHE, tp, _text_format)


def _text_format(tp: Any) -> _Schema:
    return {
        "type": "json_schema",
        "strict": True,
        "name": _type_name(tp),
        "schema": to_strict_json_schema(tp),
    }


def validate_parsed(tp: Any, json_text: str | bytes) -> Any:
    """Decode the model's JSON output into an instance of `tp`.

    msgspec (a cached `msgspec.json.Decoder`) for Structs, dataclasses, TypedDicts and other
    annotations; `model_validate_json` for pydantic models; a cached `pydantic.TypeAdapter` for
    pydantic dataclasses. Raises `ValueError` subclasses on bad input
    (`msgspec.ValidationError` / `msgspec.DecodeError` or `pydantic.ValidationError`)."""
    return _cached(_VALIDATORS, tp, _make_validator)(json_text)


def is_pydantic_model(tp: Any) -> bool:
    """True for a pydantic `BaseModel` subclass (without importing pydantic)."""
    pydantic = sys.modules.get("pydantic")
    return pydantic is not None and isinstance(tp, type) and issubclass(tp, pydantic.BaseModel)


# -- dispatch ---------------------------------------------------------------------------------


def _is_pydantic_dataclass_like(tp: Any) -> bool:
    # The SDK's `is_dataclass_like_type`: `@pydantic.dataclass` (and friends) set this attribute.
    return hasattr(tp, "__pydantic_config__") and not is_pydantic_model(tp)


def _type_name(tp: Any) -> str:
    name = getattr(tp, "__name__", None)
    if not isinstance(name, str):
        raise TypeError(f"Unsupported response_format type - {tp!r} (it has no __name__)")
    return name


def _to_strict(tp: Any) -> _Schema:
    pydantic = sys.modules.get("pydantic")
    if is_pydantic_model(tp):
        schema = tp.model_json_schema()
    elif pydantic is not None and isinstance(tp, pydantic.TypeAdapter):
        schema = tp.json_schema()
    elif pydantic is not None and _is_pydantic_dataclass_like(tp):
        schema = pydantic.TypeAdapter(tp).json_schema()
    else:
        schema = _SchemaBuilder().build(tp)
    return _ensure_strict_json_schema(schema, path=(), root=schema)


def _make_validator(tp: Any) -> Callable[[str | bytes], Any]:
    if is_pydantic_model(tp):
        return cast(Callable[[str | bytes], Any], tp.model_validate_json)
    pydantic = sys.modules.get("pydantic")
    if pydantic is not None and _is_pydantic_dataclass_like(tp):
        return cast(Callable[[str | bytes], Any], pydantic.TypeAdapter(tp).validate_json)
    return msgspec.json.Decoder(tp).decode


# -- the SDK's strict transform (openai/lib/_pydantic.py, unchanged in behaviour) ---------------


def _ensure_strict_json_schema(
    json_schema: object, *, path: tuple[str, ...], root: dict[str, object]
) -> _Schema:
    """Mutate `json_schema` so that it conforms to the `strict` standard the API expects."""
    if not isinstance(json_schema, dict):
        raise TypeError(f"Expected {json_schema} to be a dictionary; path={path}")

    defs = json_schema.get("$defs")
    if isinstance(defs, dict):
        for def_name, def_schema in defs.items():
            _ensure_strict_json_schema(def_schema, path=(*path, "$defs", def_name), root=root)

    definitions = json_schema.get("definitions")
    if isinstance(definitions, dict):
        for definition_name, definition_schema in definitions.items():
            _ensure_strict_json_schema(
                definition_schema, path=(*path, "definitions", definition_name), root=root
            )

    typ = json_schema.get("type")
    if typ == "object" and "additionalProperties" not in json_schema:
        json_schema["additionalProperties"] = False

    properties = json_schema.get("properties")
    if isinstance(properties, dict):
        json_schema["required"] = list(properties.keys())
        json_schema["properties"] = {
            key: _ensure_strict_json_schema(prop_schema, path=(*path, "properties", key), root=root)
            for key, prop_schema in properties.items()
        }

    items = json_schema.get("items")
    if isinstance(items, dict):
        json_schema["items"] = _ensure_strict_json_schema(items, path=(*path, "items"), root=root)

    any_of = json_schema.get("anyOf")
    if isinstance(any_of, list):
        json_schema["anyOf"] = [
            _ensure_strict_json_schema(variant, path=(*path, "anyOf", str(i)), root=root)
            for i, variant in enumerate(any_of)
        ]

    all_of = json_schema.get("allOf")
    if isinstance(all_of, list):
        if len(all_of) == 1:
            json_schema.update(
                _ensure_strict_json_schema(all_of[0], path=(*path, "allOf", "0"), root=root)
            )
            json_schema.pop("allOf")
        else:
            json_schema["allOf"] = [
                _ensure_strict_json_schema(entry, path=(*path, "allOf", str(i)), root=root)
                for i, entry in enumerate(all_of)
            ]

    # `default: None` carries nothing: the schema stays nullable and the type defaults to None.
    if "default" in json_schema and json_schema["default"] is None:
        json_schema.pop("default")

    # A `$ref` cannot have sibling keys (e.g. a description): inline what it points to.
    ref = json_schema.get("$ref")
    if ref and len(json_schema) > 1:
        assert isinstance(ref, str), f"Received non-string $ref - {ref}"
        resolved = _resolve_ref(root=root, ref=ref)
        if not isinstance(resolved, dict):
            raise ValueError(
                f"Expected `$ref: {ref}` to resolved to a dictionary but got {resolved}"
            )
        # keys of the referring schema win over the referenced one's
        json_schema.update({**resolved, **json_schema})
        json_schema.pop("$ref")
        # the inlined schema may lack `additionalProperties: false`: run the transform again
        return _ensure_strict_json_schema(json_schema, path=path, root=root)

    return json_schema


def _resolve_ref(*, root: dict[str, object], ref: str) -> object:
    if not ref.startswith("#/"):
        raise ValueError(f"Unexpected $ref format {ref!r}; Does not start with #/")
    resolved: object = root
    for key in ref[2:].split("/"):
        assert isinstance(resolved, dict)
        value = resolved[key]
        assert isinstance(value, dict), (
            f"encountered non-dictionary entry while resolving {ref} - {resolved}"
        )
        resolved = value
    return resolved


# -- pydantic-style JSON schema for non-pydantic types -----------------------------------------

_NoneType = type(None)
_UNION_TYPES: tuple[Any, ...] = (Union, types.UnionType)
_ARRAY_ORIGINS: set[Any] = {
    list,
    typing.List,  # noqa: UP006
    typing.Sequence,
    typing.MutableSequence,
    typing.Collection,
    typing.Iterable,
    cabc.Sequence,
    cabc.MutableSequence,
    cabc.Collection,
    cabc.Iterable,
}
_SET_ORIGINS: set[Any] = {
    set,
    frozenset,
    typing.Set,  # noqa: UP006
    typing.FrozenSet,  # noqa: UP006
    typing.AbstractSet,
    cabc.Set,
    cabc.MutableSet,
}
_DICT_ORIGINS: set[Any] = {
    dict,
    typing.Dict,  # noqa: UP006
    typing.Mapping,
    typing.MutableMapping,
    cabc.Mapping,
    cabc.MutableMapping,
}
_FORMATS: dict[Any, _Schema] = {
    datetime.datetime: {"format": "date-time", "type": "string"},
    datetime.date: {"format": "date", "type": "string"},
    datetime.time: {"format": "time", "type": "string"},
    datetime.timedelta: {"format": "duration", "type": "string"},
    uuid.UUID: {"format": "uuid", "type": "string"},
    decimal.Decimal: {"anyOf": [{"type": "number"}, {"type": "string"}]},
    bytes: {"contentEncoding": "base64", "type": "string"},
    bytearray: {"contentEncoding": "base64", "type": "string"},
    memoryview: {"contentEncoding": "base64", "type": "string"},
}
_SIMPLE: dict[Any, _Schema] = {
    str: {"type": "string"},
    int: {"type": "integer"},
    float: {"type": "number"},
    bool: {"type": "boolean"},
    _NoneType: {"type": "null"},
    None: {"type": "null"},
}
_REQUIRED_WRAPPERS = frozenset(("Required", "NotRequired", "ReadOnly"))


def _is_required_wrapper(origin: Any) -> bool:
    # typing's and typing_extensions' special forms (distinct objects before 3.11): by name
    return origin is not None and getattr(origin, "_name", None) in _REQUIRED_WRAPPERS


def _title_from_name(name: str) -> str:
    # pydantic's GenerateJsonSchema.get_title_from_name
    return name.title().replace("_", " ").strip()


def _normalize_name(name: str) -> str:
    # pydantic's GenerateJsonSchema.normalize_name
    return re.sub(r"[^a-zA-Z0-9.\-_]", "_", name).replace(".", "__")


def _display(tp: Any) -> str:
    if tp is None or tp is _NoneType:
        return "None"
    if isinstance(tp, type) and not typing.get_args(tp):
        return tp.__name__
    origin = typing.get_origin(tp)
    if isinstance(origin, type) and hasattr(tp, "__args__") and _is_def_type(origin):
        return f"{origin.__name__}[{', '.join(_display(a) for a in typing.get_args(tp))}]"
    return repr(tp).replace("typing_extensions.", "").replace("typing.", "")


def _is_typeddict(tp: Any) -> bool:
    return isinstance(tp, type) and issubclass(tp, dict) and hasattr(tp, "__required_keys__")


def _is_def_type(tp: Any) -> bool:
    """Types that pydantic puts in `$defs` (and refers to with `$ref`)."""
    cls = typing.get_origin(tp) or tp
    if not isinstance(cls, type):
        return False
    return (
        issubclass(cls, (msgspec.Struct, enum.Enum))
        or dataclasses.is_dataclass(cls)
        or _is_typeddict(cls)
        or is_pydantic_model(cls)
    )


def _unwrap(tp: Any) -> Any:
    """Strip Annotated, NewType and type aliases."""
    while True:
        if typing.get_origin(tp) is typing.Annotated:
            tp = typing.get_args(tp)[0]
        elif hasattr(tp, "__supertype__"):  # NewType
            tp = tp.__supertype__
        elif type(tp).__name__ == "TypeAliasType" and hasattr(tp, "__value__"):
            tp = tp.__value__
        else:
            return tp


def _field_title_should_be_set(tp: Any) -> bool:
    # pydantic's rule: no title on a field whose schema is (a nullable) reference.
    tp = _unwrap(tp)
    if typing.get_origin(tp) in _UNION_TYPES:
        args = [a for a in typing.get_args(tp) if a is not _NoneType and a is not msgspec.UnsetType]
        if len(args) == 1 and len(args) < len(typing.get_args(tp)):
            return _field_title_should_be_set(args[0])
        return True
    return not _is_def_type(tp)


def _jsonable(value: Any) -> Any:
    return msgspec.to_builtins(value)


def _deduplicate(schemas: list[_Schema]) -> list[_Schema]:
    def hashable(value: Any) -> Any:
        if isinstance(value, dict):
            return tuple(sorted((k, hashable(v)) for k, v in value.items()))
        if isinstance(value, list):
            return tuple(hashable(v) for v in value)
        return value

    return list({hashable(s): s for s in schemas}.values())


def _union_of(schemas: list[_Schema]) -> _Schema:
    # pydantic's get_flattened_anyof
    members: list[_Schema] = []
    for schema in schemas:
        if len(schema) == 1 and "anyOf" in schema:
            members.extend(schema["anyOf"])
        else:
            members.append(schema)
    members = _deduplicate(members)
    if len(members) == 1:
        return members[0]
    return {"anyOf": members}


def _sort(value: Any, parent_key: str | None = None) -> Any:
    # pydantic's GenerateJsonSchema.sort: keys sorted, except the order of properties and defaults
    if isinstance(value, dict):
        keys = value.keys() if parent_key in ("properties", "default") else sorted(value.keys())
        return {key: _sort(value[key], key) for key in keys}
    if isinstance(value, list):
        return [_sort(item, parent_key) for item in value]
    return value


@dataclasses.dataclass
class _Def:
    key: Any
    short: str
    long: str
    placeholder: str
    schema: _Schema | None = None


class _SchemaBuilder:
    def __init__(self) -> None:
        self.defs: dict[Any, _Def] = {}
        self.referenced: set[Any] = set()
        self.root_key: Any = None

    # -- entry point

    def build(self, tp: Any) -> _Schema:
        base = _unwrap(tp)
        if _is_def_type(base) and base is tp:
            # The root is inlined, unless something refers back to it (then `$ref` + `$defs`).
            d = self._register(base)
            self.root_key = d.key
            d.schema = self._def_schema(base)
            if d.key in self.referenced:
                schema: _Schema = {"$ref": d.placeholder}
            else:
                schema = dict(d.schema)
        else:
            schema = self.schema(tp)
        defs = {
            d.placeholder: d.schema
            for d in self.defs.values()
            if d.schema is not None and (d.key != self.root_key or d.key in self.referenced)
        }
        if defs:
            schema["$defs"] = defs
        return cast(_Schema, _sort(self._rename(schema)))

    # -- $defs bookkeeping

    def _register(self, tp: Any) -> _Def:
        d = self.defs.get(tp)
        if d is None:
            cls = typing.get_origin(tp) or tp
            display = _display(tp)
            short = _normalize_name(display)
            qual = f"{cls.__module__}.{cls.__qualname__}"
            if typing.get_args(tp):
                qual += display[len(cls.__name__) :]
            d = _Def(tp, short, _normalize_name(qual), f"\x00{len(self.defs)}")
            self.defs[tp] = d
        return d

    def _ref(self, tp: Any) -> _Schema:
        d = self._register(tp)
        self.referenced.add(d.key)
        if d.schema is None and d.key != self.root_key:
            d.schema = {}  # placeholder against recursion
            d.schema = self._def_schema(tp)
        return {"$ref": d.placeholder}

    def _rename(self, schema: _Schema) -> _Schema:
        counts: dict[str, int] = {}
        for d in self.defs.values():
            counts[d.short] = counts.get(d.short, 0) + 1
        names = {
            d.placeholder: (d.short if counts[d.short] == 1 else d.long) for d in self.defs.values()
        }

        def walk(value: Any) -> Any:
            if isinstance(value, dict):
                out: dict[str, Any] = {}
                for k, v in value.items():
                    if k == "$ref" and isinstance(v, str) and v in names:
                        out[k] = f"#/$defs/{names[v]}"
                    elif k == "$defs":
                        out[k] = {names.get(n, n): walk(s) for n, s in v.items()}
                    else:
                        out[k] = walk(v)
                return out
            if isinstance(value, list):
                return [walk(v) for v in value]
            return value

        return cast(_Schema, walk(schema))

    # -- type -> schema

    def schema(self, tp: Any) -> _Schema:
        origin = typing.get_origin(tp)
        if origin is typing.Annotated:
            base, *metadata = typing.get_args(tp)
            schema = self.schema(base)
            for meta in metadata:
                self._apply_meta(schema, meta)
            return schema
        if hasattr(tp, "__supertype__"):  # NewType
            return self.schema(tp.__supertype__)
        if type(tp).__name__ == "TypeAliasType" and hasattr(tp, "__value__"):
            return self.schema(tp.__value__)
        if isinstance(tp, typing.TypeVar):
            bound = tp.__bound__
            return self.schema(bound) if bound is not None else {}
        if tp is Any or tp is object:
            return {}
        if isinstance(tp, str) or isinstance(tp, typing.ForwardRef):
            raise TypeError(f"unresolved forward reference {tp!r}")

        simple = _SIMPLE.get(tp) if not origin else None
        if simple is not None:
            return dict(simple)
        fmt = _FORMATS.get(tp) if not origin else None
        if fmt is not None:
            return _copy_schema(fmt)

        if origin is Literal:
            return _literal_schema(typing.get_args(tp))
        if origin in _UNION_TYPES:
            return self._union_schema(typing.get_args(tp))
        if _is_def_type(tp):
            return self._ref(tp)

        args = typing.get_args(tp)
        if origin in _ARRAY_ORIGINS or tp in _ARRAY_ORIGINS:
            return {"items": self.schema(args[0]) if args else {}, "type": "array"}
        if origin in _SET_ORIGINS or tp in _SET_ORIGINS:
            return {
                "items": self.schema(args[0]) if args else {},
                "type": "array",
                "uniqueItems": True,
            }
        if origin is tuple or tp is tuple or origin is typing.Tuple:  # noqa: UP006
            if not args or (len(args) == 2 and args[1] is Ellipsis):
                return {"items": self.schema(args[0]) if args else {}, "type": "array"}
            if args == ((),):
                args = ()
            fixed: _Schema = {"maxItems": len(args), "minItems": len(args), "type": "array"}
            if args:
                fixed["prefixItems"] = [self.schema(a) for a in args]
            return fixed
        if origin in _DICT_ORIGINS or tp in _DICT_ORIGINS:
            value_schema = self.schema(args[1]) if args else {}
            schema = {
                "additionalProperties": value_schema if value_schema else True,
                "type": "object",
            }
            key_type = _unwrap(args[0]) if args else str
            if typing.get_origin(key_type) is Literal or (
                isinstance(key_type, type) and issubclass(key_type, enum.Enum)
            ):
                key_schema = self.schema(key_type)
                key_schema.pop("type", None)
                schema["propertyNames"] = key_schema
            return schema
        if isinstance(tp, type) and issubclass(tp, tuple) and hasattr(tp, "_fields"):
            raise TypeError(f"NamedTuple types are not supported in strict schemas: {tp!r}")
        raise TypeError(f"cannot build a JSON schema for {tp!r}")

    def _union_schema(self, args: tuple[Any, ...]) -> _Schema:
        args = tuple(a for a in args if a is not msgspec.UnsetType)
        nullable = any(a is _NoneType or a is None for a in args)
        rest = [a for a in args if a is not _NoneType and a is not None]
        if not rest:
            return {"type": "null"}
        inner = (
            self.schema(rest[0]) if len(rest) == 1 else _union_of([self.schema(a) for a in rest])
        )
        if not nullable:
            return inner
        if inner == {"type": "null"}:
            return inner
        return _union_of([inner, {"type": "null"}])

    def _apply_meta(self, schema: _Schema, meta: Any) -> None:
        if isinstance(meta, msgspec.Meta):
            _apply_constraints(schema, meta)
            for key in ("title", "description", "examples"):
                value = getattr(meta, key)
                if value is not None:
                    schema[key] = value
            if meta.extra_json_schema:
                schema.update(meta.extra_json_schema)
            return
        cls_name = type(meta).__name__
        module = type(meta).__module__ or ""
        if cls_name == "FieldInfo" and module.startswith("pydantic"):
            for sub in getattr(meta, "metadata", ()):
                self._apply_meta(schema, sub)
            for key in ("title", "description", "examples"):
                value = getattr(meta, key, None)
                if value is not None:
                    schema[key] = value
            extra = getattr(meta, "json_schema_extra", None)
            if isinstance(extra, dict):
                schema.update(extra)
            return
        if module.startswith(("annotated_types", "pydantic")):
            _apply_constraints(schema, meta)

    def _def_schema(self, tp: Any) -> _Schema:
        cls = typing.get_origin(tp) or tp
        if issubclass(cls, enum.Enum):
            return _enum_schema(cls)
        if is_pydantic_model(cls):
            return self._pydantic_schema(tp)
        if issubclass(cls, msgspec.Struct):
            return self._struct_schema(tp, cls)
        if dataclasses.is_dataclass(cls):
            return self._dataclass_schema(cast(type, cls))
        return self._typeddict_schema(cls)

    def _object_schema(
        self,
        cls: type,
        fields: list[tuple[str, Any, bool, Any]],
        title: str,
        doc: str | None,
        first: _Schema | None = None,
    ) -> _Schema:
        properties: _Schema = dict(first or {})
        required: list[str] = list(first or {})
        for name, annotation, is_required, default in fields:
            prop = self.schema(annotation)
            if "title" not in prop and _field_title_should_be_set(annotation):
                prop["title"] = _title_from_name(name)
            if not is_required and default is not msgspec.NODEFAULT:
                try:
                    prop["default"] = _jsonable(default)
                except (TypeError, ValueError):
                    pass
            properties[name] = prop
            if is_required:
                required.append(name)
        schema: _Schema = {"properties": properties}
        if required:
            schema["required"] = required
        schema["title"] = title
        schema["type"] = "object"
        if doc:
            schema["description"] = inspect.cleandoc(doc)
        return schema

    def _struct_schema(self, tp: Any, cls: type) -> _Schema:
        config = cls.__struct_config__  # type: ignore[attr-defined]
        if config.array_like:
            raise TypeError(f"array_like Structs cannot have a strict object schema: {tp!r}")
        first = None
        if config.tag_field is not None:
            tag_schema = _literal_schema((config.tag,))
            tag_schema["title"] = _title_from_name(config.tag_field)
            first = {config.tag_field: tag_schema}
        fields = [
            (
                f.encode_name,
                f.type,
                f.required,
                f.default if f.default_factory is msgspec.NODEFAULT else msgspec.NODEFAULT,
            )
            for f in msgspec.structs.fields(tp)
        ]
        return self._object_schema(cls, fields, _display(tp), cls.__doc__, first)

    def _dataclass_schema(self, cls: type) -> _Schema:
        hints = typing.get_type_hints(cls, include_extras=True)
        fields = []
        for f in dataclasses.fields(cls):
            if not f.init:
                continue
            has_default = f.default is not dataclasses.MISSING
            has_factory = f.default_factory is not dataclasses.MISSING
            fields.append(
                (
                    f.name,
                    hints.get(f.name, Any),
                    not (has_default or has_factory),
                    f.default if has_default else msgspec.NODEFAULT,
                )
            )
        doc = cls.__doc__
        if doc is not None and doc.startswith(f"{cls.__name__}("):
            doc = None  # the signature dataclasses writes when there is no docstring
        return self._object_schema(cls, fields, cls.__name__, doc)

    def _typeddict_schema(self, cls: type) -> _Schema:
        hints = typing.get_type_hints(cls, include_extras=True)
        required_keys = cls.__required_keys__  # type: ignore[attr-defined]
        fields = []
        for name, annotation in hints.items():
            while _is_required_wrapper(typing.get_origin(annotation)):
                annotation = typing.get_args(annotation)[0]
            fields.append((name, annotation, name in required_keys, msgspec.NODEFAULT))
        return self._object_schema(cls, fields, cls.__name__, cls.__doc__)

    def _pydantic_schema(self, tp: Any) -> _Schema:
        # A pydantic model nested in a Struct/dataclass: pydantic writes it, its $defs join ours.
        schema = tp.model_json_schema(ref_template="#/$defs/{model}")
        nested = schema.pop("$defs", {})
        own = schema.get("$ref", "")
        if own.startswith("#/$defs/") and len(schema) == 1:  # recursive: pydantic refers to itself
            schema = nested.pop(own[len("#/$defs/") :])
        for name, sub in nested.items():
            key = ("pydantic", name)
            if key not in self.defs:
                d = _Def(key, name, name, name, sub)
                self.defs[key] = d
        return cast(_Schema, schema)


def _copy_schema(schema: _Schema) -> _Schema:
    return {k: (list(map(dict, v)) if isinstance(v, list) else v) for k, v in schema.items()}


def _literal_schema(values: tuple[Any, ...]) -> _Schema:
    # pydantic's literal_schema
    expected = [_jsonable(v.value if isinstance(v, enum.Enum) else v) for v in values]
    schema: _Schema = {}
    if len(expected) == 1:
        schema["const"] = expected[0]
    else:
        schema["enum"] = expected
    kinds = {type(e) for e in expected}
    if kinds == {str}:
        schema["type"] = "string"
    elif kinds == {int}:
        schema["type"] = "integer"
    elif kinds == {float}:
        schema["type"] = "number"
    elif kinds == {bool}:
        schema["type"] = "boolean"
    elif kinds == {list}:
        schema["type"] = "array"
    elif kinds == {_NoneType}:
        schema["type"] = "null"
    return schema


def _enum_schema(cls: type[enum.Enum]) -> _Schema:
    # pydantic's enum_schema
    description = inspect.cleandoc(cls.__doc__) if cls.__doc__ else None
    if description == "An enumeration.":
        description = None
    schema: _Schema = {"title": cls.__name__}
    if description is not None:
        schema["description"] = description
    expected = [_jsonable(member.value) for member in cls.__members__.values()]
    schema["enum"] = expected
    kinds = {type(e) for e in expected}
    if kinds == {str}:
        schema["type"] = "string"
    elif kinds == {int}:
        schema["type"] = "integer"
    elif kinds == {float}:
        schema["type"] = "number"
    elif kinds == {bool}:
        schema["type"] = "boolean"
    elif kinds == {list}:
        schema["type"] = "array"
    return schema


_CONSTRAINT_KEYS = {
    "gt": "exclusiveMinimum",
    "ge": "minimum",
    "lt": "exclusiveMaximum",
    "le": "maximum",
    "multiple_of": "multipleOf",
    "pattern": "pattern",
}
_LENGTH_KEYS = {
    "string": ("minLength", "maxLength"),
    "array": ("minItems", "maxItems"),
    "object": ("minProperties", "maxProperties"),
}


def _apply_constraints(schema: _Schema, meta: Any) -> None:
    for attr, key in _CONSTRAINT_KEYS.items():
        value = getattr(meta, attr, None)
        if value is not None:
            schema[key] = value.pattern if isinstance(value, re.Pattern) else value
    lengths = _LENGTH_KEYS.get(schema.get("type", ""))
    if lengths is not None:
        for attr, key in zip(("min_length", "max_length"), lengths, strict=True):
            value = getattr(meta, attr, None)
            if value is not None:
                schema[key] = value
