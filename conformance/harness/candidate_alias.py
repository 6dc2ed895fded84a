"""pytest plugin: make `import openai[.x.y]` load the client under test.

Loaded with `-p candidate_alias` so it runs before any conftest or test module.
CANDIDATE is a colon-separated list of package prefixes tried in order, e.g.
`oxide.compat:oxide` maps `openai.types.chat` to `oxide.compat.types.chat`,
else `oxide.types.chat`. `conformance_overlay` is tried last: it supplies the few
private SDK modules that test modules import at top level (see overlay/), so a
candidate without them loses only the tests that use them, not whole files.
CANDIDATE=openai (the default) installs nothing: the suite runs as upstream.
"""

from __future__ import annotations

import importlib
import importlib.abc
import importlib.util
import os
import sys
from types import ModuleType

import pytest

PREFIXES = [p for p in os.environ.get("CANDIDATE", "openai").split(":") if p]
OVERLAY = "conformance_overlay"


class _AliasLoader(importlib.abc.Loader):
    def __init__(self, target: str) -> None:
        self.target = target

    def create_module(self, spec):  # type: ignore[no-untyped-def]
        module = importlib.import_module(self.target)
        self.real_spec = module.__spec__
        if not hasattr(module, "__path__"):
            # A plain-module candidate (oxide/compat.py): give it an empty __path__ so that
            # `import openai.types...` is still looked up (and answered by this finder).
            module.__path__ = []
        return module

    def exec_module(self, module: ModuleType) -> None:
        # The import system has just set __spec__ to the alias spec; put the real one
        # back, or relative imports inside the candidate warn (__package__ != __spec__.parent).
        module.__spec__ = self.real_spec


class _AliasFinder(importlib.abc.MetaPathFinder):
    def find_spec(self, name, path=None, target=None):  # type: ignore[no-untyped-def]
        if name != "openai" and not name.startswith("openai."):
            return None
        suffix = name[len("openai") :]
        for prefix in [*PREFIXES, OVERLAY]:
            try:
                if importlib.util.find_spec(prefix + suffix) is not None:
                    return importlib.util.spec_from_loader(name, _AliasLoader(prefix + suffix))
            except ModuleNotFoundError:  # parent package missing under this prefix
                continue
        return None


def _real_name(module: object) -> str:
    return getattr(module, "__name__", "?")


if PREFIXES != ["openai"]:
    if any(m == "openai" or m.startswith("openai.") for m in sys.modules):
        raise RuntimeError(
            "the official `openai` package was imported before the candidate alias was installed"
        )
    sys.meta_path.insert(0, _AliasFinder())


def _leaks() -> list[str]:
    allowed = (*PREFIXES, OVERLAY)
    return sorted(
        name
        for name, mod in list(sys.modules.items())
        if (name == "openai" or name.startswith("openai."))
        and not _real_name(mod).startswith(allowed)
    )


def pytest_terminal_summary(terminalreporter):  # type: ignore[no-untyped-def]
    import openai

    n = sum(1 for name in sys.modules if name == "openai" or name.startswith("openai."))
    terminalreporter.write_line(
        f"conformance: CANDIDATE={':'.join(PREFIXES)}; `openai` is {_real_name(openai)} from {openai.__file__}"
        f" ({n} openai.* modules in the controller, not the candidate: {_leaks() if PREFIXES != ['openai'] else 'n/a'})"
    )


@pytest.fixture(scope="session", autouse=True)
def _candidate_alias_check():  # type: ignore[no-untyped-def]
    """Errors (on the session's last test) if any `openai.*` module in this process is not the candidate."""
    yield
    if PREFIXES != ["openai"]:
        assert not _leaks(), f"modules named openai.* that are NOT the candidate: {_leaks()[:10]}"
