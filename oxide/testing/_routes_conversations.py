"""Conversations and their items."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from aiohttp import web

from ._routes_responses import _input_items
from ._store import Route, cursor_page, new_id, now, reply

if TYPE_CHECKING:
    from ._server import MockOpenAI

__all__ = ["routes"]


def routes(mock: MockOpenAI) -> list[Route]:
    from ._server import APIError

    convs = mock.store.conversations
    all_items = mock.store.conversation_items

    def get_conv(request: web.Request) -> dict[str, Any]:
        return convs.get_or_404(request.match_info["id"])

    async def create(request: web.Request) -> web.StreamResponse:
        body = await mock._body(request) if await request.read() else {}
        conv: dict[str, Any] = {
            "id": "conv_" + new_id("", 48),
            "object": "conversation",
            "created_at": now(),
            "metadata": body.get("metadata") or {},
        }
        convs.add(conv)
        all_items[conv["id"]] = _input_items(body.get("items") or [])
        return reply(mock, request, conv)

    async def retrieve(request: web.Request) -> web.StreamResponse:
        return reply(mock, request, get_conv(request))

    async def update(request: web.Request) -> web.StreamResponse:
        conv = get_conv(request)
        body = await mock._body(request)
        conv["metadata"] = body.get("metadata") or {}
        return reply(mock, request, conv)

    async def delete(request: web.Request) -> web.StreamResponse:
        conv = get_conv(request)
        del convs[conv["id"]]
        all_items.pop(conv["id"], None)
        return reply(
            mock, request, {"id": conv["id"], "object": "conversation.deleted", "deleted": True}
        )

    async def add_items(request: web.Request) -> web.StreamResponse:
        conv = get_conv(request)
        body = await mock._body(request)
        items = body.get("items")
        if not isinstance(items, list) or not items:
            raise APIError(
                400,
                "Missing required parameter: 'items'.",
                param="items",
                code="missing_required_parameter",
            )
        added = _input_items(items)
        all_items.setdefault(conv["id"], []).extend(added)
        page = cursor_page(added, {}, order="asc", limit=len(added), max_limit=len(added))
        return reply(mock, request, page)

    async def list_items(request: web.Request) -> web.StreamResponse:
        conv = get_conv(request)
        return reply(mock, request, cursor_page(all_items.get(conv["id"], []), request.query))

    def find_item(request: web.Request) -> tuple[dict[str, Any], dict[str, Any]]:
        conv = get_conv(request)
        item_id = request.match_info["item_id"]
        for item in all_items.get(conv["id"], []):
            if item["id"] == item_id:
                return conv, item
        raise APIError(404, f"Item with id '{item_id}' not found.", param="item_id")

    async def retrieve_item(request: web.Request) -> web.StreamResponse:
        return reply(mock, request, find_item(request)[1])

    async def delete_item(request: web.Request) -> web.StreamResponse:
        conv, item = find_item(request)
        all_items[conv["id"]].remove(item)
        return reply(mock, request, conv)

    return [
        ("POST", "/conversations", create),
        ("GET", "/conversations/{id}", retrieve),
        ("POST", "/conversations/{id}", update),
        ("DELETE", "/conversations/{id}", delete),
        ("POST", "/conversations/{id}/items", add_items),
        ("GET", "/conversations/{id}/items", list_items),
        ("GET", "/conversations/{id}/items/{item_id}", retrieve_item),
        ("DELETE", "/conversations/{id}/items/{item_id}", delete_item),
    ]
