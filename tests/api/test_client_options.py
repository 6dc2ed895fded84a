"""Constructor, env vars, headers, per-call options and client lifecycle."""

from __future__ import annotations

import asyncio

import pytest
from aiohttp import web

import oxide
from oxide.types.chat import ChatCompletion

from .conftest import Recorder, acquired, completion

MESSAGES = [{"role": "user", "content": "hi"}]


def chat_server(rec: Recorder, body=None, headers=None):
    async def handler(request: web.Request) -> web.Response:
        await rec.record(request)
        return web.json_response(
            body or completion(), headers=headers or {"x-request-id": "req_123"}
        )

    return {("POST", "/v1/chat/completions"): handler}


def test_missing_api_key_is_a_clear_error(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("OPENAI_API_KEY", raising=False)
    with pytest.raises(oxide.OpenAIError, match="Missing credentials"):
        oxide.AsyncOpenAI()
    with pytest.raises(oxide.OpenAIError, match="Missing credentials"):
        oxide.OpenAI()


def test_max_retries_none_is_rejected() -> None:
    with pytest.raises(TypeError, match="max_retries cannot be None"):
        oxide.AsyncOpenAI(api_key="k", max_retries=None)  # type: ignore[arg-type]


def test_defaults_match_the_official_sdk() -> None:
    client = oxide.AsyncOpenAI(api_key="k")
    assert client.base_url == "https://api.openai.com/v1/"
    assert client.max_retries == 2
    assert client.timeout == oxide.Timeout(600, connect=5.0)
    assert client.auth_headers == {"Authorization": "Bearer k"}
    assert client.user_agent == "AsyncOpenAI/Python " + oxide.__version__
    assert oxide.OpenAI(api_key="k").user_agent == "OpenAI/Python " + oxide.__version__


@pytest.mark.asyncio
async def test_env_vars_configure_the_client(serve, monkeypatch: pytest.MonkeyPatch) -> None:
    rec = Recorder()
    url = await serve(chat_server(rec))
    monkeypatch.setenv("OPENAI_API_KEY", "sk-env")
    monkeypatch.setenv("OPENAI_BASE_URL", url)
    monkeypatch.setenv("OPENAI_ORG_ID", "org-1")
    monkeypatch.setenv("OPENAI_PROJECT_ID", "proj-1")
    monkeypatch.setenv("OPENAI_CUSTOM_HEADERS", "X-Team: agents\nX-Other: 1")
    async with oxide.AsyncOpenAI(default_headers={"X-Other": "2"}) as client:
        result = await client.chat.completions.create(model="m", messages=MESSAGES)
    assert isinstance(result, ChatCompletion)
    h = rec.requests[0]["headers"]
    assert h["Authorization"] == "Bearer sk-env"
    assert h["OpenAI-Organization"] == "org-1"
    assert h["OpenAI-Project"] == "proj-1"
    assert h["X-Team"] == "agents"
    assert h["X-Other"] == "2"  # explicit default_headers win over the env
    assert h["X-Stainless-Lang"] == "python"
    assert h["X-Stainless-Async"] == "async:asyncio"
    assert h["x-stainless-retry-count"] == "0"
    assert h["x-stainless-read-timeout"] == "600"
    assert h["Content-Type"] == "application/json"
    assert "gzip" in h["Accept-Encoding"]


@pytest.mark.asyncio
async def test_result_is_typed_and_carries_request_id(serve) -> None:
    rec = Recorder()
    url = await serve(chat_server(rec))
    async with oxide.AsyncOpenAI(api_key="k", base_url=url) as client:
        result = await client.chat.completions.create(model="m", messages=MESSAGES, temperature=0.2)
    assert result.choices[0].message.content == "Hello!"
    assert result.usage is not None and result.usage.total_tokens == 5
    assert result._request_id == "req_123"
    assert rec.requests[0]["body"] == {"model": "m", "messages": MESSAGES, "temperature": 0.2}


@pytest.mark.asyncio
async def test_per_call_options(serve) -> None:
    rec = Recorder()
    url = await serve(chat_server(rec))
    async with oxide.AsyncOpenAI(
        api_key="k", base_url=url, default_headers={"X-Drop": "me"}, default_query={"a": "1"}
    ) as client:
        await client.chat.completions.create(
            model="m",
            messages=MESSAGES,
            temperature=oxide.NOT_GIVEN,
            top_p=oxide.omit,
            extra_headers={"X-Extra": "yes", "x-drop": oxide.omit, "Authorization": oxide.omit},
            extra_query={"b": "2"},
            extra_body={"vendor_flag": True},
            timeout=12.5,
        )
    req = rec.requests[0]
    assert req["headers"]["X-Extra"] == "yes"
    assert "X-Drop" not in req["headers"]
    assert "Authorization" not in req["headers"]
    assert req["query"] == {"a": "1", "b": "2"}
    assert req["body"] == {"model": "m", "messages": MESSAGES, "vendor_flag": True}
    assert req["headers"]["x-stainless-read-timeout"] == "12.5"


@pytest.mark.asyncio
async def test_custom_retry_count_header_is_kept(serve) -> None:
    rec = Recorder()
    url = await serve(chat_server(rec))
    async with oxide.AsyncOpenAI(api_key="k", base_url=url) as client:
        await client.chat.completions.create(
            model="m", messages=MESSAGES, extra_headers={"x-stainless-retry-count": "42"}
        )
    assert rec.requests[0]["headers"]["x-stainless-retry-count"] == "42"


@pytest.mark.asyncio
async def test_bad_arguments_fail_before_sending(serve) -> None:
    rec = Recorder()
    url = await serve(chat_server(rec))
    async with oxide.AsyncOpenAI(api_key="k", base_url=url) as client:
        with pytest.raises(TypeError, match="unexpected keyword argument 'temprature'"):
            await client.chat.completions.create(model="m", messages=MESSAGES, temprature=1)  # type: ignore[call-overload]
        with pytest.raises(TypeError, match="Missing required arguments"):
            await client.chat.completions.create(model="m")  # type: ignore[call-overload]
        with pytest.raises(ValueError, match="not JSON compliant"):
            await client.chat.completions.create(
                model="m", messages=MESSAGES, temperature=float("nan")
            )
    assert rec.requests == []


@pytest.mark.asyncio
async def test_with_options_shares_the_pool_and_overrides(serve) -> None:
    rec = Recorder()
    url = await serve(chat_server(rec))
    async with oxide.AsyncOpenAI(api_key="k", base_url=url) as client:
        await client.chat.completions.create(model="m", messages=MESSAGES)
        fast = client.with_options(timeout=3.0, max_retries=0, default_headers={"X-V": "1"})
        assert fast.max_retries == 0 and client.max_retries == 2
        await fast.chat.completions.create(model="m", messages=MESSAGES)
        assert fast._holder is client._holder
        assert fast._holder.session is client._holder.session
    assert rec.requests[1]["headers"]["x-stainless-read-timeout"] == "3.0"
    assert rec.requests[1]["headers"]["X-V"] == "1"
    assert "X-V" not in rec.requests[0]["headers"]


@pytest.mark.asyncio
async def test_callable_api_key_is_refreshed_per_request(serve) -> None:
    rec = Recorder()
    url = await serve(chat_server(rec))
    keys = iter(["sk-1", "sk-2"])

    async def provider() -> str:
        return next(keys)

    async with oxide.AsyncOpenAI(api_key=provider, base_url=url) as client:
        await client.chat.completions.create(model="m", messages=MESSAGES)
        await client.chat.completions.create(model="m", messages=MESSAGES)
    assert [r["headers"]["Authorization"] for r in rec.requests] == ["Bearer sk-1", "Bearer sk-2"]


def test_one_client_across_event_loops(serve_in_thread) -> None:
    url = serve_in_thread
    client = oxide.AsyncOpenAI(api_key="k", base_url=url)

    async def call() -> str | None:
        result = await client.chat.completions.create(model="m", messages=MESSAGES)
        return result.choices[0].message.content

    # Two asyncio.run() calls: the second loop gets its own session, no "attached to a
    # different loop" error and no warning about the first one.
    assert asyncio.run(call()) == "Hello!"
    assert asyncio.run(call()) == "Hello!"

    async def close() -> None:
        await client.close()

    asyncio.run(close())
    assert client.is_closed()


@pytest.mark.asyncio
async def test_closed_client_refuses_requests(serve) -> None:
    rec = Recorder()
    url = await serve(chat_server(rec))
    client = oxide.AsyncOpenAI(api_key="k", base_url=url)
    await client.chat.completions.create(model="m", messages=MESSAGES)
    await client.close()
    assert acquired(client) == 0
    with pytest.raises(RuntimeError, match="closed"):
        await client.chat.completions.create(model="m", messages=MESSAGES)
