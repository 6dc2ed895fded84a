"""Images: generations, edits and variations answered with a real (tiny) PNG, as ``b64_json`` or
as a ``url`` the mock itself serves."""

from __future__ import annotations

import base64
import struct
import zlib
from collections.abc import Mapping
from functools import lru_cache
from typing import TYPE_CHECKING, Any

from aiohttp import web

from . import _content as content
from ._store import Route, new_id, now, read_form, reply

if TYPE_CHECKING:
    from ._server import MockOpenAI

__all__ = ["png", "routes"]


def _chunk(kind: bytes, data: bytes) -> bytes:
    return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))


@lru_cache(maxsize=64)
def png(seed: str = "", size: int = 8) -> bytes:
    """A valid ``size``×``size`` RGB PNG whose colour is derived from ``seed``."""
    r, g, b = zlib.crc32(seed.encode()).to_bytes(4, "big")[:3]
    row = b"\x00" + bytes((r, g, b)) * size
    return (
        b"\x89PNG\r\n\x1a\n"
        + _chunk(b"IHDR", struct.pack(">IIBBBBB", size, size, 8, 2, 0, 0, 0))
        + _chunk(b"IDAT", zlib.compress(row * size))
        + _chunk(b"IEND", b"")
    )


_GPT_IMAGE = ("gpt-image", "chatgpt-image")


def routes(mock: MockOpenAI) -> list[Route]:
    from ._server import APIError

    served: dict[str, bytes] = {}

    def answer(request: web.Request, params: Mapping[str, Any], prompt: str) -> web.Response:
        model = str(params.get("model") or "dall-e-2")
        n = int(params.get("n") or 1)
        if not 1 <= n <= 10:
            raise APIError(
                400,
                f"Invalid 'n': expected a value between 1 and 10, but got {n} instead.",
                param="n",
                code="invalid_value",
            )
        gpt_image = model.startswith(_GPT_IMAGE)
        fmt = params.get("response_format") or ("b64_json" if gpt_image else "url")
        if gpt_image and params.get("response_format"):
            raise APIError(
                400,
                f"Unknown parameter: 'response_format'. It is not supported with {model}.",
                param="response_format",
                code="unknown_parameter",
            )
        size = str(params.get("size") or "1024x1024")
        data = []
        for i in range(n):
            image = png(f"{prompt}#{i}")
            item: dict[str, Any] = {}
            if fmt == "b64_json":
                item["b64_json"] = base64.b64encode(image).decode()
            else:
                name = new_id("img-") + ".png"
                served[name] = image
                while len(served) > 256:
                    del served[next(iter(served))]
                item["url"] = f"{request.url.origin()}/v1/images/mock/{name}"
            if model == "dall-e-3":
                item["revised_prompt"] = prompt
            data.append(item)
        payload: dict[str, Any] = {"created": now(), "data": data}
        if gpt_image:
            tokens = content.count_tokens(prompt)
            payload.update(
                background=params.get("background") or "opaque",
                output_format=params.get("output_format") or "png",
                quality=params.get("quality") or "medium",
                size=size,
                usage={
                    "input_tokens": tokens,
                    "input_tokens_details": {"image_tokens": 0, "text_tokens": tokens},
                    "output_tokens": 1056 * n,
                    "total_tokens": tokens + 1056 * n,
                },
            )
        return reply(mock, request, payload)

    def required_prompt(params: Mapping[str, Any]) -> str:
        prompt = params.get("prompt")
        if not prompt:
            raise APIError(
                400,
                "Missing required parameter: 'prompt'.",
                param="prompt",
                code="missing_required_parameter",
            )
        return str(prompt)

    async def generations(request: web.Request) -> web.StreamResponse:
        body = await mock._body(request)
        return answer(request, body, required_prompt(body))

    async def edits(request: web.Request) -> web.StreamResponse:
        form = await read_form(request)
        image = form.file("image", "image[]")
        if image is None:
            raise APIError(
                400,
                "Missing required parameter: 'image'.",
                param="image",
                code="missing_required_parameter",
            )
        return answer(request, form.fields, required_prompt(form.fields) + image[0])

    async def variations(request: web.Request) -> web.StreamResponse:
        form = await read_form(request)
        image = form.file("image")
        if image is None:
            raise APIError(
                400,
                "Missing required parameter: 'image'.",
                param="image",
                code="missing_required_parameter",
            )
        return answer(request, form.fields, f"variation of {image[0]}")

    async def serve(request: web.Request) -> web.StreamResponse:
        image = served.get(request.match_info["name"])
        if image is None:
            raise APIError(404, "Image not found.")
        return web.Response(body=image, content_type="image/png", headers=mock._headers(request))

    return [
        ("POST", "/images/generations", generations),
        ("POST", "/images/edits", edits),
        ("POST", "/images/variations", variations),
        ("GET", "/images/mock/{name}", serve),
    ]
