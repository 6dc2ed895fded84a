"""Replacement for the SDK's tests/conftest.py, written for any client with the
official public API. run.py copies it to tests/conftest.py of the working copy; it is
named sdk_conftest.py here so that pytest never loads it as this repository's conftest.
Differences from upstream, and why:

* It builds clients from whatever `openai` resolves to (see candidate_alias.py) and
  passes only constructor arguments that the candidate accepts; it never names
  httpx2 client classes. `{"http_client": "aiohttp"}` uses the candidate's
  `DefaultAioHttpClient` when it has one, else its default client.
* PEER_RESPX=serve (default): `respx2_mock` is a stand-in that serves the mocked
  routes from a real local HTTP server (respx_standin.py) and the test's client
  points at it, so transport-agnostic clients (aiohttp) run those tests too.
  PEER_RESPX=respx: the suite's own respx2 plugin, which patches httpx2 transports
  (only meaningful for httpx2-based clients; reproduces upstream counts exactly).
* Clients are cached per configuration for the whole session, as upstream does
  with session-scoped fixtures.
"""

from __future__ import annotations

import inspect
import logging
import os
from collections.abc import AsyncIterator, Iterator
from typing import Any

import pytest
import pytest_asyncio
from openai import AsyncOpenAI, OpenAI
from pytest_asyncio import is_async_test

RESPX_MODE = os.environ.get("PEER_RESPX", "serve")
if RESPX_MODE == "respx":
    pytest_plugins = ["tests.respx2.plugin"]
else:
    pytest_plugins = ["respx_standin"]

pytest.register_assert_rewrite("tests.utils")
logging.getLogger("openai").setLevel(logging.DEBUG)

base_url = os.environ.get("TEST_API_BASE_URL", "http://127.0.0.1:4010")
api_key = "My API Key"
admin_api_key = "My Admin API Key"


def pytest_collection_modifyitems(items: list[pytest.Function]) -> None:
    session_scope_marker = pytest.mark.asyncio(loop_scope="session")
    for item in items:
        if is_async_test(item):
            item.add_marker(session_scope_marker, append=False)
        # Upstream rule, kept in respx mode only: RESPX cannot intercept aiohttp.
        if (
            RESPX_MODE == "respx"
            and "respx2_mock" in item.fixturenames
            and "async_client" in item.fixturenames
        ):
            param = getattr(item, "callspec", None) and item.callspec.params.get("async_client")
            if isinstance(param, dict) and param.get("http_client") == "aiohttp":
                item.add_marker(
                    pytest.mark.skip(reason="aiohttp client is not compatible with respx2_mock")
                )


def _make_kwargs(cls: type, strict: bool, url: str, http_client: Any) -> dict[str, Any]:
    kwargs: dict[str, Any] = {
        "base_url": url,
        "api_key": api_key,
        "admin_api_key": admin_api_key,
        "_strict_response_validation": strict,
    }
    if http_client is not None:
        kwargs["http_client"] = http_client
    params = inspect.signature(cls.__init__).parameters
    if any(p.kind is p.VAR_KEYWORD for p in params.values()):
        return kwargs
    return {k: v for k, v in kwargs.items() if k in params}


def _url_for(request: pytest.FixtureRequest) -> str:
    if RESPX_MODE != "respx" and "respx2_mock" in request.fixturenames:
        return request.getfixturevalue("respx_standin_url")
    return base_url


@pytest.fixture(scope="session")
def _sync_clients() -> Iterator[dict[Any, OpenAI]]:
    cache: dict[Any, OpenAI] = {}
    yield cache
    for c in cache.values():
        c.close()


@pytest.fixture
def client(request: pytest.FixtureRequest, _sync_clients: dict[Any, OpenAI]) -> OpenAI:
    strict = getattr(request, "param", True)
    if not isinstance(strict, bool):
        raise TypeError(f"Unexpected fixture parameter type {type(strict)}, expected {bool}")
    url = _url_for(request)
    key = (strict, url)
    if key not in _sync_clients:
        _sync_clients[key] = OpenAI(**_make_kwargs(OpenAI, strict, url, None))
    return _sync_clients[key]


@pytest_asyncio.fixture(scope="session", loop_scope="session")
async def _async_clients() -> AsyncIterator[dict[Any, AsyncOpenAI]]:
    cache: dict[Any, AsyncOpenAI] = {}
    yield cache
    for c in cache.values():
        closed = c.close()
        if inspect.isawaitable(closed):
            await closed


@pytest_asyncio.fixture(loop_scope="session")
async def async_client(
    request: pytest.FixtureRequest, _async_clients: dict[Any, AsyncOpenAI]
) -> AsyncOpenAI:
    param = getattr(request, "param", True)
    strict, transport = True, "default"
    if isinstance(param, bool):
        strict = param
    elif isinstance(param, dict):
        strict = param.get("strict", True)
        transport = param.get("http_client", "default")
    else:
        raise TypeError(f"Unexpected fixture parameter type {type(param)}, expected bool or dict")
    url = _url_for(request)
    key = (strict, transport, url)
    if key not in _async_clients:
        import openai

        http_client = None
        if transport == "aiohttp" and hasattr(openai, "DefaultAioHttpClient"):
            http_client = openai.DefaultAioHttpClient()
        _async_clients[key] = AsyncOpenAI(**_make_kwargs(AsyncOpenAI, strict, url, http_client))
    return _async_clients[key]
