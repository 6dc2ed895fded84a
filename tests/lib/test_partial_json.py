"""oxide.lib._partial_json against jiter (the official SDK's partial parser) and json.loads."""

from __future__ import annotations

import json
from typing import Any

import jiter
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from oxide.lib import PartialJSONError, PartialJSONParser, parse_partial_json

# Differences from jiter documented in oxide/lib/_partial_json.py: no value yet -> None (jiter
# raises "EOF while parsing"); garbage after a value raises (jiter's partial mode drops it); a bad
# \u escape raises at once (jiter waits for four characters after the "u").
_JITER_LENIENT = ("after a value", "after the JSON value", "invalid \\u escape")

_WS = st.sampled_from(["", "", "", " ", "\n  ", "\t", "\r\n", "  "])
_NUMBER = st.from_regex(
    r"\A-?(0|[1-9][0-9]{0,24})(\.[0-9]{1,8})?([eE][+-]?[0-9]{1,3})?\Z", fullmatch=True
)
_LITERAL = st.sampled_from(["true", "false", "null"])
_SHORT_ESCAPES = {'"': '\\"', "\\": "\\\\", "\b": "\\b", "\f": "\\f", "\n": "\\n", "\r": "\\r"}
_SHORT_ESCAPES["\t"] = "\\t"


def _u_escape(ch: str) -> str:
    code = ord(ch)
    if code > 0xFFFF:  # a surrogate pair
        code -= 0x10000
        return f"\\u{0xD800 + (code >> 10):04x}\\u{0xDC00 + (code & 0x3FF):04X}"
    return f"\\u{code:04x}"


@st.composite
def _json_string(draw: st.DrawFn) -> str:
    chars = draw(
        st.text(
            st.one_of(
                st.characters(codec="utf-8", exclude_categories=("Cs",)),
                st.sampled_from(
                    ['"', "\\", "/", "\n", "\t", "\x00", "\x1f", "é", "😀", "\U0010ffff"]
                ),
            ),
            max_size=12,
        )
    )
    styles = draw(st.lists(st.integers(0, 3), min_size=len(chars), max_size=len(chars)))
    out = ['"']
    for ch, style in zip(chars, styles, strict=True):
        if style == 0 or ch in _SHORT_ESCAPES or ord(ch) < 0x20:
            if ch in _SHORT_ESCAPES and (style != 3 or ch in '"\\'):
                out.append(_SHORT_ESCAPES[ch])
            elif ord(ch) < 0x20 or style == 0:
                out.append(_u_escape(ch))
            else:
                out.append(ch)
        elif ch == "/" and style == 1:
            out.append("\\/")
        else:
            out.append(ch)
    out.append('"')
    return "".join(out)


def _array(children: list[tuple[str, str]]) -> str:
    return "[" + ",".join(ws + child for ws, child in children) + "]"


def _object(members: list[tuple[str, str, str, str]]) -> str:
    return "{" + ",".join(f"{a}{k}{b}:{c}{v}" for a, k, b, c, v in members) + "}"


_SCALAR = st.one_of(_NUMBER, _LITERAL, _json_string())
JSON_TEXT = st.recursive(
    _SCALAR,
    lambda inner: st.one_of(
        st.lists(st.tuples(_WS, inner), max_size=5).map(_array),
        st.lists(st.tuples(_WS, _json_string(), _WS, _WS, inner), max_size=5).map(_object),
    ),
    max_leaves=20,
).flatmap(lambda doc: st.tuples(_WS, _WS).map(lambda ws: ws[0] + doc + ws[1]))


def _jiter(data: bytes, trailing: bool) -> Any:
    return jiter.from_json(data, partial_mode="trailing-strings" if trailing else True)


def _check_prefix(prefix: str | bytes, trailing: bool) -> None:
    data = prefix if isinstance(prefix, bytes) else prefix.encode()
    ours = parse_partial_json(prefix, trailing_strings=trailing)
    try:
        theirs = _jiter(data, trailing)
    except ValueError as exc:
        assert ours is None, (prefix, ours, exc)  # documented: no value yet -> None
        return
    assert repr(ours) == repr(theirs), (prefix, ours, theirs)


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(JSON_TEXT)
def test_every_prefix_matches_jiter(doc: str) -> None:
    assert repr(parse_partial_json(doc)) == repr(json.loads(doc))
    assert repr(parse_partial_json(doc, trailing_strings=True)) == repr(json.loads(doc))
    for i in range(len(doc) + 1):
        _check_prefix(doc[:i], trailing=False)
        _check_prefix(doc[:i], trailing=True)


@settings(max_examples=75, deadline=None)
@given(JSON_TEXT)
def test_every_byte_prefix_matches_jiter(doc: str) -> None:
    data = doc.encode()
    for i in range(len(data) + 1):
        _check_prefix(data[:i], trailing=True)


@settings(max_examples=150, deadline=None)
@given(JSON_TEXT, st.data(), st.booleans())
def test_incremental_feed_equals_one_shot(doc: str, data: st.DataObject, trailing: bool) -> None:
    cuts = sorted(data.draw(st.lists(st.integers(0, len(doc)), max_size=30)))
    parser = PartialJSONParser(trailing_strings=trailing)
    last = 0
    for cut in [*cuts, len(doc)]:
        value = parser.feed(doc[last:cut])
        last = cut
        assert parser.text == doc[:cut]
        assert repr(value) == repr(parse_partial_json(doc[:cut], trailing_strings=trailing))
    assert parser.is_complete
    assert repr(parser.parse()) == repr(json.loads(doc))


@settings(max_examples=100, deadline=None)
@given(
    JSON_TEXT,
    st.data(),
    st.lists(st.sampled_from(list('{}[],:"\\x1-.eE tnu0 ')), min_size=1, max_size=3),
)
def test_mutated_text_agrees_with_jiter(doc: str, data: st.DataObject, junk: list[str]) -> None:
    """Random corruption: where oxide raises, jiter raises too (or it is jiter's documented leniency
    about garbage after a value); where oxide accepts, the values are jiter's."""
    pos = data.draw(st.integers(0, len(doc)))
    text = doc[:pos] + "".join(junk) + doc[pos:]
    for i in range(len(text) + 1):
        prefix = text[:i]
        for trailing in (False, True):
            try:
                ours = parse_partial_json(prefix, trailing_strings=trailing)
            except PartialJSONError as exc:
                try:
                    _jiter(prefix.encode(), trailing)
                except ValueError:
                    continue
                assert any(s in str(exc) for s in _JITER_LENIENT), (prefix, exc)
                continue
            try:
                theirs = _jiter(prefix.encode(), trailing)
            except ValueError:
                assert ours is None, (prefix, ours)
                continue
            assert repr(ours) == repr(theirs), (prefix, ours, theirs)


@pytest.mark.parametrize(
    ("text", "on", "trailing"),
    [
        ('{"a": "b', {}, {"a": "b"}),
        ('{"a', {}, {}),
        ('{"a"', {}, {}),
        ('{"a": ', {}, {}),
        ('{"a": 1.', {}, {}),
        ('{"a": 1e-', {}, {}),
        ('{"a": -', {}, {}),
        ('{"a": tru', {}, {}),
        ('{"a": 12', {"a": 12}, {"a": 12}),
        ('[1, "x', [1], [1, "x"]),
        ('["a\\', [], ["a"]),
        ('["a\\u00', [], ["a"]),
        ('["a\\ud83d', [], ["a"]),
        ('["a\\ud83d\\', [], ["a"]),
        ('["a\\ud83d\\ude00', [], ["a😀"]),
        ('[{"a": [1, {"b": "c', [{"a": [1, {}]}], [{"a": [1, {"b": "c"}]}]),
        ("[NaN, -Infinity", "[nan, -inf]", "[nan, -inf]"),
        ("[-Inf", [], []),
        ("[123456789012345678901234567890", [123456789012345678901234567890], None),
        ("[1e400", "[inf]", "[inf]"),
        ("", None, None),
        ("  \n", None, None),
        ('"abc', None, "abc"),
        ("tr", None, None),
        ("1.", None, None),
        ("12", 12, 12),
        ("true", True, True),
    ],
)
def test_examples(text: str, on: Any, trailing: Any) -> None:
    if trailing is None:
        trailing = on
    got_on = parse_partial_json(text)
    got_trailing = parse_partial_json(text, trailing_strings=True)
    if isinstance(on, str) and text.startswith("["):  # nan/inf: compare reprs
        assert repr(got_on) == on and repr(got_trailing) == trailing
    else:
        assert got_on == on and type(got_on) is type(on)
        assert got_trailing == trailing


@pytest.mark.parametrize(
    "text",
    [
        "}",
        "]",
        "[}",
        "{]",
        "{,",
        "{1",
        '{"a" 1',
        '{"a": 1,}',
        "[1,]",
        "[,",
        "[01",
        "[1.e",
        "[-a",
        "[1-2",
        "[trx",
        "[tx",
        "[True",
        '["\\x',
        '["\\u12g',
        '["\\udc00',
        '["\\ud83dx',
        '["\\ud83d\\n',
        '["\\ud83d\\u0041',
        '["a\nb"]',
        '["\x01',
        "[1 2",
        '{"a": 1}x',
        "1 2",
        "nul1",
        "[1]]",
    ],
)
def test_invalid_prefixes_raise(text: str) -> None:
    with pytest.raises(PartialJSONError) as info:
        parse_partial_json(text)
    assert isinstance(info.value, ValueError)
    assert "at byte" in str(info.value)


def test_parser_state_and_errors() -> None:
    parser = PartialJSONParser()
    assert parser.feed("") is None
    assert parser.feed('{"items": [') == {"items": []}
    snap = parser.feed('{"n": 1}')
    snap["items"].append("mutated")
    assert parser.feed(", ") == {"items": [{"n": 1}]}  # a fresh object per call
    assert parser.feed('"tw') == {"items": [{"n": 1}]}
    assert not parser.is_complete
    assert parser.feed('o"]}') == {"items": [{"n": 1}, "two"]}
    assert parser.is_complete
    assert parser.feed(" \n") == {"items": [{"n": 1}, "two"]}
    with pytest.raises(PartialJSONError):
        parser.feed("x")
    with pytest.raises(PartialJSONError):  # sticky
        parser.feed(" ")
    with pytest.raises(PartialJSONError):
        parser.parse()
    parser.reset()
    assert parser.feed("[1") == [1]
    assert parser.text == "[1"


def test_bytes_split_inside_a_character() -> None:
    data = '["é😀"]'.encode()
    parser = PartialJSONParser(trailing_strings=True)
    seen = [parser.feed(data[i : i + 1]) for i in range(len(data))]
    assert seen[-1] == ["é😀"]
    assert seen[2] == [""] and seen[3] == ["é"]  # b'["\xc3' -> the partial character is held back
    with pytest.raises(PartialJSONError, match="UTF-8"):
        PartialJSONParser().feed(b'["\xff')


def test_str_lone_surrogate_code_point_is_kept() -> None:
    # jiter takes bytes (the SDK's text.encode() raises here); documented difference.
    assert parse_partial_json('["a\ud800"]') == ["a\ud800"]
