# cython: language_level=3, boundscheck=False, wraparound=False, cdivision=True
"""Server-sent events line extractor, compiled twin of ``_sse_py.py``.

``_sse_py.py`` is the specification (read its docstring for the rules); this module is the same
algorithm on the raw chunk buffer with C pointers: memchr finds line ends, complete lines are
processed in place without copying, only an unfinished line is copied into a growable C buffer,
data values are copied into a second C buffer and decoded once per event
(PyUnicode_DecodeUTF8 with "replace"), and other field values are decoded once each.
Same names, same signatures, same results.
"""

from cpython.bytes cimport (
    PyBytes_AS_STRING,
    PyBytes_CheckExact,
    PyBytes_FromStringAndSize,
    PyBytes_GET_SIZE,
)
from cpython.long cimport PyLong_FromLongLong
from cpython.mem cimport PyMem_Free, PyMem_Realloc
from cpython.unicode cimport PyUnicode_DecodeUTF8
from libc.string cimport memchr, memcmp, memcpy

from ._sse_common import BOM, DATA, ERRORS, EVENT, ID, RETRY

__all__ = ("SSEDecoder", "ServerSentEvent")

# The shared constants, held as bytes (keeping them alive) and seen from C as pointers.
cdef bytes _BOM_B = BOM
cdef bytes _DATA_B = DATA
cdef bytes _EVENT_B = EVENT
cdef bytes _ID_B = ID
cdef bytes _RETRY_B = RETRY
cdef bytes _ERRORS_B = ERRORS.encode("ascii")
cdef const char* _BOM = PyBytes_AS_STRING(_BOM_B)
cdef Py_ssize_t _BOM_LEN = PyBytes_GET_SIZE(_BOM_B)
cdef const char* _ERRORS = PyBytes_AS_STRING(_ERRORS_B)

# A buffer that grew past this is released once empty, so one huge line does not pin memory.
cdef enum:
    _KEEP_CAPACITY = 65536


cdef struct Buffer:
    char* ptr
    Py_ssize_t len
    Py_ssize_t cap


cdef int _append(Buffer* buf, const char* src, Py_ssize_t n) except -1:
    cdef Py_ssize_t need = buf.len + n
    cdef Py_ssize_t cap
    cdef char* grown
    if need > buf.cap:
        cap = buf.cap * 2
        if cap < need:
            cap = need
        if cap < 256:
            cap = 256
        grown = <char*>PyMem_Realloc(buf.ptr, <size_t>cap)
        if grown == NULL:
            raise MemoryError()
        buf.ptr = grown
        buf.cap = cap
    if n:
        memcpy(buf.ptr + buf.len, src, <size_t>n)
    buf.len = need
    return 0


cdef inline void _clear(Buffer* buf) noexcept:
    buf.len = 0
    if buf.cap > _KEEP_CAPACITY:
        PyMem_Free(buf.ptr)
        buf.ptr = NULL
        buf.cap = 0


cdef inline bint _is_field(const char* name, Py_ssize_t n, bytes field) noexcept:
    return n == PyBytes_GET_SIZE(field) and memcmp(name, PyBytes_AS_STRING(field), <size_t>n) == 0


cdef object _parse_retry(const char* value, Py_ssize_t n):
    """``value`` as a base-10 integer if it is only ASCII digits, else ``None``."""
    cdef Py_ssize_t i
    cdef long long acc = 0
    cdef char c
    if n == 0:
        return None
    for i in range(n):
        c = value[i]
        if c < 48 or c > 57:
            return None
    if n <= 18:
        for i in range(n):
            acc = acc * 10 + (value[i] - 48)
        return PyLong_FromLongLong(acc)
    try:
        return int(PyBytes_FromStringAndSize(value, n))
    except ValueError:  # more digits than sys.get_int_max_str_digits(): ignore, never raise
        return None


cdef class ServerSentEvent:
    """One dispatched event."""

    # Plain objects, so assignment behaves exactly as on the Python twin's slots.
    cdef public object event
    cdef public object data
    cdef public object id
    cdef public object retry

    def __init__(
        self,
        *,
        event=None,
        data="",
        id=None,
        retry=None,
    ):
        self.event = event
        self.data = data
        self.id = id
        self.retry = retry

    def __eq__(self, other):
        if not isinstance(other, ServerSentEvent):
            return NotImplemented
        cdef ServerSentEvent o = <ServerSentEvent>other
        return (
            self.data == o.data
            and self.event == o.event
            and self.id == o.id
            and self.retry == o.retry
        )

    __hash__ = None  # mutable, compared by value (as the Python twin, which defines __eq__)

    def __repr__(self):
        return (
            f"ServerSentEvent(event={self.event!r}, data={self.data!r}, "
            f"id={self.id!r}, retry={self.retry!r})"
        )


cdef class SSEDecoder:
    """Incremental SSE parser: ``feed()`` raw bytes, get the events they complete.

    See ``oxide._speedups._sse_py.SSEDecoder``, the specification of this class.
    """

    cdef Buffer _line  # the current unfinished line (raw bytes, no CR or LF)
    cdef Buffer _data  # data values of the pending event, joined with LF
    cdef bint _has_data  # at least one data line in the pending event
    cdef bint _skip_lf  # the last line ended in CR: drop one LF if it comes next
    cdef bint _started  # False until the BOM question at stream start is settled
    cdef str _event  # event type of the pending event (None: default)
    cdef str _id  # the last event ID buffer (None: never set)
    cdef str _last_id  # the last event ID string (set on empty lines)
    cdef object _block_retry  # retry given in the pending block
    cdef object _retry  # last valid retry seen

    def __cinit__(self):
        self._line.ptr = NULL
        self._line.len = 0
        self._line.cap = 0
        self._data.ptr = NULL
        self._data.len = 0
        self._data.cap = 0

    def __dealloc__(self):
        PyMem_Free(self._line.ptr)
        PyMem_Free(self._data.ptr)

    def __init__(self):
        _clear(&self._line)
        _clear(&self._data)
        self._has_data = False
        self._skip_lf = False
        self._started = False
        self._event = None
        self._id = None
        self._last_id = None
        self._block_retry = None
        self._retry = None

    @property
    def last_event_id(self):
        """The last event ID as of the last dispatch point (``""`` if none)."""
        return self._last_id or ""

    @property
    def retry(self):
        """The last valid ``retry`` value (reconnection time in ms), or ``None``."""
        return self._retry

    @property
    def buffered(self):
        """Bytes held for the current unfinished line (ignored lines are never kept)."""
        return self._line.len

    def feed(self, chunk):
        """Consume ``chunk`` and return the events it completes, in order."""
        if not PyBytes_CheckExact(chunk):
            chunk = bytes(chunk)
        cdef const char* p = PyBytes_AS_STRING(chunk)
        cdef Py_ssize_t n = PyBytes_GET_SIZE(chunk)
        cdef Py_ssize_t pos = 0
        cdef Py_ssize_t held, take, end
        cdef const char* lf
        cdef const char* cr = NULL
        cdef Py_ssize_t cr_at = -1  # next CR at or after pos, or n if none (-1: unknown)
        cdef list events = []

        if not self._started:
            # Until settled, _line holds only a proper prefix of the BOM (no CR or LF).
            held = self._line.len
            take = _BOM_LEN - held
            if take > n:
                take = n
            if memcmp(p, _BOM + held, <size_t>take) == 0:
                if held + take < _BOM_LEN:
                    _append(&self._line, p, take)
                    return events
                self._line.len = 0
                pos = take
            self._started = True  # a non-BOM prefix stays in _line as line bytes

        while pos < n:
            if self._skip_lf:
                self._skip_lf = False
                if p[pos] == b'\n':
                    pos += 1
                    continue
            # Find the next line end: the nearest LF or CR (memchr for each, CR cached).
            if cr_at < pos:
                cr = <const char*>memchr(p + pos, b'\r', <size_t>(n - pos))
                cr_at = n if cr == NULL else cr - p
            lf = <const char*>memchr(p + pos, b'\n', <size_t>(cr_at - pos))
            end = cr_at if lf == NULL else lf - p
            if end == n:  # no line end: keep the unfinished line
                _append(&self._line, p + pos, n - pos)
                break
            if self._line.len:
                _append(&self._line, p + pos, end - pos)
                self._line_done(self._line.ptr, self._line.len, events)
                _clear(&self._line)
            else:
                self._line_done(p + pos, end - pos, events)
            if p[end] == b'\r':
                if end + 1 == n:
                    self._skip_lf = True
                elif p[end + 1] == b'\n':
                    end += 1
            pos = end + 1
        return events

    def flush(self):
        """End of stream: discard the unfinished event (spec), reset for a new stream."""
        _clear(&self._line)
        self._skip_lf = False
        self._started = False
        _clear(&self._data)
        self._has_data = False
        self._event = None
        self._block_retry = None
        self._id = self._last_id  # an id in the discarded event never took effect
        return []

    cdef int _line_done(self, const char* line, Py_ssize_t n, list events) except -1:
        cdef const char* colon
        cdef const char* value
        cdef Py_ssize_t name_len, value_len
        cdef ServerSentEvent ev
        cdef object retry
        if n == 0:  # dispatch
            self._last_id = self._id
            if self._has_data:
                ev = ServerSentEvent.__new__(ServerSentEvent)
                ev.data = PyUnicode_DecodeUTF8(self._data.ptr, self._data.len, _ERRORS)
                ev.event = self._event
                ev.id = self._id
                ev.retry = self._block_retry
                events.append(ev)
                _clear(&self._data)
                self._has_data = False
            self._event = None
            self._block_retry = None
            return 0
        if line[0] == b':':  # comment
            return 0
        colon = <const char*>memchr(line, b':', <size_t>n)
        if colon == NULL:
            name_len = n
            value = line + n
            value_len = 0
        else:
            name_len = colon - line
            value = colon + 1
            value_len = n - name_len - 1
            if value_len and value[0] == b' ':
                value += 1
                value_len -= 1
        if _is_field(line, name_len, _DATA_B):
            if self._has_data:
                _append(&self._data, b"\n", 1)
            _append(&self._data, value, value_len)
            self._has_data = True
        elif _is_field(line, name_len, _EVENT_B):
            self._event = (
                PyUnicode_DecodeUTF8(value, value_len, _ERRORS) if value_len else None
            )
        elif _is_field(line, name_len, _ID_B):
            if memchr(value, 0, <size_t>value_len) == NULL:
                self._id = PyUnicode_DecodeUTF8(value, value_len, _ERRORS)
        elif _is_field(line, name_len, _RETRY_B):
            retry = _parse_retry(value, value_len)
            if retry is not None:
                self._retry = retry
                self._block_retry = retry
        return 0
