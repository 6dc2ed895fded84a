"""The mock's in-memory state and the helpers its route modules share.

Objects are plain dicts shaped like the API's JSON; every table is insertion-ordered and bounded
(the oldest entries are dropped past ``MAX_STORED``) so a long benchmark cannot grow it forever.
"""

from __future__ import annotations

import os
import time
from collections.abc import Awaitable, Callable, Iterable, Mapping
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

import orjson
from aiohttp import BodyPartReader, web

if TYPE_CHECKING:
    from ._server import MockOpenAI

__all__ = [
    "MAX_STORED",
    "Handler",
    "MockStore",
    "Route",
    "Table",
    "UploadedForm",
    "cursor_page",
    "new_id",
    "now",
    "read_form",
    "reply",
]

Handler = Callable[[web.Request], Awaitable[web.StreamResponse]]
Route = tuple[str, str, Handler]

MAX_STORED = 10_000
_ALNUM = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789"


def now() -> int:
    return int(time.time())


def new_id(prefix: str, n: int = 24) -> str:
    return prefix + bytes(_ALNUM[b % 62] for b in os.urandom(n)).decode()


class Table(dict[str, dict[str, Any]]):
    """Objects by id, in creation order, bounded to ``MAX_STORED``."""

    def __init__(self, kind: str, not_found: str = "No {kind} found with id '{id}'.") -> None:
        super().__init__()
        self.kind = kind
        self.not_found = not_found

    def add(self, obj: dict[str, Any]) -> dict[str, Any]:
        self[obj["id"]] = obj
        while len(self) > MAX_STORED:
            del self[next(iter(self))]
        return obj

    def get_or_404(self, obj_id: str) -> dict[str, Any]:
        found = self.get(obj_id)
        if found is None:
            from ._server import APIError

            raise APIError(404, self.not_found.format(kind=self.kind, id=obj_id))
        return found


@dataclass
class StoredResponse:
    response: dict[str, Any]
    events: Callable[[], Iterable[bytes]]
    input: Any
    pending: int = 0
    """Background responses: retrievals left before it shows as completed (2: queued)."""
    input_items: list[dict[str, Any]] | None = None


@dataclass
class StoredChat:
    completion: dict[str, Any]
    messages: list[dict[str, Any]]


@dataclass
class MockStore:
    """Everything the mock remembers between requests (``MockOpenAI.store``)."""

    responses: dict[str, StoredResponse] = field(default_factory=dict)
    chat: dict[str, StoredChat] = field(default_factory=dict)
    files: Table = field(default_factory=lambda: Table("file", "No such File object: {id}"))
    file_bytes: dict[str, bytes] = field(default_factory=dict)
    uploads: Table = field(default_factory=lambda: Table("upload"))
    upload_parts: dict[str, bytes] = field(default_factory=dict)
    batches: Table = field(default_factory=lambda: Table("batch"))
    vector_stores: Table = field(default_factory=lambda: Table("vector store"))
    vector_store_files: Table = field(default_factory=lambda: Table("vector store file"))
    file_batches: Table = field(default_factory=lambda: Table("file batch"))
    fine_tuning_jobs: Table = field(
        default_factory=lambda: Table("fine-tuning job", "Could not find fine tune: {id}")
    )
    conversations: Table = field(default_factory=lambda: Table("conversation"))
    conversation_items: dict[str, list[dict[str, Any]]] = field(default_factory=dict)
    containers: Table = field(default_factory=lambda: Table("container"))
    container_files: Table = field(default_factory=lambda: Table("container file"))
    videos: Table = field(default_factory=lambda: Table("video"))

    def keep(self, table: dict[str, Any], key: str, value: Any) -> None:
        table[key] = value
        while len(table) > MAX_STORED:
            del table[next(iter(table))]


def reply(
    mock: MockOpenAI,
    request: web.Request,
    obj: Any,
    status: int = 200,
    headers: Mapping[str, str] | None = None,
) -> web.Response:
    resp = mock._json(request, orjson.dumps(obj), status)
    if headers:
        resp.headers.update(headers)
    return resp


def _int_query(query: Mapping[str, str], name: str, default: int, hi: int) -> int:
    raw = query.get(name)
    if raw is None:
        return default
    from ._server import APIError

    try:
        value = int(raw)
    except ValueError:
        raise APIError(
            400, f"Invalid '{name}': expected an integer.", param=name, code="invalid_type"
        ) from None
    if not 1 <= value <= hi:
        raise APIError(
            400,
            f"Invalid '{name}': expected a value between 1 and {hi}, but got {value} instead.",
            param=name,
            code="invalid_value",
        )
    return value


def cursor_page(
    items: Iterable[dict[str, Any]],
    query: Mapping[str, str],
    *,
    order: str = "desc",
    limit: int = 20,
    max_limit: int = 100,
) -> dict[str, Any]:
    """A cursor page (``after``/``limit``/``order``) over ``items`` given in creation order."""
    rows = list(items)
    if query.get("order", order) == "desc":
        rows.reverse()
    after = query.get("after")
    if after:
        ids = [row["id"] for row in rows]
        rows = rows[ids.index(after) + 1 :] if after in ids else []
    before = query.get("before")
    if before:
        ids = [row["id"] for row in rows]
        rows = rows[: ids.index(before)] if before in ids else rows
    size = _int_query(query, "limit", limit, max_limit)
    page = rows[:size]
    return {
        "object": "list",
        "data": page,
        "first_id": page[0]["id"] if page else None,
        "last_id": page[-1]["id"] if page else None,
        "has_more": len(rows) > size,
    }


@dataclass
class UploadedForm:
    """A parsed ``multipart/form-data`` body: text fields (repeated ones as lists) and files."""

    fields: dict[str, Any] = field(default_factory=dict)
    files: dict[str, list[tuple[str, bytes, str]]] = field(default_factory=dict)
    size: int = 0

    def file(self, *names: str) -> tuple[str, bytes, str] | None:
        for name in names:
            got = self.files.get(name)
            if got:
                return got[0]
        return None

    def required_file(self, name: str) -> tuple[str, bytes, str]:
        """The file field ``name``; the API's 400 ``missing_required_parameter`` without it."""
        from ._server import APIError

        got = self.file(name)
        if got is None:
            raise APIError(
                400,
                f"Missing required parameter: '{name}'.",
                param=name,
                code="missing_required_parameter",
            )
        return got

    def text(self, name: str, default: str | None = None) -> str | None:
        value = self.fields.get(name, default)
        if isinstance(value, list):
            return str(value[0]) if value else default
        return value if value is None else str(value)


async def read_form(request: web.Request) -> UploadedForm:
    """Reads a multipart body part by part as it streams in, counting its size."""
    from ._server import APIError

    if not request.content_type.startswith("multipart/"):
        raise APIError(
            400,
            "Invalid Content-Type header (expected multipart/form-data).",
            code="invalid_content_type",
        )
    form = UploadedForm()
    reader = await request.multipart()
    while True:
        part = await reader.next()
        if part is None:
            break
        if not isinstance(part, BodyPartReader):  # a nested multipart: not in this API
            continue
        name = part.name or ""
        chunks = []
        while True:
            chunk = await part.read_chunk(65536)
            if not chunk:
                break
            form.size += len(chunk)
            chunks.append(chunk)
        data = b"".join(chunks)
        if part.filename is not None:
            ctype = part.headers.get("Content-Type", "application/octet-stream")
            form.files.setdefault(name, []).append((part.filename, data, ctype))
            continue
        value = data.decode("utf-8", "replace")
        if name.endswith("[]"):
            form.fields.setdefault(name[:-2], []).append(value)
        elif name in form.fields:
            prev = form.fields[name]
            form.fields[name] = [*prev, value] if isinstance(prev, list) else [prev, value]
        else:
            form.fields[name] = value
    return form
