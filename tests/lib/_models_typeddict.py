"""The shapes of _models_pydantic that a TypedDict can express (no defaults)."""

from __future__ import annotations

import datetime
import decimal
import uuid
from typing import Any, Literal

from typing_extensions import NotRequired, TypedDict


class Item(TypedDict):
    sku: str
    quantity: int


class Record(TypedDict):
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
    maybe: NotRequired[Item | None]
    note: NotRequired[str | None]


class Employee(TypedDict):
    name: str
    team: Team


class Team(TypedDict):
    title: str
    lead: Employee | None
    members: list[Employee]


class Company(TypedDict):
    teams: list[Team]


class Cat(TypedDict):
    kind: Literal["cat"]
    lives: int


class Dog(TypedDict):
    kind: Literal["dog"]
    good: bool


class Pets(TypedDict):
    pet: Cat | Dog
    maybe_pet: NotRequired[Cat | Dog | None]
    pets: list[Cat | Dog]
    scalar: int | str | None
    nested: Cat | list[Dog] | None
    nullable_list: list[int] | None
    by_name: dict[str, Cat | Dog]


class Empty(TypedDict):
    """Nothing."""
