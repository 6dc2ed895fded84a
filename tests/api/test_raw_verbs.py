"""The client's own verbs (`client.get/post/...`), for endpoints without a method, called as in
the official SDK: `cast_to`, `body`, and its `options` dict (`headers`, `params`,
`extra_json`, `max_retries`, ...); and the same through the sync client."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from aiohttp import web

import oxide
from oxide.types.model import Model

from .conftest import Recorder


def routes(rec: Recorder, fail_first: list[int]) -> dict[tuple[str, str], Any]:
    async def custom(request: web.Request) -> web.Response:
        await rec.record(request)
        if fail_first and fail_first[0] > 0:
            fail_first[0] -= 1
            return web.json_response({"error": {"message": "busy"}}, status=503)
        return web.json_response({"echo": "ok", "n": 1})

    async def model(request: web.Request) -> web.Response:
        await rec.record(request)
        return web.json_response({"id": "m", "object": "model", "created": 1, "owned_by": "o"})

    return {("POST", "/v1/custom/thing"): custom, ("GET", "/v1/models/m"): model}


@pytest.mark.asyncio
async def test_post_with_the_sdk_options_dict(serve) -> None:
    rec = Recorder()
    url = await serve(routes(rec, []))
    async with oxide.AsyncOpenAI(api_key="k", base_url=url, max_retries=0) as client:
        result = await client.post(
            "/custom/thing",
            cast_to=dict,
            body={"a": 1},
            options={
                "headers": {"X-Extra": "1"},
                "params": {"q": "v", "flag": True},
                "extra_json": {"b": 2},
            },
        )
        assert result == {"echo": "ok", "n": 1}
        model = await client.get("/models/m", cast_to=Model)
        assert isinstance(model, Model) and model.id == "m"
    seen = rec.requests[0]
    assert seen["body"] == {"a": 1, "b": 2}
    assert seen["query"] == {"q": "v", "flag": "true"}
    assert seen["headers"]["X-Extra"] == "1"


@pytest.mark.asyncio
async def test_per_call_max_retries_and_unknown_option(serve) -> None:
    rec = Recorder()
    fail = [1]
    url = await serve(routes(rec, fail))
    client = oxide.AsyncOpenAI(api_key="k", base_url=url, max_retries=0)
    async with client:
        result = await client.post(
            "/custom/thing", cast_to=dict, body={}, options={"max_retries": 1}
        )
        assert result["echo"] == "ok"
        assert len(rec.requests) == 2  # one retry, though the client allows none
        with pytest.raises(TypeError, match="unknown request option"):
            await client.post("/custom/thing", cast_to=dict, options={"header": {}})


def test_sync_client_verbs(
    serve_routes_in_thread: Callable[[dict[tuple[str, str], Any]], str],
) -> None:
    rec = Recorder()
    url = serve_routes_in_thread(routes(rec, []))
    with oxide.OpenAI(api_key="k", base_url=url) as client:
        assert client.post(
            "/custom/thing", cast_to=dict, body={}, options={"params": {"x": 1}}
        ) == {
            "echo": "ok",
            "n": 1,
        }
        raw = client.with_raw_response.models.retrieve("m")
        assert raw.parse().id == "m"
    assert rec.requests[0]["query"] == {"x": "1"}
