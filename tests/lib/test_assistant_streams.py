"""The Assistants streaming helpers against the official SDK, over real sockets.

An in-process `aiohttp.web` server (on its own loop thread, so sync clients can use it too)
serves recorded-style Assistants SSE streams: run lifecycle events, a message built from text and
image-file content deltas, a tool-calls run step built from tool-call deltas, `requires_action`,
`completed`, `event: done`. Each test drives the same call through oxide and through the
installed `openai` package (the oracle) with a handler subclass that records every callback and
its arguments (dumped when called: snapshots change afterwards), then compares the callbacks, the
events, the final messages / run steps / run, and what reached the server.
"""

from __future__ import annotations

import asyncio
import json
import threading
import warnings
from collections.abc import AsyncIterator, Callable, Iterator
from dataclasses import dataclass
from functools import partial
from typing import Any

import openai
import pytest
import pytest_asyncio
from aiohttp import web
from multidict import CIMultiDict

import oxide
from oxide.lib.streaming import (
    AssistantEventHandler,
    AssistantStreamManager,
    AsyncAssistantEventHandler,
    AsyncAssistantStreamManager,
)
from oxide.lib.streaming._deltas import accumulate_delta
from oxide.types.beta.threads.runs import FunctionToolCall

# -- the recorded-style streams ----------------------------------------------------------------


def _run(status: str, **extra: Any) -> dict[str, Any]:
    return {
        "id": "run_1",
        "object": "thread.run",
        "created_at": 1710000000,
        "assistant_id": "asst_1",
        "thread_id": "thread_1",
        "status": status,
        "started_at": None,
        "expires_at": 1710000600,
        "cancelled_at": None,
        "failed_at": None,
        "completed_at": None,
        "required_action": None,
        "last_error": None,
        "model": "gpt-4o",
        "instructions": "Be brief.",
        "tools": [{"type": "function", "function": {"name": "get_weather", "parameters": {}}}],
        "metadata": {},
        "temperature": 1.0,
        "top_p": 1.0,
        "max_completion_tokens": None,
        "max_prompt_tokens": None,
        "truncation_strategy": {"type": "auto", "last_messages": None},
        "incomplete_details": None,
        "usage": None,
        "response_format": "auto",
        "tool_choice": "auto",
        "parallel_tool_calls": True,
        **extra,
    }


def _message(id: str, status: str, content: list[Any], **extra: Any) -> dict[str, Any]:
    return {
        "id": id,
        "object": "thread.message",
        "created_at": 1710000001,
        "assistant_id": "asst_1",
        "thread_id": "thread_1",
        "run_id": "run_1",
        "status": status,
        "incomplete_details": None,
        "incomplete_at": None,
        "completed_at": None,
        "role": "assistant",
        "content": content,
        "attachments": [],
        "metadata": {},
        **extra,
    }


def _step(id: str, status: str, details: dict[str, Any], **extra: Any) -> dict[str, Any]:
    return {
        "id": id,
        "object": "thread.run.step",
        "created_at": 1710000001,
        "run_id": "run_1",
        "assistant_id": "asst_1",
        "thread_id": "thread_1",
        "type": details["type"],
        "status": status,
        "cancelled_at": None,
        "completed_at": None,
        "expires_at": None,
        "failed_at": None,
        "last_error": None,
        "step_details": details,
        "usage": None,
        **extra,
    }


def _message_delta(id: str, *content: dict[str, Any]) -> dict[str, Any]:
    return {"id": id, "object": "thread.message.delta", "delta": {"content": list(content)}}


def _step_delta(id: str, *tool_calls: dict[str, Any]) -> dict[str, Any]:
    return {
        "id": id,
        "object": "thread.run.step.delta",
        "delta": {"step_details": {"type": "tool_calls", "tool_calls": list(tool_calls)}},
    }


def _text(index: int, value: str, **extra: Any) -> dict[str, Any]:
    return {"index": index, "type": "text", "text": {"value": value, **extra}}


def _fn(index: int, **fields: Any) -> dict[str, Any]:
    call: dict[str, Any] = {"index": index, "type": "function"}
    if "id" in fields:
        call["id"] = fields.pop("id")
    call["function"] = fields
    return call


_MESSAGE_CREATION = {"type": "message_creation", "message_creation": {"message_id": "msg_1"}}
_FINAL_TEXT = {"type": "text", "text": {"value": "The answer is 42.", "annotations": []}}
_IMAGE = {"type": "image_file", "image_file": {"file_id": "file_1", "detail": "auto"}}
_CAPTION = {"type": "text", "text": {"value": "A chart.", "annotations": []}}
_TOOL_CALLS = [
    {
        "id": "call_1",
        "type": "function",
        "function": {"name": "get_weather", "arguments": '{"city": "Paris"}'},
    },
    {"id": "call_2", "type": "function", "function": {"name": "get_time", "arguments": "{}"}},
]

# runs.stream / create_and_stream: a message of three content blocks, then two tool calls.
RUN_EVENTS: list[tuple[str, Any]] = [
    ("thread.run.created", _run("queued")),
    ("thread.run.queued", _run("queued")),
    ("thread.run.in_progress", _run("in_progress", started_at=1710000001)),
    ("thread.run.step.created", _step("step_1", "in_progress", _MESSAGE_CREATION)),
    ("thread.run.step.in_progress", _step("step_1", "in_progress", _MESSAGE_CREATION)),
    ("thread.message.created", _message("msg_1", "in_progress", [])),
    ("thread.message.in_progress", _message("msg_1", "in_progress", [])),
    ("thread.message.delta", _message_delta("msg_1", _text(0, "The", annotations=[]))),
    ("thread.message.delta", _message_delta("msg_1", _text(0, " answer"))),
    # a key the SDK does not declare (forward compatibility): kept in the snapshot by both
    ("thread.message.delta", _message_delta("msg_1", _text(0, " is 42.", novel="x"))),
    ("thread.message.delta", _message_delta("msg_1", {"index": 1, **_IMAGE})),
    ("thread.message.delta", _message_delta("msg_1", _text(2, "A ", annotations=[]))),
    ("thread.message.delta", _message_delta("msg_1", _text(2, "chart."))),
    (
        "thread.message.completed",
        _message("msg_1", "completed", [_FINAL_TEXT, _IMAGE, _CAPTION], completed_at=1710000002),
    ),
    ("thread.run.step.completed", _step("step_1", "completed", _MESSAGE_CREATION)),
    (
        "thread.run.step.created",
        _step("step_2", "in_progress", {"type": "tool_calls", "tool_calls": []}),
    ),
    (
        "thread.run.step.in_progress",
        _step("step_2", "in_progress", {"type": "tool_calls", "tool_calls": []}),
    ),
    (
        "thread.run.step.delta",
        _step_delta("step_2", _fn(0, id="call_1", name="get_weather", arguments="", output=None)),
    ),
    ("thread.run.step.delta", _step_delta("step_2", _fn(0, arguments='{"city": '))),
    ("thread.run.step.delta", _step_delta("step_2", _fn(0, arguments='"Paris"}'))),
    (
        "thread.run.step.delta",
        _step_delta("step_2", _fn(1, id="call_2", name="get_time", arguments="{}", output=None)),
    ),
    (
        "thread.run.requires_action",
        _run(
            "requires_action",
            started_at=1710000001,
            required_action={
                "type": "submit_tool_outputs",
                "submit_tool_outputs": {"tool_calls": _TOOL_CALLS},
            },
        ),
    ),
]

_CITATION = {
    "index": 0,
    "type": "file_citation",
    "text": "[1]",
    "start_index": 13,
    "end_index": 16,
    "file_citation": {"file_id": "file_2"},
}
_MESSAGE_2 = {"type": "message_creation", "message_creation": {"message_id": "msg_2"}}

# submit_tool_outputs_stream: the run resumes, answers (with a citation) and completes.
SUBMIT_EVENTS: list[tuple[str, Any]] = [
    ("thread.run.queued", _run("queued")),
    ("thread.run.in_progress", _run("in_progress", started_at=1710000001)),
    ("thread.run.step.created", _step("step_3", "in_progress", _MESSAGE_2)),
    ("thread.message.created", _message("msg_2", "in_progress", [])),
    ("thread.message.delta", _message_delta("msg_2", _text(0, "It is sunny ", annotations=[]))),
    (
        "thread.message.delta",
        _message_delta("msg_2", _text(0, "[1]", annotations=[dict(_CITATION)])),
    ),
    (
        "thread.message.completed",
        _message(
            "msg_2",
            "completed",
            [
                {
                    "type": "text",
                    "text": {
                        "value": "It is sunny [1]",
                        "annotations": [{k: v for k, v in _CITATION.items() if k != "index"}],
                    },
                }
            ],
        ),
    ),
    ("thread.run.step.completed", _step("step_3", "completed", _MESSAGE_2)),
    (
        "thread.run.completed",
        _run(
            "completed",
            started_at=1710000001,
            completed_at=1710000003,
            usage={"prompt_tokens": 10, "completion_tokens": 5, "total_tokens": 15},
        ),
    ),
]

_THREAD = {
    "id": "thread_1",
    "object": "thread",
    "created_at": 1710000000,
    "metadata": {},
    "tool_resources": {},
}


def _sse(events: list[tuple[str, Any]], *, done: bool = True) -> bytes:
    out = b"".join(f"event: {name}\ndata: {json.dumps(data)}\n\n".encode() for name, data in events)
    return out + (b"event: done\ndata: [DONE]\n\n" if done else b"")


SCRIPTS: dict[str, bytes] = {
    # runs.stream on thread_1 stops at requires_action; on thread_2 it runs to completion
    "/v1/threads/thread_1/runs": _sse(RUN_EVENTS),
    "/v1/threads/thread_2/runs": _sse(SUBMIT_EVENTS),
    "/v1/threads/thread_1/runs/run_1/submit_tool_outputs": _sse(SUBMIT_EVENTS),
    "/v1/threads/runs": _sse([("thread.created", _THREAD), *RUN_EVENTS]),
    # cut after the first text delta: no `done`, the connection just ends
    "/v1/threads/thread_cut/runs": _sse(RUN_EVENTS[:8], done=False),
    # the same, then silence: the client's read timeout fires mid-stream
    "/v1/threads/thread_stall/runs": _sse(RUN_EVENTS[:8], done=False),
}
STALLS = {"/v1/threads/thread_stall/runs"}


# -- the server --------------------------------------------------------------------------------


@dataclass
class Seen:
    method: str
    path: str
    query: str
    headers: CIMultiDict[str]
    body: Any


class SSEServer:
    """Serves `SCRIPTS` by path, in odd-sized chunks (events split across reads)."""

    def __init__(self) -> None:
        self.seen: list[Seen] = []
        self.url = ""
        self._loop = asyncio.new_event_loop()
        self._runner: web.AppRunner | None = None
        self._thread = threading.Thread(target=self._loop.run_forever, daemon=True)

    async def _handle(self, request: web.Request) -> web.StreamResponse:
        raw = await request.read()
        self.seen.append(
            Seen(
                request.method,
                request.path,
                request.query_string,
                CIMultiDict(request.headers),
                json.loads(raw) if raw else None,
            )
        )
        script = SCRIPTS.get(request.path)
        if script is None:
            return web.json_response({"error": {"message": "no script"}}, status=404)
        response = web.StreamResponse(headers={"Content-Type": "text/event-stream"})
        await response.prepare(request)
        for start in range(0, len(script), 211):
            await response.write(script[start : start + 211])
        if request.path in STALLS:
            await asyncio.sleep(5)  # cancelled when the client goes away (or at shutdown)
        await response.write_eof()
        return response

    async def _start(self) -> None:
        app = web.Application()
        app.router.add_route("*", "/{tail:.*}", self._handle)
        self._runner = web.AppRunner(
            app, access_log=None, shutdown_timeout=0.2, handler_cancellation=True
        )
        await self._runner.setup()
        await web.TCPSite(self._runner, "127.0.0.1", 0).start()
        port = self._runner.addresses[0][1]
        self.url = f"http://127.0.0.1:{port}/v1"

    def start(self) -> SSEServer:
        self._thread.start()
        asyncio.run_coroutine_threadsafe(self._start(), self._loop).result(10)
        return self

    def stop(self) -> None:
        if self._runner is not None:
            asyncio.run_coroutine_threadsafe(self._runner.cleanup(), self._loop).result(10)
        self._loop.call_soon_threadsafe(self._loop.stop)
        self._thread.join(10)
        self._loop.close()

    def take(self) -> list[Seen]:
        seen, self.seen = self.seen, []
        return seen


@pytest.fixture(scope="module")
def server() -> Iterator[SSEServer]:
    srv = SSEServer().start()
    yield srv
    srv.stop()


@pytest.fixture
def clients(server: SSEServer) -> Iterator[tuple[oxide.OpenAI, openai.OpenAI]]:
    ours = oxide.OpenAI(api_key="sk-test", base_url=server.url, max_retries=0)
    theirs = openai.OpenAI(api_key="sk-test", base_url=server.url, max_retries=0)
    yield ours, theirs
    ours.close()
    theirs.close()


@pytest_asyncio.fixture
async def async_clients(
    server: SSEServer,
) -> AsyncIterator[tuple[oxide.AsyncOpenAI, openai.AsyncOpenAI]]:
    ours = oxide.AsyncOpenAI(api_key="sk-test", base_url=server.url, max_retries=0)
    theirs = openai.AsyncOpenAI(api_key="sk-test", base_url=server.url, max_retries=0)
    yield ours, theirs
    await ours.close()
    await theirs.close()


# -- recording handlers --------------------------------------------------------------------------

CALLBACKS = [
    "on_event",
    "on_run_step_created",
    "on_run_step_delta",
    "on_run_step_done",
    "on_tool_call_created",
    "on_tool_call_delta",
    "on_tool_call_done",
    "on_message_created",
    "on_message_delta",
    "on_message_done",
    "on_text_created",
    "on_text_delta",
    "on_text_done",
    "on_image_file_done",
    "on_exception",
    "on_timeout",
    "on_end",
]


def _dump(value: Any) -> Any:
    """Both libraries' models as plain data (`to_dict`: what was set, API names, extras)."""
    if isinstance(value, BaseException):
        return type(value).__name__
    to_dict = getattr(value, "to_dict", None)
    return to_dict() if to_dict is not None else value


def _recording(base: Any) -> Any:
    """A subclass of `base` (either library's sync or async handler) recording every callback."""
    is_async = asyncio.iscoroutinefunction(base.on_event)

    def make(name: str) -> Callable[..., Any]:
        if is_async:

            async def async_callback(self: Any, *args: Any) -> None:
                self.calls.append((name, [_dump(a) for a in args]))

            return async_callback

        def callback(self: Any, *args: Any) -> None:
            self.calls.append((name, [_dump(a) for a in args]))

        return callback

    def __init__(self: Any) -> None:
        base.__init__(self)
        self.calls = []

    namespace: dict[str, Any] = {name: make(name) for name in CALLBACKS}
    namespace["__init__"] = __init__
    return type(f"Recording{base.__name__}", (base,), namespace)


OxideHandler = _recording(AssistantEventHandler)
SDKHandler = _recording(openai.AssistantEventHandler)
AsyncOxideHandler = _recording(AsyncAssistantEventHandler)
AsyncSDKHandler = _recording(openai.AsyncAssistantEventHandler)


def _summary(handler: Any, events: list[Any]) -> dict[str, Any]:
    """Everything a handler ends up with, as plain data."""
    return {
        "events": [_dump(e) for e in events],
        "calls": handler.calls,
        "current_run": _dump(handler.current_run),
        "current_message_snapshot": _dump(handler.current_message_snapshot),
        "current_run_step_snapshot": _dump(handler.current_run_step_snapshot),
        "current_event": handler.current_event,
    }


def _finals(handler: Any) -> dict[str, Any]:
    return {
        "run": _dump(handler.get_final_run()),
        "messages": [_dump(m) for m in handler.get_final_messages()],
        "steps": [_dump(s) for s in handler.get_final_run_steps()],
    }


async def _async_finals(handler: Any) -> dict[str, Any]:
    return {
        "run": _dump(await handler.get_final_run()),
        "messages": [_dump(m) for m in await handler.get_final_messages()],
        "steps": [_dump(s) for s in await handler.get_final_run_steps()],
    }


def _request(seen: Seen) -> dict[str, Any]:
    helper_headers = {
        k: seen.headers.get(k)
        for k in ("X-Stainless-Stream-Helper", "X-Stainless-Custom-Event-Handler", "OpenAI-Beta")
    }
    return {
        "method": seen.method,
        "path": seen.path,
        "query": seen.query,
        "body": seen.body,
        **helper_headers,
    }


def _call(fn: Callable[[], Any]) -> tuple[Any, list[tuple[type[Warning], str]]]:
    """`fn()` and the warnings it gave (the Assistants API's deprecation)."""
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        result = fn()
    return result, [(w.category, str(w.message)) for w in caught]


# -- sync --------------------------------------------------------------------------------------

STREAM_KWARGS: dict[str, Any] = {
    "assistant_id": "asst_1",
    "include": ["step_details.tool_calls[*].file_search.results[*].content"],
    "instructions": "Be brief.",
    "metadata": {"k": "v"},
    "temperature": 0.5,
}


def _sync_run(client: Any, handler_cls: Any, method: str, kwargs: dict[str, Any]) -> dict[str, Any]:
    handler = handler_cls()
    resource = (
        client.beta.threads if method == "create_and_run_stream" else client.beta.threads.runs
    )
    manager, warned = _call(lambda: getattr(resource, method)(event_handler=handler, **kwargs))
    with manager as stream:
        assert stream is handler
        events = list(stream)
        out = _summary(handler, events)
        out["finals"] = _finals(handler)
    out["warnings"] = warned
    out["manager"] = type(manager).__name__
    return out


SYNC_CASES = [
    ("stream", {"thread_id": "thread_1", **STREAM_KWARGS}),
    ("stream", {"thread_id": "thread_2", "assistant_id": "asst_1"}),
    ("create_and_stream", {"thread_id": "thread_1", "assistant_id": "asst_1", "top_p": 0.9}),
    (
        "submit_tool_outputs_stream",
        {
            "thread_id": "thread_1",
            "run_id": "run_1",
            "tool_outputs": [{"tool_call_id": "call_1", "output": "sunny"}],
        },
    ),
    (
        "create_and_run_stream",
        {"assistant_id": "asst_1", "thread": {"messages": [{"role": "user", "content": "hi"}]}},
    ),
]
CASE_IDS = [
    "stream-requires_action",
    "stream-completed",
    "create_and_stream",
    "submit_tool_outputs_stream",
    "create_and_run_stream",
]


@pytest.mark.parametrize(("method", "kwargs"), SYNC_CASES, ids=CASE_IDS)
def test_sync_matches_sdk(
    server: SSEServer,
    clients: tuple[oxide.OpenAI, openai.OpenAI],
    method: str,
    kwargs: dict[str, Any],
) -> None:
    ours, theirs = clients
    server.take()
    expected = _sync_run(theirs, SDKHandler, method, kwargs)
    (their_request,) = server.take()
    got = _sync_run(ours, OxideHandler, method, kwargs)
    (our_request,) = server.take()

    assert got == expected
    assert _request(our_request) == _request(their_request)
    # the run was streamed: the request said so, the helper named itself
    assert our_request.body["stream"] is True
    assert our_request.headers["X-Stainless-Custom-Event-Handler"] == "true"
    assert got["manager"] == "AssistantStreamManager"
    # the fixture exercises what it claims to
    names = [name for name, _ in got["calls"]]
    if got["finals"]["run"]["status"] == "requires_action":
        for name in ("on_text_delta", "on_text_done", "on_image_file_done", "on_tool_call_delta"):
            assert name in names
        assert names.count("on_text_created") == names.count("on_text_done") == 2
        assert names.count("on_tool_call_created") == 2
        # the undeclared key reached the text snapshot (until message.completed replaced it)
        snapshots = [args[1] for name, args in got["calls"] if name == "on_text_delta"]
        assert snapshots[2] == {"value": "The answer is 42.", "annotations": [], "novel": "x"}
        assert len(got["finals"]["steps"][-1]["step_details"]["tool_calls"]) == 2
    else:
        assert got["finals"]["run"]["status"] == "completed"
        assert got["finals"]["messages"][-1]["content"][0]["text"]["value"] == "It is sunny [1]"
    assert names[-1] == "on_end"


def test_sync_snapshots_are_typed(clients: tuple[oxide.OpenAI, openai.OpenAI]) -> None:
    ours, _ = clients
    with pytest.warns(DeprecationWarning, match="Assistants API is deprecated"):
        manager = ours.beta.threads.runs.stream(thread_id="thread_1", assistant_id="asst_1")
    assert isinstance(manager, AssistantStreamManager)
    with manager as stream:
        stream.until_done()
        (message,) = stream.get_final_messages()
        steps = stream.get_final_run_steps()
        run = stream.get_final_run()
    assert isinstance(message, oxide.types.beta.threads.Message)
    assert [type(c).__name__ for c in message.content] == [
        "TextContentBlock",
        "ImageFileContentBlock",
        "TextContentBlock",
    ]
    assert message.content[0].text.value == "The answer is 42."  # type: ignore[union-attr]
    tool_step = steps[1]
    assert isinstance(tool_step, oxide.types.beta.threads.runs.RunStep)
    calls = tool_step.step_details.tool_calls  # type: ignore[union-attr]
    assert all(isinstance(c, FunctionToolCall) for c in calls)
    assert calls[0].function.arguments == '{"city": "Paris"}'  # type: ignore[union-attr]
    assert calls[1].function.name == "get_time"  # type: ignore[union-attr]
    assert isinstance(run, oxide.types.beta.threads.Run)
    assert run.required_action is not None


def test_sync_text_deltas_default_handler(
    server: SSEServer, clients: tuple[oxide.OpenAI, openai.OpenAI]
) -> None:
    ours, theirs = clients
    results = []
    for client in (theirs, ours):
        server.take()
        manager, _ = _call(
            partial(client.beta.threads.runs.stream, thread_id="thread_1", assistant_id="asst_1")
        )
        with manager as stream:
            assert type(stream).__name__ == "AssistantEventHandler"
            results.append(
                (list(stream.text_deltas), _dump(stream.current_run), stream.current_event)
            )
        (seen,) = server.take()
        assert seen.headers["X-Stainless-Custom-Event-Handler"] == "false"
    assert results[0] == results[1]
    assert results[1][0] == ["The", " answer", " is 42.", "A ", "chart."]


def test_sync_handler_sees_a_cut_stream(
    clients: tuple[oxide.OpenAI, openai.OpenAI],
) -> None:
    """A stream that ends without `done`: oxide raises (the SDK ends silently, see
    `oxide._streaming`); the handler hears it through `on_exception`, then `on_end`."""
    ours, _ = clients
    handler = OxideHandler()
    manager, _ = _call(
        lambda: ours.beta.threads.runs.stream(
            thread_id="thread_cut", assistant_id="asst_1", event_handler=handler
        )
    )
    with pytest.raises(oxide.IncompleteStreamError), manager as stream:
        stream.until_done()
    names = [name for name, _ in handler.calls]
    assert names[-2:] == ["on_exception", "on_end"]
    assert handler.calls[-2][1] == ["IncompleteStreamError"]
    assert "on_text_delta" in names
    assert handler.current_message_snapshot.content[0].text.value == "The"


def test_sync_timeout_reaches_on_timeout(server: SSEServer) -> None:
    """A read timeout mid-stream: `on_timeout`, `on_exception`, `on_end`, as with the SDK
    (whose exception is httpx's `ReadTimeout`, oxide's `APITimeoutError`)."""
    names = []
    for module, handler_cls in ((openai, SDKHandler), (oxide, OxideHandler)):
        client = module.OpenAI(api_key="sk-test", base_url=server.url, max_retries=0, timeout=0.5)
        handler = handler_cls()
        manager, _ = _call(
            partial(
                client.beta.threads.runs.stream,
                thread_id="thread_stall",
                assistant_id="asst_1",
                event_handler=handler,
            )
        )
        with pytest.raises(Exception) as raised, manager as stream:
            stream.until_done()
        assert isinstance(raised.value, TimeoutError) or "Timeout" in type(raised.value).__name__
        names.append([name for name, _ in handler.calls])
        client.close()
    assert names[0] == names[1]
    assert names[1][-3:] == ["on_timeout", "on_exception", "on_end"]


def test_a_handler_serves_one_stream(clients: tuple[oxide.OpenAI, openai.OpenAI]) -> None:
    ours, _ = clients
    handler = AssistantEventHandler()
    for attempt in range(2):
        manager, _ = _call(
            lambda: ours.beta.threads.runs.stream(
                thread_id="thread_2", assistant_id="asst_1", event_handler=handler
            )
        )
        if attempt == 0:
            with manager as stream:
                stream.until_done()
        else:
            with pytest.raises(RuntimeError, match="cannot be shared"), manager:
                pass


def test_empty_thread_id_is_refused_before_any_request(
    clients: tuple[oxide.OpenAI, openai.OpenAI],
) -> None:
    ours, _ = clients
    with pytest.raises(ValueError, match="thread_id"):
        _call(lambda: ours.beta.threads.runs.stream(thread_id="", assistant_id="asst_1"))
    with pytest.raises(ValueError, match="run_id"):
        _call(
            lambda: ours.beta.threads.runs.submit_tool_outputs_stream(
                thread_id="thread_1", run_id="", tool_outputs=[]
            )
        )


# -- async -------------------------------------------------------------------------------------


async def _async_run(
    client: Any, handler_cls: Any, method: str, kwargs: dict[str, Any]
) -> dict[str, Any]:
    handler = handler_cls()
    resource = (
        client.beta.threads if method == "create_and_run_stream" else client.beta.threads.runs
    )
    manager, warned = _call(lambda: getattr(resource, method)(event_handler=handler, **kwargs))
    async with manager as stream:
        assert stream is handler
        events = [event async for event in stream]
        out = _summary(handler, events)
        out["finals"] = await _async_finals(handler)
    out["warnings"] = warned
    out["manager"] = type(manager).__name__
    return out


@pytest.mark.asyncio
@pytest.mark.parametrize(("method", "kwargs"), SYNC_CASES, ids=CASE_IDS)
async def test_async_matches_sdk(
    server: SSEServer,
    async_clients: tuple[oxide.AsyncOpenAI, openai.AsyncOpenAI],
    method: str,
    kwargs: dict[str, Any],
) -> None:
    ours, theirs = async_clients
    server.take()
    expected = await _async_run(theirs, AsyncSDKHandler, method, kwargs)
    (their_request,) = server.take()
    got = await _async_run(ours, AsyncOxideHandler, method, kwargs)
    (our_request,) = server.take()

    assert got == expected
    assert _request(our_request) == _request(their_request)
    assert got["manager"] == "AsyncAssistantStreamManager"
    assert [name for name, _ in got["calls"]][-1] == "on_end"


@pytest.mark.asyncio
async def test_async_text_deltas_and_finals(
    async_clients: tuple[oxide.AsyncOpenAI, openai.AsyncOpenAI],
) -> None:
    ours, theirs = async_clients
    results = []
    for client in (theirs, ours):
        manager, _ = _call(
            partial(client.beta.threads.runs.stream, thread_id="thread_2", assistant_id="asst_1")
        )
        async with manager as stream:
            deltas = [d async for d in stream.text_deltas]
            run = await stream.get_final_run()
            (message,) = await stream.get_final_messages()
            results.append((deltas, _dump(run), _dump(message)))
    assert results[0] == results[1]
    assert results[1][0] == ["It is sunny ", "[1]"]
    assert isinstance(manager, AsyncAssistantStreamManager)


@pytest.mark.asyncio
async def test_async_handler_sees_a_cut_stream(
    async_clients: tuple[oxide.AsyncOpenAI, openai.AsyncOpenAI],
) -> None:
    ours, _ = async_clients
    handler = AsyncOxideHandler()
    manager, _ = _call(
        lambda: ours.beta.threads.runs.stream(
            thread_id="thread_cut", assistant_id="asst_1", event_handler=handler
        )
    )
    with pytest.raises(oxide.IncompleteStreamError):
        async with manager as stream:
            await stream.until_done()
    names = [name for name, _ in handler.calls]
    assert names[-2:] == ["on_exception", "on_end"]


@pytest.mark.asyncio
async def test_async_timeout_reaches_on_timeout(server: SSEServer) -> None:
    names = []
    for module, handler_cls in ((openai, AsyncSDKHandler), (oxide, AsyncOxideHandler)):
        client = module.AsyncOpenAI(
            api_key="sk-test", base_url=server.url, max_retries=0, timeout=0.5
        )
        handler = handler_cls()
        manager, _ = _call(
            partial(
                client.beta.threads.runs.stream,
                thread_id="thread_stall",
                assistant_id="asst_1",
                event_handler=handler,
            )
        )
        with pytest.raises(Exception) as raised:
            async with manager as stream:
                await stream.until_done()
        assert isinstance(raised.value, TimeoutError) or "Timeout" in type(raised.value).__name__
        names.append([name for name, _ in handler.calls])
        await client.close()
    assert names[0] == names[1]
    assert names[1][-3:] == ["on_timeout", "on_exception", "on_end"]


# -- accumulate_delta: the SDK's function on the same inputs ------------------------------------


@pytest.mark.parametrize(
    ("acc", "delta"),
    [
        ({"a": "x", "n": 1}, {"a": "y", "n": 2, "new": [1]}),
        ({"a": None}, {"a": {"b": 1}}),
        ({"index": 0, "type": "text"}, {"index": 1, "type": "image_file"}),
        ({"l": [1, 2]}, {"l": [3]}),
        ({"l": [{"index": 0, "v": "a"}]}, {"l": [{"index": 0, "v": "b"}, {"index": 1, "v": "c"}]}),
        ({"d": {"e": {"f": "g"}}}, {"d": {"e": {"f": "h", "i": 1.5}}}),
    ],
)
def test_accumulate_delta_matches_sdk(acc: dict[Any, Any], delta: dict[Any, Any]) -> None:
    from openai.lib.streaming._deltas import accumulate_delta as sdk_accumulate_delta

    expected = sdk_accumulate_delta(json.loads(json.dumps(acc)), json.loads(json.dumps(delta)))
    assert accumulate_delta(json.loads(json.dumps(acc)), json.loads(json.dumps(delta))) == expected


@pytest.mark.parametrize(
    ("acc", "delta", "error"),
    [
        ({"l": [{"index": 0}]}, {"l": ["x"]}, TypeError),
        ({"l": [{"index": 0}]}, {"l": [{"v": 1}]}, RuntimeError),
        ({"l": [{"index": 0}]}, {"l": [{"index": "0"}]}, TypeError),
    ],
)
def test_accumulate_delta_errors_match_sdk(
    acc: dict[Any, Any], delta: dict[Any, Any], error: type[Exception]
) -> None:
    from openai.lib.streaming._deltas import accumulate_delta as sdk_accumulate_delta

    with pytest.raises(error) as theirs:
        sdk_accumulate_delta(json.loads(json.dumps(acc)), json.loads(json.dumps(delta)))
    with pytest.raises(error) as ours:
        accumulate_delta(json.loads(json.dumps(acc)), json.loads(json.dumps(delta)))
    assert str(ours.value) == str(theirs.value)
