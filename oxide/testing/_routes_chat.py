"""Stored chat completions (``store=true``): list, retrieve, update metadata, delete, messages."""

from __future__ import annotations

from typing import TYPE_CHECKING

from aiohttp import web

from ._store import Route, StoredChat, cursor_page, reply

if TYPE_CHECKING:
    from ._server import MockOpenAI

__all__ = ["routes"]


def routes(mock: MockOpenAI) -> list[Route]:
    from ._server import APIError

    def lookup(request: web.Request) -> StoredChat:
        cid = request.match_info["id"]
        stored = mock.store.chat.get(cid)
        if stored is None:
            raise APIError(404, f"Completion with id '{cid}' not found.", param="completion_id")
        return stored

    async def list_completions(request: web.Request) -> web.StreamResponse:
        model = request.query.get("model")
        rows = [
            s.completion
            for s in mock.store.chat.values()
            if model is None or s.completion["model"] == model
        ]
        for key, value in request.query.items():  # metadata[k]=v filters
            if key.startswith("metadata[") and key.endswith("]"):
                name = key[9:-1]
                rows = [r for r in rows if r["metadata"].get(name) == value]
        return reply(mock, request, cursor_page(rows, request.query, order="asc"))

    async def retrieve(request: web.Request) -> web.StreamResponse:
        return reply(mock, request, lookup(request).completion)

    async def update(request: web.Request) -> web.StreamResponse:
        stored = lookup(request)
        body = await mock._body(request)
        metadata = body.get("metadata")
        if not isinstance(metadata, dict) and metadata is not None:
            raise APIError(400, "Invalid type for 'metadata'.", param="metadata")
        stored.completion["metadata"] = metadata or {}
        return reply(mock, request, stored.completion)

    async def delete(request: web.Request) -> web.StreamResponse:
        stored = lookup(request)
        cid = stored.completion["id"]
        del mock.store.chat[cid]
        return reply(
            mock, request, {"object": "chat.completion.deleted", "id": cid, "deleted": True}
        )

    async def messages(request: web.Request) -> web.StreamResponse:
        stored = lookup(request)
        return reply(mock, request, cursor_page(stored.messages, request.query, order="asc"))

    return [
        ("GET", "/chat/completions", list_completions),
        ("GET", "/chat/completions/{id}", retrieve),
        ("POST", "/chat/completions/{id}", update),
        ("DELETE", "/chat/completions/{id}", delete),
        ("GET", "/chat/completions/{id}/messages", messages),
    ]
