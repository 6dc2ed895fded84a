"""Bases of the resource namespaces and the argument checks they share."""

from __future__ import annotations

from collections.abc import Coroutine
from typing import TYPE_CHECKING, Any, TypeVar

from .._response import APIResponse, AsyncAPIResponse, _ResponseBase

if TYPE_CHECKING:
    from typing_extensions import Self

    from .._base_client import BaseAsyncClient
    from .._sync import SyncRunner

_T = TypeVar("_T")


class AsyncAPIResource:
    __slots__ = ("_client",)

    def __init__(self, client: BaseAsyncClient) -> None:
        self._client = client

    @property
    def with_raw_response(self) -> Self:
        """This namespace with methods returning `LegacyAPIResponse` (headers, status, ...)."""
        return type(self)(self._client.with_raw_response)  # type: ignore[attr-defined]

    @property
    def with_streaming_response(self) -> Any:
        """This namespace with methods returning a response context manager."""
        from .._response import StreamingView

        streaming = type(self)(self._client._derive("streaming"))  # type: ignore[attr-defined]
        return StreamingView(streaming, sync=False)


class SyncAPIResource:
    """A sync namespace: runs its async twin's coroutines through the client's sync runner."""

    __slots__ = ("_async", "_runner")

    def __init__(self, async_resource: Any, runner: SyncRunner) -> None:
        self._async = async_resource
        self._runner = runner

    def _run(self, coro: Coroutine[Any, Any, _T]) -> _T:
        result = self._runner.run(coro)
        if isinstance(result, _ResponseBase):
            # Raw/streaming responses of the sync client read and stream on the loop they live on.
            if isinstance(result, AsyncAPIResponse):
                return APIResponse(result, self._runner)  # type: ignore[return-value]
            result._for_sync(self._runner)
        return result

    @property
    def with_raw_response(self) -> Self:
        return type(self)(self._async.with_raw_response, self._runner)

    @property
    def with_streaming_response(self) -> Any:
        from .._response import StreamingView

        streaming_async = type(self._async)(self._async._client._derive("streaming"))
        return StreamingView(type(self)(streaming_async, self._runner), sync=True)


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


def helper_options(options: dict[str, Any] | None, helper: str) -> dict[str, Any]:
    """Per-call options with the official SDK's `X-Stainless-Helper-Method` header (explicit
    `extra_headers` win)."""
    options = dict(options or {})
    options["extra_headers"] = {
        "X-Stainless-Helper-Method": helper,
        **(options.get("extra_headers") or {}),
    }
    return options
