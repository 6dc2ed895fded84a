"""Payloads recorded from Steady (schema-valid random data for the OpenAPI spec of 3.3.1) decode
through oxide exactly as the official SDK builds them: same `to_dict()`, for every response type
the first endpoints return. Steady answers differently each time, so each endpoint is sampled
several times."""

from __future__ import annotations

import json
from typing import Any

import aiohttp
import openai.types as ot
import openai.types.chat as otc
import openai.types.responses as otr
import pytest
from openai._models import construct_type

import oxide.types as xt
import oxide.types.chat as xtc
import oxide.types.responses as xtr
from oxide._models import decode

pytestmark = [pytest.mark.asyncio, pytest.mark.steady]

SAMPLES = 8
CHAT = {"model": "gpt-4o", "messages": [{"role": "user", "content": "hi"}]}

ENDPOINTS: list[tuple[str, str, dict[str, Any] | None, Any, Any]] = [
    ("POST", "chat/completions", CHAT, xtc.ChatCompletion, otc.ChatCompletion),
    ("POST", "responses", {"model": "gpt-4o", "input": "hi"}, xtr.Response, otr.Response),
    (
        "POST",
        "embeddings",
        {"model": "text-embedding-3-small", "input": "hi", "encoding_format": "float"},
        xt.CreateEmbeddingResponse,
        ot.CreateEmbeddingResponse,
    ),
    ("GET", "models/gpt-4o", None, xt.Model, ot.Model),
    ("DELETE", "models/ft:x", None, xt.ModelDeleted, ot.ModelDeleted),
]


def same(ours: Any, theirs: Any) -> None:
    assert json.loads(json.dumps(ours.to_dict(), default=str)) == json.loads(
        json.dumps(theirs.to_dict(), default=str)
    )


@pytest.mark.parametrize(
    "method,path,body,ox_type,sdk_type", ENDPOINTS, ids=[e[1] for e in ENDPOINTS]
)
async def test_recorded_bodies_decode_like_the_sdk(
    steady_base_url: str, method: str, path: str, body: Any, ox_type: Any, sdk_type: Any
) -> None:
    async with aiohttp.ClientSession() as session:
        for _ in range(SAMPLES):
            async with session.request(
                method,
                f"{steady_base_url}/{path}",
                json=body,
                headers={"Authorization": "Bearer k"},
            ) as resp:
                assert resp.status == 200, await resp.text()
                raw = await resp.read()
            same(decode(ox_type, raw), construct_type(type_=sdk_type, value=json.loads(raw)))


async def test_recorded_model_list_decodes_like_the_sdk(steady_base_url: str) -> None:
    async with aiohttp.ClientSession() as session:
        for _ in range(SAMPLES):
            async with session.get(
                f"{steady_base_url}/models", headers={"Authorization": "Bearer k"}
            ) as resp:
                data = json.loads(await resp.read())
            for item in data["data"]:
                same(decode(xt.Model, json.dumps(item)), construct_type(type_=ot.Model, value=item))


@pytest.mark.parametrize(
    "path,body,ox_type,sdk_type",
    [
        (
            "chat/completions",
            {**CHAT, "stream": True},
            xtc.ChatCompletionChunk,
            otc.ChatCompletionChunk,
        ),
        (
            "responses",
            {"model": "gpt-4o", "input": "hi", "stream": True},
            xtr.ResponseStreamEvent,
            otr.ResponseStreamEvent,
        ),
    ],
    ids=["chat chunks", "responses events"],
)
async def test_recorded_stream_events_decode_like_the_sdk(
    steady_base_url: str, path: str, body: Any, ox_type: Any, sdk_type: Any
) -> None:
    seen = 0
    async with aiohttp.ClientSession() as session:
        for _ in range(SAMPLES):
            async with session.post(
                f"{steady_base_url}/{path}",
                json=body,
                headers={"Authorization": "Bearer k", "Accept": "text/event-stream"},
            ) as resp:
                text = (await resp.read()).decode()
            for block in text.split("\n\n"):
                data = [line[6:] for line in block.splitlines() if line.startswith("data: ")]
                if not data or data[0] in ("{}", "[DONE]"):
                    continue  # Steady's closing `event: done` / `data: {}`
                payload = "\n".join(data)
                same(
                    decode(ox_type, payload),
                    construct_type(type_=sdk_type, value=json.loads(payload)),
                )
                seen += 1
    assert seen >= SAMPLES
