"""Every route beyond chat/responses creation, embeddings and models, by endpoint group
(WebSocket routes included)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from ._routes_audio import routes as _audio
from ._routes_batches import routes as _batches
from ._routes_chat import routes as _chat
from ._routes_containers import routes as _containers
from ._routes_conversations import routes as _conversations
from ._routes_files import routes as _files
from ._routes_fine_tuning import routes as _fine_tuning
from ._routes_images import routes as _images
from ._routes_legacy import routes as _legacy
from ._routes_responses import routes as _responses
from ._routes_vector_stores import routes as _vector_stores
from ._routes_videos import routes as _videos
from ._routes_ws import routes as _websockets
from ._store import Route

if TYPE_CHECKING:
    from ._server import MockOpenAI

__all__ = ["extra_routes"]


def extra_routes(mock: MockOpenAI) -> list[Route]:
    routes: list[Route] = []
    for group in (
        _responses,
        _chat,
        _files,
        _images,
        _audio,
        _batches,
        _vector_stores,
        _fine_tuning,
        _conversations,
        _containers,
        _legacy,
        _videos,
        _websockets,
    ):
        routes.extend(group(mock))
    return routes
