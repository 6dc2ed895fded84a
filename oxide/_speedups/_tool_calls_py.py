"""Streaming tool-call delta assembler, pure Python: the specification of the tool-call twins.

``_tool_calls_c.pyx`` is an optimisation of exactly this algorithm (same names, same signatures,
same results); ``oxide._speedups`` picks one of the two. RELIABILITY.md §3.6 (T1-T7) and
PARITY.md §3 item 11 are the requirements; the official SDK's ``accumulate_delta`` and
``ChatCompletionStreamState`` are the reference, and where they go wrong is said below.

Input
    ``feed(choice_index, deltas)`` takes one choice's ``delta.tool_calls`` of one chunk, as
    decoded: ``ChoiceDeltaToolCall`` Structs or plain dicts with the same keys (``index``,
    ``id``, ``type``, ``function`` holding ``name`` and ``arguments``). A missing key or
    attribute, ``None`` and ``msgspec.UNSET`` all read as "not given", and so does ``""``
    (T7): a string value is only ever appended or set, never cleared. Anything else of the
    wrong type raises ``TypeError`` (the only error, raised before the bad entry changes
    anything; the entries before it in the same call have been applied).

Which call an entry belongs to (each choice has its own calls: T6)
    1. An ``id`` already seen in this choice: that call.
    2. Else an ``index``: the call holding that index; an id it does not have yet is adopted.
       If that call already has a *different* id, the provider is reusing the index for the
       next call: a new call, which takes over the index for later entries without an id.
       An index never seen starts a new call there (gaps are kept: 0 then 2 gives calls 0 and
       2, T2; the SDK's ``list.insert`` puts call 2 at position 1, then raises IndexError in
       3.3.1, or splits call 2 into two entries at its HEAD).
    3. Else (``index`` null or missing, which some providers send and the SDK crashes on):
       with an unseen id, a new call at the next position (after the highest index so far);
       without an id, the call this choice last touched, or a new call at the next position.
    4. Whatever rule 1, 2 or 3 chose, if that call's arguments already form a complete JSON
       value, an entry bringing a name starts a new call when the name differs or when the
       entry also brings more than whitespace of arguments (which could only make the finished
       value invalid). The new call takes over the entry's index and id. This separates the
       parallel calls of providers that reuse an index without ids, reuse index *and* id (an
       OpenRouter engine), or send each call whole with a null index and an empty id (Gemini),
       also when they call the same function twice.
    Several entries for one call in the same chunk simply apply in order (T1, vLLM).

What an entry changes
    ``id`` and ``type`` are set once: later values are ignored (T3: the SDK concatenates them
    into ``"call_Acall_A"``). ``name`` is set once too, except that fragments arriving before
    any argument are appended (a name split across deltas) unless equal to the name so far (a
    repeat, T3). Only ``arguments`` concatenates. An entry that gives nothing at all (no id,
    type, name or arguments) is a no-op: it creates no call and produces no event.

Events (``ToolCallEvent``), in the order things happen
    * ``"delta"``: one per entry that was not a no-op (as the SDK's
      ``tool_calls.function.arguments.delta``), ``arguments_delta`` being its fragment or "".
    * ``"done"``: once per call, never twice, at the first of
        - the end of a fragment after which the arguments are one complete JSON object, array
          or string (followed by whitespace at most): early completion, so an agent can start
          the tool before the stream ends. Completeness is tracked incrementally (nesting
          depth, in-string and escape state) over each appended fragment, never re-parsed, so
          fragments split inside an escape or a key (T4) are fine. It is structural: brackets
          balance and strings close; the JSON is not validated;
        - a new call starting in the same choice, for every earlier call whose arguments are
          not visibly in the middle of a value (empty, a bare scalar or garbage): the SDK's
          "a later index started" rule, minus the calls an interleaving provider is still
          streaming, which the SDK would report done half-written;
        - ``finish(choice_index)`` (the choice's ``finish_reason``) or ``finish()`` (end of
          stream): every call not done yet, in index order, complete or not (T5).
    A fragment arriving for a call already done (without a name: rule 4) is still appended and
    reported as a ``"delta"`` (nothing is lost); ``done`` stays true and ``complete`` turns
    false unless the fragment is whitespace.

``ToolCallEvent.arguments`` is the call's arguments as of that event. It is taken lazily (the
event keeps the call and a length), so a stream of N one-character fragments costs O(N) unless
every snapshot is read, where the SDK always pays O(N^2).
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any, Literal

from msgspec import UNSET

__all__ = ("AssembledToolCall", "ToolCallAssembler", "ToolCallEvent")

# Completeness of a call's arguments, as tracked by AssembledToolCall._scan.
_EMPTY = 0  # nothing but whitespace so far
_OPEN = 1  # inside the top-level object, array or string
_CLOSED = 2  # one complete object, array or string, then whitespace at most
_OTHER = 3  # a bare scalar, garbage, or something after the closed value: never complete

_WHITESPACE = " \t\n\r"  # JSON's four whitespace characters


class AssembledToolCall:
    """One tool call being assembled: a live view, updated until ``done``.

    ``index`` is the call's position (the provider's ``index``, or the position given by the
    routing rules). ``complete`` says whether ``arguments`` currently hold one complete JSON
    object, array or string; after ``done`` it tells a full call from one cut short (T5).
    """

    __slots__ = (
        "_depth",
        "_done",
        "_escape",
        "_id",
        "_in_string",
        "_index",
        "_name",
        "_nargs",
        "_parts",
        "_top",
        "_type",
    )

    def __init__(self, index: int) -> None:
        self._index = index
        self._id: str | None = None
        self._type: str | None = None
        self._name: str | None = None
        self._parts: list[str] = []  # argument fragments, joined on demand
        self._nargs = 0  # len(arguments), in code points
        self._done = False
        self._top = _EMPTY
        self._depth = 0
        self._in_string = False
        self._escape = False

    @property
    def index(self) -> int:
        return self._index

    @property
    def id(self) -> str | None:
        return self._id

    @property
    def type(self) -> str | None:
        return self._type

    @property
    def name(self) -> str | None:
        return self._name

    @property
    def arguments(self) -> str:
        parts = self._parts
        if len(parts) == 1:
            return parts[0]
        if not parts:
            return ""
        joined = "".join(parts)
        parts[:] = (joined,)
        return joined

    @property
    def done(self) -> bool:
        return self._done

    @property
    def complete(self) -> bool:
        return self._top == _CLOSED

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, AssembledToolCall):
            return NotImplemented
        return (
            self._index == other._index
            and self._id == other._id
            and self._type == other._type
            and self._name == other._name
            and self._done == other._done
            and self.arguments == other.arguments
            and self.complete == other.complete
        )

    __hash__ = None  # type: ignore[assignment]  # mutable, compared by value

    def __repr__(self) -> str:
        return (
            f"AssembledToolCall(index={self._index!r}, id={self._id!r}, type={self._type!r}, "
            f"name={self._name!r}, arguments={self.arguments!r}, done={self._done!r}, "
            f"complete={self.complete!r})"
        )

    def _snapshot(self, end: int) -> str:
        arguments = self.arguments
        return arguments if len(arguments) == end else arguments[:end]

    def _scan(self, fragment: str) -> None:
        """Advance the completeness tracker over an appended fragment."""
        top = self._top
        if top == _OTHER:
            return
        in_string = self._in_string
        escape = self._escape
        if in_string and not escape and '"' not in fragment and "\\" not in fragment:
            return  # still inside the same string: nothing changes
        depth = self._depth
        for ch in fragment:
            if in_string:
                if escape:
                    escape = False
                elif ch == "\\":
                    escape = True
                elif ch == '"':
                    in_string = False
                    if depth == 0:
                        top = _CLOSED
            elif top == _OPEN:
                if ch == '"':
                    in_string = True
                elif ch == "{" or ch == "[":
                    depth += 1
                elif ch == "}" or ch == "]":
                    depth -= 1
                    if depth == 0:
                        top = _CLOSED
            elif ch in _WHITESPACE:
                pass
            elif top == _EMPTY:
                if ch == '"':
                    in_string = True
                    top = _OPEN
                elif ch == "{" or ch == "[":
                    depth = 1
                    top = _OPEN
                else:
                    top = _OTHER
                    break
            else:  # _CLOSED, then something other than whitespace
                top = _OTHER
                break
        self._top = top
        self._depth = depth
        self._in_string = in_string
        self._escape = escape


class ToolCallEvent:
    """Something that happened to a tool call: ``kind`` is ``"delta"`` or ``"done"``.

    ``index`` is the call's index, ``id`` and ``name`` its id and name so far, and
    ``arguments`` its arguments as of this event; ``arguments_delta`` is the fragment a
    ``"delta"`` appended (``""`` if none, and always ``""`` for ``"done"``).
    """

    __slots__ = ("_call", "_end", "arguments_delta", "choice_index", "id", "index", "kind", "name")

    kind: Literal["delta", "done"]
    choice_index: int
    index: int
    id: str | None
    name: str | None
    arguments_delta: str

    def __init__(
        self,
        kind: Literal["delta", "done"],
        choice_index: int,
        index: int,
        id: str | None,
        name: str | None,
        arguments_delta: str,
        arguments: str,
    ) -> None:
        if type(arguments) is not str:
            raise TypeError(f"arguments must be a str, not {type(arguments)!r}")
        call = AssembledToolCall(index)
        call._parts.append(arguments)
        self.kind = kind
        self.choice_index = choice_index
        self.index = index
        self.id = id
        self.name = name
        self.arguments_delta = arguments_delta
        self._call = call
        self._end = len(arguments)

    @property
    def arguments(self) -> str:
        return self._call._snapshot(self._end)

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, ToolCallEvent):
            return NotImplemented
        return (
            self.kind == other.kind
            and self.choice_index == other.choice_index
            and self.index == other.index
            and self.id == other.id
            and self.name == other.name
            and self.arguments_delta == other.arguments_delta
            and self.arguments == other.arguments
        )

    __hash__ = None  # type: ignore[assignment]  # mutable, compared by value

    def __repr__(self) -> str:
        return (
            f"ToolCallEvent(kind={self.kind!r}, choice_index={self.choice_index!r}, "
            f"index={self.index!r}, id={self.id!r}, name={self.name!r}, "
            f"arguments_delta={self.arguments_delta!r}, arguments={self.arguments!r})"
        )


_new_event = object.__new__


def _event(
    kind: Literal["delta", "done"],
    choice_index: int,
    call: AssembledToolCall,
    arguments_delta: str,
) -> ToolCallEvent:
    # Skips __init__ (which takes a plain arguments string) and shares the call instead.
    ev = _new_event(ToolCallEvent)
    ev.kind = kind
    ev.choice_index = choice_index
    ev.index = call._index
    ev.id = call._id
    ev.name = call._name
    ev.arguments_delta = arguments_delta
    ev._call = call
    ev._end = call._nargs
    return ev


class _Choice:
    """The calls of one choice and the maps that route entries to them."""

    __slots__ = ("by_id", "by_index", "calls", "last", "next_index", "taken")

    def __init__(self) -> None:
        self.calls: list[AssembledToolCall] = []  # in creation order
        self.by_index: dict[int, AssembledToolCall] = {}  # provider index -> call using it
        self.by_id: dict[str, AssembledToolCall] = {}
        self.taken: set[int] = set()  # indexes of the calls
        self.last: AssembledToolCall | None = None  # the call last touched
        self.next_index = 0  # one past the highest index so far


def _text(value: Any, what: str) -> str | None:
    """A string field: None for not given (None, UNSET, ""), else the str; TypeError else."""
    if value is None or value is UNSET:
        return None
    if type(value) is not str:
        if not isinstance(value, str):
            raise TypeError(f"tool call delta {what} must be a str or None, not {type(value)!r}")
        value = str.__str__(value)
    return value or None


def _read(entry: Any) -> tuple[int | None, str | None, str | None, str | None, str | None]:
    """(index, id, type, name, arguments) of one delta entry, validated."""
    if isinstance(entry, dict):
        index = entry.get("index")
        id_ = entry.get("id")
        type_ = entry.get("type")
        function = entry.get("function")
    else:
        index = getattr(entry, "index", None)
        id_ = getattr(entry, "id", None)
        type_ = getattr(entry, "type", None)
        function = getattr(entry, "function", None)
    if function is None or function is UNSET:
        name = arguments = None
    elif isinstance(function, dict):
        name = function.get("name")
        arguments = function.get("arguments")
    else:
        name = getattr(function, "name", None)
        arguments = getattr(function, "arguments", None)
    if index is UNSET:
        index = None
    elif index is not None and type(index) is not int:
        if not isinstance(index, int) or isinstance(index, bool):
            raise TypeError(f"tool call delta index must be an int or None, not {type(index)!r}")
        index = int(index)
    return (
        index,
        _text(id_, "id"),
        _text(type_, "type"),
        _text(name, "function.name"),
        _text(arguments, "function.arguments"),
    )


class ToolCallAssembler:
    """Assembles streamed tool-call deltas into calls, per choice (see the module docstring)."""

    __slots__ = ("_choices",)

    def __init__(self) -> None:
        self._choices: dict[int, _Choice] = {}

    def feed(self, choice_index: int, deltas: Iterable[Any] | None) -> list[ToolCallEvent]:
        """Apply one chunk's tool-call deltas of one choice; return the events, in order."""
        if type(choice_index) is not int:
            choice_index = _choice_index(choice_index)
        events: list[ToolCallEvent] = []
        if deltas is None:
            return events
        choice = self._choices.get(choice_index)
        if choice is None:
            choice = self._choices[choice_index] = _Choice()
        for entry in deltas:
            index, id_, type_, name, arguments = _read(entry)
            if id_ is None and type_ is None and name is None and arguments is None:
                continue  # T7: nothing to apply
            call = _route(choice, choice_index, index, id_, name, arguments, events)

            if id_ is not None and call._id is None:
                call._id = id_
                choice.by_id[id_] = call
            if type_ is not None and call._type is None:
                call._type = type_
            if name is not None:
                if call._name is None:
                    call._name = name
                elif call._nargs == 0 and name != call._name:
                    call._name += name  # a name split across deltas
            if arguments is None:
                events.append(_event("delta", choice_index, call, ""))
            else:
                call._parts.append(arguments)
                call._nargs += len(arguments)
                call._scan(arguments)
                events.append(_event("delta", choice_index, call, arguments))
                if call._top == _CLOSED and not call._done:
                    call._done = True
                    events.append(_event("done", choice_index, call, ""))
        return events

    def finish(self, choice_index: int | None = None) -> list[ToolCallEvent]:
        """End of one choice (its ``finish_reason``), or of the stream when ``None``: a
        ``"done"`` event for every call not done yet, by choice and then index."""
        events: list[ToolCallEvent] = []
        if choice_index is None:
            for ci in sorted(self._choices):
                _finish(self._choices[ci], ci, events)
        else:
            if type(choice_index) is not int:
                choice_index = _choice_index(choice_index)
            choice = self._choices.get(choice_index)
            if choice is not None:
                _finish(choice, choice_index, events)
        return events

    def calls(self, choice_index: int) -> list[AssembledToolCall]:
        """The calls of one choice so far, in index order (live objects)."""
        if type(choice_index) is not int:
            choice_index = _choice_index(choice_index)
        choice = self._choices.get(choice_index)
        if choice is None:
            return []
        return sorted(choice.calls, key=_index_of)

    @property
    def choice_indexes(self) -> list[int]:
        """The choices fed so far (``deltas`` not None), in order."""
        return sorted(self._choices)


def _choice_index(value: Any) -> int:
    if not isinstance(value, int) or isinstance(value, bool):
        raise TypeError(f"choice_index must be an int, not {type(value)!r}")
    return int(value)


def _index_of(call: AssembledToolCall) -> int:
    return call._index


def _route(
    choice: _Choice,
    choice_index: int,
    index: int | None,
    id_: str | None,
    name: str | None,
    arguments: str | None,
    events: list[ToolCallEvent],
) -> AssembledToolCall:
    """The call an entry belongs to (rules 1-4 of the module docstring), created if new."""
    call = choice.by_id.get(id_) if id_ is not None else None  # rule 1
    if call is None:
        if index is not None:
            call = choice.by_index.get(index)
            if call is None or (id_ is not None and call._id is not None):
                return _new_call(choice, choice_index, index, events)  # rule 2: new, or reused
        else:
            call = choice.last
            if call is None or id_ is not None:
                return _new_call(choice, choice_index, None, events)  # rule 3
    if (
        name is not None
        and call._top == _CLOSED
        and (
            (call._name is not None and name != call._name)
            or (arguments is not None and arguments.strip(_WHITESPACE))
        )
    ):
        return _new_call(choice, choice_index, index, events)  # rule 4
    choice.last = call
    return call


def _new_call(
    choice: _Choice, choice_index: int, index: int | None, events: list[ToolCallEvent]
) -> AssembledToolCall:
    """A new call at ``index`` (next position if None or taken); earlier calls not in the
    middle of a value are done."""
    for call in choice.calls:
        if not call._done and call._top != _OPEN:
            call._done = True
            events.append(_event("done", choice_index, call, ""))
    position = index if index is not None and index not in choice.taken else choice.next_index
    call = AssembledToolCall(position)
    choice.calls.append(call)
    choice.taken.add(position)
    if position >= choice.next_index:
        choice.next_index = position + 1
    if index is not None:
        choice.by_index[index] = call
    elif position not in choice.by_index:
        choice.by_index[position] = call
    choice.last = call
    return call


def _finish(choice: _Choice, choice_index: int, events: list[ToolCallEvent]) -> None:
    for call in sorted(choice.calls, key=_index_of):
        if not call._done:
            call._done = True
            events.append(_event("done", choice_index, call, ""))
