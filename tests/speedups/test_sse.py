"""SSE line extractor, byte level: RELIABILITY.md §2.1 rules and §3.4 rows E3-E11 and E13.

Every case runs on both twins (the ``sse_decoder_cls`` fixture), fed as one chunk and as 1-byte
chunks, and is also checked against the spec oracle (so the oracle is pinned by literal
expectations too).
"""

from __future__ import annotations

from types import ModuleType
from typing import Any

import pytest

from .sse_oracle import Event, as_tuple, fragments, oracle, run

FFFD = "\ufffd"


def ev(
    data: str, event: str | None = None, id: str | None = None, retry: int | None = None
) -> Event:
    return (event, data, id, retry)


# (stream, events, last_event_id, retry)
CASES: dict[str, tuple[bytes, list[Event], str, int | None]] = {
    # -- WHATWG §9.2.6 examples ----------------------------------------------------------------
    "spec-stock": (b"data: YHOO\ndata: +2\ndata: 10\n\n", [ev("YHOO\n+2\n10")], "", None),
    "spec-ids": (
        b": test stream\n\ndata: first event\nid: 1\n\ndata:second event\nid\n\n"
        b"data:  third event\n\n",
        [ev("first event", id="1"), ev("second event", id=""), ev(" third event", id="")],
        "",
        None,
    ),
    "spec-empty-data": (b"data\n\ndata\ndata\n\ndata:", [ev(""), ev("\n")], "", None),
    "spec-space-optional": (b"data:test\n\ndata: test\n\n", [ev("test"), ev("test")], "", None),
    # -- web-platform-tests eventsource/format-* ----------------------------------------------
    "wpt-bom": (
        "\ufeffdata:1\n\n\ufeffdata:2\n\ndata:3\n\n".encode(),
        [ev("1"), ev("3")],
        "",
        None,
    ),
    "wpt-bom-2": (
        "\ufeff\ufeffdata:1\n\ndata:2\n\ndata:3\n\n".encode(),
        [ev("2"), ev("3")],
        "",
        None,
    ),
    "wpt-data-before-final-empty-line": (
        b"retry:1000\ndata:test1\n\nid:test\ndata:test2",
        [ev("test1", retry=1000)],
        "",  # the id never took effect: its event was never finished
        1000,
    ),
    "wpt-null-character": (b"data:\x00\n\n", [ev("\x00")], "", None),
    "wpt-retry-bogus": (
        b"retry:3000\nretry:1000x\ndata:x\n\n",
        [ev("x", retry=3000)],
        "",
        3000,
    ),
    "wpt-utf-8": ("data:ok\u2026\n\n".encode(), [ev("ok\u2026")], "", None),
    # -- E3: blocks without data fire nothing; the next real event still works ------------------
    "E3-event-only": (b"event: x\n\ndata: next\n\n", [ev("next")], "", None),
    "E3-id-only": (b"id: 1\n\ndata: next\n\n", [ev("next", id="1")], "1", None),
    "E3-retry-only": (b"retry: 3000\n\ndata: next\n\n", [ev("next")], "", 3000),
    "E3-extra-blank-lines": (
        b"id: 1\ndata: {}\n\n\n\ndata: next\n\n",
        [ev("{}", id="1"), ev("next", id="1")],
        "1",
        None,
    ),
    # -- E4: comments ---------------------------------------------------------------------------
    "E4-comments": (
        b": ping\n\n: ping\n\ndata: a\n: inside\n\n:\n\n: ping\n\n",
        [ev("a")],
        "",
        None,
    ),
    # -- E7: multibyte UTF-8 (1-byte chunks split every sequence) ------------------------------
    "E7-multibyte": (
        "data: \u00e9\u20ac\U0001f600 \u0416\n\n".encode(),
        [ev("\u00e9\u20ac\U0001f600 \u0416")],
        "",
        None,
    ),
    # -- E8: line endings -----------------------------------------------------------------------
    "E8-cr-only": (b"data: a\r\rdata: b\rdata: c\r\r", [ev("a"), ev("b\nc")], "", None),
    "E8-crlf": (b"data: a\r\n\r\ndata: b\r\n\r\n", [ev("a"), ev("b")], "", None),
    "E8-lf-then-crlf": (b"data: a\n\r\ndata: b\n\n", [ev("a"), ev("b")], "", None),
    "E8-cr-cr-lf": (b"data: a\r\r\ndata: b\r\n\n", [ev("a"), ev("b")], "", None),
    "E8-lf-cr": (b"data: a\n\rdata: b\n\r", [ev("a"), ev("b")], "", None),
    "E8-trailing-cr": (b"data: a\r\r", [ev("a")], "", None),
    # -- E9: invalid UTF-8 becomes U+FFFD; the stream goes on ------------------------------------
    "E9-ff-fe": (b"data: \xff\xfe\n\ndata: ok\n\n", [ev(FFFD * 2), ev("ok")], "", None),
    "E9-truncated": (
        b"data: \xe2\x82\n\ndata: \xf0\x9f\x98x\n\n",
        [ev(FFFD), ev(FFFD + "x")],
        "",
        None,
    ),
    "E9-surrogate": (b"data: \xed\xa0\x80\n\n", [ev(FFFD * 3)], "", None),
    "E9-overlong": (b"data: \xc0\xaf\n\n", [ev(FFFD * 2)], "", None),
    "E9-before-colon": (b"data\xff: x\ndata: y\n\n", [ev("y")], "", None),
    "E9-in-event-and-id": (
        b"event: \xffe\nid: \xe2\x82\ndata: x\n\n",
        [ev("x", event=FFFD + "e", id=FFFD)],
        FFFD,
        None,
    ),
    "E9-truncated-at-line-end": (
        b"data: \xe2\ndata: \x82\xac\n\n",
        [ev(FFFD + "\n" + FFFD * 2)],
        "",
        None,
    ),
    # -- E10: BOM -------------------------------------------------------------------------------
    "E10-bom": (b"\xef\xbb\xbfdata: a\n\n", [ev("a")], "", None),
    "E10-double-bom": (b"\xef\xbb\xbf\xef\xbb\xbfdata: a\n\ndata: b\n\n", [ev("b")], "", None),
    "E10-later-bom": (
        b"data: a\n\n\xef\xbb\xbfdata: b\n\ndata: c\n\n",
        [ev("a"), ev("c")],
        "",
        None,
    ),
    "E10-bom-prefix-only": (b"\xef\xbbdata: a\n\ndata: b\n\n", [ev("b")], "", None),
    "E10-bom-then-blank": (b"\xef\xbb\xbf\n\ndata: a\r\n\r\n", [ev("a")], "", None),
    "E10-bom-in-data": (b"data: \xef\xbb\xbfa\n\n", [ev("\ufeffa")], "", None),
    "E10-bom-only": (b"\xef\xbb\xbf", [], "", None),
    # -- E11: characters that are data, not line ends -------------------------------------------
    "E11-unicode-separators": (
        "data: a\u2028b\u2029c\u0085d\x0be\x0cf\x1cg\x1dh\x1ei\x00j\n\n".encode(),
        [ev("a\u2028b\u2029c\u0085d\x0be\x0cf\x1cg\x1dh\x1ei\x00j")],
        "",
        None,
    ),
    # -- E13: field and value split ---------------------------------------------------------------
    "E13-no-space": (b"data:x\n\n", [ev("x")], "", None),
    "E13-one-space": (b"data: x\n\n", [ev("x")], "", None),
    "E13-two-spaces": (b"data:  x\n\n", [ev(" x")], "", None),
    "E13-bare-data": (b"data\n\n", [ev("")], "", None),
    "E13-uppercase": (b"DATA: x\n\n", [], "", None),
    "E13-id-with-nul": (b"id: a\x00b\ndata: x\n\n", [ev("x")], "", None),
    "E13-id-with-nul-keeps-old": (b"id: 1\nid: a\x00b\ndata: x\n\n", [ev("x", id="1")], "1", None),
    "E13-retry-bogus": (b"retry: 1000x\ndata: x\n\n", [ev("x")], "", None),
    # -- more field rules -----------------------------------------------------------------------
    "tab-not-stripped": (b"data:\tx\n\n", [ev("\tx")], "", None),
    "colon-in-value": (b"data: a: b:c\n\n", [ev("a: b:c")], "", None),
    "space-before-colon": (b"data : x\ndata: y\n\n", [ev("y")], "", None),
    "unknown-fields": (b"foo: 1\nData: 2\n: c\nx\ndata: y\n\n", [ev("y")], "", None),
    "empty-name": (b": c\n:\ndata: y\n\n", [ev("y")], "", None),
    "data-trailing-empty": (b"data: a\ndata\n\n", [ev("a\n")], "", None),
    "data-only-empty-lines": (b"data\ndata\ndata\n\n", [ev("\n\n")], "", None),
    "event-type": (b"event: add\ndata: 1\n\n", [ev("1", event="add")], "", None),
    "event-last-wins": (b"event: a\nevent: b\ndata: 1\n\n", [ev("1", event="b")], "", None),
    "event-empty-is-default": (b"event: a\nevent:\ndata: 1\n\n", [ev("1")], "", None),
    "event-bare": (b"event: a\nevent\ndata: 1\n\n", [ev("1")], "", None),
    "event-reset-after-dispatch": (
        b"event: a\ndata: 1\n\ndata: 2\n\n",
        [ev("1", event="a"), ev("2")],
        "",
        None,
    ),
    "id-persists": (
        b"id: 7\ndata: a\n\ndata: b\n\nid:\ndata: c\n\n",
        [ev("a", id="7"), ev("b", id="7"), ev("c", id="")],
        "",
        None,
    ),
    "id-after-data": (b"data: a\nid: 9\n\n", [ev("a", id="9")], "9", None),
    "id-in-unfinished-event": (b"id: 1\ndata: a\n\nid: 2\ndata: b\n", [ev("a", id="1")], "1", None),
    "retry-leading-zeros": (b"retry: 007\ndata: a\n\n", [ev("a", retry=7)], "", 7),
    "retry-last-valid-wins": (
        b"retry: 5\nretry: x\ndata: a\n\ndata: b\n\nretry: 6\n\n",
        [ev("a", retry=5), ev("b")],
        "",
        6,
    ),
    "retry-big": (
        b"retry: 123456789012345678901234567890\ndata: a\n\n",
        [ev("a", retry=123456789012345678901234567890)],
        "",
        123456789012345678901234567890,
    ),
    "retry-19-digits": (
        b"retry: 9999999999999999999\n\n",
        [],
        "",
        9999999999999999999,
    ),
    "retry-18-digits": (b"retry: 999999999999999999\n\n", [], "", 999999999999999999),
    "retry-plus": (b"retry: +10\n\n", [], "", None),
    "retry-two-spaces": (b"retry:  10\n\n", [], "", None),
    "retry-underscore": (b"retry: 1_000\n\n", [], "", None),
    "retry-arabic-indic": ("retry: \u0661\u0662\n\n".encode(), [], "", None),
    "retry-superscript": ("retry: \u00b2\n\n".encode(), [], "", None),
    "retry-empty": (b"retry:\nretry\n\n", [], "", None),
    "retry-negative": (b"retry: -1\n\n", [], "", None),
    "retry-trailing-space": (b"retry: 10 \n\n", [], "", None),
    "many-events-one-chunk": (b"data: x\n\n" * 50, [ev("x")] * 50, "", None),
    "unterminated-event": (b"data: a\n\ndata: b\n", [ev("a")], "", None),
    "unterminated-line": (b"data: a\n\ndata: b", [ev("a")], "", None),
    "empty": (b"", [], "", None),
}


@pytest.mark.parametrize("case", CASES.values(), ids=CASES.keys())
def test_cases(sse_decoder_cls: type, case: tuple[bytes, list[Event], str, int | None]) -> None:
    stream, events, last_event_id, retry = case
    expected = (events, last_event_id, retry)
    assert oracle(stream) == expected
    assert run(sse_decoder_cls, [stream]) == expected
    assert run(sse_decoder_cls, fragments(stream, 1)) == expected
    assert run(sse_decoder_cls, fragments(stream, 3)) == expected
    assert run(sse_decoder_cls, [b"", *fragments(stream, 2), b""]) == expected


def test_huge_retry_is_ignored_not_raised(sse_decoder_cls: type) -> None:
    # int() refuses more than sys.get_int_max_str_digits() (4300) digits: ignore the field.
    stream = b"retry: 5\nretry: " + b"9" * 5000 + b"\ndata: a\n\n"
    assert run(sse_decoder_cls, [stream]) == ([ev("a", retry=5)], "", 5)
    assert oracle(stream) == ([ev("a", retry=5)], "", 5)


# -- dispatch timing and chunk-boundary behaviour ------------------------------------------------


def test_cr_dispatches_without_waiting(sse_decoder_cls: type) -> None:
    decoder = sse_decoder_cls()
    assert decoder.feed(b"data: a\r") == []
    assert [as_tuple(e) for e in decoder.feed(b"\r")] == [ev("a")]  # no wait for a possible LF
    assert decoder.feed(b"\n") == []  # the LF after the final CR is swallowed
    assert decoder.buffered == 0


def test_lf_after_chunk_final_cr_is_swallowed(sse_decoder_cls: type) -> None:
    # Were the LF a line of its own, it would dispatch "a" alone.
    chunks = [b"data: a\r", b"\ndata: b\r\n\r\n"]
    assert run(sse_decoder_cls, chunks) == ([ev("a\nb")], "", None)
    assert run(sse_decoder_cls, [b"data: a\r", b"", b"", b"\ndata: b\r\n\r\n"]) == (
        [ev("a\nb")],
        "",
        None,
    )


def test_only_one_lf_swallowed(sse_decoder_cls: type) -> None:
    assert run(sse_decoder_cls, [b"data: a\r", b"\n\n"]) == ([ev("a")], "", None)
    assert run(sse_decoder_cls, [b"data: a\r", b"\r\n"]) == ([ev("a")], "", None)


def test_events_come_out_of_the_chunk_that_completes_them(sse_decoder_cls: type) -> None:
    decoder = sse_decoder_cls()
    assert decoder.feed(b"data: a\n") == []
    out = decoder.feed(b"\ndata: b\n\ndata: c\n\nda")
    assert [e.data for e in out] == ["a", "b", "c"]
    assert decoder.buffered == 2
    assert [e.data for e in decoder.feed(b"ta: d\n\n")] == ["d"]


@pytest.mark.parametrize("split", range(1, 4))
def test_bom_split_across_chunks(sse_decoder_cls: type, split: int) -> None:
    stream = b"\xef\xbb\xbfdata: a\n\n"
    chunks = [stream[:1], b"", stream[1:split], stream[split:]]
    assert run(sse_decoder_cls, chunks) == ([ev("a")], "", None)


def test_partial_bom_then_line_end(sse_decoder_cls: type) -> None:
    stream = b"\xef\xbb\ndata: a\n\n"
    assert run(sse_decoder_cls, [stream[:1], stream[1:2], stream[2:]]) == ([ev("a")], "", None)
    assert oracle(stream) == ([ev("a")], "", None)


# -- flush and state -------------------------------------------------------------------------------


def test_flush_discards_unfinished_event(sse_decoder_cls: type) -> None:
    decoder = sse_decoder_cls()
    out = decoder.feed(b"id: 1\ndata: a\n\nid: 2\nretry: 9\nevent: e\ndata: partial\ndata: mo")
    assert [as_tuple(e) for e in out] == [ev("a", id="1")]
    assert decoder.buffered == 8
    assert decoder.flush() == []
    assert decoder.last_event_id == "1"  # the unfinished event's id never took effect
    assert decoder.retry == 9  # retry takes effect when its line is read (spec)
    assert decoder.buffered == 0
    # The next stream on the same decoder starts clean, BOM included, with the old id kept.
    out = decoder.feed(b"\xef\xbb\xbfdata: b\n\n")
    assert [as_tuple(e) for e in out] == [ev("b", id="1")]
    assert decoder.flush() == []


def test_flush_on_fresh_and_repeated(sse_decoder_cls: type) -> None:
    decoder = sse_decoder_cls()
    assert decoder.flush() == []
    assert decoder.flush() == []
    assert decoder.last_event_id == ""
    assert decoder.retry is None


def test_bom_stripped_again_after_flush(sse_decoder_cls: type) -> None:
    decoder = sse_decoder_cls()
    decoder.feed(b"\xef\xbb")
    decoder.flush()
    assert [e.data for e in decoder.feed(b"\xef\xbb\xbfdata: a\n\n")] == ["a"]


def test_initial_state(sse_decoder_cls: type) -> None:
    decoder = sse_decoder_cls()
    assert decoder.last_event_id == ""
    assert decoder.retry is None
    assert decoder.buffered == 0


def test_state_properties_are_read_only(sse_decoder_cls: type) -> None:
    decoder = sse_decoder_cls()
    for name in ("last_event_id", "retry", "buffered"):
        with pytest.raises(AttributeError):
            setattr(decoder, name, 1)


def test_buffered_holds_only_the_unfinished_line(sse_decoder_cls: type) -> None:
    decoder = sse_decoder_cls()
    decoder.feed(b": comment\nunknown: field\ndata: x\nda")
    assert decoder.buffered == 2
    decoder.feed(b"ta: y")
    assert decoder.buffered == 7
    decoder.feed(b"\r")
    assert decoder.buffered == 0


# -- input types -----------------------------------------------------------------------------------


@pytest.mark.parametrize("wrap", [bytearray, memoryview], ids=["bytearray", "memoryview"])
def test_bytes_like_chunks(sse_decoder_cls: type, wrap: Any) -> None:
    stream = b"\xef\xbb\xbfdata: a\r\n\r\nid: 1\rdata: b\r\r"
    expected = run(sse_decoder_cls, [stream])
    assert run(sse_decoder_cls, [wrap(c) for c in fragments(stream, 1)]) == expected
    assert run(sse_decoder_cls, [wrap(stream)]) == expected


def test_str_chunk_is_a_type_error(sse_decoder_cls: type) -> None:
    with pytest.raises(TypeError):
        sse_decoder_cls().feed("data: a\n\n")


# -- ServerSentEvent -------------------------------------------------------------------------------


def test_server_sent_event(sse_module: ModuleType) -> None:
    cls = sse_module.ServerSentEvent
    default = cls()
    assert (default.event, default.data, default.id, default.retry) == (None, "", None, None)
    a = cls(event="e", data="d", id="1", retry=5)
    assert a == cls(event="e", data="d", id="1", retry=5)
    assert a != cls(event="e", data="d", id="1", retry=6)
    assert a != ("e", "d", "1", 5)
    assert repr(a) == "ServerSentEvent(event='e', data='d', id='1', retry=5)"
    with pytest.raises(TypeError):
        cls("e", "d")  # keyword-only
    with pytest.raises(TypeError):
        hash(a)  # compared by value and mutable, so unhashable
    a.data = "changed"
    assert a.data == "changed"


def test_decoded_event_equals_constructed(sse_decoder_cls: type, sse_module: ModuleType) -> None:
    (got,) = sse_decoder_cls().feed(b"event: e\nid: 1\nretry: 5\ndata: d\n\n")
    assert type(got) is sse_module.ServerSentEvent
    assert got == sse_module.ServerSentEvent(event="e", data="d", id="1", retry=5)
