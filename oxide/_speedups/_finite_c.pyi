from typing import Any

__all__ = ("check_finite",)

def check_finite(obj: Any) -> None: ...
