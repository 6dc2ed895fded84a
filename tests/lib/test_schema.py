"""oxide.lib._schema against the official SDK's `to_strict_json_schema` (pydantic 2).

Each shape is written four ways, under the same class names, in `_models_pydantic` (the reference,
through `openai.lib._pydantic.to_strict_json_schema`), `_models_struct`, `_models_dataclass` and
`_models_typeddict` (only the shapes each can express: a TypedDict has no defaults). oxide's schema
must equal the SDK's byte for byte: `json.dumps` without sorting, so key order counts too.

The one normalisation: when two classes share a name, pydantic names both `$defs` entries after
`module__qualname`, and the variants live in different modules, so the module part is replaced
before comparing (`test_name_collisions`).
"""

from __future__ import annotations

import dataclasses
import datetime
import json
import sys
import uuid
from typing import Any

import msgspec
import pydantic
import pytest
from openai.lib._parsing._completions import type_to_response_format_param
from openai.lib._parsing._responses import type_to_text_format_param
from openai.lib._pydantic import to_strict_json_schema as sdk_strict_json_schema

from oxide.lib import (
    is_pydantic_model,
    to_strict_json_schema,
    type_to_response_format,
    type_to_text_format,
    validate_parsed,
)

from . import _models_dataclass, _models_pydantic, _models_struct, _models_typeddict
from ._models_common import Color

VARIANTS = {
    "struct": _models_struct,
    "dataclass": _models_dataclass,
    "typeddict": _models_typeddict,
}
SHAPES = [
    "Person",
    "Record",
    "Node",
    "Company",
    "Choices",
    "Pets",
    "Constrained",
    "Catalog",
    "Drawing",
    "Empty",
    "Tool",
]
CASES = [
    pytest.param(shape, module, id=f"{shape}-{kind}")
    for shape in SHAPES
    for kind, module in VARIANTS.items()
    if hasattr(module, shape)
]


def dumps(schema: Any) -> str:
    return json.dumps(schema, ensure_ascii=False)


@pytest.mark.parametrize(("shape", "module"), CASES)
def test_schema_equals_sdk(shape: str, module: Any) -> None:
    expected = sdk_strict_json_schema(getattr(_models_pydantic, shape))
    tp = getattr(module, shape)
    got = to_strict_json_schema(tp)
    assert dumps(got) == dumps(expected)
    assert to_strict_json_schema(tp) is got  # cached: the same object, no work after the first


def test_every_shape_has_variants() -> None:
    for shape in SHAPES:
        assert any(p.values[0] == shape for p in CASES), shape
    assert len(CASES) >= 22


@pytest.mark.parametrize("shape", [*SHAPES, "Collision"])
def test_pydantic_models_give_the_sdk_output(shape: str) -> None:
    model = getattr(_models_pydantic, shape)
    assert dumps(to_strict_json_schema(model)) == dumps(sdk_strict_json_schema(model))


@pytest.mark.parametrize(
    ("shape", "module"),
    [
        (s, m)
        for s, m in ((p.values[0], p.values[1]) for p in CASES)
        # pydantic knows nothing of msgspec (Structs, msgspec.Meta in the dataclass Person)
        if m is not _models_struct and (s, m) != ("Person", _models_dataclass)
    ],
)
def test_stdlib_types_equal_sdk_via_type_adapter(shape: str, module: Any) -> None:
    # The SDK itself builds dataclass-like types' schemas through pydantic.TypeAdapter.
    tp = getattr(module, shape)
    expected = sdk_strict_json_schema(pydantic.TypeAdapter(tp))
    assert dumps(to_strict_json_schema(tp)) == dumps(expected)


def test_name_collisions() -> None:
    expected = dumps(sdk_strict_json_schema(_models_pydantic.Collision))
    assert "_models_pydantic__Item" in expected  # pydantic's long names: module__qualname
    got = dumps(to_strict_json_schema(_models_struct.Collision))
    assert got.replace("_models_struct", "_models_pydantic") == expected


def test_pydantic_inside_a_struct() -> None:
    class Wrapper(msgspec.Struct):
        person: _models_pydantic.Person
        nodes: list[_models_pydantic.Node]

    class PWrapper(pydantic.BaseModel):
        person: _models_pydantic.Person
        nodes: list[_models_pydantic.Node]

    PWrapper.__name__ = Wrapper.__name__
    assert dumps(to_strict_json_schema(Wrapper)) == dumps(sdk_strict_json_schema(PWrapper))


def test_type_adapter_and_pydantic_dataclass() -> None:
    adapter = pydantic.TypeAdapter(list[_models_pydantic.Item])
    assert to_strict_json_schema(adapter) == sdk_strict_json_schema(adapter)

    @pydantic.dataclasses.dataclass
    class Point:
        x: int
        y: int = 0

    assert dumps(to_strict_json_schema(Point)) == dumps(
        sdk_strict_json_schema(pydantic.TypeAdapter(Point))
    )
    assert validate_parsed(Point, '{"x": 1, "y": 2}') == Point(x=1, y=2)


def test_non_object_roots() -> None:
    assert to_strict_json_schema(list[_models_struct.Item]) == sdk_strict_json_schema(
        pydantic.TypeAdapter(list[_models_pydantic.Item])
    )
    assert to_strict_json_schema(int) == {"type": "integer"}


@pytest.mark.parametrize("shape", SHAPES)
def test_response_formats_equal_sdk(shape: str) -> None:
    model = getattr(_models_pydantic, shape)
    assert dumps(type_to_response_format(model)) == dumps(type_to_response_format_param(model))
    assert dumps(type_to_text_format(model)) == dumps(type_to_text_format_param(model))
    struct = getattr(_models_struct, shape)
    assert dumps(type_to_response_format(struct)) == dumps(type_to_response_format_param(model))
    assert dumps(type_to_text_format(struct)) == dumps(type_to_text_format_param(model))
    assert type_to_response_format(struct) is type_to_response_format(struct)
    assert type_to_text_format(struct) is type_to_text_format(struct)


def test_response_format_dict_passes_through() -> None:
    fmt = {"type": "json_object"}
    assert type_to_response_format(fmt) is fmt
    with pytest.raises(TypeError):
        type_to_response_format(int | str)  # no __name__ to send


def test_validate_parsed_round_trips() -> None:
    person = {
        "name": "Ada",
        "age": 36,
        "height": 1.7,
        "nickname": None,
        "color": "red",
        "mood": "happy",
        "tags": ["x"],
        "home": {"street": "1 Road", "city": "London", "zip_code": None},
        "work": None,
        "previous": [],
        "either": 3,
        "verified": True,
        "note": "n",
        "billing": {"street": "2 Road", "city": "Paris", "zip_code": "75000"},
    }
    text = json.dumps(person)
    for module in (_models_struct, _models_dataclass, _models_pydantic):
        value = validate_parsed(module.Person, text)
        assert isinstance(value, module.Person)
        assert value.home.city == "London" and value.color is Color.RED
        assert validate_parsed(module.Person, text.encode()) == value
    record = validate_parsed(
        _models_typeddict.Company,
        '{"teams": [{"title": "t", "lead": null, "members": [{"name": "a", "team": '
        '{"title": "u", "lead": null, "members": []}}]}]}',
    )
    assert record["teams"][0]["members"][0]["team"]["title"] == "u"
    node = validate_parsed(
        _models_struct.Node, '{"value": 1, "children": [{"value": 2, "children": []}]}'
    )
    assert node.children[0].value == 2 and node.parent is None
    drawing = validate_parsed(_models_struct.Drawing, '{"shapes": [{"type": "Square", "side": 2}]}')
    assert isinstance(drawing.shapes[0], _models_struct.Square)
    rec = validate_parsed(
        _models_dataclass.Record,
        json.dumps(
            {
                "id": str(uuid.UUID(int=1)),
                "created": "2024-01-02T03:04:05Z",
                "day": "2024-01-02",
                "amount": "1.50",
                "items": [{"sku": "a", "quantity": 1}],
                "by_sku": {},
                "counts": {"a": 1},
                "extra": {"k": [1]},
                "anything": None,
                "matrix": [[1.0]],
                "pair": [1, "x"],
                "many": [1, 2],
                "unique": ["a"],
                "maybe": None,
                "note": None,
            }
        ),
    )
    assert rec.day == datetime.date(2024, 1, 2) and rec.items[0].quantity == 1
    assert dataclasses.is_dataclass(rec)


def test_validate_parsed_errors_are_value_errors() -> None:
    for module in (_models_struct, _models_pydantic):
        with pytest.raises(ValueError):
            validate_parsed(module.Item, '{"sku": "a"}')
        with pytest.raises(ValueError):
            validate_parsed(module.Item, '{"sku": "a", "quantity": ')


def test_unsupported_types_raise_type_error() -> None:
    class Arr(msgspec.Struct, array_like=True):
        x: int

    class Thing:
        pass

    for tp in (Arr, Thing, dict[str, Thing]):
        with pytest.raises(TypeError):
            to_strict_json_schema(tp)


def test_is_pydantic_model() -> None:
    assert is_pydantic_model(_models_pydantic.Item)
    assert not is_pydantic_model(_models_struct.Item)
    assert not is_pydantic_model(_models_pydantic.Item(sku="a", quantity=1))


def test_no_pydantic_import() -> None:
    code = (
        "import sys; import msgspec, oxide.lib as lib\n"
        "class P(msgspec.Struct):\n    x: int | None = None\n"
        "lib.to_strict_json_schema(P); lib.function_tool(P); lib.validate_parsed(P, '{}')\n"
        "assert 'pydantic' not in sys.modules, 'pydantic was imported'\n"
    )
    import subprocess

    subprocess.run([sys.executable, "-c", code], check=True)


def test_caches_are_bounded(monkeypatch: pytest.MonkeyPatch) -> None:
    from oxide.lib import _schema

    monkeypatch.setattr(_schema, "_CACHE_SIZE", 8)
    monkeypatch.setattr(_schema, "_SCHEMA_CACHE", {})
    monkeypatch.setattr(_schema, "_VALIDATORS", {})
    for i in range(50):  # classes made on the fly, e.g. one per request
        tp = msgspec.defstruct(f"Dyn{i}", [("x", int)])
        assert to_strict_json_schema(tp)["title"] == f"Dyn{i}"
        assert validate_parsed(tp, '{"x": 1}').x == 1
    assert len(_schema._SCHEMA_CACHE) <= 8 and len(_schema._VALIDATORS) <= 8


def test_unhashable_types_are_not_cached() -> None:
    from typing import Annotated

    tp = Annotated[int, {"unhashable": "metadata"}]
    with pytest.raises(TypeError):
        hash(tp)
    assert to_strict_json_schema(tp) == {"type": "integer"}
    assert to_strict_json_schema(tp) is not to_strict_json_schema(tp)
    assert validate_parsed(tp, "3") == 3
