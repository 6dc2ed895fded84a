"""The embedded mock on the wire: framing, headers, errors, and strict validation of every body
against the official SDK's pydantic types (``model_validate``, not the SDK's lenient parsing)."""

from __future__ import annotations

import array
import base64
import time
from collections.abc import AsyncIterator
from typing import Any

import aiohttp
import openai
import orjson
import pydantic
import pytest
import pytest_asyncio
from multidict import CIMultiDict
from openai.types import CreateEmbeddingResponse, Model, ModelDeleted
from openai.types.chat import ChatCompletion, ChatCompletionChunk
from openai.types.responses import Response, ResponseStreamEvent

from oxide.testing import MockOpenAI

AUTH = {"Authorization": "Bearer sk-test"}
TOOL = {
    "type": "function",
    "function": {
        "name": "lookup",
        "parameters": {
            "type": "object",
            "properties": {"query": {"type": "string"}, "limit": {"type": "integer"}},
            "required": ["query", "limit"],
        },
    },
}
STREAM_EVENT = pydantic.TypeAdapter(ResponseStreamEvent)


@pytest_asyncio.fixture
async def http() -> AsyncIterator[aiohttp.ClientSession]:
    async with aiohttp.ClientSession(headers=AUTH) as session:
        yield session


async def post(
    http: aiohttp.ClientSession, url: str, body: dict[str, Any]
) -> tuple[int, CIMultiDict[str], bytes]:
    async with http.post(url, json=body) as resp:
        return resp.status, resp.headers.copy(), await resp.read()


def sse_events(raw: bytes) -> list[tuple[str | None, str]]:
    """(event, data) pairs of an SSE body; asserts the framing."""
    assert raw.endswith(b"\n\n")
    out = []
    for block in raw.decode().split("\n\n")[:-1]:
        event, data = None, None
        for line in block.split("\n"):
            field, _, value = line.partition(": ")
            if field == "event":
                event = value
            else:
                assert field == "data", line
                data = value
        assert data is not None
        out.append((event, data))
    return out


@pytest.mark.asyncio
async def test_chat_bodies_validate_strictly(
    http: aiohttp.ClientSession, mock_base_url: str
) -> None:
    url = f"{mock_base_url}/chat/completions"
    for body in (
        {"model": "gpt-4o", "messages": [{"role": "user", "content": "hi"}]},
        {"model": "gpt-4o", "messages": [{"role": "user", "content": "hi"}], "tools": [TOOL]},
        {
            "model": "gpt-4o",
            "messages": [{"role": "user", "content": [{"type": "text", "text": "hi"}]}],
            "logprobs": True,
            "top_logprobs": 3,
            "n": 2,
        },
    ):
        status, headers, raw = await post(http, url, body)
        assert status == 200
        assert headers["Content-Type"] == "application/json"
        ChatCompletion.model_validate(orjson.loads(raw), strict=False)


@pytest.mark.asyncio
async def test_chat_stream_framing(http: aiohttp.ClientSession, mock_base_url: str) -> None:
    status, headers, raw = await post(
        http,
        f"{mock_base_url}/chat/completions",
        {
            "model": "gpt-4o",
            "messages": [{"role": "user", "content": "hi"}],
            "stream": True,
            "stream_options": {"include_usage": True},
        },
    )
    assert status == 200
    assert headers["Content-Type"].startswith("text/event-stream")
    assert headers["x-request-id"].startswith("req_")
    events = sse_events(raw)
    assert events[-1] == (None, "[DONE]")
    assert all(event is None for event, _ in events)  # chat streams have no `event:` lines
    chunks = [orjson.loads(data) for _, data in events[:-1]]
    for chunk in chunks:
        ChatCompletionChunk.model_validate(chunk)
        assert "usage" in chunk and "obfuscation" in chunk
    assert chunks[-1]["choices"] == [] and chunks[-1]["usage"]["total_tokens"] > 0
    assert chunks[0]["choices"][0]["delta"] == {"role": "assistant", "content": "", "refusal": None}

    _, _, raw = await post(
        http,
        f"{mock_base_url}/chat/completions",
        {
            "model": "gpt-4o",
            "messages": [{"role": "user", "content": "hi"}],
            "stream": True,
            "stream_options": {"include_obfuscation": False},
        },
    )
    chunks = [orjson.loads(data) for _, data in sse_events(raw)[:-1]]
    assert all("usage" not in c and "obfuscation" not in c for c in chunks)


@pytest.mark.asyncio
async def test_chat_tool_stream_chunks(http: aiohttp.ClientSession, mock_base_url: str) -> None:
    _, _, raw = await post(
        http,
        f"{mock_base_url}/chat/completions",
        {
            "model": "gpt-4o",
            "messages": [{"role": "user", "content": "find Oxide docs"}],
            "tools": [TOOL],
            "stream": True,
        },
    )
    chunks = [orjson.loads(data) for _, data in sse_events(raw)[:-1]]
    for chunk in chunks:
        ChatCompletionChunk.model_validate(chunk)
    first = chunks[0]["choices"][0]["delta"]
    assert first["role"] == "assistant" and first["content"] is None
    assert first["tool_calls"][0]["function"] == {"name": "lookup", "arguments": ""}
    args = "".join(
        c["choices"][0]["delta"]["tool_calls"][0]["function"]["arguments"] for c in chunks[1:-1]
    )
    assert orjson.loads(args) == {"query": "Oxide", "limit": 42}
    assert chunks[-1]["choices"][0] == {
        "index": 0,
        "delta": {},
        "logprobs": None,
        "finish_reason": "tool_calls",
    }


@pytest.mark.asyncio
async def test_responses_bodies_and_events_validate(
    http: aiohttp.ClientSession, mock_base_url: str
) -> None:
    url = f"{mock_base_url}/responses"
    for body in (
        {"model": "gpt-4o", "input": "hi"},
        {"model": "gpt-4o", "input": "hi", "tools": [{"type": "function", **TOOL["function"]}]},
        {"model": "gpt-4o", "input": "a long answer please", "max_output_tokens": 3},
    ):
        status, _, raw = await post(http, url, body)
        assert status == 200
        Response.model_validate(orjson.loads(raw))
        status, _, raw = await post(http, url, {**body, "stream": True})
        events = sse_events(raw)
        assert events[-1][1] != "[DONE]"  # Responses streams just end
        for seq, (event, data) in enumerate(events):
            parsed = orjson.loads(data)
            assert event == parsed["type"]
            assert parsed["sequence_number"] == seq
            STREAM_EVENT.validate_python(parsed)
    # The truncated one ends "incomplete".
    assert events[-1][0] == "response.incomplete"
    final = orjson.loads(events[-1][1])["response"]
    assert final["status"] == "incomplete"
    assert final["incomplete_details"] == {"reason": "max_output_tokens"}
    assert final["usage"]["output_tokens"] == 3


@pytest.mark.asyncio
async def test_embeddings_wire_format(http: aiohttp.ClientSession, mock_base_url: str) -> None:
    url = f"{mock_base_url}/embeddings"
    body = {"model": "text-embedding-3-small", "input": ["alpha", "beta"], "dimensions": 64}
    _, _, raw_float = await post(http, url, {**body, "encoding_format": "float"})
    _, _, raw_b64 = await post(http, url, {**body, "encoding_format": "base64"})
    floats = CreateEmbeddingResponse.model_validate(orjson.loads(raw_float))
    b64 = orjson.loads(raw_b64)
    assert list(b64) == ["object", "data", "model", "usage"]
    for f_item, b_item in zip(floats.data, b64["data"], strict=True):
        assert isinstance(b_item["embedding"], str)
        decoded = array.array("f", base64.b64decode(b_item["embedding"]))  # little-endian float32
        assert len(decoded) == 64
        # The float list is the same float32 values, printed round-trippably.
        assert decoded.tolist() == array.array("f", f_item.embedding).tolist()
    # Default encoding on the wire is float (the SDK asks for base64 explicitly).
    _, _, raw_default = await post(http, url, body)
    assert isinstance(orjson.loads(raw_default)["data"][0]["embedding"], list)


@pytest.mark.asyncio
async def test_models_wire(http: aiohttp.ClientSession, mock_base_url: str) -> None:
    async with http.get(f"{mock_base_url}/models") as resp:
        listing = await resp.json()
    assert listing["object"] == "list"
    for item in listing["data"]:
        Model.model_validate(item)
    async with http.delete(f"{mock_base_url}/models/ft:gpt-4o-mini:org:x:1") as resp:
        ModelDeleted.model_validate(await resp.json())
    async with http.delete(f"{mock_base_url}/models/nope") as resp:
        assert resp.status == 404


@pytest.mark.asyncio
async def test_root_and_v1_paths(http: aiohttp.ClientSession, mock_openai: MockOpenAI) -> None:
    body = {"model": "gpt-4o", "messages": [{"role": "user", "content": "paths"}]}
    for base in (mock_openai.root_url, mock_openai.base_url):
        status, _, raw = await post(http, f"{base}/chat/completions", body)
        assert status == 200, raw
        async with http.get(f"{base}/models/gpt-4o") as resp:
            assert resp.status == 200
    assert [r.path for r in mock_openai.requests] == [
        "/chat/completions",
        "/models/gpt-4o",
        "/v1/chat/completions",
        "/v1/models/gpt-4o",
    ]


@pytest.mark.asyncio
async def test_error_shapes_and_request_ids(mock_base_url: str) -> None:
    def check(status: int, body: bytes, headers: Any, expected_status: int) -> dict[str, Any]:
        assert status == expected_status, body
        assert headers["x-request-id"].startswith("req_")
        error = orjson.loads(body)["error"]
        assert set(error) == {"message", "type", "param", "code"}
        return dict(error)

    async with aiohttp.ClientSession() as anon:
        async with anon.get(f"{mock_base_url}/models") as resp:
            error = check(resp.status, await resp.read(), resp.headers, 401)
        assert "didn't provide an API key" in error["message"]
        assert error["type"] == "invalid_request_error"

    async with aiohttp.ClientSession(headers=AUTH) as http:
        async with http.post(f"{mock_base_url}/nope", json={}) as resp:
            error = check(resp.status, await resp.read(), resp.headers, 404)
        assert error["message"] == "Invalid URL (POST /v1/nope)"
        async with http.post(
            f"{mock_base_url}/chat/completions",
            data=b"{not json",
            headers={"Content-Type": "application/json"},
        ) as resp:
            error = check(resp.status, await resp.read(), resp.headers, 400)
        assert error["message"].startswith("We could not parse the JSON body")
        cases = [
            ("chat/completions", {"messages": []}, None, "you must provide a model parameter"),
            (
                "chat/completions",
                {"model": "m"},
                "messages",
                "Missing required parameter: 'messages'.",
            ),
            ("chat/completions", {"model": "m", "messages": []}, "messages", "empty array"),
            (
                "chat/completions",
                {"model": "m", "messages": [{"role": "user", "content": "x"}], "temperature": 3},
                "temperature",
                "Expected a value <= 2, but got 3 instead.",
            ),
            ("embeddings", {"model": "m", "input": ""}, None, "'$.input' is invalid"),
            (
                "embeddings",
                {"model": "m", "input": "x", "encoding_format": "int8"},
                "encoding_format",
                "Supported values are: 'float' and 'base64'.",
            ),
            (
                "embeddings",
                {"model": "text-embedding-3-small", "input": "x", "dimensions": 5000},
                "dimensions",
                "between 1 and 1536",
            ),
        ]
        for path, body, param, message in cases:
            async with http.post(f"{mock_base_url}/{path}", json=body) as resp:
                error = check(resp.status, await resp.read(), resp.headers, 400)
            assert error["param"] == param
            assert message in error["message"]
        async with http.get(f"{mock_base_url}/models", headers={"x-mock-error": "429"}) as resp:
            check(resp.status, await resp.read(), resp.headers, 429)
            assert resp.headers["retry-after-ms"] == "20"


@pytest.mark.asyncio
async def test_stream_delay_streams_incrementally() -> None:
    async with (
        MockOpenAI(stream_delay=0.005) as base_url,
        aiohttp.ClientSession(headers=AUTH) as http,
    ):
        async with http.post(
            f"{base_url}/chat/completions",
            json={"model": "m", "messages": [{"role": "user", "content": "hi"}], "stream": True},
        ) as resp:
            arrivals = []
            async for _line in resp.content:
                arrivals.append(time.perf_counter())
    assert arrivals[-1] - arrivals[0] > 0.1  # ~45 events, 5 ms apart


def test_sync_client_with_threaded_server() -> None:
    server = MockOpenAI.in_thread()
    with server as base_url, openai.OpenAI(base_url=base_url, api_key="sk-test") as client:
        messages: Any = [{"role": "user", "content": "sync"}]
        completion = client.chat.completions.create(model="gpt-4o", messages=messages)
        stream = client.chat.completions.create(model="gpt-4o", messages=messages, stream=True)
        text = "".join(chunk.choices[0].delta.content or "" for chunk in stream)
        assert text == completion.choices[0].message.content
        assert server.mock.requests[-1].json["stream"] is True
        assert server.cpu_time() > 0
