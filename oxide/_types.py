"""Small public value types: sentinels, Timeout, request options."""

from __future__ import annotations

import sys
from abc import ABCMeta
from collections.abc import Mapping, Sequence
from types import NoneType
from typing import TYPE_CHECKING, Any, Literal, Protocol, TypedDict, TypeVar

__all__ = [
    "NOT_GIVEN",
    "Body",
    "FileTypes",
    "Headers",
    "HeadersLike",
    "NoneType",
    "Query",
    "SequenceNotStr",
    "NotGiven",
    "Omit",
    "RequestOptions",
    "Timeout",
    "not_given",
    "omit",
]


# The official SDK's sentinels (`openai.NOT_GIVEN`, `openai.omit`, ...) are what frameworks
# written for it pass; oxide takes them wherever it takes its own. Recognised by their class's
# home, so `openai` is never imported for it.
_OFFICIAL_MODULE = "openai._types"


class _Sentinel(metaclass=ABCMeta):  # noqa: B024 (for `__subclasshook__`, not abstract)
    """`isinstance(openai.NOT_GIVEN, oxide.NotGiven)` holds (and the same for `Omit`): ABCMeta
    asks `__subclasshook__` once per class and caches the answer."""

    __slots__ = ()

    @classmethod
    def __subclasshook__(cls, subclass: type) -> bool | Any:
        # `openai/__init__.py` renames its public classes' module to "openai".
        home = subclass.__module__
        if subclass.__name__ == cls.__name__ and (home == "openai" or home == _OFFICIAL_MODULE):
            return True
        return NotImplemented


class NotGiven(_Sentinel):
    """Sentinel for "argument not passed", distinct from an explicit None (which means null).

    The official SDK's `NOT_GIVEN` / `not_given` are instances too (`isinstance` holds)."""

    __slots__ = ()
    _instance: NotGiven | None = None

    def __new__(cls) -> NotGiven:
        if cls._instance is None:
            cls._instance = super().__new__(cls)
        return cls._instance

    def __bool__(self) -> Literal[False]:
        return False

    def __repr__(self) -> str:
        return "NOT_GIVEN"

    def __reduce__(self) -> str:
        return "NOT_GIVEN"


NOT_GIVEN = NotGiven()
not_given = NOT_GIVEN


class Omit(_Sentinel):
    """Sentinel that removes a value: `extra_headers={"Authorization": omit}` drops the header.

    The official SDK's `omit` / `Omit()` are instances too (`isinstance` holds)."""

    __slots__ = ()
    _instance: Omit | None = None

    def __new__(cls) -> Omit:
        if cls._instance is None:
            cls._instance = super().__new__(cls)
        return cls._instance

    def __bool__(self) -> Literal[False]:
        return False

    def __repr__(self) -> str:
        return "omit"

    def __reduce__(self) -> str:
        return "omit"


omit = Omit()

# The sentinels' exact types, for the hot loops that test `type(v) in ...` (a set lookup, a
# third of an ABC `isinstance`): the official SDK's join once `openai` has been imported.
_SENTINEL_TYPES: set[type] = {NotGiven, Omit}
_official_pending = True


def sentinel_types() -> set[type]:
    """oxide's sentinel classes, and the official SDK's once it is imported (until then, one
    `sys.modules` lookup per call)."""
    global _official_pending
    if _official_pending:
        module = sys.modules.get(_OFFICIAL_MODULE)
        if module is not None:
            _official_pending = False
            for name in ("NotGiven", "Omit"):
                cls = getattr(module, name, None)
                if isinstance(cls, type):
                    _SENTINEL_TYPES.add(cls)
    return _SENTINEL_TYPES


class Timeout:
    """httpx-compatible timeout: `Timeout(600, connect=5.0)`.

    `connect`: establishing a socket; `read`: the longest wait for the next chunk of the body,
    which is also the wait for the response to begin (time to first byte) and, for streams, the
    gap between chunks (not a total); `pool`: the longest wait for a free connection from the
    pool. `write` is accepted for compatibility; aiohttp has no write timeout. None disables a
    limit.

    oxide adds `total`: a deadline for the whole call, retries and their sleeps included (for a
    stream: until its response begins; the events then flow under `read`). When a retry's sleep
    would end past it, the last error is raised at once instead; an attempt still running at the
    deadline raises `APITimeoutError`. None (the default, as the SDK) means no deadline.
    """

    __slots__ = ("connect", "read", "write", "pool", "total")

    connect: float | None
    read: float | None
    write: float | None
    pool: float | None
    total: float | None

    def __init__(
        self,
        timeout: float | Timeout | None | NotGiven = NOT_GIVEN,
        *,
        connect: float | None | NotGiven = NOT_GIVEN,
        read: float | None | NotGiven = NOT_GIVEN,
        write: float | None | NotGiven = NOT_GIVEN,
        pool: float | None | NotGiven = NOT_GIVEN,
        total: float | None = None,
    ) -> None:
        self.total = total
        if isinstance(timeout, Timeout):
            self.connect, self.read, self.write, self.pool = (
                timeout.connect,
                timeout.read,
                timeout.write,
                timeout.pool,
            )
            if total is None:
                self.total = timeout.total
            return
        if isinstance(timeout, NotGiven) and any(
            isinstance(v, NotGiven) for v in (connect, read, write, pool)
        ):
            raise ValueError(
                "Timeout needs either a default, e.g. Timeout(10.0), or all four values set "
                "explicitly: connect, read, write, pool."
            )
        default = None if isinstance(timeout, NotGiven) else timeout
        self.connect = default if isinstance(connect, NotGiven) else connect
        self.read = default if isinstance(read, NotGiven) else read
        self.write = default if isinstance(write, NotGiven) else write
        self.pool = default if isinstance(pool, NotGiven) else pool

    def as_tuple(self) -> tuple[float | None, float | None, float | None, float | None]:
        return (self.connect, self.read, self.write, self.pool)

    def __eq__(self, other: object) -> bool:
        return (
            isinstance(other, Timeout)
            and self.as_tuple() == other.as_tuple()
            and self.total == other.total
        )

    def __hash__(self) -> int:
        # Read per request (the aiohttp timeout cache): no tuple of five built each time.
        return (
            hash(self.connect) ^ hash(self.read) * 3 ^ hash(self.pool) * 7 ^ hash(self.total) * 11
        )

    def __repr__(self) -> str:
        c, r, w, p = self.as_tuple()
        extra = "" if self.total is None else f", total={self.total}"
        if c == r == w == p:
            return f"Timeout(timeout={c}{extra})"
        return f"Timeout(connect={c}, read={r}, write={w}, pool={p}{extra})"


TimeoutTypes = float | Timeout | None
Headers = Mapping[str, str | Omit]
Query = Mapping[str, object]
Body = object

_T_co = TypeVar("_T_co", covariant=True)

if TYPE_CHECKING:
    from ._files import FileTypes as FileTypes

    class SequenceNotStr(Protocol[_T_co]):
        """A sequence that is not a `str` (the SDK's type for lists of strings)."""

        def __getitem__(self, index: Any, /) -> Any: ...
        def __contains__(self, value: object, /) -> bool: ...
        def __len__(self) -> int: ...
        def __iter__(self) -> Any: ...
else:
    SequenceNotStr = Sequence

    def __getattr__(name: str) -> Any:
        if name == "FileTypes":  # lazily: `_files` imports this module
            from ._files import FileTypes

            return FileTypes
        raise AttributeError(name)


class HeadersLikeProtocol(Protocol):
    def get(self, key: str, /) -> str | None: ...


HeadersLike = Headers | HeadersLikeProtocol


class RequestOptions(TypedDict, total=False):
    """Per-call options every resource method accepts besides the API parameters."""

    extra_headers: Headers | None
    extra_query: Query | None
    extra_body: Body | None
    timeout: float | Timeout | None | NotGiven


def coerce_timeout(value: Any) -> Timeout | None:
    """A user timeout (float, Timeout or None) as a Timeout, None meaning no limits at all."""
    if value is None:
        return None
    if isinstance(value, Timeout):
        return value
    if isinstance(value, (int, float)):
        return Timeout(value)  # kept as given: the read-timeout header says "7", not "7.0"
    if all(hasattr(value, name) for name in ("connect", "read", "write", "pool")):
        # An `httpx.Timeout` (what code written for the official SDK passes), by its fields.
        return Timeout(connect=value.connect, read=value.read, write=value.write, pool=value.pool)
    raise TypeError(
        f"timeout must be a float, an oxide.Timeout or None, not {type(value).__name__}"
    )
