"""The one home of what both HTTP/1.1 response parser twins share (``_http1_py.py``, ``_http1_c.pyx``).

The exception, the limits, and the wording of every error: the twins decide *that* a response is
malformed each in their own way (regular expressions / C scanning), then ask the helpers below
*what to say*, so the messages cannot drift apart. The helpers run on error paths only.
"""

from __future__ import annotations

import re
from typing import Final

__all__ = (
    "MAX_CHUNK_LINE",
    "MAX_HEAD",
    "MAX_LENGTH",
    "ResponseFramingError",
    "chunk_line_error",
    "field_error",
    "status_line_error",
)


class ResponseFramingError(ValueError):
    """The bytes are not a valid HTTP/1.1 response (or exceed a limit); the message says what."""


#: Bytes of status line + headers, CRLFs included, per response (1xx heads count towards it).
MAX_HEAD: Final = 65536

#: Bytes of one chunk-size line (size, extensions and CRLF); the trailer section gets MAX_HEAD.
MAX_CHUNK_LINE: Final = 4096

#: The largest Content-Length or chunk size accepted (2**63 - 1).
MAX_LENGTH: Final = 2**63 - 1

_SHOWN = 80  # characters of an offending line quoted in a message

_TCHAR: Final = frozenset(
    "!#$%&'*+-.^_`|~0123456789abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ"
)
_HEX_RUN = re.compile(rb"[0-9A-Fa-f]+")


def _quote(line: str | bytes) -> str:
    if len(line) > _SHOWN:
        return f"{line[:_SHOWN]!r}..."
    return repr(line)


def status_line_error(line: str) -> str:
    """Why ``line`` (latin-1 decoded, CRLF removed) is not a valid status line."""
    if line.startswith("HTTP/") and not line.startswith(("HTTP/1.1", "HTTP/1.0")):
        return f"unsupported HTTP version in status line {_quote(line)}"
    return f"invalid status line {_quote(line)}"


def field_error(line: str, where: str = "header") -> str:
    """Why ``line`` (latin-1 decoded, CRLF removed) is not a valid field line.

    ``where`` is ``"header"`` or ``"trailer"``.
    """
    if line[:1] in (" ", "\t"):
        return f"obs-fold (a {where} line starting with whitespace) is not allowed: {_quote(line)}"
    colon = line.find(":")
    if colon < 0:
        return f"{where} line without a colon: {_quote(line)}"
    name = line[:colon]
    if not name:
        return f"empty {where} name: {_quote(line)}"
    if name[-1] in (" ", "\t"):
        return f"whitespace before the colon in {where} name {_quote(name)}"
    if not _TCHAR.issuperset(name):
        return f"invalid character in {where} name {_quote(name)}"
    return f"invalid character (a control character) in {where} value of {_quote(name)}"


def chunk_line_error(line: bytes) -> str:
    """Why ``line`` (CRLF removed) is not a valid chunk-size line."""
    digits = _HEX_RUN.match(line)
    if digits and (len(digits[0]) > 16 or int(digits[0], 16) > MAX_LENGTH):
        return f"chunk size too large: {_quote(line)}"
    return f"invalid chunk size line {_quote(line)}"
