"""Names the generated resources import from the SDK's `_compat` module (and `deprecated`,
which the SDK takes from typing_extensions, not a runtime dependency of oxide)."""

from __future__ import annotations

import functools
import inspect
import warnings
from collections.abc import Callable
from functools import cached_property
from typing import TYPE_CHECKING, Any, TypeVar

__all__ = ["assert_never", "cached_property", "deprecated"]

_F = TypeVar("_F", bound=Callable[..., Any])

if TYPE_CHECKING:
    from typing_extensions import deprecated
else:

    class deprecated:  # noqa: N801  # the name of typing_extensions.deprecated / PEP 702
        """PEP 702's decorator for functions: a `DeprecationWarning` on each call, and
        `__deprecated__` for type checkers and IDEs."""

        def __init__(
            self,
            message: str,
            /,
            *,
            category: type[Warning] | None = DeprecationWarning,
            stacklevel: int = 1,
        ) -> None:
            self.message = message
            self.category = category
            self.stacklevel = stacklevel

        def __call__(self, func: _F) -> _F:
            message, category, stacklevel = self.message, self.category, self.stacklevel
            if category is None:
                func.__deprecated__ = message  # type: ignore[attr-defined]
                return func
            if inspect.iscoroutinefunction(func):

                @functools.wraps(func)
                async def async_wrapper(*args: Any, **kwargs: Any) -> Any:
                    warnings.warn(message, category=category, stacklevel=stacklevel + 1)
                    return await func(*args, **kwargs)

                wrapper: Any = async_wrapper
            else:

                @functools.wraps(func)
                def wrapper(*args: Any, **kwargs: Any) -> Any:
                    warnings.warn(message, category=category, stacklevel=stacklevel + 1)
                    return func(*args, **kwargs)

            wrapper.__deprecated__ = message
            return wrapper  # type: ignore[no-any-return]


def assert_never(value: Any, /) -> Any:  # typing.assert_never is 3.11+
    raise AssertionError(f"Expected code to be unreachable, but got: {value!r}")
