"""Request-body encoding: orjson, with the SDK's strictness restored.

orjson (like msgspec) writes NaN and Infinity as `null`, silently changing what the caller asked
for; the official SDK refuses them (`json.dumps(allow_nan=False)`) before sending. We check floats
ourselves and raise `ValueError` before any I/O. Whatever orjson refuses (lone surrogates, ints
beyond 64 bits) goes through the SDK's own encoder, stdlib `json`, so the result is the SDK's:
the same bytes, or the same exception (`UnicodeEncodeError` for a lone surrogate).
"""

from __future__ import annotations

import decimal
import json
from typing import Any

import orjson

from ._speedups import check_finite as _check_finite
from ._types import NotGiven, Omit

__all__ = ["encode_body", "to_jsonable"]


def _not_serializable(obj: object) -> TypeError:
    return TypeError(f"Object of type {type(obj).__name__} is not JSON serializable")


def _refuse(obj: object) -> Any:
    raise _not_serializable(obj)


# Kept as they are by `msgspec.to_builtins`, so that orjson meets them and refuses them.
_REFUSED = (bytes, bytearray, memoryview, decimal.Decimal)


def to_jsonable(obj: Any) -> Any:
    """orjson's `default` hook: API objects (oxide Structs, pydantic models) the caller passes back
    in a request, e.g. an assistant message appended to the history.

    Anything else orjson does not write natively is refused with the official SDK's
    `TypeError`, before sending: a `Decimal` would go out as a string, a `set` as a list and
    `bytes` as base64, none of which is what the caller meant. What it returns is checked for
    NaN/inf too: orjson would write those as `null`."""
    if isinstance(obj, float):  # a float subclass (numpy.float64): orjson takes exact floats only
        value = float(obj)
        _check_finite(value)
        return value
    api_dict = getattr(obj, "_api_dict", None)  # oxide's models, without `__api_exclude__`
    model_dump = None if api_dict is not None else getattr(obj, "model_dump", None)
    if api_dict is not None:
        result = api_dict()
    elif model_dump is not None:
        # pydantic (the official SDK's objects too): without its parsed models' client-side
        # fields, as the official transform sends them.
        result = model_dump(
            mode="json",
            exclude_unset=True,
            by_alias=True,
            exclude=getattr(obj, "__api_exclude__", None),
        )
    elif (to_dict := getattr(obj, "to_dict", None)) is not None:
        result = to_dict()
    elif isinstance(obj, (NotGiven, Omit)):
        return None
    else:
        import msgspec

        if not isinstance(obj, msgspec.Struct):
            raise _not_serializable(obj)
        # A Struct of the caller's own (not an oxide type): its fields, with the same
        # refusals for what they hold.
        result = msgspec.to_builtins(obj, builtin_types=_REFUSED, enc_hook=_refuse)
    _check_finite(result)
    return result


def encode_body(body: Any) -> bytes:
    """JSON bytes for a request body. Raises before anything is sent, as the official SDK:
    ValueError (NaN/inf), UnicodeEncodeError (a lone surrogate), TypeError (unserialisable)."""
    _check_finite(body)
    try:
        return orjson.dumps(body, default=to_jsonable)
    except orjson.JSONEncodeError as exc:
        if isinstance(exc.__cause__, ValueError):  # NaN found by `to_jsonable`
            raise exc.__cause__ from None
        # Rare: let the SDK's encoder decide. It takes what orjson refuses needlessly (ints
        # beyond 64 bits, non-str keys, nesting deeper than 254) and raises its own errors for
        # the rest.
        return json.dumps(
            body, default=to_jsonable, ensure_ascii=False, separators=(",", ":"), allow_nan=False
        ).encode()
