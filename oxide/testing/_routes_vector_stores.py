"""Vector stores, their files and file batches: files start ``in_progress`` and complete on the
next retrieval (``openai-poll-after-ms: 5``), so ``create_and_poll``/``upload_and_poll`` finish."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from aiohttp import web

from ._store import Route, cursor_page, new_id, now, reply

if TYPE_CHECKING:
    from ._server import MockOpenAI

__all__ = ["routes"]

_POLL = {"openai-poll-after-ms": "5"}
_STATIC = {"type": "static", "static": {"max_chunk_size_tokens": 800, "chunk_overlap_tokens": 400}}


def routes(mock: MockOpenAI) -> list[Route]:
    from ._server import APIError

    stores = mock.store.vector_stores
    vs_files = mock.store.vector_store_files
    vs_batches = mock.store.file_batches

    def files_of(vs_id: str) -> list[dict[str, Any]]:
        return [f for f in vs_files.values() if f["vector_store_id"] == vs_id]

    def counts(files: list[dict[str, Any]]) -> dict[str, int]:
        out = dict.fromkeys(("in_progress", "completed", "failed", "cancelled"), 0)
        for f in files:
            out[f["status"]] += 1
        return {**out, "total": len(files)}

    def store_view(vs: dict[str, Any]) -> dict[str, Any]:
        files = files_of(vs["id"])
        vs["file_counts"] = counts(files)
        vs["usage_bytes"] = sum(f["usage_bytes"] for f in files)
        vs["status"] = "in_progress" if vs["file_counts"]["in_progress"] else "completed"
        return vs

    def get_store(request: web.Request) -> dict[str, Any]:
        return stores.get_or_404(request.match_info["id"])

    def attach(vs_id: str, file_id: str, body: dict[str, Any]) -> dict[str, Any]:
        mock.store.files.get_or_404(file_id)
        obj = {
            "id": file_id,
            "object": "vector_store.file",
            "usage_bytes": len(mock.store.file_bytes.get(file_id, b"")),
            "created_at": now(),
            "vector_store_id": vs_id,
            "status": "in_progress",
            "last_error": None,
            "chunking_strategy": body.get("chunking_strategy") or _STATIC,
            "attributes": body.get("attributes") or {},
        }
        vs_files[f"{vs_id}/{file_id}"] = obj
        return obj

    def settle(obj: dict[str, Any]) -> None:
        if obj["status"] == "in_progress":
            obj["status"] = "completed"

    async def create(request: web.Request) -> web.StreamResponse:
        body = await mock._body(request)
        created = now()
        vs: dict[str, Any] = {
            "id": new_id("vs_"),
            "object": "vector_store",
            "created_at": created,
            "name": body.get("name") or "",
            "description": body.get("description"),
            "usage_bytes": 0,
            "file_counts": counts([]),
            "status": "completed",
            "expires_after": body.get("expires_after"),
            "expires_at": None,
            "last_active_at": created,
            "metadata": body.get("metadata") or {},
        }
        stores.add(vs)
        for file_id in body.get("file_ids") or ():
            attach(vs["id"], file_id, body)
        return reply(mock, request, store_view(vs))

    async def list_stores(request: web.Request) -> web.StreamResponse:
        rows = [store_view(vs) for vs in stores.values()]
        return reply(mock, request, cursor_page(rows, request.query))

    async def retrieve(request: web.Request) -> web.StreamResponse:
        vs = get_store(request)
        for f in files_of(vs["id"]):
            settle(f)
        return reply(mock, request, store_view(vs), headers=_POLL)

    async def update(request: web.Request) -> web.StreamResponse:
        vs = get_store(request)
        body = await mock._body(request)
        for name in ("name", "metadata", "expires_after"):
            if name in body:
                vs[name] = body[name]
        return reply(mock, request, store_view(vs))

    async def delete(request: web.Request) -> web.StreamResponse:
        vs = get_store(request)
        del stores[vs["id"]]
        for f in files_of(vs["id"]):
            del vs_files[f"{vs['id']}/{f['id']}"]
        return reply(
            mock, request, {"id": vs["id"], "object": "vector_store.deleted", "deleted": True}
        )

    async def search(request: web.Request) -> web.StreamResponse:
        vs = get_store(request)
        body = await mock._body(request)
        query = body.get("query")
        queries = query if isinstance(query, list) else [query]
        data = []
        for i, f in enumerate(files_of(vs["id"])[: int(body.get("max_num_results") or 10)]):
            file = mock.store.files.get(f["id"]) or {"filename": f["id"]}
            text = mock.store.file_bytes.get(f["id"], b"")[:400].decode("utf-8", "replace")
            data.append(
                {
                    "file_id": f["id"],
                    "filename": file["filename"],
                    "score": round(0.9 - 0.05 * i, 4),
                    "attributes": f["attributes"],
                    "content": [{"type": "text", "text": text}],
                }
            )
        return reply(
            mock,
            request,
            {
                "object": "vector_store.search_results.page",
                "search_query": queries,
                "data": data,
                "has_more": False,
                "next_page": None,
            },
        )

    # -- files ---------------------------------------------------------------------------

    def get_file(request: web.Request) -> dict[str, Any]:
        key = f"{request.match_info['id']}/{request.match_info['file_id']}"
        found = vs_files.get(key)
        if found is None:
            raise APIError(
                404,
                f"No file found with id '{request.match_info['file_id']}' in vector store"
                f" '{request.match_info['id']}'.",
            )
        return found

    async def create_file(request: web.Request) -> web.StreamResponse:
        vs = get_store(request)
        body = await mock._body(request)
        if not body.get("file_id"):
            raise APIError(
                400,
                "Missing required parameter: 'file_id'.",
                param="file_id",
                code="missing_required_parameter",
            )
        return reply(mock, request, attach(vs["id"], body["file_id"], body))

    async def list_files(request: web.Request) -> web.StreamResponse:
        vs = get_store(request)
        status = request.query.get("filter")
        rows = [f for f in files_of(vs["id"]) if status is None or f["status"] == status]
        return reply(mock, request, cursor_page(rows, request.query))

    async def retrieve_file(request: web.Request) -> web.StreamResponse:
        obj = get_file(request)
        settle(obj)
        return reply(mock, request, obj, headers=_POLL)

    async def update_file(request: web.Request) -> web.StreamResponse:
        obj = get_file(request)
        body = await mock._body(request)
        obj["attributes"] = body.get("attributes") or {}
        return reply(mock, request, obj)

    async def delete_file(request: web.Request) -> web.StreamResponse:
        obj = get_file(request)
        del vs_files[f"{obj['vector_store_id']}/{obj['id']}"]
        return reply(
            mock, request, {"id": obj["id"], "object": "vector_store.file.deleted", "deleted": True}
        )

    async def file_content(request: web.Request) -> web.StreamResponse:
        obj = get_file(request)
        text = mock.store.file_bytes.get(obj["id"], b"").decode("utf-8", "replace")
        return reply(
            mock,
            request,
            {
                "object": "vector_store.file_content.page",
                "data": [{"type": "text", "text": text}],
                "has_more": False,
                "next_page": None,
            },
        )

    # -- file batches --------------------------------------------------------------------

    def batch_files(batch: dict[str, Any]) -> list[dict[str, Any]]:
        keys = (f"{batch['vector_store_id']}/{fid}" for fid in batch["file_ids"])
        return [vs_files[k] for k in keys if k in vs_files]

    def batch_view(batch: dict[str, Any]) -> dict[str, Any]:
        view = {k: v for k, v in batch.items() if k != "file_ids"}
        view["file_counts"] = counts(batch_files(batch))
        if batch["status"] == "in_progress" and not view["file_counts"]["in_progress"]:
            batch["status"] = view["status"] = "completed"
        return view

    def get_batch(request: web.Request) -> dict[str, Any]:
        batch = vs_batches.get_or_404(request.match_info["batch_id"])
        if batch["vector_store_id"] != request.match_info["id"]:
            raise APIError(404, f"No file batch found with id '{batch['id']}'.")
        return batch

    async def create_batch(request: web.Request) -> web.StreamResponse:
        vs = get_store(request)
        body = await mock._body(request)
        specs = body.get("files") or [{"file_id": fid} for fid in body.get("file_ids") or ()]
        if not specs:
            raise APIError(
                400,
                "Missing required parameter: 'file_ids'.",
                param="file_ids",
                code="missing_required_parameter",
            )
        for spec in specs:
            attach(vs["id"], spec["file_id"], {**body, **spec})
        batch = {
            "id": new_id("vsfb_"),
            "object": "vector_store.files_batch",
            "created_at": now(),
            "vector_store_id": vs["id"],
            "status": "in_progress",
            "file_ids": [s["file_id"] for s in specs],
        }
        vs_batches.add(batch)
        return reply(mock, request, batch_view(batch))

    async def retrieve_batch(request: web.Request) -> web.StreamResponse:
        batch = get_batch(request)
        if batch["status"] == "in_progress":
            for f in batch_files(batch):
                settle(f)
        return reply(mock, request, batch_view(batch), headers=_POLL)

    async def cancel_batch(request: web.Request) -> web.StreamResponse:
        batch = get_batch(request)
        if batch["status"] == "in_progress":
            batch["status"] = "cancelled"
            for f in batch_files(batch):
                if f["status"] == "in_progress":
                    f["status"] = "cancelled"
        return reply(mock, request, batch_view(batch))

    async def batch_file_list(request: web.Request) -> web.StreamResponse:
        batch = get_batch(request)
        status = request.query.get("filter")
        rows = [f for f in batch_files(batch) if status is None or f["status"] == status]
        return reply(mock, request, cursor_page(rows, request.query))

    return [
        ("POST", "/vector_stores", create),
        ("GET", "/vector_stores", list_stores),
        ("GET", "/vector_stores/{id}", retrieve),
        ("POST", "/vector_stores/{id}", update),
        ("DELETE", "/vector_stores/{id}", delete),
        ("POST", "/vector_stores/{id}/search", search),
        ("POST", "/vector_stores/{id}/files", create_file),
        ("GET", "/vector_stores/{id}/files", list_files),
        ("GET", "/vector_stores/{id}/files/{file_id}", retrieve_file),
        ("POST", "/vector_stores/{id}/files/{file_id}", update_file),
        ("DELETE", "/vector_stores/{id}/files/{file_id}", delete_file),
        ("GET", "/vector_stores/{id}/files/{file_id}/content", file_content),
        ("POST", "/vector_stores/{id}/file_batches", create_batch),
        ("GET", "/vector_stores/{id}/file_batches/{batch_id}", retrieve_batch),
        ("POST", "/vector_stores/{id}/file_batches/{batch_id}/cancel", cancel_batch),
        ("GET", "/vector_stores/{id}/file_batches/{batch_id}/files", batch_file_list),
    ]
