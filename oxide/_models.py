"""The Struct base of every API type, and the decoding every response goes through.

Everything under `oxide.types` is generated from the pinned `openai` SDK (`make sync-types`) and
builds on the hand-written pieces here. The contract other modules code against:

* `decode(tp, data)`: JSON `bytes`/`str` -> an instance of `tp` (a Struct class, a union alias
  such as `oxide.types.responses.ResponseStreamEvent`, `list[...]`, ...). One cached decoder per
  type, never a crash on a forward-compatible payload; `msgspec.DecodeError` /
  `msgspec.ValidationError` only for malformed JSON or a body of the wrong shape altogether.
* `convert(tp, obj)`: the same from already-decoded Python objects.
* `decoder_for(tp)`: the cached `data -> object` callable behind `decode`.

How the official SDK's pydantic behaviour maps onto msgspec
----------------------------------------------------------
Unset vs null (`exclude_unset`, `model_fields_set`)
    Every field defaults to `msgspec.UNSET` at run time, so a field absent from the JSON stays
    UNSET while an explicit `null` decodes to None. Optional fields (`x: Optional[T] = None` in
    the source) read back None while UNSET: their class attribute is a property over the slot
    (`_UnsetAsNone`, ~0.1 µs a read). Required fields keep plain slots (fast reads); one a sloppy
    server left out reads `UNSET` (falsy) where the SDK's `construct` reads None; dumps and
    repr show it as the SDK does. `to_dict()` (exclude_unset=True) omits exactly the fields the
    server omitted, like the SDK, and `msgspec.json.encode(obj)` writes exactly what was set.
    Objects built in code (`Model(a=1)`) count what was passed as set, like pydantic; missing
    required arguments are not checked at run time (type checkers see them as required).
Unknown fields (`model_extra`, F1)
    Models forbid unknown fields, so the fast C decode succeeds only when there are none (the
    common case costs nothing). Otherwise the lenient builder takes over: unknown keys are set
    aside (a set test per object) and the rest still converts in C. Every object keeps its
    unknown keys, readable as attributes (`delta.reasoning_content`), in `model_extra` and in
    `to_dict()`, as with pydantic's `extra="allow"`. A decoder that met extras skips its fast
    attempt for the next `_SKIP_FAST` payloads (a server that adds keys adds them every time).
    Keys the API sends on nearly every payload of a type but the SDK does not declare
    (`obfuscation` on stream events, `store` on Response) are "shadow" fields declared at run
    time only (`__oxide_shadow__`, see codegen/generate.py): decoded in C, reported as extras.
Open enums (F2)
    `Literal[...]` is the real Literal for type checkers; at run time it is the base type
    (`str`) annotated with the known values (`OpenLiteral`), so new values decode.
Unions (F3)
    Unions msgspec can express (`Optional[T]`, `Union[str, List[str]]`, `Union[str, Model]`) stay
    native. Others become a marker class (`_UnionType`) that msgspec hands to `_dec_hook`:
    discriminated unions pick the variant from a tag map; an unknown tag gives an
    `UnknownVariant` (a dict with attribute access: `.type`, raw data) where the SDK builds its
    first variant; known siblings keep their types. Without a tag (or when several variants
    share one) the variant is chosen like pydantic's smart mode would: ranked by required keys
    present, literal fields matching and known keys, the first that converts wins. A union
    whose variants differ in a literal field (usually `type`) decodes by that field. Top-level
    unions (`decode(ResponseStreamEvent, data)`) read the tag from the first bytes and decode
    the variant in one pass. `object` in annotations is `Any` at run time (`OpenDict`, ...).
Missing required fields (F4) and mismatched types (F5)
    Missing fields stay UNSET without leaving the fast path. A type mismatch falls back to the
    lenient builder (`_lenient`), which keeps the mismatched value as given, as the SDK does.
F6/F7 (lone surrogates, 1e400)
    msgspec refuses them; the payload is re-read with stdlib `json`.
`_request_id`
    Models have `dict=True`, so the HTTP layer sets `obj._request_id = ...` on the top-level
    object (one dict insert); nested objects raise AttributeError, as in the SDK. (`gc=False`
    cannot be combined with `dict=True`.)
SDK quirks not copied
    `construct` also keeps a renamed field's API key as an extra (`schema` next to `schema_`);
    union members that fully validate count their extras in `model_fields_set`.
"""

from __future__ import annotations

import copy as _copy
import json as _stdjson
import sys
import typing
from collections.abc import Callable, Iterable, Iterator
from typing import (
    TYPE_CHECKING,
    Annotated,
    Any,
    ClassVar,
    Literal,
    TypeVar,
    Union,
    cast,
    get_args,
    get_origin,
    overload,
)

import msgspec
from msgspec import NODEFAULT, UNSET, DecodeError, UnsetType, ValidationError

if sys.version_info >= (3, 11):
    from typing import NotRequired, Required, TypedDict, dataclass_transform
else:  # pragma: no cover - exercised on 3.10 only
    try:
        from typing_extensions import NotRequired, Required, TypedDict, dataclass_transform
    except ImportError:
        from typing import TypedDict

        class _PassThrough:
            def __getitem__(self, item: Any) -> Any:
                return item

        Required = NotRequired = _PassThrough()  # type: ignore[assignment]

        def _no_transform(**_: Any) -> Callable[[Any], Any]:
            return lambda cls: cls

        dataclass_transform = _no_transform  # type: ignore[assignment, unused-ignore]


__all__ = [
    "UNSET",
    "BaseModel",
    "GenericModel",
    "NotRequired",
    "OpenAnnotated",
    "OpenDict",
    "OpenList",
    "OpenLiteral",
    "OpenOptional",
    "OpenUnion",
    "PropertyInfo",
    "Required",
    "TypedDict",
    "UnknownVariant",
    "UnsetType",
    "convert",
    "decode",
    "decoder_for",
]

_T = TypeVar("_T")
_ModelT = TypeVar("_ModelT", bound="BaseModel")
_MISSING: Any = object()
_NoneType = type(None)
_FieldType = type(msgspec.field())


# --------------------------------------------------------------------------------------------
# Annotation helpers used by the generated modules
# --------------------------------------------------------------------------------------------


class PropertyInfo:
    """Metadata in `Annotated[...]`, as in the SDK: `alias` / `format` for request params,
    `discriminator` for response unions."""

    __slots__ = ("alias", "discriminator", "format", "format_template")

    def __init__(
        self,
        *,
        alias: str | None = None,
        format: str | None = None,
        format_template: str | None = None,
        discriminator: str | None = None,
    ) -> None:
        self.alias = alias
        self.format = format
        self.format_template = format_template
        self.discriminator = discriminator

    def _key(self) -> tuple[str | None, ...]:
        return (self.alias, self.format, self.format_template, self.discriminator)

    def __eq__(self, other: object) -> bool:
        return isinstance(other, PropertyInfo) and self._key() == other._key()

    def __hash__(self) -> int:
        return hash(self._key())

    def __repr__(self) -> str:
        args = ", ".join(
            f"{k}={v!r}"
            for k, v in zip(self.__slots__, self._sorted_key(), strict=True)
            if v is not None
        )
        return f"PropertyInfo({args})"

    def _sorted_key(self) -> tuple[str | None, ...]:
        return tuple(getattr(self, k) for k in self.__slots__)


class LiteralValues:
    """`Annotated` metadata carrying the values of a `Literal` that was opened at run time."""

    __slots__ = ("values",)

    def __init__(self, values: tuple[Any, ...]) -> None:
        self.values = values

    def __eq__(self, other: object) -> bool:
        return isinstance(other, LiteralValues) and self.values == other.values

    def __hash__(self) -> int:
        return hash(self.values)

    def __repr__(self) -> str:
        return f"LiteralValues({self.values!r})"


def _literal_values(tp: Any) -> tuple[Any, ...] | None:
    """The values of an opened Literal (`Annotated[str, LiteralValues]`), else None."""
    if get_origin(tp) is Annotated:
        for meta in tp.__metadata__:
            if isinstance(meta, LiteralValues):
                return meta.values
    return None


class _OpenLiteralForm:
    """`Literal` at run time in generated modules: `Literal["a", "b"]` is
    `Annotated[str, LiteralValues(("a", "b"))]`, so values the SDK does not know yet decode."""

    __slots__ = ("_cache",)

    def __init__(self) -> None:
        self._cache: dict[tuple[Any, ...], Any] = {}

    def __getitem__(self, values: Any) -> Any:
        if not isinstance(values, tuple):
            values = (values,)
        try:
            return self._cache[values]
        except (KeyError, TypeError):
            pass
        flat: list[Any] = []
        for v in values:
            inner = _literal_values(v)
            if inner is not None:
                flat.extend(inner)
            elif get_origin(v) is Literal:
                flat.extend(get_args(v))
            else:
                flat.append(v)
        bases: list[Any] = []
        for v in flat:
            base = _NoneType if v is None else type(v)
            if base not in bases:
                bases.append(base)
        base_type: Any = bases[0] if len(bases) == 1 else Union[tuple(bases)]  # noqa: UP007
        result = Annotated[base_type, LiteralValues(tuple(flat))]
        self._cache[values] = result
        return result

    def __repr__(self) -> str:
        return "OpenLiteral"


class _OpenUnionForm:
    """`Union` at run time in generated modules: the native union when msgspec can decode it,
    otherwise a `_UnionType` marker decoded through `_dec_hook`."""

    __slots__ = ()

    def __getitem__(self, args: Any) -> Any:
        if not isinstance(args, tuple):
            args = (args,)
        return _make_union(args, None)

    def __repr__(self) -> str:
        return "OpenUnion"


class _OpenAnnotatedForm:
    """`Annotated` at run time in generated modules: a union annotated with
    `PropertyInfo(discriminator=...)` becomes a discriminated `_UnionType`."""

    __slots__ = ()

    def __getitem__(self, params: Any) -> Any:
        tp, *meta = params
        for m in meta:
            if isinstance(m, PropertyInfo) and m.discriminator is not None:
                return _make_union(_union_members(tp), m.discriminator)
        params = (tp, *meta)
        return cast(Any, Annotated)[params]

    def __repr__(self) -> str:
        return "OpenAnnotated"


class _OpenContainerForm:
    """`List`, `Dict`, `Optional` at run time in generated modules: `object` arguments become
    `Any`. (With a `dec_hook`, msgspec treats `object` as a custom type and calls the hook for
    every value of a `Dict[str, object]`, e.g. each key of a JSON schema.)"""

    __slots__ = ("_form",)

    def __init__(self, form: Any) -> None:
        self._form = form

    def __getitem__(self, args: Any) -> Any:
        if isinstance(args, tuple):
            return self._form[tuple(Any if a is object else a for a in args)]
        return self._form[Any if args is object else args]

    def __repr__(self) -> str:
        return f"Open{self._form._name}"


OpenLiteral: Any = _OpenLiteralForm()
OpenUnion: Any = _OpenUnionForm()
OpenAnnotated: Any = _OpenAnnotatedForm()
OpenList: Any = _OpenContainerForm(list)
OpenDict: Any = _OpenContainerForm(dict)
OpenOptional: Any = _OpenContainerForm(typing.Optional)


# --------------------------------------------------------------------------------------------
# Union markers
# --------------------------------------------------------------------------------------------


class _UnionMeta(type):
    """msgspec checks that `dec_hook` returned an instance of the annotated type; for a union
    marker that means: one of the variants, an `UnknownVariant`, None or a kept raw value."""

    _oxide_check: tuple[type, ...]

    def __instancecheck__(cls, obj: object) -> bool:
        return isinstance(obj, cls._oxide_check)

    def __repr__(cls) -> str:
        return cast("str", cls.__dict__.get("_oxide_repr", type.__repr__(cls)))


class _UnionType(metaclass=_UnionMeta):
    """Base of the run-time stand-ins for unions msgspec cannot express natively."""

    __slots__ = ()
    _oxide_variants: ClassVar[tuple[Any, ...]] = ()
    _oxide_discriminator: ClassVar[str | None] = None
    _oxide_check: ClassVar[tuple[type, ...]] = ()
    _oxide_repr: ClassVar[str] = "Union"

    def __new__(cls, *args: Any, **kwargs: Any) -> Any:
        raise TypeError(f"{cls!r} is a union type alias; it cannot be instantiated")

    @classmethod
    def _oxide_decode(cls, obj: Any) -> Any:  # replaced per subclass
        raise NotImplementedError


_UNION_CACHE: dict[tuple[Any, ...], Any] = {}
_DUMMY_STRUCTS: list[type] = []
_NATIVE_OK: dict[tuple[Any, ...], bool] = {}


class _DummyCustom:
    pass


def _union_members(tp: Any) -> tuple[Any, ...]:
    if isinstance(tp, type) and issubclass(tp, _UnionType) and tp._oxide_discriminator is None:
        return tp._oxide_variants
    if get_origin(tp) is Union:
        return get_args(tp)
    return (tp,)


def _is_struct(tp: Any) -> bool:
    origin = get_origin(tp) or tp
    return isinstance(origin, type) and issubclass(origin, msgspec.Struct)


def _stand_in(tp: Any, n_struct: list[int]) -> Any:
    """A cheap type with the same msgspec union behaviour, to ask msgspec whether a union of
    these kinds is supported without resolving any Struct annotations."""
    if tp is _NoneType or tp is None:
        return _NoneType
    if get_origin(tp) is Annotated:
        return _stand_in(get_args(tp)[0], n_struct)
    if _is_struct(tp):
        i = n_struct[0]
        n_struct[0] += 1
        while len(_DUMMY_STRUCTS) <= i:
            _DUMMY_STRUCTS.append(msgspec.defstruct(f"_Dummy{len(_DUMMY_STRUCTS)}", []))
        return _DUMMY_STRUCTS[i]
    if isinstance(tp, type) and issubclass(tp, _UnionType):
        return _DummyCustom
    origin = get_origin(tp)
    if origin in (list, tuple, set, frozenset) or origin is Iterable:
        return list
    if origin is dict:
        return dict
    if tp in (str, int, float, bool, bytes, list, dict):
        return tp
    return _DummyCustom


def _native_ok(args: tuple[Any, ...]) -> bool:
    n = [0]
    stand_ins = tuple(_stand_in(a, n) for a in args)
    try:
        return _NATIVE_OK[stand_ins]
    except KeyError:
        pass
    try:
        msgspec.json.Decoder(Union[stand_ins])  # noqa: UP007
        ok = True
    except TypeError:
        ok = False
    _NATIVE_OK[stand_ins] = ok
    return ok


def _normalize_union_args(args: Iterable[Any]) -> tuple[Any, ...]:
    flat: list[Any] = []
    for a in args:
        if a is None:
            a = _NoneType
        if a is object:
            a = Any
        for m in _union_members(a) if (get_origin(a) is Union or _is_plain_union(a)) else (a,):
            if m is object:
                m = Any
            if m not in flat:
                flat.append(m)
    # Several opened Literals of one base type merge into one (msgspec allows one str type).
    out: list[Any] = []
    literal_by_base: dict[Any, list[Any]] = {}
    for a in flat:
        values = _literal_values(a)
        if values is not None:
            base = get_args(a)[0]
            if base in literal_by_base:
                literal_by_base[base].extend(v for v in values if v not in literal_by_base[base])
                continue
            literal_by_base[base] = list(values)
            out.append(("__literal__", base))
        else:
            out.append(a)
    result: list[Any] = []
    for a in out:
        if isinstance(a, tuple) and len(a) == 2 and a[0] == "__literal__":
            base = a[1]
            if base in flat:  # plain `str` absorbs `Literal["x"]`
                continue
            result.append(Annotated[base, LiteralValues(tuple(literal_by_base[base]))])
        else:
            result.append(a)
    return tuple(result)


def _is_plain_union(tp: Any) -> bool:
    return isinstance(tp, type) and issubclass(tp, _UnionType) and tp._oxide_discriminator is None


def _make_union(args: tuple[Any, ...], discriminator: str | None) -> Any:
    key = (args, discriminator)
    try:
        return _UNION_CACHE[key]
    except (KeyError, TypeError):
        pass
    members = _normalize_union_args(args)
    if Any in members and not any(
        _is_struct(m) or (isinstance(m, type) and issubclass(m, _UnionType)) for m in members
    ):
        result: Any = Any  # `Union[str, object]`: anything
    elif discriminator is None and len(members) == 1:
        result = members[0]
    elif discriminator is None and _native_ok(members):
        result = Union[members]  # noqa: UP007
    else:
        result = _new_union_type(members, discriminator)
    try:
        _UNION_CACHE[key] = result
    except TypeError:
        pass
    return result


def _type_name(tp: Any) -> str:
    """A short, typing-style spelling of a run-time type, for reprs and reports."""
    if tp is _NoneType or tp is None:
        return "None"
    values = _literal_values(tp)
    if values is not None:
        return f"Literal[{', '.join(map(repr, values))}]"
    if isinstance(tp, type) and issubclass(tp, _UnionType):
        return repr(tp)
    origin = get_origin(tp)
    if origin is not None:
        args = get_args(tp)
        if origin is Union:
            return f"Union[{', '.join(_type_name(a) for a in args)}]"
        if origin is Annotated:
            return _type_name(args[0])
        name = {list: "List", dict: "Dict", tuple: "Tuple", set: "Set"}.get(
            origin, getattr(origin, "__name__", repr(origin))
        )
        return f"{name}[{', '.join(_type_name(a) for a in args)}]"
    if tp is Any:
        return "Any"
    return getattr(tp, "__name__", repr(tp))


def _new_union_type(members: tuple[Any, ...], discriminator: str | None) -> type[_UnionType]:
    nullable = _NoneType in members
    variants = tuple(m for m in members if m is not _NoneType)
    check: list[type] = [UnknownVariant]
    if Any in variants:
        check.append(object)
    for v in variants:
        if v is Any:
            continue
        origin = get_origin(v)
        if origin is Annotated:
            v, origin = get_args(v)[0], get_origin(get_args(v)[0])
        if isinstance(v, type) and issubclass(v, _UnionType):
            check.extend(v._oxide_check)
        elif origin is not None and isinstance(origin, type):
            check.append(origin if origin is not Iterable else list)
        elif isinstance(v, type):
            check.append(v)
            if v is float:
                check.append(int)
    # Values we could not construct are kept as given (like the SDK's construct_type).
    check.extend((dict, list, str, int, float, bool))
    if nullable:
        check.append(_NoneType)
    inner = ", ".join(_type_name(v) for v in variants) + (", None" if nullable else "")
    name = f"Union[{inner}]"
    if discriminator is not None:
        name = f"Annotated[{name}, PropertyInfo(discriminator={discriminator!r})]"
    base: type[_UnionType] = _Discriminated if discriminator is not None else _Smart
    ns = {
        "__slots__": (),
        "_oxide_variants": variants,
        "_oxide_discriminator": discriminator,
        "_oxide_check": tuple(dict.fromkeys(check)),
        "_oxide_repr": name,
        "_oxide_nullable": nullable,
    }
    return cast("type[_UnionType]", _UnionMeta("_Union", (base,), ns))


class _VariantInfo:
    """What union selection needs to know about one Struct variant."""

    __slots__ = ("cls", "known", "literals", "required")

    def __init__(self, cls: Any) -> None:
        self.cls = cls
        origin = get_origin(cls) or cls
        fields = msgspec.structs.fields(cls)
        self.known = frozenset(f.encode_name for f in fields)
        req = getattr(origin, "__oxide_required__", None)
        if req is None:
            self.required = frozenset(
                f.encode_name
                for f in fields
                if f.default is NODEFAULT and f.default_factory is NODEFAULT
            )
        else:
            self.required = frozenset(f.encode_name for f in fields if f.name in req)
        literals: dict[str, tuple[Any, ...]] = {}
        for f in fields:
            values = _literal_values_deep(f.type)
            if values is not None:
                literals[f.encode_name] = values
        self.literals = literals

    def score(self, obj: dict[str, Any]) -> tuple[int, int, int] | None:
        matched = 0
        for key, values in self.literals.items():
            v = obj.get(key, _MISSING)
            if v is _MISSING or v is None:
                continue
            if v not in values:
                return None
            matched += 1
        missing = 0
        for key in self.required:
            if key not in obj:
                missing += 1
        known = sum(1 for k in obj if k in self.known)
        return (-missing, matched, known)


def _literal_values_deep(tp: Any) -> tuple[Any, ...] | None:
    values = _literal_values(tp)
    if values is not None:
        return values
    if get_origin(tp) is Union:
        args = [a for a in get_args(tp) if a is not _NoneType]
        if len(args) == 1:
            return _literal_values(args[0])
    return None


_VARIANT_INFO: dict[Any, _VariantInfo] = {}


def _variant_info(cls: Any) -> _VariantInfo:
    info = _VARIANT_INFO.get(cls)
    if info is None:
        info = _VARIANT_INFO[cls] = _VariantInfo(cls)
    return info


def _choose(candidates: tuple[Any, ...], obj: dict[str, Any]) -> Any:
    """Decode the dict `obj` as the object-like variant pydantic's smart mode would pick.

    Candidates are ranked (required keys present, literal fields matching, most known keys) and
    the first that converts without a type error wins; `Any` (an `object` member of the union)
    takes the dict as it is; if nothing converts, the best-ranked one is built leniently."""
    ranked: list[tuple[tuple[int, ...], int, Any]] = []
    for i, cand in enumerate(candidates):
        if cand is Any:
            score: tuple[int, ...] | None = (-(10**6), 0, 0)
        elif isinstance(cand, type) and issubclass(cand, _Discriminated):
            tag = obj.get(cand._oxide_field())
            score = (0, 1, len(obj)) if isinstance(tag, str) and tag in cand._oxide_map() else None
        elif _is_struct(cand):
            score = _variant_info(cand).score(obj)
        else:  # a dict type, a smart union: anything goes, with a low priority
            score = (-(10**5), 0, 0)
        if score is not None:
            ranked.append((score, -i, cand))
    if not ranked:
        return _to_variant(candidates[0], obj) if candidates[0] is not Any else obj
    ranked.sort(key=lambda r: (r[0], r[1]), reverse=True)
    for _, _, cand in ranked:
        if cand is Any:
            return obj
        if not _is_struct(cand):
            return _to_variant(cand, obj)
        try:
            return msgspec.convert(obj, cand, dec_hook=_dec_hook)
        except ValidationError:
            continue
    return _lenient(ranked[0][2], obj)


class _Discriminated(_UnionType):
    """A union with `PropertyInfo(discriminator=...)`: the tag picks the variant."""

    __slots__ = ()
    _oxide_nullable: ClassVar[bool] = False

    @classmethod
    def _oxide_field(cls) -> str:
        """The discriminator's name on the wire."""
        cls._oxide_map()
        return cast("str", cls.__dict__["_oxide_wire"])

    @classmethod
    def _oxide_map(cls) -> dict[str, Any]:
        mapping = cls.__dict__.get("_oxide_mapping")
        if mapping is not None:
            return cast("dict[str, Any]", mapping)
        name = cast("str", cls._oxide_discriminator)
        mapping = {}
        wire = name
        fallback: list[Any] = []

        def add(tag: str, variant: Any) -> None:
            # Several variants with one tag (realtime `message` items: system / user /
            # assistant) keep all of them; the rest of the object decides (`_choose`).
            seen = mapping.get(tag)
            if seen is None:
                mapping[tag] = variant
            elif seen is not variant:
                candidates = seen if isinstance(seen, tuple) else (seen,)
                if variant not in candidates:
                    mapping[tag] = (*candidates, variant)

        for v in cls._oxide_variants:
            if isinstance(v, type) and issubclass(v, _Discriminated):
                for tag, variant in v._oxide_map().items():
                    for each in variant if isinstance(variant, tuple) else (variant,):
                        add(tag, each)
                continue
            if not _is_struct(v):
                fallback.append(v)
                continue
            field = next((f for f in msgspec.structs.fields(v) if f.name == name), None)
            values = _literal_values_deep(field.type) if field is not None else None
            if field is None or values is None:
                fallback.append(v)
                continue
            wire = field.encode_name
            for value in values:
                if isinstance(value, str):
                    add(value, v)
        type.__setattr__(cls, "_oxide_wire", wire)
        type.__setattr__(cls, "_oxide_fallback", tuple(fallback))
        type.__setattr__(cls, "_oxide_mapping", mapping)
        # Precomputed for the top-level fast path (`_peek_tag`).
        type.__setattr__(
            cls, "_oxide_prefix", ('{"' + wire + '":"', ('{"' + wire + '":"').encode())
        )
        return mapping

    @classmethod
    def _oxide_decode(cls, obj: Any) -> Any:
        # Replaced on first use by a closure over this union's tag map (`_discriminated_decoder`).
        return _union_decode_fn(cls)(obj)


def _union_decode_fn(tp: type[_UnionType]) -> Callable[[Any], Any]:
    """The decode function of a union marker (built once; safe to hold on to)."""
    if issubclass(tp, _Discriminated):
        current = tp.__dict__.get("_oxide_decode")
        if isinstance(current, staticmethod):
            return cast("Callable[[Any], Any]", current.__func__)
        decode = _discriminated_decoder(tp)
        type.__setattr__(tp, "_oxide_decode", staticmethod(decode))
        return decode
    return tp._oxide_decode


def _variant_converter(variant: Any) -> Callable[[Any], Any]:
    if isinstance(variant, type) and issubclass(variant, _UnionType):
        return _union_decode_fn(variant)
    convert_ = msgspec.convert
    hook = _dec_hook

    def convert_variant(obj: Any) -> Any:
        try:
            return convert_(obj, variant, dec_hook=hook)
        except ValidationError:
            return _lenient(variant, obj)

    return convert_variant


def _choice_converter(candidates: tuple[Any, ...]) -> Callable[[Any], Any]:
    def convert_choice(obj: Any) -> Any:
        return _choose(candidates, obj)

    return convert_choice


def _discriminated_decoder(cls: type[_Discriminated]) -> Callable[[Any], Any]:
    mapping = cls._oxide_map()
    wire = cls._oxide_field()
    converters = {
        tag: _choice_converter(v) if isinstance(v, tuple) else _variant_converter(v)
        for tag, v in mapping.items()
    }
    variants = cls._oxide_variants

    def decode(obj: Any) -> Any:
        if type(obj) is dict:
            tag = obj.get(wire, _MISSING)
            if type(tag) is str:
                fn = converters.get(tag)
                if fn is not None:
                    return fn(obj)
                return UnknownVariant(obj)
            if tag is _MISSING or tag is None:
                # No tag: choose like a plain union (pydantic falls back the same way).
                return _choose(variants, obj)
            return UnknownVariant(obj)
        return obj  # None, or a value of the wrong shape kept as given

    return decode


class _Smart(_UnionType):
    """A union without a discriminator that msgspec cannot express."""

    __slots__ = ()
    _oxide_nullable: ClassVar[bool] = False

    @classmethod
    def _oxide_parts(cls) -> tuple[tuple[Any, ...], Any, Any]:
        parts = cls.__dict__.get("_oxide_parts_cache")
        if parts is not None:
            return cast("tuple[tuple[Any, ...], Any, Any]", parts)
        objects: list[Any] = []
        arrays: list[Any] = []
        scalars: list[Any] = []
        for v in cls._oxide_variants:
            inner = get_args(v)[0] if get_origin(v) is Annotated else v
            origin = get_origin(inner)
            if inner is Any:  # `object` in the union: takes any dict no variant converts
                objects.append(Any)
            elif _is_struct(inner) or (isinstance(inner, type) and issubclass(inner, _UnionType)):
                objects.append(v)
            elif origin is dict or inner is dict:
                objects.append(v)
            elif origin in (list, tuple, set, frozenset) or origin is Iterable or inner is list:
                arrays.append(v)
            else:
                scalars.append(v)
        scalar_type: Any = None
        if scalars:
            scalar_type = scalars[0] if len(scalars) == 1 else Union[tuple(scalars)]  # noqa: UP007
        array_type: Any = None
        if arrays:
            array_type = arrays[0] if len(arrays) == 1 else _ArrayChoice(tuple(arrays))
        parts = (tuple(objects), array_type, scalar_type)
        # Scalars taken as they are (a str for `Literal[...]`/str members, ...).
        plain: set[type] = set()
        for v in scalars:
            base = get_args(v)[0] if get_origin(v) is Annotated else v
            if base in (str, bool, float) or (base is int and float not in scalars):
                plain.add(base)
        type.__setattr__(cls, "_oxide_plain", frozenset(plain))
        type.__setattr__(cls, "_oxide_parts_cache", parts)
        type.__setattr__(cls, "_oxide_implicit", _implicit_tag(tuple(objects)))
        return parts

    @classmethod
    def _oxide_decode(cls, obj: Any) -> Any:
        objects, array_type, scalar_type = cls._oxide_parts()
        t = type(obj)
        if t is dict:
            if not objects:
                return obj
            if len(objects) == 1:
                return _to_variant(objects[0], obj)
            implicit = cls.__dict__["_oxide_implicit"]
            if implicit is not None:
                variant = implicit[1].get(obj.get(implicit[0]))
                if variant is not None:
                    return _to_variant(variant, obj)
            return _choose(objects, obj)
        if t is list:
            if array_type is None:
                return obj
            if isinstance(array_type, _ArrayChoice):
                return array_type.decode(obj)
            return _lenient(array_type, obj)
        if obj is None or t in cls.__dict__["_oxide_plain"]:
            return obj
        if scalar_type is not None:
            return _lenient(scalar_type, obj)
        return obj


def _implicit_tag(objects: tuple[Any, ...]) -> tuple[str, dict[Any, Any]] | None:
    """A key whose literal values tell every object variant apart (e.g. `type`), if any:
    the union then decodes like a discriminated one (the same choice pydantic makes)."""
    if len(objects) < 2 or not all(_is_struct(o) for o in objects):
        return None
    infos = [_variant_info(o) for o in objects]
    keys = set(infos[0].literals)
    for info in infos[1:]:
        keys &= set(info.literals)
    for key in sorted(keys, key=lambda k: (k != "type", k)):
        mapping: dict[Any, Any] = {}
        for o, info in zip(objects, infos, strict=True):
            for value in info.literals[key]:
                if value in mapping:
                    break
                mapping[value] = o
            else:
                continue
            break
        else:
            return key, mapping
    return None


class _ArrayChoice:
    """Several list types in one union (`Union[List[str], List[int]]`): the first whose items
    all convert wins."""

    __slots__ = ("types",)

    def __init__(self, types: tuple[Any, ...]) -> None:
        self.types = types

    def decode(self, obj: list[Any]) -> Any:
        for tp in self.types:
            try:
                return msgspec.convert(obj, tp, dec_hook=_dec_hook)
            except ValidationError:
                continue
        return _lenient(self.types[0], obj)


def _to_variant(variant: Any, obj: dict[str, Any]) -> Any:
    if isinstance(variant, type) and issubclass(variant, _UnionType):
        return variant._oxide_decode(obj)
    try:
        return msgspec.convert(obj, variant, dec_hook=_dec_hook)
    except ValidationError:
        return _lenient(variant, obj)


def _dec_hook(tp: Any, obj: Any) -> Any:
    try:
        decode_union = tp._oxide_decode
    except AttributeError:
        if tp is object:  # `Optional[object]`: msgspec treats `object` in a union as custom
            return obj
        raise NotImplementedError from None
    return decode_union(obj)


class UnknownVariant(dict):  # type: ignore[type-arg]
    """A union member whose tag this SDK version does not know (a new output item or stream
    event type). It is the raw JSON object, with attribute access: `item.type`, `item.id`.

    Keys that are also `dict` method names (`items`, `values`, ...) need `item["items"]`."""

    __slots__ = ()

    def __getattr__(self, name: str) -> Any:
        try:
            return self[name]
        except KeyError:
            raise AttributeError(name) from None

    def __repr__(self) -> str:
        return f"UnknownVariant({dict.__repr__(self)})"

    @property
    def model_extra(self) -> dict[str, Any]:
        return {}

    @property
    def model_fields_set(self) -> set[str]:
        return set(self)

    def to_dict(
        self,
        *,
        mode: Literal["json", "python"] = "python",
        use_api_names: bool = True,
        exclude_unset: bool = True,
        exclude_defaults: bool = False,
        exclude_none: bool = False,
        warnings: bool = True,
    ) -> dict[str, object]:
        return self.model_dump(exclude_none=exclude_none)

    def model_dump(self, **kwargs: Any) -> dict[str, Any]:
        """The raw object; `exclude_none` drops its null keys (as the SDK's first-variant
        object would)."""
        opts = _DumpOptions(bool(kwargs.get("exclude_none")))
        return {
            k: _dump_value(v, opts)
            for k, v in self.items()
            if not (v is None and opts.exclude_none)
        }

    def to_json(self, *, indent: int | None = 2, **kwargs: Any) -> str:
        return _to_json(self.model_dump(**kwargs), indent)

    def model_dump_json(self, *, indent: int | None = None, **kwargs: Any) -> str:
        return _to_json(self.model_dump(**kwargs), indent)


# --------------------------------------------------------------------------------------------
# The Struct base
# --------------------------------------------------------------------------------------------


class _classproperty:
    def __init__(self, fget: Callable[[Any], Any]) -> None:
        self.fget = fget

    def __get__(self, obj: Any, owner: Any) -> Any:
        return self.fget(owner)


class _UnsetAsNone(property):
    """The class attribute of an optional field: reads UNSET (absent from the JSON) as None."""

    member: Any

    def __init__(self, member: Any) -> None:
        get = member.__get__
        set_ = member.__set__

        def fget(obj: Any, _get: Any = get, _unset: Any = UNSET) -> Any:
            value = _get(obj)
            return None if value is _unset else value

        def fdel(obj: Any) -> None:
            set_(obj, UNSET)

        super().__init__(fget, set_, fdel)
        self.member = member


def _own_annotations(namespace: dict[str, Any]) -> dict[str, Any]:
    ann = namespace.get("__annotations__")
    if ann is None and "__annotate__" in namespace:  # Python 3.14+
        import annotationlib  # type: ignore[import-not-found,unused-ignore]

        ann = annotationlib.call_annotate_function(
            namespace["__annotate__"], annotationlib.Format.FORWARDREF
        )
    return dict(ann or {})


def _is_classvar(annotation: Any) -> bool:
    if isinstance(annotation, str):
        return annotation.startswith(("ClassVar", "typing.ClassVar"))
    return annotation is ClassVar or get_origin(annotation) is ClassVar


def _rewrite_defaults(namespace: dict[str, Any]) -> tuple[set[str], set[str]]:
    """Give every field a run-time default of UNSET; return (required, optional) names."""
    required: set[str] = set()
    optional: set[str] = set()
    factory: set[str] = set()
    for name, annotation in _own_annotations(namespace).items():
        if _is_classvar(annotation):
            continue
        value = namespace.get(name, _MISSING)
        if value is _MISSING:
            namespace[name] = UNSET
            required.add(name)
        elif value is None:
            namespace[name] = UNSET
            optional.add(name)
        elif type(value) is _FieldType:
            if value.default is NODEFAULT and value.default_factory is NODEFAULT:
                namespace[name] = msgspec.field(default=UNSET, name=value.name)
                required.add(name)
            elif value.default is None:
                namespace[name] = msgspec.field(default=UNSET, name=value.name)
                optional.add(name)
            elif value.default_factory is not NODEFAULT:
                # `FieldInfo(default_factory=dict)`: optional. Absent, the SDK's `construct`
                # reads it as None (it does not call the factory), and so does oxide; its
                # default is not None, so `exclude_defaults` keeps it (`__oxide_factory__`).
                namespace[name] = msgspec.field(default=UNSET, name=value.name)
                optional.add(name)
                factory.add(name)
    if factory:
        namespace["__oxide_factory__"] = frozenset(factory)
    return required, optional


def _add_shadow_fields(
    namespace: dict[str, Any], names: tuple[str, ...], bases: tuple[type, ...]
) -> set[str]:
    """Run-time-only fields (`__oxide_shadow__`): undeclared keys the API sends often enough to
    decode at full speed (`obfuscation` on stream events); dumped and reported like extras."""
    if "__annotations__" not in namespace and "__annotate__" in namespace:  # Python 3.14+
        namespace["__annotations__"] = _own_annotations(namespace)
        del namespace["__annotate__"]
    ann = namespace.setdefault("__annotations__", {})
    added = set()
    inherited = {f for b in bases for f in getattr(b, "__struct_fields__", ())}
    for name in names:
        if name not in ann and name not in inherited:
            ann[name] = Any
            namespace[name] = UNSET
            added.add(name)
    return added


class _ModelMeta(msgspec.StructMeta):
    def __new__(
        mcls, name: str, bases: tuple[type, ...], namespace: dict[str, Any], **kwargs: Any
    ) -> Any:
        kwargs.setdefault("kw_only", True)
        own_required, own_optional = _rewrite_defaults(namespace)
        own_shadow = _add_shadow_fields(
            namespace, tuple(namespace.get("__oxide_shadow__", ())), bases
        )
        cls = super().__new__(mcls, name, bases, namespace, **kwargs)
        required: set[str] = set()
        optional: set[str] = set()
        shadow: set[str] = set(own_shadow)
        for base in reversed(cls.__mro__[1:]):
            required |= base.__dict__.get("__oxide_required__", frozenset())
            optional |= base.__dict__.get("__oxide_optional__", frozenset())
            required -= base.__dict__.get("__oxide_optional__", frozenset())
            optional -= base.__dict__.get("__oxide_required__", frozenset())
            shadow |= base.__dict__.get("__oxide_shadow_fields__", frozenset())
        required = (required - own_optional) | own_required
        optional = (optional - own_required) | own_optional
        shadow -= required | optional
        type.__setattr__(cls, "__oxide_required__", frozenset(required))
        type.__setattr__(cls, "__oxide_optional__", frozenset(optional))
        type.__setattr__(cls, "__oxide_shadow_fields__", frozenset(shadow))
        for field in cls.__struct_fields__:
            descriptor = next(k.__dict__[field] for k in cls.__mro__ if field in k.__dict__)
            member = getattr(descriptor, "member", descriptor)
            if field in optional or field in shadow:
                if not (isinstance(descriptor, _UnsetAsNone) and descriptor.member is member):
                    type.__setattr__(cls, field, _UnsetAsNone(member))
            elif isinstance(descriptor, _UnsetAsNone):
                type.__setattr__(cls, field, member)
        return cls


@dataclass_transform(kw_only_default=True, field_specifiers=(msgspec.field,))
class BaseModel(
    msgspec.Struct, metaclass=_ModelMeta, dict=True, forbid_unknown_fields=True, kw_only=True
):
    """Base of every API object: a msgspec Struct with the official SDK's model methods.

    Decode through `oxide._models.decode`/`convert` (or the client): a plain
    `msgspec.json.decode(data, type=Model)` rejects unknown fields, by design (see module doc).
    """

    if TYPE_CHECKING:

        @property
        def _request_id(self) -> str | None:
            """The `x-request-id` of the response; set on the top-level object only."""

        @_request_id.setter
        def _request_id(self, value: str | None) -> None: ...

    # -- dumping ---------------------------------------------------------------------------

    def to_dict(
        self,
        *,
        mode: Literal["json", "python"] = "python",
        use_api_names: bool = True,
        exclude_unset: bool = True,
        exclude_defaults: bool = False,
        exclude_none: bool = False,
        warnings: bool = True,
    ) -> dict[str, object]:
        """The object as a dict, keyed by API names, without the fields the API did not send
        (the SDK's defaults)."""
        _check_mode(mode)
        return _dump_struct(
            self, _DumpOptions(exclude_none, exclude_unset, exclude_defaults, use_api_names)
        )

    def _api_dict(self) -> dict[str, object]:
        """The object as a request sends it back (`oxide._json.to_jsonable`)."""
        return _dump_struct(self, _API_DUMP)

    def to_json(
        self,
        *,
        indent: int | None = 2,
        use_api_names: bool = True,
        exclude_unset: bool = True,
        exclude_defaults: bool = False,
        exclude_none: bool = False,
        warnings: bool = True,
    ) -> str:
        """JSON as the API sent it (indented by default)."""
        data = _dump_struct(
            self, _DumpOptions(exclude_none, exclude_unset, exclude_defaults, use_api_names)
        )
        return _to_json(data, indent)

    def model_dump(
        self,
        *,
        mode: Literal["json", "python"] | str = "python",
        include: Any = None,
        exclude: Any = None,
        context: Any = None,
        by_alias: bool | None = None,
        exclude_unset: bool = False,
        exclude_defaults: bool = False,
        exclude_none: bool = False,
        exclude_computed_fields: bool = False,
        round_trip: bool = False,
        warnings: bool | Literal["none", "warn", "error"] = True,
        fallback: Callable[[Any], Any] | None = None,
        serialize_as_any: bool = False,
    ) -> dict[str, Any]:
        """pydantic's `model_dump`: Python field names and unset fields included by default."""
        _check_mode(mode)
        opts = _DumpOptions(exclude_none, exclude_unset, exclude_defaults, bool(by_alias))
        data = _dump_struct(self, opts)
        if include is not None or exclude is not None:
            data = _filter(data, include, exclude)
        return data

    def model_dump_json(
        self,
        *,
        indent: int | None = None,
        ensure_ascii: bool = False,
        include: Any = None,
        exclude: Any = None,
        context: Any = None,
        by_alias: bool | None = None,
        exclude_unset: bool = False,
        exclude_defaults: bool = False,
        exclude_none: bool = False,
        exclude_computed_fields: bool = False,
        round_trip: bool = False,
        warnings: bool | Literal["none", "warn", "error"] = True,
        fallback: Callable[[Any], Any] | None = None,
        serialize_as_any: bool = False,
    ) -> str:
        data = self.model_dump(
            mode="json",
            include=include,
            exclude=exclude,
            by_alias=by_alias,
            exclude_unset=exclude_unset,
            exclude_defaults=exclude_defaults,
            exclude_none=exclude_none,
        )
        return _to_json(data, indent, ensure_ascii)

    # -- building --------------------------------------------------------------------------

    @classmethod
    def model_validate(
        cls: type[_ModelT],
        obj: Any,
        *,
        strict: bool | None = None,
        from_attributes: bool | None = None,
        context: Any = None,
        by_alias: bool | None = None,
        by_name: bool | None = None,
    ) -> _ModelT:
        """Build from a dict keyed by API names, checking types (`msgspec.ValidationError`).
        Unknown keys are kept (`model_extra`); absent fields stay unset."""
        if isinstance(obj, cls):
            return obj
        result: Any = convert(cls, obj)
        if not isinstance(result, cls):
            raise ValidationError(f"Expected `object`, got `{type(obj).__name__}`")
        # Type check what the lenient path kept as given.
        msgspec.convert(msgspec.to_builtins(result), cls, dec_hook=_dec_hook)
        return result

    @classmethod
    def model_validate_json(cls: type[_ModelT], json_data: str | bytes, **_: Any) -> _ModelT:
        return cls.model_validate(_loads(json_data))

    @classmethod
    def construct(
        cls: type[_ModelT], _fields_set: set[str] | None = None, **values: Any
    ) -> _ModelT:
        """Build without validation, recursively, from values keyed by API names (the SDK's
        `construct`). Nested dicts become models; mismatched values are kept as given."""
        return cast("_ModelT", _lenient(cls, values))

    model_construct = construct

    def model_copy(
        self: _ModelT, *, update: dict[str, Any] | None = None, deep: bool = False
    ) -> _ModelT:
        new = msgspec.structs.replace(self, **(update or {}))
        state = _instance_dict(self)
        if state:
            new.__dict__.update(state)
        return _copy.deepcopy(new) if deep else new

    # -- introspection ---------------------------------------------------------------------

    @_classproperty
    def model_fields(cls) -> dict[str, msgspec.structs.FieldInfo]:
        """The declared fields (msgspec `FieldInfo`s, by Python name), like pydantic's."""
        shadow: frozenset[str] = getattr(cls, "__oxide_shadow_fields__", frozenset())
        return {f.name: f for f in msgspec.structs.fields(cls) if f.name not in shadow}

    @property
    def model_fields_set(self) -> set[str]:
        """Names of the fields that were set (present in the JSON, or passed)."""
        shadow = type(self).__oxide_shadow_fields__  # type: ignore[attr-defined]
        return {
            name
            for name, value in zip(
                self.__struct_fields__, msgspec.structs.astuple(self), strict=True
            )
            if value is not UNSET and name not in shadow
        }

    @property
    def model_extra(self) -> dict[str, Any]:
        """Fields the API sent that this SDK version does not know."""
        extra = getattr(self, "__oxide_extra__", None)
        if extra is None:
            extra = {}
            self.__dict__["__oxide_extra__"] = extra
        shadow = [item for item in _shadow_items(self) if item[0] not in extra]
        if shadow:
            return {**dict(shadow), **extra}
        return cast("dict[str, Any]", extra)

    # -- dunder ----------------------------------------------------------------------------

    def __repr__(self) -> str:
        return f"{type(self).__name__}({', '.join(f'{k}={v!r}' for k, v in self._repr_items())})"

    __str__ = __repr__

    def __rich_repr__(self) -> list[tuple[str, Any]]:
        return list(self._repr_items())

    def _repr_pretty_(self, printer: Any, cycle: bool) -> None:
        """IPython's pretty printer: nested objects as an indented tree, like rich's."""
        name = type(self).__name__
        if cycle:
            printer.text(f"{name}(...)")
            return
        with printer.group(4, f"{name}(", ")"):
            for i, (key, value) in enumerate(self._repr_items()):
                if i:
                    printer.text(",")
                printer.breakable("")
                printer.text(f"{key}=")
                printer.pretty(value)

    def __iter__(self) -> Iterator[tuple[str, Any]]:
        """`dict(model)`, as with pydantic: (name, value) pairs."""
        yield from self._repr_items(hidden=())

    def _repr_items(self, hidden: Any = None) -> Iterator[tuple[str, Any]]:
        # `FieldInfo(repr=False)` fields (a webhook's signing secret) stay out of reprs.
        if hidden is None:
            hidden = getattr(type(self), "__oxide_hidden__", ())
        shadow = None
        for (name, _wire, kind), value in zip(
            _plan(type(self)), msgspec.structs.astuple(self), strict=True
        ):
            if name in hidden:
                continue
            if kind == _SHADOW:
                if value is not UNSET:
                    shadow = shadow or []
                    shadow.append((name, value))
                continue
            if value is UNSET:
                value = None
            yield name, value
        extra = getattr(self, "__oxide_extra__", None)
        if shadow:
            yield from (item for item in shadow if not (extra and item[0] in extra))
        if extra:
            yield from extra.items()

    def __eq__(self, other: object) -> bool:
        """Like pydantic: same class, same field values (absent reads as None), same extras."""
        if type(other) is not type(self):
            return NotImplemented
        mine = msgspec.structs.astuple(self)
        theirs = msgspec.structs.astuple(other)
        if mine != theirs:
            for a, b in zip(mine, theirs, strict=True):
                if a is not b and (None if a is UNSET else a) != (None if b is UNSET else b):
                    return False
        return bool(
            (getattr(self, "__oxide_extra__", None) or {})
            == (getattr(other, "__oxide_extra__", None) or {})
        )

    __hash__ = None  # type: ignore[assignment]

    def __reduce__(self) -> Any:
        state = _instance_dict(self)
        return (_rebuild, (type(self), msgspec.structs.astuple(self), state or None))

    def __copy__(self: _ModelT) -> _ModelT:
        new = msgspec.structs.replace(self)
        state = _instance_dict(self)
        if state:
            new.__dict__.update(state)
        return new


GenericModel = BaseModel


def _rebuild(cls: type[BaseModel], values: tuple[Any, ...], state: dict[str, Any] | None) -> Any:
    obj = cls(**dict(zip(cls.__struct_fields__, values, strict=True)))
    if state:
        obj.__dict__.update(state)
    return obj


def _instance_dict(obj: Any) -> dict[str, Any] | None:
    # `obj.__dict__` would allocate an empty dict on objects that never had one.
    if (
        getattr(obj, "__oxide_extra__", None) is None
        and getattr(obj, "_request_id", _MISSING) is _MISSING
    ):
        try:
            d = object.__getattribute__(obj, "__dict__")
        except AttributeError:
            return None
        return d or None
    return cast("dict[str, Any]", obj.__dict__)


# --------------------------------------------------------------------------------------------
# Dumping
# --------------------------------------------------------------------------------------------


class _DumpOptions:
    __slots__ = ("by_alias", "exclude_defaults", "exclude_none", "exclude_unset", "for_api")

    def __init__(
        self,
        exclude_none: bool = False,
        exclude_unset: bool = True,
        exclude_defaults: bool = False,
        by_alias: bool = True,
        for_api: bool = False,
    ) -> None:
        self.exclude_none = exclude_none
        self.exclude_unset = exclude_unset
        self.exclude_defaults = exclude_defaults
        self.by_alias = by_alias
        # Sent back in a request: leave out the client-side fields a class names in
        # `__api_exclude__` (`parsed` of a parsed output text), at any depth, as the SDK does.
        self.for_api = for_api


_API_DUMP = _DumpOptions(for_api=True)
_REQUIRED, _OPTIONAL, _SHADOW = 0, 1, 2
_PLANS: dict[type, tuple[tuple[str, str, int], ...]] = {}


def _plan(cls: type) -> tuple[tuple[str, str, int], ...]:
    """(name, API name, kind) per field, in field order."""
    plan = _PLANS.get(cls)
    if plan is None:
        optional: frozenset[str] = getattr(cls, "__oxide_optional__", frozenset())
        optional -= getattr(cls, "__oxide_factory__", frozenset())  # dumped as required ones
        shadow: frozenset[str] = getattr(cls, "__oxide_shadow_fields__", frozenset())
        plan = tuple(
            (
                name,
                wire,
                _SHADOW if name in shadow else _OPTIONAL if name in optional else _REQUIRED,
            )
            for name, wire in zip(cls.__struct_fields__, cls.__struct_encode_fields__, strict=True)  # type: ignore[attr-defined]
        )
        _PLANS[cls] = plan
    return plan


def _shadow_items(obj: Any) -> list[tuple[str, Any]]:
    return [
        (wire, value)
        for (_name, wire, kind), value in zip(
            _plan(type(obj)), msgspec.structs.astuple(obj), strict=True
        )
        if kind == _SHADOW and value is not UNSET
    ]


def _dump_struct(obj: Any, o: _DumpOptions) -> dict[str, Any]:
    out: dict[str, Any] = {}
    shadow = None
    excluded = getattr(type(obj), "__api_exclude__", None) if o.for_api else None
    for (name, wire, kind), value in zip(
        _plan(type(obj)), msgspec.structs.astuple(obj), strict=True
    ):
        if excluded and name in excluded:
            continue
        if value is UNSET:
            # Absent from the payload. The SDK's construct leaves it unset but reads it as None
            # (a required field too, whose "default" is then None).
            if o.exclude_unset or kind == _SHADOW or (o.exclude_defaults and kind == _OPTIONAL):
                continue
            value = None
        elif kind == _SHADOW:  # an extra: API name, after the declared fields
            shadow = shadow or []
            shadow.append((wire, value))
            continue
        elif value is None:
            if o.exclude_defaults and kind == _OPTIONAL:
                continue
        if value is None:
            if o.exclude_none:
                continue
            out[wire if o.by_alias else name] = None
            continue
        out[wire if o.by_alias else name] = _dump_value(value, o)
    extra = getattr(obj, "__oxide_extra__", None)
    if shadow:
        for wire, value in shadow:
            if (value is None and o.exclude_none) or (extra and wire in extra):
                continue
            out[wire] = _dump_value(value, o)
    if extra:
        for key, value in extra.items():
            if value is None and o.exclude_none:
                continue
            out.setdefault(key, _dump_value(value, o))
    return out


def _dump_value(value: Any, o: _DumpOptions) -> Any:
    t = type(value)
    if t is str or t is int or t is float or t is bool or value is None:
        return value
    if t is list or t is tuple:
        return [_dump_value(v, o) for v in value]
    if isinstance(value, msgspec.Struct):
        return _dump_struct(value, o)
    if isinstance(value, dict):
        return {k: _dump_value(v, o) for k, v in value.items()}
    dump = getattr(value, "model_dump", None)  # a user's pydantic model in `parsed`
    if dump is not None:
        return dump(mode="json", by_alias=o.by_alias, exclude_none=o.exclude_none)
    return value


def _check_mode(mode: str) -> None:
    if mode not in ("json", "python"):
        raise ValueError("mode must be either 'json' or 'python'")


def _to_json(data: Any, indent: int | None, ensure_ascii: bool = False) -> str:
    if ensure_ascii:
        return _stdjson.dumps(data, indent=indent, ensure_ascii=True)
    raw = msgspec.json.encode(data)
    if indent is not None:
        raw = msgspec.json.format(raw, indent=indent)
    return raw.decode()


def _filter(data: dict[str, Any], include: Any, exclude: Any) -> dict[str, Any]:
    def as_map(spec: Any) -> dict[Any, Any]:
        if isinstance(spec, dict):
            return spec
        return dict.fromkeys(spec, True)

    out: dict[str, Any] = {}
    inc = as_map(include) if include is not None else None
    exc = as_map(exclude) if exclude is not None else {}
    for key, value in data.items():
        if inc is not None and key not in inc:
            continue
        sub_exc = exc.get(key)
        if sub_exc is True:
            continue
        sub_inc = inc.get(key) if inc is not None else None
        if isinstance(value, dict) and (
            isinstance(sub_inc, (dict, set)) or isinstance(sub_exc, (dict, set))
        ):
            value = _filter(
                value,
                sub_inc if isinstance(sub_inc, (dict, set)) else None,
                sub_exc if isinstance(sub_exc, (dict, set)) else None,
            )
        out[key] = value
    return out


# --------------------------------------------------------------------------------------------
# Lenient construction (the slow path): the SDK's `construct_type` on our run-time types
# --------------------------------------------------------------------------------------------

_LENIENT: dict[Any, Callable[[Any], Any]] = {}


def _lenient(tp: Any, value: Any) -> Any:
    return _handler_for(tp)(value)


def _handler_for(tp: Any) -> Callable[[Any], Any]:
    handler = _LENIENT.get(tp)
    if handler is None:
        handler = _lenient_handler(tp)
        try:
            _LENIENT[tp] = handler
        except TypeError:  # an unhashable annotation
            pass
    return handler


def _identity(value: Any) -> Any:
    return value


def _lenient_handler(tp: Any) -> Callable[[Any], Any]:
    if tp is Any or tp is object or isinstance(tp, TypeVar):
        return _identity
    if isinstance(tp, type) and issubclass(tp, _UnionType):
        return _union_decode_fn(tp)
    origin = get_origin(tp)
    if origin is Annotated:
        return _handler_for(get_args(tp)[0])
    if _is_struct(tp):
        return _struct_handler(tp)
    if origin is Union:
        return _native_union_handler(tp)
    if origin in (list, tuple, set, frozenset) or origin is Iterable:
        args = get_args(tp)
        item = args[0] if args else Any

        def list_handler(value: Any) -> Any:
            if type(value) is not list:
                return value
            h = _handler_for(item)
            return [h(v) for v in value]

        return list_handler
    if origin is dict:
        args = get_args(tp)
        vt = args[1] if len(args) == 2 else Any

        def dict_handler(value: Any) -> Any:
            if type(value) is not dict:
                return value
            h = _handler_for(vt)
            return {k: h(v) for k, v in value.items()}

        return dict_handler
    if tp is float:
        return _float_handler
    plain = _plain_types(tp)

    def scalar_handler(value: Any) -> Any:
        if type(value) in plain:
            return value
        try:
            return msgspec.convert(value, tp, dec_hook=_dec_hook)
        except (ValidationError, TypeError):
            return value

    return scalar_handler


def _plain_types(tp: Any) -> frozenset[type]:
    """Python types a value of annotation `tp` can have as decoded JSON, taken as they are."""
    if get_origin(tp) is Annotated:
        return _plain_types(get_args(tp)[0])
    if tp in (str, int, bool):
        return frozenset({tp})
    if tp is _NoneType:
        return frozenset({_NoneType})
    return frozenset()


def _float_handler(value: Any) -> Any:
    if type(value) is int:
        f = float(value)
        return f if f == value else value
    return value


def _native_union_handler(tp: Any) -> Callable[[Any], Any]:
    args = get_args(tp)
    structs = [a for a in args if _is_struct(a)]
    plain = frozenset().union(*(_plain_types(a) for a in args if a is not float))

    def handler(value: Any) -> Any:
        if value is None or type(value) in plain:
            return value
        try:
            return msgspec.convert(value, tp, dec_hook=_dec_hook)
        except ValidationError:
            pass
        if type(value) is dict and structs:
            return _lenient(structs[0], value)
        for a in args:
            if a is _NoneType:
                continue
            origin = get_origin(a)
            if type(value) is list and (origin in (list, tuple, set) or origin is Iterable):
                return _lenient(a, value)
        return value

    return handler


def _struct_handler(tp: Any) -> Callable[[Any], Any]:
    """Unknown keys are set aside first (cheap set test) so the rest still converts in C; only
    when that fails too (a mismatched type, unknown keys deeper down) is the object built field
    by field, each field through its own lenient handler. A class whose conversion just failed
    skips the attempt for a while (the same server sends the same shape again)."""
    origin = get_origin(tp) or tp
    fields: dict[str, tuple[str, Callable[[Any], Any]]] = {}
    known: frozenset[str] = frozenset()
    shadow: frozenset[str] = frozenset()
    skip = 0

    def handler(value: Any) -> Any:
        nonlocal fields, known, shadow, skip
        if type(value) is not dict:
            return value
        if not known:
            specs = msgspec.structs.fields(tp)
            fields = {f.encode_name: (f.name, _handler_for(f.type)) for f in specs}
            known = frozenset(fields)
            names: frozenset[str] = getattr(origin, "__oxide_shadow_fields__", frozenset())
            shadow = frozenset(f.encode_name for f in specs if f.name in names)
        extra: dict[str, Any] | None = None
        if not known.issuperset(value):
            # Shadow fields stay with the extras, in payload order (as the SDK dumps them).
            extra = {k: v for k, v in value.items() if k not in known or k in shadow}
            value = {k: v for k, v in value.items() if k in known}
        obj = None
        if skip:
            skip -= 1
        else:
            try:
                obj = msgspec.convert(value, tp, dec_hook=_dec_hook)
            except ValidationError:
                skip = _SKIP_FAST
        if obj is None:
            kwargs: dict[str, Any] = {}
            for key, item in value.items():
                name, field_handler = fields[key]
                kwargs[name] = None if item is None else field_handler(item)
            obj = origin(**kwargs)
        if extra:
            _attach_extra(obj, extra)
        return obj

    return handler


def _attach_extra(obj: Any, extra: dict[str, Any]) -> None:
    try:
        d = obj.__dict__
    except AttributeError:  # a Struct without dict=True: nowhere to keep them
        return
    d["__oxide_extra__"] = extra
    cls = type(obj)
    for key, value in extra.items():
        # Attribute access like pydantic's extra="allow", unless it would shadow the class.
        if key.isidentifier() and not hasattr(cls, key):
            d[key] = value


# --------------------------------------------------------------------------------------------
# decode / convert / decoder_for
# --------------------------------------------------------------------------------------------

_DECODERS: dict[Any, Callable[[Any], Any]] = {}
_CONVERTERS: dict[Any, Callable[[Any], Any]] = {}


def _loads(data: Any) -> Any:
    """Untyped parse for the slow path; stdlib json for what msgspec refuses (F6, F7)."""
    try:
        return msgspec.json.decode(data)
    except (DecodeError, ValidationError) as exc:
        try:
            return _stdjson.loads(data if isinstance(data, (bytes, str)) else bytes(data))
        except ValueError:
            raise exc from None


def _expect(tp: Any) -> Callable[[Any], bool]:
    """How to tell that the slow path produced something of the right shape at the top."""
    origin = get_origin(tp) or tp
    if get_origin(tp) is Annotated:
        return _expect(get_args(tp)[0])
    if isinstance(origin, type) and issubclass(origin, msgspec.Struct):
        return lambda obj: isinstance(obj, origin)
    if origin in (list, tuple, set, frozenset):
        return lambda obj: isinstance(obj, list)
    if origin is dict:
        return lambda obj: isinstance(obj, dict)
    return lambda obj: True


def decoder_for(tp: Any) -> Callable[[bytes | str], Any]:
    """The cached `data -> object` decoder for `tp` (what `decode` calls)."""
    fn = _DECODERS.get(tp)
    if fn is None:
        if isinstance(tp, type) and issubclass(tp, _Discriminated):
            fn = _union_decoder(tp)
        elif isinstance(tp, type) and issubclass(tp, _UnionType):
            fn = _slow_decoder(tp)
        else:
            fn = _typed_decoder(tp)
        _DECODERS[tp] = fn
    return fn


@overload
def decode(tp: type[_T], data: bytes | str) -> _T: ...
@overload
def decode(tp: Any, data: bytes | str) -> Any: ...
def decode(tp: Any, data: bytes | str) -> Any:
    """Decode JSON `data` into `tp`, leniently (see the module docstring)."""
    fn = _DECODERS.get(tp)
    if fn is None:
        fn = decoder_for(tp)
    return fn(data)


@overload
def convert(tp: type[_T], obj: Any) -> _T: ...
@overload
def convert(tp: Any, obj: Any) -> Any: ...
def convert(tp: Any, obj: Any) -> Any:
    """Like `decode`, from already-parsed Python objects (dicts, lists, ...)."""
    fn = _CONVERTERS.get(tp)
    if fn is None:
        fn = _CONVERTERS[tp] = _converter(tp)
    return fn(obj)


_SKIP_FAST = 32  # after a slow-path decode, this many decodes of the type skip the fast attempt


def _typed_decoder(tp: Any) -> Callable[[Any], Any]:
    """Fast path: one msgspec decode. When that raises (unknown fields, mismatched types), the
    lenient path; and since a server that sent extras once (a compatible server's additions, a
    field newer than the SDK) usually sends them on every payload, the next `_SKIP_FAST` decodes
    of this type go straight to the lenient path instead of failing first."""
    dec = msgspec.json.Decoder(tp, dec_hook=_dec_hook).decode
    expect = _expect(tp)
    skip = 0

    def decode_typed(data: Any) -> Any:
        nonlocal skip
        if skip:
            skip -= 1
            try:
                raw = msgspec.json.decode(data)
            except (ValidationError, DecodeError):
                pass
            else:
                obj = _lenient(tp, raw)
                if expect(obj):
                    return obj
        try:
            return dec(data)
        except ValidationError as exc:
            error: Exception = exc
        except DecodeError as exc:
            error = exc
        obj = _lenient(tp, _loads(data))
        if not expect(obj):
            raise error
        skip = _SKIP_FAST
        return obj

    return decode_typed


def _slow_decoder(tp: Any) -> Callable[[Any], Any]:
    def decode_slow(data: Any) -> Any:
        return _lenient(tp, _loads(data))

    return decode_slow


def _union_decoder(tp: type[_Discriminated]) -> Callable[[Any], Any]:
    """Top-level discriminated union (stream events): read the tag cheaply, then decode with
    the variant's own decoder in one pass."""
    mapping = tp._oxide_map()
    prefix_s, prefix_b = tp.__dict__["_oxide_prefix"]
    n = len(prefix_s)
    wire = tp._oxide_field()
    mapping = {k: v for k, v in mapping.items() if not isinstance(v, tuple)}
    by_bytes = {k.encode(): v for k, v in mapping.items()}
    peek = msgspec.json.Decoder(
        msgspec.defstruct("_Tag", [("tag", Any, None)], rename={"tag": wire})
    ).decode
    decode_raw = _union_decode_fn(tp)

    def decode_union(data: Any) -> Any:
        variant = None
        if type(data) is bytes:
            if data.startswith(prefix_b):
                end = data.find(b'"', n)
                variant = by_bytes.get(data[n:end])
        elif type(data) is str and data.startswith(prefix_s):
            end = data.find('"', n)
            variant = mapping.get(data[n:end])
        if variant is None:
            try:
                tag = peek(data).tag  # type: ignore[attr-defined]
            except (ValidationError, DecodeError):
                return decode_raw(_loads(data))
            variant = mapping.get(tag) if type(tag) is str else None
            if variant is None:
                return decode_raw(_loads(data))
        fn = _DECODERS.get(variant)
        if fn is None:
            fn = decoder_for(variant)
        return fn(data)

    return decode_union


def _converter(tp: Any) -> Callable[[Any], Any]:
    if isinstance(tp, type) and issubclass(tp, _UnionType):
        return _union_decode_fn(tp)
    expect = _expect(tp)

    def convert_typed(obj: Any) -> Any:
        try:
            return msgspec.convert(obj, tp, dec_hook=_dec_hook)
        except ValidationError as exc:
            result = _lenient(tp, obj)
            if not expect(result):
                raise exc from None
            return result

    return convert_typed
