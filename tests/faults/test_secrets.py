"""Credentials never show in what users print (issue 9 defect 4).

An exception or a raw response in a log must not carry the API key: header views mask
credential headers as '[secure]' (httpx's word) in repr and str, while the values sent and
readable by key stay exactly what they were.
"""

from __future__ import annotations

import traceback

import pytest
from aiohttp import web

import oxide
from oxide._http import Headers, is_secret_header

from .conftest import chat_completion, error_body, json_response

KEY = "sk-proj-THIS-IS-THE-SECRET-0123456789"
MESSAGES = [{"role": "user", "content": "hi"}]


async def unauthorized(request: web.Request, n: int) -> web.StreamResponse:
    return json_response(error_body("bad key", "invalid_request_error"), status=401)


async def ok(request: web.Request, n: int) -> web.StreamResponse:
    return json_response(chat_completion())


def assert_masked(text: str) -> None:
    assert KEY not in text
    assert "THIS-IS-THE-SECRET" not in text


@pytest.mark.asyncio
async def test_status_error_headers_mask_the_key(web_server, make_client) -> None:
    server = await web_server(unauthorized)
    client = make_client(
        server.url,
        api_key=KEY,
        default_headers={"api-key": KEY, "OpenAI-Admin-Key": KEY, "X-Trace": "visible"},
    )
    with pytest.raises(oxide.AuthenticationError) as info:
        await client.chat.completions.create(model="m", messages=MESSAGES)
    err = info.value
    for view in (err.request.headers, err.response.request.headers):
        assert isinstance(view, Headers)
        assert_masked(repr(view))
        assert_masked(str(view))
        assert "'Authorization': '[secure]'" in repr(view)
        assert "'X-Trace': 'visible'" in repr(view)
        # What was sent is unchanged, and readable on purpose.
        assert view["Authorization"] == f"Bearer {KEY}"
        assert view["api-key"] == KEY
    assert_masked("".join(traceback.format_exception(err)))
    assert_masked(repr(err) + str(err))
    # The server did receive the real key.
    assert server.attempts[0].headers["Authorization"] == f"Bearer {KEY}"


@pytest.mark.asyncio
async def test_raw_response_request_headers_mask_the_key(web_server, make_client) -> None:
    server = await web_server(ok)
    client = make_client(server.url, api_key=KEY)
    raw = await client.with_raw_response.chat.completions.create(model="m", messages=MESSAGES)
    assert_masked(repr(raw.http_request.headers))
    assert_masked(str(raw.http_request.headers))
    assert_masked(repr(raw) + repr(raw.http_request))
    assert raw.http_request.headers["authorization"] == f"Bearer {KEY}"


def test_connection_error_request_masks_the_key() -> None:
    client = oxide.OpenAI(api_key=KEY, base_url="http://127.0.0.1:9/v1", max_retries=0)
    with client, pytest.raises(oxide.APIConnectionError) as info:
        client.chat.completions.create(model="m", messages=MESSAGES)
    assert_masked(repr(info.value.request.headers))


@pytest.mark.parametrize(
    ("name", "secret"),
    [
        ("Authorization", True),
        ("proxy-authorization", True),
        ("api-key", True),
        ("OpenAI-Admin-Key", True),
        ("X-Goog-Api-Key", True),
        ("x-amz-security-token", True),
        ("Cookie", True),
        ("Content-Type", False),
        ("OpenAI-Organization", False),
        ("OpenAI-Project", False),
        ("x-stainless-retry-count", False),
        ("User-Agent", False),
    ],
)
def test_which_headers_are_secret(name: str, secret: bool) -> None:
    assert is_secret_header(name) is secret
