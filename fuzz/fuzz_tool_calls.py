"""Tool-call assembler twins, differential: the same operations on both assemblers.

Two input forms:

* JSON (the committed seeds and their mutations): a list of operations
  ``["feed", choice_index, deltas]``, ``["finish", choice_index_or_null]``,
  ``["calls", choice_index]``. Each run is applied twice: with the deltas as decoded dicts, and
  with every dict entry turned into a ``ChoiceDeltaToolCall`` Struct (the client's own type,
  whose slots the compiled twin reads directly), values of any type left as they are.
* anything else: operations built by a FuzzedDataProvider from small vocabularies (so ids,
  indexes and names collide), with nulls, ``UNSET``, wrong types, str/int subclasses, dicts,
  Structs, plain objects, slotted objects with ``__getattr__`` and junk as entries.

After every operation both twins must return the same thing (every event field, including
the ``arguments`` snapshot) or raise the same exception type, and that type must be
``TypeError`` (the only documented error). At the end ``choice_indexes`` and every choice's
assembled calls (index, id, type, name, arguments, done, complete) must match.
"""

from __future__ import annotations

import json
import sys
from types import SimpleNamespace
from typing import Any

import msgspec
from _common import Divergence, atheris, load_twins, main, outcome, same

tool_calls_py, tool_calls_c = load_twins("tool_calls")

from oxide.types.chat.chat_completion_chunk import (  # noqa: E402
    ChoiceDeltaToolCall,
    ChoiceDeltaToolCallFunction,
)

UNSET = msgspec.UNSET


class Str(str):
    pass


class Int(int):
    pass


class Slotted:
    __slots__ = ("function", "id", "index", "type")


class SlottedFunction:
    __slots__ = ("arguments", "name")


class Fallback:
    """Slots, and ``__getattr__`` for the ones never set: a custom attribute lookup."""

    __slots__ = ("function", "id", "index", "type")

    def __getattr__(self, name: str) -> Any:
        return {"id": "call_fb", "function": {"name": "fb", "arguments": "{}"}}.get(name)


IDS: list[Any] = [None, "", "a", "b", "call_1", "call_2", UNSET]
TYPES: list[Any] = [None, "", "function", UNSET]
NAMES: list[Any] = [None, "", "f", "g", "fg", "get_weather", UNSET]
ARGS: list[Any] = [None, "", "{", "}", '{"a":', " 1}", '"', "\\", "[", "]", " ", "\n"]
ARGS += ["{}", '"x"', "1", "null", '\\"', '{"a": "}"}', '"\\u00e9"', "\U0001f600", "\ud800"]
INDEXES: list[Any] = [None, 0, 1, 2, 3, 0, 1, -1, 2**70, UNSET]
JUNK: list[Any] = [1, 1.5, True, False, b"x", ["a"], {"a": 1}, (), object(), 2**70, -0.0]
JUNK += [float("nan"), "call_1", {"index": 0}, [{"index": 0}], Str("s"), Int(1)]


def _pick(fdp: Any, values: list[Any]) -> Any:
    return values[fdp.ConsumeIntInRange(0, len(values) - 1)]


def _text(fdp: Any, vocab: list[Any]) -> Any:
    k = fdp.ConsumeIntInRange(0, 15)
    if k < 10:
        return vocab[k % len(vocab)]
    if k < 13:
        return fdp.ConsumeUnicode(fdp.ConsumeIntInRange(0, 6))  # surrogates included
    if k == 13:
        return Str(_pick(fdp, vocab) or "s")
    return _pick(fdp, JUNK)


def _index(fdp: Any) -> Any:
    k = fdp.ConsumeIntInRange(0, 15)
    if k < 12:
        return INDEXES[k % len(INDEXES)]
    if k == 12:
        return Int(fdp.ConsumeIntInRange(0, 3))
    if k == 13:
        return fdp.ConsumeInt(9)  # up to 72 bits, negative too
    return _pick(fdp, JUNK)


def _fields(fdp: Any) -> dict[str, Any]:
    """Some of index/id/type/function (missing keys stay missing)."""
    out: dict[str, Any] = {}
    present = fdp.ConsumeIntInRange(0, 15)
    if present & 1 or fdp.ConsumeBool():
        out["index"] = _index(fdp)
    if present & 2:
        out["id"] = _text(fdp, IDS)
    if present & 4:
        out["type"] = _text(fdp, TYPES)
    if present & 8:
        function: dict[str, Any] = {}
        if fdp.ConsumeBool():
            function["name"] = _text(fdp, NAMES)
        if fdp.ConsumeIntInRange(0, 3):
            function["arguments"] = _text(fdp, ARGS)
        out["function"] = function if fdp.ConsumeIntInRange(0, 7) else _pick(fdp, JUNK)
    return out


def _as_struct(entry: dict[str, Any], via: int) -> Any:
    """``entry`` as a ``ChoiceDeltaToolCall`` (via 0), a plain object (1) or slotted (2)."""
    function = entry.get("function")
    if type(function) is dict and set(function) <= {"name", "arguments"}:
        if via == 0:
            function = ChoiceDeltaToolCallFunction(**function)
        else:
            holder: Any = SimpleNamespace() if via == 1 else SlottedFunction()
            for key, value in function.items():
                setattr(holder, key, value)
            function = holder
    fields = {**entry, "function": function} if "function" in entry else dict(entry)
    if via == 0:
        return ChoiceDeltaToolCall(**fields)
    obj: Any = SimpleNamespace() if via == 1 else Slotted()
    for key, value in fields.items():
        setattr(obj, key, value)
    return obj


def _entry(fdp: Any) -> Any:
    k = fdp.ConsumeIntInRange(0, 15)
    if k < 8:
        return _fields(fdp)
    if k < 14:
        return _as_struct(_fields(fdp), (k - 8) % 3)
    if k == 14:
        obj = Fallback()
        for key, value in _fields(fdp).items():
            setattr(obj, key, value)
        return obj
    return _pick(fdp, JUNK)


def _choice_index(fdp: Any) -> Any:
    k = fdp.ConsumeIntInRange(0, 15)
    if k < 13:
        return k % 3
    if k == 13:
        return Int(1)
    return _pick(fdp, [None, True, -1, 2**70, "0", 1.0])


def _fdp_operations(data: bytes) -> list[tuple[str, Any, Any]]:
    fdp = atheris.FuzzedDataProvider(data)
    ops: list[tuple[str, Any, Any]] = []
    while fdp.remaining_bytes() and len(ops) < 24:
        k = fdp.ConsumeIntInRange(0, 15)
        if k < 11:
            n = fdp.ConsumeIntInRange(0, 4)
            deltas: Any = [_entry(fdp) for _ in range(n)]
            shape = fdp.ConsumeIntInRange(0, 15)
            if shape == 13:
                deltas = tuple(deltas)
            elif shape == 14:
                deltas = iter(deltas)
            elif shape == 15:
                deltas = _pick(fdp, [None, 5, "ab", {"index": 0}])
            ops.append(("feed", _choice_index(fdp), deltas))
        elif k < 13:
            ops.append(("finish", None if fdp.ConsumeBool() else _choice_index(fdp), None))
        else:
            ops.append(("calls", _choice_index(fdp), None))
    return ops


def _json_operations(data: bytes) -> list[tuple[str, Any, Any]] | None:
    """The operations a JSON input spells, or None if it does not parse as a list."""
    try:
        raw = json.loads(data)
    except (ValueError, RecursionError):
        return None
    if type(raw) is not list:
        return None
    ops: list[tuple[str, Any, Any]] = []
    for op in raw[:64]:
        if type(op) is list and op and op[0] in ("feed", "finish", "calls"):
            ops.append((op[0], op[1] if len(op) > 1 else None, op[2] if len(op) > 2 else None))
    return ops


def _structs(deltas: Any) -> Any:
    if type(deltas) is not list:
        return deltas
    out = []
    for entry in deltas:
        if type(entry) is dict and set(entry) <= {"index", "id", "type", "function"}:
            function = entry.get("function")
            if type(function) is dict and not set(function) <= {"name", "arguments"}:
                out.append(entry)
                continue
            out.append(_as_struct(entry, 0))
        else:
            out.append(entry)
    return out


def _event(e: Any) -> tuple[Any, ...]:
    return (
        type(e).__name__,
        e.kind,
        e.choice_index,
        e.index,
        e.id,
        e.name,
        e.arguments_delta,
        e.arguments,
    )


def _call(c: Any) -> tuple[Any, ...]:
    return (type(c).__name__, c.index, c.id, c.type, c.name, c.arguments, c.done, c.complete)


def _apply(assembler: Any, op: str, arg: Any, deltas: Any) -> Any:
    if op == "feed":
        return [_event(e) for e in assembler.feed(arg, deltas)]
    if op == "finish":
        return [_event(e) for e in assembler.finish(arg)]
    return [_call(c) for c in assembler.calls(arg)]


def _run(ops: list[tuple[str, Any, Any]], data: bytes) -> None:
    py, c = tool_calls_py.ToolCallAssembler(), tool_calls_c.ToolCallAssembler()
    for op, arg, deltas in ops:
        if op == "feed" and type(deltas) is type(iter([])):
            items = list(deltas)  # an iterator is used up by the first twin: one each
            got_py = outcome(_apply, py, op, arg, iter(items))
            got_c = outcome(_apply, c, op, arg, iter(items))
        else:
            got_py = outcome(_apply, py, op, arg, deltas)
            got_c = outcome(_apply, c, op, arg, deltas)
        same(f"{op}({arg!r}, {deltas!r})", got_py, got_c, data)
        if got_py[0] == "raised" and got_py[1] is not TypeError:
            raise Divergence(f"{op}() raised {got_py[1]!r}, not TypeError: {data!r}")
    same("choice_indexes", py.choice_indexes, c.choice_indexes, data)
    for ci in py.choice_indexes:
        same(f"calls({ci})", _apply(py, "calls", ci, None), _apply(c, "calls", ci, None), data)


def test_one_input(data: bytes) -> None:
    ops = _json_operations(data) if data[:1] == b"[" else None
    if ops is None:
        _run(_fdp_operations(data), data)
        return
    _run(ops, data)
    _run([(op, arg, _structs(deltas)) for op, arg, deltas in ops], data)


if __name__ == "__main__":
    main(test_one_input)
    sys.exit(0)
