"""Pagination over real sockets: every kind of SDK page (cursor = last item id, conversation =
envelope `last_id`, next = envelope `next`), iterated across pages with `for` / `async for`,
`iter_pages()`, manual `has_next_page()` / `next_page_info()` / `get_next_page()`, the
query of the first call kept on later pages, raw responses parsing to pages that can still
page, and the sync client's pages fetching through the sync client."""

from __future__ import annotations

from typing import Any

import pytest
from aiohttp import web

import oxide
from oxide.pagination import (
    AsyncConversationCursorPage,
    AsyncCursorPage,
    AsyncNextCursorPage,
    SyncCursorPage,
    SyncNextCursorPage,
    SyncTokenPage,
)

from .conftest import Recorder

FILES = [f"file-{i}" for i in range(7)]


def file_obj(fid: str) -> dict[str, Any]:
    return {
        "id": fid,
        "object": "file",
        "bytes": 1,
        "created_at": 0,
        "filename": f"{fid}.txt",
        "purpose": "assistants",
        "status": "processed",
    }


def group_obj(gid: str) -> dict[str, Any]:
    return {
        "created_at": 0,
        "group_id": gid,
        "group_name": gid,
        "group_type": "group",
        "object": "project.group",
        "project_id": "p",
    }


def window(after: str | None, limit: int) -> tuple[list[str], bool]:
    start = FILES.index(after) + 1 if after else 0
    chunk = FILES[start : start + limit]
    return chunk, start + limit < len(FILES)


def routes(rec: Recorder) -> dict[tuple[str, str], Any]:
    async def files(request: web.Request) -> web.Response:
        await rec.record(request)
        ids, more = window(request.query.get("after"), int(request.query.get("limit", "3")))
        return web.json_response(
            {"object": "list", "data": [file_obj(i) for i in ids], "has_more": more}
        )

    async def threads(request: web.Request) -> web.Response:
        await rec.record(request)
        ids, more = window(request.query.get("after"), 3)
        return web.json_response(
            {
                "object": "list",
                "data": [
                    {"id": i, "object": "chatkit.thread", "created_at": 0, "title": None,
                     "status": {"type": "active"}, "user": "u"}
                    for i in ids
                ],
                "first_id": ids[0] if ids else None,
                # The envelope's cursor, not the last item's id, drives the next page.
                "last_id": ids[-1] if ids else None,
                "has_more": more,
            }
        )  # fmt: skip

    async def groups(request: web.Request) -> web.Response:
        await rec.record(request)
        ids, more = window(request.query.get("after"), 3)
        return web.json_response(
            {
                "object": "list",
                "data": [group_obj(i) for i in ids],
                "has_more": more,
                "next": ids[-1] if more else None,
            }
        )

    return {
        ("GET", "/v1/files"): files,
        ("GET", "/v1/chatkit/threads"): threads,
        ("GET", "/v1/organization/projects/p/groups"): groups,
    }


@pytest.mark.asyncio
async def test_async_cursor_pages(serve) -> None:
    rec = Recorder()
    url = await serve(routes(rec))
    async with oxide.AsyncOpenAI(api_key="k", base_url=url) as client:
        seen = [f.id async for f in client.files.list(limit=3, purpose="assistants")]
        assert seen == FILES
        # Every request kept the first call's query, with the cursor added.
        assert [r["query"] for r in rec.requests] == [
            {"limit": "3", "purpose": "assistants"},
            {"limit": "3", "purpose": "assistants", "after": "file-2"},
            {"limit": "3", "purpose": "assistants", "after": "file-5"},
        ]

        first = await client.files.list(limit=3)
        assert isinstance(first, AsyncCursorPage)
        assert [f.id for f in first.data] == FILES[:3] and first[0].id == "file-0"
        assert first.has_next_page()
        info = first.next_page_info()
        assert info is not None and info.params == {"after": "file-2"}
        second = await first.get_next_page()
        assert [f.id for f in second.data] == FILES[3:6]
        pages = [page async for page in first.iter_pages()]
        assert [len(p.data) for p in pages] == [3, 3, 1]
        assert not pages[-1].has_next_page()  # has_more is false
        empty = await client.files.list(limit=3, after="file-6")
        assert empty.data == [] and not empty.has_next_page()
        with pytest.raises(RuntimeError, match="No next page expected"):
            await empty.get_next_page()

        raw = await client.files.with_raw_response.list(limit=3)
        page = raw.parse()
        assert isinstance(page, AsyncCursorPage)
        assert [f.id async for f in page] == FILES


@pytest.mark.asyncio
async def test_async_conversation_and_next_cursor_pages(serve) -> None:
    rec = Recorder()
    url = await serve(routes(rec))
    async with oxide.AsyncOpenAI(api_key="k", admin_api_key="adm", base_url=url) as client:
        threads = await client.beta.chatkit.threads.list()
        assert isinstance(threads, AsyncConversationCursorPage)
        assert threads.last_id == "file-2"
        assert [t.id async for t in threads] == FILES

        groups = await client.admin.organization.projects.groups.list("p")
        assert isinstance(groups, AsyncNextCursorPage)
        assert groups.next == "file-2"
        assert [g.group_id async for g in groups] == FILES
    admin_requests = [r for r in rec.requests if r["path"].startswith("/v1/organization")]
    assert {r["headers"]["Authorization"] for r in admin_requests} == {"Bearer adm"}


def test_sync_pages(serve_routes_in_thread) -> None:
    rec = Recorder()
    url = serve_routes_in_thread(routes(rec))
    with oxide.OpenAI(api_key="k", admin_api_key="adm", base_url=url) as client:
        page = client.files.list(limit=3)
        assert isinstance(page, SyncCursorPage)
        assert [f.id for f in page] == FILES
        assert [len(p.data) for p in page.iter_pages()] == [3, 3, 1]
        assert [f.id for f in page.get_next_page().data] == FILES[3:6]

        raw_page = client.with_raw_response.files.list(limit=3).parse()
        assert isinstance(raw_page, SyncCursorPage)
        assert [f.id for f in raw_page] == FILES

        groups = client.admin.organization.projects.groups.list("p")
        assert isinstance(groups, SyncNextCursorPage)
        assert [g.group_id for g in groups] == FILES


# -- token pages (3.4x admin lists): `next` sent back as `page`, `has_more` decides ------------

# Pages of alert-rule ids by token; the second page is empty yet says there is more (the SDK
# follows `next` through it), the last has a `next` but `has_more: false` (the SDK stops).
TOKEN_PAGES: dict[str | None, tuple[list[str], bool, str | None]] = {
    None: (["r0", "r1"], True, "t1"),
    "t1": ([], True, "t2"),
    "t2": (["r2"], False, "t3"),
}


def token_routes(rec: Recorder) -> dict[tuple[str, str], Any]:
    async def rules(request: web.Request) -> web.Response:
        await rec.record(request)
        ids, more, nxt = TOKEN_PAGES[request.query.get("page")]
        data = [{"id": i, "object": "health.alert_rule"} for i in ids]
        return web.json_response({"data": data, "has_more": more, "next": nxt})

    return {("GET", "/v1/organization/health/alert_rules"): rules}


@pytest.mark.asyncio
async def test_token_pages_follow_next_as_the_sdk(serve) -> None:
    import openai

    rec = Recorder()
    url = await serve(token_routes(rec))
    seen = []
    for lib in (openai, oxide):
        async with lib.AsyncOpenAI(api_key="k", admin_api_key="adm", base_url=url) as client:
            first = await client.admin.organization.health.alert_rules.list(limit=2)
            assert type(first).__name__.startswith("AsyncTokenPage")
            assert first.next_page_info().params == {"page": "t1"}
            seen.append(([r.id async for r in first], [r["query"] for r in rec.requests]))
        rec.requests.clear()
    assert seen[0] == seen[1]
    assert seen[1] == (
        ["r0", "r1", "r2"],
        [{"limit": "2"}, {"limit": "2", "page": "t1"}, {"limit": "2", "page": "t2"}],
    )


def test_sync_token_pages(serve_routes_in_thread) -> None:
    rec = Recorder()
    url = serve_routes_in_thread(token_routes(rec))
    with oxide.OpenAI(api_key="k", admin_api_key="adm", base_url=url) as client:
        page = client.admin.organization.health.alert_rules.list()
        assert isinstance(page, SyncTokenPage)
        assert [r.id for r in page] == ["r0", "r1", "r2"]
        assert [len(p.data) for p in page.iter_pages()] == [2, 0, 1]
        assert not list(page.iter_pages())[-1].has_next_page()
