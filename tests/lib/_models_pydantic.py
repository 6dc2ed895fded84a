"""Reference shapes as pydantic models (see test_schema.py); same names in the sibling modules."""
# ruff: noqa: UP006, UP007, UP035, UP045
# (typing.List, Optional, Union spelled out on purpose: the dataclass twins use the new spellings)

from __future__ import annotations

import datetime
import decimal
import uuid
from typing import Annotated, Any, Dict, Generic, List, Literal, Optional, Set, Tuple, Union

import pydantic
from pydantic import Field

from ._models_common import Color, Level, Mixed, T


class Address(pydantic.BaseModel):
    """A postal address."""

    street: str
    city: str
    zip_code: Optional[str] = None


class Person(pydantic.BaseModel):
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
    note: str = Field(description="free text")
    billing: Address = Field(description="where invoices go")


class Item(pydantic.BaseModel):
    sku: str
    quantity: int


class Record(pydantic.BaseModel):
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


class Node(pydantic.BaseModel):
    """A tree node."""

    value: int
    children: List[Node]
    parent: Optional[Node] = None


class Employee(pydantic.BaseModel):
    name: str
    team: Team


class Team(pydantic.BaseModel):
    title: str
    lead: Optional[Employee]
    members: List[Employee]


class Company(pydantic.BaseModel):
    teams: List[Team]


class Choices(pydantic.BaseModel):
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
    literal_list: List[Literal["p", "q"]] = Field(default_factory=list)


class Cat(pydantic.BaseModel):
    kind: Literal["cat"]
    lives: int


class Dog(pydantic.BaseModel):
    kind: Literal["dog"]
    good: bool


class Pets(pydantic.BaseModel):
    pet: Union[Cat, Dog]
    maybe_pet: Optional[Union[Cat, Dog]] = None
    pets: List[Union[Cat, Dog]]
    scalar: Union[int, str, None]
    nested: Union[Cat, List[Dog], None]
    nullable_list: Optional[List[int]]
    by_name: Dict[str, Union[Cat, Dog]]


class Constrained(pydantic.BaseModel):
    code: str = Field(min_length=2, max_length=8, pattern="^[A-Z]+$", description="a code")
    count: int = Field(ge=0, lt=100)
    ratio: float = Field(gt=0, le=1.5, multiple_of=0.5)
    labels: List[str] = Field(min_length=1, max_length=3, examples=[["a"]])
    titled: str = Field(title="Custom title")
    renamed: str = Field(alias="renamedField")
    items: List[Annotated[int, Field(description="an item")]]


class Page(pydantic.BaseModel, Generic[T]):
    items: List[T]
    total: int


class Product(pydantic.BaseModel):
    name: str


class Catalog(pydantic.BaseModel):
    products: Page[Product]
    numbers: Page[int]


class Circle(pydantic.BaseModel):
    type: Literal["Circle"]
    radius: float


class Square(pydantic.BaseModel):
    type: Literal["Square"]
    side: float


class Drawing(pydantic.BaseModel):
    shapes: List[Union[Circle, Square]]


def _make_other_item() -> type:
    class Item(pydantic.BaseModel):
        label: str

    return Item


OtherItem = _make_other_item()


class Collision(pydantic.BaseModel):
    first: Item
    second: OtherItem  # type: ignore[valid-type]


class Empty(pydantic.BaseModel):
    """Nothing."""


class Tool(pydantic.BaseModel):
    """Look up the weather.

    Multi-line docstrings go to the tool description as they are (the SDK uses __doc__ raw)."""

    city: str
    unit: Literal["c", "f"] = "c"
    when: Optional[datetime.date] = None


for _model in (Node, Employee, Team, Company):
    _model.model_rebuild()
