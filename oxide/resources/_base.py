"""Bases of the resource namespaces and the argument checks they share."""

from __future__ import annotations

from collections.abc import Coroutine
from typing import TYPE_CHECKING, Any, TypeVar

if TYPE_CHECKING:
    from .._base_client import BaseAsyncClient
    from .._sync import LoopThread

_T = TypeVar("_T")


class AsyncAPIResource:
    __slots__ = ("_client",)

    def __init__(self, client: BaseAsyncClient) -> None:
        self._client = client


class SyncAPIResource:
    """A sync namespace: runs its async twin's coroutines on the client's loop thread."""

    __slots__ = ("_async", "_runner")

    def __init__(self, async_resource: Any, runner: LoopThread) -> None:
        self._async = async_resource
        self._runner = runner

    def _run(self, coro: Coroutine[Any, Any, _T]) -> _T:
        return self._runner.run(coro)


class ParamSpec:
    """The accepted and required keyword arguments of one endpoint, read once from its
    generated params TypedDict(s), so a misspelt argument fails here with a TypeError (as a
    Python signature would) instead of as a 400 from the server."""

    __slots__ = ("_method", "_loader", "_allowed", "_required")

    def __init__(self, method: str, loader: Any) -> None:
        self._method = method
        self._loader = loader
        self._allowed: frozenset[str] | None = None
        self._required: frozenset[str] = frozenset()

    def _load(self) -> frozenset[str]:
        allowed: set[str] = set()
        required: set[str] | None = None
        for td in self._loader():
            annotations = td.__annotations__
            allowed |= set(annotations)
            # Under `from __future__ import annotations` typing cannot see `Required[...]` in
            # the (string) annotations, so `__required_keys__` is wrong; read the text.
            req = {
                name
                for name, ann in annotations.items()
                if getattr(ann, "__forward_arg__", ann if isinstance(ann, str) else "").startswith(
                    "Required["
                )
            }
            req.discard("stream")
            required = req if required is None else required & req
        self._required = frozenset(required or ())
        self._allowed = frozenset(allowed)
        return self._allowed

    def check(self, params: dict[str, Any]) -> None:
        allowed = self._allowed or self._load()
        if not allowed.issuperset(params):
            unknown = sorted(set(params) - allowed)
            raise TypeError(f"{self._method}() got an unexpected keyword argument {unknown[0]!r}")
        if not self._required.issubset(params):
            missing = sorted(self._required - set(params))
            raise TypeError(
                f"{self._method}() missing required keyword argument(s): "
                + ", ".join(repr(m) for m in missing)
            )
