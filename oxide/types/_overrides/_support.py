"""Type-only helpers the generated request params use (the SDK keeps them in `openai._types`)."""

from __future__ import annotations

from collections.abc import Iterator, Mapping, Sequence
from os import PathLike
from typing import (
    IO,
    TYPE_CHECKING,
    Any,
    Protocol,
    SupportsIndex,
    TypeVar,
    overload,
)

from ..._types import Omit

__all__ = [
    "Base64FileInput",
    "FileContent",
    "FileTypes",
    "Headers",
    "Query",
    "SequenceNotStr",
]

_T_co = TypeVar("_T_co", covariant=True)

FileContent = IO[bytes] | bytes | PathLike[str]
FileTypes = (
    # file (or bytes)
    FileContent
    # (filename, file (or bytes))
    | tuple[str | None, FileContent]
    # (filename, file (or bytes), content_type)
    | tuple[str | None, FileContent, str | None]
    # (filename, file (or bytes), content_type, headers)
    | tuple[str | None, FileContent, str | None, Mapping[str, str]]
)
Base64FileInput = IO[bytes] | PathLike[str]
Headers = Mapping[str, str | Omit]
Query = Mapping[str, object]

if TYPE_CHECKING:

    class SequenceNotStr(Protocol[_T_co]):
        """A sequence that is not a `str` (which would be a sequence of one-letter strings)."""

        @overload
        def __getitem__(self, index: SupportsIndex, /) -> _T_co: ...
        @overload
        def __getitem__(self, index: slice, /) -> Sequence[_T_co]: ...
        def __contains__(self, value: object, /) -> bool: ...
        def __len__(self) -> int: ...
        def __iter__(self) -> Iterator[_T_co]: ...
        def index(self, value: Any, start: int = 0, stop: int = ..., /) -> int: ...
        def count(self, value: Any, /) -> int: ...
        def __reversed__(self) -> Iterator[_T_co]: ...

else:
    SequenceNotStr = Sequence
