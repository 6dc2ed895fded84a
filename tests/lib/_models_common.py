"""Enums and type variables shared by the _models_* modules."""

import enum
from typing import TypeVar

T = TypeVar("T")


class Color(str, enum.Enum):
    RED = "red"
    GREEN = "green"


class Level(enum.IntEnum):
    LOW = 1
    HIGH = 2


class Mixed(enum.Enum):
    """An enum with a docstring
    over two lines."""

    ONE = 1
    TWO = "two"
