"""Server-sent events line extractor, pure Python: the specification of the SSE twins.

``_sse_c.pyx`` is an optimisation of exactly this algorithm (same names, same signatures, same
results); ``oxide._speedups`` picks one of the two. The rules are WHATWG HTML §9.2.5-9.2.6:

* Bytes go in exactly as they come off the socket, split anywhere (empty chunks included).
* A line ends at CRLF, LF or a lone CR and nowhere else (VT, FF, U+0085, U+2028 and U+2029 are
  data). A CR-terminated line is processed at once; an LF right after it, even one arriving in the
  next chunk, is swallowed.
* One UTF-8 BOM is stripped, only at the start of the stream (also when it arrives split).
* Lines starting with ``:`` are comments. Otherwise the field name is everything before the first
  colon (the whole line when there is none) and the value everything after it, minus one leading
  space. Names are case-sensitive: ``data`` appends value + LF to the data buffer, ``event`` sets
  the type, ``id`` sets the last event ID (unless the value contains NUL; empty resets it),
  ``retry`` is accepted only when it is all ASCII digits. Anything else is ignored.
* An empty line dispatches: the last event ID takes the value of the ID buffer; if the data
  buffer is empty nothing fires (so ``event: x``, ``id: 1`` or ``retry: 1`` blocks alone fire
  nothing); otherwise one trailing LF is stripped and the event fires.
* At end of stream an unfinished event is discarded (``flush()`` returns ``[]``).
* Invalid UTF-8 becomes U+FFFD, never an exception. Values are decoded per line piece, which is
  exact because CR, LF and ``:`` never occur inside a multibyte sequence.

Only the current unfinished line is ever buffered as bytes: complete lines are consumed from each
chunk as it arrives, so ignored lines never accumulate, and a huge line delivered in 1-byte chunks
costs amortised linear time (one ``bytearray`` append per chunk, one join per line).

Representation choices: ``ServerSentEvent.event`` is ``None`` for the default type ``message``
(also when ``event:`` was given an empty value, which the spec treats the same way);
``ServerSentEvent.id`` is ``None`` until an ``id`` field has been seen.
"""

from __future__ import annotations

from ._sse_common import BOM, DATA, ERRORS, EVENT, ID, RETRY

__all__ = ("SSEDecoder", "ServerSentEvent")

# The common lines (every chat chunk has a data line, every Responses event an event line) are
# recognised by prefix before the general field split in SSEDecoder._field.
_DATA_PREFIX = DATA + b":"
_DATA_PREFIX_LEN = len(_DATA_PREFIX)
_EVENT_PREFIX = EVENT + b":"
_EVENT_PREFIX_LEN = len(_EVENT_PREFIX)
_BOM_LEN = len(BOM)


class ServerSentEvent:
    """One dispatched event."""

    __slots__ = ("data", "event", "id", "retry")

    event: str | None
    data: str
    id: str | None
    retry: int | None

    def __init__(
        self,
        *,
        event: str | None = None,
        data: str = "",
        id: str | None = None,
        retry: int | None = None,
    ) -> None:
        self.event = event
        self.data = data
        self.id = id
        self.retry = retry

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, ServerSentEvent):
            return NotImplemented
        return (
            self.data == other.data
            and self.event == other.event
            and self.id == other.id
            and self.retry == other.retry
        )

    def __repr__(self) -> str:
        return (
            f"ServerSentEvent(event={self.event!r}, data={self.data!r}, "
            f"id={self.id!r}, retry={self.retry!r})"
        )


_new_event = object.__new__


def _make_event(event: str | None, data: str, id: str | None, retry: int | None) -> ServerSentEvent:
    # Skips the keyword-only __init__ on the hot path (~3x cheaper); the result is the same.
    ev = _new_event(ServerSentEvent)
    ev.event = event
    ev.data = data
    ev.id = id
    ev.retry = retry
    return ev


def _parse_retry(value: bytes) -> int | None:
    """``value`` as a base-10 integer if it is only ASCII digits, else ``None``."""
    # bytes.isdigit() is ASCII-only and False for b"": "+1", " 1", "1_0", "١" are all refused.
    if not value.isdigit():
        return None
    try:
        return int(value)
    except ValueError:  # more digits than sys.get_int_max_str_digits(): ignore, never raise
        return None


class SSEDecoder:
    """Incremental SSE parser: ``feed()`` raw bytes, get the events they complete.

    ``last_event_id`` is the spec's *last event ID string*: the ID buffer's value as of the last
    empty line, i.e. what a reconnect should send as ``Last-Event-ID`` (an ``id`` in an
    unfinished event does not count). ``retry`` is the last valid ``retry`` value seen.
    ``flush()`` ends the stream; afterwards the decoder parses a fresh stream (BOM and all) and
    keeps ``last_event_id`` and ``retry``, as an ``EventSource`` does across reconnections.
    """

    __slots__ = (
        "_block_retry",
        "_buf",
        "_data",
        "_event",
        "_id",
        "_last_id",
        "_retry",
        "_skip_lf",
        "_started",
    )

    def __init__(self) -> None:
        self._buf = bytearray()  # the current unfinished line (raw bytes, no CR or LF)
        self._skip_lf = False  # the last line ended in CR: drop one LF if it comes next
        self._started = False  # False until the BOM question at stream start is settled
        self._data: list[bytes] = []  # raw data values of the pending event
        self._event = b""  # raw event type of the pending event
        self._id: str | None = None  # the last event ID buffer (None: never set)
        self._last_id: str | None = None  # the last event ID string (set on empty lines)
        self._block_retry: int | None = None  # retry given in the pending block
        self._retry: int | None = None  # last valid retry seen

    @property
    def last_event_id(self) -> str:
        """The last event ID as of the last dispatch point (``""`` if none)."""
        return self._last_id or ""

    @property
    def retry(self) -> int | None:
        """The last valid ``retry`` value (reconnection time in ms), or ``None``."""
        return self._retry

    @property
    def buffered(self) -> int:
        """Bytes held for the current unfinished line (ignored lines are never kept)."""
        return len(self._buf)

    def feed(self, chunk: bytes) -> list[ServerSentEvent]:
        """Consume ``chunk`` and return the events it completes, in order."""
        if type(chunk) is not bytes:
            chunk = bytes(chunk)
        if self._skip_lf or not self._started:
            chunk = self._prelude(chunk)
        # `13 in chunk` is a plain memchr; `b"\r" in chunk` costs ~10x more on short chunks.
        if 13 in chunk:
            # CR and CRLF become LF; the line ended by a final CR is complete, and an LF that
            # opens the next chunk belongs to it.
            self._skip_lf = chunk[-1] == 13
            chunk = chunk.replace(b"\r\n", b"\n").replace(b"\r", b"\n")
        if 10 not in chunk:
            self._buf += chunk
            return []

        lines = chunk.split(b"\n")
        tail = lines.pop()
        buf = self._buf
        if buf:
            buf += lines[0]
            lines[0] = bytes(buf)
            buf.clear()

        events: list[ServerSentEvent] = []
        data = self._data
        for line in lines:
            if not line:  # dispatch
                self._last_id = self._id
                if data:
                    if len(data) == 1:
                        text = data[0].decode("utf-8", ERRORS)
                    else:
                        text = b"\n".join(data).decode("utf-8", ERRORS)
                    data.clear()
                    event = self._event
                    events.append(
                        _make_event(
                            event.decode("utf-8", ERRORS) if event else None,
                            text,
                            self._id,
                            self._block_retry,
                        )
                    )
                self._event = b""
                self._block_retry = None
            elif line.startswith(_DATA_PREFIX):
                start = _DATA_PREFIX_LEN
                if len(line) > start and line[start] == 32:
                    start += 1
                data.append(line[start:])
            elif line.startswith(_EVENT_PREFIX):
                start = _EVENT_PREFIX_LEN
                if len(line) > start and line[start] == 32:
                    start += 1
                self._event = line[start:]
            elif line[0] != 58:  # not a comment
                self._field(line)
        buf += tail
        return events

    def flush(self) -> list[ServerSentEvent]:
        """End of stream: discard the unfinished event (spec), reset for a new stream."""
        self._buf.clear()
        self._skip_lf = False
        self._started = False
        self._data.clear()
        self._event = b""
        self._block_retry = None
        self._id = self._last_id  # an id in the discarded event never took effect
        return []

    def _prelude(self, chunk: bytes) -> bytes:
        """Strip the stream-start BOM (possibly split) and a pending LF after a final CR."""
        if not self._started:
            # Until settled, self._buf holds only a proper prefix of the BOM (no CR or LF).
            held = len(self._buf)
            candidate = bytes(self._buf) + chunk[: _BOM_LEN - held]
            if BOM.startswith(candidate):
                if len(candidate) < _BOM_LEN:
                    self._buf[:] = candidate
                    return b""
                self._buf.clear()
                chunk = chunk[_BOM_LEN - held :]
            self._started = True  # a non-BOM prefix stays in self._buf as line bytes
        if self._skip_lf and chunk:
            self._skip_lf = False
            if chunk[0] == 10:
                chunk = chunk[1:]
        return chunk

    def _field(self, line: bytes) -> None:
        """Process a field line not handled by the prefix checks in ``feed``."""
        colon = line.find(b":")
        if colon < 0:
            name = line
            value = b""
        else:
            name = line[:colon]
            start = colon + 1
            if len(line) > start and line[start] == 32:
                start += 1
            value = line[start:]
        if name == DATA:  # only reached for a bare "data" line: append an empty value
            self._data.append(value)
        elif name == EVENT:
            self._event = value
        elif name == ID:
            if 0 not in value:  # an id containing NUL is ignored
                self._id = value.decode("utf-8", ERRORS)
        elif name == RETRY:
            retry = _parse_retry(value)
            if retry is not None:
                self._retry = self._block_retry = retry
