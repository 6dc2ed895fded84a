"""Videos: ``queued`` → ``in_progress`` → ``completed`` one step per retrieval; list, delete,
remix and content bytes."""

from __future__ import annotations

import struct
from typing import TYPE_CHECKING, Any

from aiohttp import web

from ._routes_images import png
from ._store import Route, cursor_page, new_id, now, read_form, reply

if TYPE_CHECKING:
    from ._server import MockOpenAI

__all__ = ["routes"]

# An ISO base media file header (``ftyp`` box): enough for tools to recognise an MP4.
_MP4 = struct.pack(">I", 24) + b"ftypisom" + struct.pack(">I", 512) + b"isomiso2" + bytes(64)


def routes(mock: MockOpenAI) -> list[Route]:
    from ._server import APIError

    videos = mock.store.videos

    def new_video(params: dict[str, Any], remixed_from: str | None = None) -> dict[str, Any]:
        prompt = params.get("prompt")
        if not prompt:
            raise APIError(
                400,
                "Missing required parameter: 'prompt'.",
                param="prompt",
                code="missing_required_parameter",
            )
        return videos.add(
            {
                "id": new_id("video_", 32),
                "object": "video",
                "created_at": now(),
                "completed_at": None,
                "error": None,
                "expires_at": None,
                "model": params.get("model") or "sora-2",
                "progress": 0,
                "prompt": prompt,
                "remixed_from_video_id": remixed_from,
                "seconds": str(params.get("seconds") or "4"),
                "size": params.get("size") or "720x1280",
                "status": "queued",
            }
        )

    async def create(request: web.Request) -> web.StreamResponse:
        if request.content_type.startswith("multipart/"):
            params = dict((await read_form(request)).fields)
        else:
            params = await mock._body(request)
        return reply(mock, request, new_video(params))

    async def retrieve(request: web.Request) -> web.StreamResponse:
        video = videos.get_or_404(request.match_info["id"])
        if video["status"] == "queued":
            video.update(status="in_progress", progress=50)
        elif video["status"] == "in_progress":
            t = now()
            video.update(status="completed", progress=100, completed_at=t, expires_at=t + 86400)
        return reply(mock, request, video, headers={"openai-poll-after-ms": "5"})

    async def list_videos(request: web.Request) -> web.StreamResponse:
        return reply(mock, request, cursor_page(videos.values(), request.query))

    async def delete(request: web.Request) -> web.StreamResponse:
        video = videos.get_or_404(request.match_info["id"])
        del videos[video["id"]]
        return reply(mock, request, {"id": video["id"], "object": "video.deleted", "deleted": True})

    async def remix(request: web.Request) -> web.StreamResponse:
        source = videos.get_or_404(request.match_info["id"])
        body = await mock._body(request)
        return reply(mock, request, new_video({**source, **body}, source["id"]))

    async def video_content(request: web.Request) -> web.StreamResponse:
        video = videos.get_or_404(request.match_info["id"])
        if video["status"] != "completed":
            raise APIError(400, "Video is not ready yet.")
        variant = request.query.get("variant", "video")
        if variant == "thumbnail":
            body, ctype = png(video["prompt"]), "image/png"
        else:
            body, ctype = _MP4, "video/mp4"
        return web.Response(body=body, content_type=ctype, headers=mock._headers(request))

    return [
        ("POST", "/videos", create),
        ("GET", "/videos", list_videos),
        ("GET", "/videos/{id}", retrieve),
        ("DELETE", "/videos/{id}", delete),
        ("POST", "/videos/{id}/remix", remix),
        ("GET", "/videos/{id}/content", video_content),
    ]
