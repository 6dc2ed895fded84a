"""oxide's PEP 517 backend: setuptools' own, with two differences.

* Cython is a build requirement only in a checkout. An sdist ships the generated .c files
  (and a PKG-INFO), so `pip install oxide-openai-<v>.tar.gz` builds with a C compiler alone.
* A build leaves the source tree as it found it: wheels are built in a fresh directory
  (OXIDE_BUILD_BASE, read by setup.py's `build` command), and the `*.egg-info` and generated
  .c files a build creates in the tree are removed afterwards. Nothing from an earlier build
  (a module since deleted, a .c from an older .pyx) can be reused by a later one.
"""

from __future__ import annotations

import os
import shutil
import tempfile
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from setuptools import build_meta as _setuptools
from setuptools.build_meta import *  # noqa: F403 - the hooks this module does not change

ROOT = Path.cwd()  # frontends run the backend from the source tree
CYTHON = "Cython>=3.0"


def _in_sdist() -> bool:
    return (ROOT / "PKG-INFO").is_file()


def _with_cython(requires: list[str]) -> list[str]:
    return requires if _in_sdist() else [*requires, CYTHON]


def get_requires_for_build_wheel(config_settings: Any = None) -> list[str]:
    with _clean_tree(fresh_build_dir=False):  # setuptools runs egg_info to answer
        return _with_cython(_setuptools.get_requires_for_build_wheel(config_settings))


def get_requires_for_build_editable(config_settings: Any = None) -> list[str]:
    return _with_cython(_setuptools.get_requires_for_build_editable(config_settings))


def get_requires_for_build_sdist(config_settings: Any = None) -> list[str]:
    # The sdist carries the .c files, so making one needs Cython (from a checkout).
    with _clean_tree(fresh_build_dir=False):
        return _with_cython(_setuptools.get_requires_for_build_sdist(config_settings))


def _generated() -> set[Path]:
    return {*ROOT.glob("*.egg-info"), *ROOT.glob("oxide/_speedups/*.c")}


@contextmanager
def _clean_tree(fresh_build_dir: bool) -> Iterator[None]:
    before = _generated()
    saved = os.environ.get("OXIDE_BUILD_BASE")
    build_base = tempfile.mkdtemp(prefix="oxide-build-") if fresh_build_dir else None
    if build_base:
        os.environ["OXIDE_BUILD_BASE"] = build_base
    try:
        yield
    finally:
        if build_base:
            shutil.rmtree(build_base, ignore_errors=True)
            if saved is None:
                os.environ.pop("OXIDE_BUILD_BASE", None)
            else:
                os.environ["OXIDE_BUILD_BASE"] = saved
        if not _in_sdist():  # an sdist's own .c files stay where they were shipped
            for path in _generated() - before:
                shutil.rmtree(path) if path.is_dir() else path.unlink()


def _wrap(hook: Callable[..., str], fresh_build_dir: bool) -> Callable[..., str]:
    def run(*args: Any, **kwargs: Any) -> str:
        with _clean_tree(fresh_build_dir):
            return hook(*args, **kwargs)

    run.__name__ = hook.__name__
    return run


build_wheel = _wrap(_setuptools.build_wheel, fresh_build_dir=True)
build_sdist = _wrap(_setuptools.build_sdist, fresh_build_dir=False)
prepare_metadata_for_build_wheel = _wrap(
    _setuptools.prepare_metadata_for_build_wheel, fresh_build_dir=False
)
