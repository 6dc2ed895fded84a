"""List results: the official SDK's page classes and its iteration API.

`client.models.list()` gives the first page (`await` it with the async client); iterating a
page (`for` / `async for`) walks every item across pages, fetching the next page as needed;
`has_next_page()`, `next_page_info()`, `get_next_page()` and `iter_pages()` are there for
manual paging, as in the SDK.

A page is decoded in two steps: the envelope (`data` kept as raw JSON, the cursor fields
decoded) and then the items, straight into the generated Structs. It then keeps the client
that fetched it (the sync client for a sync page) and the options of its request, from which
the next page's request is made: the same path, query and headers with the cursor added.
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Generator, Iterator, Mapping
from typing import TYPE_CHECKING, Any, ClassVar, Generic, TypeVar

import msgspec

from . import _models
from ._options import RequestOptions  # at run time: `get_type_hints` of a page resolves

__all__ = [
    "AsyncConversationCursorPage",
    "AsyncCursorPage",
    "AsyncNextCursorPage",
    "AsyncPage",
    "AsyncPaginator",
    "BasePage",
    "PageInfo",
    "SyncConversationCursorPage",
    "SyncCursorPage",
    "SyncNextCursorPage",
    "SyncPage",
    "SyncTokenPage",
    "AsyncTokenPage",
]

_T = TypeVar("_T")
_PageT = TypeVar("_PageT", bound="BasePage[Any]")


class PageInfo:
    """Where the next page is: query parameters to add to the request (the SDK's class)."""

    __slots__ = ("params",)

    def __init__(self, *, params: Mapping[str, object]) -> None:
        self.params = params

    def __repr__(self) -> str:
        return f"PageInfo(params={self.params!r})"


# The envelope's values stay raw until read: `data` is decoded into the item type, the page's
# own fields and any other key (kept as an extra, as the SDK's pydantic pages keep them) as JSON.
_envelope_decoder = msgspec.json.Decoder(dict[str, msgspec.Raw])
_json_decode = msgspec.json.decode


class BasePage(Generic[_T]):
    """What every page has. `data` is the list of items of this page."""

    data: list[_T]

    # Declared by each subclass: the envelope fields it reads besides `data`.
    _fields: ClassVar[tuple[str, ...]] = ()

    _extra: dict[str, Any]  # envelope keys the class does not declare (set by decoding)
    _client: Any = None
    _model: Any = None
    _options: RequestOptions | None = None
    _method: str = "GET"
    _path: str = ""
    _body: Any = None

    def __init__(self, data: list[_T] | None = None, **fields: Any) -> None:
        self.data = data if data is not None else []
        for name in self._fields:
            setattr(self, name, fields.get(name))

    @classmethod
    def _oxide_decode(cls: type[_PageT], content: bytes, model: Any) -> _PageT:
        env = _envelope_decoder.decode(content)
        raw = env.pop("data", None)
        items = [] if raw is None or bytes(raw) == b"null" else _models.decode(list[model], raw)
        page = cls.__new__(cls)
        page.data = items
        for name in cls._fields:
            value = env.pop(name, None)
            setattr(page, name, None if value is None else _json_decode(value))
        # Keys the page does not declare (`object`, `first_id`, a new one): readable as
        # attributes, in reprs and `to_dict()`, as on the SDK's pages.
        page._extra = {key: _json_decode(value) for key, value in env.items()}
        return page

    if not TYPE_CHECKING:  # typed attributes stay typed; extras read as the SDK's do

        def __getattr__(self, name: str) -> Any:
            extra = self.__dict__.get("_extra")
            if extra is not None and name in extra:
                return extra[name]
            raise AttributeError(f"{type(self).__name__!r} object has no attribute {name!r}")

    def _set_private_attributes(
        self,
        *,
        client: Any,
        model: Any,
        options: RequestOptions,
        method: str = "GET",
        path: str = "",
        body: Any = None,
    ) -> None:
        self._client = client
        self._model = model
        self._options = options
        self._method = method
        self._path = path
        self._body = body

    def _get_page_items(self) -> list[_T]:
        return self.data or []

    def next_page_info(self) -> PageInfo | None:
        """The query of the next page, or None where there is none."""
        return None

    def has_next_page(self) -> bool:
        if not self._get_page_items():
            return False
        return self.next_page_info() is not None

    def _next_request(self) -> tuple[Any, ...]:
        info = self.next_page_info()
        if info is None or self._client is None or self._options is None:
            raise RuntimeError(
                "No next page expected; please check `.has_next_page()` before calling "
                "`.get_next_page()`."
            )
        # The next page is the typed page, also when this one came from `with_raw_response`
        # (the SDK strips its raw-response header the same way); the engine sets the
        # page's own post-parser per request.
        options = msgspec.structs.replace(
            self._options.with_params(info.params), mode=None, override_cast_to=None
        )
        return (self._method, self._path, self._body, options, type(self), self._model)

    def __getitem__(self, index: int) -> _T:
        return self.data[index]

    def __len__(self) -> int:
        return len(self.data)

    def __eq__(self, other: object) -> bool:
        if type(other) is not type(self):
            return NotImplemented
        assert isinstance(other, BasePage)
        return (
            self.data == other.data
            and all(getattr(self, f) == getattr(other, f) for f in self._fields)
            and self.__dict__.get("_extra", {}) == other.__dict__.get("_extra", {})
        )

    __hash__ = None  # type: ignore[assignment]  # mutable, compared by value

    def to_dict(self) -> dict[str, Any]:
        out: dict[str, Any] = {"data": msgspec.to_builtins(self.data)}
        for name in self._fields:
            value = getattr(self, name)
            if value is not None:
                out[name] = value
        out.update(self.__dict__.get("_extra", {}))
        return out

    def __repr__(self) -> str:
        # `SyncPage[Model](...)`, as the SDK's generic pydantic pages print.
        model = getattr(self, "_model", None)
        name = type(self).__name__
        if isinstance(model, type):
            name += f"[{model.__name__}]"
        items = [(field, getattr(self, field)) for field in self._fields]
        items += self.__dict__.get("_extra", {}).items()
        fields = "".join(f", {key}={value!r}" for key, value in items)
        return f"{name}(data={self.data!r}{fields})"


class BaseSyncPage(BasePage[_T]):
    def __iter__(self) -> Iterator[_T]:
        for page in self.iter_pages():
            yield from page._get_page_items()

    def iter_pages(self: _PageT) -> Iterator[_PageT]:
        page = self
        while True:
            yield page
            if not page.has_next_page():
                return
            page = page.get_next_page()  # type: ignore[attr-defined]

    def get_next_page(self: _PageT) -> _PageT:
        return self._client._request_api_list(*self._next_request())  # type: ignore[no-any-return]


class BaseAsyncPage(BasePage[_T]):
    async def __aiter__(self) -> AsyncIterator[_T]:
        async for page in self.iter_pages():
            for item in page._get_page_items():
                yield item

    async def iter_pages(self: _PageT) -> AsyncIterator[_PageT]:
        page = self
        while True:
            yield page
            if not page.has_next_page():
                return
            page = await page.get_next_page()  # type: ignore[attr-defined]

    async def get_next_page(self: _PageT) -> _PageT:
        return await self._client._request_api_list(*self._next_request())  # type: ignore[no-any-return]


class _WholeList:
    """A response that is the whole list (`GET /models`): never a next page."""

    data: list[Any]
    object: str

    _fields: ClassVar[tuple[str, ...]] = ("object",)

    def next_page_info(self) -> None:
        return None


class _AfterLastId:
    """Cursor pages: the next page starts after the last item's `id`."""

    data: list[Any]
    has_more: bool | None = None

    _fields: ClassVar[tuple[str, ...]] = ("has_more",)

    def has_next_page(self) -> bool:
        if self.has_more is False:
            return False
        return BasePage.has_next_page(self)  # type: ignore[arg-type]

    def next_page_info(self) -> PageInfo | None:
        if not self.data:
            return None
        item_id = getattr(self.data[-1], "id", None)
        if item_id is None:
            return None
        return PageInfo(params={"after": item_id})


class _AfterLastIdField:
    """Conversation items: the next page starts after the envelope's `last_id`."""

    data: list[Any]
    has_more: bool | None = None
    last_id: str | None = None

    _fields: ClassVar[tuple[str, ...]] = ("has_more", "last_id")

    def has_next_page(self) -> bool:
        if self.has_more is False:
            return False
        return BasePage.has_next_page(self)  # type: ignore[arg-type]

    def next_page_info(self) -> PageInfo | None:
        if not self.last_id:
            return None
        return PageInfo(params={"after": self.last_id})


class _NextCursor:
    """Pages with an opaque `next` cursor."""

    data: list[Any]
    has_more: bool | None = None
    next: str | None = None

    _fields: ClassVar[tuple[str, ...]] = ("has_more", "next")

    def has_next_page(self) -> bool:
        if self.has_more is False:
            return False
        return BasePage.has_next_page(self)  # type: ignore[arg-type]

    def next_page_info(self) -> PageInfo | None:
        if not self.next:
            return None
        return PageInfo(params={"after": self.next})


class _NextToken:
    """Pages with an opaque `next` token sent back as `page` (admin lists): `has_more` decides
    when sent, even for an empty page."""

    data: list[Any]
    has_more: bool | None = None
    next: str | None = None

    _fields: ClassVar[tuple[str, ...]] = ("has_more", "next")

    def has_next_page(self) -> bool:
        if self.has_more is None:
            return BasePage.has_next_page(self)  # type: ignore[arg-type]
        return self.has_more and self.next_page_info() is not None

    def next_page_info(self) -> PageInfo | None:
        if not self.next:
            return None
        return PageInfo(params={"page": self.next})


class SyncPage(_WholeList, BaseSyncPage[_T], Generic[_T]):
    data: list[_T]
    object: str


class AsyncPage(_WholeList, BaseAsyncPage[_T], Generic[_T]):
    data: list[_T]
    object: str


class SyncCursorPage(_AfterLastId, BaseSyncPage[_T], Generic[_T]):
    data: list[_T]
    has_more: bool | None = None


class AsyncCursorPage(_AfterLastId, BaseAsyncPage[_T], Generic[_T]):
    data: list[_T]
    has_more: bool | None = None


class SyncConversationCursorPage(_AfterLastIdField, BaseSyncPage[_T], Generic[_T]):
    data: list[_T]
    has_more: bool | None = None
    last_id: str | None = None


class AsyncConversationCursorPage(_AfterLastIdField, BaseAsyncPage[_T], Generic[_T]):
    data: list[_T]
    has_more: bool | None = None
    last_id: str | None = None


class SyncNextCursorPage(_NextCursor, BaseSyncPage[_T], Generic[_T]):
    data: list[_T]
    has_more: bool | None = None
    next: str | None = None


class AsyncNextCursorPage(_NextCursor, BaseAsyncPage[_T], Generic[_T]):
    data: list[_T]
    has_more: bool | None = None
    next: str | None = None


class SyncTokenPage(_NextToken, BaseSyncPage[_T], Generic[_T]):
    data: list[_T]
    has_more: bool | None = None
    next: str | None = None


class AsyncTokenPage(_NextToken, BaseAsyncPage[_T], Generic[_T]):
    data: list[_T]
    has_more: bool | None = None
    next: str | None = None


class PageSpec:
    """A list result's type for the request engine: the page class and its item type."""

    __slots__ = ("page_cls", "item_type")

    def __init__(self, page_cls: type[BasePage[Any]], item_type: Any) -> None:
        # `SyncCursorPage[Model]` as the SDK writes it: the class is the origin.
        self.page_cls: type[BasePage[Any]] = getattr(page_cls, "__origin__", page_cls)
        self.item_type = item_type

    def _oxide_parse_body(self, content: bytes) -> BasePage[Any]:
        return self.page_cls._oxide_decode(content, self.item_type)


class AsyncPaginator(Generic[_T, _PageT]):
    """What async list methods return: awaitable (the first page) and async-iterable (every
    item across pages), as the SDK's class of the same name."""

    __slots__ = ("_client", "_request")

    def __init__(
        self,
        client: Any,
        method: str,
        path: str,
        body: Any,
        options: RequestOptions,
        page: type[_PageT],
        model: Any,
    ) -> None:
        self._client = client
        self._request = (method, path, body, options, page, model)

    def __await__(self) -> Generator[Any, None, _PageT]:
        return self._client._request_api_list(*self._request).__await__()  # type: ignore[no-any-return]

    async def __aiter__(self) -> AsyncIterator[_T]:
        page = await self
        async for item in page:  # type: ignore[attr-defined]
            yield item
