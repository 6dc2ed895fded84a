"""List results: `SyncPage`/`AsyncPage` and the cursor pages, with the official iteration API.

`await client.models.list()` gives the first page; `async for m in client.models.list()`
walks every item across pages, as with the official `AsyncPaginator`.
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Awaitable, Callable, Generator, Iterator
from typing import TYPE_CHECKING, Any, Generic, TypeVar

import msgspec

from . import _models

if TYPE_CHECKING:
    from ._sync import SyncRunner

__all__ = ["AsyncCursorPage", "AsyncPage", "AsyncPaginator", "SyncCursorPage", "SyncPage"]

_T = TypeVar("_T")


class _Envelope(msgspec.Struct):
    data: msgspec.Raw = msgspec.field(default_factory=lambda: msgspec.Raw(b"[]"))
    object: str | None = None
    has_more: bool | None = None
    first_id: str | None = None
    last_id: str | None = None


_envelope_decoder = msgspec.json.Decoder(_Envelope)


class _PageBase(Generic[_T]):
    data: list[_T]
    object: str | None
    has_more: bool | None

    def __init__(
        self,
        data: list[_T],
        *,
        object: str | None = None,
        has_more: bool | None = None,
        fetch_next: Callable[[dict[str, Any]], Any] | None = None,
    ) -> None:
        self.data = data
        self.object = object
        self.has_more = has_more
        self._fetch_next = fetch_next

    def _get_page_items(self) -> list[_T]:
        return self.data

    def next_page_info(self) -> dict[str, Any] | None:
        """Query for the next page (cursor pages: `after=<last id>`), or None."""
        if not self.has_more or not self.data:
            return None
        last = getattr(self.data[-1], "id", None)
        return {"after": last} if last is not None else None

    def has_next_page(self) -> bool:
        return self.next_page_info() is not None and self._fetch_next is not None

    def __repr__(self) -> str:
        return f"{type(self).__name__}(data={self.data!r}, object={self.object!r})"


class SyncPage(_PageBase[_T]):
    """A page that is the whole list (`GET /models`)."""

    def __iter__(self) -> Iterator[_T]:
        page: SyncPage[_T] | None = self
        while page is not None:
            yield from page.data
            page = page.get_next_page() if page.has_next_page() else None

    def iter_pages(self) -> Iterator[SyncPage[_T]]:
        page: SyncPage[_T] | None = self
        while page is not None:
            yield page
            page = page.get_next_page() if page.has_next_page() else None

    def get_next_page(self) -> SyncPage[_T]:
        info = self.next_page_info()
        if info is None or self._fetch_next is None:
            raise RuntimeError("No next page expected; check `.has_next_page()` first.")
        return self._fetch_next(info)  # type: ignore[no-any-return]


class SyncCursorPage(SyncPage[_T]):
    pass


class AsyncPage(_PageBase[_T]):
    async def __aiter__(self) -> AsyncIterator[_T]:
        page: AsyncPage[_T] | None = self
        while page is not None:
            for item in page.data:
                yield item
            page = await page.get_next_page() if page.has_next_page() else None

    async def iter_pages(self) -> AsyncIterator[AsyncPage[_T]]:
        page: AsyncPage[_T] | None = self
        while page is not None:
            yield page
            page = await page.get_next_page() if page.has_next_page() else None

    async def get_next_page(self) -> AsyncPage[_T]:
        info = self.next_page_info()
        if info is None or self._fetch_next is None:
            raise RuntimeError("No next page expected; check `.has_next_page()` first.")
        return await self._fetch_next(info)  # type: ignore[no-any-return]


class AsyncCursorPage(AsyncPage[_T]):
    pass


def decode_page(page_cls: type[_PageBase[_T]], item_type: Any, content: bytes) -> _PageBase[_T]:
    env = _envelope_decoder.decode(content)
    items: list[_T] = _models.decode(list[item_type], env.data)
    return page_cls(items, object=env.object, has_more=env.has_more)


class PageSpec:
    """A list result's type for the request engine: decodes the page envelope, then the items."""

    def __init__(self, page_cls: type[_PageBase[Any]], item_type: Any) -> None:
        self.page_cls = page_cls
        self.item_type = item_type

    def _oxide_parse_body(self, content: bytes) -> _PageBase[Any]:
        return decode_page(self.page_cls, self.item_type, content)


class AsyncPaginator(Generic[_T]):
    """What async list methods return: awaitable (first page) and async-iterable (all items)."""

    def __init__(self, first_page: Callable[[], Awaitable[AsyncPage[_T]]]) -> None:
        self._first_page = first_page

    def __await__(self) -> Generator[Any, None, AsyncPage[_T]]:
        return self._first_page().__await__()

    async def __aiter__(self) -> AsyncIterator[_T]:
        page = await self._first_page()
        async for item in page:
            yield item


def sync_page_from(
    page: AsyncPage[_T], runner: SyncRunner, cls: type[SyncPage[_T]]
) -> SyncPage[_T]:
    """The sync view of an async page: the next page is fetched through the sync runner."""
    fetch = page._fetch_next

    def fetch_next(info: dict[str, Any]) -> SyncPage[_T]:
        assert fetch is not None
        return sync_page_from(runner.run(fetch(info)), runner, cls)

    return cls(
        page.data,
        object=page.object,
        has_more=page.has_more,
        fetch_next=fetch_next if fetch else None,
    )
