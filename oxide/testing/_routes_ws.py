"""The WebSocket routes: ``GET /responses`` (Responses WebSocket mode) and ``GET /realtime``.

A plain GET without ``Upgrade: websocket`` answers as before the routes existed: 405 for
``/responses`` (only POST creates), 404 for ``/realtime``.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from aiohttp import web

from ._store import Route
from ._ws_realtime import RealtimeSession
from ._ws_responses import ResponsesSession
from ._ws_session import is_upgrade

if TYPE_CHECKING:
    from ._server import MockOpenAI

__all__ = ["routes"]


def routes(mock: MockOpenAI) -> list[Route]:
    async def responses(request: web.Request) -> web.StreamResponse:
        if not is_upgrade(request):
            raise web.HTTPMethodNotAllowed(request.method, ["POST"])
        return await ResponsesSession.serve(mock, request)

    async def realtime(request: web.Request) -> web.StreamResponse:
        if not is_upgrade(request):
            raise web.HTTPNotFound()
        return await RealtimeSession.serve(mock, request)

    return [("GET", "/responses", responses), ("GET", "/realtime", realtime)]
