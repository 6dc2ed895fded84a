"""`oxide.compat` mirrors the official SDK's module paths: every module under `openai.types`,
`openai.lib`, `openai.resources` and `openai.pagination` has an `oxide.compat` twin, which is
oxide's module of the same path (the same objects), except the documented ones below."""

from __future__ import annotations

import importlib.util
import pkgutil

import openai

# Official modules with no oxide twin, and why (each is also named in README/compat docs).
# Empty since `lib.responses_websocket` was mirrored: every SDK module path resolves.
UNMIRRORED: dict[str, str] = {}


def _resolves(name: str) -> bool:
    try:
        return importlib.util.find_spec(f"oxide.compat.{name}") is not None
    except ModuleNotFoundError:  # a missing parent package
        return False


def official_modules() -> list[str]:
    names = ["pagination"]
    for package in ("types", "lib", "resources"):
        module = importlib.import_module(f"openai.{package}")
        names.append(package)
        for info in pkgutil.walk_packages(module.__path__, prefix=f"openai.{package}."):
            name = info.name.removeprefix("openai.")
            if not any(part.startswith("_") for part in name.split(".")):
                names.append(name)
    return names


def test_every_official_module_path_resolves_under_compat() -> None:
    import oxide.compat  # noqa: F401  (installs the path aliases)

    names = official_modules()
    assert len(names) > 1000
    assert "lib.responses_websocket" in names  # the newest module is walked too
    missing = sorted(n for n in names if not _resolves(n))
    assert missing == sorted(UNMIRRORED)


def test_compat_modules_are_oxides_own() -> None:
    import oxide.compat.pagination
    import oxide.compat.types.chat.chat_completion as via_compat

    import oxide.pagination
    import oxide.types.chat.chat_completion as direct

    assert via_compat is direct
    assert oxide.compat.pagination is oxide.pagination  # type: ignore[comparison-overlap]
    import oxide.compat.lib.responses_websocket as rws_compat

    import oxide.lib.responses_websocket as rws

    assert rws_compat is rws
    from oxide.compat.types.chat import ChatCompletion

    assert ChatCompletion is direct.ChatCompletion
    assert openai.types.chat.ChatCompletion is not ChatCompletion  # oxide's, not the SDK's
