"""Tool-call delta assembler: RELIABILITY.md §3.6 rows T1-T7, early completion, routing, errors.

Every test runs on both twins (the ``assembler_cls`` fixture). Events and calls are compared as
plain tuples (``ev`` / ``call``), so one expectation serves both twins. The helpers here are
shared with ``test_tool_calls_properties.py`` and ``test_tool_calls_sdk.py``.
"""

from __future__ import annotations

import inspect
import pickle
import runpy
import sys
from collections.abc import Iterable, Sequence
from types import ModuleType
from typing import Any

import msgspec
import pytest

import oxide._speedups as speedups
from oxide._models import decode
from oxide.types.chat.chat_completion_chunk import ChatCompletionChunk

Event = tuple[str, int, int, "str | None", "str | None", str, str]
Call = tuple[int, "str | None", "str | None", "str | None", str, bool, bool]
Chunk = tuple[int, list[Any]]  # (choice index, tool-call delta entries)


# -- helpers --------------------------------------------------------------------------------------


def as_event(e: Any) -> Event:
    return (e.kind, e.choice_index, e.index, e.id, e.name, e.arguments_delta, e.arguments)


def as_call(c: Any) -> Call:
    return (c.index, c.id, c.type, c.name, c.arguments, c.done, c.complete)


def delta(
    args: str | None = None,
    name: str | None = None,
    *,
    index: int | None = 0,
    id: str | None = None,
    type: str | None = None,
) -> dict[str, Any]:
    """A tool-call delta entry as the API sends it (a plain dict)."""
    entry: dict[str, Any] = {"index": index}
    if id is not None:
        entry["id"] = id
    if type is not None:
        entry["type"] = type
    if name is not None or args is not None:
        entry["function"] = {"name": name, "arguments": args}
    return entry


def header(index: int, id: str, name: str, args: str = "") -> dict[str, Any]:
    """The first entry of a call, OpenAI style."""
    return delta(args, name, index=index, id=id, type="function")


def ev(
    kind: str,
    index: int,
    arguments: str,
    arguments_delta: str = "",
    *,
    id: str | None = None,
    name: str | None = None,
    choice: int = 0,
) -> Event:
    return (kind, choice, index, id, name, arguments_delta, arguments)


def call(
    index: int,
    arguments: str,
    *,
    id: str | None = None,
    name: str | None = None,
    type: str | None = "function",
    done: bool = True,
    complete: bool = True,
) -> Call:
    return (index, id, type, name, arguments, done, complete)


def feed_all(
    assembler: Any, chunks: Iterable[Chunk | list[Any]], *, finish: bool = True
) -> list[Event]:
    """Feed chunks (``(choice, entries)``, or bare entry lists for choice 0); all events."""
    events: list[Event] = []
    for chunk in chunks:
        choice, entries = chunk if isinstance(chunk, tuple) else (0, chunk)
        events += [as_event(e) for e in assembler.feed(choice, entries)]
    if finish:
        events += [as_event(e) for e in assembler.finish()]
    return events


def run(
    cls: type, chunks: Iterable[Chunk | list[Any]], *, finish: bool = True
) -> tuple[list[Event], dict[int, list[Call]]]:
    """(events, calls by choice) of a fresh assembler fed ``chunks``."""
    assembler = cls()
    events = feed_all(assembler, chunks, finish=finish)
    calls = {ci: [as_call(c) for c in assembler.calls(ci)] for ci in assembler.choice_indexes}
    return events, calls


def structs(entries: Sequence[dict[str, Any]]) -> list[Any]:
    """The same entries decoded as the client decodes them (``ChoiceDeltaToolCall`` Structs)."""
    body = {
        "id": "chatcmpl-1",
        "object": "chat.completion.chunk",
        "created": 1,
        "model": "m",
        "choices": [{"index": 0, "delta": {"tool_calls": list(entries)}, "finish_reason": None}],
    }
    tool_calls = decode(ChatCompletionChunk, msgspec.json.encode(body)).choices[0].delta.tool_calls
    assert tool_calls is not None
    return list(tool_calls)


# -- selection and surface --------------------------------------------------------------------------


def test_c_extension_loaded() -> None:
    # As test_selection.test_c_extension_loaded: not skipped either way.
    if speedups.NO_EXTENSIONS:
        assert speedups.ToolCallAssemblerC is None
        assert speedups.ToolCallAssembler is speedups.ToolCallAssemblerPy
    else:
        assert speedups.ToolCallAssemblerC is not None
        assert speedups.ToolCallAssembler is speedups.ToolCallAssemblerC
        assert speedups.ToolCallAssembler.__module__ == "oxide._speedups._tool_calls_c"
    assert speedups.ToolCallAssemblerPy.__module__ == "oxide._speedups._tool_calls_py"
    module = speedups.ToolCallAssembler.__module__
    assert speedups.ToolCallEvent.__module__ == speedups.AssembledToolCall.__module__ == module


def _select_again(monkeypatch: pytest.MonkeyPatch, env: str | None) -> dict[str, Any]:
    if env is None:
        monkeypatch.delenv("OXIDE_NO_EXTENSIONS", raising=False)
    else:
        monkeypatch.setenv("OXIDE_NO_EXTENSIONS", env)
    assert speedups.__file__ is not None
    return runpy.run_path(speedups.__file__, run_name=speedups.__name__)


def test_env_forces_python(monkeypatch: pytest.MonkeyPatch, tool_calls_py: ModuleType) -> None:
    ns = _select_again(monkeypatch, "1")
    assert ns["IMPLEMENTATION"] == "py"
    assert ns["ToolCallAssembler"] is ns["ToolCallAssemblerPy"] is tool_calls_py.ToolCallAssembler
    assert ns["ToolCallEvent"] is tool_calls_py.ToolCallEvent
    assert ns["AssembledToolCall"] is tool_calls_py.AssembledToolCall
    assert ns["ToolCallAssemblerC"] is None


@pytest.mark.c_extension
def test_env_unset_selects_c(monkeypatch: pytest.MonkeyPatch, tool_calls_c: ModuleType) -> None:
    ns = _select_again(monkeypatch, None)
    assert ns["IMPLEMENTATION"] == "c"
    assert ns["ToolCallAssembler"] is ns["ToolCallAssemblerC"] is tool_calls_c.ToolCallAssembler
    assert ns["ToolCallEvent"] is tool_calls_c.ToolCallEvent


def test_import_error_falls_back(
    monkeypatch: pytest.MonkeyPatch, tool_calls_py: ModuleType
) -> None:
    monkeypatch.setitem(sys.modules, "oxide._speedups._tool_calls_c", None)  # ImportError
    ns = _select_again(monkeypatch, None)
    assert ns["IMPLEMENTATION"] == "py"  # one missing compiled twin is enough to say so
    assert ns["ToolCallAssembler"] is tool_calls_py.ToolCallAssembler
    assert ns["ToolCallAssemblerC"] is None


def _public(obj: object) -> set[str]:
    return {name for name in dir(obj) if not name.startswith("_")}


@pytest.mark.c_extension
def test_twins_have_the_same_public_surface(
    tool_calls_py: ModuleType, tool_calls_c: ModuleType
) -> None:
    assert tool_calls_c.__all__ == tool_calls_py.__all__
    for name in tool_calls_py.__all__:
        assert _public(getattr(tool_calls_c, name)) == _public(getattr(tool_calls_py, name)), name
    # (The compiled __init__ slots have no signature to compare; the constructor tests call
    # both twins the same way.)
    for method in ("feed", "finish", "calls"):
        c_sig = inspect.signature(getattr(tool_calls_c.ToolCallAssembler, method))
        py_sig = inspect.signature(getattr(tool_calls_py.ToolCallAssembler, method))
        assert list(c_sig.parameters) == list(py_sig.parameters), method
        defaults = [p.default for p in c_sig.parameters.values()]
        assert defaults == [p.default for p in py_sig.parameters.values()], method


def test_read_only_call_and_writable_event(tool_calls_module: ModuleType) -> None:
    assembler = tool_calls_module.ToolCallAssembler()
    (event,) = assembler.feed(0, [header(0, "call_1", "f")])
    (c,) = assembler.calls(0)
    for attribute in ("index", "id", "type", "name", "arguments", "done", "complete"):
        with pytest.raises(AttributeError):
            setattr(c, attribute, None)
    event.name = "g"  # events are plain records, as on the SSE twins
    assert event.name == "g"
    with pytest.raises(AttributeError):
        event.arguments = "x"


def test_event_constructor_and_equality(tool_calls_module: ModuleType) -> None:
    Event = tool_calls_module.ToolCallEvent
    e = Event("delta", 1, 2, "call_1", "f", "}", '{"a":1}')
    assert as_event(e) == ("delta", 1, 2, "call_1", "f", "}", '{"a":1}')
    assert e == Event("delta", 1, 2, "call_1", "f", "}", '{"a":1}')
    assert e != Event("done", 1, 2, "call_1", "f", "", '{"a":1}')
    assert e != ("delta", 1, 2, "call_1", "f", "}", '{"a":1}')
    assert "arguments='{\"a\":1}'" in repr(e)
    with pytest.raises(TypeError):
        Event("delta", 1, 2, "call_1", "f", "}", ["not", "a", "str"])
    with pytest.raises(TypeError):
        hash(e)
    assembler = tool_calls_module.ToolCallAssembler()
    fed = assembler.feed(0, [header(2, "call_1", "f", '{"a"'), delta(":1}", index=2)])
    assert fed[1] == Event("delta", 0, 2, "call_1", "f", ":1}", '{"a":1}')
    assert fed[2] == Event("done", 0, 2, "call_1", "f", "", '{"a":1}')


def test_call_equality_and_repr(assembler_cls: type) -> None:
    chunks = [[header(0, "call_1", "f", '{"a":1}')]]
    one, two = assembler_cls(), assembler_cls()
    for assembler in (one, two):
        assembler.feed(0, chunks[0])
    assert one.calls(0) == two.calls(0)
    two.feed(0, [delta(" ")])
    assert one.calls(0) != two.calls(0)  # arguments differ
    assert repr(one.calls(0)[0]) == (
        "AssembledToolCall(index=0, id='call_1', type='function', name='f', "
        "arguments='{\"a\":1}', done=True, complete=True)"
    )
    with pytest.raises(TypeError):
        hash(one.calls(0)[0])


def test_events_pickle_as_records(assembler_cls: type) -> None:
    assembler = assembler_cls()
    (first, second, done) = assembler.feed(0, [header(0, "c", "f", "{"), delta("}")])
    for event in (first, second, done):
        clone = pickle.loads(pickle.dumps(event))
        assert as_event(clone) == as_event(event)


# -- RELIABILITY.md §3.6 ----------------------------------------------------------------------------


def test_t1_same_index_twice_in_one_chunk(assembler_cls: type) -> None:
    # vLLM (speculative decoding): the first chunk carries two entries of index 0. The SDK drops
    # the second into an orphan list entry (openai/openai-python#3201).
    chunks = [[header(0, "call_1", "f", '{"a"'), delta(":1}")]]
    events, calls = run(assembler_cls, chunks)
    assert calls == {0: [call(0, '{"a":1}', id="call_1", name="f")]}
    assert events == [
        ev("delta", 0, '{"a"', '{"a"', id="call_1", name="f"),
        ev("delta", 0, '{"a":1}', ":1}", id="call_1", name="f"),
        ev("done", 0, '{"a":1}', id="call_1", name="f"),
    ]


def test_t1_interleaved_entries_in_one_chunk(assembler_cls: type) -> None:
    chunks = [
        [
            header(0, "a", "f", '{"x":'),
            header(1, "b", "g", '{"y":'),
            delta("1}"),
            delta("2}", index=1),
        ],
    ]
    _, calls = run(assembler_cls, chunks)
    assert calls[0] == [call(0, '{"x":1}', id="a", name="f"), call(1, '{"y":2}', id="b", name="g")]


def test_t2_index_gap(assembler_cls: type) -> None:
    # The SDK's list.insert(2, ...) on a 1-element list appends at position 1, and the next
    # delta for index 2 misses it: call 2 comes out as two list entries.
    chunks = [
        [header(0, "a", "f", "{}")],
        [header(2, "b", "g", '{"k"')],
        [delta(': "v"}', index=2)],
    ]
    events, calls = run(assembler_cls, chunks)
    assert calls[0] == [call(0, "{}", id="a", name="f"), call(2, '{"k": "v"}', id="b", name="g")]
    assert [(e[0], e[2]) for e in events] == [
        ("delta", 0),
        ("done", 0),
        ("delta", 2),
        ("delta", 2),
        ("done", 2),
    ]


def test_t3_repeated_id_type_name(assembler_cls: type) -> None:
    # Some compatible servers repeat id, type and name on every delta; the SDK concatenates them
    # ("call_Acall_A", "ff").
    chunks = [
        [header(0, "call_A", "f", "")],
        [delta('{"a":', "f", id="call_A", type="function")],
        [delta(" 1}", "f", id="call_A", type="function")],
    ]
    _, calls = run(assembler_cls, chunks)
    assert calls[0] == [call(0, '{"a": 1}', id="call_A", name="f")]


def test_t3_later_type_ignored(assembler_cls: type) -> None:
    _, calls = run(assembler_cls, [[header(0, "a", "f", "{")], [delta("}", type="other")]])
    assert calls[0] == [call(0, "{}", id="a", name="f", type="function")]


@pytest.mark.parametrize(
    "pieces",
    [
        ['{"s": "caf\\u00', 'e9"}'],  # inside a \u escape
        ['{"s": "\\', "u00e9", '"}'],  # a backslash ends a fragment, the next has no quote
        ['{"s": "\\', "n", '"}'],
        ['{"s": "a\\', '"}"}'],  # between a backslash and the quote it escapes
        ['{"s": "a\\\\', '"}'],  # an escaped backslash, then the closing quote
        ['{"ke', 'y": {"in', 'ner": [1, "]', '}"]}}'],  # mid-key, brackets inside strings
        ["{", '"a"', ":", "[", "]", "}"],
        list('{"q": "\\"}{][\\\\", "n": [{"x": []}]}'),  # one character at a time
    ],
)
def test_t4_split_inside_escape_or_key(assembler_cls: type, pieces: list[str]) -> None:
    whole = "".join(pieces)
    chunks = [[header(0, "a", "f")]] + [[delta(p)] for p in pieces]
    events, calls = run(assembler_cls, chunks, finish=False)
    assert calls[0] == [call(0, whole, id="a", name="f")]
    # Done exactly once, right after the fragment that closes the object.
    assert [e[0] for e in events] == ["delta"] * (len(pieces) + 1) + ["done"]
    assert events[-1][6] == whole


@pytest.mark.parametrize("cut", ['{"a": 1, "b": ', '{"a": "unterminated', "[1, 2", ""])
def test_t5_stream_ends_mid_call(assembler_cls: type, cut: str) -> None:
    assembler = assembler_cls()
    feed_all(assembler, [[header(0, "a", "f", cut)]], finish=False)
    assert [as_call(c) for c in assembler.calls(0)] == [
        call(0, cut, id="a", name="f", done=False, complete=False)
    ]
    # finish_reason ("length" or none at all) or end of stream: done, flagged incomplete.
    assert [as_event(e) for e in assembler.finish(0)] == [ev("done", 0, cut, id="a", name="f")]
    assert [as_call(c) for c in assembler.calls(0)] == [
        call(0, cut, id="a", name="f", done=True, complete=False)
    ]
    assert assembler.finish() == []  # never twice


def test_t6_choices_have_separate_state(assembler_cls: type) -> None:
    chunks: list[Chunk] = [
        (0, [header(0, "a0", "f", '{"c":')]),
        (1, [header(0, "a1", "g", '{"c":')]),
        (1, [delta("1}")]),
        (0, [delta("0}")]),
        (1, [header(1, "b1", "h", "[]")]),
    ]
    assembler = assembler_cls()
    events = feed_all(assembler, chunks, finish=False)
    assert assembler.choice_indexes == [0, 1]
    assert [as_call(c) for c in assembler.calls(0)] == [call(0, '{"c":0}', id="a0", name="f")]
    assert [as_call(c) for c in assembler.calls(1)] == [
        call(0, '{"c":1}', id="a1", name="g"),
        call(1, "[]", id="b1", name="h"),
    ]
    assert [(e[0], e[1], e[2]) for e in events if e[0] == "done"] == [
        ("done", 1, 0),
        ("done", 0, 0),
        ("done", 1, 1),
    ]
    assert assembler.calls(7) == []
    assert assembler.finish(7) == []


def test_t6_finish_one_choice(assembler_cls: type) -> None:
    assembler = assembler_cls()
    feed_all(assembler, [(0, [header(0, "a", "f")]), (2, [header(0, "b", "g")])], finish=False)
    assert [(e.choice_index, e.index) for e in assembler.finish(2)] == [(2, 0)]
    assert [(e.choice_index, e.index) for e in assembler.finish()] == [(0, 0)]


def test_t7_null_and_empty_values_are_no_ops(assembler_cls: type) -> None:
    chunks = [
        [header(0, "a", "f", "")],
        [{"index": 0, "id": None, "type": None, "function": {"name": None, "arguments": None}}],
        [{"index": 0, "id": "", "type": "", "function": {"name": "", "arguments": ""}}],
        [{"index": 0, "function": None}, {"index": 0}, {}],
        [delta("{}")],
    ]
    events, calls = run(assembler_cls, chunks)
    assert calls[0] == [call(0, "{}", id="a", name="f")]
    assert events == [
        ev("delta", 0, "", id="a", name="f"),
        ev("delta", 0, "{}", "{}", id="a", name="f"),
        ev("done", 0, "{}", id="a", name="f"),
    ]


def test_t7_empty_entries_create_no_call(assembler_cls: type) -> None:
    events, calls = run(assembler_cls, [[{"index": 3}, delta("", index=4), {"index": None}]])
    assert events == [] and calls == {0: []}


def test_none_or_empty_deltas(assembler_cls: type) -> None:
    assembler = assembler_cls()
    assert assembler.feed(0, None) == []
    assert assembler.feed(0, []) == []
    assert assembler.feed(1, ()) == []
    assert assembler.choice_indexes == [0, 1]  # fed, even if only with nothing
    assert assembler.finish() == []


def test_any_iterable_of_entries(assembler_cls: type) -> None:
    entries = [header(0, "a", "f", "{"), delta("}")]
    a, b = assembler_cls(), assembler_cls()
    assert [as_event(e) for e in a.feed(0, iter(entries))] == [
        as_event(e) for e in b.feed(0, tuple(entries))
    ]


# -- early completion -----------------------------------------------------------------------------


def test_done_as_soon_as_the_json_closes(assembler_cls: type) -> None:
    # Sequential parallel calls (OpenAI): call 0 is done in the chunk that closes its object,
    # before call 1 starts; finish() then has only call 1 left.
    assembler = assembler_cls()
    assert [e.kind for e in assembler.feed(0, [header(0, "a", "f", '{"x": ')])] == ["delta"]
    assert [e.kind for e in assembler.feed(0, [delta("[1, 2]")])] == ["delta"]
    assert [(e.kind, e.arguments) for e in assembler.feed(0, [delta("}\n")])] == [
        ("delta", '{"x": [1, 2]}\n'),
        ("done", '{"x": [1, 2]}\n'),
    ]
    assert [e.kind for e in assembler.feed(0, [header(1, "b", "g", "{}")])] == ["delta", "done"]
    assert assembler.feed(0, [delta("  ")])[0].kind == "delta"  # whitespace after: still complete
    assert [as_call(c) for c in assembler.calls(0)] == [
        call(0, '{"x": [1, 2]}\n  ', id="a", name="f"),
        call(1, "{}", id="b", name="g"),
    ]
    assert assembler.finish() == []


def test_top_level_string_and_array_complete(assembler_cls: type) -> None:
    chunks = [[header(0, "a", "f", '"{not')], [delta(' json}"')], [header(1, "b", "g", "[[]")]]
    events, _ = run(assembler_cls, chunks + [[delta("]", index=1)]], finish=False)
    assert [(e[0], e[2]) for e in events] == [
        ("delta", 0),
        ("delta", 0),
        ("done", 0),
        ("delta", 1),
        ("delta", 1),
        ("done", 1),
    ]


@pytest.mark.parametrize("arguments", ["42", "true", "null", "nonsense", "}", "]"])
def test_scalars_and_garbage_complete_only_at_the_end(assembler_cls: type, arguments: str) -> None:
    events, calls = run(assembler_cls, [[header(0, "a", "f", arguments)]])
    assert [e[0] for e in events] == ["delta", "done"]  # the done comes from finish()
    assert calls[0] == [call(0, arguments, id="a", name="f", complete=False)]


def test_value_then_garbage_in_one_fragment_is_not_complete(assembler_cls: type) -> None:
    assembler = assembler_cls()
    assert [e.kind for e in assembler.feed(0, [header(0, "a", "f", "{}x")])] == ["delta"]
    assert assembler.calls(0)[0].complete is False
    assert [e.kind for e in assembler.finish()] == ["done"]


def test_more_after_done_is_kept_and_reported_once(assembler_cls: type) -> None:
    # Two objects back to back on one call: the first closes (done), the rest is still appended
    # and reported as deltas; no second done; complete turns false.
    chunks = [[header(0, "a", "f", '{"a":1}')], [delta('{"b":2}')]]
    events, calls = run(assembler_cls, chunks)
    assert [e[0] for e in events] == ["delta", "done", "delta"]
    assert calls[0] == [call(0, '{"a":1}{"b":2}', id="a", name="f", complete=False)]


def test_new_call_completes_earlier_calls_unless_mid_value(assembler_cls: type) -> None:
    # Call 0 has no arguments (a no-argument tool, "" as some servers send): done when call 1
    # starts. Call 1 is mid-object when call 2 starts (an interleaving server): not done then,
    # done when its object closes.
    chunks = [
        [header(0, "a", "f")],
        [header(1, "b", "g", '{"k": ')],
        [header(2, "c", "h", "{")],
        [delta("1}", index=1)],
        [delta("}", index=2)],
    ]
    events, calls = run(assembler_cls, chunks)
    assert [(e[0], e[2]) for e in events] == [
        ("delta", 0),
        ("done", 0),  # before call 1's first delta
        ("delta", 1),
        ("delta", 2),
        ("delta", 1),
        ("done", 1),
        ("delta", 2),
        ("done", 2),
    ]
    assert calls[0] == [
        call(0, "", id="a", name="f", complete=False),
        call(1, '{"k": 1}', id="b", name="g"),
        call(2, "{}", id="c", name="h"),
    ]


def test_finish_reports_in_index_order(assembler_cls: type) -> None:
    chunks = [[header(2, "c", "h", "{")], [header(0, "a", "f", "[")]]
    assembler = assembler_cls()
    feed_all(assembler, chunks, finish=False)
    assert [e.index for e in assembler.finish(0)] == [0, 2]
    assert [c.index for c in assembler.calls(0)] == [0, 2]


def test_event_arguments_are_snapshots(assembler_cls: type) -> None:
    text = '{"text": "' + "x" * 50 + '"}'
    assembler = assembler_cls()
    events = assembler.feed(0, [header(0, "a", "f")])
    for ch in text:
        events += assembler.feed(0, [delta(ch)])
    # Read after the fact, each snapshot is still the arguments as of its event.
    for i, event in enumerate(events[1:-1]):
        assert event.arguments == text[: i + 1]
        assert event.arguments_delta == text[i]
    assert events[-1].kind == "done" and events[-1].arguments == text
    assert events[0].arguments == ""


@pytest.mark.parametrize(
    "text", ["caf\u00e9", "\u20ac\u2028", "\U0001f600 emoji", "\x00\x7f\u0085", "\ud800 lone"]
)
def test_any_unicode(assembler_cls: type, text: str) -> None:
    arguments = '{"t": "' + text + '", "k": ["' + text + '"]}'
    pieces = [arguments[:5], arguments[5:9], arguments[9:]]
    chunks = [[header(0, "a", "f\u00e9\U0001f600")]] + [[delta(p)] for p in pieces]
    events, calls = run(assembler_cls, chunks, finish=False)
    assert calls[0] == [call(0, arguments, id="a", name="f\u00e9\U0001f600")]
    assert events[-1][0] == "done"


# -- routing ---------------------------------------------------------------------------------------


def test_null_index_by_id_then_last_then_next_position(assembler_cls: type) -> None:
    # Gemini's compatible endpoint omits index (openai/openai-python#2806: TypeError in the SDK).
    chunks = [
        [header(None, "a", "f", '{"x"')],  # type: ignore[arg-type]
        [delta(":1}", index=None)],  # no id: the last call
        [header(None, "b", "g", "{")],  # type: ignore[arg-type]
        [delta('"y": 2', index=None, id="b")],  # by id
        [delta("}", index=None)],
    ]
    _, calls = run(assembler_cls, chunks)
    assert calls[0] == [
        call(0, '{"x":1}', id="a", name="f"),
        call(1, '{"y": 2}', id="b", name="g"),
    ]


def test_null_index_after_a_gap_goes_after_the_highest(assembler_cls: type) -> None:
    chunks = [[header(3, "a", "f", "{}")], [header(None, "b", "g", "{}")]]  # type: ignore[arg-type]
    _, calls = run(assembler_cls, chunks)
    assert [c[0] for c in calls[0]] == [3, 4]


def test_null_index_then_index_reaches_the_same_call(assembler_cls: type) -> None:
    chunks = [[header(None, "a", "f", "{")], [delta("}", index=0)]]  # type: ignore[arg-type]
    _, calls = run(assembler_cls, chunks)
    assert calls[0] == [call(0, "{}", id="a", name="f")]


def test_id_arriving_later_is_adopted(assembler_cls: type) -> None:
    chunks = [[delta("{", "f", type="function")], [delta("}", id="late")], [delta(" ", id="late")]]
    _, calls = run(assembler_cls, chunks)
    assert calls[0] == [call(0, "{} ", id="late", name="f")]


def test_index_reused_with_a_new_id_is_a_new_call(assembler_cls: type) -> None:
    # A server that numbers every call 0 but gives each its own id.
    chunks = [
        [header(0, "a", "f", "{")],
        [header(0, "b", "g", "[")],
        [delta("]")],  # no id: the call now holding index 0
        [delta("}", id="a")],  # by id
    ]
    events, calls = run(assembler_cls, chunks)
    assert calls[0] == [call(0, "{}", id="a", name="f"), call(1, "[]", id="b", name="g")]
    assert [(e[0], e[2]) for e in events] == [
        ("delta", 0),
        ("delta", 1),
        ("delta", 1),
        ("done", 1),
        ("delta", 0),
        ("done", 0),
    ]


def test_new_name_after_complete_arguments_is_a_new_call(assembler_cls: type) -> None:
    # No ids and index 0 for everything, or (one OpenRouter engine) the same index *and* id for
    # parallel calls: a different name after a complete object starts the next call.
    for ids in ((None, None), ("same", "same")):
        chunks = [
            [delta('{"a":', "f", id=ids[0])],
            [delta("1}")],
            [delta("{}", "g", id=ids[1])],
            [delta("", "g", id=ids[1])],  # a repeat of the new name
        ]
        _, calls = run(assembler_cls, chunks)
        assert calls[0] == [
            call(0, '{"a":1}', id=ids[0], name="f", type=None),
            call(1, "{}", id=ids[1], name="g", type=None),
        ]


def test_whole_calls_with_null_index_and_empty_id(assembler_cls: type) -> None:
    # Gemini (as reported in meilisearch/meilisearch#5712): each call whole in one entry,
    # "index": null, "id": "". Two calls of the same function must stay two calls.
    def gemini(args: str) -> dict[str, Any]:
        return {
            "index": None,
            "id": "",
            "type": "function",
            "function": {"name": "f", "arguments": args},
        }

    chunks = [[gemini('{"city": "Paris"}')], [gemini('{"city": "Rome"}')], [gemini("{}")]]
    events, calls = run(assembler_cls, chunks)
    assert calls[0] == [
        call(0, '{"city": "Paris"}', name="f"),
        call(1, '{"city": "Rome"}', name="f"),
        call(2, "{}", name="f"),
    ]
    assert [e[0] for e in events] == ["delta", "done"] * 3


def test_name_repeated_with_whitespace_after_complete_is_the_same_call(assembler_cls: type) -> None:
    chunks = [[header(0, "a", "f", "{}")], [delta("\n", "f", id="a")], [delta(None, "f")]]
    _, calls = run(assembler_cls, chunks)
    assert calls[0] == [call(0, "{}\n", id="a", name="f")]


def test_late_name_for_a_nameless_complete_call_is_set(assembler_cls: type) -> None:
    _, calls = run(assembler_cls, [[delta("{}", id="a")], [delta(None, "f", id="a")]])
    assert calls[0] == [call(0, "{}", id="a", name="f", type=None)]


def test_name_split_before_arguments_frozen_after(assembler_cls: type) -> None:
    chunks = [
        [delta(None, "get_", id="a")],
        [delta(None, "weather")],
        [delta('{"c', "get_weather")],  # a repeat
        [delta('ity": 1', "other")],  # arguments under way: ignored, not a new call
        [delta("}")],
    ]
    _, calls = run(assembler_cls, chunks)
    assert calls[0] == [call(0, '{"city": 1}', id="a", name="get_weather", type=None)]


def test_calls_are_live_views(assembler_cls: type) -> None:
    assembler = assembler_cls()
    assembler.feed(0, [header(0, "a", "f", "{")])
    (c,) = assembler.calls(0)
    assert (c.arguments, c.done, c.complete) == ("{", False, False)
    assembler.feed(0, [delta("}")])
    assert (c.arguments, c.done, c.complete) == ("{}", True, True)


# -- input forms and errors ------------------------------------------------------------------------

REALISTIC = [
    [header(0, "call_1", "get_weather")],
    [delta('{"loc'), delta('ation": "Par')],
    [delta('is"}')],
    [header(1, "call_2", "get_time", '{"tz": "CET"}')],
    [delta(None, index=1)],
]


def test_structs_and_dicts_give_the_same(assembler_cls: type) -> None:
    from_dicts = run(assembler_cls, REALISTIC)
    from_structs = run(assembler_cls, [structs(chunk) for chunk in REALISTIC])
    assert from_structs == from_dicts
    assert from_dicts[1][0][0] == call(0, '{"location": "Paris"}', id="call_1", name="get_weather")


def test_unset_and_null_index_from_the_decoder(assembler_cls: type) -> None:
    # A missing index decodes as UNSET (required field), a null one as None: both "not given".
    entries = [
        {"id": "a", "type": "function", "function": {"name": "f", "arguments": "{"}},
        {"index": None, "function": {"arguments": "}"}},
    ]
    decoded = structs(entries)
    assert decoded[0].index is msgspec.UNSET and decoded[1].index is None
    _, calls = run(assembler_cls, [decoded])
    assert calls[0] == [call(0, "{}", id="a", name="f")]


def test_objects_with_attributes_and_missing_ones(assembler_cls: type) -> None:
    class Function:
        def __init__(self, name: str | None, arguments: str | None) -> None:
            self.name = name
            self.arguments = arguments

    class Entry:  # no `type` attribute at all
        def __init__(self, index: int, id: str | None, function: Any) -> None:
            self.index = index
            self.id = id
            self.function = function

    class Bare:  # nothing: a no-op
        pass

    chunks = [[Entry(0, "a", Function("f", "{")), Bare(), 5], [Entry(0, None, {"arguments": "}"})]]
    _, calls = run(assembler_cls, chunks)
    assert calls[0] == [call(0, "{}", id="a", name="f", type=None)]


def test_str_subclasses_and_int_subclasses(assembler_cls: type) -> None:
    class S(str):
        pass

    class I(int):  # noqa: E742
        pass

    chunks = [[{"index": I(0), "id": S("a"), "function": {"name": S("f"), "arguments": S("{}")}}]]
    _, calls = run(assembler_cls, chunks)
    assert calls[0] == [call(0, "{}", id="a", name="f", type=None)]
    assert type(calls[0][0][1]) is str and type(calls[0][0][4]) is str


BAD_ENTRIES = [
    {"index": "0", "function": {"arguments": "x"}},
    {"index": 0.0, "function": {"arguments": "x"}},
    {"index": True, "function": {"arguments": "x"}},
    {"index": 0, "id": 5},
    {"index": 0, "type": ["function"]},
    {"index": 0, "function": {"name": b"f"}},
    {"index": 0, "function": {"arguments": {"a": 1}}},
    "not an entry",  # str.index is a method, not an int
]


@pytest.mark.parametrize("bad", BAD_ENTRIES, ids=repr)
def test_bad_entries_raise_type_error_and_change_nothing(assembler_cls: type, bad: Any) -> None:
    assembler = assembler_cls()
    with pytest.raises(TypeError):
        assembler.feed(0, [header(0, "a", "f", "{"), bad, delta("}")])
    # The entry before the bad one was applied; the bad one and the rest were not.
    assert [as_call(c) for c in assembler.calls(0)] == [
        call(0, "{", id="a", name="f", done=False, complete=False)
    ]


@pytest.mark.parametrize("choice", ["0", 0.0, None, True])
def test_bad_choice_index(assembler_cls: type, choice: Any) -> None:
    assembler = assembler_cls()
    with pytest.raises(TypeError):
        assembler.feed(choice, [header(0, "a", "f")])
    if choice is not None:
        with pytest.raises(TypeError):
            assembler.calls(choice)
        with pytest.raises(TypeError):
            assembler.finish(choice)


def test_deltas_not_iterable(assembler_cls: type) -> None:
    with pytest.raises(TypeError):
        assembler_cls().feed(0, 5)


def test_huge_and_negative_indexes_are_just_keys(assembler_cls: type) -> None:
    chunks = [[header(10**30, "a", "f", "{}")], [header(-1, "b", "g", "{}")]]
    _, calls = run(assembler_cls, chunks)
    assert [c[0] for c in calls[0]] == [-1, 10**30]


# -- the compiled twin's direct slot reads ---------------------------------------------------------


@pytest.mark.c_extension
def test_c_reads_struct_slots_directly(tool_calls_c: ModuleType) -> None:
    entries = structs([header(0, "a", "f", "{}")])
    assembler = tool_calls_c.ToolCallAssembler()
    assembler.feed(0, entries)
    assert tool_calls_c._fast_layout(entries[0])
    assert tool_calls_c._fast_layout(entries[0].function)
    assert not tool_calls_c._fast_layout({"index": 0})


class _Entry(msgspec.Struct):
    index: int | None = None
    id: str | None = None
    type: str | None = None
    function: Any = None


def test_struct_class_changed_after_use(assembler_cls: type, tool_calls_module: ModuleType) -> None:
    # The compiled twin caches where a type's fields live; changing the class must be seen.
    cls = type("Entry", (_Entry,), {})  # a fresh class per twin: this test changes it
    assembler = assembler_cls()
    assembler.feed(0, [cls(index=0, id="a", function={"name": "f", "arguments": "{}"})])
    if hasattr(tool_calls_module, "_fast_layout"):
        assert tool_calls_module._fast_layout(cls(index=0))
    cls.id = property(lambda self: "patched")  # type: ignore[attr-defined]
    assembler.feed(0, [cls(index=1, id="b", function={"name": "g", "arguments": "{}"})])
    assert [c.id for c in assembler.calls(0)] == ["a", "patched"]
    if hasattr(tool_calls_module, "_fast_layout"):
        assert not tool_calls_module._fast_layout(cls(index=0))


def test_struct_subclass_overriding_a_field(assembler_cls: type) -> None:
    Entry = type("Entry", (_Entry,), {})
    Entry.id = property(lambda self: "from-property")  # type: ignore[attr-defined]

    assembler = assembler_cls()
    assembler.feed(0, [_Entry(index=0, id="a", function={"name": "f", "arguments": "{}"})])
    assembler.feed(0, [Entry(index=1, id="b", function={"name": "g", "arguments": "{}"})])
    assembler.feed(0, [_Entry(index=2, id="c", function={"name": "h", "arguments": "{}"})])
    assert [c.id for c in assembler.calls(0)] == ["a", "from-property", "c"]
