"""Embeddings, responses and models against a local server: wire format and decoding."""

from __future__ import annotations

import base64
import struct

import pytest
from aiohttp import web

import oxide
from oxide.types import CreateEmbeddingResponse, Model
from oxide.types.responses import Response

from .conftest import Recorder, sse

pytestmark = pytest.mark.asyncio

VECTORS = [[0.25, -1.5, 3.0e-3, 7.0], [1.0, 2.0, 3.0, 4.0]]


def embedding_server(rec: Recorder):
    async def handler(request: web.Request) -> web.Response:
        entry = await rec.record(request)
        fmt = entry["body"].get("encoding_format", "float")
        data = []
        for i, vec in enumerate(VECTORS[: len(entry["body"]["input"])]):
            emb = (
                base64.b64encode(struct.pack(f"<{len(vec)}f", *vec)).decode()
                if fmt == "base64"
                else vec
            )
            data.append({"object": "embedding", "index": i, "embedding": emb})
        return web.json_response(
            {
                "object": "list",
                "data": data,
                "model": "text-embedding-3-small",
                "usage": {"prompt_tokens": 2, "total_tokens": 2},
            },
            headers={"x-request-id": "req_emb"},
        )

    return {("POST", "/v1/embeddings"): handler}


def f32(values: list[float]) -> list[float]:
    return list(struct.unpack(f"<{len(values)}f", struct.pack(f"<{len(values)}f", *values)))


async def test_embeddings_default_to_base64_and_decode_to_floats(serve) -> None:
    rec = Recorder()
    url = await serve(embedding_server(rec))
    async with oxide.AsyncOpenAI(api_key="k", base_url=url) as client:
        result = await client.embeddings.create(model="text-embedding-3-small", input=["a", "b"])
    assert rec.requests[0]["body"]["encoding_format"] == "base64"
    assert isinstance(result, CreateEmbeddingResponse)
    assert [e.embedding for e in result.data] == [f32(v) for v in VECTORS]
    assert [e.index for e in result.data] == [0, 1]
    assert result.usage.total_tokens == 2
    assert result._request_id == "req_emb"


async def test_embeddings_explicit_formats_are_returned_as_sent(serve) -> None:
    rec = Recorder()
    url = await serve(embedding_server(rec))
    async with oxide.AsyncOpenAI(api_key="k", base_url=url) as client:
        floats = await client.embeddings.create(model="m", input=["a"], encoding_format="float")
        b64 = await client.embeddings.create(model="m", input=["a"], encoding_format="base64")
    assert floats.data[0].embedding == VECTORS[0]
    assert isinstance(
        b64.data[0].embedding, str
    )  # as the official SDK: explicit base64 stays a str
    assert rec.requests[0]["body"]["encoding_format"] == "float"


def response_payload(text: str = "Hi there") -> dict:
    return {
        "id": "resp_1",
        "object": "response",
        "created_at": 1700000000,
        "status": "completed",
        "model": "gpt-test",
        "output": [
            {
                "type": "message",
                "id": "msg_1",
                "status": "completed",
                "role": "assistant",
                "content": [{"type": "output_text", "text": text, "annotations": []}],
            },
            {
                "type": "function_call",
                "id": "fc_1",
                "call_id": "call_1",
                "name": "get_weather",
                "arguments": '{"city":"Paris"}',
                "status": "completed",
            },
            {"type": "brand_new_item", "id": "x_1", "payload": {"k": 1}},
        ],
        "parallel_tool_calls": True,
        "tool_choice": "auto",
        "tools": [],
        "usage": {
            "input_tokens": 5,
            "output_tokens": 3,
            "total_tokens": 8,
            "input_tokens_details": {"cached_tokens": 0},
            "output_tokens_details": {"reasoning_tokens": 0},
        },
    }


async def test_responses_create_decodes_items_and_keeps_unknown_ones(serve) -> None:
    rec = Recorder()

    async def handler(request: web.Request) -> web.Response:
        await rec.record(request)
        return web.json_response(response_payload(), headers={"x-request-id": "req_r"})

    url = await serve({("POST", "/v1/responses"): handler})
    async with oxide.AsyncOpenAI(api_key="k", base_url=url) as client:
        result = await client.responses.create(model="m", input="hello", max_output_tokens=50)
    assert isinstance(result, Response)
    assert result.output_text == "Hi there"
    message, call, unknown = result.output
    assert message.type == "message"
    assert call.type == "function_call" and call.call_id == "call_1" and call.name == "get_weather"
    assert unknown.type == "brand_new_item"
    assert result._request_id == "req_r"
    assert rec.requests[0]["body"] == {"model": "m", "input": "hello", "max_output_tokens": 50}


async def test_responses_stream_yields_typed_events(serve) -> None:
    events = [
        {
            "type": "response.created",
            "sequence_number": 0,
            "response": {**response_payload(), "status": "in_progress", "output": []},
        },
        {
            "type": "response.output_text.delta",
            "sequence_number": 1,
            "item_id": "msg_1",
            "output_index": 0,
            "content_index": 0,
            "delta": "Hi",
            "logprobs": [],
        },
        {
            "type": "response.output_text.delta",
            "sequence_number": 2,
            "item_id": "msg_1",
            "output_index": 0,
            "content_index": 0,
            "delta": " there",
            "logprobs": [],
        },
        {"type": "response.keep_alive_v2", "sequence_number": 3},
        {"type": "response.completed", "sequence_number": 4, "response": response_payload()},
    ]

    async def handler(request: web.Request) -> web.StreamResponse:
        resp = web.StreamResponse(headers={"Content-Type": "text/event-stream"})
        await resp.prepare(request)
        for ev in events:
            await resp.write(sse(ev, event=ev["type"]))
        await resp.write_eof()
        return resp

    url = await serve({("POST", "/v1/responses"): handler})
    async with oxide.AsyncOpenAI(api_key="k", base_url=url) as client:
        stream = await client.responses.create(model="m", input="hello", stream=True)
        got = [ev async for ev in stream]
    assert [ev.type for ev in got] == [e["type"] for e in events]
    deltas = "".join(ev.delta for ev in got if ev.type == "response.output_text.delta")
    assert deltas == "Hi there"
    assert got[-1].response.output_text == "Hi there"
    assert [ev.sequence_number for ev in got if ev.type != "response.keep_alive_v2"] == [0, 1, 2, 4]


async def test_models_list_retrieve_and_not_found(serve) -> None:
    models = [{"id": f"m{i}", "object": "model", "created": 1, "owned_by": "me"} for i in range(3)]

    async def list_models(request: web.Request) -> web.Response:
        return web.json_response({"object": "list", "data": models})

    async def get_model(request: web.Request) -> web.Response:
        mid = request.match_info["id"]
        for m in models:
            if m["id"] == mid:
                return web.json_response(m)
        return web.json_response(
            {
                "error": {
                    "message": f"The model '{mid}' does not exist",
                    "type": "invalid_request_error",
                    "param": "model",
                    "code": "model_not_found",
                }
            },
            status=404,
            headers={"x-request-id": "req_404"},
        )

    url = await serve({("GET", "/v1/models"): list_models, ("GET", "/v1/models/{id}"): get_model})
    async with oxide.AsyncOpenAI(api_key="k", base_url=url) as client:
        page = await client.models.list()
        assert [m.id for m in page.data] == ["m0", "m1", "m2"]
        assert all(isinstance(m, Model) for m in page.data)
        assert [m.id async for m in client.models.list()] == ["m0", "m1", "m2"]
        assert (await client.models.retrieve("m1")).owned_by == "me"
        with pytest.raises(oxide.NotFoundError) as info:
            await client.models.retrieve("nope")
        err = info.value
        assert err.status_code == 404
        assert err.request_id == "req_404"
        assert err.code == "model_not_found"
        assert err.param == "model"
        assert err.type == "invalid_request_error"
        assert (
            isinstance(err.body, dict) and err.body["message"] == "The model 'nope' does not exist"
        )
        with pytest.raises(ValueError, match="non-empty"):
            await client.models.retrieve("")
