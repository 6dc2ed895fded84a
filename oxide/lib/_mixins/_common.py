"""What the helper mixins share: splitting a helper call's keywords into body and options,
and checking them against the endpoint's params TypedDicts."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from ..._options import RequestOptions, make_request_options
from ..._types import NOT_GIVEN, NotGiven, Omit

__all__ = ["ParamSpec", "split_call"]

_OPTION_KEYS = ("extra_headers", "extra_query", "extra_body", "timeout")


def split_call(
    params: dict[str, Any],
    helper: str,
    post_parser: Callable[[Any], Any] | NotGiven = NOT_GIVEN,
) -> tuple[dict[str, Any], RequestOptions]:
    """The body (arguments left at `omit` / `NOT_GIVEN` dropped) and the request options,
    with the SDK's `X-Stainless-Helper-Method` header (explicit `extra_headers` win)."""
    extra_headers = params.pop("extra_headers", None)
    extra_query = params.pop("extra_query", None)
    extra_body = params.pop("extra_body", None)
    timeout = params.pop("timeout", NOT_GIVEN)
    body = {k: v for k, v in params.items() if not isinstance(v, (NotGiven, Omit))}
    options = make_request_options(
        extra_headers={"X-Stainless-Helper-Method": helper, **(extra_headers or {})},
        extra_query=extra_query,
        extra_body=extra_body,
        timeout=timeout,
        post_parser=post_parser,
    )
    return body, options


class ParamSpec:
    """The accepted and required keyword arguments of one endpoint, read once from its
    generated params TypedDict(s), so a misspelt argument fails here with a TypeError (as a
    Python signature would) instead of as a 400 from the server."""

    __slots__ = ("_method", "_loader", "_allowed", "_required")

    def __init__(self, method: str, loader: Callable[[], tuple[Any, ...]]) -> None:
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
