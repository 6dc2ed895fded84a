"""Batches: ``validating`` → ``in_progress`` → ``finalizing`` → ``completed``, one step per
retrieval, with a JSONL output file (one answer per input line) in the files store."""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

import orjson
from aiohttp import web

from . import _content as content
from ._routes_files import add_file
from ._store import Route, cursor_page, new_id, now, reply

if TYPE_CHECKING:
    from ._server import MockOpenAI

__all__ = ["routes"]

ENDPOINTS = (
    "/v1/responses",
    "/v1/chat/completions",
    "/v1/embeddings",
    "/v1/completions",
    "/v1/moderations",
)


def _answer(url: str, body: Mapping[str, Any]) -> dict[str, Any]:
    """The body one batch line gets (echo replies, like the live endpoints)."""
    model = str(body.get("model", "gpt-4o-mini"))
    created = now()
    if url.endswith("/chat/completions"):
        msgs = body.get("messages") or [{}]
        last = msgs[-1] if isinstance(msgs, list) and msgs else {}
        text = content.echo_reply(content.content_text(last.get("content")))
        prompt, completion = 10, content.count_tokens(text)
        return {
            "id": new_id("chatcmpl-", 29),
            "object": "chat.completion",
            "created": created,
            "model": model,
            "choices": [
                {
                    "index": 0,
                    "message": {"role": "assistant", "content": text, "refusal": None},
                    "logprobs": None,
                    "finish_reason": "stop",
                }
            ],
            "usage": {
                "prompt_tokens": prompt,
                "completion_tokens": completion,
                "total_tokens": prompt + completion,
            },
        }
    if url.endswith("/embeddings"):
        raw = body.get("input")
        inputs = raw if isinstance(raw, list) else [raw]
        return {
            "object": "list",
            "data": [
                {"object": "embedding", "index": i, "embedding": [0.0] * 8}
                for i in range(len(inputs))
            ],
            "model": model,
            "usage": {"prompt_tokens": len(inputs), "total_tokens": len(inputs)},
        }
    text = content.echo_reply(content.content_text(body.get("input") or body.get("prompt")))
    return {"id": new_id("resp_", 40), "object": "response", "model": model, "output_text": text}


def routes(mock: MockOpenAI) -> list[Route]:
    from ._server import APIError

    batches = mock.store.batches

    async def create(request: web.Request) -> web.StreamResponse:
        body = await mock._body(request)
        for name in ("input_file_id", "endpoint", "completion_window"):
            if not body.get(name):
                raise APIError(
                    400,
                    f"Missing required parameter: '{name}'.",
                    param=name,
                    code="missing_required_parameter",
                )
        if body["endpoint"] not in ENDPOINTS:
            raise APIError(
                400,
                f"Invalid value for 'endpoint': '{body['endpoint']}'.",
                param="endpoint",
                code="invalid_value",
            )
        mock.store.files.get_or_404(body["input_file_id"])
        created = now()
        obj = {
            "id": new_id("batch_", 32),
            "object": "batch",
            "endpoint": body["endpoint"],
            "model": None,
            "errors": None,
            "input_file_id": body["input_file_id"],
            "completion_window": body["completion_window"],
            "status": "validating",
            "output_file_id": None,
            "error_file_id": None,
            "created_at": created,
            "in_progress_at": None,
            "expires_at": created + 86400,
            "finalizing_at": None,
            "completed_at": None,
            "failed_at": None,
            "expired_at": None,
            "cancelling_at": None,
            "cancelled_at": None,
            "request_counts": {"total": 0, "completed": 0, "failed": 0},
            "usage": None,
            "metadata": body.get("metadata"),
        }
        return reply(mock, request, batches.add(obj))

    def advance(batch: dict[str, Any]) -> None:
        status, t = batch["status"], now()
        if status == "validating":
            data = mock.store.file_bytes.get(batch["input_file_id"], b"")
            lines = [ln for ln in data.splitlines() if ln.strip()]
            batch.update(status="in_progress", in_progress_at=t)
            batch["request_counts"] = {"total": len(lines), "completed": 0, "failed": 0}
        elif status == "in_progress":
            batch.update(status="finalizing", finalizing_at=t)
        elif status == "finalizing":
            finish(batch, t)
        elif status == "cancelling":
            batch.update(status="cancelled", cancelled_at=t)

    def finish(batch: dict[str, Any], t: int) -> None:
        out: list[bytes] = []
        failed = 0
        data = mock.store.file_bytes.get(batch["input_file_id"], b"")
        for raw in data.splitlines():
            if not raw.strip():
                continue
            try:
                line = orjson.loads(raw)
                body = line["body"]
                answer = _answer(str(line.get("url", batch["endpoint"])), body)
                custom_id = line.get("custom_id")
            except (orjson.JSONDecodeError, KeyError, TypeError, AttributeError):
                failed += 1
                continue
            result = {
                "id": new_id("batch_req_", 32),
                "custom_id": custom_id,
                "response": {"status_code": 200, "request_id": new_id("", 32), "body": answer},
                "error": None,
            }
            out.append(orjson.dumps(result))
        output = add_file(
            mock, f"{batch['id']}_output.jsonl", b"\n".join(out) + b"\n", "batch_output"
        )
        batch.update(status="completed", completed_at=t, output_file_id=output["id"])
        batch["request_counts"] = {
            "total": len(out) + failed,
            "completed": len(out),
            "failed": failed,
        }
        batch["usage"] = {
            "input_tokens": 10 * len(out),
            "input_tokens_details": {"cached_tokens": 0},
            "output_tokens": 20 * len(out),
            "output_tokens_details": {"reasoning_tokens": 0},
            "total_tokens": 30 * len(out),
        }

    async def retrieve(request: web.Request) -> web.StreamResponse:
        batch = batches.get_or_404(request.match_info["id"])
        advance(batch)
        return reply(mock, request, batch)

    async def list_batches(request: web.Request) -> web.StreamResponse:
        return reply(mock, request, cursor_page(batches.values(), request.query))

    async def cancel(request: web.Request) -> web.StreamResponse:
        batch = batches.get_or_404(request.match_info["id"])
        if batch["status"] in ("completed", "failed", "expired", "cancelled"):
            raise APIError(
                409, f"Cannot cancel a batch with status '{batch['status']}'.", code="conflict"
            )
        if batch["status"] != "cancelling":
            batch.update(status="cancelling", cancelling_at=now())
        return reply(mock, request, batch)

    return [
        ("POST", "/batches", create),
        ("GET", "/batches", list_batches),
        ("GET", "/batches/{id}", retrieve),
        ("POST", "/batches/{id}/cancel", cancel),
    ]
