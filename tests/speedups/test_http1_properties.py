"""HTTP/1.1 response parser: property tests (hypothesis) and differential tests.

* Valid responses from a grammar (1xx heads, random headers with OWS, Content-Length / chunked
  with extensions and trailers / until close / no body, keep-alive and coding headers, bytes
  after the message), fed in random pieces: the parser's result equals the generator's model.
* Differential, twin against twin: valid responses with bytes flipped, inserted and deleted,
  and plain garbage, fed in random pieces; both twins must agree on every return value, every
  error message and every attribute.
* Differential against aiohttp's own parser (llhttp when aiohttp's C parser is there) on valid
  responses: the same status, headers and body.

Hypothesis example counts are kept small enough for the file to run in seconds; ``deadline=None``
because 2-core CI machines stall now and then.
"""

from __future__ import annotations

import asyncio
from collections.abc import Iterator
from dataclasses import dataclass, field
from types import ModuleType
from typing import Any
from unittest import mock

import pytest
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from oxide._speedups._http1_common import ResponseFramingError

from .conftest import PY, Twin
from .test_http1 import ATTRS, run, state

PROPERTY = settings(
    max_examples=200,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)


@pytest.fixture(scope="session")
def parser_cls(twin: Twin) -> type:
    """``ResponseParser`` of each twin in turn."""
    return twin.module("http1").ResponseParser  # type: ignore[no-any-return]


@pytest.fixture(scope="session")
def http1_c() -> ModuleType:
    """The compiled twin, for the tests that compare the two (marked ``c_extension``)."""
    return Twin(is_pure_python=False).module("http1")


# -- a grammar for valid responses, with its model ---------------------------------------------------

TCHARS = "!#$%&'*+-.^_`|~0123456789abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ"
SPECIAL = {"content-length", "transfer-encoding", "connection", "content-encoding"}
VALUE_CHARS = [chr(c) for c in (9, *range(0x20, 0x7F), *range(0x80, 0x100))]

names = st.one_of(
    st.sampled_from(["Content-Type", "x-request-id", "Date", "openai-model", "Set-Cookie", "ETag"]),
    st.text(st.sampled_from(TCHARS), min_size=1, max_size=10),
).filter(lambda name: name.lower() not in SPECIAL)
values = st.text(st.sampled_from(VALUE_CHARS), max_size=16)
ows = st.sampled_from(["", " ", "\t", "  ", " \t "])
reasons = st.none() | st.text(st.sampled_from(VALUE_CHARS), max_size=12)


@dataclass
class Model:
    """What the parser should make of a generated response."""

    data: bytes = b""
    head_request: bool = False
    eof: bool = False
    status: int = 0
    reason: str = ""
    minor: int = 1
    headers: list[tuple[str, str]] = field(default_factory=list)
    content_length: int = -1
    chunked: bool = False
    keep_alive: bool = False
    content_encoding: str = ""
    body: bytes = b""
    trailing: bytes = b""

    def outcome(self) -> tuple[Any, ...]:
        return (
            "ok",
            self.body,
            True,  # head_done
            True,  # done
            self.status,
            self.reason,
            self.minor,
            self.headers,
            self.content_length,
            self.chunked,
            self.keep_alive,
            self.content_encoding,
            self.trailing,
        )


@st.composite
def field_lines(draw: st.DrawFn, max_size: int = 5) -> list[tuple[str, str, str]]:
    """(line, name, stripped value) triples."""
    out = []
    for name, value in draw(st.lists(st.tuples(names, values), max_size=max_size)):
        line = f"{name}:{draw(ows)}{value}{draw(ows)}"
        out.append((line, name, value.strip(" \t")))
    return out


def _head(status_line: str, lines: list[str]) -> bytes:
    return "".join(f"{line}\r\n" for line in [status_line, *lines, ""]).encode("latin-1")


def _status_line(minor: int, status: int, reason: str | None) -> str:
    return f"HTTP/1.{minor} {status}" + ("" if reason is None else f" {reason}")


@st.composite
def chunked_body(draw: st.DrawFn, body: bytes, for_aiohttp: bool = False) -> bytes:
    cuts = sorted(draw(st.lists(st.integers(0, len(body)), max_size=6)))
    pieces = [body[i:j] for i, j in zip([0, *cuts], [*cuts, len(body)], strict=True)]
    out = []
    for piece in pieces:
        if not piece:
            continue
        size = f"{len(piece):x}"
        size = "0" * draw(st.integers(0, 16 - len(size))) + size
        if draw(st.booleans()):
            size = size.upper()
        exts = ["", "", ";a=b", " ;x", ';q="v;w"']
        if not for_aiohttp:
            exts.append("\t; e = 1")  # BWS around "=" (RFC 9112 §7.1.1); llhttp refuses it
        ext = draw(st.sampled_from(exts))
        out.append(f"{size}{ext}\r\n".encode() + piece + b"\r\n")
    last = draw(st.sampled_from(["0", "000", "0;end"]))
    trailers = [line for line, _, _ in draw(field_lines(max_size=2))]
    out.append("".join(f"{line}\r\n" for line in [last, *trailers, ""]).encode("latin-1"))
    return b"".join(out)


@st.composite
def responses(draw: st.DrawFn, *, for_aiohttp: bool = False) -> Model:
    model = Model()
    parts = []
    for _ in range(draw(st.integers(0, 2))):  # 1xx heads, discarded
        status = draw(st.sampled_from([100, 102, 103]))
        lines = [line for line, _, _ in draw(field_lines(max_size=2))]
        parts.append(_head(_status_line(1, status, draw(reasons)), lines))

    model.minor = minor = draw(st.sampled_from([1, 1, 0]))
    model.status = status = draw(
        st.sampled_from([200, 200, 201, 204, 304, 400, 404, 429, 500]) | st.integers(200, 599)
    )
    reason = draw(reasons)
    if for_aiohttp and reason is not None:
        reason = reason.strip(" \t") or "OK"
    model.reason = reason or ""
    model.head_request = draw(st.booleans()) if not for_aiohttp else False
    no_body = model.head_request or status in (204, 304)
    kind = draw(st.sampled_from(["length", "chunked", "close"]))
    if for_aiohttp and no_body:
        kind = "length"  # llhttp keeps reading a 204/304 "until close" body otherwise
    body = draw(st.binary(max_size=64))
    if no_body:
        body = b""

    fields = draw(field_lines())
    special: list[tuple[str, str, str]] = []
    if kind == "length":
        size = len(body) if not no_body else draw(st.integers(0, 99))
        model.content_length = size
        # llhttp refuses lists and repeats (RFC 9110 allows them when the values agree).
        forms = ["{}"] if for_aiohttp else ["{}", "{}, {}", "0{}", "{},{}"]
        text = draw(st.sampled_from(forms)).format(size, size)
        name = draw(st.sampled_from(["Content-Length", "content-length", "CONTENT-LENGTH"]))
        special.append((f"{name}:{draw(ows)}{text}{draw(ows)}", name, text))
        if not for_aiohttp and draw(st.booleans()):
            special.append((f"Content-Length: {size}", "Content-Length", str(size)))
    elif kind == "chunked":
        model.chunked = True
        te = draw(st.sampled_from(["chunked", "Chunked", "CHUNKED"]))
        special.append((f"Transfer-Encoding:{draw(ows)}{te}", "Transfer-Encoding", te))
    connection = draw(st.sampled_from([None, "close", "keep-alive", "Keep-Alive, Upgrade", "x"]))
    if connection is not None:
        special.append((f"Connection: {connection}", "Connection", connection))
    coding = draw(st.sampled_from([None, "gzip", "BR", "identity"]))
    if coding is not None:
        special.append((f"Content-Encoding: {coding}", "Content-Encoding", coding))
        model.content_encoding = coding.lower()
    for item in special:
        fields.insert(draw(st.integers(0, len(fields))), item)
    parts.append(_head(_status_line(minor, status, reason), [line for line, _, _ in fields]))
    model.headers = [(name, value) for _, name, value in fields]

    tokens = {t.strip().lower() for t in (connection or "").split(",")}
    model.keep_alive = (minor == 1 or "keep-alive" in tokens) and "close" not in tokens
    if kind == "chunked" and minor == 0:
        model.keep_alive = False
    if no_body:
        pass
    elif kind == "chunked":
        parts.append(draw(chunked_body(body, for_aiohttp)))
    else:
        parts.append(body)
        if kind == "close":
            model.keep_alive = False
            model.eof = True
    model.body = body
    if not model.eof and not for_aiohttp:
        model.trailing = draw(st.binary(max_size=4))
        parts.append(model.trailing)
    model.data = b"".join(parts)
    return model


@st.composite
def partitions(draw: st.DrawFn, data: bytes) -> list[bytes]:
    if draw(st.booleans()):
        return [data]
    cuts = sorted(draw(st.lists(st.integers(0, len(data)), max_size=12)))
    return [data[i:j] for i, j in zip([0, *cuts], [*cuts, len(data)], strict=True)]


MINIMAL = Model(
    data=b"HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\n{}",
    status=200,
    reason="OK",
    headers=[("Content-Length", "2")],
    content_length=2,
    keep_alive=True,
    body=b"{}",
)


@PROPERTY
@given(model=responses(), data=st.data())
@example(model=MINIMAL, data=None)
def test_valid_responses_match_the_model(
    parser_cls: type, model: Model, data: st.DataObject | None
) -> None:
    chunks = [model.data] if data is None else data.draw(partitions(model.data))
    outcome = run(parser_cls, chunks, head_request=model.head_request, eof=model.eof)
    assert outcome == model.outcome()


@settings(PROPERTY, max_examples=60)
@given(model=responses())
def test_one_byte_feeds_match_the_model(parser_cls: type, model: Model) -> None:
    chunks = [model.data[i : i + 1] for i in range(len(model.data))]
    outcome = run(parser_cls, chunks, head_request=model.head_request, eof=model.eof)
    assert outcome == model.outcome()


@settings(PROPERTY, max_examples=60)
@given(models=st.lists(responses(), min_size=1, max_size=4))
def test_one_parser_for_many_responses(parser_cls: type, models: list[Model]) -> None:
    parser = parser_cls()
    for model in models:
        parser.start(model.head_request)
        body = parser.feed(model.data)
        if model.eof:
            body += parser.feed_eof()
        assert ("ok", body, *state(parser)) == model.outcome()


# -- twin against twin on mutated and garbage input ---------------------------------------------------

INTERESTING = b"\r\n\t :;,0189aAfFgG\x00\x7f\x80\xff-+"


@st.composite
def mutated(draw: st.DrawFn) -> tuple[bytes, bool]:
    model = draw(responses())
    data = bytearray(model.data)
    for _ in range(draw(st.integers(1, 4))):
        op = draw(st.sampled_from(["flip", "insert", "delete", "replace"]))
        at = draw(st.integers(0, max(len(data) - 1, 0)))
        byte = draw(st.sampled_from(INTERESTING) | st.integers(0, 255))
        if op == "insert" or not data:
            data.insert(at, byte)
        elif op == "delete":
            del data[at]
        elif op == "flip":
            data[at] ^= 1 << draw(st.integers(0, 7))
        else:
            data[at] = byte
    return bytes(data), model.head_request


garbage = st.tuples(
    st.one_of(
        st.binary(max_size=80),
        st.binary(max_size=60).map(lambda b: b"HTTP/1.1 200 OK\r\n" + b),
        st.binary(max_size=60).map(
            lambda b: b"HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n" + b
        ),
        st.lists(st.sampled_from([b"\r\n", b"\r", b"\n", b"1", b"f;", b"0", b"a: b", b" "]))
        .map(b"".join)
        .map(lambda b: b"HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n" + b),
    ),
    st.booleans(),
)


def trace(parser_cls: type, chunks: list[bytes], head_request: bool) -> Iterator[Any]:
    """Everything observable: each feed's result or error, then EOF's, then the attributes."""
    parser = parser_cls()
    parser.start(head_request)
    for chunk in [*chunks, None]:
        try:
            yield parser.feed(chunk) if chunk is not None else parser.feed_eof()
        except ResponseFramingError as exc:
            yield ("error", str(exc))
        yield state(parser)


@pytest.mark.c_extension
@settings(PROPERTY, max_examples=400)
@given(case=mutated() | garbage, data=st.data())
@example(case=(b"HTTP/1.1 200 OK\r\nContent-Length: 1\r\n\r\n", False), data=None)
def test_twins_agree_on_any_input(
    http1_c: ModuleType, case: tuple[bytes, bool], data: st.DataObject | None
) -> None:
    raw, head_request = case
    chunks = [raw] if data is None else data.draw(partitions(raw))
    py = list(trace(PY.module("http1").ResponseParser, chunks, head_request))
    c = list(trace(http1_c.ResponseParser, chunks, head_request))
    assert c == py


# -- against aiohttp's parser --------------------------------------------------------------------------


def _aiohttp_parser() -> type:
    from aiohttp import http_parser

    return http_parser.HttpResponseParserC or http_parser.HttpResponseParserPy  # type: ignore[no-any-return]


@settings(PROPERTY, max_examples=100)
@given(model=responses(for_aiohttp=True), data=st.data())
def test_same_as_aiohttp(parser_cls: type, model: Model, data: st.DataObject) -> None:
    chunks = data.draw(partitions(model.data))
    loop = asyncio.new_event_loop()
    try:
        theirs = _aiohttp_parser()(
            mock.Mock(),
            loop,
            2**16,
            max_line_size=1 << 16,
            max_field_size=1 << 16,
            read_until_eof=True,
            auto_decompress=False,
        )
        messages = []
        for chunk in chunks:
            messages += theirs.feed_data(chunk)[0]
        if model.eof:
            theirs.feed_eof()
    finally:
        loop.close()
    message, payload = messages[-1]
    their_body = b"".join(getattr(payload, "_buffer", []))
    their_headers = [(k.decode("latin-1"), v.decode("latin-1")) for k, v in message.raw_headers]

    outcome = run(parser_cls, chunks, eof=model.eof)
    got = dict(zip(ATTRS, outcome[2:], strict=True))
    assert outcome[0] == "ok"
    assert (got["status"], got["headers"], outcome[1]) == (message.code, their_headers, their_body)
    assert got["version_minor"] == message.version.minor
    assert got["done"] and payload.is_eof()
    if not (got["chunked"] and got["version_minor"] == 0):
        # llhttp reuses the connection after a chunked HTTP/1.0 response; RFC 9112 §6.1 says
        # the framing is suspect and the connection is closed after it (so does ours).
        assert got["keep_alive"] is not message.should_close
