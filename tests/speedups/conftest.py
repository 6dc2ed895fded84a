"""Every speedups test runs against both twins through one session fixture (multidict's model).

The compiled param is not skipped when the extension is missing: it errors, so a broken build
cannot pass as green. With ``OXIDE_NO_EXTENSIONS`` set (``make test-pure``) only the Python
param exists, and tests marked ``c_extension`` (those that need both twins at once) are
deselected.
"""

from __future__ import annotations

from dataclasses import dataclass
from importlib import import_module
from types import ModuleType

import pytest

from oxide._speedups import NO_EXTENSIONS

C_EXT_MARK = pytest.mark.c_extension


@dataclass(frozen=True)
class Twin:
    """One implementation of a hot path: the pure-Python twin or the compiled one."""

    is_pure_python: bool

    @property
    def tag(self) -> str:
        return "py" if self.is_pure_python else "c"

    def module(self, name: str) -> ModuleType:
        """``oxide._speedups._<name>_py`` or ``_<name>_c``; ImportError if not built."""
        return import_module(f"oxide._speedups._{name}_{self.tag}")

    def __str__(self) -> str:
        return self.tag


PY = Twin(is_pure_python=True)
C = Twin(is_pure_python=False)
TWINS = [PY] if NO_EXTENSIONS else [pytest.param(C, marks=C_EXT_MARK), PY]


def pytest_configure(config: pytest.Config) -> None:
    config.addinivalue_line(
        "markers", f"{C_EXT_MARK.name}: needs the compiled twins (deselected when pure)"
    )


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    if not NO_EXTENSIONS:
        return
    here = str(config.rootpath / "tests" / "speedups")
    keep, drop = [], []
    for item in items:
        mine = str(item.path).startswith(here)
        (drop if mine and item.get_closest_marker(C_EXT_MARK.name) else keep).append(item)
    if drop:
        config.hook.pytest_deselected(items=drop)
        items[:] = keep


@pytest.fixture(scope="session", params=TWINS, ids=str)
def twin(request: pytest.FixtureRequest) -> Twin:
    return request.param  # type: ignore[no-any-return]


@pytest.fixture(scope="session")
def sse_module(twin: Twin) -> ModuleType:
    return twin.module("sse")


@pytest.fixture(scope="session")
def sse_decoder_cls(sse_module: ModuleType) -> type:
    """``SSEDecoder`` of each twin in turn."""
    return sse_module.SSEDecoder  # type: ignore[no-any-return]


@pytest.fixture(scope="session")
def sse_py() -> ModuleType:
    return PY.module("sse")


@pytest.fixture(scope="session")
def sse_c() -> ModuleType:
    """The compiled twin, for tests that compare the two (mark them ``c_extension``)."""
    return C.module("sse")


@pytest.fixture(scope="session")
def tool_calls_module(twin: Twin) -> ModuleType:
    return twin.module("tool_calls")


@pytest.fixture(scope="session")
def assembler_cls(tool_calls_module: ModuleType) -> type:
    """``ToolCallAssembler`` of each twin in turn."""
    return tool_calls_module.ToolCallAssembler  # type: ignore[no-any-return]


@pytest.fixture(scope="session")
def tool_calls_py() -> ModuleType:
    return PY.module("tool_calls")


@pytest.fixture(scope="session")
def tool_calls_c() -> ModuleType:
    """The compiled twin, for tests that compare the two (mark them ``c_extension``)."""
    return C.module("tool_calls")
