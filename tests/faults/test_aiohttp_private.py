"""The aiohttp internals `oxide._transport._aiohttp_private` relies on are still there.

oxide reaches into aiohttp in that one module only (closing a response from another thread,
letting a session go without awaiting, capping idle sockets, bounding the pool wait). A release
that renames one of these would otherwise make oxide leak sockets quietly; this fails loudly
instead, naming what moved.
"""

from __future__ import annotations

import asyncio
import inspect
import socket
import ssl

import aiohttp
import pytest
from aiohttp import web

from oxide._transport._aiohttp_private import (
    IdleCappedConnector,
    acquired_connections,
    connect_error,
)


def test_aiohttp_major_version_is_the_tested_one() -> None:
    major = int(aiohttp.__version__.split(".")[0])
    assert major == 3, f"oxide is tested on aiohttp 3.x (pinned <4), found {aiohttp.__version__}"


@pytest.mark.asyncio
async def test_connector_internals() -> None:
    connector = IdleCappedConnector(max_idle=4, limit=10)
    try:
        for name in ("_conns", "_acquired", "_limit", "_closed"):
            assert hasattr(connector, name), f"TCPConnector.{name} is gone"
        for name in ("_release", "_close", "_available_connections"):
            assert callable(getattr(connector, name, None)), f"TCPConnector.{name}() is gone"
        wait = getattr(connector, "_wait_for_available_connection", None)
        assert wait is not None and inspect.iscoroutinefunction(wait)
        assert "should_close" in inspect.signature(aiohttp.TCPConnector._release).parameters
        assert list(inspect.signature(aiohttp.TCPConnector.connect).parameters) == [
            "self",
            "req",
            "traces",
            "timeout",
        ]
    finally:
        await connector.close()


@pytest.mark.asyncio
async def test_session_and_response_internals(web_server) -> None:
    async def handler(request: web.Request, n: int) -> web.StreamResponse:
        resp = web.StreamResponse()  # chunked: the body is not read with the headers
        await resp.prepare(request)
        await resp.write(b"o")
        await asyncio.sleep(0.05)
        await resp.write(b"k")
        return resp

    server = await web_server(handler)
    session = aiohttp.ClientSession()
    try:
        assert session._connector is not None  # let go without awaiting: set to None
        async with session.get(server.url) as resp:
            assert resp._loop is asyncio.get_running_loop()  # closing from another thread
            assert not resp.closed
            assert acquired_connections(session) == 1
            await resp.read()
        assert acquired_connections(session) == 0
    finally:
        await session.close()


@pytest.mark.parametrize(
    ("error", "expected"),
    [
        (socket.gaierror(-2, "Name or service not known"), "ClientConnectorDNSError"),
        (ssl.SSLCertVerificationError(1, "certificate verify failed"), "CertificateError"),
        (ssl.SSLError(1, "wrong version number"), "ClientConnectorSSLError"),
        (ConnectionRefusedError(111, "Connection refused"), "ClientConnectorError"),
    ],
)
def test_connect_error_builds_aiohttp_connector_errors(error: OSError, expected: str) -> None:
    # The fast lane opens its own sockets and raises what aiohttp's connector would; those
    # classes are built from aiohttp's internal ConnectionKey record.
    tls = ssl.create_default_context() if isinstance(error, ssl.SSLError) else None
    exc = connect_error(error, "api.example", 8443, tls)
    names = [cls.__name__ for cls in type(exc).__mro__]
    if expected == "ClientConnectorDNSError" and not hasattr(aiohttp, expected):
        expected = "ClientConnectorError"  # aiohttp < 3.11
    assert any(expected in name for name in names), names
    assert isinstance(exc, aiohttp.ClientConnectorError)
    assert (exc.host, exc.port) == ("api.example", 8443)
    assert exc.os_error is error
    assert "api.example:8443" in str(exc)
