"""HTTP/1.1 response parser (``_http1_py`` / ``_http1_c``): one table row per rule, on both twins.

Every row runs fed whole, one byte at a time, and split at every byte position; all of those must
give the same outcome (the body, the public attributes, or the error message).
"""

from __future__ import annotations

import gzip
import inspect
from collections.abc import Iterable
from types import ModuleType
from typing import Any

import pytest

import oxide._speedups as speedups
from oxide._speedups._http1_common import MAX_CHUNK_LINE, MAX_HEAD, ResponseFramingError

from .conftest import PY, Twin

ATTRS = (
    "head_done",
    "done",
    "status",
    "reason",
    "version_minor",
    "headers",
    "content_length",
    "chunked",
    "keep_alive",
    "content_encoding",
    "trailing",
)

Outcome = tuple[Any, ...]  # ("ok", body, attrs...) or ("error", message)


@pytest.fixture(scope="session")
def http1(twin: Twin) -> ModuleType:
    return twin.module("http1")


@pytest.fixture(scope="session")
def parser_cls(http1: ModuleType) -> type:
    """``ResponseParser`` of each twin in turn."""
    return http1.ResponseParser  # type: ignore[no-any-return]


def state(parser: Any) -> tuple[Any, ...]:
    return tuple(getattr(parser, name) for name in ATTRS)


def run(
    parser_cls: type, chunks: Iterable[bytes], *, head_request: bool = False, eof: bool = False
) -> Outcome:
    """Feed ``chunks`` (then EOF if asked) to a fresh parser; the body and attributes, or the
    error message."""
    parser = parser_cls()
    parser.start(head_request)
    body = []
    try:
        for chunk in chunks:
            got = parser.feed(chunk)
            assert type(got) is bytes
            body.append(got)
        if eof:
            assert parser.feed_eof() == b""
    except ResponseFramingError as exc:
        return ("error", str(exc))
    return ("ok", b"".join(body), *state(parser))


def fragments(data: bytes, size: int) -> list[bytes]:
    return [data[i : i + size] for i in range(0, len(data), size)]


def every_split(parser_cls: type, data: bytes, **kw: Any) -> Outcome:
    """The outcome of ``data`` fed whole, after checking every 2-way split and 1-byte feeding
    agree with it."""
    whole = run(parser_cls, [data], **kw)
    assert run(parser_cls, fragments(data, 1), **kw) == whole
    for cut in range(len(data) + 1):
        assert run(parser_cls, [data[:cut], b"", data[cut:]], **kw) == whole, cut
    return whole


def response(head: str, body: bytes = b"") -> bytes:
    """``head`` with LF line ends turned into CRLF (a blank line ends it), then ``body``."""
    return head.replace("\n", "\r\n").encode("latin-1") + body


def ok(body: bytes = b"", **attrs: Any) -> dict[str, Any]:
    return {"body": body, **attrs}


def err(fragment: str) -> dict[str, Any]:
    return {"error": fragment}


JSON = b'{"id":"chatcmpl-1","object":"chat.completion","choices":[]}'

# (bytes, run() keyword arguments, expectation: ok(body, attribute=value...) or err(fragment))
CASES: dict[str, tuple[bytes, dict[str, Any], dict[str, Any]]] = {
    # -- status line --------------------------------------------------------------------------
    "basic": (
        response("HTTP/1.1 200 OK\nContent-Type: application/json\nContent-Length: 59\n\n", JSON),
        {},
        ok(
            JSON,
            head_done=True,
            done=True,
            status=200,
            reason="OK",
            version_minor=1,
            headers=[("Content-Type", "application/json"), ("Content-Length", "59")],
            content_length=59,
            chunked=False,
            keep_alive=True,
            content_encoding="",
            trailing=b"",
        ),
    ),
    "no-reason": (
        response("HTTP/1.1 200\nContent-Length: 0\n\n"),
        {},
        ok(status=200, reason="", done=True),
    ),
    "empty-reason": (
        response("HTTP/1.1 200 \nContent-Length: 0\n\n"),
        {},
        ok(status=200, reason="", done=True),
    ),
    "reason-as-sent": (
        response("HTTP/1.1 404 Not \tFound \xe9 \nContent-Length: 0\n\n"),
        {},
        ok(status=404, reason="Not \tFound \xe9 ", done=True),
    ),
    "status-999": (response("HTTP/1.1 999 X\nContent-Length: 0\n\n"), {}, ok(status=999)),
    "http-1.0": (
        response("HTTP/1.0 200 OK\nContent-Length: 2\n\n", b"{}"),
        {},
        ok(b"{}", version_minor=0, keep_alive=False, done=True),
    ),
    "http-2": (response("HTTP/2 200 OK\n\n"), {}, err("unsupported HTTP version")),
    "http-1.2": (response("HTTP/1.2 200 OK\n\n"), {}, err("unsupported HTTP version")),
    "http-0.9": (response("HTTP/0.9 200 OK\n\n"), {}, err("unsupported HTTP version")),
    "lowercase-http": (response("http/1.1 200 OK\n\n"), {}, err("invalid status line")),
    "icy": (response("ICY 200 OK\n\n"), {}, err("invalid status line 'ICY 200 OK'")),
    "two-digit-status": (response("HTTP/1.1 20 OK\n\n"), {}, err("invalid status line")),
    "four-digit-status": (response("HTTP/1.1 2000 OK\n\n"), {}, err("invalid status line")),
    "status-below-100": (response("HTTP/1.1 099 X\n\n"), {}, err("invalid status line")),
    "status-letters": (response("HTTP/1.1 2x0 OK\n\n"), {}, err("invalid status line")),
    "status-unicode-digits": (
        "HTTP/1.1 \u0662\u0660\u0660 OK\r\n\r\n".encode(),
        {},
        err("invalid status line"),
    ),
    "two-spaces": (response("HTTP/1.1  200 OK\n\n"), {}, err("invalid status line")),
    "no-space-before-reason": (response("HTTP/1.1 200OK\n\n"), {}, err("invalid status line")),
    "tab-separator": (response("HTTP/1.1\t200 OK\n\n"), {}, err("invalid status line")),
    "leading-empty-line": (
        response("\nHTTP/1.1 200 OK\nContent-Length: 0\n\n"),
        {},
        err("invalid status line ''"),
    ),
    # Control bytes in the reason phrase and in field values pass, as with llhttp; only CR (and
    # NUL in a value) does not.
    "nul-in-reason": (response("HTTP/1.1 200 O\x00K\n\n"), {}, ok(reason="O\x00K")),
    "del-in-reason": (response("HTTP/1.1 200 O\x7fK\n\n"), {}, ok(reason="O\x7fK")),
    "cr-in-reason": (b"HTTP/1.1 200 O\rK\r\n\r\n", {}, err("invalid status line")),
    # A bare LF ends a head line (RFC 9112 §2.2 allows it; llhttp does it).
    "bare-lf-status": (
        b"HTTP/1.1 200 OK\nContent-Length: 2\r\n\r\nhi",
        {},
        ok(b"hi", status=200, reason="OK", headers=[("Content-Length", "2")], done=True),
    ),
    "bare-lf-everywhere": (
        b"HTTP/1.1 200 OK\nA: b\nContent-Length: 2\n\nhi",
        {},
        ok(b"hi", headers=[("A", "b"), ("Content-Length", "2")], done=True, trailing=b""),
    ),
    "bare-lf-header": (
        b"HTTP/1.1 200 OK\r\nA: b\nContent-Length: 0\r\n\r\n",
        {},
        ok(headers=[("A", "b"), ("Content-Length", "0")], done=True),
    ),
    "bare-lf-end-of-head": (
        b"HTTP/1.1 200 OK\r\nContent-Length: 0\r\n\n",
        {},
        ok(headers=[("Content-Length", "0")], done=True),
    ),
    # The head ends at its first empty line, not at a CRLFCRLF in the body.
    "bare-lf-head-crlf-body": (
        b"HTTP/1.1 200 OK\nContent-Length: 6\n\nab\r\n\r\nX",
        {},
        ok(b"ab\r\n\r\n", headers=[("Content-Length", "6")], done=True, trailing=b"X"),
    ),
    "bare-lf-1xx": (
        b"HTTP/1.1 100 Continue\n\nHTTP/1.1 200 OK\nContent-Length: 0\n\n",
        {},
        ok(status=200, done=True),
    ),
    "cr-alone-in-head": (
        b"HTTP/1.1 200 OK\rContent-Length: 0\r\n\r\n",
        {},
        err("invalid status line"),
    ),
    "cr-cr-lf-in-head": (
        b"HTTP/1.1 200 OK\r\nContent-Length: 0\r\r\n\r\n",
        {},
        err("Content-Length"),
    ),
    "long-status-line-quoted-short": (
        b"HTTP/1.1 200 " + b"x\r" * 100 + b"\r\n\r\n",
        {},
        err("'..."),
    ),
    # 101 is final with no body; the rest belongs to the new protocol.
    "101": (
        response("HTTP/1.1 101 Switching Protocols\nUpgrade: websocket\n\n", b"\x81\x00"),
        {},
        ok(
            b"",
            head_done=True,
            done=True,
            status=101,
            reason="Switching Protocols",
            headers=[("Upgrade", "websocket")],
            content_length=-1,
            chunked=False,
            keep_alive=False,
            content_encoding="",
            trailing=b"\x81\x00",
        ),
    ),
    "101-framing-ignored": (
        response("HTTP/1.1 101 Switching Protocols\nContent-Length: 3\n\n", b"xyz"),
        {},
        ok(b"", status=101, content_length=-1, keep_alive=False, done=True, trailing=b"xyz"),
    ),
    # -- header lines -------------------------------------------------------------------------
    "ows-stripped": (
        response("HTTP/1.1 200 OK\nA:  a b \t\nB:\t\tx\nC:\nD: \t \nContent-Length: 0\n\n"),
        {},
        ok(headers=[("A", "a b"), ("B", "x"), ("C", ""), ("D", ""), ("Content-Length", "0")]),
    ),
    "names-as-sent": (
        response("HTTP/1.1 200 OK\ncontent-LENGTH: 0\nX-Weird!#$%&'*+-.^_`|~09: v\n\n"),
        {},
        ok(headers=[("content-LENGTH", "0"), ("X-Weird!#$%&'*+-.^_`|~09", "v")], done=True),
    ),
    "colon-in-value": (
        response("HTTP/1.1 200 OK\nLocation: http://x:1/a?b=c:d\nContent-Length: 0\n\n"),
        {},
        ok(headers=[("Location", "http://x:1/a?b=c:d"), ("Content-Length", "0")]),
    ),
    "obs-text-latin1": (
        b"HTTP/1.1 200 OK\r\nX: caf\xc3\xa9 \xff\x80\r\nContent-Length: 0\r\n\r\n",
        {},
        ok(headers=[("X", "caf\xc3\xa9 \xff\x80"), ("Content-Length", "0")]),
    ),
    "space-before-colon": (
        response("HTTP/1.1 200 OK\nContent-Length : 0\n\n"),
        {},
        err("whitespace before the colon in header name 'Content-Length '"),
    ),
    "tab-before-colon": (
        response("HTTP/1.1 200 OK\nX\t: 0\n\n"),
        {},
        err("whitespace before the colon"),
    ),
    "empty-name": (response("HTTP/1.1 200 OK\n: v\n\n"), {}, err("empty header name")),
    "no-colon": (response("HTTP/1.1 200 OK\nX v\n\n"), {}, err("header line without a colon")),
    "bad-name-char": (
        response("HTTP/1.1 200 OK\nX(y): v\n\n"),
        {},
        err("invalid character in header name 'X(y)'"),
    ),
    "latin1-name": (
        b"HTTP/1.1 200 OK\r\nX\xe9: v\r\n\r\n",
        {},
        err("invalid character in header name"),
    ),
    "nul-in-value": (
        response("HTTP/1.1 200 OK\nX: a\x00b\n\n"),
        {},
        err("invalid character (a control character) in header value of 'X'"),
    ),
    "cr-in-value": (b"HTTP/1.1 200 OK\r\nX: a\rb\r\n\r\n", {}, err("in header value of 'X'")),
    "trailing-cr-in-value": (b"HTTP/1.1 200 OK\r\nX: a\r\r\n\r\n", {}, err("header value")),
    "del-in-value": (response("HTTP/1.1 200 OK\nX: a\x7f\n\n"), {}, ok(headers=[("X", "a\x7f")])),
    "ctl-in-value": (response("HTTP/1.1 200 OK\nX: \x01\n\n"), {}, ok(headers=[("X", "\x01")])),
    "esc-in-value": (
        response("HTTP/1.1 200 OK\nX: \x1b[0m\n\n"),
        {},
        ok(headers=[("X", "\x1b[0m")]),
    ),
    "obs-fold-space": (
        response("HTTP/1.1 200 OK\nX: a\n  folded\nContent-Length: 0\n\n"),
        {},
        err("obs-fold"),
    ),
    "obs-fold-tab": (
        response("HTTP/1.1 200 OK\nX: a\n\tfolded\nContent-Length: 0\n\n"),
        {},
        err("obs-fold"),
    ),
    "obs-fold-first": (response("HTTP/1.1 200 OK\n X: a\n\n"), {}, err("obs-fold")),
    # -- 1xx ----------------------------------------------------------------------------------
    "100-continue": (
        response("HTTP/1.1 100 Continue\n\nHTTP/1.1 200 OK\nContent-Length: 2\n\n", b"{}"),
        {},
        ok(b"{}", status=200, reason="OK", headers=[("Content-Length", "2")], done=True),
    ),
    "103-then-102-then-200": (
        response(
            "HTTP/1.1 103 Early Hints\nLink: </a.css>; rel=preload\nContent-Length: 9\n\n"
            "HTTP/1.1 102 Processing\n\n"
            "HTTP/1.0 200 OK\nContent-Length: 1\n\n",
            b"x",
        ),
        {},
        ok(b"x", status=200, version_minor=0, headers=[("Content-Length", "1")], done=True),
    ),
    "1xx-transfer-encoding-ignored": (
        response(
            "HTTP/1.1 100 Continue\nTransfer-Encoding: gzip\nContent-Length: 5\n\n"
            "HTTP/1.1 200 OK\nContent-Length: 1\n\n",
            b"x",
        ),
        {},
        ok(b"x", done=True),
    ),
    "1xx-validated": (
        response("HTTP/1.1 100 Continue\nX : y\n\nHTTP/1.1 200 OK\n\n"),
        {},
        err("whitespace before the colon"),
    ),
    "1xx-then-101": (
        response("HTTP/1.1 100 Continue\n\nHTTP/1.1 101 Switching Protocols\n\n"),
        {},
        ok(status=101, keep_alive=False, done=True),
    ),
    "1xx-only": (
        response("HTTP/1.1 100 Continue\n\n"),
        {},
        ok(head_done=False, done=False, status=0, headers=[]),
    ),
    "1xx-only-eof": (
        response("HTTP/1.1 100 Continue\n\n"),
        {"eof": True},
        err("connection closed before the response head was complete"),
    ),
    # -- no body ------------------------------------------------------------------------------
    "head-request": (
        response("HTTP/1.1 200 OK\nContent-Length: 10\n\n"),
        {"head_request": True},
        ok(content_length=10, done=True, keep_alive=True),
    ),
    "head-request-chunked": (
        response("HTTP/1.1 200 OK\nTransfer-Encoding: chunked\n\n"),
        {"head_request": True},
        ok(chunked=True, content_length=-1, done=True, keep_alive=True),
    ),
    "head-request-no-framing": (
        response("HTTP/1.1 200 OK\n\n"),
        {"head_request": True},
        ok(done=True, keep_alive=True),
    ),
    "head-request-bytes-after": (
        response("HTTP/1.1 200 OK\nContent-Length: 3\n\n", b"abc"),
        {"head_request": True},
        ok(done=True, trailing=b"abc"),
    ),
    "204": (
        response("HTTP/1.1 204 No Content\nContent-Length: 5\n\n"),
        {},
        ok(status=204, content_length=5, done=True, keep_alive=True),
    ),
    "204-no-headers": (response("HTTP/1.1 204 No Content\n\n"), {}, ok(done=True)),
    "304": (
        response("HTTP/1.1 304 Not Modified\nETag: x\n\n"),
        {},
        ok(status=304, content_length=-1, done=True, keep_alive=True),
    ),
    "304-bytes-after": (
        response("HTTP/1.1 304 Not Modified\nContent-Length: 2\n\n", b"{}"),
        {},
        ok(done=True, trailing=b"{}"),
    ),
    "204-still-validates-framing": (
        response("HTTP/1.1 204 No Content\nTransfer-Encoding: gzip\n\n"),
        {},
        err("unsupported Transfer-Encoding 'gzip'"),
    ),
    # -- Transfer-Encoding --------------------------------------------------------------------
    "chunked": (
        response("HTTP/1.1 200 OK\nTransfer-Encoding: chunked\n\n", b"2\r\n{}\r\n0\r\n\r\n"),
        {},
        ok(b"{}", chunked=True, content_length=-1, done=True, keep_alive=True),
    ),
    "chunked-mixed-case": (
        response("HTTP/1.1 200 OK\nTRANSFER-ENCODING: ChUnKeD\n\n", b"0\r\n\r\n"),
        {},
        ok(chunked=True, done=True),
    ),
    "gzip-then-chunked": (
        response("HTTP/1.1 200 OK\nTransfer-Encoding: gzip , chunked\n\n", b"0\r\n\r\n"),
        {},
        ok(chunked=True, done=True),
    ),
    "two-te-fields": (
        response(
            "HTTP/1.1 200 OK\nTransfer-Encoding: gzip\nTransfer-Encoding: chunked\n\n",
            b"0\r\n\r\n",
        ),
        {},
        ok(chunked=True, done=True),
    ),
    "te-empty-elements-ignored": (
        response("HTTP/1.1 200 OK\nTransfer-Encoding: , chunked, \n\n", b"0\r\n\r\n"),
        {},
        ok(chunked=True, done=True),
    ),
    "chunked-then-gzip": (
        response("HTTP/1.1 200 OK\nTransfer-Encoding: chunked, gzip\n\n"),
        {},
        err("unsupported Transfer-Encoding 'chunked, gzip'"),
    ),
    "te-gzip": (
        response("HTTP/1.1 200 OK\nTransfer-Encoding: gzip\n\n"),
        {},
        err("unsupported Transfer-Encoding"),
    ),
    "te-identity": (
        response("HTTP/1.1 200 OK\nTransfer-Encoding: identity\n\n"),
        {},
        err("unsupported Transfer-Encoding"),
    ),
    "te-empty": (
        response("HTTP/1.1 200 OK\nTransfer-Encoding: \n\n"),
        {},
        err("unsupported Transfer-Encoding ''"),
    ),
    "te-chunked-prefix": (
        response("HTTP/1.1 200 OK\nTransfer-Encoding: chunkedx\n\n"),
        {},
        err("unsupported Transfer-Encoding"),
    ),
    "te-and-cl": (
        response("HTTP/1.1 200 OK\nContent-Length: 2\nTransfer-Encoding: chunked\n\n"),
        {},
        err("both Transfer-Encoding and Content-Length"),
    ),
    "te-and-cl-head-request": (
        response("HTTP/1.1 200 OK\nTransfer-Encoding: chunked\nContent-Length: 2\n\n"),
        {"head_request": True},
        err("request smuggling"),
    ),
    # -- Content-Length -----------------------------------------------------------------------
    "cl-zero": (
        response("HTTP/1.1 200 OK\nContent-Length: 0\n\n"),
        {},
        ok(content_length=0, done=True),
    ),
    "cl-ows": (
        response("HTTP/1.1 200 OK\nContent-Length: \t 2 \t\n\n", b"{}"),
        {},
        ok(b"{}", content_length=2, done=True),
    ),
    "cl-list-equal": (
        response("HTTP/1.1 200 OK\nContent-Length: 2, 2,2\n\n", b"{}"),
        {},
        ok(b"{}", content_length=2, done=True),
    ),
    "cl-repeated-equal": (
        response("HTTP/1.1 200 OK\nContent-Length: 2\ncontent-length: 02\n\n", b"{}"),
        {},
        ok(b"{}", content_length=2, done=True),
    ),
    "cl-leading-zeros": (
        response("HTTP/1.1 200 OK\nContent-Length: 000000000000000000000000002\n\n", b"{}"),
        {},
        ok(b"{}", content_length=2, done=True),
    ),
    "cl-max": (
        response("HTTP/1.1 200 OK\nContent-Length: 9223372036854775807\n\n", b"abc"),
        {},
        ok(b"abc", content_length=2**63 - 1, done=False),
    ),
    "cl-overflow": (
        response("HTTP/1.1 200 OK\nContent-Length: 9223372036854775808\n\n"),
        {},
        err("Content-Length too large: '9223372036854775808'"),
    ),
    "cl-huge": (
        response("HTTP/1.1 200 OK\nContent-Length: " + "9" * 5000 + "\n\n"),
        {},
        err("Content-Length too large"),
    ),
    "cl-list-differs": (
        response("HTTP/1.1 200 OK\nContent-Length: 2, 3\n\n"),
        {},
        err("conflicting Content-Length values '2, 3'"),
    ),
    "cl-repeated-differs": (
        response("HTTP/1.1 200 OK\nContent-Length: 2\nContent-Length: 3\n\n"),
        {},
        err("conflicting Content-Length values '2, 3'"),
    ),
    "cl-plus": (
        response("HTTP/1.1 200 OK\nContent-Length: +2\n\n"),
        {},
        err("invalid Content-Length '+2'"),
    ),
    "cl-minus": (response("HTTP/1.1 200 OK\nContent-Length: -1\n\n"), {}, err("invalid")),
    "cl-space-inside": (response("HTTP/1.1 200 OK\nContent-Length: 1 2\n\n"), {}, err("invalid")),
    "cl-empty": (response("HTTP/1.1 200 OK\nContent-Length:\n\n"), {}, err("invalid Content")),
    "cl-empty-element": (response("HTTP/1.1 200 OK\nContent-Length: 2,\n\n"), {}, err("invalid")),
    "cl-hex": (response("HTTP/1.1 200 OK\nContent-Length: 0x2\n\n"), {}, err("invalid")),
    "cl-superscript": (b"HTTP/1.1 200 OK\r\nContent-Length: \xb2\r\n\r\n", {}, err("invalid")),
    "cl-bad-before-conflict": (
        response("HTTP/1.1 200 OK\nContent-Length: 2\nContent-Length: 3, x\n\n"),
        {},
        err("conflicting"),
    ),
    # -- chunked bodies ------------------------------------------------------------------------
    "chunks-ext-trailers": (
        response(
            "HTTP/1.1 200 OK\nTransfer-Encoding: chunked\n\n",
            b"5;name=value;flag\r\nhello\r\n"
            b'6 ; x="q;"\r\n world\r\n'
            b"A\r\n0123456789\r\n"
            b"0000;last\r\nX-Trailer: 1\r\nChecksum:  abc \r\n\r\n",
        ),
        {},
        ok(
            b"hello world0123456789",
            headers=[("Transfer-Encoding", "chunked")],
            done=True,
            trailing=b"",
        ),
    ),
    "chunk-hex-case": (
        response("HTTP/1.1 200 OK\nTransfer-Encoding: chunked\n\n", b"a\r\n0123456789\r\n")
        + b"B\r\n0123456789a\r\n0\r\n\r\n",
        {},
        ok(b"01234567890123456789a", done=True),
    ),
    "chunk-16-hex-digits": (
        response("HTTP/1.1 200 OK\nTransfer-Encoding: chunked\n\n", b"0000000000000002\r\n{}\r\n")
        + b"0\r\n\r\n",
        {},
        ok(b"{}", done=True),
    ),
    "chunk-max-size": (
        response("HTTP/1.1 200 OK\nTransfer-Encoding: chunked\n\n", b"7fffffffffffffff\r\nab"),
        {},
        ok(b"ab", done=False),
    ),
    "chunk-17-hex-digits": (
        response("HTTP/1.1 200 OK\nTransfer-Encoding: chunked\n\n", b"00000000000000002\r\n"),
        {},
        err("chunk size too large"),
    ),
    "chunk-overflow": (
        response("HTTP/1.1 200 OK\nTransfer-Encoding: chunked\n\n", b"8000000000000000\r\n"),
        {},
        err("chunk size too large: b'8000000000000000'"),
    ),
    "chunk-size-empty": (
        response("HTTP/1.1 200 OK\nTransfer-Encoding: chunked\n\n", b"\r\n"),
        {},
        err("invalid chunk size line b''"),
    ),
    "chunk-size-not-hex": (
        response("HTTP/1.1 200 OK\nTransfer-Encoding: chunked\n\n", b"g\r\n"),
        {},
        err("invalid chunk size line"),
    ),
    "chunk-size-0x": (
        response("HTTP/1.1 200 OK\nTransfer-Encoding: chunked\n\n", b"0x5\r\n"),
        {},
        err("invalid chunk size line"),
    ),
    "chunk-size-sign": (
        response("HTTP/1.1 200 OK\nTransfer-Encoding: chunked\n\n", b"+5\r\n"),
        {},
        err("invalid chunk size line"),
    ),
    "chunk-size-trailing-space": (
        response("HTTP/1.1 200 OK\nTransfer-Encoding: chunked\n\n", b"5 \r\n"),
        {},
        err("invalid chunk size line"),
    ),
    "chunk-size-leading-space": (
        response("HTTP/1.1 200 OK\nTransfer-Encoding: chunked\n\n", b" 5\r\n"),
        {},
        err("invalid chunk size line"),
    ),
    "chunk-ext-control": (
        response("HTTP/1.1 200 OK\nTransfer-Encoding: chunked\n\n", b"5;a\x00\r\n"),
        {},
        err("invalid chunk size line"),
    ),
    "chunk-size-bare-lf": (
        response("HTTP/1.1 200 OK\nTransfer-Encoding: chunked\n\n", b"5\nhello\r\n0\r\n\r\n"),
        {},
        err("bare LF line ending in the chunk size line"),
    ),
    "chunk-size-line-too-long": (
        response("HTTP/1.1 200 OK\nTransfer-Encoding: chunked\n\n", b"5;" + b"e" * 5000),
        {},
        err(f"chunk size line larger than {MAX_CHUNK_LINE} bytes"),
    ),
    "chunk-data-no-crlf": (
        response("HTTP/1.1 200 OK\nTransfer-Encoding: chunked\n\n", b"5\r\nhelloX\r\n"),
        {},
        err("missing CRLF after chunk data"),
    ),
    "chunk-data-lf-only": (
        response("HTTP/1.1 200 OK\nTransfer-Encoding: chunked\n\n", b"5\r\nhello\n0\r\n\r\n"),
        {},
        ok(b"hello", done=True),
    ),
    "chunk-data-cr-only": (
        response("HTTP/1.1 200 OK\nTransfer-Encoding: chunked\n\n", b"5\r\nhello\r0\r\n\r\n"),
        {},
        err("missing CRLF after chunk data"),
    ),
    "chunk-data-longer-than-size": (
        response("HTTP/1.1 200 OK\nTransfer-Encoding: chunked\n\n", b"2\r\nabc\r\n0\r\n\r\n"),
        {},
        err("missing CRLF after chunk data"),
    ),
    "trailer-obs-fold": (
        response("HTTP/1.1 200 OK\nTransfer-Encoding: chunked\n\n", b"0\r\nA: b\r\n c\r\n\r\n"),
        {},
        err("obs-fold (a trailer line"),
    ),
    "trailer-bad-name": (
        response("HTTP/1.1 200 OK\nTransfer-Encoding: chunked\n\n", b"0\r\nA b: c\r\n\r\n"),
        {},
        err("invalid character in trailer name 'A b'"),
    ),
    "trailer-control": (
        response("HTTP/1.1 200 OK\nTransfer-Encoding: chunked\n\n", b"0\r\nA: \x00\r\n\r\n"),
        {},
        err("in trailer value of 'A'"),
    ),
    "trailer-bare-lf": (
        response("HTTP/1.1 200 OK\nTransfer-Encoding: chunked\n\n", b"0\r\nA: b\n\r\n"),
        {},
        ok(done=True),
    ),
    "trailer-end-bare-lf": (
        response("HTTP/1.1 200 OK\nTransfer-Encoding: chunked\n\n", b"0\r\n\nX"),
        {},
        ok(done=True, trailing=b"X"),
    ),
    "chunked-trailing-bytes": (
        response("HTTP/1.1 200 OK\nTransfer-Encoding: chunked\n\n", b"1\r\na\r\n0\r\n\r\nXYZ"),
        {},
        ok(b"a", done=True, trailing=b"XYZ"),
    ),
    "chunked-unfinished": (
        response("HTTP/1.1 200 OK\nTransfer-Encoding: chunked\n\n", b"5\r\nhel"),
        {},
        ok(b"hel", done=False, head_done=True),
    ),
    # -- body until close ---------------------------------------------------------------------
    "until-close": (
        response("HTTP/1.1 200 OK\nContent-Type: text/plain\n\n", b"some body"),
        {},
        ok(b"some body", done=False, keep_alive=False, content_length=-1, chunked=False),
    ),
    "until-close-eof": (
        response("HTTP/1.1 200 OK\n\n", b"some body"),
        {"eof": True},
        ok(b"some body", done=True, keep_alive=False),
    ),
    "until-close-empty-eof": (
        response("HTTP/1.1 500 Oops\n\n"),
        {"eof": True},
        ok(b"", done=True, status=500, keep_alive=False),
    ),
    # -- keep-alive -----------------------------------------------------------------------------
    "connection-close": (
        response("HTTP/1.1 200 OK\nConnection: close\nContent-Length: 0\n\n"),
        {},
        ok(keep_alive=False, done=True),
    ),
    "connection-close-in-list": (
        response("HTTP/1.1 200 OK\nConnection: Upgrade, CLOSE \nContent-Length: 0\n\n"),
        {},
        ok(keep_alive=False),
    ),
    "connection-close-wins": (
        response(
            "HTTP/1.0 200 OK\nConnection: close\nConnection: keep-alive\nContent-Length: 0\n\n"
        ),
        {},
        ok(keep_alive=False),
    ),
    "connection-closed-not-close": (
        response("HTTP/1.1 200 OK\nConnection: closed\nContent-Length: 0\n\n"),
        {},
        ok(keep_alive=True),
    ),
    "http-1.0-keep-alive": (
        response("HTTP/1.0 200 OK\nConnection: Keep-Alive\nContent-Length: 0\n\n"),
        {},
        ok(keep_alive=True, version_minor=0),
    ),
    "http-1.0-keep-alive-until-close": (
        response("HTTP/1.0 200 OK\nConnection: keep-alive\n\n", b"x"),
        {},
        ok(b"x", keep_alive=False, done=False),
    ),
    "http-1.0-chunked": (
        response("HTTP/1.0 200 OK\nConnection: keep-alive\nTransfer-Encoding: chunked\n\n")
        + b"1\r\nx\r\n0\r\n\r\n",
        {},
        ok(b"x", keep_alive=False, chunked=True, done=True),
    ),
    "http-1.1-keep-alive-token": (
        response("HTTP/1.1 200 OK\nConnection: keep-alive\nContent-Length: 0\n\n"),
        {},
        ok(keep_alive=True),
    ),
    # -- content encoding -------------------------------------------------------------------------
    "content-encoding-lowercased": (
        response("HTTP/1.1 200 OK\nContent-Encoding:  GZip \nContent-Length: 0\n\n"),
        {},
        ok(
            content_encoding="gzip", headers=[("Content-Encoding", "GZip"), ("Content-Length", "0")]
        ),
    ),
    "content-encoding-repeated": (
        response("HTTP/1.1 200 OK\nContent-Encoding: gzip\ncontent-encoding: BR\n\n"),
        {"head_request": True},
        ok(content_encoding="gzip, br"),
    ),
    # -- trailing bytes ---------------------------------------------------------------------------
    "cl-trailing": (
        response("HTTP/1.1 200 OK\nContent-Length: 2\n\n", b"{}HTTP/1.1 200 OK\r\n"),
        {},
        ok(b"{}", done=True, trailing=b"HTTP/1.1 200 OK\r\n"),
    ),
    # -- end of stream ----------------------------------------------------------------------------
    "eof-nothing": (b"", {"eof": True}, err("connection closed before any response bytes arrived")),
    "eof-in-status-line": (
        b"HTTP/1.1 2",
        {"eof": True},
        err("connection closed before the response head was complete"),
    ),
    "eof-in-headers": (
        response("HTTP/1.1 200 OK\nContent-Length: 5\n"),
        {"eof": True},
        err("before the response head was complete"),
    ),
    "eof-cl-short": (
        response("HTTP/1.1 200 OK\nContent-Length: 5\n\n", b"ab"),
        {"eof": True},
        err("connection closed with 3 of 5 body bytes (Content-Length) missing"),
    ),
    "eof-chunk-size": (
        response("HTTP/1.1 200 OK\nTransfer-Encoding: chunked\n\n", b"5"),
        {"eof": True},
        err("connection closed before the end of the chunked body"),
    ),
    "eof-chunk-data": (
        response("HTTP/1.1 200 OK\nTransfer-Encoding: chunked\n\n", b"5\r\nab"),
        {"eof": True},
        err("before the end of the chunked body"),
    ),
    "eof-chunk-crlf": (
        response("HTTP/1.1 200 OK\nTransfer-Encoding: chunked\n\n", b"2\r\nab\r"),
        {"eof": True},
        err("before the end of the chunked body"),
    ),
    "eof-trailers": (
        response("HTTP/1.1 200 OK\nTransfer-Encoding: chunked\n\n", b"0\r\nX: y\r\n"),
        {"eof": True},
        err("before the end of the chunked body"),
    ),
    "eof-after-done": (
        response("HTTP/1.1 200 OK\nContent-Length: 2\n\n", b"{}"),
        {"eof": True},
        ok(b"{}", done=True),
    ),
}


def _check(outcome: Outcome, expected: dict[str, Any]) -> None:
    if "error" in expected:
        assert outcome[0] == "error", outcome
        assert expected["error"] in outcome[1]
        return
    assert outcome[0] == "ok", outcome
    assert outcome[1] == expected["body"]
    got = dict(zip(ATTRS, outcome[2:], strict=True))
    for name, value in expected.items():
        if name != "body":
            assert got[name] == value, name


@pytest.mark.parametrize("case", CASES.values(), ids=CASES.keys())
def test_cases(parser_cls: type, case: tuple[bytes, dict[str, Any], dict[str, Any]]) -> None:
    data, kw, expected = case
    if len(data) > 2000:
        outcome = run(parser_cls, [data], **kw)
        assert run(parser_cls, fragments(data, 7), **kw) == outcome
    else:
        outcome = every_split(parser_cls, data, **kw)
    _check(outcome, expected)


def test_head_state_types(parser_cls: type) -> None:
    outcome = run(parser_cls, [CASES["basic"][0]])
    types = [bool, bool, int, str, int, list, int, bool, bool, str, bytes]
    assert [type(v) for v in outcome[2:]] == types


# -- sizes ---------------------------------------------------------------------------------------


def _head_of_size(size: int, status: str = "200 OK", end: bool = True) -> bytes:
    start = f"HTTP/1.1 {status}\r\nContent-Length: 0\r\nX: ".encode()
    rest = b"\r\n\r\n" if end else b"\r\n"
    return start + b"v" * (size - len(start) - len(rest)) + rest


def test_head_of_exactly_max_head(parser_cls: type) -> None:
    head = _head_of_size(MAX_HEAD)
    assert len(head) == MAX_HEAD
    for chunks in ([head], fragments(head, 1000), [head[:-1], head[-1:]]):
        outcome = run(parser_cls, chunks)
        assert outcome[0] == "ok" and outcome[2:4] == (True, True), outcome


def test_head_over_max_head(parser_cls: type) -> None:
    head = _head_of_size(MAX_HEAD + 1)
    for chunks in ([head], fragments(head, 1000), fragments(head, 1)):
        assert run(parser_cls, chunks) == (
            "error",
            f"response head larger than {MAX_HEAD} bytes",
        )


def test_head_limit_is_checked_before_the_end_arrives(parser_cls: type) -> None:
    parser = parser_cls()
    parser.feed(b"HTTP/1.1 200 OK\r\nX: ")
    parser.feed(b"v" * (MAX_HEAD - 100))
    with pytest.raises(ResponseFramingError, match="response head larger than 65536 bytes"):
        parser.feed(b"v" * 200)  # no CRLF yet: the line would otherwise be buffered forever


def test_one_endless_header_line_fails_early(parser_cls: type) -> None:
    parser = parser_cls()
    parser.feed(b"HTTP/1.1 200 OK\r\n")
    with pytest.raises(ResponseFramingError, match="larger than"):
        for _ in range(1000):
            parser.feed(b"x" * 1000)


def test_1xx_heads_count_towards_max_head(parser_cls: type) -> None:
    early = _head_of_size(40000, "103 Early Hints")
    final = _head_of_size(30000)
    assert run(parser_cls, [early + final])[0] == "error"
    assert run(parser_cls, [early, final]) == (
        "error",
        f"response head larger than {MAX_HEAD} bytes",
    )
    small = _head_of_size(20000)
    assert run(parser_cls, [early + small])[0] == "ok"


def test_trailer_section_limit(parser_cls: type) -> None:
    head = response("HTTP/1.1 200 OK\nTransfer-Encoding: chunked\n\n", b"0\r\n")
    trailers = b"".join(b"T%d: %s\r\n" % (i, b"v" * 1000) for i in range(70))
    assert run(parser_cls, [head + trailers + b"\r\n"]) == (
        "error",
        f"trailer section larger than {MAX_HEAD} bytes",
    )


def test_chunk_size_line_at_the_limit(parser_cls: type) -> None:
    head = response("HTTP/1.1 200 OK\nTransfer-Encoding: chunked\n\n")
    line = b"1;" + b"e" * (MAX_CHUNK_LINE - 4) + b"\r\n"
    assert len(line) == MAX_CHUNK_LINE
    assert run(parser_cls, [head + line + b"x\r\n0\r\n\r\n"])[:2] == ("ok", b"x")
    line = b"1;" + b"e" * (MAX_CHUNK_LINE - 3) + b"\r\n"
    assert run(parser_cls, [head + line])[0] == "error"


# -- representative responses split everywhere ------------------------------------------------------

SSE_CHUNKS = [b'data: {"choices":[{"delta":{"content":"tok%d"}}]}\n\n' % i for i in range(5)] + [
    b"data: [DONE]\n\n"
]

REPRESENTATIVE = {
    "content-length": response(
        "HTTP/1.1 200 OK\nDate: Sun, 06 Dec 2026 13:00:00 GMT\nContent-Type: application/json\n"
        "Content-Length: 59\nConnection: keep-alive\nopenai-processing-ms: 412\n"
        "x-request-id: req_123\n\n",
        JSON,
    ),
    "sse-chunked": response(
        "HTTP/1.1 200 OK\nContent-Type: text/event-stream; charset=utf-8\n"
        "Transfer-Encoding: chunked\n\n",
        b"".join(b"%x\r\n%s\r\n" % (len(c), c) for c in SSE_CHUNKS) + b"0\r\n\r\n",
    ),
    "1xx-ext-trailers": response(
        "HTTP/1.1 100 Continue\n\nHTTP/1.1 201 Created\nTransfer-Encoding: chunked\n\n",
        b"3;a=b\r\nabc\r\n1\r\nd\r\n0\r\nT: 1\r\n\r\nextra",
    ),
    "until-close": response("HTTP/1.0 200 OK\nContent-Type: text/plain\n\n", b"to the end"),
}


@pytest.mark.parametrize("name", REPRESENTATIVE)
def test_representative_split_everywhere(parser_cls: type, name: str) -> None:
    data = REPRESENTATIVE[name]
    outcome = every_split(parser_cls, data, eof=True)
    assert outcome[0] == "ok"
    assert outcome[2:4] == (True, True)


def test_every_pair_of_cuts(parser_cls: type) -> None:
    data = REPRESENTATIVE["1xx-ext-trailers"]
    expected = run(parser_cls, [data])
    assert expected[:2] == ("ok", b"abcd")
    assert expected[-1] == b"extra"
    for i in range(len(data) + 1):
        for j in range(i, len(data) + 1):
            assert run(parser_cls, [data[:i], data[i:j], data[j:]]) == expected, (i, j)


def test_sse_stream_fed_as_received(parser_cls: type) -> None:
    parser = parser_cls()
    head = response("HTTP/1.1 200 OK\nTransfer-Encoding: chunked\n\n")
    assert parser.feed(head) == b""
    assert parser.head_done and not parser.done and parser.chunked
    for c in SSE_CHUNKS[:3]:
        assert parser.feed(b"%x\r\n%s\r\n" % (len(c), c)) == c
    several = b"".join(b"%x\r\n%s\r\n" % (len(c), c) for c in SSE_CHUNKS[3:])
    assert parser.feed(several) == b"".join(SSE_CHUNKS[3:])
    assert parser.feed(b"0\r\n") == b""
    assert not parser.done
    assert parser.feed(b"\r\n") == b""
    assert parser.done and parser.keep_alive and parser.trailing == b""


# -- content coding -----------------------------------------------------------------------------


def test_gzip_body_is_returned_raw(parser_cls: type) -> None:
    raw = gzip.compress(JSON)
    data = response(f"HTTP/1.1 200 OK\nContent-Encoding: gzip\nContent-Length: {len(raw)}\n\n", raw)
    outcome = every_split(parser_cls, data)
    _check(outcome, ok(raw, content_encoding="gzip", done=True))
    assert gzip.decompress(outcome[1]) == JSON


# -- lifecycle ---------------------------------------------------------------------------------------


def test_initial_state(parser_cls: type) -> None:
    assert state(parser_cls()) == (False, False, 0, "", 1, [], -1, False, False, "", b"")


def test_head_done_before_body(parser_cls: type) -> None:
    parser = parser_cls()
    assert parser.feed(b"HTTP/1.1 200 OK\r\nContent-Length: 4\r\n") == b""
    assert not parser.head_done and parser.status == 0 and parser.headers == []
    assert parser.feed(b"\r\nab") == b"ab"
    assert parser.head_done and not parser.done and parser.status == 200
    assert parser.feed(b"cd") == b"cd"
    assert parser.done


def test_body_feed_is_not_copied(parser_cls: type) -> None:
    parser = parser_cls()
    assert parser.feed(b"HTTP/1.1 200 OK\r\nContent-Length: 20\r\n\r\n") == b""
    piece = b"0123456789"
    assert parser.feed(piece) is piece
    last = b"abcdefghij"
    assert parser.feed(last) is last
    assert parser.done


def test_body_in_one_feed_is_one_slice(parser_cls: type) -> None:
    data = CASES["basic"][0]
    body = parser_cls().feed(data)
    assert body == JSON and type(body) is bytes


def test_feed_after_done_goes_to_trailing(parser_cls: type) -> None:
    parser = parser_cls()
    parser.feed(response("HTTP/1.1 200 OK\nContent-Length: 1\n\n", b"xy"))
    assert parser.done and parser.trailing == b"y"
    assert parser.feed(b"z") == b""
    assert parser.feed(b"") == b""
    assert parser.trailing == b"yz"
    assert parser.feed_eof() == b""
    assert parser.trailing == b"yz"


def test_error_is_sticky_until_start(parser_cls: type) -> None:
    parser = parser_cls()
    with pytest.raises(ResponseFramingError, match="invalid status line") as first:
        parser.feed(b"HTTP/1.1 xyz\r\n")
    for call in (lambda: parser.feed(b"HTTP/1.1 200 OK\r\n\r\n"), parser.feed_eof):
        with pytest.raises(ResponseFramingError) as again:
            call()
        assert str(again.value) == str(first.value)
    with pytest.raises(ResponseFramingError):
        parser.feed(b"")
    parser.start()
    assert parser.feed(b"HTTP/1.1 204 No Content\r\n\r\n") == b""
    assert parser.done and parser.status == 204


def test_eof_error_is_sticky(parser_cls: type) -> None:
    parser = parser_cls()
    parser.feed(b"HTTP/1.1 200 OK\r\nContent-Length: 3\r\n\r\na")
    with pytest.raises(ResponseFramingError, match="2 of 3"):
        parser.feed_eof()
    with pytest.raises(ResponseFramingError, match="2 of 3"):
        parser.feed(b"bc")


def test_until_close_then_feed(parser_cls: type) -> None:
    parser = parser_cls()
    assert parser.feed(b"HTTP/1.1 200 OK\r\n\r\nabc") == b"abc"
    assert parser.feed(b"def") == b"def"
    assert not parser.done
    assert parser.feed_eof() == b""
    assert parser.done and not parser.keep_alive
    assert parser.feed_eof() == b""
    assert parser.feed(b"late") == b"" and parser.trailing == b"late"


def test_reuse_for_the_next_response(parser_cls: type) -> None:
    parser = parser_cls()
    parser.start(head_request=True)
    parser.feed(response("HTTP/1.1 200 OK\nContent-Length: 5\nX: 1\n\n"))
    assert parser.done and parser.content_length == 5
    parser.start()
    assert state(parser) == state(parser_cls())
    assert parser.feed(response("HTTP/1.1 201 Created\nContent-Length: 2\n\n", b"{}")) == b"{}"
    assert (parser.status, parser.headers, parser.done) == (201, [("Content-Length", "2")], True)
    parser.start()  # head_request does not carry over
    assert parser.feed(response("HTTP/1.1 200 OK\nContent-Length: 2\n\n", b"ab")) == b"ab"


def test_start_mid_message_resets(parser_cls: type) -> None:
    parser = parser_cls()
    parser.feed(b"HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n5\r\nab")
    parser.start()
    assert state(parser) == state(parser_cls())
    assert parser.feed(b"HTTP/1.1 204 No Content\r\n\r\n") == b"" and parser.done


def test_head_request_keyword(parser_cls: type) -> None:
    parser = parser_cls()
    parser.start(head_request=True)
    parser.feed(b"HTTP/1.1 200 OK\r\nContent-Length: 5\r\n\r\n")
    assert parser.done


@pytest.mark.parametrize("kind", [bytearray, memoryview])
def test_bytes_like_input(parser_cls: type, kind: type) -> None:
    data = CASES["basic"][0]
    assert run(parser_cls, [kind(data)]) == run(parser_cls, [data])


def test_empty_feeds(parser_cls: type) -> None:
    parser = parser_cls()
    assert parser.feed(b"") == b""
    assert parser.feed_eof.__name__ == "feed_eof"
    data = REPRESENTATIVE["sse-chunked"]
    chunks = [piece for c in fragments(data, 5) for piece in (b"", c)]
    assert run(parser_cls, chunks) == run(parser_cls, [data])


def test_response_framing_error_is_a_value_error(http1: ModuleType) -> None:
    assert issubclass(http1.ResponseFramingError, ValueError)
    assert http1.ResponseFramingError is ResponseFramingError


# -- selection and surface ---------------------------------------------------------------------------


def test_selection() -> None:
    if speedups.NO_EXTENSIONS:
        assert speedups.ResponseParserC is None
        assert speedups.ResponseParser is speedups.ResponseParserPy
    else:
        assert speedups.ResponseParserC is not None
        assert speedups.ResponseParser is speedups.ResponseParserC
        assert speedups.ResponseParser.__module__ == "oxide._speedups._http1_c"
    assert speedups.ResponseParserPy.__module__ == "oxide._speedups._http1_py"
    assert speedups.ResponseFramingError is ResponseFramingError


@pytest.mark.c_extension
def test_twins_have_the_same_public_surface() -> None:
    py, c = PY.module("http1"), speedups.ResponseParserC
    assert c is not None
    assert py.__all__ == ("ResponseFramingError", "ResponseParser")
    c_module = __import__(c.__module__, fromlist=["__all__"])
    assert c_module.__all__ == py.__all__
    public = {name for name in dir(py.ResponseParser) if not name.startswith("_")}
    assert public == {name for name in dir(c) if not name.startswith("_")}
    assert public == {*ATTRS, "start", "feed", "feed_eof"}
    for method in ("start", "feed", "feed_eof"):
        c_sig = inspect.signature(getattr(c, method))
        py_sig = inspect.signature(getattr(py.ResponseParser, method))
        assert list(c_sig.parameters) == list(py_sig.parameters), method
        defaults = [p.default for p in c_sig.parameters.values()]
        assert defaults == [p.default for p in py_sig.parameters.values()], method


@pytest.mark.c_extension
def test_attributes_are_read_only_on_the_compiled_twin() -> None:
    c = speedups.ResponseParserC
    assert c is not None
    parser = c()
    for name in ATTRS:
        with pytest.raises(AttributeError):
            setattr(parser, name, getattr(parser, name))
