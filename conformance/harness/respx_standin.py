"""pytest plugin: a socket-backed stand-in for the suite's `respx2_mock` fixture.

RESPX works by patching httpx2's transports, so it cannot see requests made by
any other HTTP stack (aiohttp). This stand-in keeps the tests' own mocking code
(`respx2_mock.get("/path").mock(return_value=httpx2.Response(...))`) but serves
the canned responses from a real HTTP server on 127.0.0.1; conftest.py points the
test's client at it. Supported: get/post/put/patch/delete/route(method, path or URL;
matched on the path only) and
`.mock(return_value=Response | side_effect=callable(request) -> Response)`.
Anything else (call history, exception side effects, .pass_through, ...) raises
NotImplementedError, so such tests fail loudly instead of passing vacuously.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import urlsplit

import httpx2
import pytest

_HOP_HEADERS = {"content-length", "transfer-encoding", "connection", "content-encoding"}


def _unsupported(owner: str, name: str) -> Any:
    if name.startswith("__"):
        raise AttributeError(name)
    raise NotImplementedError(f"respx stand-in: {owner}.{name} is not supported")


class _Route:
    def __init__(self, method: str, path: str) -> None:
        self.method, self.path = method, path
        self._respond: Callable[[httpx2.Request], httpx2.Response] | None = None

    def mock(self, return_value: httpx2.Response | None = None, side_effect: Any = None) -> _Route:
        if side_effect is not None:
            if not callable(side_effect) or isinstance(side_effect, type):
                raise NotImplementedError(
                    "respx stand-in: only callable side effects are supported"
                )
            self._respond = side_effect
        elif return_value is not None:
            self._respond = lambda _request: return_value
        return self

    def __getattr__(self, name: str) -> Any:
        return _unsupported("Route", name)


class StandinRouter:
    def __init__(self) -> None:
        self.routes: list[_Route] = []

    def route(self, method: str = "GET", path: str = "/", **kwargs: Any) -> _Route:
        if kwargs:
            raise NotImplementedError(f"respx stand-in: route(**{sorted(kwargs)}) is not supported")
        if "://" in path:  # absolute URL: the fixture client's base URL is this server anyway
            path = urlsplit(path).path
        route = _Route(method.upper(), path)
        self.routes.append(route)
        return route

    def get(self, path: str) -> _Route:
        return self.route("GET", path)

    def post(self, path: str) -> _Route:
        return self.route("POST", path)

    def put(self, path: str) -> _Route:
        return self.route("PUT", path)

    def patch(self, path: str) -> _Route:
        return self.route("PATCH", path)

    def delete(self, path: str) -> _Route:
        return self.route("DELETE", path)

    def __getattr__(self, name: str) -> Any:
        return _unsupported("router", name)

    def respond(
        self, method: str, path: str, headers: dict[str, str], body: bytes
    ) -> httpx2.Response:
        for route in reversed(self.routes):
            if route.method == method and route.path == path.split("?", 1)[0] and route._respond:
                request = httpx2.Request(
                    method, "http://standin" + path, headers=headers, content=body
                )
                return route._respond(request)
        return httpx2.Response(
            404, json={"error": {"message": f"respx stand-in: no route for {method} {path}"}}
        )


class _Handler(BaseHTTPRequestHandler):
    router: StandinRouter | None = None  # set per test by the fixture

    def _handle(self) -> None:
        body = self.rfile.read(int(self.headers.get("content-length") or 0))
        router = type(self).router or StandinRouter()
        response = router.respond(self.command, self.path, dict(self.headers), body)
        content = response.read()
        self.send_response(response.status_code)
        for name, value in response.headers.multi_items():
            if name.lower() not in _HOP_HEADERS:
                self.send_header(name, value)
        self.send_header("content-length", str(len(content)))
        self.end_headers()
        self.wfile.write(content)

    do_GET = do_POST = do_PUT = do_PATCH = do_DELETE = _handle

    def log_message(self, *args: Any) -> None:
        pass


def pytest_configure(config: pytest.Config) -> None:
    config.addinivalue_line(
        "markers", "respx2(**kwargs): accepted and ignored by the respx stand-in"
    )


@pytest.fixture(scope="session")
def respx_standin_url() -> Iterator[str]:
    server = ThreadingHTTPServer(("127.0.0.1", 0), _Handler)
    server.daemon_threads = True
    threading.Thread(target=server.serve_forever, daemon=True).start()
    yield f"http://127.0.0.1:{server.server_address[1]}"
    server.shutdown()
    server.server_close()


@pytest.fixture
def respx2_mock(respx_standin_url: str) -> Iterator[StandinRouter]:
    router = StandinRouter()
    _Handler.router = router
    yield router
    _Handler.router = None
