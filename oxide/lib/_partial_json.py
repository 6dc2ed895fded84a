"""Best-effort values of incomplete JSON documents, for streamed structured outputs.

The official SDK re-parses the whole accumulated text after every delta with
`jiter.from_json(bytes(text, "utf-8"), partial_mode=True)` (`openai/lib/streaming/chat/
_completions.py`: `parsed` on content deltas, `parsed_arguments` on tool-call deltas). oxide gives
the same values without jiter and without re-tokenising the document in Python on every delta:

* `PartialJSONParser` keeps the text as UTF-8 in a `bytearray` (each delta is encoded and
  appended once) and scans only the new bytes: a resumable state machine over the structural
  bytes, with string bodies skipped by one regex search. It tracks the stack of open containers,
  the offset after the last complete member of the innermost container, and the state of an
  unfinished string, number or literal.
* To produce a value it completes the text in place: the unfinished tail (at most the current
  member) is swapped for the closing brackets, `orjson.loads` reads the buffer, and the tail is
  put back. The only work proportional to the document's size is that C parse, the same work
  jiter does on the SDK's path (which also re-encodes the whole text to bytes on every delta).

Semantics are jiter's, `partial_mode=True` ("on", the SDK's mode) by default: an unfinished
string, number (`1.`, `-`, `1e+`) or literal (`tru`) is left out, together with its key inside an
object; an unfinished key or a key without its value is left out; open arrays and objects are
closed. `trailing_strings=True` is `partial_mode="trailing-strings"`: an unfinished string value
is kept with what has arrived so far (an unfinished escape sequence, including the first half of
a surrogate pair, is left out). A number at the very end is taken as it stands (`[1, 2` gives
`[1, 2]` even though the 2 may become 20), as jiter does. NaN, Infinity and -Infinity are
accepted (jiter's default `allow_inf_nan=True`); integers beyond 64 bits stay exact ints; 1e400 is
inf. (orjson refuses or rounds those: such documents are read with the stdlib `json` instead.)

Deliberate differences from jiter (the tests check everything else against jiter):

* No value yet (empty or whitespace-only text, or a top-level string, number or literal that is
  still unfinished in the current mode): `None`, where jiter raises "EOF while parsing". The SDK
  never hits these: it skips whitespace-only text and structured outputs are objects.
* Text that cannot be the start of any JSON document raises `PartialJSONError` (a `ValueError`)
  as soon as it arrives. jiter's partial mode lets two kinds through: garbage after a value is
  dropped (`[1 2` gives `[1]`, `{"a": 1}x` gives `{"a": 1}`, `[1.5.` gives `[1.5]`), and a
  `\\u` escape is not checked until four characters follow it (`["\\u{` gives `[]`); here
  those raise.
* `str` input with lone surrogate code points (not `\\uXXXX` escapes) is accepted and kept (as
  `json.loads` does); jiter takes bytes, and the SDK's `bytes(text, "utf-8")` raises on them.
"""

from __future__ import annotations

import codecs
import json
import re
from collections.abc import Callable
from typing import Any, Final, cast

import orjson

__all__ = ["PartialJSONError", "PartialJSONParser", "parse_partial_json"]


class PartialJSONError(ValueError):
    """The text is not a prefix of any valid JSON document.

    `position` is the offset of the offending byte in the UTF-8 encoded text."""

    def __init__(self, message: str, position: int) -> None:
        super().__init__(f"{message} at byte {position}")
        self.position = position


# Scanner states. Token states (inside a string, number or literal) come last.
_VALUE: Final = 0  # a value is required (top level, after ":" or after "," in an array)
_ARRAY_FIRST: Final = 1  # after "[": a value or "]"
_OBJECT_FIRST: Final = 2  # after "{": a key or "}"
_OBJECT_KEY: Final = 3  # after "," in an object: a key
_COLON: Final = 4  # after a key
_AFTER: Final = 5  # after a member of a container: "," or the closing bracket
_END: Final = 6  # after the top-level value: whitespace only
_STRING: Final = 7
_NUMBER: Final = 8
_LITERAL: Final = 9

# Byte values.
_QUOTE: Final = 0x22
_BACKSLASH: Final = 0x5C
_COMMA: Final = 0x2C
_COLON_CHAR: Final = 0x3A
_LBRACE: Final = 0x7B
_RBRACE: Final = 0x7D
_LBRACKET: Final = 0x5B
_RBRACKET: Final = 0x5D
_MINUS: Final = 0x2D
_UPPER_I: Final = 0x49
_LOWER_U: Final = 0x75
_WS: Final = b" \t\n\r"
_DIGITS: Final = b"0123456789"
_LITERAL_STARTS: Final = b"tfnNI"
_SIMPLE_ESCAPES: Final = b'"\\/bfnrt'
_HEX: Final = b"0123456789abcdefABCDEF"

# These three always match (possibly empty).
_Run = Callable[[bytearray, int], "re.Match[bytes]"]
_skip_ws = cast(_Run, re.compile(rb"[ \t\n\r]*").match)
_string_special = re.compile(rb'["\\\x00-\x1f]').search
_number_run = cast(_Run, re.compile(rb"[0-9eE+\-.]*").match)
_literal_run = cast(_Run, re.compile(rb"[A-Za-z]*").match)
_NUMBER_FULL = re.compile(rb"-?(?:0|[1-9][0-9]*)(?:\.[0-9]+)?(?:[eE][+-]?[0-9]+)?").fullmatch
_NUMBER_PREFIX = re.compile(
    rb"-|-?(?:0|[1-9][0-9]*)(?:\.[0-9]*|\.[0-9]+[eE][+-]?[0-9]*|[eE][+-]?[0-9]*)?"
).fullmatch
_number_lead = re.compile(rb"-?(?:0|[1-9][0-9]*)(\.[0-9]+)?([eE][+-]?[0-9]+)?").match
_LITERALS: Final = (b"true", b"false", b"null", b"NaN", b"Infinity", b"-Infinity")
_NON_STANDARD: Final = frozenset((b"NaN", b"Infinity", b"-Infinity"))
_LITERAL_PREFIXES: Final = frozenset(lit[:i] for lit in _LITERALS for i in range(1, len(lit) + 1))
# orjson turns integers outside [-2**63, 2**64 - 1] into floats; jiter (and json) keep them exact.
_INT_MIN: Final = -(2**63)
_INT_MAX: Final = 2**64 - 1


def _is_big_int(token: bytes | bytearray) -> bool:
    if len(token) < 19 or b"." in token or b"e" in token or b"E" in token:
        return False
    value = int(token)
    return value < _INT_MIN or value > _INT_MAX


_nineteen_digits_str = re.compile(r"[0-9]{19}").search
_nineteen_digits_bytes = re.compile(rb"[0-9]{19}").search


def _show(byte: int) -> str:
    return repr(chr(byte)) if byte < 0x80 else f"byte 0x{byte:02x}"


class PartialJSONParser:
    """Incremental best-effort parser for a JSON document arriving in pieces.

    ```python
    parser = PartialJSONParser()
    for delta in deltas:
        snapshot = parser.feed(delta)  # a fresh object each time
    ```

    `feed()` scans only the new text and returns the value of everything so far; `append()` scans
    without building a value (for deltas whose snapshot nobody reads); `parse()` builds the value
    of what has arrived. `str` and UTF-8 `bytes` deltas are accepted (a character split across
    `bytes` deltas is held back until it is whole). After a `PartialJSONError` the parser keeps
    raising it; `reset()` starts over.
    """

    __slots__ = (
        "_buf",
        "_pos",
        "_state",
        "_stack",
        "_closers",
        "_safe",
        "_token_start",
        "_string_is_key",
        "_string_safe",
        "_slow",
        "_error",
        "_decoder",
        "_trailing_strings",
    )

    def __init__(self, *, trailing_strings: bool = False) -> None:
        self._trailing_strings = trailing_strings
        self.reset()

    def reset(self) -> None:
        """Forget everything fed so far."""
        self._buf = bytearray()  # the text, UTF-8
        self._pos = 0  # scanned up to here
        self._state = _VALUE
        self._stack = bytearray()  # "{" / "[" for each open container, outermost first
        self._closers = b""  # the closing brackets of the open containers, innermost first
        self._safe = 0  # the innermost container's text up to here holds whole members only
        self._token_start = 0  # where the unfinished string/number/literal starts
        self._string_is_key = False
        self._string_safe = 0  # the open string's text up to here is whole characters
        self._slow = False  # orjson cannot read this document exactly: use the stdlib
        self._error: PartialJSONError | None = None
        self._decoder: codecs.IncrementalDecoder | None = None

    @property
    def trailing_strings(self) -> bool:
        return self._trailing_strings

    @property
    def text(self) -> str:
        """Everything fed so far, as text."""
        return self._buf.decode("utf-8", "surrogatepass")

    @property
    def is_complete(self) -> bool:
        """True when the text so far is a whole JSON document (`json.loads` would accept it).

        A top-level number may still grow (`12` -> `123`); it counts as complete already."""
        state = self._state
        if state == _END:
            return True
        if self._stack:
            return False
        if state == _NUMBER:
            return _NUMBER_FULL(self._buf, self._token_start) is not None
        if state == _LITERAL:
            return bytes(self._buf[self._token_start :]) in _LITERALS
        return False

    def feed(self, delta: str | bytes | bytearray) -> Any:
        """Add `delta` and return the best-effort value of everything fed so far."""
        self.append(delta)
        return self.parse()

    def append(self, delta: str | bytes | bytearray) -> None:
        """Add `delta` (validated as it is scanned) without building a value."""
        if self._error is not None:
            raise self._error
        if isinstance(delta, str):
            data = delta.encode("utf-8", "surrogatepass")
        else:
            if self._decoder is None:
                self._decoder = codecs.getincrementaldecoder("utf-8")()
            try:
                data = self._decoder.decode(delta).encode("utf-8")
            except UnicodeDecodeError as exc:
                self._error = PartialJSONError(
                    f"invalid UTF-8 ({exc.reason})", len(self._buf) + exc.start
                )
                raise self._error from None
        if not data:
            return
        self._buf += data
        try:
            self._scan()
        except PartialJSONError as exc:
            self._error = exc
            raise

    def parse(self) -> Any:
        """The best-effort value of everything fed so far (a new object on every call)."""
        if self._error is not None:
            raise self._error
        buf = self._buf
        state = self._state
        # Complete the text: keep buf[:cut], then `suffix` (the closing quote and brackets).
        if state == _END:
            return self._loads(buf)
        cut = -1
        suffix = self._closers
        if state == _STRING:
            if self._trailing_strings and not self._string_is_key:
                cut = self._string_safe
                suffix = b'"' + suffix
        elif state == _NUMBER:
            token = buf[self._token_start :]
            if _NUMBER_FULL(token):
                if not self._slow and _is_big_int(token):
                    self._slow = True
                cut = len(buf)
        elif state == _LITERAL:
            literal = bytes(buf[self._token_start :])
            if literal in _LITERALS:
                if literal in _NON_STANDARD:
                    self._slow = True
                cut = len(buf)
        if cut < 0:  # drop the unfinished member (if any) of the innermost container
            if not self._stack:
                return None  # nothing at the top level yet
            cut = self._safe
        # Swap the unfinished tail (at most the current member) for the suffix, parse, restore.
        tail = buf[cut:]
        buf[cut:] = suffix
        try:
            return self._loads(buf)
        finally:
            buf[cut:] = tail

    def _loads(self, doc: bytearray) -> Any:
        if not self._slow:
            try:
                return orjson.loads(doc)
            except orjson.JSONDecodeError:
                # 1e400 (inf for jiter and json), lone surrogate code points from a str, ...
                self._slow = True
        try:
            return json.loads(doc)
        except ValueError as exc:  # pragma: no cover - the scanner validated the text
            raise PartialJSONError(f"invalid JSON ({exc})", len(self._buf)) from None

    # -- scanning ----------------------------------------------------------------------------

    def _scan(self) -> None:
        buf = self._buf
        n = len(buf)
        pos = self._pos
        state = self._state
        stack = self._stack
        while pos < n:
            if state == _STRING:
                m = _string_special(buf, pos)
                if m is None:
                    pos = n
                    self._string_safe = n
                    break
                j = m.start()
                ch = buf[j]
                if ch == _QUOTE:
                    pos = j + 1
                    if self._string_is_key:
                        state = _COLON
                    elif stack:
                        state = _AFTER
                        self._safe = pos
                    else:
                        state = _END
                elif ch == _BACKSLASH:
                    end = self._escape(buf, j, n)
                    if end < 0:  # unfinished escape: resume at the backslash
                        self._string_safe = j
                        pos = j
                        break
                    pos = self._string_safe = end
                else:
                    raise PartialJSONError("control character in string", j)
                continue

            if state == _NUMBER:
                end = _number_run(buf, pos).end()
                token = buf[self._token_start : end]
                if end == n:
                    if not _NUMBER_PREFIX(token):
                        raise self._number_error(token)
                    pos = n
                    break
                if buf[end] == _UPPER_I and token == b"-":
                    state = _LITERAL
                    pos = end
                    continue
                if not _NUMBER_FULL(token):
                    raise self._number_error(token)
                if not self._slow and _is_big_int(token):
                    self._slow = True
                pos = end
                if stack:
                    state = _AFTER
                    self._safe = end
                else:
                    state = _END
                continue

            if state == _LITERAL:
                end = _literal_run(buf, pos).end()
                literal = bytes(buf[self._token_start : end])
                if literal not in _LITERAL_PREFIXES or (end < n and literal not in _LITERALS):
                    raise self._literal_error(literal)
                if end == n:
                    pos = n
                    break
                if literal in _NON_STANDARD:
                    self._slow = True
                pos = end
                if stack:
                    state = _AFTER
                    self._safe = end
                else:
                    state = _END
                continue

            ch = buf[pos]
            if ch in _WS:
                pos = _skip_ws(buf, pos).end()
                continue

            if state == _AFTER:
                top = stack[-1]
                if ch == _COMMA:
                    state = _OBJECT_KEY if top == _LBRACE else _VALUE
                elif (ch == _RBRACE and top == _LBRACE) or (ch == _RBRACKET and top == _LBRACKET):
                    stack.pop()
                    self._closers = self._closers[1:]
                    if stack:
                        self._safe = pos + 1
                    else:
                        state = _END
                else:
                    raise PartialJSONError(f"unexpected {_show(ch)} after a value", pos)
                pos += 1
            elif state <= _ARRAY_FIRST:  # _VALUE or _ARRAY_FIRST
                if ch == _QUOTE:
                    state = _STRING
                    self._string_is_key = False
                    self._token_start = pos
                    self._string_safe = pos + 1
                elif ch == _LBRACE:
                    stack.append(ch)
                    self._closers = b"}" + self._closers
                    state = _OBJECT_FIRST
                    self._safe = pos + 1
                elif ch == _LBRACKET:
                    stack.append(ch)
                    self._closers = b"]" + self._closers
                    state = _ARRAY_FIRST
                    self._safe = pos + 1
                elif ch == _MINUS or ch in _DIGITS:
                    state = _NUMBER
                    self._token_start = pos
                elif ch in _LITERAL_STARTS:
                    state = _LITERAL
                    self._token_start = pos
                elif ch == _RBRACKET and state == _ARRAY_FIRST:
                    stack.pop()
                    self._closers = self._closers[1:]
                    if stack:
                        state = _AFTER
                        self._safe = pos + 1
                    else:
                        state = _END
                else:
                    raise PartialJSONError(
                        f"unexpected {_show(ch)} where a value was expected", pos
                    )
                pos += 1
            elif state == _OBJECT_FIRST or state == _OBJECT_KEY:
                if ch == _QUOTE:
                    state = _STRING
                    self._string_is_key = True
                    self._token_start = pos
                elif ch == _RBRACE and state == _OBJECT_FIRST:
                    stack.pop()
                    self._closers = self._closers[1:]
                    if stack:
                        state = _AFTER
                        self._safe = pos + 1
                    else:
                        state = _END
                else:
                    raise PartialJSONError(f"unexpected {_show(ch)} where a key was expected", pos)
                pos += 1
            elif state == _COLON:
                if ch != _COLON_CHAR:
                    raise PartialJSONError(f"expected ':' after a key, got {_show(ch)}", pos)
                state = _VALUE
                pos += 1
            else:  # _END
                raise PartialJSONError(f"unexpected {_show(ch)} after the JSON value", pos)
        self._pos = pos
        self._state = state

    def _number_error(self, token: bytes | bytearray) -> PartialJSONError:
        # Lexed like jiter: "1.x" and "1e+" are broken numbers, while "1.5." and "1e5e" are a
        # number followed by something that cannot follow a value.
        start = self._token_start
        m = _number_lead(token)
        if m is not None:
            k = m.end()
            c = token[k]
            if m.group(2) is not None or (m.group(1) is not None and c not in b"eE"):
                return PartialJSONError(f"unexpected {_show(c)} after a value", start + k)
            if c not in b".eE0123456789":
                return PartialJSONError(f"unexpected {_show(c)} after a value", start + k)
        return PartialJSONError(f"invalid number {bytes(token).decode()!r}", start)

    def _literal_error(self, token: bytes) -> PartialJSONError:
        start = self._token_start
        for literal in _LITERALS:
            if token.startswith(literal):  # "truex": a value, then garbage
                k = len(literal)
                return PartialJSONError(f"unexpected {_show(token[k])} after a value", start + k)
        return PartialJSONError(f"invalid literal {token.decode()!r}", start)

    def _escape(self, buf: bytearray, j: int, n: int) -> int:
        """Check the escape sequence whose backslash is at `j`.

        Returns the offset after it, or -1 when the text ends inside it (or inside the second
        half of a surrogate pair). Raises on a sequence that no continuation can make valid."""
        if j + 1 >= n:
            return -1
        c = buf[j + 1]
        if c in _SIMPLE_ESCAPES:
            return j + 2
        if c != _LOWER_U:
            raise PartialJSONError(f"invalid escape '\\{chr(c)}'", j)
        code = _hex4(buf, j + 2, n)
        if code < 0:
            return -1
        if 0xDC00 <= code <= 0xDFFF:
            raise PartialJSONError("lone low surrogate in \\u escape", j)
        if code < 0xD800 or code > 0xDBFF:
            return j + 6
        # A high surrogate: jiter (and orjson) require a \uDC00-\uDFFF escape right after it.
        k = j + 6
        if k >= n:
            return -1
        if buf[k] != _BACKSLASH:
            raise PartialJSONError("high surrogate not followed by a low surrogate", j)
        if k + 1 >= n:
            return -1
        if buf[k + 1] != _LOWER_U:
            raise PartialJSONError("high surrogate not followed by a low surrogate", j)
        low = _hex4(buf, k + 2, n)
        if low < 0:
            return -1
        if not 0xDC00 <= low <= 0xDFFF:
            raise PartialJSONError("high surrogate not followed by a low surrogate", j)
        return k + 6


def _hex4(buf: bytearray, start: int, n: int) -> int:
    digits = buf[start : start + 4]
    for i, d in enumerate(digits):
        if d not in _HEX:
            raise PartialJSONError("invalid \\u escape (not a hex digit)", start + i)
    if len(digits) < 4:
        return -1
    return int(digits, 16)


def parse_partial_json(data: str | bytes | bytearray, *, trailing_strings: bool = False) -> Any:
    """The best-effort value of a possibly incomplete JSON document.

    `jiter.from_json(data, partial_mode=True)` (`partial_mode="trailing-strings"` with
    `trailing_strings=True`), with the differences listed in this module's docstring: `None` when
    there is no value yet, `PartialJSONError` (a `ValueError`) for text that is not a prefix of
    any JSON document. For text that grows, `PartialJSONParser` avoids re-scanning it."""
    if isinstance(data, str):
        maybe_big_int = _nineteen_digits_str(data) is not None
    else:
        maybe_big_int = _nineteen_digits_bytes(data) is not None
    if not maybe_big_int:
        # Fast path for a whole document (orjson rounds big ints to floats: those are scanned).
        try:
            return orjson.loads(data)
        except orjson.JSONDecodeError:
            pass
    parser = PartialJSONParser(trailing_strings=trailing_strings)
    parser.append(data)
    return parser.parse()
