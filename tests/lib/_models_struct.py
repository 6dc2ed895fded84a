"""The shapes of _models_pydantic as msgspec Structs (kw_only, so field order is free)."""
# ruff: noqa: UP006, UP007, UP035, UP045
# (typing.List, Optional, Union spelled out on purpose: the dataclass twins use the new spellings)

from __future__ import annotations

import datetime
import decimal
import uuid
from typing import Annotated, Any, Dict, Generic, List, Literal, Optional, Set, Tuple, Union

import msgspec
from msgspec import Meta

from ._models_common import Color, Level, Mixed, T


class Address(msgspec.Struct, kw_only=True):
    """A postal address."""

    street: str
    city: str
    zip_code: Optional[str] = None


class Person(msgspec.Struct, kw_only=True):
    """A person.

    Indented docstrings are cleaned like pydantic does."""

    name: str
    age: int
    height: float
    nickname: Optional[str] = None
    color: Color
    mood: Literal["happy", "sad"]
    tags: List[str]
    home: Address
    work: Optional[Address] = None
    previous: List[Address]
    either: Union[int, str]
    verified: bool = False
    note: Annotated[str, Meta(description="free text")]
    billing: Annotated[Address, Meta(description="where invoices go")]


class Item(msgspec.Struct):
    sku: str
    quantity: int


class Record(msgspec.Struct, kw_only=True):
    """A record."""

    id: uuid.UUID
    created: datetime.datetime
    day: datetime.date
    amount: decimal.Decimal
    items: List[Item]
    by_sku: Dict[str, Item]
    counts: Dict[str, int]
    extra: Dict[str, Any]
    anything: Any
    matrix: List[List[float]]
    pair: Tuple[int, str]
    many: Tuple[int, ...]
    unique: Set[str]
    maybe: Optional[Item] = None
    note: Optional[str] = None


class Node(msgspec.Struct):
    """A tree node."""

    value: int
    children: List[Node]
    parent: Optional[Node] = None


class Employee(msgspec.Struct):
    name: str
    team: Team


class Team(msgspec.Struct):
    title: str
    lead: Optional[Employee]
    members: List[Employee]


class Company(msgspec.Struct):
    teams: List[Team]


class Choices(msgspec.Struct, kw_only=True):
    color: Color
    level: Level
    mixed: Mixed
    one: Literal["only"]
    numbers: Literal[1, 2, 3]
    flag: Literal[True]
    mixed_literal: Literal[1, "a"]
    with_none: Literal["a", None]
    maybe_level: Optional[Level] = None
    maybe_literal: Optional[Literal["x", "y"]] = None
    default_color: Color = Color.GREEN
    default_literal: Literal["a", "b"] = "b"
    literal_list: List[Literal["p", "q"]] = msgspec.field(default_factory=list)


class Cat(msgspec.Struct):
    kind: Literal["cat"]
    lives: int


class Dog(msgspec.Struct):
    kind: Literal["dog"]
    good: bool


class Pets(msgspec.Struct, kw_only=True):
    pet: Union[Cat, Dog]
    maybe_pet: Optional[Union[Cat, Dog]] = None
    pets: List[Union[Cat, Dog]]
    scalar: Union[int, str, None]
    nested: Union[Cat, List[Dog], None]
    nullable_list: Optional[List[int]]
    by_name: Dict[str, Union[Cat, Dog]]


class Constrained(msgspec.Struct):
    code: Annotated[str, Meta(min_length=2, max_length=8, pattern="^[A-Z]+$", description="a code")]
    count: Annotated[int, Meta(ge=0, lt=100)]
    ratio: Annotated[float, Meta(gt=0, le=1.5, multiple_of=0.5)]
    labels: Annotated[List[str], Meta(min_length=1, max_length=3, examples=[["a"]])]
    titled: Annotated[str, Meta(title="Custom title")]
    renamed: str = msgspec.field(name="renamedField")
    items: List[Annotated[int, Meta(description="an item")]] = msgspec.field(default_factory=list)


class Page(msgspec.Struct, Generic[T]):
    items: List[T]
    total: int


class Product(msgspec.Struct):
    name: str


class Catalog(msgspec.Struct):
    products: Page[Product]
    numbers: Page[int]


class Circle(msgspec.Struct, tag=True):
    radius: float


class Square(msgspec.Struct, tag=True):
    side: float


class Drawing(msgspec.Struct):
    shapes: List[Union[Circle, Square]]


def _make_other_item() -> type:
    class Item(msgspec.Struct):
        label: str

    return Item


OtherItem = _make_other_item()


class Collision(msgspec.Struct):
    first: Item
    second: OtherItem  # type: ignore[valid-type]


class Empty(msgspec.Struct):
    """Nothing."""


class Tool(msgspec.Struct):
    """Look up the weather.

    Multi-line docstrings go to the tool description as they are (the SDK uses __doc__ raw)."""

    city: str
    unit: Literal["c", "f"] = "c"
    when: Optional[datetime.date] = None
