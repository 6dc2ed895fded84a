"""`X-Stainless-*` platform headers, computed once per process as the official SDK does."""

from __future__ import annotations

import platform
import sys
from functools import cache


def _os_name() -> str:
    system = platform.system().lower()
    return {
        "darwin": "MacOS",
        "windows": "Windows",
        "linux": "Linux",
        "freebsd": "FreeBSD",
        "openbsd": "OpenBSD",
        "android": "Android",
    }.get(system, f"Other:{system}" if system else "Unknown")


def _arch() -> str:
    machine = platform.machine().lower()
    if machine in ("arm64", "aarch64"):
        return "arm64"
    if machine == "arm":
        return "arm"
    if machine == "x86_64":
        return "x64"
    if sys.maxsize <= 2**32:
        return "x32"
    return f"other:{machine}" if machine else "unknown"


@cache
def platform_headers(version: str) -> dict[str, str]:
    return {
        "X-Stainless-Lang": "python",
        "X-Stainless-Package-Version": version,
        "X-Stainless-OS": _os_name(),
        "X-Stainless-Arch": _arch(),
        "X-Stainless-Runtime": platform.python_implementation(),
        "X-Stainless-Runtime-Version": platform.python_version(),
    }
