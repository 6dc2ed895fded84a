"""Incremental HTTP/1.1 response parser, pure Python: the specification of the HTTP/1 twins.

``_http1_c.pyx`` is an optimisation of exactly this algorithm (same names, same signatures, same
results, same error messages); ``oxide._speedups`` picks one of the two. The rules are the part
of RFC 9112 an API client needs, as strict as llhttp's strict mode where they overlap:

* Bytes go in as they come off the socket, split anywhere. ``feed()`` returns the body bytes they
  frame (chunked framing removed; content codings are *not* removed).
* Head and trailer lines end in CRLF or a bare LF (RFC 9112 §2.2 lets a recipient accept it;
  llhttp, the parser of aiohttp's path, does), and so may chunk data; a chunk-size line needs its
  CRLF. Lines are validated as soon as their LF arrives (so garbage fails fast, before the head
  is complete); only an unfinished line is buffered.
* Status line: ``HTTP/1.1`` or ``HTTP/1.0``, one SP, three digits (100-999), then nothing or one
  SP and a reason phrase (any bytes but CR, as llhttp; kept as sent).
* Field lines: a token name, a colon right after it, a value of any bytes but NUL and CR (as
  llhttp) with the surrounding SP/HTAB stripped. A line starting with SP/HTAB (obs-fold) is an error.
* The status line plus headers may not exceed ``MAX_HEAD`` bytes; 1xx heads count too (the
  budget is per response, from ``start()``). A chunk-size line may not exceed
  ``MAX_CHUNK_LINE`` bytes, the trailer section ``MAX_HEAD`` bytes.
* 1xx heads other than 101 are parsed and discarded. A 101 head is final: no body, keep_alive
  False (what follows belongs to another protocol and goes to ``trailing``).
* Framing, in this order of checks: Transfer-Encoding together with Content-Length is an error;
  Transfer-Encoding's last coding (the codings of all its fields, comma lists, empty elements
  ignored) must be ``chunked``; every Content-Length element must be ASCII digits, at most
  2**63-1, and all equal. A HEAD request, 204 and 304 have no body whatever the headers say;
  otherwise chunked, else Content-Length, else the body runs until the connection closes.
* keep_alive: HTTP/1.1 defaults to True, HTTP/1.0 to False; a ``Connection`` token ``close``
  makes it False, ``keep-alive`` True (for 1.0; ``close`` wins over it); a body delimited by the
  close makes it False, and so does Transfer-Encoding in an HTTP/1.0 response (RFC 9112 §6.1:
  such framing is suspect, the connection is closed after the message).
* After the message: bytes go to ``trailing``. After an error: every call raises it again until
  ``start()``.

The public attributes keep their reset values (status 0, reason "", version_minor 1, headers [],
content_length -1, chunked/keep_alive False, content_encoding "") until ``head_done``.
"""

from __future__ import annotations

import re

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

# Matched against latin-1 decoded lines (one character per byte), so the classes are byte classes.
# Field values and reason phrases take what llhttp (aiohttp's parser) takes: any byte but CR (and
# NUL in a value); servers do send control characters there, and oxide reads few of the fields.
_STATUS = re.compile(r"HTTP/1\.([01]) ([1-9][0-9][0-9])(?: ([^\r]*))?").fullmatch
_FIELD = re.compile(r"([!#$%&'*+\-.^_`|~0-9A-Za-z]+):([^\x00\r]*)").fullmatch
_CHUNK = re.compile(rb"([0-9A-Fa-f]{1,16})(?:[ \t]*;[\t\x20-\x7e\x80-\xff]*)?").fullmatch
_OWS = " \t"
# Name lengths of Content-Length, Transfer-Encoding, Connection, Content-Encoding.
_SPECIAL_SIZES = frozenset((14, 17, 10, 16))

# Parser states (the order matters: everything from _DONE on takes no more message bytes).
_HEAD = 0  # status line and headers (1xx heads included)
_LENGTH = 1  # a Content-Length body
_CHUNK_SIZE = 2  # a chunk-size line
_CHUNK_DATA = 3  # chunk data
_CHUNK_CRLF = 4  # the CRLF after chunk data
_TRAILERS = 5  # trailer fields after the last chunk
_UNTIL_CLOSE = 6  # a body delimited by the connection close
_DONE = 7
_ERROR = 8


def _items(values: list[str]) -> list[str]:
    """The elements of comma-separated field values, OWS stripped (empty ones kept)."""
    return [item.strip(_OWS) for value in values for item in value.split(",")]


class ResponseParser:
    """Incremental parser of HTTP/1.1 responses on one connection; see the module docstring."""

    __slots__ = (
        "_buf",
        "_crlf",
        "_error",
        "_expect_status",
        "_fields",
        "_head_request",
        "_minor",
        "_reason",
        "_remaining",
        "_state",
        "_status",
        "_used",
        "chunked",
        "content_encoding",
        "content_length",
        "done",
        "head_done",
        "headers",
        "keep_alive",
        "reason",
        "status",
        "trailing",
        "version_minor",
    )

    head_done: bool
    done: bool
    status: int
    reason: str
    version_minor: int
    headers: list[tuple[str, str]]
    content_length: int
    chunked: bool
    keep_alive: bool
    content_encoding: str
    trailing: bytes

    def __init__(self) -> None:
        self.start()

    def start(self, head_request: bool = False) -> None:
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
        self._buf = bytearray()  # the current unfinished line
        self._used = 0  # bytes of the current limited section (head, chunk-size line, trailers)
        self._expect_status = True  # the next head line is a status line
        self._status = 0
        self._minor = 1
        self._reason = ""
        self._fields: list[tuple[str, str]] = []
        self._remaining = 0  # body or chunk bytes still to come
        self._crlf = 0  # bytes of the CRLF after chunk data seen
        self._error = ""

    def feed(self, data: bytes) -> bytes:
        """Consume bytes received from the socket; return the body bytes framed in them.

        Chunked framing is removed (several chunks concatenated; still content-encoded); b"" when
        there are none. Raises ResponseFramingError on malformed input; after that the parser is
        unusable until start().
        """
        if type(data) is not bytes:
            data = bytes(data)
        state = self._state
        if state == _LENGTH:  # the body of a big response, fed on
            remaining = self._remaining
            if len(data) < remaining:
                self._remaining = remaining - len(data)
                return data
        elif state >= _DONE:
            if state == _ERROR:
                raise ResponseFramingError(self._error)
            if data:
                self.trailing += data
            return b""
        body: list[bytes] = []
        pos = 0
        n = len(data)
        while pos < n:
            state = self._state
            if state == _HEAD:
                pos = self._head(data, pos)
            elif state == _LENGTH or state == _CHUNK_DATA:
                remaining = self._remaining
                if n - pos >= remaining:
                    body.append(data[pos : pos + remaining])
                    pos += remaining
                    self._remaining = 0
                    if state == _LENGTH:
                        self._finish()
                    else:
                        self._state = _CHUNK_CRLF
                        self._crlf = 0
                else:
                    body.append(data[pos:])
                    self._remaining = remaining - (n - pos)
                    pos = n
            elif state == _CHUNK_SIZE:
                line, pos = self._line(data, pos, MAX_CHUNK_LINE, "chunk size line")
                if line is None:
                    break
                self._chunk_size(line)
            elif state == _CHUNK_CRLF:
                if self._crlf == 0 and data[pos] != 10:  # a bare LF is taken too
                    if data[pos] != 13:
                        raise self._fail("missing CRLF after chunk data")
                    pos += 1
                    self._crlf = 1
                    if pos == n:
                        break
                if data[pos] != 10:
                    raise self._fail("missing CRLF after chunk data")
                pos += 1
                self._state = _CHUNK_SIZE
                self._used = 0
            elif state == _TRAILERS:
                line, pos = self._line(data, pos, MAX_HEAD, "trailer section", True)
                if line is None:
                    break
                if not line:
                    self._finish()
                else:
                    text = line.decode("latin-1")
                    if _FIELD(text) is None:
                        raise self._fail(field_error(text, "trailer"))
            elif state == _UNTIL_CLOSE:
                body.append(data[pos:])
                pos = n
            else:  # _DONE
                self.trailing += data[pos:]
                pos = n
        if not body:
            return b""
        if len(body) == 1:
            return body[0]
        return b"".join(body)

    def feed_eof(self) -> bytes:
        """The peer closed.

        If the body is delimited by the close (no Content-Length, not chunked), the message is now
        complete (done=True) and b"" is returned. Otherwise (head incomplete, Content-Length
        short, chunked unfinished) raise ResponseFramingError.
        """
        state = self._state
        if state == _ERROR:
            raise ResponseFramingError(self._error)
        if state == _DONE:
            return b""
        if state == _UNTIL_CLOSE:
            self._finish()
            return b""
        if state == _HEAD:
            if self._used == 0 and not self._buf:
                raise self._fail("connection closed before any response bytes arrived")
            raise self._fail("connection closed before the response head was complete")
        if state == _LENGTH:
            raise self._fail(
                f"connection closed with {self._remaining} of {self.content_length}"
                " body bytes (Content-Length) missing"
            )
        raise self._fail("connection closed before the end of the chunked body")

    # -- internals ----------------------------------------------------------------------------

    def _fail(self, message: str) -> ResponseFramingError:
        """Make the parser unusable until start(); the error to raise."""
        self._state = _ERROR
        self._error = message
        self._buf.clear()
        return ResponseFramingError(message)

    def _finish(self) -> None:
        self._state = _DONE
        self.done = True

    def _line(
        self, data: bytes, pos: int, limit: int, what: str, bare_lf: bool = False
    ) -> tuple[bytes | None, int]:
        """The next complete line from ``data[pos:]`` (CRLF, or a bare LF if ``bare_lf``,
        removed) and the position after it, or ``(None, len(data))`` with the rest buffered. The
        current section (``self._used`` bytes so far) may not grow past ``limit`` bytes."""
        buf = self._buf
        lf = data.find(10, pos)
        if lf < 0:
            buf += data[pos:]
            if self._used + len(buf) > limit:
                raise self._fail(f"{what} larger than {limit} bytes")
            return None, len(data)
        used = self._used + len(buf) + lf + 1 - pos
        if used > limit:
            raise self._fail(f"{what} larger than {limit} bytes")
        self._used = used
        if buf:
            buf += data[pos:lf]
            if buf[-1] == 13:
                del buf[-1]
            elif not bare_lf:
                raise self._fail(f"bare LF line ending in the {what} (CRLF required)")
            line = bytes(buf)
            buf.clear()
        elif lf > pos and data[lf - 1] == 13:
            line = data[pos : lf - 1]
        elif bare_lf:
            line = data[pos:lf]
        else:
            raise self._fail(f"bare LF line ending in the {what} (CRLF required)")
        return line, lf + 1

    def _head(self, data: bytes, pos: int) -> int:
        """Consume head bytes from ``data[pos:]``; the position after what was consumed."""
        if self._expect_status and not self._buf:
            # A whole head in hand (the usual case): decode it at once and split it into lines.
            # The same lines, checks and errors, in the same order, as one line at a time.
            # A head with a bare LF in it goes line by line (its end may be before this CRLFCRLF).
            end = data.find(b"\r\n\r\n", pos)
            if end >= 0 and self._used + end + 4 - pos <= MAX_HEAD:
                text = data[pos:end].decode("latin-1")
                if "\n" not in text:
                    self._used += end + 4 - pos
                    lines = text.split("\r\n")
                    self._head_line(lines[0])
                    append = self._fields.append
                    for i in range(1, len(lines)):
                        m = _FIELD(lines[i])
                        if m is None:
                            raise self._fail(field_error(lines[i]))
                        name, value = m.groups()
                        append((name, value.strip(_OWS)))
                    self._end_head()
                    return end + 4
        raw, pos = self._line(data, pos, MAX_HEAD, "response head", True)
        if raw is not None:
            line = raw.decode("latin-1")
            if line or self._expect_status:
                self._head_line(line)
            else:
                self._end_head()
        return pos

    def _head_line(self, text: str) -> None:
        """One non-empty head line (or the status line, empty or not)."""
        if self._expect_status:
            m = _STATUS(text)
            if m is None:
                raise self._fail(status_line_error(text))
            version, code, reason = m.groups()
            self._status = int(code)
            self._minor = 1 if version == "1" else 0
            self._reason = reason or ""
            self._fields = []
            self._expect_status = False
            return
        m = _FIELD(text)
        if m is None:
            raise self._fail(field_error(text))
        name, value = m.groups()
        self._fields.append((name, value.strip(_OWS)))

    def _end_head(self) -> None:
        """The empty line after a head: skip a 1xx head, or settle the framing."""
        self._expect_status = True
        status = self._status
        fields = self._fields
        if status < 200:
            if status == 101:  # final, no body; the connection now speaks another protocol
                self._publish(status, fields, -1, False, "")
                self.keep_alive = False
                self._finish()
            else:  # 1xx: the final head follows
                self._fields = []
            return
        lengths: list[str] = []
        codings: list[str] = []
        connection: list[str] = []
        encodings: list[str] = []
        for name, value in fields:
            size = len(name)
            if size not in _SPECIAL_SIZES:
                continue
            if size == 14:
                if name.lower() == "content-length":
                    lengths.append(value)
            elif size == 17:
                if name.lower() == "transfer-encoding":
                    codings.append(value)
            elif size == 10:
                if name.lower() == "connection":
                    connection.append(value)
            elif size == 16 and name.lower() == "content-encoding":
                encodings.append(value)
        if lengths and codings:
            raise self._fail(
                "both Transfer-Encoding and Content-Length in the response (request smuggling)"
            )
        chunked = False
        if codings:
            listed = [item for item in _items(codings) if item]
            if not listed or listed[-1].lower() != "chunked":
                raise self._fail(f"unsupported Transfer-Encoding {', '.join(codings)!r}")
            chunked = True
        length = -1
        for value in lengths:
            for item in value.split(","):
                item = item.strip(_OWS)
                if not (item.isdigit() and item.isascii()):
                    raise self._fail(f"invalid Content-Length {value!r}")
                digits = item.lstrip("0")
                if len(digits) > 19 or int(digits or "0") > MAX_LENGTH:
                    raise self._fail(f"Content-Length too large: {value!r}")
                number = int(digits or "0")
                if length >= 0 and number != length:
                    raise self._fail(f"conflicting Content-Length values {', '.join(lengths)!r}")
                length = number
        minor = self._minor
        keep_alive = minor == 1
        if connection:
            for token in _items(connection):
                token = token.lower()
                if token == "close":
                    keep_alive = False
                    break
                if token == "keep-alive":
                    keep_alive = True
        if chunked and minor == 0:
            keep_alive = False

        self._publish(
            status, fields, length, chunked, ", ".join(encodings).lower() if encodings else ""
        )
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
                self._remaining = length
            else:
                self._finish()
        else:
            self.keep_alive = False
            self._state = _UNTIL_CLOSE

    def _publish(
        self,
        status: int,
        fields: list[tuple[str, str]],
        length: int,
        chunked: bool,
        encoding: str,
    ) -> None:
        """Set the public attributes of a final head (all but keep_alive)."""
        self.status = status
        self.reason = self._reason
        self.version_minor = self._minor
        self.headers = fields
        self.content_length = length
        self.chunked = chunked
        self.content_encoding = encoding
        self.head_done = True
        self._fields = []

    def _chunk_size(self, line: bytes) -> None:
        m = _CHUNK(line)
        if m is None:
            raise self._fail(chunk_line_error(line))
        size = int(m[1], 16)
        if size > MAX_LENGTH:
            raise self._fail(chunk_line_error(line))
        if size:
            self._state = _CHUNK_DATA
            self._remaining = size
        else:
            self._state = _TRAILERS
            self._used = 0
