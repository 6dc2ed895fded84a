"""pytest plugin for testing agent code offline: the `openai_mock` fixture.

Enabled by the test suite that wants it, in its root `conftest.py`:

    pytest_plugins = ["oxide.testing.pytest_plugin"]

(or `pytest -p oxide.testing.pytest_plugin`). It is not an auto-loaded entry point on purpose:
pytest rewrites the asserts of every module of a distribution that registers one, which would
touch all of oxide in every project that merely has it installed.

Each test that asks for `openai_mock` gets its own embedded OpenAI server
(`oxide.testing.MockOpenAI` on a background thread, so sync and async tests both use it over
real sockets), with `OPENAI_BASE_URL` and `OPENAI_API_KEY` pointing at it for the test's
duration: code under test that builds its own `OpenAI()` / `AsyncOpenAI()` (oxide's or the
official SDK's) talks to the mock without being told.

    def test_agent_calls_the_weather_tool(openai_mock):
        openai_mock.queue_tool_call("get_weather", {"city": "Paris"})
        openai_mock.queue_reply("Sunny in Paris.")
        assert my_agent.run("Weather in Paris?") == "Sunny in Paris."
        first, second = openai_mock.model_requests()
        assert second.json["messages"][-1]["role"] == "tool"
        openai_mock.assert_all_replies_used()

Without queued replies the mock answers as it always does (echoes, tool calls named in the
prompt, schema-shaped JSON for structured outputs).
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping, Sequence
from typing import TYPE_CHECKING, Any

import pytest

from ._script import Reply, ToolCall
from ._server import MockOpenAI, RecordedRequest

if TYPE_CHECKING:
    from .. import AsyncOpenAI, OpenAI
    from ._ws_session import RecordedWebSocket

__all__ = ["OpenAIMock", "openai_mock"]

API_KEY = "sk-test-openai-mock"
MODEL_PATHS = ("/chat/completions", "/responses", "/completions")


class OpenAIMock:
    """What the `openai_mock` fixture gives a test: the server, its script and its records."""

    def __init__(self, mock: MockOpenAI, base_url: str) -> None:
        self.mock = mock
        self.base_url = base_url
        self.api_key = API_KEY

    # -- the script ------------------------------------------------------------------------

    def queue_reply(self, text: str = "", *, chunks: Sequence[str] | None = None) -> None:
        """The next model call answers `text` (streamed as `chunks` when given)."""
        self.mock.queue_reply(text, chunks=chunks)

    def queue_tool_call(
        self, name: str, arguments: Mapping[str, Any] | str = "", *, call_id: str | None = None
    ) -> None:
        """The next model call calls the function `name` with `arguments`."""
        self.mock.queue_tool_call(name, arguments, call_id=call_id)

    def queue_tool_calls(self, *calls: ToolCall) -> None:
        """The next model call makes these parallel function calls."""
        self.mock.queue_tool_calls(*calls)

    def queue_error(
        self, status: int, message: str | None = None, *, code: str | None = None
    ) -> None:
        """The next model call fails with `status` (and the API's error body)."""
        self.mock.queue_error(status, message, code=code)

    def fail_next(self, status: int = 500, times: int = 1) -> None:
        """The next `times` requests to any route fail with `status`."""
        self.mock.fail_next(status, times)

    @property
    def pending_replies(self) -> list[Reply]:
        return self.mock.pending_replies

    def assert_all_replies_used(self) -> None:
        left = self.mock.pending_replies
        assert not left, f"{len(left)} queued replies were never asked for: {left}"

    # -- what was received ---------------------------------------------------------------

    @property
    def requests(self) -> list[RecordedRequest]:
        """Every request received, in order (method, path, headers, body, `.json`)."""
        return list(self.mock.requests)

    def model_requests(self) -> list[RecordedRequest]:
        """The model calls received over HTTP (chat completions, Responses, completions)."""
        return [
            r for r in self.mock.requests if r.method == "POST" and r.path.endswith(MODEL_PATHS)
        ]

    @property
    def websockets(self) -> list[RecordedWebSocket]:
        """Each WebSocket connection accepted (`.received` client events, `.sent` types)."""
        return list(self.mock.ws_connections)

    # -- clients ---------------------------------------------------------------------------

    def client(self, **options: Any) -> OpenAI:
        """An `oxide.OpenAI` for this server (close it, or use it in a `with` block)."""
        from .. import OpenAI

        return OpenAI(base_url=self.base_url, api_key=self.api_key, **options)

    def async_client(self, **options: Any) -> AsyncOpenAI:
        """An `oxide.AsyncOpenAI` for this server (`async with openai_mock.async_client() as c`)."""
        from .. import AsyncOpenAI

        return AsyncOpenAI(base_url=self.base_url, api_key=self.api_key, **options)


@pytest.fixture
def openai_mock(monkeypatch: pytest.MonkeyPatch) -> Iterator[OpenAIMock]:
    """An embedded OpenAI server for this test, with scripted replies (see the module doc)."""
    server = MockOpenAI.in_thread()
    base_url = server.start()
    monkeypatch.setenv("OPENAI_BASE_URL", base_url)
    monkeypatch.setenv("OPENAI_API_KEY", API_KEY)
    try:
        yield OpenAIMock(server.mock, base_url)
    finally:
        server.stop()
