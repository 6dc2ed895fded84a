"""SSE line extractor: property tests (RELIABILITY.md §4 P1-P6) and chunk-boundary sweeps (E6).

Hypothesis example counts are kept small enough for the whole directory to run in seconds;
``deadline=None`` because 2-core CI machines stall now and then.
"""

from __future__ import annotations

import re
import time
from types import ModuleType
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from .sse_oracle import as_tuple, fragments, oracle, run, split_at

PROPERTY = settings(
    max_examples=300,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)

# -- a grammar for event streams -------------------------------------------------------------------

FIELDS = [b"data", b"event", b"id", b"retry"]
NAMES = [*FIELDS, b"DATA", b"Data", b"dat", b"datax", b"foo", b"data ", b"\xef\xbb\xbfdata", b""]
VALUES = [
    b"",
    b" ",
    b"x",
    b" x",
    b"  x",
    b"0",
    b"007",
    b"1000",
    b"1000x",
    b"+1",
    b"-1",
    b"1_0",
    b"99999999999999999999",
    "\u0661\u0662".encode(),
    b"a\x00b",
    b'{"a": 1}',
    b"[DONE]",
    b":",
    b"a:b",
    "\u00e9\u20ac\U0001f600\u2028\u2029\u0085\x0b\x0c".encode(),
    b"\xff",
    b"\xfe\xff",
    b"\xed\xa0\x80",
    b"\xe2\x82",
    b"\xf0\x9f\x98",
    b"\xc0\xaf",
    b"\xef\xbb\xbf",
    b"\xef\xbb",
]
ENDINGS = [b"\n", b"\r", b"\r\n"]

no_line_ends = st.binary(max_size=6).map(lambda b: b.replace(b"\r", b"").replace(b"\n", b""))
values = st.one_of(st.sampled_from(VALUES), no_line_ends)
separators = st.sampled_from([b":", b": ", b":  ", b""])
RETRY_VALUES = [b"0", b"007", b"1000", b"1000x", b"+1", b"-1", b" 1", b"1 ", b"1_0", b"", b"x"]
RETRY_VALUES += [b"99999999999999999999", "\u0661\u0662".encode(), "\u00b2".encode(), b"1\x00"]
ID_VALUES = [b"", b"1", b"a\x00b", b"\x00", "\u00e9".encode(), b"\xff", b" 2"]


def _field(name: bytes, sep: bytes, value: bytes) -> bytes:
    return name + sep + value


field_lines = st.one_of(
    st.builds(_field, st.sampled_from(FIELDS) | st.sampled_from(NAMES), separators, values),
    st.builds(_field, st.just(b"retry"), separators, st.sampled_from(RETRY_VALUES)),
    st.builds(_field, st.just(b"id"), separators, st.sampled_from(ID_VALUES)),
)
comment_lines = values.map(lambda v: b":" + v)
lines = st.one_of(field_lines, field_lines, comment_lines, st.just(b""), st.just(b""))


@st.composite
def streams(draw: st.DrawFn) -> bytes:
    """Lines × endings × comments × BOMs × invalid bytes, maybe an unterminated tail."""
    parts = [
        draw(st.sampled_from([b"", b"", b"\xef\xbb\xbf", b"\xef\xbb\xbf\xef\xbb\xbf", b"\xef\xbb"]))
    ]
    for line in draw(st.lists(lines, max_size=25)):
        parts.append(line + draw(st.sampled_from(ENDINGS)))
    parts.append(draw(st.sampled_from([b"", b"", b"data: tail", b"\xef", b"data: x\n"])))
    return b"".join(parts)


@st.composite
def partitions(draw: st.DrawFn, stream: bytes) -> list[bytes]:
    """``stream`` cut at random offsets; repeated offsets give empty chunks."""
    cuts = draw(st.lists(st.integers(0, len(stream)), max_size=12))
    return split_at(stream, cuts)


# -- P1: any partition == one chunk == the spec oracle ---------------------------------------------


@PROPERTY
@given(data=st.data())
def test_p1_partition_invariance_and_oracle(sse_decoder_cls: type, data: st.DataObject) -> None:
    stream = data.draw(streams())
    chunks = data.draw(partitions(stream))
    whole = run(sse_decoder_cls, [stream])
    assert whole == oracle(stream)
    assert run(sse_decoder_cls, chunks) == whole


@PROPERTY
@given(stream=st.binary(max_size=200), data=st.data())
def test_p1_random_bytes_against_oracle(
    sse_decoder_cls: type, stream: bytes, data: st.DataObject
) -> None:
    chunks = data.draw(partitions(stream))
    assert run(sse_decoder_cls, chunks) == oracle(stream)


# -- P2: compiled twin == Python twin --------------------------------------------------------------

FRAGMENTS = [b"data", b"event", b"id", b"retry", b":", b" ", b"\r", b"\n", b"\r\n", b"\x00"]
FRAGMENTS += [b"\xef\xbb\xbf", b"\xef", b"\xff", b"\xe2\x82", b"7", b"x", "\u2028".encode()]
adversarial = st.lists(st.one_of(st.sampled_from(FRAGMENTS), st.binary(max_size=4)), max_size=60)


@pytest.mark.c_extension
@PROPERTY
@given(pieces=adversarial, data=st.data())
def test_p2_c_matches_python(
    sse_py: ModuleType, sse_c: ModuleType, pieces: list[bytes], data: st.DataObject
) -> None:
    stream = b"".join(pieces)
    chunks = data.draw(partitions(stream))
    py, c = sse_py.SSEDecoder(), sse_c.SSEDecoder()
    for chunk in chunks:
        assert [as_tuple(e) for e in c.feed(chunk)] == [as_tuple(e) for e in py.feed(chunk)]
        assert (c.buffered, c.last_event_id, c.retry) == (py.buffered, py.last_event_id, py.retry)
    assert c.flush() == py.flush() == []
    assert (c.buffered, c.last_event_id, c.retry) == (py.buffered, py.last_event_id, py.retry)


# -- P3: per-line decoding == whole-stream decoding (justifies a byte-level extractor) ---------------


@PROPERTY
@given(pieces=adversarial)
def test_p3_per_line_decode_equals_whole_decode(pieces: list[bytes]) -> None:
    stream = b"".join(pieces)
    per_line = [p.decode("utf-8", "replace") for p in re.split(rb"\r\n|\r|\n", stream)]
    assert per_line == re.split(r"\r\n|\r|\n", stream.decode("utf-8", "replace"))
    # ... and splitting at the first colon commutes with decoding too.
    for raw, text in zip(re.split(rb"\r\n|\r|\n", stream), per_line, strict=True):
        name, _, value = raw.partition(b":")
        assert text.partition(":")[::2] == (
            name.decode("utf-8", "replace"),
            value.decode("utf-8", "replace"),
        )


# -- P4: line endings do not matter ----------------------------------------------------------------


@PROPERTY
@given(body=st.lists(lines, max_size=25), data=st.data())
def test_p4_line_ending_invariance(
    sse_decoder_cls: type, body: list[bytes], data: st.DataObject
) -> None:
    outcomes = []
    for ending in ENDINGS:
        stream = b"".join(line + ending for line in body)
        outcomes.append(run(sse_decoder_cls, data.draw(partitions(stream))))
    assert outcomes[0] == outcomes[1] == outcomes[2]


# -- P5: serialize -> parse round trip -------------------------------------------------------------

field_text = st.text(st.characters(blacklist_categories=["Cs"], blacklist_characters="\r\n"))
data_text = st.text(
    st.one_of(
        st.characters(blacklist_categories=["Cs"], blacklist_characters="\r"),
        st.sampled_from(["\n", ":", " ", "\x00", "\u2028", "\u2029", "\u0085", "\ufeff"]),
    )
)


@PROPERTY
@given(
    events=st.lists(
        st.tuples(
            field_text.filter(bool) | st.none(),
            data_text,
            field_text.filter(lambda s: "\x00" not in s) | st.none(),
            st.integers(0, 10**30) | st.none(),
        ),
        max_size=8,
    ),
    ending=st.sampled_from(ENDINGS),
    data=st.data(),
)
def test_p5_round_trip(
    sse_decoder_cls: type, events: list[Any], ending: bytes, data: st.DataObject
) -> None:
    out, expected, last_id = [], [], None
    for event, text, id_, retry in events:
        if event is not None:
            out.append(f"event: {event}")
        if id_ is not None:
            out.append(f"id: {id_}")
            last_id = id_
        if retry is not None:
            out.append(f"retry:{retry}")
        out.extend(f"data: {part}" for part in text.split("\n"))
        out.append("")
        expected.append((event, text, last_id, retry))
    stream = b"".join(line.encode() + ending for line in out)
    got, _, _ = run(sse_decoder_cls, data.draw(partitions(stream)))
    assert got == expected


# -- E6: every byte offset is a chunk boundary ---------------------------------------------------


def _chat_chunk(i: int) -> bytes:
    return (
        b'data: {"id":"chatcmpl-1","object":"chat.completion.chunk","choices":[{"index":0,'
        b'"delta":{"content":"' + f"tok{i} \u00e9\u20ac\U0001f600".encode() + b'"}}]}\n\n'
    )


REALISTIC = (
    b"\xef\xbb\xbf: keep-alive\n\n"
    + _chat_chunk(0)
    + b'event: response.output_text.delta\r\nid: 41\r\ndata: {"delta":"a"}\r\n\r\n'
    + _chat_chunk(1).replace(b"\n", b"\r")
    + "retry: 1500\ndata: line one\ndata:  line two\u2028\n\n".encode()
    + b"id\nDATA: ignored\ndata: \xff\xe2\x82 after\n\n"
    + _chat_chunk(2)
    + b"data: [DONE]\n\n"
    + b"data: unterminated"
)
REALISTIC_EXPECTED = oracle(REALISTIC)


def test_realistic_stream_expectation_is_sane() -> None:
    events, last_id, retry = REALISTIC_EXPECTED
    assert len(events) == 7
    assert events[1][:3] == ("response.output_text.delta", '{"delta":"a"}', "41")
    assert events[-1][1] == "[DONE]"
    assert (last_id, retry) == ("", 1500)


def test_every_byte_offset(sse_decoder_cls: type) -> None:
    for cut in range(len(REALISTIC) + 1):
        chunks = [REALISTIC[:cut], b"", REALISTIC[cut:]]
        assert run(sse_decoder_cls, chunks) == REALISTIC_EXPECTED, cut


def test_one_byte_chunks(sse_decoder_cls: type) -> None:
    assert run(sse_decoder_cls, fragments(REALISTIC, 1)) == REALISTIC_EXPECTED


@pytest.mark.parametrize("ending", ENDINGS, ids=["lf", "cr", "crlf"])
def test_every_pair_of_offsets(sse_decoder_cls: type, ending: bytes) -> None:
    frame = b"\xef\xbb\xbfid: 1" + ending + "data: \u00e9\U0001f600".encode() + ending * 2
    frame += b": c" + ending + b"data" + ending + ending
    expected = oracle(frame)
    assert len(expected[0]) == 2
    for i in range(len(frame) + 1):
        for j in range(i, len(frame) + 1):
            assert run(sse_decoder_cls, [frame[:i], frame[i:j], frame[j:]]) == expected, (i, j)


@pytest.mark.c_extension
def test_every_byte_offset_twins_identical(sse_py: ModuleType, sse_c: ModuleType) -> None:
    for cut in range(len(REALISTIC) + 1):
        chunks = [REALISTIC[:cut], REALISTIC[cut:]]
        assert run(sse_c.SSEDecoder, chunks) == run(sse_py.SSEDecoder, chunks), cut
    one_byte = fragments(REALISTIC, 1)
    assert run(sse_c.SSEDecoder, one_byte) == run(sse_py.SSEDecoder, one_byte)


# -- P6 / E4 / E5: resource bounds -----------------------------------------------------------------


@PROPERTY
@given(data=st.data())
def test_p6_buffer_never_exceeds_unfinished_line(
    sse_decoder_cls: type, data: st.DataObject
) -> None:
    stream = data.draw(streams())
    decoder = sse_decoder_cls()
    fed = 0
    for chunk in data.draw(partitions(stream)):
        decoder.feed(chunk)
        fed += len(chunk)
        consumed = stream[:fed]
        unfinished = len(consumed) - 1 - max(consumed.rfind(b"\r"), consumed.rfind(b"\n"))
        assert decoder.buffered <= unfinished


@pytest.mark.parametrize("line", [b": ping\n", b"ignored: x\n", b":\r\n", b"\n", b"id: 5\r"])
def test_ignored_lines_are_discarded_incrementally(sse_decoder_cls: type, line: bytes) -> None:
    decoder = sse_decoder_cls()
    for _ in range(10_000):
        assert decoder.feed(line) == []
        assert decoder.buffered == 0
    assert [e.data for e in decoder.feed(b"data: ok\n\n")] == ["ok"]


@pytest.mark.parametrize("size", [4093, 1 << 20])
def test_large_line_in_big_chunks(sse_decoder_cls: type, size: int) -> None:
    value = "x" * (10 * 1024 * 1024) + "\u0438\u0437\u2028"
    stream = ("data:" + value + "\r\n\r\n").encode()
    assert run(sse_decoder_cls, fragments(stream, size)) == ([(None, value, None, None)], "", None)


def test_64_mib_event(sse_decoder_cls: type) -> None:
    block = b"x" * (1 << 20)
    decoder = sse_decoder_cls()
    assert decoder.feed(b"data:") == []
    for _ in range(64):
        assert decoder.feed(block) == []
    (event,) = decoder.feed(b"x\n\n")
    assert len(event.data) == 64 * (1 << 20) + 1
    assert decoder.buffered == 0


def _feed_one_byte_line(decoder_cls: type, size: int) -> float:
    decoder = decoder_cls()
    feed = decoder.feed
    start = time.perf_counter()
    feed(b"data: ")
    for _ in range(size):
        feed(b"x")
    (event,) = feed(b"\n\n")
    elapsed = time.perf_counter() - start
    assert len(event.data) == size
    return elapsed


def test_one_byte_chunks_take_linear_time(sse_decoder_cls: type) -> None:
    # A quadratic extractor (re-scanning or re-joining the buffer per chunk) would take ~16x
    # longer for 4x the bytes; at these sizes it would not finish at all. Linear is ~4x.
    small = min(_feed_one_byte_line(sse_decoder_cls, 1 << 20) for _ in range(2))
    large = _feed_one_byte_line(sse_decoder_cls, 1 << 22)
    assert large < 10 * small + 0.05
