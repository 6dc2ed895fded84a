"""Declares oxide's optional Cython extensions; everything else lives in pyproject.toml.

OXIDE_NO_EXTENSIONS=1      build nothing (the pure-Python twins run)
OXIDE_REQUIRE_EXTENSIONS=1 a failed extension build is fatal (CI and wheel builds set it)

Cython is used when installed; otherwise the generated .c files shipped in the sdist are
compiled, so installing never needs Cython.
"""

from __future__ import annotations

import os
from pathlib import Path

from setuptools import Extension, setup

HERE = Path(__file__).parent
MODULES = [
    "oxide._speedups._sse_c",
    "oxide._speedups._tool_calls_c",
    "oxide._speedups._finite_c",
]


def _extensions() -> list[Extension]:
    # Same reading as oxide/_speedups/__init__.py: unset, "" and "0" mean "not set".
    if os.environ.get("OXIDE_NO_EXTENSIONS", "0") not in ("", "0"):
        return []
    required = os.environ.get("OXIDE_REQUIRE_EXTENSIONS", "0") not in ("", "0")
    try:
        from Cython.Build import cythonize
    except ImportError:
        cythonize = None
    exts = []
    for mod in MODULES:
        stem = mod.replace(".", "/")
        source = f"{stem}.pyx" if cythonize else f"{stem}.c"
        if not (HERE / source).exists():
            if required:
                raise SystemExit(f"OXIDE_REQUIRE_EXTENSIONS=1 but {source} is missing")
            continue
        exts.append(Extension(mod, [source], optional=not required, extra_compile_args=["-O3"]))
    if cythonize and exts:
        exts = cythonize(
            exts,
            language_level=3,
            compiler_directives={"boundscheck": False, "wraparound": False, "cdivision": True},
        )
        for ext in exts:
            ext.optional = not required
    return exts


setup(ext_modules=_extensions())
