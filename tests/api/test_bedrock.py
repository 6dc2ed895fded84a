"""`oxide.BedrockOpenAI` / `oxide.AsyncBedrockOpenAI`.

* Configuration (base URL, region, `api_key`, errors) is compared with the official SDK's Bedrock
  clients, configuration by configuration.
* Requests go over real sockets to an in-process aiohttp server that checks every SigV4
  `Authorization` header with its own small implementation of the algorithm (checked against
  the published AWS test vectors below, and independent of botocore, which signs): canonical
  request from the method, raw path, raw query, headers and body the server received.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import re
import subprocess
import sys
import textwrap
from collections.abc import Awaitable, Callable, Iterator, Mapping
from pathlib import Path
from typing import Any
from urllib.parse import quote, unquote

import openai
import pytest
import pytest_asyncio
from aiohttp import web
from multidict import CIMultiDict

import oxide
from oxide import OpenAIError
from oxide._base_client import BaseAsyncClient
from oxide._transport._session import SessionHolder

from .conftest import chunk, completion, sse

KEY_ID = "AKIDEXAMPLE"
SECRET = "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY"
TOKEN = "session-token-example"
REGION = "us-west-2"
MESSAGES: Any = [{"role": "user", "content": "hi"}]
STATIC: dict[str, Any] = {
    "aws_region": REGION,
    "aws_access_key_id": KEY_ID,
    "aws_secret_access_key": SECRET,
    "aws_session_token": TOKEN,
}

AWS_ENV = (
    "AWS_REGION",
    "AWS_DEFAULT_REGION",
    "AWS_BEARER_TOKEN_BEDROCK",
    "AWS_BEDROCK_BASE_URL",
    "AWS_PROFILE",
    "AWS_DEFAULT_PROFILE",
    "AWS_ACCESS_KEY_ID",
    "AWS_SECRET_ACCESS_KEY",
    "AWS_SESSION_TOKEN",
    "AWS_SECURITY_TOKEN",
    "AWS_CONTAINER_CREDENTIALS_RELATIVE_URI",
    "AWS_CONTAINER_CREDENTIALS_FULL_URI",
    "AWS_WEB_IDENTITY_TOKEN_FILE",
    "AWS_ROLE_ARN",
    "OPENAI_API_KEY",
    "OPENAI_ADMIN_KEY",
    "OPENAI_BASE_URL",
    "OPENAI_ORG_ID",
    "OPENAI_PROJECT_ID",
    "OPENAI_CUSTOM_HEADERS",
    "OPENAI_API_TYPE",
)


@pytest.fixture(autouse=True)
def _aws_env(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> Path:
    """No AWS settings from the machine: no env, no config files, no instance metadata."""
    for name in AWS_ENV:
        monkeypatch.delenv(name, raising=False)
    config = tmp_path / "aws_config"
    monkeypatch.setenv("AWS_CONFIG_FILE", str(config))
    monkeypatch.setenv("AWS_SHARED_CREDENTIALS_FILE", str(tmp_path / "aws_credentials"))
    monkeypatch.setenv("AWS_EC2_METADATA_DISABLED", "true")
    return config


# -- an independent SigV4 verifier ---------------------------------------------------------------
def _hmac(key: bytes, msg: str) -> bytes:
    return hmac.new(key, msg.encode(), hashlib.sha256).digest()


def _strict(value: str) -> str:
    return quote(value, safe="-_.~")


def sigv4_signature(
    method: str,
    raw_path_qs: str,
    headers: Mapping[str, str],
    body: bytes,
    *,
    signed_headers: list[str],
    amz_date: str,
    scope: str,
    secret: str,
) -> str:
    """The signature AWS computes for a received request (non-S3 rules): the raw path encoded
    once more, the query decoded and re-encoded strictly then sorted, trimmed header values."""
    raw_path, _, raw_query = raw_path_qs.partition("?")
    pairs = []
    for pair in raw_query.split("&") if raw_query else []:
        key, _, value = pair.partition("=")
        pairs.append((_strict(unquote(key)), _strict(unquote(value))))
    canonical_headers = "".join(
        f"{name}:{' '.join(headers[name].split())}\n" for name in signed_headers
    )
    canonical_request = "\n".join(
        [
            method,
            quote(raw_path, safe="/-_.~"),
            "&".join(f"{k}={v}" for k, v in sorted(pairs)),
            canonical_headers,
            ";".join(signed_headers),
            hashlib.sha256(body).hexdigest(),
        ]
    )
    string_to_sign = "\n".join(
        [
            "AWS4-HMAC-SHA256",
            amz_date,
            scope,
            hashlib.sha256(canonical_request.encode()).hexdigest(),
        ]
    )
    date, region, service, _ = scope.split("/")
    signing_key = _hmac(("AWS4" + secret).encode(), date)
    for part in (region, service, "aws4_request"):
        signing_key = _hmac(signing_key, part)
    return hmac.new(signing_key, string_to_sign.encode(), hashlib.sha256).hexdigest()


_AUTH = re.compile(
    r"AWS4-HMAC-SHA256 Credential=(?P<key>[^/]+)/(?P<scope>\d{8}/[^/]+/[^/]+/aws4_request), "
    r"SignedHeaders=(?P<signed>[a-z0-9;-]+), Signature=(?P<signature>[0-9a-f]{64})"
)


def verify(
    method: str,
    raw_path_qs: str,
    headers: Mapping[str, str],
    body: bytes,
    *,
    secret: str = SECRET,
    region: str = REGION,
    service: str = "bedrock-mantle",
) -> dict[str, Any]:
    """Checks a received request's SigV4 signature; returns what it was signed with."""
    match = _AUTH.fullmatch(headers["Authorization"])
    assert match is not None, headers["Authorization"]
    amz_date = headers["X-Amz-Date"]
    scope = match["scope"]
    assert scope == f"{amz_date[:8]}/{region}/{service}/aws4_request"
    signed = match["signed"].split(";")
    assert {"host", "x-amz-date"} <= set(signed)
    expected = sigv4_signature(
        method,
        raw_path_qs,
        headers,
        body,
        signed_headers=signed,
        amz_date=amz_date,
        scope=scope,
        secret=secret,
    )
    assert hmac.compare_digest(expected, match["signature"]), "signature mismatch"
    return {"key": match["key"], "signed": signed, "amz_date": amz_date}


def test_the_verifier_reproduces_the_aws_test_suite() -> None:
    # aws-sig-v4-test-suite: get-vanilla, post-vanilla, get-vanilla-query-order-key-case.
    cases = [
        ("GET", "/", "5fa00fa31553b73ebf1942676e86291e8372ff2a2260956d9b8aae1d763fbf31"),
        ("POST", "/", "5da7c1a2acd57cee7505fc6676e4e544621c30862966e37dddb68e92efbe5d6b"),
        (
            "GET",
            "/?Param2=value2&Param1=value1",
            "b97d918cfa904a5beff61c982a1b6f458b799221646efd99d3219ec94cdf2500",
        ),
    ]
    headers = {"host": "example.amazonaws.com", "x-amz-date": "20150830T123600Z"}
    for method, path, signature in cases:
        assert (
            sigv4_signature(
                method,
                path,
                headers,
                b"",
                signed_headers=["host", "x-amz-date"],
                amz_date="20150830T123600Z",
                scope="20150830/us-east-1/service/aws4_request",
                secret=SECRET,
            )
            == signature
        )


# -- the server ------------------------------------------------------------------------------------
class BedrockServer:
    """Answers like Bedrock's OpenAI endpoint; checks the signature of every signed request."""

    def __init__(self) -> None:
        self.seen: list[dict[str, Any]] = []
        self.fail_first = 0  # answer this many requests with a retryable 500

    async def handle(self, request: web.Request) -> web.StreamResponse:
        body = await request.read()
        headers = CIMultiDict(request.headers)
        entry: dict[str, Any] = {
            "method": request.method,
            "raw_path": request.raw_path,
            "headers": headers,
            "body": body,
            "error": None,
        }
        if headers.get("Authorization", "").startswith("AWS4-HMAC-SHA256"):
            try:
                entry["sigv4"] = verify(request.method, request.raw_path, headers, body)
                assert headers["X-Amz-Content-SHA256"] == hashlib.sha256(body).hexdigest()
            except AssertionError as exc:
                entry["error"] = str(exc) or "invalid"
        self.seen.append(entry)
        if entry["error"] is not None:
            return web.json_response({"error": {"message": entry["error"]}}, status=403)
        if self.fail_first > 0:
            self.fail_first -= 1
            # Over a second, so the retry's X-Amz-Date is a later one.
            return web.json_response(
                {"error": {"message": "busy"}}, status=500, headers={"retry-after-ms": "1100"}
            )
        path = request.path
        if path.endswith("/chat/completions"):
            payload = json.loads(body)
            if not payload.get("stream"):
                return web.json_response(completion(content=f"to {payload['model']}"))
            resp = web.StreamResponse(headers={"Content-Type": "text/event-stream"})
            await resp.prepare(request)
            for word in ("signed ", "and ", "streamed"):
                await resp.write(sse(chunk({"content": word})))
            await resp.write(b"data: [DONE]\n\n")
            await resp.write_eof()
            return resp
        if path.endswith("/files"):
            return web.json_response(
                {
                    "id": "file-1",
                    "object": "file",
                    "bytes": 4,
                    "created_at": 0,
                    "filename": "a.jsonl",
                    "purpose": "batch",
                    "status": "processed",
                }
            )
        return web.json_response({"object": "list", "data": [], "has_more": False})

    def routes(self) -> dict[tuple[str, str], Any]:
        return {("*", "/{tail:.*}"): self.handle}

    def take(self) -> list[dict[str, Any]]:
        out, self.seen = self.seen, []
        return out


def _bedrock_url(v1_url: str) -> str:
    return v1_url.removesuffix("/v1") + "/openai/v1"


@pytest_asyncio.fixture
async def bedrock(
    serve: Callable[..., Awaitable[str]],
) -> tuple[BedrockServer, str]:
    server = BedrockServer()
    return server, _bedrock_url(await serve(server.routes()))


@pytest.fixture
def bedrock_in_thread(
    serve_routes_in_thread: Callable[[dict[tuple[str, str], Any]], str],
) -> tuple[BedrockServer, str]:
    server = BedrockServer()
    return server, _bedrock_url(serve_routes_in_thread(server.routes()))


# -- configuration: the SDK's rules ---------------------------------------------------------------
def _outcome(make: Callable[[], Any]) -> tuple[Any, ...]:
    try:
        client = make()
    except Exception as exc:
        return (type(exc).__name__, str(exc))
    return (str(client.base_url), client.aws_region, client.api_key)


def _sdk_provider() -> str:
    return "from-provider"


CANONICAL_RUNTIME = "https://bedrock-runtime.eu-west-1.amazonaws.com/openai/v1"
# name: (environment, constructor arguments)
CONFIGS: dict[str, tuple[dict[str, str], dict[str, Any]]] = {
    "bearer": ({}, {"api_key": "k", "aws_region": "us-east-1"}),
    "bearer_env_token_and_region": (
        {"AWS_BEARER_TOKEN_BEDROCK": "env-token", "AWS_REGION": "eu-central-1"},
        {},
    ),
    "bearer_default_region": ({"AWS_DEFAULT_REGION": "ap-south-1"}, {"api_key": "k"}),
    "bearer_region_wins_over_env": ({"AWS_REGION": "eu-central-1"}, {"api_key": "k", "aws_region": "us-east-2"}),
    "bearer_without_region": ({}, {"api_key": "k"}),
    "bearer_custom_base_url": ({"AWS_REGION": "eu-central-1"}, {"api_key": "k", "base_url": "http://proxy.local/v1/"}),
    "bearer_env_base_url": ({"AWS_BEDROCK_BASE_URL": "https://gw.example.com/openai/v1"}, {"api_key": "k"}),
    "bearer_base_url_responses_suffix": (
        {},
        {"api_key": "k", "base_url": "https://gw.example.com/openai/v1/responses/"},
    ),
    "blank_base_url_derives_it": (
        {"AWS_BEDROCK_BASE_URL": "https://gw.example.com/v1", "AWS_REGION": "us-east-1"},
        {"api_key": "k", "base_url": ""},
    ),
    "runtime_host": ({}, {"api_key": "k", "base_url": CANONICAL_RUNTIME}),
    "runtime_host_over_http": ({}, {"api_key": "k", "base_url": CANONICAL_RUNTIME.replace("https", "http")}),
    "runtime_host_region_mismatch": ({}, {"api_key": "k", "aws_region": "us-east-1", "base_url": CANONICAL_RUNTIME}),
    "mantle_host_sigv4": (
        {},
        {**STATIC, "base_url": f"https://bedrock-mantle.{REGION}.api.aws/openai/v1"},
    ),
    "invalid_region": ({}, {"api_key": "k", "aws_region": "US_EAST"}),
    "empty_region": ({}, {"api_key": "k", "aws_region": "  "}),
    "callable_api_key": ({}, {"api_key": _sdk_provider, "aws_region": "us-east-1"}),
    "empty_api_key": ({}, {"api_key": "", "aws_region": "us-east-1"}),
    "blank_api_key": ({}, {"api_key": "  ", "aws_region": "us-east-1"}),
    "api_key_and_token_provider": (
        {},
        {"api_key": "k", "bedrock_token_provider": _sdk_provider, "aws_region": "us-east-1"},
    ),
    "api_key_and_profile": ({}, {"api_key": "k", "aws_profile": "p", "aws_region": "us-east-1"}),
    "key_id_without_secret": ({}, {"aws_access_key_id": "a", "aws_region": "us-east-1"}),
    "session_token_alone": ({}, {"aws_session_token": "t", "aws_region": "us-east-1"}),
    "blank_key_id": ({}, {"aws_access_key_id": " ", "aws_secret_access_key": "s", "aws_region": "us-east-1"}),
    "profile_and_static_keys": (
        {},
        {"aws_profile": "p", "aws_access_key_id": "a", "aws_secret_access_key": "s", "aws_region": "us-east-1"},
    ),
    "blank_profile": ({}, {"aws_profile": " ", "aws_region": "us-east-1"}),
    "token_provider": ({}, {"bedrock_token_provider": _sdk_provider, "aws_region": "us-east-1"}),
    "sigv4_static": ({}, STATIC),
    "sigv4_env_region": ({"AWS_REGION": "ca-central-1"}, {"aws_access_key_id": "a", "aws_secret_access_key": "s"}),
    "sigv4_profile_region_from_config": ({}, {"aws_profile": "dev"}),
    "sigv4_default_chain_region_from_config": ({"AWS_PROFILE": "dev"}, {}),
    "sigv4_without_region": ({}, {"aws_access_key_id": "a", "aws_secret_access_key": "s"}),
    "sigv4_unknown_profile_without_region": ({}, {"aws_profile": "nope"}),
    "sigv4_credentials_provider": ({}, {"aws_credentials_provider": _sdk_provider, "aws_region": "us-east-1"}),
    "env_token_loses_to_explicit_aws": (
        {"AWS_BEARER_TOKEN_BEDROCK": "env-token"},
        {"aws_access_key_id": "a", "aws_secret_access_key": "s", "aws_region": "us-east-1"},
    ),
}  # fmt: skip


@pytest.mark.parametrize("config", sorted(CONFIGS))
@pytest.mark.parametrize("cls", ["BedrockOpenAI", "AsyncBedrockOpenAI"])
def test_configuration_matches_the_sdk(
    config: str, cls: str, monkeypatch: pytest.MonkeyPatch, _aws_env: Path
) -> None:
    _aws_env.write_text("[profile dev]\nregion = ap-northeast-1\n")
    env, kwargs = CONFIGS[config]
    for name, value in env.items():
        monkeypatch.setenv(name, value)
    theirs = _outcome(lambda: getattr(openai, cls)(**kwargs))
    ours = _outcome(lambda: getattr(oxide, cls)(**kwargs))
    assert ours == theirs


def test_with_options_matches_the_sdk(monkeypatch: pytest.MonkeyPatch) -> None:
    overrides: list[dict[str, Any]] = [
        {},
        {"aws_region": "eu-west-3"},
        {"api_key": "other"},
        {"base_url": "https://gw.example.com/v1"},
        {"base_url": ""},
        {"aws_access_key_id": "a2", "aws_secret_access_key": "s2"},
        {"timeout": 5},
    ]
    starts: list[dict[str, Any]] = [
        {"api_key": "k", "aws_region": "us-east-1"},
        STATIC,
        {"api_key": "k", "base_url": "https://gw.example.com/openai/v1"},
        {"bedrock_token_provider": _sdk_provider, "aws_region": "us-east-1"},
    ]
    monkeypatch.setenv("AWS_REGION", "us-east-2")
    for start in starts:
        for override in overrides:
            theirs = _outcome(lambda: openai.BedrockOpenAI(**start).with_options(**override))  # noqa: B023
            ours = _outcome(lambda: oxide.BedrockOpenAI(**start).with_options(**override))  # noqa: B023
            assert ours == theirs, (start, override)


def test_copy_errors_match_the_sdk() -> None:
    overrides: list[dict[str, Any]] = [
        {"data_residency": "eu"},
        {"admin_api_key": "a"},
        {"provider": object()},
        {"api_key": _sdk_provider},
        {"api_key": "k", "aws_profile": "p"},
        {"default_headers": {}, "set_default_headers": {}},
    ]
    for override in overrides:
        outcomes = []
        for lib in (openai, oxide):
            client = lib.BedrockOpenAI(api_key="k", aws_region="us-east-1")
            outcomes.append(_outcome(lambda: client.copy(**override)))  # noqa: B023
        assert outcomes[0] == outcomes[1], override
        assert outcomes[0][0] in ("OpenAIError", "ValueError")


def test_a_copy_keeps_the_signer_and_pool_unless_auth_changes() -> None:
    client = oxide.AsyncBedrockOpenAI(**STATIC)
    same = client.with_options(timeout=3, max_retries=1)
    assert same._bedrock is client._bedrock and same._session_holder is client._session_holder
    other = client.with_options(aws_region="eu-west-1")
    assert other._bedrock.sigv4 is not None and other._bedrock.sigv4.region == "eu-west-1"
    assert other.base_url == "https://bedrock-mantle.eu-west-1.api.aws/openai/v1/"
    assert other._session_holder is client._session_holder
    bearer = client.with_options(api_key="k")
    assert bearer._bedrock.sigv4 is None and isinstance(bearer._holder, SessionHolder)


# -- SigV4 over the wire ---------------------------------------------------------------------------
@pytest.mark.asyncio
async def test_sigv4_signs_the_body_query_and_headers_sent(
    bedrock: tuple[BedrockServer, str],
) -> None:
    server, url = bedrock
    async with oxide.AsyncBedrockOpenAI(base_url=url, max_retries=0, **STATIC) as client:
        result = await client.chat.completions.create(
            model="openai.gpt-oss-120b-1:0",
            messages=[{"role": "user", "content": "é ~ / + & = ?"}],
            extra_query={"b": "x y/z+", "a": "ü~*"},
            extra_headers={"X-Custom": "  spaced   value ", "OpenAI-Beta": "x"},
        )
        assert result.choices[0].message.content == "to openai.gpt-oss-120b-1:0"
        (seen,) = server.take()
    assert seen["error"] is None and seen["sigv4"]["key"] == KEY_ID
    signed = seen["sigv4"]["signed"]
    for header in ("host", "content-type", "x-amz-content-sha256", "x-amz-security-token"):
        assert header in signed
    assert {"x-custom", "x-stainless-retry-count", "openai-beta"} <= set(signed)
    assert seen["headers"]["X-Amz-Security-Token"] == TOKEN
    assert json.loads(seen["body"])["messages"][0]["content"] == "é ~ / + & = ?"
    # Strictly encoded, so AWS canonicalizes the query as it was signed.
    assert seen["raw_path"].endswith("/chat/completions?b=x%20y%2Fz%2B&a=%C3%BC~%2A")
    # The signature covers the body: one byte more and it no longer verifies.
    with pytest.raises(AssertionError, match="signature mismatch"):
        verify(seen["method"], seen["raw_path"], seen["headers"], seen["body"] + b" ")


@pytest.mark.asyncio
async def test_sigv4_get_with_pagination_query(bedrock: tuple[BedrockServer, str]) -> None:
    server, url = bedrock
    async with oxide.AsyncBedrockOpenAI(base_url=url, **STATIC) as client:
        page = await client.models.list(extra_query={"after": "m/1", "limit": 2})
        assert page.data == []
    (seen,) = server.take()
    assert seen["method"] == "GET" and seen["error"] is None
    assert seen["body"] == b"" and seen["raw_path"].endswith("/models?after=m%2F1&limit=2")


@pytest.mark.asyncio
async def test_sigv4_retries_are_signed_again(bedrock: tuple[BedrockServer, str]) -> None:
    server, url = bedrock
    server.fail_first = 1
    async with oxide.AsyncBedrockOpenAI(base_url=url, max_retries=2, **STATIC) as client:
        await client.chat.completions.create(model="m", messages=MESSAGES)
    first, second = server.take()
    assert first["error"] is None and second["error"] is None
    assert first["headers"]["x-stainless-retry-count"] == "0"
    assert second["headers"]["x-stainless-retry-count"] == "1"
    assert second["sigv4"]["amz_date"] > first["sigv4"]["amz_date"]  # a fresh timestamp
    assert first["headers"]["Authorization"] != second["headers"]["Authorization"]
    assert first["body"] == second["body"]


@pytest.mark.asyncio
async def test_sigv4_streamed_chat_completion(bedrock: tuple[BedrockServer, str]) -> None:
    server, url = bedrock
    async with oxide.AsyncBedrockOpenAI(base_url=url, **STATIC) as client:
        stream = await client.chat.completions.create(model="m", messages=MESSAGES, stream=True)
        text = "".join([c.choices[0].delta.content or "" async for c in stream])
    assert text == "signed and streamed"
    (seen,) = server.take()
    assert seen["error"] is None and seen["headers"]["Accept"] == "text/event-stream"
    assert json.loads(seen["body"])["stream"] is True


@pytest.mark.asyncio
async def test_sigv4_multipart_upload_is_signed(bedrock: tuple[BedrockServer, str]) -> None:
    server, url = bedrock
    async with oxide.AsyncBedrockOpenAI(base_url=url, **STATIC) as client:
        created = await client.files.create(file=("a.jsonl", b"{}\n{}"), purpose="batch")
    assert created.id == "file-1"
    (seen,) = server.take()
    assert seen["error"] is None and b"{}\n{}" in seen["body"]
    assert seen["headers"]["Content-Type"].startswith("multipart/form-data; boundary=")
    assert "content-type" in seen["sigv4"]["signed"]


@pytest.mark.asyncio
async def test_sigv4_credentials_provider_is_called_per_request(
    bedrock: tuple[BedrockServer, str],
) -> None:
    from botocore.credentials import Credentials

    server, url = bedrock
    calls: list[int] = []

    def provider() -> Credentials:
        calls.append(1)
        return Credentials(KEY_ID, SECRET)

    async with oxide.AsyncBedrockOpenAI(
        base_url=url, aws_region=REGION, aws_credentials_provider=provider
    ) as client:
        await client.models.list()
        await client.models.list()
    assert len(calls) == 2
    assert all(seen["error"] is None for seen in server.take())


@pytest.mark.asyncio
async def test_sigv4_default_chain_and_profile(
    bedrock: tuple[BedrockServer, str], monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    server, url = bedrock
    monkeypatch.setenv("AWS_ACCESS_KEY_ID", KEY_ID)
    monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", SECRET)
    async with oxide.AsyncBedrockOpenAI(base_url=url, aws_region=REGION) as client:
        await client.models.list()
    monkeypatch.delenv("AWS_ACCESS_KEY_ID")
    monkeypatch.delenv("AWS_SECRET_ACCESS_KEY")
    credentials = tmp_path / "aws_credentials"
    credentials.write_text(
        f"[dev]\naws_access_key_id = {KEY_ID}\naws_secret_access_key = {SECRET}\n"
    )
    async with oxide.AsyncBedrockOpenAI(base_url=url, aws_region=REGION, aws_profile="dev") as c2:
        await c2.models.list()
        await c2.models.list()  # the resolved credentials are reused
    assert [seen["error"] for seen in server.take()] == [None, None, None]


@pytest.mark.asyncio
async def test_sigv4_missing_credentials(bedrock: tuple[BedrockServer, str]) -> None:
    server, url = bedrock
    async with oxide.AsyncBedrockOpenAI(base_url=url, aws_region=REGION) as client:
        with pytest.raises(OpenAIError, match=r"^Could not find credentials for Bedrock\."):
            await client.models.list()
    assert server.take() == []  # nothing sent


@pytest.mark.asyncio
async def test_runtime_host_signs_for_the_bedrock_service(
    bedrock: tuple[BedrockServer, str],
) -> None:
    client = oxide.AsyncBedrockOpenAI(
        **STATIC, base_url=f"https://bedrock-runtime.{REGION}.amazonaws.com/openai/v1"
    )
    assert client._bedrock.sigv4 is not None and client._bedrock.sigv4.service == "bedrock"
    mantle = oxide.AsyncBedrockOpenAI(**STATIC)
    assert mantle._bedrock.sigv4 is not None and mantle._bedrock.sigv4.service == "bedrock-mantle"
    # A base URL moved to another region's host is refused rather than signed for the wrong one.
    server, url = bedrock
    client.base_url = "https://bedrock-runtime.eu-west-1.amazonaws.com/openai/v1"
    with pytest.raises(OpenAIError, match="does not match the SigV4 region"):
        await client.models.list()
    await client.close()
    await mantle.close()


def test_sync_client_sigv4_and_stream(bedrock_in_thread: tuple[BedrockServer, str]) -> None:
    server, url = bedrock_in_thread
    server.fail_first = 1
    with oxide.BedrockOpenAI(base_url=url, **STATIC) as client:
        completion_ = client.chat.completions.create(model="m", messages=MESSAGES)
        assert completion_.choices[0].message.content == "to m"
        with client.chat.completions.create(model="m", messages=MESSAGES, stream=True) as stream:
            text = "".join(c.choices[0].delta.content or "" for c in stream)
        assert text == "signed and streamed"
        copy = client.with_options(timeout=10)
        copy.models.list()
    seen = server.take()
    assert [s["error"] for s in seen] == [None] * 4
    assert [s["headers"]["x-stainless-retry-count"] for s in seen] == ["0", "1", "0", "0"]
    assert all(s["headers"]["User-Agent"].startswith("BedrockOpenAI/Python ") for s in seen)
    assert all(s["headers"]["X-Stainless-Async"] == "false" for s in seen)


# -- bearer ------------------------------------------------------------------------------------------
def test_sync_bearer_auth(
    bedrock_in_thread: tuple[BedrockServer, str], monkeypatch: pytest.MonkeyPatch
) -> None:
    server, url = bedrock_in_thread
    monkeypatch.setenv("OPENAI_ORG_ID", "org-from-env")  # not for a provider client
    with oxide.BedrockOpenAI(api_key="bedrock-key", base_url=url) as client:
        client.chat.completions.create(model="m", messages=MESSAGES)
    monkeypatch.setenv("AWS_BEARER_TOKEN_BEDROCK", "env-token")
    with oxide.BedrockOpenAI(base_url=url, project="proj") as client:
        client.models.list()
    tokens = iter(["t1", "t2"])
    with oxide.BedrockOpenAI(base_url=url, bedrock_token_provider=lambda: next(tokens)) as client:
        client.models.list()
        client.models.list()
        assert client.api_key == ""  # as the SDK: the provider's tokens are not the api_key
    seen = server.take()
    assert [s["headers"]["Authorization"] for s in seen] == [
        "Bearer bedrock-key",
        "Bearer env-token",
        "Bearer t1",
        "Bearer t2",
    ]
    assert not any("X-Amz-Date" in s["headers"] for s in seen)
    assert "OpenAI-Organization" not in seen[0]["headers"]
    assert seen[1]["headers"]["OpenAI-Project"] == "proj"


@pytest.mark.asyncio
async def test_async_bearer_auth(bedrock: tuple[BedrockServer, str]) -> None:
    server, url = bedrock

    async def provider() -> str:
        return "async-token"

    async with oxide.AsyncBedrockOpenAI(base_url=url, bedrock_token_provider=provider) as client:
        stream = await client.chat.completions.create(model="m", messages=MESSAGES, stream=True)
        assert "".join([c.choices[0].delta.content or "" async for c in stream])
        # Omitting the header does not remove the provider's auth (the SDK adds it last).
        await client.models.list(extra_headers={"Authorization": oxide.omit})
    seen = server.take()
    assert [s["headers"]["Authorization"] for s in seen] == ["Bearer async-token"] * 2
    assert seen[0]["headers"]["User-Agent"].startswith("AsyncBedrockOpenAI/Python ")


def test_token_provider_errors_match_the_sdk(
    bedrock_in_thread: tuple[BedrockServer, str],
) -> None:
    _, url = bedrock_in_thread

    async def async_provider() -> str:
        return "t"

    def failing() -> str:
        raise RuntimeError("boom")

    for provider in (lambda: "", lambda: 42, failing, async_provider):
        outcomes = []
        for lib in (openai, oxide):
            client = lib.BedrockOpenAI(base_url=url, bedrock_token_provider=provider, max_retries=0)
            try:
                client.models.list()
            except Exception as exc:
                outcomes.append((type(exc).__name__, str(exc)))
            client.close()
        assert outcomes[0] == outcomes[1]
        assert outcomes[0][0] == "OpenAIError"


def test_custom_authorization_header_is_refused_as_by_the_sdk(
    bedrock_in_thread: tuple[BedrockServer, str],
) -> None:
    server, url = bedrock_in_thread
    cases: list[tuple[dict[str, Any], dict[str, Any]]] = [
        ({"api_key": "k"}, {"extra_headers": {"authorization": "Bearer mine"}}),
        ({"api_key": "k", "default_headers": {"Authorization": "Bearer mine"}}, {}),
        (STATIC, {"extra_headers": {"Authorization": "Bearer mine"}}),
    ]
    for kwargs, call in cases:
        outcomes = []
        for lib in (openai, oxide):
            with lib.BedrockOpenAI(base_url=url, max_retries=0, **kwargs) as client:
                outcomes.append(_outcome(lambda: client.models.list(**call)))  # noqa: B023
        assert outcomes[0] == outcomes[1]
        assert "custom `Authorization` header" in outcomes[0][1]
    assert server.take() == []


# -- the plain clients pay nothing -------------------------------------------------------------------
def test_the_request_path_of_the_other_clients_is_untouched() -> None:
    assert oxide.AsyncOpenAI._request is BaseAsyncClient._request
    plain = oxide.AsyncOpenAI(api_key="k")
    assert type(plain._holder) is SessionHolder
    bearer = oxide.AsyncBedrockOpenAI(api_key="k", aws_region=REGION)
    assert type(bearer._holder) is SessionHolder  # bearer: static headers only
    signed = oxide.AsyncBedrockOpenAI(**STATIC)
    assert type(signed._holder) is not SessionHolder


# -- without botocore --------------------------------------------------------------------------------
BLOCK_BOTOCORE = """
import sys

class _NoBotocore:
    def find_spec(self, name, path=None, target=None):
        if name == "botocore" or name.startswith("botocore."):
            raise ModuleNotFoundError(f"No module named {name!r}", name=name)
        return None

sys.meta_path.insert(0, _NoBotocore())
"""


def test_oxide_works_without_botocore(
    bedrock_in_thread: tuple[BedrockServer, str], _aws_env: Path
) -> None:
    server, url = bedrock_in_thread
    _aws_env.write_text("[profile dev]\nregion = ap-northeast-1\n")
    code = BLOCK_BOTOCORE + textwrap.dedent(
        f"""
        import oxide, oxide.compat
        from oxide.compat.lib.bedrock import BedrockOpenAI
        assert BedrockOpenAI is oxide.BedrockOpenAI
        client = oxide.BedrockOpenAI(api_key="k", base_url={url!r})
        print(client.chat.completions.create(model="m", messages=[]).choices[0].message.content)
        client.close()
        signed = oxide.BedrockOpenAI(aws_region="us-east-1", aws_access_key_id="a",
                                     aws_secret_access_key="s", base_url={url!r})
        try:
            signed.models.list()
        except oxide.OpenAIError as exc:
            print(exc)
        signed.close()
        try:
            oxide.BedrockOpenAI(aws_profile="dev")
        except oxide.OpenAIError as exc:
            print(exc)
        assert "botocore" not in sys.modules
        """
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=60)
    assert out.returncode == 0, out.stderr
    lines = out.stdout.splitlines()
    assert lines[0] == "to m"
    needs = (
        "Bedrock AWS authentication requires optional AWS dependencies. Install them with "
        "`pip install 'oxide-openai[bedrock]'` (or `pip install botocore`) and try again."
    )
    assert lines[1:] == [needs, needs]
    assert [s["headers"]["Authorization"] for s in server.take()] == ["Bearer k"]


def test_import_oxide_does_not_load_botocore() -> None:
    code = "import sys, oxide, oxide.compat; oxide.BedrockOpenAI; print('botocore' in sys.modules)"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "False"


# -- exports and the module client ---------------------------------------------------------------------
def test_exports() -> None:
    import oxide.compat.lib.bedrock

    import oxide.compat
    import oxide.lib.bedrock

    assert oxide.compat.lib.bedrock is oxide.lib.bedrock
    assert oxide.compat.BedrockOpenAI is oxide.BedrockOpenAI is oxide.lib.bedrock.BedrockOpenAI
    assert oxide.compat.AsyncBedrockOpenAI is oxide.AsyncBedrockOpenAI
    assert {"BedrockOpenAI", "AsyncBedrockOpenAI"} <= set(oxide.__all__)
    assert set(openai.lib.bedrock.__all__) <= set(oxide.lib.bedrock.__all__)


@pytest.fixture
def module_client() -> Iterator[None]:
    from oxide import _module_client

    names = ("api_type", "api_key", "base_url", "bedrock_token_provider", "default_headers")
    saved = {name: getattr(oxide, name) for name in names}
    _module_client.reset_client()
    yield
    if _module_client._client is not None:
        _module_client._client.close()
    _module_client.reset_client()
    for name, value in saved.items():
        setattr(oxide, name, value)


def test_module_client_amazon_bedrock(
    module_client: None,
    bedrock_in_thread: tuple[BedrockServer, str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    import oxide.compat as compat_openai

    server, url = bedrock_in_thread
    monkeypatch.setenv("AWS_ACCESS_KEY_ID", KEY_ID)
    monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", SECRET)
    monkeypatch.setenv("AWS_REGION", REGION)
    compat_openai.api_type = "amazon-bedrock"
    compat_openai.api_key = None
    compat_openai.base_url = url
    oxide.chat.completions.create(model="m", messages=MESSAGES)  # SigV4 from the environment
    compat_openai.api_key = "module-key"  # a bearer credential from now on
    oxide.models.list()
    compat_openai.api_key = None  # back to SigV4
    oxide.models.list()
    assert oxide.api_key is None  # as the SDK: the client's credential is not written back
    seen = server.take()
    assert [s["error"] for s in seen] == [None] * 3
    assert "sigv4" in seen[0] and "sigv4" in seen[2]
    assert seen[1]["headers"]["Authorization"] == "Bearer module-key"
    assert seen[0]["headers"]["User-Agent"].startswith("_BedrockModuleClient/Python ")


def test_module_client_from_openai_api_type_env(
    bedrock_in_thread: tuple[BedrockServer, str],
) -> None:
    server, url = bedrock_in_thread
    code = textwrap.dedent(
        f"""
        import os
        os.environ.update(OPENAI_API_TYPE="amazon-bedrock", AWS_BEARER_TOKEN_BEDROCK="env-token")
        import oxide
        oxide.base_url = {url!r}
        oxide.bedrock_token_provider = None
        print(oxide.chat.completions.create(model="m", messages=[]).choices[0].message.content)
        print(type(oxide._load_client()).__name__, oxide.api_type)
        """
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=60)
    assert out.returncode == 0, out.stderr
    assert out.stdout.splitlines() == ["to m", "BedrockOpenAI amazon-bedrock"]
    assert [s["headers"]["Authorization"] for s in server.take()] == ["Bearer env-token"]


def test_client_timeout_and_max_retries_pass_through() -> None:
    client = oxide.BedrockOpenAI(api_key="k", aws_region=REGION, timeout=7, max_retries=1)
    assert client.timeout is not None and client.timeout.read == 7
    assert client.max_retries == 1
    client.close()


# -- WebSockets: refused before any socket opens, as the SDK does ----------------------------------

_WS_REFUSAL = "This authentication method is not supported by WebSocket connections"


@pytest.mark.parametrize(
    "credentials", [{"api_key": "tok", "aws_region": REGION}, STATIC], ids=["bearer", "sigv4"]
)
def test_websocket_connections_are_refused_like_the_sdk(credentials: dict[str, str]) -> None:
    def attempts(lib: Any) -> list[tuple[str, str]]:
        client = lib.BedrockOpenAI(base_url="http://127.0.0.1:9/openai/v1", **credentials)
        out = []
        for connect in (
            lambda: client.responses.connect(),
            lambda: client.realtime.connect(model="gpt-realtime"),
        ):
            with pytest.raises(Exception) as info:
                with connect():
                    pass
            out.append((type(info.value).__name__, str(info.value)))
        client.close()
        return out

    assert attempts(oxide) == attempts(openai) == [("OpenAIError", _WS_REFUSAL)] * 2


@pytest.mark.asyncio
async def test_beta_realtime_with_the_callers_own_authorization_connects() -> None:
    """The beta protocol's exception (the SDK's too): a caller-owned `Authorization` header goes
    over the WebSocket instead of the provider's auth."""
    from oxide.testing import MockOpenAI

    mock = MockOpenAI()
    async with mock as url:
        client = oxide.AsyncBedrockOpenAI(api_key="tok", aws_region=REGION, base_url=url)
        manager = client.beta.realtime.connect(
            model="gpt-realtime", extra_headers={"Authorization": "Bearer mine"}
        )
        async with manager as conn:
            assert (await conn.recv()).type == "session.created"
        with pytest.raises(OpenAIError, match=_WS_REFUSAL):
            async with client.beta.realtime.connect(model="gpt-realtime"):
                pass
        await client.close()
        assert [r.headers["Authorization"] for r in mock.ws_connections] == ["Bearer mine"]
