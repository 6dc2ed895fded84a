"""Containers and their files (multipart upload or an existing ``file_id``; content bytes)."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from aiohttp import web

from ._store import Route, cursor_page, new_id, now, read_form, reply

if TYPE_CHECKING:
    from ._server import MockOpenAI

__all__ = ["routes"]


def routes(mock: MockOpenAI) -> list[Route]:
    from ._server import APIError

    containers = mock.store.containers
    cfiles = mock.store.container_files
    blobs: dict[str, bytes] = {}

    def get_container(request: web.Request) -> dict[str, Any]:
        return containers.get_or_404(request.match_info["id"])

    def add_cfile(cid: str, filename: str, data: bytes, source: str) -> dict[str, Any]:
        obj: dict[str, Any] = {
            "id": new_id("cfile_", 32),
            "object": "container.file",
            "created_at": now(),
            "bytes": len(data),
            "container_id": cid,
            "path": f"/mnt/data/{filename}",
            "source": source,
        }
        cfiles.add(obj)
        mock.store.keep(blobs, obj["id"], data)
        return obj

    async def create(request: web.Request) -> web.StreamResponse:
        body = await mock._body(request)
        if not body.get("name"):
            raise APIError(
                400,
                "Missing required parameter: 'name'.",
                param="name",
                code="missing_required_parameter",
            )
        created = now()
        obj = {
            "id": new_id("cntr_", 32),
            "object": "container",
            "created_at": created,
            "status": "running",
            "name": body["name"],
            "expires_after": body.get("expires_after")
            or {"anchor": "last_active_at", "minutes": 20},
            "last_active_at": created,
            "memory_limit": body.get("memory_limit") or "1g",
        }
        containers.add(obj)
        for file_id in body.get("file_ids") or ():
            file = mock.store.files.get_or_404(file_id)
            add_cfile(obj["id"], file["filename"], mock.store.file_bytes.get(file_id, b""), "user")
        return reply(mock, request, obj)

    async def list_containers(request: web.Request) -> web.StreamResponse:
        return reply(mock, request, cursor_page(containers.values(), request.query))

    async def retrieve(request: web.Request) -> web.StreamResponse:
        return reply(mock, request, get_container(request))

    async def delete(request: web.Request) -> web.StreamResponse:
        obj = get_container(request)
        del containers[obj["id"]]
        return reply(
            mock, request, {"id": obj["id"], "object": "container.deleted", "deleted": True}
        )

    async def create_file(request: web.Request) -> web.StreamResponse:
        cid = get_container(request)["id"]
        if request.content_type.startswith("multipart/"):
            form = await read_form(request)
            upload = form.required_file("file")
            return reply(mock, request, add_cfile(cid, upload[0], upload[1], "user"))
        body = await mock._body(request)
        file = mock.store.files.get_or_404(str(body.get("file_id")))
        data = mock.store.file_bytes.get(file["id"], b"")
        return reply(mock, request, add_cfile(cid, file["filename"], data, "user"))

    def get_cfile(request: web.Request) -> dict[str, Any]:
        obj = cfiles.get_or_404(request.match_info["file_id"])
        if obj["container_id"] != request.match_info["id"]:
            raise APIError(404, f"No container file found with id '{obj['id']}'.")
        return obj

    async def list_files(request: web.Request) -> web.StreamResponse:
        cid = get_container(request)["id"]
        rows = [f for f in cfiles.values() if f["container_id"] == cid]
        return reply(mock, request, cursor_page(rows, request.query))

    async def retrieve_file(request: web.Request) -> web.StreamResponse:
        return reply(mock, request, get_cfile(request))

    async def delete_file(request: web.Request) -> web.StreamResponse:
        obj = get_cfile(request)
        del cfiles[obj["id"]]
        blobs.pop(obj["id"], None)
        return reply(
            mock, request, {"id": obj["id"], "object": "container.file.deleted", "deleted": True}
        )

    async def file_content(request: web.Request) -> web.StreamResponse:
        obj = get_cfile(request)
        return web.Response(
            body=blobs.get(obj["id"], b""),
            content_type="application/octet-stream",
            headers=mock._headers(request),
        )

    return [
        ("POST", "/containers", create),
        ("GET", "/containers", list_containers),
        ("GET", "/containers/{id}", retrieve),
        ("DELETE", "/containers/{id}", delete),
        ("POST", "/containers/{id}/files", create_file),
        ("GET", "/containers/{id}/files", list_files),
        ("GET", "/containers/{id}/files/{file_id}", retrieve_file),
        ("DELETE", "/containers/{id}/files/{file_id}", delete_file),
        ("GET", "/containers/{id}/files/{file_id}/content", file_content),
    ]
