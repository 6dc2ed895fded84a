"""The one place that decides which twin of each hot path runs.

Every hot path is a pair: ``_<name>_py.py`` (pure Python, the specification) and
``_<name>_c.pyx`` (Cython, the same names and signatures). The compiled twin is used unless

* ``OXIDE_NO_EXTENSIONS`` is set to anything but ``""`` or ``"0"``,
* the interpreter is not CPython, or
* the compiled module is not there (``ImportError``: e.g. an install that could not compile).

``IMPLEMENTATION`` says what runs: ``"c"`` when every compiled twin loaded, else ``"py"``.
The ``*Py`` / ``*C`` aliases name both twins for tests and benchmarks (``*C`` is ``None`` when
the compiled twin is not loaded). Type checkers see the Python twins' signatures only.

A new pair is added with one ``_select()`` call and its names below.
"""

from __future__ import annotations

import os
import sys
from importlib import import_module
from types import ModuleType
from typing import TYPE_CHECKING, Literal

__all__ = (
    "AssembledToolCall",
    "IMPLEMENTATION",
    "NO_EXTENSIONS",
    "ResponseFramingError",
    "ResponseParser",
    "ResponseParserC",
    "ResponseParserPy",
    "SSEDecoder",
    "SSEDecoderC",
    "SSEDecoderPy",
    "ServerSentEvent",
    "ToolCallAssembler",
    "ToolCallAssemblerC",
    "ToolCallAssemblerPy",
    "ToolCallEvent",
    "check_finite",
    "check_finite_c",
    "check_finite_py",
)


def _env_disables(value: str | None) -> bool:
    """Whether an ``OXIDE_NO_EXTENSIONS`` value forces the pure-Python twins."""
    return value not in (None, "", "0")


NO_EXTENSIONS: bool = (
    _env_disables(os.environ.get("OXIDE_NO_EXTENSIONS")) or sys.implementation.name != "cpython"
)

_missing: list[str] = []  # compiled twins that were wanted but did not import


def _select(name: str) -> tuple[ModuleType, ModuleType | None]:
    """Import the ``name`` pair: (the Python twin, the compiled twin or None)."""
    py = import_module(f"{__name__}._{name}_py")
    if NO_EXTENSIONS:
        return py, None
    try:
        return py, import_module(f"{__name__}._{name}_c")
    except ImportError:
        _missing.append(name)
        return py, None


if TYPE_CHECKING:
    from ._sse_py import ServerSentEvent as ServerSentEvent
    from ._sse_py import SSEDecoder as SSEDecoder
    from ._sse_py import SSEDecoder as SSEDecoderPy

    SSEDecoderC: type[SSEDecoder] | None

    from ._tool_calls_py import AssembledToolCall as AssembledToolCall
    from ._tool_calls_py import ToolCallAssembler as ToolCallAssembler
    from ._tool_calls_py import ToolCallAssembler as ToolCallAssemblerPy
    from ._tool_calls_py import ToolCallEvent as ToolCallEvent

    ToolCallAssemblerC: type[ToolCallAssembler] | None

    from collections.abc import Callable
    from typing import Any

    from ._finite_py import check_finite as check_finite
    from ._finite_py import check_finite as check_finite_py

    check_finite_c: Callable[[Any], None] | None

    from ._http1_common import ResponseFramingError as ResponseFramingError
    from ._http1_py import ResponseParser as ResponseParser
    from ._http1_py import ResponseParser as ResponseParserPy

    ResponseParserC: type[ResponseParser] | None
else:
    _sse_py, _sse_c = _select("sse")
    _sse = _sse_c or _sse_py
    SSEDecoder = _sse.SSEDecoder
    ServerSentEvent = _sse.ServerSentEvent
    SSEDecoderPy = _sse_py.SSEDecoder
    SSEDecoderC = _sse_c and _sse_c.SSEDecoder

    _tool_calls_py, _tool_calls_c = _select("tool_calls")
    _tool_calls = _tool_calls_c or _tool_calls_py
    ToolCallAssembler = _tool_calls.ToolCallAssembler
    ToolCallEvent = _tool_calls.ToolCallEvent
    AssembledToolCall = _tool_calls.AssembledToolCall
    ToolCallAssemblerPy = _tool_calls_py.ToolCallAssembler
    ToolCallAssemblerC = _tool_calls_c and _tool_calls_c.ToolCallAssembler

    _finite_py, _finite_c = _select("finite")
    check_finite = (_finite_c or _finite_py).check_finite
    check_finite_py = _finite_py.check_finite
    check_finite_c = _finite_c and _finite_c.check_finite

    _http1_py, _http1_c = _select("http1")
    ResponseParser = (_http1_c or _http1_py).ResponseParser
    ResponseFramingError = _http1_py.ResponseFramingError  # one class, shared by both twins
    ResponseParserPy = _http1_py.ResponseParser
    ResponseParserC = _http1_c and _http1_c.ResponseParser

IMPLEMENTATION: Literal["c", "py"] = "py" if NO_EXTENSIONS or _missing else "c"


def _warn_failed_build() -> None:
    """An install whose extension build failed says so at import (setup.py leaves the
    reasons in `_build_failed.txt`); OXIDE_NO_EXTENSIONS=1 chooses the pure twins silently."""
    marker = os.path.join(os.path.dirname(__file__), "_build_failed.txt")
    try:
        with open(marker, encoding="utf-8") as f:
            # "module: ErrorType: details" per line; the details (compiler commands) stay there.
            reasons = "; ".join(": ".join(line.split(": ")[:2]) for line in f if line.strip())
    except OSError:
        return
    import warnings

    warnings.warn(
        "oxide's C extensions could not be built when it was installed, so its pure-Python"
        f" twins run: the same behaviour at more CPU per call ({reasons}; details in {marker})."
        " Reinstall with a C compiler, or set OXIDE_NO_EXTENSIONS=1 to use the pure twins"
        " without this warning.",
        RuntimeWarning,
        stacklevel=3,
    )


if _missing and not NO_EXTENSIONS:
    _warn_failed_build()
