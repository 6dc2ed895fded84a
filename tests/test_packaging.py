"""Packaging rules that `make test` can check quickly (`make wheel` builds and installs for real).

* The build backend asks for Cython in a checkout only: an sdist (a PKG-INFO at its root)
  compiles the C files it ships.
* The installed distribution is `oxide-openai`, with the `oxide` command as an entry point that
  resolves, and no auto-loaded pytest plugin.
* `import oxide` warns when the install's extension build failed (the marker setup.py leaves),
  and OXIDE_NO_EXTENSIONS=1 silences it.
"""

from __future__ import annotations

import importlib.metadata
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
BACKEND = ROOT / "build_backend"


def backend_requires(cwd: Path) -> str:
    code = (
        f"import sys; sys.path.insert(0, {str(BACKEND)!r}); import oxide_build_backend as b;"
        " print(b._with_cython(['setuptools>=77']))"
    )
    out = subprocess.run(
        [sys.executable, "-c", code], cwd=cwd, capture_output=True, text=True, check=True
    )
    return out.stdout.strip()


@pytest.mark.checkout
def test_cython_is_a_build_requirement_in_a_checkout_only(tmp_path: Path) -> None:
    assert backend_requires(ROOT) == "['setuptools>=77', 'Cython>=3.0']"
    (tmp_path / "PKG-INFO").write_text("Metadata-Version: 2.4\nName: oxide-openai\n")
    assert backend_requires(tmp_path) == "['setuptools>=77']"


def test_distribution_name_and_entry_points() -> None:
    dist = importlib.metadata.distribution("oxide-openai")
    points = {(ep.group, ep.name): ep for ep in dist.entry_points}
    assert points[("console_scripts", "oxide")].load().__module__ == "oxide._cli"
    # Opt-in (conftest `pytest_plugins`), never auto-loaded: pytest would rewrite the asserts
    # of every oxide module in every project that has oxide installed.
    assert not [ep for ep in dist.entry_points if ep.group == "pytest11"]
    assert dist.metadata["License-Expression"] == "Apache-2.0"


def test_a_failed_extension_build_warns_at_import(tmp_path: Path) -> None:
    """A copy of the package with the marker and without the compiled twins, as a build whose
    compiler failed installs it."""
    import oxide

    package = tmp_path / "oxide"
    shutil.copytree(
        Path(oxide.__file__).parent,
        package,
        ignore=shutil.ignore_patterns("*.so", "*.pyd", "__pycache__", "_build_failed.txt"),
    )
    (package / "_speedups" / "_build_failed.txt").write_text(
        "oxide._speedups._sse_c: CompileError: command 'cc' failed\n"
    )
    probe = "import warnings; warnings.simplefilter('error'); import oxide"
    env = {k: v for k, v in os.environ.items() if k != "OXIDE_NO_EXTENSIONS"}
    loud = subprocess.run(
        [sys.executable, "-c", probe], cwd=tmp_path, env=env, capture_output=True, text=True
    )
    assert loud.returncode != 0
    assert "oxide's C extensions could not be built" in loud.stderr
    assert "oxide._speedups._sse_c: CompileError" in loud.stderr
    quiet = subprocess.run(
        [sys.executable, "-c", probe + "; import oxide._speedups as s; print(s.IMPLEMENTATION)"],
        cwd=tmp_path,
        env={**env, "OXIDE_NO_EXTENSIONS": "1"},
        capture_output=True,
        text=True,
    )
    assert quiet.returncode == 0, quiet.stderr
    assert quiet.stdout.strip() == "py"
