"""Stored responses: retrieve (and replay its stream from ``starting_after``), delete, cancel,
input items, input token counts and compaction."""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

from aiohttp import web

from . import _content as content
from ._store import Route, StoredResponse, cursor_page, new_id, now, reply

if TYPE_CHECKING:
    from ._server import MockOpenAI

__all__ = ["routes"]


def _input_items(raw: Any) -> list[dict[str, Any]]:
    """The request's ``input`` as stored input items (ids, statuses, content parts)."""
    if raw is None:
        return []
    if isinstance(raw, str):
        raw = [{"role": "user", "content": raw}]
    items = []
    for item in raw if isinstance(raw, list) else ():
        if not isinstance(item, Mapping):
            continue
        kind = item.get("type", "message")
        if kind == "message":
            parts = item.get("content")
            if isinstance(parts, str):
                part_type = "output_text" if item.get("role") == "assistant" else "input_text"
                parts = [{"type": part_type, "text": parts}]
            parts = [_part(p) for p in parts or () if isinstance(p, Mapping)]
            out = {
                "id": item.get("id") or "msg_" + new_id("", 40),
                "type": "message",
                "role": item.get("role", "user"),
                "status": "completed",
                "content": parts or [],
            }
        else:
            prefix = {"function_call": "fc_", "function_call_output": "fco_"}.get(kind, "item_")
            out = {"id": item.get("id") or prefix + new_id("", 40), "status": "completed", **item}
        items.append(out)
    return items


def _part(part: Mapping[str, Any]) -> dict[str, Any]:
    """A content part as the API stores it (defaults of its optional-in-input fields)."""
    out = dict(part)
    kind = out.get("type")
    if kind == "output_text":
        out.setdefault("annotations", [])
        out.setdefault("logprobs", [])
    elif kind in ("input_image", "computer_screenshot"):
        out.setdefault("detail", "auto")
    return out


def _view(stored: StoredResponse) -> dict[str, Any]:
    final = stored.response
    if stored.pending <= 0:
        return final
    status = "queued" if stored.pending >= 2 else "in_progress"
    return {**final, "status": status, "completed_at": None, "output": [], "usage": None}


def routes(mock: MockOpenAI) -> list[Route]:
    from ._server import (
        APIError,
        _require_model,
        _response_error_event,
        _response_input,
        _response_usage,
    )

    def lookup(request: web.Request) -> StoredResponse:
        resp_id = request.match_info["id"]
        stored = mock.store.responses.get(resp_id)
        if stored is None:
            raise APIError(404, f"Response with id '{resp_id}' not found.", param="response_id")
        return stored

    async def retrieve(request: web.Request) -> web.StreamResponse:
        stored = lookup(request)
        if stored.pending > 0:
            stored.pending -= 1
        if request.query.get("stream") in ("true", "True", "1"):
            raw_after = request.query.get("starting_after")
            after = int(raw_after) if raw_after and raw_after.lstrip("-").isdigit() else -1
            events = list(stored.events())[after + 1 :]
            return await mock._stream(
                request, events, lambda n: _response_error_event(after + 1 + n)
            )
        return reply(mock, request, _view(stored))

    async def delete(request: web.Request) -> web.StreamResponse:
        stored = lookup(request)
        resp_id = stored.response["id"]
        del mock.store.responses[resp_id]
        return reply(mock, request, {"id": resp_id, "object": "response", "deleted": True})

    async def cancel(request: web.Request) -> web.StreamResponse:
        stored = lookup(request)
        if not stored.response.get("background"):
            raise APIError(400, "Only responses created with background=true can be cancelled.")
        if stored.pending > 0:
            stored.pending = 0
            stored.response = {
                **stored.response,
                "status": "cancelled",
                "completed_at": None,
                "output": [],
                "usage": None,
            }
        return reply(mock, request, stored.response)

    async def input_items(request: web.Request) -> web.StreamResponse:
        stored = lookup(request)
        if stored.input_items is None:
            stored.input_items = _input_items(stored.input)
        return reply(mock, request, cursor_page(stored.input_items, request.query))

    async def input_tokens(request: web.Request) -> web.StreamResponse:
        body = await mock._body(request)
        tokens = _response_input(body)[3]
        tools = body.get("tools")
        if isinstance(tools, list):
            tokens += content.count_tokens(str(tools))
        return reply(mock, request, {"object": "response.input_tokens", "input_tokens": tokens})

    async def compact(request: web.Request) -> web.StreamResponse:
        body = await mock._body(request)
        _require_model(body)
        user_text, _, _, tokens = _response_input(body)
        summary = f"Summary of the conversation so far: {content.quote(user_text, 80)}"
        payload = {
            "id": "resp_" + new_id("", 40),
            "object": "response.compaction",
            "created_at": now(),
            "output": [
                {
                    "id": "cmp_" + new_id("", 40),
                    "type": "compaction",
                    "encrypted_content": "gAAAAAB" + new_id("", 64),
                }
            ],
            "usage": _response_usage(tokens, content.count_tokens(summary)),
        }
        return reply(mock, request, payload)

    return [
        ("POST", "/responses/input_tokens", input_tokens),
        ("POST", "/responses/compact", compact),
        ("GET", "/responses/{id}", retrieve),
        ("DELETE", "/responses/{id}", delete),
        ("POST", "/responses/{id}/cancel", cancel),
        ("GET", "/responses/{id}/input_items", input_items),
    ]
