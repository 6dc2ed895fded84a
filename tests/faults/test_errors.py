"""Status errors, error bodies and undecodable responses (§1.5, §3.1 S8/S11, §3.3 B1-B6).

Error objects are compared field by field with what the official SDK (openai 3.3.1, installed
for reference) builds from the same bytes on the same server.
"""

from __future__ import annotations

from typing import Any

import openai
import orjson
import pytest
from aiohttp import web

import oxide
from oxide._constants import MAX_ERROR_BODY

from .conftest import (
    API_KEY,
    acquired,
    chat_chunk,
    contents,
    create,
    create_stream,
    error_body,
    get_model,
    json_response,
    model_obj,
    sse,
)


async def sdk_error(url: str) -> openai.APIError:
    async with openai.AsyncOpenAI(api_key=API_KEY, base_url=url, max_retries=0) as client:
        try:
            await client.models.retrieve("gpt-test")
        except openai.APIError as exc:
            return exc
    raise AssertionError("the SDK raised nothing")


def fields(err: Any) -> dict[str, Any]:
    return {
        "class": type(err).__name__,
        "message": err.message,
        "str": str(err),
        "body": err.body,
        "code": err.code,
        "param": err.param,
        "type": err.type,
        "status_code": getattr(err, "status_code", None),
        "request_id": getattr(err, "request_id", None),
    }


def raw(status: int, body: bytes, content_type: str = "application/json", **headers: str):
    async def handler(request: web.Request, n: int) -> web.StreamResponse:
        return web.Response(
            status=status,
            body=body,
            headers={"Content-Type": content_type, "x-request-id": f"req_{n}"} | headers,
        )

    return handler


# -- B4: error shapes, against the SDK -----------------------------------------------------------------

SHAPES = {
    "full": orjson.dumps(error_body("bad model", "invalid_request_error", "model", "nope")),
    "error-str": b'{"error": "oops"}',
    "message-only": b'{"message": "x"}',
    "list": b"[]",
    "empty": b"",
    "whitespace": b"  \n",
    "null": b"null",
    "error-null": b'{"error": null}',
    "int-code": b'{"error": {"message": "m", "code": 123, "param": 7, "type": "t"}}',
    "dict-code": b'{"error": {"code": {"a": 1}, "type": null}}',
    "not-json": b"upstream connect error",
    "invalid-utf8": b'{"error": "\xff\xfe"}',
    "big-int": b'{"error": {"message": "m", "code": 123456789012345678901234567890}}',
    "nan": b'{"error": {"message": "m", "param": NaN}}',
    "lone-surrogate-escape": b'{"error": {"message": "\\ud800"}}',
    "nested-json-string": b'"{\\"error\\": 1}"',
}


@pytest.mark.asyncio
@pytest.mark.parametrize("status", [400, 404, 429, 500])
@pytest.mark.parametrize("shape", list(SHAPES))
async def test_b4_error_shapes_match_the_sdk(web_server, make_client, shape, status):
    server = await web_server(raw(status, SHAPES[shape], **{"x-request-id": "req_shape"}))
    client = make_client(server.url, max_retries=0)
    with pytest.raises(oxide.APIStatusError) as info:
        await get_model(client)
    expected = await sdk_error(server.url)
    assert fields(info.value) == fields(expected)
    assert info.value.response.status_code == status
    assert info.value.response.content == SHAPES[shape]
    assert server.count == 2  # one each


@pytest.mark.asyncio
async def test_b4_status_error_carries_request_and_response(web_server, make_client):
    server = await web_server(raw(404, SHAPES["full"]))
    client = make_client(server.url, max_retries=0)
    with pytest.raises(oxide.NotFoundError) as info:
        await get_model(client, extra_headers={"X-Trace": "t1"})
    err = info.value
    assert err.request.method == "GET"
    assert err.request.url == f"{server.url}/models/gpt-test"
    assert err.request.headers["X-Trace"] == "t1"
    assert err.response.headers["x-request-id"] == "req_0"
    assert err.response.json() == orjson.loads(SHAPES["full"])
    assert err.response.text == SHAPES["full"].decode()
    assert isinstance(err, oxide.APIError) and isinstance(err, oxide.OpenAIError)
    assert not isinstance(err, oxide.APIConnectionError)


# -- B3: an HTML page from a proxy ------------------------------------------------------------------


@pytest.mark.asyncio
async def test_b3_html_502_is_retried_then_internal_server_error(web_server, make_client):
    page = b"<html><body><h1>502 Bad Gateway</h1></body></html>\n"
    server = await web_server(raw(502, page, "text/html", **{"retry-after-ms": "5"}))
    client = make_client(server.url)
    with pytest.raises(oxide.InternalServerError) as info:
        await get_model(client)
    err = info.value
    assert server.count == 3
    assert err.status_code == 502
    assert err.body == page.decode().strip()
    assert err.message == "Error code: 502"  # the SDK names only a JSON body's message
    assert (err.code, err.param, err.type) == (None, None, None)
    assert err.request_id == "req_2"
    assert acquired(client) == 0


@pytest.mark.asyncio
async def test_huge_error_body_is_truncated_on_the_exception(web_server, make_client):
    page = b"x" * (MAX_ERROR_BODY + 4096)
    server = await web_server(raw(500, page, "text/html"))
    client = make_client(server.url, max_retries=0)
    with pytest.raises(oxide.InternalServerError) as info:
        await get_model(client)
    assert isinstance(info.value.body, str)
    assert len(info.value.body) == MAX_ERROR_BODY
    assert acquired(client) == 0


# -- B1, B2: 200 with a body that is not the JSON it claims to be -------------------------------------


@pytest.mark.asyncio
@pytest.mark.parametrize(
    "body",
    [
        b'{"id": "gpt-test", "object": "model"',  # B1: truncated, Content-Length matches
        b'{"id": "gpt-test",, }',  # B2: malformed
        b"",  # empty
        b"\xff\xfe{}",  # not UTF-8
    ],
    ids=["truncated", "malformed", "empty", "not-utf8"],
)
async def test_b1_b2_undecodable_success_body_is_a_validation_error(web_server, make_client, body):
    server = await web_server(raw(200, body))
    client = make_client(server.url)
    with pytest.raises(oxide.APIResponseValidationError) as info:
        await get_model(client)
    err = info.value
    assert server.count == 1  # not retried
    assert err.status_code == 200
    assert err.request_id == "req_0"
    assert err.body == body.decode("utf-8", "replace")
    assert err.response.content == body
    assert isinstance(err, oxide.APIError) and not isinstance(err, oxide.APIStatusError)
    assert acquired(client) == 0


DEEP = b'{"id": "gpt-test", "object": "model", "x": ' + b"[" * 5000 + b"]" * 5000 + b"}"


@pytest.mark.asyncio
@pytest.mark.parametrize("call", ["model", "chat", "raw-parse"])
async def test_b2_body_nested_5000_deep_is_a_validation_error(web_server, make_client, call):
    # Issue 9 defect 8: a raw RecursionError escaped from the decoder.
    server = await web_server(raw(200, DEEP))
    client = make_client(server.url)
    with pytest.raises(oxide.APIResponseValidationError) as info:
        if call == "model":
            await get_model(client)
        elif call == "chat":
            await create(client)
        else:
            (await client.with_raw_response.models.retrieve("gpt-test")).parse()
    assert info.value.response.content == DEEP
    assert server.count == 1
    assert acquired(client) == 0


@pytest.mark.asyncio
async def test_b2_stream_event_nested_5000_deep_is_a_validation_error(web_server, make_client):
    event = b'data: {"id": "c", "choices": ' + b"[" * 5000 + b"]" * 5000 + b"}\n\n"

    async def handler(request, n):
        resp = web.StreamResponse(headers={"Content-Type": "text/event-stream"})
        await resp.prepare(request)
        await resp.write(sse(chat_chunk("a")) + event + b"data: [DONE]\n\n")
        return resp

    server = await web_server(handler)
    client = make_client(server.url)
    stream = await create(client, stream=True)
    got = []
    with pytest.raises(oxide.APIResponseValidationError):
        async for item in stream:
            got.append(item)
    assert len(got) == 1
    assert acquired(client) == 0


@pytest.mark.asyncio
async def test_b4_error_body_nested_5000_deep_keeps_the_status_error(web_server, make_client):
    server = await web_server(raw(400, DEEP))
    client = make_client(server.url)
    with pytest.raises(oxide.BadRequestError) as info:
        await get_model(client)
    assert info.value.status_code == 400


@pytest.mark.asyncio
async def test_b5_json_with_a_non_json_content_type_is_decoded(web_server, make_client):
    server = await web_server(raw(200, orjson.dumps(model_obj()), "text/plain"))
    client = make_client(server.url)
    result = await get_model(client)
    assert result.id == "gpt-test"
    assert result._request_id == "req_0"


@pytest.mark.asyncio
async def test_b5_text_with_a_non_json_content_type_is_a_validation_error(web_server, make_client):
    # The SDK returns the text as-is here unless _strict_response_validation; oxide never hands
    # back a str where a model was promised.
    server = await web_server(raw(200, b"hello", "text/plain"))
    client = make_client(server.url)
    with pytest.raises(oxide.APIResponseValidationError) as info:
        await get_model(client)
    assert info.value.body == "hello"
    assert server.count == 1


# -- S11: status errors on stream=True requests --------------------------------------------------------


@pytest.mark.asyncio
@pytest.mark.parametrize("status", [500, 503, 429])
async def test_s11_stream_request_status_error_retried_before_iterating(
    web_server, make_client, status
):
    async def handler(request: web.Request, n: int) -> web.StreamResponse:
        if n < 2:
            return json_response(
                error_body("busy", "server_error"), status, {"retry-after-ms": "5"}
            )
        resp = web.StreamResponse(headers={"Content-Type": "text/event-stream"})
        await resp.prepare(request)
        await resp.write(sse(chat_chunk("hel")) + sse(chat_chunk("lo")) + b"data: [DONE]\n\n")
        return resp

    server = await web_server(handler)
    client = make_client(server.url)
    stream = await create_stream(client)
    items = [item async for item in stream]
    assert contents(items) == ["hel", "lo"]
    assert server.retry_counts == ["0", "1", "2"]
    assert all(a.headers["Accept"] == "text/event-stream" for a in server.attempts)
    assert acquired(client) == 0


@pytest.mark.asyncio
@pytest.mark.parametrize(
    "status,cls,attempts",
    [
        (400, oxide.BadRequestError, 1),
        (401, oxide.AuthenticationError, 1),
        (429, oxide.RateLimitError, 3),
        (500, oxide.InternalServerError, 3),
    ],
)
async def test_s11_stream_request_status_error_raised_not_iterated(
    web_server, make_client, status, cls, attempts
):
    body = error_body("nope", "invalid_request_error", "messages", "bad")
    server = await web_server(
        lambda request, n: _json(body, status, {"retry-after-ms": "5", "x-request-id": "r"})
    )
    client = make_client(server.url)
    with pytest.raises(cls) as info:
        await create_stream(client)
    err = info.value
    assert server.count == attempts
    assert err.body == body["error"]
    assert (err.code, err.param, err.request_id) == ("bad", "messages", "r")
    assert acquired(client) == 0


async def _json(obj: Any, status: int, headers: dict[str, str]) -> web.Response:
    return json_response(obj, status, headers)


@pytest.mark.asyncio
async def test_s11_stream_status_error_with_event_stream_content_type(web_server, make_client):
    # An error status wins whatever the content type says.
    server = await web_server(raw(503, b"data: {}\n\n", "text/event-stream"))
    client = make_client(server.url, max_retries=1)
    with pytest.raises(oxide.InternalServerError) as info:
        await create_stream(client, timeout=5)
    assert info.value.body == "data: {}"
    assert server.count == 2
    assert acquired(client) == 0


# -- B6: stream=True answered with plain JSON ------------------------------------------------------------


@pytest.mark.asyncio
async def test_b6_stream_answered_with_a_json_error_object(web_server, make_client):
    body = error_body("quota", "insufficient_quota", None, "insufficient_quota")
    server = await web_server(raw(200, orjson.dumps(body)))
    client = make_client(server.url)
    with pytest.raises(oxide.APIError) as info:
        await create_stream(client)
    err = info.value
    assert err.message == "quota"
    assert err.body == body["error"]
    assert err.code == "insufficient_quota"
    assert server.count == 1
    assert acquired(client) == 0


@pytest.mark.asyncio
async def test_b6_stream_answered_with_a_json_completion(web_server, make_client):
    server = await web_server(raw(200, orjson.dumps(model_obj())))
    client = make_client(server.url)
    stream = await create_stream(client)  # handed back as the SDK does; fails when read
    with pytest.raises(oxide.APIResponseValidationError, match="text/event-stream") as info:
        async for _ in stream:
            pass
    assert info.value.body == model_obj()
    assert acquired(client) == 0


@pytest.mark.asyncio
async def test_request_id_is_none_without_the_header(web_server, make_client):
    async def handler(request: web.Request, n: int) -> web.StreamResponse:
        return json_response(model_obj())

    server = await web_server(handler)
    client = make_client(server.url)
    result = await get_model(client)
    assert result._request_id is None  # as the SDK: None, not AttributeError


# -- exception tree (PARITY §2.8) ---------------------------------------------------------------------


def test_exception_tree_matches_the_sdk():
    names = [
        "APIError",
        "APIResponseValidationError",
        "APIStatusError",
        "APIConnectionError",
        "APITimeoutError",
        "BadRequestError",
        "AuthenticationError",
        "PermissionDeniedError",
        "NotFoundError",
        "ConflictError",
        "UnprocessableEntityError",
        "RateLimitError",
        "InternalServerError",
    ]
    for a in names:
        for b in names + ["OpenAIError"]:
            assert issubclass(getattr(oxide, a), getattr(oxide, b)) == issubclass(
                getattr(openai, a), getattr(openai, b)
            ), (a, b)
    assert issubclass(oxide.APITimeoutError, TimeoutError)
    assert not issubclass(oxide.InvalidWebhookSignatureError, oxide.OpenAIError)
    assert issubclass(oxide.InvalidWebhookSignatureError, ValueError)


# -- sync client ------------------------------------------------------------------------------------------


def test_sync_client_status_error(thread_server):
    server = thread_server(raw(404, SHAPES["full"]))
    with oxide.OpenAI(api_key=API_KEY, base_url=server.url) as client:
        with pytest.raises(oxide.NotFoundError) as info:
            client.models.retrieve("gpt-test")
    err = info.value
    assert server.count == 1
    assert (err.status_code, err.request_id, err.code, err.param) == (404, "req_0", "nope", "model")
    assert err.body == orjson.loads(SHAPES["full"])["error"]
