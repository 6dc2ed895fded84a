# cython: language_level=3, boundscheck=False, wraparound=False, cdivision=True
"""Streaming tool-call delta assembler, compiled twin of ``_tool_calls_py.py``.

``_tool_calls_py.py`` is the specification (read its docstring for the rules); this module is
the same algorithm, function for function, on typed state: cdef classes with C fields, the
completeness tracker as a C loop over the string's code units, events built without
``__init__``. Same names, same signatures, same results.
"""

cimport cython
from cpython.dict cimport PyDict_GetItem
from cpython.list cimport PyList_GET_SIZE
from cpython.object cimport Py_TYPE, PyObject, PyTypeObject
from cpython.unicode cimport PyUnicode_GET_LENGTH

from msgspec import UNSET

cdef extern from *:
    """
    /* Slot reads for Struct-like entries (see _Layout). Values of PyMemberDef.type and .flags
       are spelled out: T_OBJECT/T_OBJECT_EX moved headers in 3.12, Py_RELATIVE_OFFSET is new.
       PyMemberDef is declared by structmember.h up to 3.11 (by Python.h itself since 3.12). */
    #include "structmember.h"
    static Py_ssize_t oxide_member_offset(PyObject *descr, PyTypeObject *tp) {
        PyMemberDef *m;
        if (Py_TYPE(descr) != &PyMemberDescr_Type) return -1;
        m = ((PyMemberDescrObject *)descr)->d_member;
        if (m->type != 6 /* T_OBJECT */ && m->type != 16 /* T_OBJECT_EX */) return -1;
        if (m->flags & 8 /* Py_RELATIVE_OFFSET */) return -1;
        if (m->offset < (Py_ssize_t)sizeof(PyObject)
            || m->offset > tp->tp_basicsize - (Py_ssize_t)sizeof(PyObject *)) return -1;
        return m->offset;
    }
    /* The type's attribute-cache version tag, 0 when it has none: any change to the type's
       attributes (or its bases') gives it a new tag, so a layout cached with a tag is current
       exactly while the tag is unchanged. */
    static unsigned int oxide_type_tag(PyTypeObject *tp) {
    #ifdef Py_TPFLAGS_VALID_VERSION_TAG
        if (!(tp->tp_flags & Py_TPFLAGS_VALID_VERSION_TAG)) return 0;
    #endif
        return tp->tp_version_tag;
    }
    /* Whether attribute lookup on the type's instances is the generic one. A __getattr__
       (called when a slot is empty) or __getattribute__ in Python, or a C tp_getattro, makes
       reading the slot differ from getattr. */
    static int oxide_generic_getattr(PyTypeObject *tp) {
        return tp->tp_getattro == PyObject_GenericGetAttr;
    }
    /* The object in a slot (NULL when empty), borrowed. */
    static PyObject *oxide_slot(PyObject *obj, Py_ssize_t offset) {
        return *(PyObject **)((char *)obj + offset);
    }
    """
    Py_ssize_t oxide_member_offset(object descr, PyTypeObject* tp)
    unsigned int oxide_type_tag(PyTypeObject* tp)
    bint oxide_generic_getattr(PyTypeObject* tp)
    PyObject* oxide_slot(object obj, Py_ssize_t offset)

__all__ = ("AssembledToolCall", "ToolCallAssembler", "ToolCallEvent")

cdef object _UNSET = UNSET
cdef str _DELTA = "delta"
cdef str _DONE = "done"
cdef str _EMPTY_STR = ""

# Completeness of a call's arguments, as tracked by _scan.
cdef enum:
    _EMPTY = 0  # nothing but whitespace so far
    _OPEN = 1  # inside the top-level object, array or string
    _CLOSED = 2  # one complete object, array or string, then whitespace at most
    _OTHER = 3  # a bare scalar, garbage, or something after the closed value: never complete


@cython.final
@cython.freelist(8)
cdef class AssembledToolCall:
    """One tool call being assembled: a live view, updated until ``done``.

    See ``oxide._speedups._tool_calls_py.AssembledToolCall``, the specification of this class.
    """

    cdef readonly object index
    cdef readonly object id
    cdef readonly object type
    cdef readonly object name
    cdef readonly bint done
    cdef list _parts  # argument fragments, joined on demand
    cdef Py_ssize_t _nargs  # len(arguments), in code points
    cdef int _top
    cdef Py_ssize_t _depth
    cdef bint _in_string
    cdef bint _escape

    def __init__(self, index):
        self.index = index
        self.id = None
        self.type = None
        self.name = None
        self._parts = []
        self._nargs = 0
        self.done = False
        self._top = _EMPTY
        self._depth = 0
        self._in_string = False
        self._escape = False

    @property
    def arguments(self):
        return self._arguments()

    @property
    def complete(self):
        return self._top == _CLOSED

    def __eq__(self, other):
        if not isinstance(other, AssembledToolCall):
            return NotImplemented
        cdef AssembledToolCall o = <AssembledToolCall>other
        return (
            self.index == o.index
            and self.id == o.id
            and self.type == o.type
            and self.name == o.name
            and self.done == o.done
            and self._arguments() == o._arguments()
            and (self._top == _CLOSED) == (o._top == _CLOSED)
        )

    __hash__ = None  # mutable, compared by value

    def __repr__(self):
        return (
            f"AssembledToolCall(index={self.index!r}, id={self.id!r}, type={self.type!r}, "
            f"name={self.name!r}, arguments={self._arguments()!r}, done={self.done!r}, "
            f"complete={self._top == _CLOSED!r})"
        )

    cdef str _arguments(self):
        cdef list parts = self._parts
        cdef Py_ssize_t n = PyList_GET_SIZE(parts)
        cdef str joined
        if n == 1:
            return <str>parts[0]
        if n == 0:
            return _EMPTY_STR
        joined = _EMPTY_STR.join(parts)
        del parts[:]
        parts.append(joined)
        return joined

    cdef str _snapshot(self, Py_ssize_t end):
        cdef str arguments = self._arguments()
        if PyUnicode_GET_LENGTH(arguments) == end:
            return arguments
        return arguments[:end]

    cdef void _scan(self, str fragment) noexcept:
        """Advance the completeness tracker over an appended fragment."""
        cdef int top = self._top
        if top == _OTHER:
            return
        cdef Py_ssize_t depth = self._depth
        cdef bint in_string = self._in_string
        cdef bint escape = self._escape
        cdef Py_UCS4 ch
        for ch in fragment:
            if in_string:
                if escape:
                    escape = False
                elif ch == u"\\":
                    escape = True
                elif ch == u'"':
                    in_string = False
                    if depth == 0:
                        top = _CLOSED
            elif top == _OPEN:
                if ch == u'"':
                    in_string = True
                elif ch == u"{" or ch == u"[":
                    depth += 1
                elif ch == u"}" or ch == u"]":
                    depth -= 1
                    if depth == 0:
                        top = _CLOSED
            elif ch == u" " or ch == u"\t" or ch == u"\n" or ch == u"\r":
                pass
            elif top == _EMPTY:
                if ch == u'"':
                    in_string = True
                    top = _OPEN
                elif ch == u"{" or ch == u"[":
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


@cython.final
@cython.freelist(64)
cdef class ToolCallEvent:
    """Something that happened to a tool call: ``kind`` is ``"delta"`` or ``"done"``.

    See ``oxide._speedups._tool_calls_py.ToolCallEvent``, the specification of this class.
    """

    # Plain objects, so assignment behaves exactly as on the Python twin's slots.
    cdef public object kind
    cdef public object choice_index
    cdef public object index
    cdef public object id
    cdef public object name
    cdef public object arguments_delta
    cdef AssembledToolCall _call
    cdef Py_ssize_t _end

    def __init__(self, kind, choice_index, index, id, name, arguments_delta, arguments):
        if type(arguments) is not str:
            raise TypeError(f"arguments must be a str, not {type(arguments)!r}")
        cdef AssembledToolCall call = AssembledToolCall(index)
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
    def arguments(self):
        return self._call._snapshot(self._end)

    def __eq__(self, other):
        if not isinstance(other, ToolCallEvent):
            return NotImplemented
        cdef ToolCallEvent o = <ToolCallEvent>other
        return (
            self.kind == o.kind
            and self.choice_index == o.choice_index
            and self.index == o.index
            and self.id == o.id
            and self.name == o.name
            and self.arguments_delta == o.arguments_delta
            and self._call._snapshot(self._end) == o._call._snapshot(o._end)
        )

    __hash__ = None  # mutable, compared by value

    def __repr__(self):
        return (
            f"ToolCallEvent(kind={self.kind!r}, choice_index={self.choice_index!r}, "
            f"index={self.index!r}, id={self.id!r}, name={self.name!r}, "
            f"arguments_delta={self.arguments_delta!r}, arguments={self.arguments!r})"
        )


cdef inline ToolCallEvent _event(str kind, object choice_index, AssembledToolCall call,
                                 str arguments_delta):
    # Skips __init__ (which takes a plain arguments string) and shares the call instead.
    cdef ToolCallEvent ev = ToolCallEvent.__new__(ToolCallEvent)
    ev.kind = kind
    ev.choice_index = choice_index
    ev.index = call.index
    ev.id = call.id
    ev.name = call.name
    ev.arguments_delta = arguments_delta
    ev._call = call
    ev._end = call._nargs
    return ev


@cython.final
cdef class _Choice:
    """The calls of one choice and the maps that route entries to them."""

    cdef list calls  # in creation order
    cdef dict by_index  # provider index -> call using it
    cdef dict by_id
    cdef set taken  # indexes of the calls
    cdef AssembledToolCall last  # the call last touched
    cdef object next_index  # one past the highest index so far

    def __cinit__(self):
        self.calls = []
        self.by_index = {}
        self.by_id = {}
        self.taken = set()
        self.last = None
        self.next_index = 0


@cython.final
cdef class _Layout:
    """Where the fields of one Struct-like type live, so reading them skips ``getattr``.

    ``ChoiceDeltaToolCall`` and its ``function`` are msgspec Structs whose optional fields are
    properties (``oxide._models._UnsetAsNone``: the slot, with UNSET read as None), and calling
    those from C costs more than all the rest of ``feed``. When every field of the last type
    seen is a plain object slot, or such a property over one, the slot is read directly; UNSET
    then reads as None here as it does through the property. Anything else (another descriptor,
    a custom ``__getattribute__`` or ``__getattr__``, a dict) keeps ``getattr``. The layout is
    re-learnt when the type or its version tag changes (setting an attribute on a class gives it
    a new tag), so it never outlives the descriptors it was read from.
    """

    cdef tuple names
    cdef object tp  # the type learnt (a strong reference), or None
    cdef unsigned int tag  # its version tag then
    cdef bint fast  # all fields are slots
    cdef Py_ssize_t offsets[4]

    def __cinit__(self, tuple names):
        self.names = names
        self.tp = None
        self.tag = 0
        self.fast = False

    cdef inline bint matches(self, object obj) noexcept:
        cdef PyTypeObject* tp = Py_TYPE(obj)
        return (
            self.fast
            and <PyObject*>tp == <PyObject*>self.tp
            and oxide_type_tag(tp) == self.tag
        )

    cdef inline object get(self, object obj, int i):
        cdef PyObject* value = oxide_slot(obj, self.offsets[i])
        if value == NULL:
            return None
        return <object>value

    cdef int learn(self, object obj) except -1:
        """Called after ``getattr`` has read ``obj``'s fields (which gives its type a tag)."""
        cdef object tp = type(obj)
        cdef unsigned int tag = oxide_type_tag(<PyTypeObject*>tp)
        cdef Py_ssize_t offset
        cdef int i
        if tag == 0 or (tp is self.tp and tag == self.tag):
            return 0  # no tag to key on, or already known not to be fast
        self.tp = tp
        self.tag = tag
        self.fast = False
        if not oxide_generic_getattr(<PyTypeObject*>tp):
            return 0  # __getattr__ would answer for an empty slot, which reads as None here
        for i, name in enumerate(self.names):
            offset = oxide_member_offset(_descriptor(tp, name), <PyTypeObject*>tp)
            if offset < 0:
                return 0
            self.offsets[i] = offset
        self.fast = True
        return 0


cdef object _descriptor(object tp, str name):
    """The plain member descriptor behind ``tp.<name>``, as far as it can be told, or None."""
    for klass in tp.__mro__:
        descriptor = klass.__dict__.get(name)
        if descriptor is not None:
            break
    else:
        return None
    if (
        isinstance(descriptor, property)
        and type(descriptor).__name__ == "_UnsetAsNone"
        and type(descriptor).__module__ == "oxide._models"
    ):
        descriptor = getattr(descriptor, "member", None)
        if getattr(descriptor, "__name__", None) != name:
            return None
    return descriptor


cdef _Layout _ENTRY = _Layout(("index", "id", "type", "function"))
cdef _Layout _FUNCTION = _Layout(("name", "arguments"))


def _fast_layout(obj):
    """Whether ``feed`` reads ``obj``'s fields straight from their slots (for the tests)."""
    return _ENTRY.matches(obj) or _FUNCTION.matches(obj)


cdef object _text(object value, str what):
    """A string field: None for not given (None, UNSET, ""), else the str; TypeError else."""
    if value is None or value is _UNSET:
        return None
    if type(value) is not str:
        if not isinstance(value, str):
            raise TypeError(f"tool call delta {what} must be a str or None, not {type(value)!r}")
        value = str.__str__(value)
    if PyUnicode_GET_LENGTH(<str>value) == 0:
        return None
    return value


cdef object _index_value(object index):
    if index is _UNSET:
        return None
    if index is not None and type(index) is not int:
        if not isinstance(index, int) or isinstance(index, bool):
            raise TypeError(f"tool call delta index must be an int or None, not {type(index)!r}")
        index = int(index)
    return index


cdef object _choice_index(object value):
    if not isinstance(value, int) or isinstance(value, bool):
        raise TypeError(f"choice_index must be an int, not {type(value)!r}")
    return int(value)


def _index_of(AssembledToolCall call):
    return call.index


cdef class ToolCallAssembler:
    """Assembles streamed tool-call deltas into calls, per choice.

    See ``oxide._speedups._tool_calls_py.ToolCallAssembler``, the specification of this class.
    """

    cdef dict _choices

    def __init__(self):
        self._choices = {}

    def feed(self, choice_index, deltas):
        """Apply one chunk's tool-call deltas of one choice; return the events, in order."""
        if type(choice_index) is not int:
            choice_index = _choice_index(choice_index)
        cdef list events = []
        if deltas is None:
            return events
        cdef _Choice choice
        cdef PyObject* found = PyDict_GetItem(self._choices, choice_index)
        if found == NULL:
            choice = _Choice()
            self._choices[choice_index] = choice
        else:
            choice = <_Choice>found
        cdef object entry, index, id_, type_, function, name, arguments
        cdef AssembledToolCall call
        for entry in deltas:
            # _read, inlined: (index, id, type, name, arguments), validated.
            if isinstance(entry, dict):
                index = (<dict>entry).get("index")
                id_ = (<dict>entry).get("id")
                type_ = (<dict>entry).get("type")
                function = (<dict>entry).get("function")
            elif _ENTRY.matches(entry):
                index = _ENTRY.get(entry, 0)
                id_ = _ENTRY.get(entry, 1)
                type_ = _ENTRY.get(entry, 2)
                function = _ENTRY.get(entry, 3)
            else:
                index = getattr(entry, "index", None)
                id_ = getattr(entry, "id", None)
                type_ = getattr(entry, "type", None)
                function = getattr(entry, "function", None)
                _ENTRY.learn(entry)
            if function is None or function is _UNSET:
                name = arguments = None
            elif isinstance(function, dict):
                name = (<dict>function).get("name")
                arguments = (<dict>function).get("arguments")
            elif _FUNCTION.matches(function):
                name = _FUNCTION.get(function, 0)
                arguments = _FUNCTION.get(function, 1)
            else:
                name = getattr(function, "name", None)
                arguments = getattr(function, "arguments", None)
                _FUNCTION.learn(function)
            index = _index_value(index)
            id_ = _text(id_, "id")
            type_ = _text(type_, "type")
            name = _text(name, "function.name")
            arguments = _text(arguments, "function.arguments")

            if id_ is None and type_ is None and name is None and arguments is None:
                continue  # T7: nothing to apply
            call = _route(choice, choice_index, index, id_, name, arguments, events)

            if id_ is not None and call.id is None:
                call.id = id_
                choice.by_id[id_] = call
            if type_ is not None and call.type is None:
                call.type = type_
            if name is not None:
                if call.name is None:
                    call.name = name
                elif call._nargs == 0 and name != call.name:
                    call.name = call.name + name  # a name split across deltas
            if arguments is None:
                events.append(_event(_DELTA, choice_index, call, _EMPTY_STR))
            else:
                call._parts.append(arguments)
                call._nargs += PyUnicode_GET_LENGTH(<str>arguments)
                call._scan(<str>arguments)
                events.append(_event(_DELTA, choice_index, call, <str>arguments))
                if call._top == _CLOSED and not call.done:
                    call.done = True
                    events.append(_event(_DONE, choice_index, call, _EMPTY_STR))
        return events

    def finish(self, choice_index=None):
        """End of one choice (its ``finish_reason``), or of the stream when ``None``: a
        ``"done"`` event for every call not done yet, by choice and then index."""
        cdef list events = []
        cdef _Choice choice
        if choice_index is None:
            for ci in sorted(self._choices):
                _finish(<_Choice>self._choices[ci], ci, events)
        else:
            if type(choice_index) is not int:
                choice_index = _choice_index(choice_index)
            choice = self._choices.get(choice_index)
            if choice is not None:
                _finish(choice, choice_index, events)
        return events

    def calls(self, choice_index):
        """The calls of one choice so far, in index order (live objects)."""
        if type(choice_index) is not int:
            choice_index = _choice_index(choice_index)
        cdef _Choice choice = self._choices.get(choice_index)
        if choice is None:
            return []
        return sorted(choice.calls, key=_index_of)

    @property
    def choice_indexes(self):
        """The choices fed so far (``deltas`` not None), in order."""
        return sorted(self._choices)


cdef AssembledToolCall _route(_Choice choice, object choice_index, object index, object id_,
                              object name, object arguments, list events):
    """The call an entry belongs to (rules 1-4 of the module docstring), created if new."""
    cdef AssembledToolCall call = None
    cdef PyObject* found
    if id_ is not None:
        found = PyDict_GetItem(choice.by_id, id_)
        if found != NULL:
            call = <AssembledToolCall>found  # rule 1
    if call is None:
        if index is not None:
            found = PyDict_GetItem(choice.by_index, index)
            if found == NULL:
                return _new_call(choice, choice_index, index, events)  # rule 2: new
            call = <AssembledToolCall>found
            if id_ is not None and call.id is not None:
                return _new_call(choice, choice_index, index, events)  # rule 2: reused
        else:
            call = choice.last
            if call is None or id_ is not None:
                return _new_call(choice, choice_index, None, events)  # rule 3
    if (
        name is not None
        and call._top == _CLOSED
        and (
            (call.name is not None and name != call.name)
            or (arguments is not None and _has_value(<str>arguments))
        )
    ):
        return _new_call(choice, choice_index, index, events)  # rule 4
    choice.last = call
    return call


cdef bint _has_value(str fragment) noexcept:
    """Whether ``fragment`` has more than JSON whitespace."""
    cdef Py_UCS4 ch
    for ch in fragment:
        if not (ch == u" " or ch == u"\t" or ch == u"\n" or ch == u"\r"):
            return True
    return False


cdef AssembledToolCall _new_call(_Choice choice, object choice_index, object index, list events):
    """A new call at ``index`` (next position if None or taken); earlier calls not in the
    middle of a value are done."""
    cdef AssembledToolCall call
    for call in choice.calls:
        if not call.done and call._top != _OPEN:
            call.done = True
            events.append(_event(_DONE, choice_index, call, _EMPTY_STR))
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


cdef int _finish(_Choice choice, object choice_index, list events) except -1:
    cdef AssembledToolCall call
    for call in sorted(choice.calls, key=_index_of):
        if not call.done:
            call.done = True
            events.append(_event(_DONE, choice_index, call, _EMPTY_STR))
    return 0
