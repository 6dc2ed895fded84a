"""`oxide.compat.<path>` is `oxide.<path>`: a module finder that answers imports under
`oxide.compat` with oxide's modules of the same path (the very module objects, so classes and
isinstance checks are shared), so `from oxide.compat.types.chat import ChatCompletion` works as
`from openai.types.chat import ChatCompletion` does."""

from __future__ import annotations

import importlib
import importlib.abc
import importlib.machinery
import importlib.util
import sys
from types import ModuleType
from typing import Any

__all__ = ["install_module_aliases"]

_PREFIX = "oxide.compat."


class _AliasLoader(importlib.abc.Loader):
    def __init__(self, target: str) -> None:
        self.target = target
        self.real_spec: Any = None

    def create_module(self, spec: importlib.machinery.ModuleSpec) -> ModuleType:
        module = importlib.import_module(self.target)
        self.real_spec = module.__spec__
        return module

    def exec_module(self, module: ModuleType) -> None:
        # Already executed under its own name. The import system has just given it the alias's
        # spec: put its own back, or its relative imports would resolve under `oxide.compat`.
        module.__spec__ = self.real_spec


class _AliasFinder(importlib.abc.MetaPathFinder):
    def find_spec(
        self, fullname: str, path: Any = None, target: ModuleType | None = None
    ) -> importlib.machinery.ModuleSpec | None:
        if not fullname.startswith(_PREFIX) or fullname.startswith(_PREFIX + "_"):
            return None
        real = "oxide." + fullname[len(_PREFIX) :]
        if importlib.util.find_spec(real) is None:
            return None
        module = importlib.import_module(real)
        return importlib.util.spec_from_loader(
            fullname,
            _AliasLoader(real),
            is_package=hasattr(module, "__path__"),
        )


def install_module_aliases() -> None:
    if not any(isinstance(f, _AliasFinder) for f in sys.meta_path):
        # First: the path finder would otherwise load a second copy of a subpackage under the
        # alias name, from the real package's __path__.
        sys.meta_path.insert(0, _AliasFinder())
