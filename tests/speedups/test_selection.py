"""``oxide._speedups``: which twin runs, and the twins' public surfaces being the same."""

from __future__ import annotations

import inspect
import pickle
import runpy
import sys
from types import ModuleType
from typing import Any

import pytest

import oxide._speedups as speedups


def test_c_extension_loaded() -> None:
    # Not skipped either way: a normal build must run the compiled twin (a failed compile would
    # otherwise go unnoticed), and OXIDE_NO_EXTENSIONS must really give the Python one.
    if speedups.NO_EXTENSIONS:
        assert speedups.IMPLEMENTATION == "py"
        assert speedups.SSEDecoderC is None
        assert speedups.SSEDecoder is speedups.SSEDecoderPy
    else:
        assert speedups.IMPLEMENTATION == "c"
        assert speedups.SSEDecoderC is not None
        assert speedups.SSEDecoder is speedups.SSEDecoderC
        assert speedups.SSEDecoder.__module__ == "oxide._speedups._sse_c"
    assert speedups.SSEDecoderPy.__module__ == "oxide._speedups._sse_py"
    assert speedups.ServerSentEvent.__module__ == speedups.SSEDecoder.__module__


@pytest.mark.parametrize(
    ("value", "disables"),
    [(None, False), ("", False), ("0", False), ("1", True), ("yes", True), ("false", True)],
)
def test_env_value_parsing(value: str | None, disables: bool) -> None:
    assert speedups._env_disables(value) is disables


def _select_again(monkeypatch: pytest.MonkeyPatch, env: str | None) -> dict[str, Any]:
    """Run the selection module's code afresh (the imported module is left alone)."""
    if env is None:
        monkeypatch.delenv("OXIDE_NO_EXTENSIONS", raising=False)
    else:
        monkeypatch.setenv("OXIDE_NO_EXTENSIONS", env)
    assert speedups.__file__ is not None
    return runpy.run_path(speedups.__file__, run_name=speedups.__name__)


def test_env_forces_python(monkeypatch: pytest.MonkeyPatch, sse_py: ModuleType) -> None:
    ns = _select_again(monkeypatch, "1")
    assert ns["IMPLEMENTATION"] == "py"
    assert ns["SSEDecoder"] is sse_py.SSEDecoder
    assert ns["ServerSentEvent"] is sse_py.ServerSentEvent
    assert ns["SSEDecoderC"] is None


@pytest.mark.c_extension
@pytest.mark.parametrize("env", [None, "", "0"])
def test_env_unset_or_zero_selects_c(
    monkeypatch: pytest.MonkeyPatch, sse_c: ModuleType, env: str | None
) -> None:
    ns = _select_again(monkeypatch, env)
    assert ns["IMPLEMENTATION"] == "c"
    assert ns["SSEDecoder"] is ns["SSEDecoderC"] is sse_c.SSEDecoder
    assert ns["ServerSentEvent"] is sse_c.ServerSentEvent


def test_import_error_falls_back(monkeypatch: pytest.MonkeyPatch, sse_py: ModuleType) -> None:
    monkeypatch.setitem(sys.modules, "oxide._speedups._sse_c", None)  # import raises ImportError
    ns = _select_again(monkeypatch, None)
    assert ns["IMPLEMENTATION"] == "py"
    assert ns["SSEDecoder"] is sse_py.SSEDecoder
    assert ns["SSEDecoderC"] is None


def test_non_cpython_is_pure(monkeypatch: pytest.MonkeyPatch, sse_py: ModuleType) -> None:
    monkeypatch.setattr(sys.implementation, "name", "pypy")
    ns = _select_again(monkeypatch, None)
    assert ns["IMPLEMENTATION"] == "py"
    assert ns["SSEDecoder"] is sse_py.SSEDecoder


def _public(obj: object) -> set[str]:
    return {name for name in dir(obj) if not name.startswith("_")}


@pytest.mark.c_extension
def test_twins_have_the_same_public_surface(sse_py: ModuleType, sse_c: ModuleType) -> None:
    assert sse_c.__all__ == sse_py.__all__
    for name in sse_py.__all__:
        assert _public(getattr(sse_c, name)) == _public(getattr(sse_py, name)), name
    for method in ("feed", "flush"):
        c_sig = inspect.signature(getattr(sse_c.SSEDecoder, method))
        py_sig = inspect.signature(getattr(sse_py.SSEDecoder, method))
        assert list(c_sig.parameters) == list(py_sig.parameters), method


def test_events_pickle(sse_decoder_cls: type) -> None:
    (event,) = sse_decoder_cls().feed(b"event: e\nid: 1\nretry: 5\ndata: d\n\n")
    assert pickle.loads(pickle.dumps(event)) == event
