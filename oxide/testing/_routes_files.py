"""Files (multipart upload, cursor-paged list, content) and chunked uploads (parts, complete)."""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

from aiohttp import web

from ._store import Route, cursor_page, new_id, now, read_form, reply

if TYPE_CHECKING:
    from ._server import MockOpenAI

__all__ = ["add_file", "routes"]

PURPOSES = ("assistants", "batch", "fine-tune", "vision", "user_data", "evals")


def add_file(
    mock: MockOpenAI,
    filename: str,
    data: bytes,
    purpose: str,
    expires_after: Mapping[str, Any] | None = None,
) -> dict[str, Any]:
    """Stores ``data`` as a File object (also used for batch outputs and upload results)."""
    created = now()
    expires_at = None
    if expires_after is not None and str(expires_after.get("seconds", "")).isdigit():
        expires_at = created + int(expires_after["seconds"])
    elif purpose == "batch":
        expires_at = created + 30 * 86400
    obj: dict[str, Any] = {
        "id": new_id("file-", 22),
        "object": "file",
        "bytes": len(data),
        "created_at": created,
        "expires_at": expires_at,
        "filename": filename,
        "purpose": purpose,
        "status": "processed",
        "status_details": None,
    }
    mock.store.files.add(obj)
    mock.store.keep(mock.store.file_bytes, obj["id"], data)
    return obj


def routes(mock: MockOpenAI) -> list[Route]:
    from ._server import APIError

    files = mock.store.files

    def check_purpose(purpose: str | None) -> str:
        if not purpose:
            raise APIError(
                400,
                "Missing required parameter: 'purpose'.",
                param="purpose",
                code="missing_required_parameter",
            )
        if purpose not in PURPOSES:
            raise APIError(
                400,
                f"Invalid value for 'purpose': '{purpose}'. Supported values are: "
                + ", ".join(f"'{p}'" for p in PURPOSES)
                + ".",
                param="purpose",
                code="invalid_value",
            )
        return purpose

    async def create(request: web.Request) -> web.StreamResponse:
        form = await read_form(request)
        upload = form.required_file("file")
        purpose = check_purpose(form.text("purpose"))
        expires = {
            "anchor": form.text("expires_after[anchor]"),
            "seconds": form.text("expires_after[seconds]"),
        }
        obj = add_file(mock, upload[0], upload[1], purpose, expires if expires["seconds"] else None)
        return reply(mock, request, obj)

    async def list_files(request: web.Request) -> web.StreamResponse:
        purpose = request.query.get("purpose")
        rows = [f for f in files.values() if purpose is None or f["purpose"] == purpose]
        return reply(mock, request, cursor_page(rows, request.query, limit=10000, max_limit=10000))

    async def retrieve(request: web.Request) -> web.StreamResponse:
        return reply(mock, request, files.get_or_404(request.match_info["id"]))

    async def delete(request: web.Request) -> web.StreamResponse:
        file_id = files.get_or_404(request.match_info["id"])["id"]
        del files[file_id]
        mock.store.file_bytes.pop(file_id, None)
        return reply(mock, request, {"object": "file", "id": file_id, "deleted": True})

    async def file_content(request: web.Request) -> web.StreamResponse:
        obj = files.get_or_404(request.match_info["id"])
        data = mock.store.file_bytes.get(obj["id"], b"")
        return web.Response(
            body=data, content_type="application/octet-stream", headers=mock._headers(request)
        )

    # -- /uploads ------------------------------------------------------------------------

    uploads = mock.store.uploads

    async def create_upload(request: web.Request) -> web.StreamResponse:
        body = await mock._body(request)
        for name in ("filename", "purpose", "bytes", "mime_type"):
            if body.get(name) is None:
                raise APIError(
                    400,
                    f"Missing required parameter: '{name}'.",
                    param=name,
                    code="missing_required_parameter",
                )
        check_purpose(body["purpose"])
        created = now()
        obj = {
            "id": new_id("upload_"),
            "object": "upload",
            "bytes": body["bytes"],
            "created_at": created,
            "filename": body["filename"],
            "purpose": body["purpose"],
            "status": "pending",
            "expires_at": created + 3600,
            "file": None,
            "part_ids": [],
        }
        uploads.add(obj)
        return reply(mock, request, _public_upload(obj))

    def pending_upload(request: web.Request) -> dict[str, Any]:
        obj = uploads.get_or_404(request.match_info["id"])
        if obj["status"] != "pending":
            raise APIError(400, f"Upload {obj['id']} is already {obj['status']}.")
        return obj

    async def add_part(request: web.Request) -> web.StreamResponse:
        obj = pending_upload(request)
        form = await read_form(request)
        data = form.file("data")
        if data is None:
            raise APIError(
                400,
                "Missing required parameter: 'data'.",
                param="data",
                code="missing_required_parameter",
            )
        part = {
            "id": new_id("part_"),
            "object": "upload.part",
            "created_at": now(),
            "upload_id": obj["id"],
        }
        mock.store.keep(mock.store.upload_parts, part["id"], data[1])
        obj["part_ids"].append(part["id"])
        return reply(mock, request, part)

    async def complete(request: web.Request) -> web.StreamResponse:
        obj = pending_upload(request)
        body = await mock._body(request)
        part_ids = body.get("part_ids")
        if not isinstance(part_ids, list) or any(p not in obj["part_ids"] for p in part_ids):
            raise APIError(400, "Invalid 'part_ids': unknown part id.", param="part_ids")
        data = b"".join(mock.store.upload_parts.pop(p, b"") for p in part_ids)
        if len(data) != obj["bytes"]:
            raise APIError(
                400,
                f"The number of bytes uploaded ({len(data)}) does not match the number of bytes"
                f" declared when the upload was created ({obj['bytes']}).",
            )
        obj["status"] = "completed"
        obj["file"] = add_file(mock, obj["filename"], data, obj["purpose"])
        return reply(mock, request, _public_upload(obj))

    async def cancel_upload(request: web.Request) -> web.StreamResponse:
        obj = pending_upload(request)
        obj["status"] = "cancelled"
        return reply(mock, request, _public_upload(obj))

    return [
        ("POST", "/files", create),
        ("GET", "/files", list_files),
        ("GET", "/files/{id}", retrieve),
        ("DELETE", "/files/{id}", delete),
        ("GET", "/files/{id}/content", file_content),
        ("POST", "/uploads", create_upload),
        ("POST", "/uploads/{id}/parts", add_part),
        ("POST", "/uploads/{id}/complete", complete),
        ("POST", "/uploads/{id}/cancel", cancel_upload),
    ]


def _public_upload(obj: Mapping[str, Any]) -> dict[str, Any]:
    return {k: v for k, v in obj.items() if k != "part_ids"}
