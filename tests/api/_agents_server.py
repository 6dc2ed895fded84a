"""A fake beta Agents API on its own loop thread (real sockets), for oxide and the official SDK
alike: session creation (JSON or an SSE event stream), session event subscriptions, event
submission, artifacts and the Files API. One root turn per scenario; a function call, when the
scenario has one, waits for its tool result to be posted before the turn goes on."""

from __future__ import annotations

import asyncio
import json
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from aiohttp import web

SESSION_ID = "sess_1"
TURN_ID = "turn_1"
CALL_ID = "call_1"


def session(status: str = "idle", **extra: Any) -> dict[str, Any]:
    body: dict[str, Any] = {
        "id": SESSION_ID,
        "object": "agent.session",
        "agent": {"model": "gpt-test"},
        "created_at": 1,
        "last_active_at": 2,
        "environment": {"type": "none"},
        "error": None,
        "metadata": {},
        "required_actions": [],
        "spend_control": {"limit": None},
        "status": status,
        "usage": None,
        "vault_ids": [],
        "prompt_cache_options": None,
        "review": None,
    }
    body.update(extra)
    return body


def turn(status: str) -> dict[str, Any]:
    return {
        "id": TURN_ID,
        "object": "agent.session.turn",
        "agent_id": "agent_1",
        "session_id": SESSION_ID,
        "created_at": 3,
        "started_at": 3,
        "completed_at": 4 if status == "completed" else None,
        "error": None,
        "status": status,
        "subagent_id": None,
        "usage": None,
        "prompt_cache_options": None,
    }


def message(text: str, *, item_id: str = "msg_1", phase: str = "final_answer") -> dict[str, Any]:
    return {
        "id": item_id,
        "type": "message",
        "role": "assistant",
        "phase": phase,
        "status": "completed",
        "turn_id": TURN_ID,
        "content": [{"type": "output_text", "text": text, "annotations": []}],
    }


def function_call(name: str, arguments: str) -> dict[str, Any]:
    return {
        "id": "fc_1",
        "type": "function_call",
        "call_id": CALL_ID,
        "name": name,
        "arguments": arguments,
        "status": "completed",
        "turn_id": TURN_ID,
    }


class Scenario:
    """What the turn does: the final answer, a function call before it, extra events."""

    def __init__(
        self,
        answer: str = '{"city": "Paris", "temperature": 21}',
        *,
        call: tuple[str, str] | None = None,
        turn_status: str = "completed",
        unknown_event: bool = True,
        race_rejections: int = 0,
        requires_action: bool = False,
        duplicate_call: bool = False,
        truncated: bool = False,
    ) -> None:
        self.answer = answer
        self.call = call
        self.turn_status = turn_status
        self.unknown_event = unknown_event
        # How many tool results are refused with the pending-call registration race first.
        self.race_rejections = race_rejections
        # The call needs the caller: `agent.session.requires_action`, then the body ends.
        self.requires_action = requires_action
        # The call's event is delivered twice (same event_id), as after a reconnect.
        self.duplicate_call = duplicate_call
        # The body ends after the final message: no turn end, no idle.
        self.truncated = truncated


class AgentsServer:
    def __init__(self) -> None:
        self.requests: list[dict[str, Any]] = []
        self.url = ""
        self.scenario = Scenario()
        self.artifacts: list[dict[str, Any]] = []
        self.artifact_content: dict[str, bytes] = {}
        self._loop = asyncio.new_event_loop()
        self._runner: web.AppRunner | None = None
        self._tool_result: asyncio.Event | None = None
        self._input: asyncio.Event | None = None
        self._files = 0
        # A test's own handler for GET .../events (raw bytes), instead of the scenario.
        self.override_events: Any = None
        # Files API uploads accepted before the next ones are refused (400).
        self.upload_limit: int | None = None

    # -- recording --------------------------------------------------------------------------
    async def _record(self, request: web.Request) -> dict[str, Any]:
        raw = await request.read()
        body: Any = None
        if raw and request.content_type == "application/json":
            body = json.loads(raw)
        elif raw:
            body = raw
        entry = {
            "method": request.method,
            "path": request.path,
            "query": dict(request.query),
            "headers": {k.lower(): v for k, v in request.headers.items()},
            "body": body,
        }
        self.requests.append(entry)
        return entry

    def take(self) -> list[dict[str, Any]]:
        out, self.requests = self.requests, []
        return out

    # -- the turn ---------------------------------------------------------------------------
    def _turn_events(self) -> list[dict[str, Any] | str]:
        """The events of the turn; "WAIT" marks where the tool result is waited for."""
        s = self.scenario
        events: list[dict[str, Any] | str] = [
            {
                "type": "agent.session.turn.created",
                "event_id": "ev_turn_created",
                "session_id": SESSION_ID,
                "turn_id": TURN_ID,
                "turn": turn("in_progress"),
            },
        ]
        if s.unknown_event:
            events.append(
                {"type": "agent.session.future_thing", "event_id": "ev_future", "x": [1, 2]}
            )
        if s.call is not None:
            call_event = {
                "type": "agent.session.turn.item.added",
                "event_id": "ev_call",
                "session_id": SESSION_ID,
                "turn_id": TURN_ID,
                "output_index": 0,
                "item": function_call(*s.call),
            }
            events.extend([call_event, call_event] if s.duplicate_call else [call_event])
            if s.requires_action:
                name, arguments = s.call
                action = {
                    "type": "function_call",
                    "call_id": CALL_ID,
                    "name": name,
                    "arguments": arguments,
                    "turn_id": TURN_ID,
                }
                pending = session("requires_action", required_actions=[action])
                events.append(
                    {
                        "type": "agent.session.requires_action",
                        "event_id": "ev_requires_action",
                        "session": pending,
                    }
                )
                return events
            events.append("WAIT")
        commentary = message("thinking...", item_id="msg_0", phase="commentary")
        for index, item in enumerate((commentary, message(s.answer)), start=1):
            events.append(
                {
                    "type": "agent.session.turn.item.done",
                    "event_id": f"ev_done_{index}",
                    "session_id": SESSION_ID,
                    "turn_id": TURN_ID,
                    "output_index": index,
                    "item": item,
                }
            )
        if s.truncated:
            return events
        ended = "completed" if s.turn_status == "completed" else s.turn_status
        events.append(
            {
                "type": f"agent.session.turn.{ended}",
                "event_id": "ev_turn_ended",
                "session_id": SESSION_ID,
                "turn_id": TURN_ID,
                "turn": turn(s.turn_status),
                "usage": None,
            }
        )
        events.append({"type": "agent.session.idle", "event_id": "ev_idle", "session": session()})
        return events

    async def _send_events(
        self, response: web.StreamResponse, events: list[dict[str, Any] | str]
    ) -> None:
        for event in events:
            if event == "WAIT":
                assert self._tool_result is not None
                await asyncio.wait_for(self._tool_result.wait(), 10)
                continue
            await response.write(f"data: {json.dumps(event)}\n\n".encode())
        await response.write_eof()

    async def _sse(self, request: web.Request) -> web.StreamResponse:
        response = web.StreamResponse(headers={"Content-Type": "text/event-stream"})
        await response.prepare(request)
        return response

    # -- handlers ---------------------------------------------------------------------------
    async def _create_session(self, request: web.Request) -> web.StreamResponse:
        entry = await self._record(request)
        if not entry["body"].get("stream"):
            return web.json_response(session("in_progress"))
        self._tool_result = asyncio.Event()
        response = await self._sse(request)
        created = {
            "type": "agent.session.created",
            "event_id": "ev_created",
            "session": session("in_progress"),
        }
        await self._send_events(response, [created, *self._turn_events()])
        return response

    async def _retrieve_session(self, request: web.Request) -> web.StreamResponse:
        await self._record(request)
        return web.json_response(session())

    async def _subscribe(self, request: web.Request) -> web.StreamResponse:
        if self.override_events is not None:
            return await self.override_events(request)  # type: ignore[no-any-return]
        await self._record(request)
        self._tool_result = asyncio.Event()
        self._input = asyncio.Event()
        response = await self._sse(request)
        # An idle session first: not the end of the turn the input starts.
        initial = {"type": "agent.session.idle", "event_id": "ev_idle_0", "session": session()}
        await response.write(f"data: {json.dumps(initial)}\n\n".encode())
        await asyncio.wait_for(self._input.wait(), 10)
        await self._send_events(response, self._turn_events())
        return response

    async def _submit(self, request: web.Request) -> web.StreamResponse:
        entry = await self._record(request)
        for event in entry["body"]["events"]:
            if event["type"] == "agent.session.input.tool_result":
                if self.scenario.race_rejections:
                    self.scenario.race_rejections -= 1
                    message = f"Unknown pending tool call: {event['call_id']}"
                    return web.json_response(
                        {"error": {"code": "invalid_request_error", "message": message}},
                        status=400,
                    )
                if self._tool_result is not None:
                    self._tool_result.set()
            elif event["type"] == "agent.session.input.message" and self._input is not None:
                self._input.set()
        return web.Response(status=202)

    async def _list_artifacts(self, request: web.Request) -> web.StreamResponse:
        await self._record(request)
        return web.json_response(
            {"object": "list", "data": self.artifacts, "has_more": False, "first_id": None}
        )

    async def _artifact_content(self, request: web.Request) -> web.StreamResponse:
        await self._record(request)
        content = self.artifact_content[request.match_info["artifact_id"]]
        return web.Response(body=content, content_type="application/octet-stream")

    async def _upload_file(self, request: web.Request) -> web.StreamResponse:
        entry = await self._record(request)
        if self.upload_limit is not None and self._files >= self.upload_limit:
            return web.json_response({"error": {"message": "quota"}}, status=400)
        self._files += 1
        entry["form"] = form = multipart_fields(entry["body"], request.headers["Content-Type"])
        name = form["file"][0]
        return web.json_response(
            {
                "id": f"file_{self._files}",
                "object": "file",
                "bytes": 0,
                "created_at": 1,
                "filename": name,
                "purpose": "user_data",
                "status": "processed",
            }
        )

    async def _stage_file(self, request: web.Request) -> web.StreamResponse:
        entry = await self._record(request)
        body = entry["body"]
        if request.match_info["environment_id"] == "env_full":
            return web.json_response(
                {"error": {"message": "environment is full", "type": "invalid_request_error"}},
                status=400,
            )
        return web.json_response(
            {
                "environment_id": request.match_info["environment_id"],
                "object": "agent.environment.file",
                "path": body["path"],
                "size_bytes": 5,
            }
        )

    async def _start(self) -> None:
        app = web.Application(client_max_size=64 * 1024 * 1024)
        app.router.add_post("/agents/sessions", self._create_session)
        app.router.add_get("/agents/sessions/{session_id}", self._retrieve_session)
        app.router.add_get("/agents/sessions/{session_id}/events", self._subscribe)
        app.router.add_post("/agents/sessions/{session_id}/events", self._submit)
        app.router.add_get("/agents/sessions/{session_id}/artifacts", self._list_artifacts)
        app.router.add_get(
            "/agents/sessions/{session_id}/artifacts/{artifact_id}/content",
            self._artifact_content,
        )
        app.router.add_post("/files", self._upload_file)
        app.router.add_post("/agents/environments/{environment_id}/files", self._stage_file)
        self._runner = web.AppRunner(app, shutdown_timeout=0.1)
        await self._runner.setup()
        site = web.TCPSite(self._runner, "127.0.0.1", 0)
        await site.start()
        port = site._server.sockets[0].getsockname()[1]  # type: ignore[union-attr]
        self.url = f"http://127.0.0.1:{port}"


def multipart_fields(body: bytes, content_type: str) -> dict[str, tuple[str | None, bytes]]:
    """A multipart/form-data body as {field name: (file name or None, bytes)}."""
    boundary = content_type.split("boundary=", 1)[1].strip('"').encode()
    fields: dict[str, tuple[str | None, bytes]] = {}
    for part in body.split(b"--" + boundary)[1:-1]:
        head, _, content = part.removeprefix(b"\r\n").partition(b"\r\n\r\n")
        disposition = head.decode().split("\r\n")[0]
        name = disposition.split('name="', 1)[1].split('"', 1)[0]
        filename = (
            disposition.split('filename="', 1)[1].split('"', 1)[0]
            if "filename=" in disposition
            else None
        )
        fields[name] = (filename, content.removesuffix(b"\r\n"))
    return fields


@contextmanager
def agents_server() -> Iterator[AgentsServer]:
    server = AgentsServer()
    loop = server._loop
    thread = threading.Thread(target=loop.run_forever, daemon=True)
    thread.start()
    asyncio.run_coroutine_threadsafe(server._start(), loop).result(10)
    try:
        yield server
    finally:
        if server._runner is not None:
            asyncio.run_coroutine_threadsafe(server._runner.cleanup(), loop).result(10)
        loop.call_soon_threadsafe(loop.stop)
        thread.join(10)
        loop.close()
