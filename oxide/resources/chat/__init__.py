"""`client.chat` namespace."""

from __future__ import annotations

from functools import cached_property
from typing import TYPE_CHECKING

from .._base import AsyncAPIResource, SyncAPIResource

if TYPE_CHECKING:
    from .completions import AsyncCompletions, Completions

__all__ = ["AsyncChat", "Chat"]


class AsyncChat(AsyncAPIResource):
    __slots__ = ("__dict__",)

    @cached_property
    def completions(self) -> AsyncCompletions:
        from .completions import AsyncCompletions

        return AsyncCompletions(self._client)


class Chat(SyncAPIResource):
    __slots__ = ("__dict__",)

    @cached_property
    def completions(self) -> Completions:
        from .completions import Completions

        return Completions(self._async.completions, self._runner)
