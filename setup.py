"""Declares oxide's optional Cython extensions; everything else lives in pyproject.toml.

OXIDE_NO_EXTENSIONS=1      build nothing (the pure-Python twins run)
OXIDE_REQUIRE_EXTENSIONS=1 a failed extension build is fatal (CI and wheel builds set it)

Cython is used when installed; otherwise the generated .c files shipped in the sdist are
compiled, so installing never needs Cython (build_backend/ asks for Cython only in a checkout).

A build that could not compile an extension still installs (the pure-Python twins are the
same interface), but not silently: it prints a banner, and writes
`oxide/_speedups/_build_failed.txt` into what it installs, so `import oxide` warns until the
extension is rebuilt or OXIDE_NO_EXTENSIONS=1 says the pure twins are wanted.

No stale artefact is reused: a generated .c older than its .pyx is never compiled, and wheel
builds work in a fresh build directory (OXIDE_BUILD_BASE, set by build_backend/), so a module
deleted from the checkout cannot ride along in a wheel from an old build/lib.
"""

from __future__ import annotations

import os
import sys
from pathlib import Path

from setuptools import Extension, setup
from setuptools.command.build import build as _build
from setuptools.command.build_ext import build_ext as _build_ext
from setuptools.command.build_py import build_py as _build_py

HERE = Path(__file__).parent
MODULES = [
    "oxide._speedups._sse_c",
    "oxide._speedups._tool_calls_c",
    "oxide._speedups._finite_c",
    "oxide._speedups._http1_c",
]
FAILED_MARKER = Path("oxide", "_speedups", "_build_failed.txt")
# Optimised, without debug info (it tripled the size of the shared objects).
FLAGS = ["/O2"] if sys.platform == "win32" else ["-O3", "-g0"]


def _flag(name: str) -> bool:
    # Same reading as oxide/_speedups/__init__.py: unset, "" and "0" mean "not set".
    return os.environ.get(name, "0") not in ("", "0")


def _banner(lines: list[str]) -> None:
    rule = "!" * 78
    print("\n".join([rule, *(f"!! {line}" for line in lines), rule]), file=sys.stderr)


# Why an extension is not built even though one was asked for (shown, and recorded).
_problems: list[str] = []


def _extensions() -> list[Extension]:
    if _flag("OXIDE_NO_EXTENSIONS"):
        return []
    required = _flag("OXIDE_REQUIRE_EXTENSIONS")
    try:
        from Cython.Build import cythonize
    except ImportError:
        cythonize = None
    exts = []
    for mod in MODULES:
        stem = mod.replace(".", "/")
        pyx, c = HERE / f"{stem}.pyx", HERE / f"{stem}.c"
        if cythonize is None:
            # A .c left behind by an older checkout build does not match its .pyx any more.
            if c.exists() and pyx.exists() and c.stat().st_mtime < pyx.stat().st_mtime:
                _problems.append(f"{c.relative_to(HERE)} is older than its .pyx (stale)")
                continue
            if not c.exists():
                _problems.append(f"{c.relative_to(HERE)} is missing and Cython is not installed")
                continue
        source = f"{stem}.pyx" if cythonize else f"{stem}.c"
        exts.append(Extension(mod, [source], optional=not required, extra_compile_args=FLAGS))
    if _problems and required:
        raise SystemExit("OXIDE_REQUIRE_EXTENSIONS=1 but: " + "; ".join(_problems))
    if cythonize and exts:
        exts = cythonize(
            exts,
            language_level=3,
            compiler_directives={"boundscheck": False, "wraparound": False, "cdivision": True},
        )
        for ext in exts:
            ext.optional = not required
    return exts


class build(_build):  # noqa: N801 - setuptools' command name
    def initialize_options(self) -> None:
        super().initialize_options()
        # A fresh directory per wheel build (see the module docstring).
        self.build_base = os.environ.get("OXIDE_BUILD_BASE") or self.build_base


class build_ext(_build_ext):  # noqa: N801
    def run(self) -> None:
        self._failed = list(_problems)
        super().run()
        self._record()

    def build_extension(self, ext: Extension) -> None:
        try:
            super().build_extension(ext)
        except Exception as exc:  # recorded, then setuptools decides (optional or fatal)
            self._failed.append(f"{ext.name}: {type(exc).__name__}: {exc}")
            raise

    def _record(self) -> None:
        _record(HERE if self.inplace else Path(self.build_lib), self._failed)


class build_py(_build_py):  # noqa: N801
    def run(self) -> None:
        super().run()
        # Nothing left to compile (no Cython, no usable .c): build_ext does not run at all.
        if _problems and not self.distribution.ext_modules:
            _record(Path(self.build_lib), _problems)


def _record(root: Path, failed: list[str]) -> None:
    marker = root / FAILED_MARKER
    if not failed:
        marker.unlink(missing_ok=True)  # an earlier failure was fixed
        return
    _banner(
        [
            "oxide: the C extensions were NOT built; the pure-Python twins will run",
            "(same behaviour, more CPU per call). `import oxide` warns about it.",
            *failed,
            "Install a C compiler (and Cython for a checkout) and reinstall,",
            "or set OXIDE_NO_EXTENSIONS=1 to build and use the pure twins on purpose.",
        ]
    )
    marker.parent.mkdir(parents=True, exist_ok=True)
    marker.write_text("\n".join(failed) + "\n", encoding="utf-8")


setup(
    ext_modules=_extensions(),
    cmdclass={"build": build, "build_ext": build_ext, "build_py": build_py},
)
