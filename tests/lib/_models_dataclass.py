"""The shapes of _models_pydantic as stdlib dataclasses (PEP 604/585 spelling on purpose).

`Constrained` uses pydantic's `Field` inside `Annotated`: oxide reads it without pydantic's help."""

from __future__ import annotations

import dataclasses
import datetime
import decimal
import uuid
from typing import Annotated, Any, Literal

from msgspec import Meta
from pydantic import Field

from ._models_common import Color, Level, Mixed


@dataclasses.dataclass(kw_only=True)
class Address:
    """A postal address."""

    street: str
    city: str
    zip_code: str | None = None


@dataclasses.dataclass(kw_only=True)
class Person:
    """A person.

    Indented docstrings are cleaned like pydantic does."""

    name: str
    age: int
    height: float
    nickname: str | None = None
    color: Color
    mood: Literal["happy", "sad"]
    tags: list[str]
    home: Address
    work: Address | None = None
    previous: list[Address]
    either: int | str
    verified: bool = False
    note: Annotated[str, Meta(description="free text")]
    billing: Annotated[Address, Meta(description="where invoices go")]


@dataclasses.dataclass
class Item:
    sku: str
    quantity: int


@dataclasses.dataclass(kw_only=True)
class Record:
    """A record."""

    id: uuid.UUID
    created: datetime.datetime
    day: datetime.date
    amount: decimal.Decimal
    items: list[Item]
    by_sku: dict[str, Item]
    counts: dict[str, int]
    extra: dict[str, Any]
    anything: Any
    matrix: list[list[float]]
    pair: tuple[int, str]
    many: tuple[int, ...]
    unique: set[str]
    maybe: Item | None = None
    note: str | None = None


@dataclasses.dataclass
class Node:
    """A tree node."""

    value: int
    children: list[Node]
    parent: Node | None = None


@dataclasses.dataclass(kw_only=True)
class Choices:
    color: Color
    level: Level
    mixed: Mixed
    one: Literal["only"]
    numbers: Literal[1, 2, 3]
    flag: Literal[True]
    mixed_literal: Literal[1, "a"]
    with_none: Literal["a", None]
    maybe_level: Level | None = None
    maybe_literal: Literal["x", "y"] | None = None
    default_color: Color = Color.GREEN
    default_literal: Literal["a", "b"] = "b"
    literal_list: list[Literal["p", "q"]] = dataclasses.field(default_factory=list)


@dataclasses.dataclass
class Constrained:
    code: Annotated[
        str, Field(min_length=2, max_length=8, pattern="^[A-Z]+$", description="a code")
    ]
    count: Annotated[int, Field(ge=0, lt=100)]
    ratio: Annotated[float, Field(gt=0, le=1.5, multiple_of=0.5)]
    labels: Annotated[list[str], Field(min_length=1, max_length=3, examples=[["a"]])]
    titled: Annotated[str, Field(title="Custom title")]
    renamedField: str  # noqa: N815
    items: list[Annotated[int, Field(description="an item")]]


@dataclasses.dataclass
class Empty:
    """Nothing."""


@dataclasses.dataclass
class Tool:
    """Look up the weather.

    Multi-line docstrings go to the tool description as they are (the SDK uses __doc__ raw)."""

    city: str
    unit: Literal["c", "f"] = "c"
    when: datetime.date | None = None
