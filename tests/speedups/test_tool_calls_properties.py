"""Tool-call assembler: property tests (RELIABILITY.md §4 P7).

Final tool calls are generated (several choices, several calls with random JSON arguments:
escapes, unicode, nesting, strings full of braces and quotes), cut into deltas at random code
point boundaries (arguments, and names too), interleaved across calls and choices, grouped into
chunks (so one chunk often carries several entries of one index: T1), with index gaps (T2),
repeated id/type/name (T3), no-op entries (T7) and null indexes wherever the routing rules make
them unambiguous. The assembled calls must equal the generated ones, on both twins, and the
compiled twin must give exactly the Python twin's events and calls. Garbage must never raise
anything but TypeError, and the same on both twins.
"""

from __future__ import annotations

import json
import random
from dataclasses import dataclass, field
from types import ModuleType
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from .test_tool_calls import as_call, as_event, structs

# Drawing a stream costs far more than assembling it (~250 draws each), so the example counts are
# kept modest; the differential test gets the most.
PROPERTY = settings(
    max_examples=100,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)

# -- generating final calls --------------------------------------------------------------------------

TRICKY = '"\\{}[]:,/ \n\tu0\u00e9\u20ac\u2028\U0001f600'
chars = st.one_of(
    st.sampled_from(TRICKY),
    st.characters(blacklist_categories=("Cs",)),  # lone surrogates do not survive msgspec
)
texts = st.text(chars, max_size=8)
scalars = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(-(10**9), 10**9),
    st.floats(allow_nan=False, allow_infinity=False),
    texts,
)
json_values = st.recursive(
    scalars,
    lambda inner: st.one_of(st.lists(inner, max_size=4), st.dictionaries(texts, inner, max_size=4)),
    max_leaves=10,
)


@st.composite
def arguments(draw: st.DrawFn) -> tuple[str, bool]:
    """(arguments, whether they are JSON): mostly JSON objects, as tools take, sometimes any
    JSON value, nothing, or anything else a model might produce."""
    kind = draw(st.sampled_from(["object"] * 6 + ["value", "empty", "garbage"]))
    if kind == "empty":
        return "", False
    if kind == "garbage":
        return draw(st.text(chars, min_size=1, max_size=20)), False
    value = draw(
        st.dictionaries(texts, json_values, max_size=5) if kind == "object" else json_values
    )
    return json.dumps(
        value,
        ensure_ascii=draw(st.booleans()),
        separators=draw(st.sampled_from([(",", ":"), (", ", ": ")])),
        indent=draw(st.sampled_from([None, None, 2])),
    ), True


@dataclass
class Spec:
    """One generated call and how it is streamed."""

    index: int
    id: str | None
    type: str | None
    name: str
    arguments: str
    is_json: bool
    repeat_id: bool
    repeat_name: bool
    repeat_type: bool


@st.composite
def call_specs(draw: st.DrawFn, choice: int) -> list[Spec]:
    indexes = sorted(draw(st.sets(st.integers(0, 9), min_size=1, max_size=4)))  # gaps: T2
    specs = []
    for index in indexes:
        has_id = draw(st.integers(0, 5)) > 0
        text, is_json = draw(arguments())
        specs.append(
            Spec(
                index=index,
                id=f"call_{choice}_{index}" if has_id else None,
                type=draw(st.sampled_from(["function", "function", None])),
                name=draw(st.text(chars, min_size=1, max_size=12)),
                arguments=text,
                is_json=is_json,
                repeat_id=draw(st.booleans()),
                # A name repeated with arguments after a complete value starts a new call (rule
                # 4), and garbage can look complete anywhere: no repeats there.
                repeat_name=is_json and draw(st.booleans()),
                repeat_type=draw(st.booleans()),
            )
        )
    return specs


def split(text: str, rnd: random.Random, max_pieces: int) -> list[str]:
    """``text`` cut at random code point boundaries (no empty pieces)."""
    if len(text) < 2:
        return [text] if text else []
    count = rnd.randint(0, min(max_pieces, len(text)) - 1)
    cuts = sorted(rnd.sample(range(1, len(text)), count))
    return [text[a:b] for a, b in zip([0, *cuts], [*cuts, len(text)], strict=True)]


def split_name(name: str, rnd: random.Random) -> list[str]:
    """``name`` cut into pieces, none equal to the name so far (that would read as a repeat)."""
    pieces: list[str] = []
    for piece in split(name, rnd, 3):
        if pieces and piece == "".join(pieces):
            pieces[-1] += piece
        else:
            pieces.append(piece)
    return pieces


@dataclass
class Entry:
    """One delta entry to feed, with the call it belongs to (None: a no-op)."""

    spec: Spec | None
    index: int | None
    id: str | None = None
    type: str | None = None
    name: str | None = None
    arguments: str | None = None
    first: bool = False

    def as_dict(self, rnd: random.Random) -> dict[str, Any]:
        entry: dict[str, Any] = {"index": self.index}
        if self.id is not None or rnd.random() < 0.2:
            entry["id"] = self.id
        if self.type is not None or rnd.random() < 0.2:
            entry["type"] = self.type
        if self.name is not None or self.arguments is not None or rnd.random() < 0.3:
            function: dict[str, Any] = {}
            if self.name is not None or rnd.random() < 0.5:
                function["name"] = self.name
            if self.arguments is not None or rnd.random() < 0.5:
                function["arguments"] = self.arguments
            entry["function"] = function
        return entry


def entries_of(spec: Spec, rnd: random.Random) -> list[Entry]:
    """How one call streams: a header (id, type, first name piece), the rest of the name, then
    the arguments, with repeats (T3) as the spec says."""
    names = split_name(spec.name, rnd)
    pieces = split(spec.arguments, rnd, 12)
    out = [Entry(spec, spec.index, spec.id, spec.type, names[0], first=True)]
    out += [Entry(spec, spec.index, name=name) for name in names[1:]]
    for piece in pieces:
        out.append(
            Entry(
                spec,
                spec.index,
                id=spec.id if spec.repeat_id else None,
                type=spec.type if spec.repeat_type else None,
                name=spec.name if spec.repeat_name else None,
                arguments=piece,
            )
        )
    if len(out) > 1 and rnd.random() < 0.5:  # the first argument piece rides in the header
        if out[1].arguments is not None and len(names) == 1:
            out[0].arguments = out.pop(1).arguments
    return out


def interleave(sequences: list[list[Entry]], rnd: random.Random) -> list[Entry]:
    """A random merge keeping each sequence's order."""
    queues = [list(reversed(s)) for s in sequences if s]
    merged = []
    while queues:
        queue = rnd.choice(queues)
        merged.append(queue.pop())
        if not queue:
            queues.remove(queue)
    return merged


def null_indexes(entries: list[Entry], rnd: random.Random) -> None:
    """Drop ``index`` where the routing rules still find the right call."""
    seen_ids: set[str] = set()
    last: Spec | None = None
    top = -1  # the highest index so far
    for entry in entries:
        if entry.spec is None:
            continue
        spec = entry.spec
        if entry.id is not None and entry.id in seen_ids:
            unambiguous = True  # rule 1
        elif entry.first:
            unambiguous = entry.id is not None and spec.index == top + 1  # rule 3, new id
        else:
            unambiguous = entry.id is None and last is spec  # rule 3, last call
        if unambiguous and rnd.random() < 0.5:
            entry.index = None
        if entry.id is not None:
            seen_ids.add(entry.id)
        if entry.first:
            top = max(top, spec.index)
        last = spec


@dataclass
class Stream:
    choices: dict[int, list[Spec]]
    chunks: list[tuple[int, list[dict[str, Any]]]]
    entries: list[tuple[int, Entry]] = field(default_factory=list)  # in feed order


@st.composite
def streams(draw: st.DrawFn) -> Stream:
    # The cutting, interleaving and chunking decisions come from a seeded Random: hypothesis's
    # own st.randoms() costs more than everything else put together here.
    rnd = random.Random(draw(st.integers(0, 2**32 - 1)))
    choice_ids = sorted(draw(st.sets(st.integers(0, 3), min_size=1, max_size=3)))  # T6
    choices = {ci: draw(call_specs(ci)) for ci in choice_ids}
    per_choice = {}
    for ci, specs in choices.items():
        merged = interleave([entries_of(s, rnd) for s in specs], rnd)
        null_indexes(merged, rnd)
        for _ in range(rnd.randint(0, 3)):  # T7 no-ops anywhere
            noop = Entry(None, rnd.choice([None, 0, 5, 42]))
            merged.insert(rnd.randint(0, len(merged)), noop)
        per_choice[ci] = merged
    # Interleave the choices, then cut each run of one choice into chunks.
    tagged = interleave([[(ci, e) for e in es] for ci, es in per_choice.items()], rnd)  # type: ignore[misc]
    chunks: list[tuple[int, list[dict[str, Any]]]] = []
    for ci, entry in tagged:
        if chunks and chunks[-1][0] == ci and rnd.random() < 0.4:  # T1: same chunk
            chunks[-1][1].append(entry.as_dict(rnd))
        else:
            chunks.append((ci, [entry.as_dict(rnd)]))
    return Stream(choices, chunks, tagged)  # type: ignore[arg-type]


def expected_calls(specs: list[Spec]) -> list[tuple[Any, ...]]:
    return [(s.index, s.id, s.type, s.name, s.arguments, True) for s in specs]


def closes_early(spec: Spec) -> bool:
    """Whether the arguments are one JSON object, array or string (done as they close)."""
    return spec.is_json and isinstance(json.loads(spec.arguments), (dict, list, str))


def feed(cls: type, stream: Stream) -> tuple[list[tuple[Any, ...]], Any]:
    assembler = cls()
    events = []
    for ci, entries in stream.chunks:
        events += [as_event(e) for e in assembler.feed(ci, entries)]
    events += [as_event(e) for e in assembler.finish()]
    return events, assembler


# -- P7 ---------------------------------------------------------------------------------------------


@PROPERTY
@given(stream=streams())
def test_p7_assembled_equals_original(assembler_cls: type, stream: Stream) -> None:
    events, assembler = feed(assembler_cls, stream)
    for ci, specs in stream.choices.items():
        got = [as_call(c) for c in assembler.calls(ci)]
        assert [g[:6] for g in got] == expected_calls(specs)
        for g, spec in zip(got, specs, strict=True):
            if spec.is_json or not spec.arguments:  # (garbage may be balanced by chance)
                assert g[6] == closes_early(spec)  # complete

    # One delta per entry that was not a no-op, in feed order, with its own fragment.
    deltas = [(e[1], e[2], e[5]) for e in events if e[0] == "delta"]
    assert deltas == [
        (ci, entry.spec.index, entry.arguments or "")
        for ci, entry in stream.entries
        if entry.spec is not None
    ]
    # Exactly one done per call. For an object, array or string it carries the full arguments,
    # right after the delta that closed them, or none at all: a later call started while this
    # one had no arguments yet (interleaving). Anything else may also be done early when a later
    # call starts (a bare scalar or garbage is never "in the middle of a value").
    for ci, specs in stream.choices.items():
        for spec in specs:
            mine = [i for i, e in enumerate(events) if e[1] == ci and e[2] == spec.index]
            dones = [i for i in mine if events[i][0] == "done"]
            assert len(dones) == 1
            done = events[dones[0]]
            assert spec.arguments.startswith(done[6])
            if closes_early(spec):
                assert done[6] in ("", spec.arguments)
                if done[6]:
                    previous = events[dones[0] - 1]
                    assert previous[0] == "delta" and previous[6] == spec.arguments


@pytest.mark.c_extension
@settings(PROPERTY, max_examples=200)
@given(stream=streams())
def test_p7_c_matches_python(
    tool_calls_py: ModuleType, tool_calls_c: ModuleType, stream: Stream
) -> None:
    py_events, py = feed(tool_calls_py.ToolCallAssembler, stream)
    c_events, c = feed(tool_calls_c.ToolCallAssembler, stream)
    assert c_events == py_events
    assert c.choice_indexes == py.choice_indexes
    for ci in py.choice_indexes:
        assert [as_call(x) for x in c.calls(ci)] == [as_call(x) for x in py.calls(ci)]


@settings(PROPERTY, max_examples=40)
@given(stream=streams())
def test_p7_structs_equal_dicts(assembler_cls: type, stream: Stream) -> None:
    # The same stream as the client decodes it (ChoiceDeltaToolCall Structs, UNSET for absent
    # keys), on each twin: the compiled one reads the Structs' slots directly.
    decoded = type(stream)(stream.choices, [(ci, structs(es)) for ci, es in stream.chunks])
    events, assembler = feed(assembler_cls, decoded)
    reference_events, reference = feed(assembler_cls, stream)
    assert events == reference_events
    for ci in reference.choice_indexes:
        assert [as_call(x) for x in assembler.calls(ci)] == [
            as_call(x) for x in reference.calls(ci)
        ]


# -- garbage -----------------------------------------------------------------------------------------

KEYS = ["index", "id", "type", "function", "name", "arguments", "other"]
junk = st.recursive(
    st.one_of(
        st.none(),
        st.booleans(),
        st.integers(-3, 3),
        st.floats(allow_nan=False),
        st.text(chars, max_size=4),
        st.sampled_from(["{", "}", '"', "\\", "[1]", "{}", "call_1", "f"]),
    ),
    lambda inner: st.one_of(
        st.lists(inner, max_size=3), st.dictionaries(st.sampled_from(KEYS), inner, max_size=4)
    ),
    max_leaves=8,
)
plausible = st.fixed_dictionaries(
    {},
    optional={
        "index": st.one_of(st.none(), st.integers(0, 3), junk),
        "id": st.one_of(st.none(), st.sampled_from(["a", "b", ""]), junk),
        "type": st.one_of(st.none(), st.just("function"), junk),
        "function": st.one_of(
            st.none(),
            st.fixed_dictionaries(
                {},
                optional={
                    "name": st.one_of(st.none(), st.sampled_from(["f", "g", ""]), junk),
                    "arguments": st.one_of(st.none(), st.text(chars, max_size=6), junk),
                },
            ),
            junk,
        ),
    },
)
operations = st.lists(
    st.one_of(
        st.tuples(
            st.just("feed"), st.integers(0, 2), st.lists(st.one_of(plausible, junk), max_size=4)
        ),
        st.tuples(st.just("feed"), junk, junk),
        st.tuples(st.just("finish"), st.one_of(st.none(), st.integers(0, 2), junk), st.none()),
        st.tuples(st.just("calls"), st.one_of(st.integers(0, 2), junk), st.none()),
    ),
    max_size=12,
)


def apply(assembler: Any, operations: list[tuple[str, Any, Any]]) -> list[Any]:
    """Run the operations; what each returned, or the exception type it raised."""
    out: list[Any] = []
    for op, arg, entries in operations:
        try:
            if op == "feed":
                out.append([as_event(e) for e in assembler.feed(arg, entries)])
            elif op == "finish":
                out.append([as_event(e) for e in assembler.finish(arg)])
            else:
                out.append([as_call(c) for c in assembler.calls(arg)])
        except TypeError:
            out.append(TypeError)
    out.append([(ci, [as_call(c) for c in assembler.calls(ci)]) for ci in assembler.choice_indexes])
    return out


@PROPERTY
@given(ops=operations)
def test_garbage_raises_only_type_error(assembler_cls: type, ops: list[Any]) -> None:
    apply(assembler_cls(), ops)  # anything but TypeError fails the test


@pytest.mark.c_extension
@PROPERTY
@given(ops=operations)
def test_garbage_c_matches_python(
    tool_calls_py: ModuleType, tool_calls_c: ModuleType, ops: list[Any]
) -> None:
    assert apply(tool_calls_c.ToolCallAssembler(), ops) == apply(
        tool_calls_py.ToolCallAssembler(), ops
    )
