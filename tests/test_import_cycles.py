"""The engine's modules import in any order: no import cycle between the request engine, the
response wrappers, the pages and the resources (each is imported first, alone, in a fresh
interpreter, so a cycle shows up as an ImportError instead of hiding behind import order)."""

from __future__ import annotations

import pkgutil
import subprocess
import sys

import pytest

import oxide
import oxide.resources

ENGINE = [
    "oxide._base_client",
    "oxide._client",
    "oxide._client_resources",
    "oxide._compat",
    "oxide._decode",
    "oxide._files",
    "oxide._legacy_response",
    "oxide._options",
    "oxide._qs",
    "oxide._resource",
    "oxide._response",
    "oxide._streaming",
    "oxide._sync",
    "oxide._types",
    "oxide._utils",
    "oxide.pagination",
]


def _import_alone(names: list[str]) -> list[str]:
    """Each module imported first in its own interpreter; the ones that failed, with why."""
    code = (
        "import importlib, subprocess, sys\n"
        "failed = []\n"
        "for name in sys.argv[1:]:\n"
        "    r = subprocess.run([sys.executable, '-c', f'import {name}'], capture_output=True,"
        " text=True)\n"
        "    if r.returncode: failed.append(name + ': ' + r.stderr.strip().splitlines()[-1])\n"
        "print('\\n'.join(failed))\n"
    )
    out = subprocess.run(
        [sys.executable, "-c", code, *names], capture_output=True, text=True, check=True
    )
    return [line for line in out.stdout.splitlines() if line]


def test_engine_modules_import_alone() -> None:
    assert _import_alone(ENGINE) == []


@pytest.mark.parametrize("group", ["chat", "responses", "files"])
def test_resource_modules_import_alone(group: str) -> None:
    package = f"oxide.resources.{group}"
    names = [package]
    module = __import__(package, fromlist=["_"])
    if hasattr(module, "__path__"):
        names += [m.name for m in pkgutil.walk_packages(module.__path__, package + ".")]
    assert _import_alone(names) == []


def test_every_resource_module_imports() -> None:
    # In one interpreter, all of them (the per-module runs above sample the groups).
    names = [m.name for m in pkgutil.walk_packages(oxide.resources.__path__, "oxide.resources.")]
    assert len(names) > 100
    code = "import importlib, sys\nfor n in sys.argv[1:]: importlib.import_module(n)\n"
    out = subprocess.run([sys.executable, "-c", code, *names], capture_output=True, text=True)
    assert out.returncode == 0, out.stderr
    assert oxide.__version__
