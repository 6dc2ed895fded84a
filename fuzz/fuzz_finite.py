"""NaN/Infinity check twins, differential: the same nested value into both ``check_finite``.

Two input forms:

* JSON (the committed seeds and their mutations), parsed by ``json.loads``, which reads
  ``NaN``, ``Infinity``, ``-Infinity``, ``-0.0`` and big ints; an array with an odd number of
  items becomes a tuple, so tuples are covered too.
* anything else: a value built by a FuzzedDataProvider: dicts (str, int, float and tuple keys),
  lists, tuples, subclasses of all three and of float (not walked, by either twin), floats
  (nan, -nan, inf, -inf, -0.0, subnormals, any 64-bit pattern), ints (bools, big ints),
  strings, bytes, None, shared sub-values, and nesting up to a few thousand levels (past the
  compiled twin's recursion limit, where it hands over to the Python walk).

Both twins must return None, or raise the same exception type with the same message (the
message names the offending value: the first one, in document order).
"""

from __future__ import annotations

import json
import math
import struct
import sys
from collections import OrderedDict
from typing import Any

from _common import Divergence, atheris, load_twins, main, same

finite_py, finite_c = load_twins("finite")


class Float(float):
    pass


class Dict(dict):  # type: ignore[type-arg]
    pass


class List(list):  # type: ignore[type-arg]
    pass


NAN = float("nan")
FLOATS = [NAN, -NAN, math.inf, -math.inf, -0.0, 0.0, 1.0, 1e308, 5e-324, -1e-310, 2.0**-1074]
LEAVES: list[Any] = [None, True, False, 0, -1, 2**64, -(2**200), "", "nan", "inf", b"\xff"]
LEAVES += [Float("nan"), Float("inf"), 1j, object()]


def _tuples(value: Any) -> Any:
    """JSON arrays with an odd number of items as tuples, recursively."""
    if type(value) is list:
        items = [_tuples(v) for v in value]
        return tuple(items) if len(items) % 2 else items
    if type(value) is dict:
        return {k: _tuples(v) for k, v in value.items()}
    return value


def _float(fdp: Any) -> float:
    k = fdp.ConsumeIntInRange(0, 3)
    if k < 2:
        return FLOATS[fdp.ConsumeIntInRange(0, len(FLOATS) - 1)]
    if k == 2:
        return float(struct.unpack("<d", fdp.ConsumeBytes(8).ljust(8, b"\0"))[0])
    return fdp.ConsumeRegularFloat()


def _key(fdp: Any) -> Any:
    k = fdp.ConsumeIntInRange(0, 7)
    if k < 4:
        return "k" + str(k) if k else fdp.ConsumeUnicode(3)
    if k == 4:
        return fdp.ConsumeInt(2)
    if k == 5:
        return _float(fdp)  # a NaN key is not a value: neither twin looks at keys
    if k == 6:
        return (1, _float(fdp))
    return None


def _value(fdp: Any, depth: int, shared: list[Any]) -> Any:
    k = fdp.ConsumeIntInRange(0, 31) if depth < 40 else 0
    if k < 6:
        return _float(fdp)
    if k < 10:
        return LEAVES[fdp.ConsumeIntInRange(0, len(LEAVES) - 1)]
    if k < 12:
        return fdp.ConsumeInt(fdp.ConsumeIntInRange(1, 40))
    if k == 12:
        return fdp.ConsumeUnicode(fdp.ConsumeIntInRange(0, 8))
    if k == 13 and shared:
        return shared[fdp.ConsumeIntInRange(0, len(shared) - 1)]
    if k == 14:  # a deep chain: past the compiled twin's 1000-level recursion limit
        inner = _value(fdp, depth + 1, shared)
        for _ in range(fdp.ConsumeIntInRange(0, 3000)):
            inner = [inner] if fdp.ConsumeBool() else {"a": inner}
        return inner
    n = fdp.ConsumeIntInRange(0, 6)
    items = [_value(fdp, depth + 1, shared) for _ in range(n)]
    container: Any
    if k < 20:
        container = items
    elif k < 25:
        container = {_key(fdp): v for v in items}
    elif k < 29:
        container = tuple(items)
    elif k == 29:
        container = List(items)
    elif k == 30:
        container = Dict((str(i), v) for i, v in enumerate(items))
    else:
        container = OrderedDict((str(i), v) for i, v in enumerate(items))
    shared.append(container)
    return container


def _verdict(check: Any, value: Any) -> tuple[type[BaseException], str] | None:
    try:
        check(value)
    except Exception as exc:  # any type is compared, ValueError is the only one allowed
        return type(exc), str(exc)
    return None


def test_one_input(data: bytes) -> None:
    value: Any
    if data[:1] in (b"[", b"{"):
        try:
            value = _tuples(json.loads(data))
        except (ValueError, RecursionError):
            return
    else:
        value = _value(atheris.FuzzedDataProvider(data), 0, [])
    got_py = _verdict(finite_py.check_finite, value)
    same("check_finite", got_py, _verdict(finite_c.check_finite, value), data)
    if got_py is not None and got_py[0] is not ValueError:
        raise Divergence(f"check_finite raised {got_py!r}, not ValueError: {data!r}")


if __name__ == "__main__":
    main(test_one_input)
    sys.exit(0)
