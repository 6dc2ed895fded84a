"""Moderations and the legacy text completions (plain and streamed)."""

from __future__ import annotations

from collections.abc import Iterable
from typing import TYPE_CHECKING, Any

import orjson
from aiohttp import web

from . import _content as content
from ._store import Route, new_id, now, reply

if TYPE_CHECKING:
    from ._server import MockOpenAI

__all__ = ["routes"]

CATEGORIES = (
    "harassment",
    "harassment/threatening",
    "hate",
    "hate/threatening",
    "illicit",
    "illicit/violent",
    "self-harm",
    "self-harm/instructions",
    "self-harm/intent",
    "sexual",
    "sexual/minors",
    "violence",
    "violence/graphic",
)
# Words that flag a category, so tests can get a flagged result deterministically.
_TRIGGERS = {"violence": ("kill", "attack"), "harassment": ("idiot",), "illicit": ("steal",)}


def _moderation(item: Any) -> dict[str, Any]:
    if isinstance(item, dict):
        kinds = ["image"] if item.get("type") == "image_url" else ["text"]
        text = str(item.get("text", ""))
    else:
        kinds, text = ["text"], str(item)
    lowered = text.lower()
    flagged = {c for c, words in _TRIGGERS.items() if any(w in lowered for w in words)}
    return {
        "flagged": bool(flagged),
        "categories": {c: c in flagged for c in CATEGORIES},
        "category_scores": {c: 0.91 if c in flagged else 1.2e-05 for c in CATEGORIES},
        "category_applied_input_types": {
            c: kinds if "image" not in kinds or c in ("violence", "sexual", "self-harm") else []
            for c in CATEGORIES
        },
    }


def routes(mock: MockOpenAI) -> list[Route]:
    from ._server import APIError, _positive_int, _require_model

    async def moderations(request: web.Request) -> web.StreamResponse:
        body = await mock._body(request)
        raw = body.get("input")
        if raw is None:
            raise APIError(
                400,
                "Missing required parameter: 'input'.",
                param="input",
                code="missing_required_parameter",
            )
        inputs = raw if isinstance(raw, list) else [raw]
        payload = {
            "id": new_id("modr-", 29),
            "model": body.get("model") or "omni-moderation-latest",
            "results": [_moderation(item) for item in inputs],
        }
        return reply(mock, request, payload)

    async def completions(request: web.Request) -> web.StreamResponse:
        body = await mock._body(request)
        model = _require_model(body)
        prompt = body.get("prompt")
        if prompt is None:
            raise APIError(
                400,
                "Missing required parameter: 'prompt'.",
                param="prompt",
                code="missing_required_parameter",
            )
        prompts = (
            prompt
            if isinstance(prompt, list) and prompt and isinstance(prompt[0], str)
            else [prompt]
        )
        max_tokens = _positive_int(body, "max_tokens") or 16
        n = _positive_int(body, "n") or 1
        created, cid = now(), new_id("cmpl-", 29)
        choices: list[tuple[int, list[str], str]] = []
        prompt_tokens = 0
        for p in prompts:
            text = p if isinstance(p, str) else " ".join(map(str, p))
            prompt_tokens += content.count_tokens(text)
            tokens = content.tokenize(" " + content.echo_reply(text))
            finish = "length" if len(tokens) > max_tokens else "stop"
            tokens = tokens[:max_tokens]
            if body.get("echo"):
                tokens = [text, *tokens]
            for _ in range(n):
                choices.append((len(choices), tokens, finish))
        completion_tokens = sum(len(t) for _, t, _ in choices)
        usage = {
            "prompt_tokens": prompt_tokens,
            "completion_tokens": completion_tokens,
            "total_tokens": prompt_tokens + completion_tokens,
        }
        head = {"id": cid, "object": "text_completion", "created": created, "model": model}
        if body.get("stream"):
            include_usage = bool((body.get("stream_options") or {}).get("include_usage"))

            def chunks() -> Iterable[bytes]:
                def chunk(choices_: list[dict[str, Any]], **extra: Any) -> bytes:
                    data = {**head, "choices": choices_, "system_fingerprint": None, **extra}
                    return b"data: " + orjson.dumps(data) + b"\n\n"

                for index, tokens, finish in choices:
                    for i, tok in enumerate(tokens):
                        last = i == len(tokens) - 1
                        yield chunk(
                            [
                                {
                                    "text": tok,
                                    "index": index,
                                    "logprobs": None,
                                    "finish_reason": finish if last else None,
                                }
                            ]
                        )
                if include_usage:
                    yield chunk([], usage=usage)
                yield b"data: [DONE]\n\n"

            return await mock._stream(
                request,
                chunks(),
                lambda _n: (
                    b'data: {"error":{"message":"The server had an error while processing'
                    b' your request. Sorry about that!","type":"server_error","param":null,"code":null}}\n\n'
                ),
            )
        payload = {
            **head,
            "choices": [
                {"text": "".join(t), "index": i, "logprobs": None, "finish_reason": f}
                for i, t, f in choices
            ],
            "usage": usage,
            "system_fingerprint": None,
        }
        return reply(mock, request, payload)

    return [
        ("POST", "/moderations", moderations),
        ("POST", "/completions", completions),
    ]
