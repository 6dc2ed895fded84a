"""What the three harnesses share: loading both twins, comparing outcomes, starting atheris.

A harness runs in a process started by ``fuzz/run.py`` with the ASan runtime preloaded. The
Python twin comes from the checkout (instrumented by atheris, so its branches guide the fuzzer
too); the compiled twin comes from the ASan build in ``build/fuzz/lib`` (``OXIDE_FUZZ_BUILD``),
never from the in-place ``.so`` the tests use.
"""

from __future__ import annotations

import importlib
import importlib.util
import os
import sys
from collections.abc import Callable
from pathlib import Path
from types import ModuleType
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
BUILD = Path(os.environ.get("OXIDE_FUZZ_BUILD", ROOT / "build" / "fuzz" / "lib"))
# Coverage of the Python twin's branches as well as the compiled twin's: more guidance, but
# 2-3x fewer executions per second (atheris calls back on every branch).
INSTRUMENT_PY = os.environ.get("OXIDE_FUZZ_INSTRUMENT_PY", "0") not in ("", "0")

# oxide._speedups must not import the in-place (uninstrumented) compiled twins: the ASan ones
# are loaded by path below under the same module names.
os.environ["OXIDE_NO_EXTENSIONS"] = "1"
# The package without its __init__ (the whole client): the harnesses need only the hot paths
# and the chunk types, so a client module mid-edit elsewhere cannot stop a fuzz run.
_package = ModuleType("oxide")
_package.__path__ = [str(ROOT / "oxide")]
sys.modules.setdefault("oxide", _package)

import atheris  # noqa: E402


class Divergence(AssertionError):
    """The twins disagreed (or broke a documented rule): a finding."""


def load_twins(name: str) -> tuple[ModuleType, ModuleType]:
    """(the Python twin, instrumented; the ASan-built compiled twin) of ``name``."""
    import oxide._speedups  # noqa: F401  # the parent package, with no compiled twin loaded

    py_name = f"oxide._speedups._{name}_py"
    if INSTRUMENT_PY:
        sys.modules.pop(py_name, None)  # oxide's own import of it is not instrumented
        with atheris.instrument_imports(include=[py_name]):
            py = importlib.import_module(py_name)
    else:
        py = importlib.import_module(py_name)

    c_name = f"oxide._speedups._{name}_c"
    found = sorted((BUILD / "oxide" / "_speedups").glob(f"_{name}_c.*.so"))
    if not found:
        raise SystemExit(f"{c_name} is not built in {BUILD}: run `make fuzz`")
    spec = importlib.util.spec_from_file_location(c_name, found[0])
    assert spec is not None and spec.loader is not None
    c = importlib.util.module_from_spec(spec)
    sys.modules[c_name] = c
    spec.loader.exec_module(c)
    return py, c


def outcome(fn: Callable[..., Any], *args: Any) -> tuple[str, Any]:
    """``("ok", fn(*args))`` or ``("raised", the exception's type)``."""
    try:
        return "ok", fn(*args)
    except Exception as exc:  # every exception is compared, none is a crash by itself
        return "raised", type(exc)


def same(what: str, py: Any, c: Any, data: Any) -> None:
    if py != c:
        raise Divergence(f"{what}:\n  py: {py!r}\n  c:  {c!r}\n  input: {data!r}")


def main(test_one_input: Callable[[bytes], None]) -> None:
    atheris.Setup(sys.argv, test_one_input)
    atheris.Fuzz()
