"""Fine-tuning jobs: ``validating_files`` → ``queued`` → ``running`` → ``succeeded``, one step per
retrieval; list, cancel, pause/resume, events and checkpoints."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from aiohttp import web

from ._routes_files import add_file
from ._store import Route, cursor_page, new_id, now, reply

if TYPE_CHECKING:
    from ._server import MockOpenAI

__all__ = ["routes"]

_NEXT = {"validating_files": "queued", "queued": "running", "running": "succeeded"}


def routes(mock: MockOpenAI) -> list[Route]:
    from ._server import _ORG, APIError

    jobs = mock.store.fine_tuning_jobs
    events: dict[str, list[dict[str, Any]]] = {}

    def log(job: dict[str, Any], message: str, level: str = "info") -> None:
        events.setdefault(job["id"], []).append(
            {
                "id": new_id("ftevent-"),
                "object": "fine_tuning.job.event",
                "created_at": now(),
                "level": level,
                "message": message,
                "data": {},
                "type": "message",
            }
        )

    async def create(request: web.Request) -> web.StreamResponse:
        body = await mock._body(request)
        for name in ("model", "training_file"):
            if not body.get(name):
                raise APIError(
                    400,
                    f"Missing required parameter: '{name}'.",
                    param=name,
                    code="missing_required_parameter",
                )
        mock.store.files.get_or_404(body["training_file"])
        hyper = {"batch_size": "auto", "learning_rate_multiplier": "auto", "n_epochs": "auto"}
        hyper.update(body.get("hyperparameters") or {})
        method = body.get("method") or {"type": "supervised"}
        kind = method.get("type", "supervised")
        method = {**method, kind: {"hyperparameters": hyper, **(method.get(kind) or {})}}
        job = {
            "id": new_id("ftjob-"),
            "object": "fine_tuning.job",
            "created_at": now(),
            "error": None,
            "fine_tuned_model": None,
            "finished_at": None,
            "hyperparameters": hyper,
            "model": body["model"],
            "organization_id": "org-" + _ORG,
            "result_files": [],
            "seed": body.get("seed") if body.get("seed") is not None else 42,
            "status": "validating_files",
            "trained_tokens": None,
            "training_file": body["training_file"],
            "validation_file": body.get("validation_file"),
            "estimated_finish": None,
            "integrations": body.get("integrations"),
            "metadata": body.get("metadata"),
            "method": method,
            "user_provided_suffix": body.get("suffix"),
        }
        jobs.add(job)
        log(job, f"Validating training file: {body['training_file']}")
        return reply(mock, request, job)

    def advance(job: dict[str, Any]) -> None:
        nxt = _NEXT.get(job["status"])
        if nxt is None:
            return
        job["status"] = nxt
        if nxt == "succeeded":
            suffix = job.get("user_provided_suffix") or "mock"
            job["fine_tuned_model"] = f"ft:{job['model']}:{_ORG}:{suffix}:{job['id'][-8:]}"
            job["finished_at"] = now()
            job["trained_tokens"] = 5_120
            step_metrics = b"step,train_loss,train_accuracy\n1,1.2,0.5\n2,0.6,0.8\n"
            job["result_files"] = [
                add_file(mock, "step_metrics.csv", step_metrics, "fine-tune-results")["id"]
            ]
            log(job, "The job has successfully completed")
        else:
            log(
                job,
                {"queued": "Files validated, job queued", "running": "Fine-tuning job started"}[
                    nxt
                ],
            )

    async def list_jobs(request: web.Request) -> web.StreamResponse:
        return reply(mock, request, cursor_page(jobs.values(), request.query))

    async def retrieve(request: web.Request) -> web.StreamResponse:
        job = jobs.get_or_404(request.match_info["id"])
        advance(job)
        return reply(mock, request, job)

    async def cancel(request: web.Request) -> web.StreamResponse:
        job = jobs.get_or_404(request.match_info["id"])
        if job["status"] in ("succeeded", "failed", "cancelled"):
            raise APIError(400, f"Job has already {job['status']}.")
        job.update(status="cancelled", finished_at=now())
        log(job, "Job cancelled")
        return reply(mock, request, job)

    async def pause(request: web.Request) -> web.StreamResponse:
        job = jobs.get_or_404(request.match_info["id"])
        job["status"] = "paused"
        return reply(mock, request, job)

    async def resume(request: web.Request) -> web.StreamResponse:
        job = jobs.get_or_404(request.match_info["id"])
        if job["status"] == "paused":
            job["status"] = "running"
        return reply(mock, request, job)

    async def list_events(request: web.Request) -> web.StreamResponse:
        job = jobs.get_or_404(request.match_info["id"])
        return reply(mock, request, cursor_page(events.get(job["id"], []), request.query))

    async def checkpoints(request: web.Request) -> web.StreamResponse:
        job = jobs.get_or_404(request.match_info["id"])
        rows = []
        if job["fine_tuned_model"]:
            rows.append(
                {
                    "id": "ftckpt_" + job["id"][-16:],
                    "object": "fine_tuning.job.checkpoint",
                    "created_at": job["finished_at"],
                    "fine_tuned_model_checkpoint": job["fine_tuned_model"] + ":ckpt-step-2",
                    "fine_tuning_job_id": job["id"],
                    "metrics": {"step": 2, "train_loss": 0.6, "train_mean_token_accuracy": 0.8},
                    "step_number": 2,
                }
            )
        return reply(mock, request, cursor_page(rows, request.query))

    return [
        ("POST", "/fine_tuning/jobs", create),
        ("GET", "/fine_tuning/jobs", list_jobs),
        ("GET", "/fine_tuning/jobs/{id}", retrieve),
        ("POST", "/fine_tuning/jobs/{id}/cancel", cancel),
        ("POST", "/fine_tuning/jobs/{id}/pause", pause),
        ("POST", "/fine_tuning/jobs/{id}/resume", resume),
        ("GET", "/fine_tuning/jobs/{id}/events", list_events),
        ("GET", "/fine_tuning/jobs/{id}/checkpoints", checkpoints),
    ]
