# cython: language_level=3, boundscheck=False, wraparound=False, cdivision=True
"""Incremental HTTP/1.1 response parser, compiled twin of ``_http1_py.py``.

``_http1_py.py`` is the specification (read its docstring for the rules); this module is the same
algorithm on the raw feed buffer with C pointers: memchr finds line ends, complete lines are
validated in place with 256-entry character tables, only an unfinished line is copied into a
growable C buffer, and the only Python objects made per response are the header names and
values, the reason, and the returned body (the feed itself, one slice of it, or, when several
chunks arrive in one feed, one bytes object built from a reused C buffer). Error messages come
from the helpers in ``_http1_common`` (the Python twin uses the same ones), built on error paths
only. Same names, same signatures, same results.
"""

from cpython.bytes cimport (
    PyBytes_AS_STRING,
    PyBytes_CheckExact,
    PyBytes_FromStringAndSize,
    PyBytes_GET_SIZE,
)
from cpython.mem cimport PyMem_Free, PyMem_Realloc
from cpython.unicode cimport PyUnicode_DecodeLatin1
from libc.string cimport memchr, memcmp, memcpy

from ._http1_common import (
    MAX_CHUNK_LINE,
    MAX_HEAD,
    MAX_LENGTH,
    ResponseFramingError,
    chunk_line_error,
    field_error,
    status_line_error,
)

__all__ = ("ResponseFramingError", "ResponseParser")


cdef extern from "Python.h":
    # Every str here comes from PyUnicode_DecodeLatin1: one byte per character.
    const unsigned char* PyUnicode_1BYTE_DATA(object o)
    Py_ssize_t PyUnicode_GET_LENGTH(object o)


ctypedef unsigned char uchar
ctypedef unsigned long long u64

cdef Py_ssize_t _MAX_HEAD = MAX_HEAD
cdef Py_ssize_t _MAX_CHUNK_LINE = MAX_CHUNK_LINE
cdef u64 _MAX_LENGTH = MAX_LENGTH

cdef enum:
    _HEAD = 0
    _LENGTH = 1
    _CHUNK_SIZE = 2
    _CHUNK_DATA = 3
    _CHUNK_CRLF = 4
    _TRAILERS = 5
    _UNTIL_CLOSE = 6
    _DONE = 7
    _ERROR = 8

# A buffer that grew past this is released once empty, so one huge line does not pin memory.
cdef enum:
    _KEEP_CAPACITY = 65536

# Character classes (RFC 9110 tchar; chunk-ext bytes: HTAB, SP, VCHAR, obs-text; field-value
# bytes as llhttp takes them: all but NUL and CR; reason-phrase bytes: all but CR) and hex digit
# values (+1; 0 is "not a hex digit").
cdef uchar _TCHAR[256]
cdef uchar _VCHAR[256]
cdef uchar _VALUE[256]
cdef uchar _REASON[256]
cdef uchar _HEX[256]


cdef void _init_tables() noexcept:
    cdef int c
    cdef bytes tchars = b"!#$%&'*+-.^_`|~0123456789abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ"
    cdef const char* t = PyBytes_AS_STRING(tchars)
    for c in range(256):
        _TCHAR[c] = 0
        _VCHAR[c] = c == 9 or (0x20 <= c <= 0x7E) or c >= 0x80
        _VALUE[c] = c != 0 and c != 13
        _REASON[c] = c != 13
        _HEX[c] = 0
    for c in range(PyBytes_GET_SIZE(tchars)):
        _TCHAR[<uchar>t[c]] = 1
    for c in range(10):
        _HEX[48 + c] = c + 1
    for c in range(6):
        _HEX[65 + c] = c + 11
        _HEX[97 + c] = c + 11


_init_tables()


cdef struct Buffer:
    uchar* ptr
    Py_ssize_t len
    Py_ssize_t cap


cdef int _append(Buffer* buf, const uchar* src, Py_ssize_t n) except -1:
    cdef Py_ssize_t need = buf.len + n
    cdef Py_ssize_t cap
    cdef uchar* grown
    if need > buf.cap:
        cap = buf.cap * 2
        if cap < need:
            cap = need
        if cap < 256:
            cap = 256
        grown = <uchar*>PyMem_Realloc(buf.ptr, <size_t>cap)
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


cdef inline uchar _lower(uchar c) noexcept:
    return c + 32 if 65 <= c <= 90 else c


cdef inline bint _ieq(const uchar* s, Py_ssize_t n, const char* lower, Py_ssize_t m) noexcept:
    """``s[:n]`` equals the lowercase ASCII ``lower[:m]``, ignoring ASCII case."""
    cdef Py_ssize_t i
    if n != m:
        return False
    for i in range(n):
        if _lower(s[i]) != <uchar>lower[i]:
            return False
    return True


cdef inline bint _ows(uchar c) noexcept:
    return c == 32 or c == 9


cdef inline str _latin1(const uchar* s, Py_ssize_t n):
    return PyUnicode_DecodeLatin1(<const char*>s, n, NULL)


# Which framing header a name is (by length, then case-insensitively).
cdef enum:
    _OTHER = 0
    _CONTENT_LENGTH = 1
    _TRANSFER_ENCODING = 2
    _CONNECTION = 3
    _CONTENT_ENCODING = 4


cdef inline int _special(const uchar* name, Py_ssize_t n) noexcept:
    if n == 14:
        if _ieq(name, n, b"content-length", 14):
            return _CONTENT_LENGTH
    elif n == 17:
        if _ieq(name, n, b"transfer-encoding", 17):
            return _TRANSFER_ENCODING
    elif n == 10:
        if _ieq(name, n, b"connection", 10):
            return _CONNECTION
    elif n == 16:
        if _ieq(name, n, b"content-encoding", 16):
            return _CONTENT_ENCODING
    return _OTHER


cdef inline bint _valid_field(const uchar* s, Py_ssize_t n, Py_ssize_t* colon) noexcept:
    """``s[:n]`` is ``token ":" *(field-value bytes)``; ``colon`` gets the colon's index."""
    cdef Py_ssize_t i = 0
    while i < n and _TCHAR[s[i]]:
        i += 1
    if i == 0 or i == n or s[i] != 58:  # ':'
        return False
    colon[0] = i
    i += 1
    while i < n:
        if not _VALUE[s[i]]:
            return False
        i += 1
    return True


cdef class ResponseParser:
    """Incremental parser of HTTP/1.1 responses on one connection.

    See ``oxide._speedups._http1_py.ResponseParser``, the specification of this class.
    """

    cdef readonly bint head_done
    cdef readonly bint done
    cdef readonly int status
    cdef readonly str reason
    cdef readonly int version_minor
    cdef readonly list headers
    cdef readonly long long content_length
    cdef readonly bint chunked
    cdef readonly bint keep_alive
    cdef readonly str content_encoding
    cdef readonly bytes trailing

    cdef int _state
    cdef bint _head_request
    cdef Buffer _buf  # the current unfinished line
    cdef Buffer _body  # body pieces of one feed, when there are several
    cdef Py_ssize_t _used  # bytes of the current limited section
    cdef bint _expect_status  # the next head line is a status line
    cdef int _status
    cdef int _minor
    cdef str _reason
    cdef list _fields
    cdef list _lengths  # values of the framing fields of the head being parsed (None: none)
    cdef list _codings
    cdef list _connection
    cdef list _encodings
    cdef u64 _remaining  # body or chunk bytes still to come
    cdef int _crlf  # bytes of the CRLF after chunk data seen
    cdef str _error

    def __cinit__(self):
        self._buf.ptr = NULL
        self._buf.len = 0
        self._buf.cap = 0
        self._body.ptr = NULL
        self._body.len = 0
        self._body.cap = 0

    def __dealloc__(self):
        PyMem_Free(self._buf.ptr)
        PyMem_Free(self._body.ptr)

    def __init__(self):
        self.start()

    def start(self, head_request=False):
        """Reset for the next response on this connection (called before each request is sent).

        ``head_request=True``: the response to a HEAD request has no body whatever its headers say.
        """
        self.head_done = False
        self.done = False
        self.status = 0
        self.reason = ""
        self.version_minor = 1
        self.headers = []
        self.content_length = -1
        self.chunked = False
        self.keep_alive = False
        self.content_encoding = ""
        self.trailing = b""
        self._head_request = bool(head_request)
        self._state = _HEAD
        _clear(&self._buf)
        _clear(&self._body)
        self._used = 0
        self._expect_status = True
        self._status = 0
        self._minor = 1
        self._reason = ""
        self._new_head()
        self._remaining = 0
        self._crlf = 0
        self._error = ""

    def feed(self, data):
        """Consume bytes received from the socket; return the body bytes framed in them.

        Chunked framing is removed (several chunks concatenated; still content-encoded); b"" when
        there are none. Raises ResponseFramingError on malformed input; after that the parser is
        unusable until start().
        """
        if not PyBytes_CheckExact(data):
            data = bytes(data)
        cdef const uchar* p = <const uchar*>PyBytes_AS_STRING(data)
        cdef Py_ssize_t n = PyBytes_GET_SIZE(data)
        cdef int state = self._state
        if state == _LENGTH:  # the body of a big response, fed on
            if <u64>n < self._remaining:
                self._remaining -= <u64>n
                return data
        elif state >= _DONE:
            if state == _ERROR:
                raise ResponseFramingError(self._error)
            if n:
                self.trailing = self.trailing + data if self.trailing else data
            return b""

        cdef Py_ssize_t pos = 0
        cdef Py_ssize_t take
        cdef Py_ssize_t piece_at = -1  # the one body piece so far: data[piece_at:piece_at+piece_len]
        cdef Py_ssize_t piece_len = 0
        cdef bint several = False  # more than one piece: they are in self._body
        cdef const uchar* line
        cdef Py_ssize_t line_len

        while pos < n:
            state = self._state
            if state == _HEAD:
                pos = self._head(p, n, pos)
            elif state == _LENGTH or state == _CHUNK_DATA:
                if <u64>(n - pos) >= self._remaining:
                    take = <Py_ssize_t>self._remaining
                    self._remaining = 0
                    if state == _LENGTH:
                        self._finish()
                    else:
                        self._state = _CHUNK_CRLF
                        self._crlf = 0
                else:
                    take = n - pos
                    self._remaining -= <u64>take
                # The body piece data[pos:pos+take]: kept as a position while it is the only one.
                if piece_at < 0:
                    piece_at = pos
                    piece_len = take
                else:
                    if not several:
                        self._body.len = 0
                        _append(&self._body, p + piece_at, piece_len)
                        several = True
                    _append(&self._body, p + pos, take)
                pos += take
            elif state == _CHUNK_SIZE:
                if not self._line(p, n, &pos, &line, &line_len, _MAX_CHUNK_LINE, "chunk size line"):
                    break
                self._chunk_size(line, line_len)
                if self._buf.len:
                    _clear(&self._buf)
            elif state == _CHUNK_CRLF:
                if self._crlf == 0 and p[pos] != 10:  # a bare LF is taken too
                    if p[pos] != 13:
                        raise self._fail("missing CRLF after chunk data")
                    pos += 1
                    self._crlf = 1
                    if pos == n:
                        break
                if p[pos] != 10:
                    raise self._fail("missing CRLF after chunk data")
                pos += 1
                self._state = _CHUNK_SIZE
                self._used = 0
            elif state == _TRAILERS:
                if not self._line(
                    p, n, &pos, &line, &line_len, _MAX_HEAD, "trailer section", True
                ):
                    break
                if line_len == 0:
                    self._finish()
                else:
                    self._trailer(line, line_len)
                if self._buf.len:
                    _clear(&self._buf)
            elif state == _UNTIL_CLOSE:
                if piece_at < 0:
                    piece_at = pos
                    piece_len = n - pos
                else:
                    if not several:
                        self._body.len = 0
                        _append(&self._body, p + piece_at, piece_len)
                        several = True
                    _append(&self._body, p + pos, n - pos)
                pos = n
            else:  # _DONE
                if pos == 0 and not self.trailing:
                    self.trailing = data
                else:
                    self.trailing = self.trailing + PyBytes_FromStringAndSize(
                        <const char*>p + pos, n - pos
                    )
                pos = n

        if piece_at < 0:
            return b""
        if several:
            body = PyBytes_FromStringAndSize(<const char*>self._body.ptr, self._body.len)
            _clear(&self._body)
            return body
        if piece_at == 0 and piece_len == n:
            return data
        return PyBytes_FromStringAndSize(<const char*>p + piece_at, piece_len)

    def feed_eof(self):
        """The peer closed.

        If the body is delimited by the close (no Content-Length, not chunked), the message is now
        complete (done=True) and b"" is returned. Otherwise (head incomplete, Content-Length
        short, chunked unfinished) raise ResponseFramingError.
        """
        cdef int state = self._state
        if state == _ERROR:
            raise ResponseFramingError(self._error)
        if state == _DONE:
            return b""
        if state == _UNTIL_CLOSE:
            self._finish()
            return b""
        if state == _HEAD:
            if self._used == 0 and self._buf.len == 0:
                raise self._fail("connection closed before any response bytes arrived")
            raise self._fail("connection closed before the response head was complete")
        if state == _LENGTH:
            raise self._fail(
                f"connection closed with {self._remaining} of {self.content_length}"
                " body bytes (Content-Length) missing"
            )
        raise self._fail("connection closed before the end of the chunked body")

    # -- internals ----------------------------------------------------------------------------

    cdef object _fail(self, str message):
        """Make the parser unusable until start(); the error to raise."""
        self._state = _ERROR
        self._error = message
        _clear(&self._buf)
        return ResponseFramingError(message)

    cdef inline void _finish(self) noexcept:
        self._state = _DONE
        self.done = True

    cdef inline void _new_head(self) noexcept:
        self._fields = []
        self._lengths = None
        self._codings = None
        self._connection = None
        self._encodings = None

    cdef bint _line(
        self,
        const uchar* p,
        Py_ssize_t n,
        Py_ssize_t* pos,
        const uchar** line,
        Py_ssize_t* line_len,
        Py_ssize_t limit,
        str what,
        bint bare_lf=False,
    ) except -1:
        """The next complete line (CRLF, or a bare LF if ``bare_lf``, removed) into
        ``line``/``line_len``, ``pos`` moved past it; False with the rest buffered when there is
        none. The line points into ``p`` or into ``self._buf`` (the caller clears the latter once
        done with it). The current section (``self._used`` bytes so far) may not grow past
        ``limit`` bytes."""
        cdef Py_ssize_t start = pos[0]
        cdef const uchar* lf = <const uchar*>memchr(p + start, 10, <size_t>(n - start))
        cdef Py_ssize_t end, used
        if lf == NULL:
            _append(&self._buf, p + start, n - start)
            pos[0] = n
            if self._used + self._buf.len > limit:
                raise self._fail(f"{what} larger than {limit} bytes")
            return False
        end = lf - p
        used = self._used + self._buf.len + end + 1 - start
        if used > limit:
            raise self._fail(f"{what} larger than {limit} bytes")
        self._used = used
        pos[0] = end + 1
        if self._buf.len:
            _append(&self._buf, p + start, end - start)
            line[0] = self._buf.ptr
            if self._buf.ptr[self._buf.len - 1] == 13:
                line_len[0] = self._buf.len - 1
            elif bare_lf:
                line_len[0] = self._buf.len
            else:
                raise self._fail(f"bare LF line ending in the {what} (CRLF required)")
        else:
            line[0] = p + start
            if end > start and p[end - 1] == 13:
                line_len[0] = end - 1 - start
            elif bare_lf:
                line_len[0] = end - start
            else:
                raise self._fail(f"bare LF line ending in the {what} (CRLF required)")
        return True

    cdef Py_ssize_t _head(self, const uchar* p, Py_ssize_t n, Py_ssize_t pos) except -1:
        """Consume head lines from ``p[pos:n]``; the position after what was consumed."""
        cdef const uchar* line
        cdef Py_ssize_t line_len
        while self._state == _HEAD and pos < n:
            if not self._line(p, n, &pos, &line, &line_len, _MAX_HEAD, "response head", True):
                break
            if self._expect_status:
                self._status_line(line, line_len)
            elif line_len:
                self._field(line, line_len)
            else:
                self._end_head()
            if self._buf.len:
                _clear(&self._buf)
        return pos

    cdef int _status_line(self, const uchar* s, Py_ssize_t n) except -1:
        cdef Py_ssize_t i
        cdef int code
        if not (
            n >= 12
            and memcmp(s, b"HTTP/1.", 7) == 0
            and (s[7] == 48 or s[7] == 49)
            and s[8] == 32
            and 49 <= s[9] <= 57
            and 48 <= s[10] <= 57
            and 48 <= s[11] <= 57
            and (n == 12 or s[12] == 32)
        ):
            raise self._fail(status_line_error(_latin1(s, n)))
        for i in range(13, n):
            if not _REASON[s[i]]:
                raise self._fail(status_line_error(_latin1(s, n)))
        code = (s[9] - 48) * 100 + (s[10] - 48) * 10 + (s[11] - 48)
        self._status = code
        self._minor = s[7] - 48
        self._reason = _latin1(s + 13, n - 13) if n > 13 else ""
        self._new_head()
        self._expect_status = False
        return 0

    cdef int _field(self, const uchar* s, Py_ssize_t n) except -1:
        cdef Py_ssize_t colon, start, end
        cdef int kind
        cdef str value
        if not _valid_field(s, n, &colon):
            raise self._fail(field_error(_latin1(s, n)))
        start = colon + 1
        end = n
        while start < end and _ows(s[start]):
            start += 1
        while end > start and _ows(s[end - 1]):
            end -= 1
        value = _latin1(s + start, end - start)
        self._fields.append((_latin1(s, colon), value))
        kind = _special(s, colon)
        if kind == _OTHER:
            return 0
        if kind == _CONTENT_LENGTH:
            if self._lengths is None:
                self._lengths = []
            self._lengths.append(value)
        elif kind == _TRANSFER_ENCODING:
            if self._codings is None:
                self._codings = []
            self._codings.append(value)
        elif kind == _CONNECTION:
            if self._connection is None:
                self._connection = []
            self._connection.append(value)
        else:
            if self._encodings is None:
                self._encodings = []
            self._encodings.append(value)
        return 0

    cdef int _trailer(self, const uchar* s, Py_ssize_t n) except -1:
        cdef Py_ssize_t colon
        if not _valid_field(s, n, &colon):
            raise self._fail(field_error(_latin1(s, n), "trailer"))
        return 0

    cdef int _end_head(self) except -1:
        """The empty line after a head: skip a 1xx head, or settle the framing."""
        self._expect_status = True
        cdef int status = self._status
        if status < 200:
            if status == 101:  # final, no body; the connection now speaks another protocol
                self.status = status
                self.reason = self._reason
                self.version_minor = self._minor
                self.headers = self._fields
                self.head_done = True
                self.keep_alive = False
                self._finish()
            self._new_head()  # 1xx: the final head follows
            return 0
        cdef list lengths = self._lengths
        cdef list codings = self._codings
        if lengths is not None and codings is not None:
            raise self._fail(
                "both Transfer-Encoding and Content-Length in the response (request smuggling)"
            )
        cdef bint chunked = False
        if codings is not None:
            if not _last_is_chunked(codings):
                raise self._fail(f"unsupported Transfer-Encoding {', '.join(codings)!r}")
            chunked = True
        cdef long long length = -1
        if lengths is not None:
            length = self._content_length(lengths)
        cdef int minor = self._minor
        cdef bint keep_alive = minor == 1
        if self._connection is not None:
            keep_alive = _keep_alive(self._connection, keep_alive)
        if chunked and minor == 0:
            keep_alive = False

        self.status = status
        self.reason = self._reason
        self.version_minor = minor
        self.headers = self._fields
        self.content_length = length
        self.chunked = chunked
        if self._encodings is not None:
            self.content_encoding = ", ".join(self._encodings).lower()
        self.head_done = True
        self._new_head()
        if self._head_request or status == 204 or status == 304:
            self.keep_alive = keep_alive
            self._finish()
        elif chunked:
            self.keep_alive = keep_alive
            self._state = _CHUNK_SIZE
            self._used = 0
        elif length >= 0:
            self.keep_alive = keep_alive
            if length:
                self._state = _LENGTH
                self._remaining = <u64>length
            else:
                self._finish()
        else:
            self.keep_alive = False
            self._state = _UNTIL_CLOSE
        return 0

    cdef long long _content_length(self, list lengths) except -2:
        """The one value of the Content-Length fields (elements checked in order)."""
        cdef long long length = -1
        cdef const uchar* s
        cdef Py_ssize_t n, i, start, end, k
        cdef u64 number
        cdef bint too_large
        cdef uchar c
        for value in lengths:
            s = PyUnicode_1BYTE_DATA(value)
            n = PyUnicode_GET_LENGTH(value)
            i = 0
            while True:  # one comma-separated element per turn
                start = i
                while i < n and s[i] != 44:  # ','
                    i += 1
                end = i
                while start < end and _ows(s[start]):
                    start += 1
                while end > start and _ows(s[end - 1]):
                    end -= 1
                if start == end:
                    raise self._fail(f"invalid Content-Length {value!r}")
                for k in range(start, end):
                    c = s[k]
                    if c < 48 or c > 57:
                        raise self._fail(f"invalid Content-Length {value!r}")
                number = 0
                too_large = False
                for k in range(start, end):
                    if number > (_MAX_LENGTH - (s[k] - 48)) // 10:
                        too_large = True
                        break
                    number = number * 10 + (s[k] - 48)
                if too_large:
                    raise self._fail(f"Content-Length too large: {value!r}")
                if length >= 0 and <long long>number != length:
                    raise self._fail(f"conflicting Content-Length values {', '.join(lengths)!r}")
                length = <long long>number
                if i >= n:
                    break
                i += 1  # past the comma
        return length

    cdef int _chunk_size(self, const uchar* s, Py_ssize_t n) except -1:
        cdef Py_ssize_t i = 0
        cdef u64 size = 0
        while i < n and _HEX[s[i]]:
            if i == 16:
                raise self._fail(chunk_line_error(PyBytes_FromStringAndSize(<const char*>s, n)))
            size = size * 16 + (_HEX[s[i]] - 1)
            i += 1
        if i == 0 or size > _MAX_LENGTH:
            raise self._fail(chunk_line_error(PyBytes_FromStringAndSize(<const char*>s, n)))
        if i < n:  # [ \t]* ";" ext-bytes
            while i < n and _ows(s[i]):
                i += 1
            if i == n or s[i] != 59:  # ';'
                raise self._fail(chunk_line_error(PyBytes_FromStringAndSize(<const char*>s, n)))
            i += 1
            while i < n:
                if not _VCHAR[s[i]]:
                    raise self._fail(
                        chunk_line_error(PyBytes_FromStringAndSize(<const char*>s, n))
                    )
                i += 1
        if size:
            self._state = _CHUNK_DATA
            self._remaining = size
        else:
            self._state = _TRAILERS
            self._used = 0
        return 0


cdef bint _last_is_chunked(list codings):
    """The last non-empty element of the Transfer-Encoding values is ``chunked``."""
    cdef const uchar* s
    cdef const uchar* last = NULL
    cdef Py_ssize_t last_len = 0
    cdef Py_ssize_t n, i, start, end
    for value in codings:
        s = PyUnicode_1BYTE_DATA(value)
        n = PyUnicode_GET_LENGTH(value)
        i = 0
        while True:
            start = i
            while i < n and s[i] != 44:
                i += 1
            end = i
            while start < end and _ows(s[start]):
                start += 1
            while end > start and _ows(s[end - 1]):
                end -= 1
            if end > start:
                last = s + start
                last_len = end - start
            if i >= n:
                break
            i += 1
    return last != NULL and _ieq(last, last_len, b"chunked", 7)


cdef bint _keep_alive(list connection, bint keep_alive):
    """``keep_alive`` after the Connection tokens: ``close`` ends it, ``keep-alive`` asks it."""
    cdef const uchar* s
    cdef Py_ssize_t n, i, start, end
    for value in connection:
        s = PyUnicode_1BYTE_DATA(value)
        n = PyUnicode_GET_LENGTH(value)
        i = 0
        while True:
            start = i
            while i < n and s[i] != 44:
                i += 1
            end = i
            while start < end and _ows(s[start]):
                start += 1
            while end > start and _ows(s[end - 1]):
                end -= 1
            if _ieq(s + start, end - start, b"close", 5):
                return False
            if _ieq(s + start, end - start, b"keep-alive", 10):
                keep_alive = True
            if i >= n:
                break
            i += 1
    return keep_alive
