"""`extract_files`, `deepcopy_with_paths`, `form_fields`: the SDK's behaviour, checked against
the SDK's own functions on the same inputs (and its own unit tests, ported)."""

from __future__ import annotations

import copy
import io
import pathlib
from collections.abc import Sequence
from types import SimpleNamespace
from typing import Any

import pytest
from openai._base_client import BaseClient
from openai._files import deepcopy_with_paths as sdk_deepcopy_with_paths
from openai._qs import Querystring
from openai._utils import extract_files as sdk_extract_files

from oxide._files import (
    ArrayFormat,
    FileTypes,
    assert_is_file_content,
    deepcopy_with_paths,
    extract_files,
    form_fields,
)
from oxide._types import NOT_GIVEN, omit

# -- the SDK's tests (tests/test_extract_files.py, tests/test_files.py), ported ------------------


def test_removes_files_from_input() -> None:
    query: dict[str, Any] = {"foo": "bar"}
    assert extract_files(query, paths=[]) == []
    assert query == {"foo": "bar"}

    query2: dict[str, Any] = {"foo": b"Bar", "hello": "world"}
    assert extract_files(query2, paths=[["foo"]]) == [("foo", b"Bar")]
    assert query2 == {"hello": "world"}

    query3: dict[str, Any] = {"foo": {"foo": {"bar": b"Bar"}}, "hello": "world"}
    assert extract_files(query3, paths=[["foo", "foo", "bar"]]) == [("foo[foo][bar]", b"Bar")]
    assert query3 == {"foo": {"foo": {}}, "hello": "world"}

    query4: dict[str, Any] = {"foo": {"bar": b"Bar", "baz": "foo"}, "hello": "world"}
    assert extract_files(query4, paths=[["foo", "bar"]]) == [("foo[bar]", b"Bar")]
    assert query4 == {"hello": "world", "foo": {"baz": "foo"}}


def test_multiple_files() -> None:
    query: dict[str, Any] = {"documents": [{"file": b"My first file"}, {"file": b"My second file"}]}
    assert extract_files(query, paths=[["documents", "<array>", "file"]]) == [
        ("documents[][file]", b"My first file"),
        ("documents[][file]", b"My second file"),
    ]
    assert query == {"documents": [{}, {}]}


def test_top_level_file_array() -> None:
    query: dict[str, Any] = {"files": [b"file one", b"file two"], "title": "hello"}
    assert extract_files(query, paths=[["files", "<array>"]]) == [
        ("files[]", b"file one"),
        ("files[]", b"file two"),
    ]
    assert query == {"title": "hello"}


@pytest.mark.parametrize(
    "query,paths",
    [
        ({"foo": {"bar": "baz"}}, [["foo", "<array>", "bar"]]),
        ({"foo": ["bar", "baz"]}, [["foo", "bar"]]),
        ({"foo": {"bar": "baz"}}, [["foo", "foo"]]),
    ],
    ids=["dict expecting array", "array expecting dict", "unknown keys"],
)
def test_ignores_incorrect_paths(query: dict[str, object], paths: Sequence[Sequence[str]]) -> None:
    assert extract_files(query, paths=paths) == []


@pytest.mark.parametrize(
    "array_format,expected_top_level,expected_nested",
    [
        (
            "brackets",
            [("files[]", b"a"), ("files[]", b"b")],
            [("items[][file]", b"a"), ("items[][file]", b"b")],
        ),
        (
            "repeat",
            [("files", b"a"), ("files", b"b")],
            [("items[file]", b"a"), ("items[file]", b"b")],
        ),
        (
            "comma",
            [("files", b"a"), ("files", b"b")],
            [("items[file]", b"a"), ("items[file]", b"b")],
        ),
        (
            "indices",
            [("files[0]", b"a"), ("files[1]", b"b")],
            [("items[0][file]", b"a"), ("items[1][file]", b"b")],
        ),
    ],
)
def test_array_format_controls_file_field_names(
    array_format: ArrayFormat,
    expected_top_level: list[tuple[str, FileTypes]],
    expected_nested: list[tuple[str, FileTypes]],
) -> None:
    top_level: dict[str, Any] = {"files": [b"a", b"b"]}
    assert (
        extract_files(top_level, paths=[["files", "<array>"]], array_format=array_format)
        == expected_top_level
    )
    nested: dict[str, Any] = {"items": [{"file": b"a"}, {"file": b"b"}]}
    assert (
        extract_files(nested, paths=[["items", "<array>", "file"]], array_format=array_format)
        == expected_nested
    )


def test_unset_file_is_skipped() -> None:
    for sentinel in (NOT_GIVEN, omit):
        query: dict[str, Any] = {"file": sentinel, "purpose": "x"}
        assert extract_files(query, paths=[["file"]]) == []


# -- the SDK's error for a wrong file entry -------------------------------------------------------


@pytest.mark.parametrize(
    "query,paths",
    [
        ({"file": "not-a-file.txt"}, [["file"]]),
        ({"file": 3}, [["file"]]),
        ({"image": [b"ok", "bad"]}, [["image", "<array>"]]),
        ({"docs": [{"file": {"x": 1}}]}, [["docs", "<array>", "file"]]),
    ],
)
def test_bad_entry_raises_the_sdk_error(query: dict[str, Any], paths: list[list[str]]) -> None:
    with pytest.raises(RuntimeError) as sdk_error:
        sdk_extract_files(copy.deepcopy(query), paths=paths)
    with pytest.raises(RuntimeError) as ours:
        extract_files(copy.deepcopy(query), paths=paths)
    assert str(ours.value) == str(sdk_error.value)
    assert "to be bytes, an io.IOBase instance, PathLike or a tuple but received" in str(ours.value)


def test_assert_is_file_content_message() -> None:
    with pytest.raises(
        RuntimeError,
        match=r"^Expected entry at `file` to be bytes, an io.IOBase instance, PathLike or a tuple but received <class 'str'> instead\. See https://github.com/openai/openai-python/tree/main#file-uploads$",
    ):
        assert_is_file_content("x", key="file")
    with pytest.raises(RuntimeError, match=r"^Expected file input `'x'` to be bytes"):
        assert_is_file_content("x")
    for ok in (b"x", ("a", b"x"), io.BytesIO(b"x"), pathlib.Path("x")):
        assert_is_file_content(ok, key="file")


# -- same results as the SDK's functions ---------------------------------------------------------

CASES: list[tuple[dict[str, Any], list[list[str]]]] = [
    ({"file": b"x", "purpose": "assistants"}, [["file"]]),
    ({"image": [b"a", b"b"], "prompt": "p", "n": 2}, [["image", "<array>"], ["mask"]]),
    ({"image": b"a", "mask": b"m"}, [["image", "<array>"], ["image"], ["mask"]]),
    ({"files": [b"a", ("n.txt", b"b")]}, [["files", "<array>"], ["files"]]),
    (
        {"docs": [{"file": b"1", "meta": {"k": "v"}}, {"file": b"2"}], "keep": [1, 2]},
        [["docs", "<array>", "file"]],
    ),
    ({"a": {"b": {"c": b"deep", "d": 1}}}, [["a", "b", "c"]]),
    ({"a": {"b": [[b"x", b"y"], [b"z"]]}}, [["a", "b", "<array>", "<array>"]]),
    ({"nothing": 1}, [["file"], ["x", "<array>"]]),
]


@pytest.mark.parametrize("array_format", ["brackets", "repeat", "comma", "indices"])
@pytest.mark.parametrize("query,paths", CASES)
def test_same_as_sdk(
    query: dict[str, Any], paths: list[list[str]], array_format: ArrayFormat
) -> None:
    ours_query = deepcopy_with_paths(query, paths)
    sdk_query = sdk_deepcopy_with_paths(query, paths)
    before = copy.deepcopy(query)
    ours = extract_files(ours_query, paths=paths, array_format=array_format)
    sdk = sdk_extract_files(sdk_query, paths=paths, array_format=array_format)
    assert ours == sdk
    assert ours_query == sdk_query
    assert query == before  # the copy took the mutation


class TestDeepcopyWithPaths:
    def test_copies_only_along_paths(self) -> None:
        off_path = {"baz": {}}
        original = {"foo": {"bar": off_path, "files": {"file": b"x"}}, "other": [1]}
        result = deepcopy_with_paths(original, [["foo", "files", "file"]])
        assert result == original
        assert result is not original
        assert result["foo"] is not original["foo"]
        assert result["foo"]["files"] is not original["foo"]["files"]
        assert result["foo"]["bar"] is off_path
        assert result["other"] is original["other"]

    def test_file_values_are_shared(self) -> None:
        content = b"contents"
        result = deepcopy_with_paths({"file": content}, [["file"]])
        assert result["file"] is content

    def test_array_paths_copy_lists_and_elements(self) -> None:
        elem = {"file": b"f1", "extra": 1}
        original = {"items": [elem]}
        result = deepcopy_with_paths(original, [["items", "<array>", "file"]])
        assert result["items"] is not original["items"]
        assert result["items"][0] is not elem
        assert result == original

    def test_no_paths_returns_the_object(self) -> None:
        original = {"foo": "bar"}
        assert deepcopy_with_paths(original, []) is original

    def test_list_without_array_step_is_shared(self) -> None:
        files = [b"a"]
        result = deepcopy_with_paths({"files": files}, [["files", "x"]])
        assert result["files"] is files


# -- form fields = the SDK's `_serialize_multipartform` as httpx expands it -------------------------


def sdk_fields(data: dict[str, Any]) -> list[tuple[str, str]]:
    # The SDK's method reads only `self.qs`: called unbound, with a stand-in self.
    serialized = BaseClient._serialize_multipartform(SimpleNamespace(qs=Querystring()), data)  # type: ignore[arg-type]
    out: list[tuple[str, str]] = []
    for key, value in serialized.items():
        for item in value if isinstance(value, list) else [value]:
            out.append((key, str(item)))
    return out


FORM_CASES: list[dict[str, Any]] = [
    {},
    {"purpose": "fine-tune"},
    {"n": 2, "f": 0.5, "big": 10**20, "tiny": 1e-7, "t": True, "fa": False, "none": None, "e": ""},
    {"nested": {"a": {"b": "c"}, "l": [1, 2]}, "after": "x"},
    {"lst": [{"p": 1, "q": 2}, {"p": 3, "q": 4}], "z": "end"},
    {"tup": ("a", "b"), "deep": [[1, 2], [3]], "unicode": "héllo ✓", "emptylist": []},
    {"metadata": {"key": "value", "n": None}, "chunking_strategy": {"type": "auto"}},
]


@pytest.mark.parametrize("data", FORM_CASES)
def test_form_fields_match_sdk(data: dict[str, Any]) -> None:
    assert form_fields(data) == sdk_fields(data)


def test_form_field_rules() -> None:
    assert form_fields(
        {"a": {"b": [True, None, 1.5]}, "s": "", "n": None, "x": NOT_GIVEN, "o": omit}
    ) == [("a[b][]", "true"), ("a[b][]", "1.5"), ("s", "")]
    assert form_fields(None) == []


def test_non_dict_body_raises_the_sdk_error() -> None:
    from types import MappingProxyType

    with pytest.raises(
        TypeError,
        match=r"^Expected query input to be a dictionary for multipart requests but got <class 'mappingproxy'> instead\.$",
    ):
        form_fields(MappingProxyType({"a": 1}))
