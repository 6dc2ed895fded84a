"""Realtime API over WebSocket (``GET /realtime?model=...`` or ``?call_id=...``): a faithful,
deterministic subset of the server.

GA event names and shapes by default; the request header ``OpenAI-Beta: realtime=v1`` selects the
beta protocol (``response.text.delta``, ``conversation.item.created``, the flat beta session).
What is modelled:

* on connect ``session.created`` (beta: and ``conversation.created``); ``session.update`` merges
  into the session and answers ``session.updated`` (GA requires ``session.type``);
* ``input_audio_buffer.append`` (base64 checked) / ``commit`` (at least 100 ms of audio, in the
  session's input format) / ``clear``; no voice activity detection runs, so turns are committed by
  the client (silence would not trigger server VAD either);
* ``conversation.item.create`` / ``retrieve`` / ``delete`` / ``truncate`` on an ordered
  conversation (``previous_item_id``, ``"root"``);
* ``response.create``: text, or audio (20 ms chunks of silence) with its transcript, in the
  modalities of the response or the session; the reply is planned like the HTTP mock's (echo of
  the last user text, function calls when a session or response tool is named); one response at a
  time on the conversation (``conversation: "none"`` responses run out of band, concurrently);
  ``response.cancel`` ends it with ``status: cancelled``;
* ``output_audio_buffer.clear`` answers ``output_audio_buffer.cleared``;
* anything else gets an ``error`` event (codes follow the API's where known) and the socket stays
  open.
"""

from __future__ import annotations

import asyncio
import base64
import binascii
from collections.abc import Mapping
from typing import Any

import orjson
from aiohttp import web

from . import _content as content
from ._server import APIError, _plan_response, _scripted
from ._ws_realtime_response import Cancelled, ResponseStream, Running
from ._ws_realtime_shapes import (
    BETA_NAMES,
    CLIENT_EVENTS,
    FORMATS,
    as_input,
    beta_session,
    ga_session,
    merge,
    new_id,
)
from ._ws_session import WsSession

__all__ = ["RealtimeSession"]


class RealtimeSession(WsSession):
    protocol = "realtime"

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        beta = self.request.headers.get("OpenAI-Beta", "")
        self.beta = "realtime=v1" in beta.replace(" ", "")
        model = self.request.query.get("model") or "gpt-realtime"
        self.session = beta_session(model) if self.beta else ga_session(model)
        self.conversation_id = new_id("conv_")
        self.order: list[str] = []
        self.items: dict[str, dict[str, Any]] = {}
        self.audio_bytes = 0
        self.running: dict[str, Running] = {}
        self.last_response_id: str | None = None

    # -- protocol hooks --------------------------------------------------------------------

    @classmethod
    def check_handshake(cls, request: web.Request) -> None:
        if not request.query.get("model") and not request.query.get("call_id"):
            raise APIError(
                400,
                "Missing required parameter: 'model'.",
                param="model",
                code="missing_required_parameter",
            )

    def error_event(self, err: APIError, client_event: Any = None) -> dict[str, Any]:
        client_id = client_event.get("event_id") if isinstance(client_event, dict) else None
        return {
            "type": "error",
            "event_id": new_id("event_"),
            "error": {
                "type": err.type,
                "code": err.code,
                "message": err.message,
                "param": err.param,
                "event_id": client_id if isinstance(client_id, str) else None,
            },
        }

    def age_limit_error(self) -> APIError:
        minutes = self.knobs.max_age / 60
        return APIError(
            400,
            f"Your session hit the maximum duration of {minutes:g} minutes.",
            code="session_expired",
        )

    def oversized_event(self, size: int) -> dict[str, Any]:
        event = self.event(
            "response.output_audio.delta",
            response_id=new_id("resp_"),
            item_id=new_id("item_"),
            output_index=0,
            content_index=0,
            delta="",
        )
        pad = max(0, size - len(orjson.dumps(event)))
        event["delta"] = "A" * (pad - pad % 4)  # still valid base64
        return event

    async def drain(self) -> None:
        while self.running:
            await asyncio.sleep(0.01)

    async def on_open(self) -> None:
        await self.send(self.event("session.created", session=self.session))
        if self.beta:
            conversation = {"id": self.conversation_id, "object": "realtime.conversation"}
            await self.send(self.event("conversation.created", conversation=conversation))

    async def on_event(self, event: Any) -> None:
        try:
            await self._dispatch(event)
        except APIError as err:
            await self.send_error(err, event)

    # -- helpers ---------------------------------------------------------------------------

    def event(self, kind: str, **fields: Any) -> dict[str, Any]:
        if self.beta:
            kind = BETA_NAMES.get(kind, kind)
        return {"type": kind, "event_id": new_id("event_"), **fields}

    def audio_format(self, direction: str) -> tuple[int, bytes]:
        if self.beta:
            name = self.session.get(f"{direction}_audio_format")
        else:
            fmt = self.session.get("audio", {}).get(direction, {}).get("format")
            name = fmt.get("type") if isinstance(fmt, Mapping) else None
        return FORMATS.get(str(name), FORMATS["pcm16"])

    def _modalities(self, params: Mapping[str, Any]) -> list[str]:
        key = "modalities" if self.beta else "output_modalities"
        value = params.get(key)
        if not isinstance(value, list):
            value = self.session.get(key)
        return [m for m in value or () if m in ("text", "audio")] or ["text"]

    def previous_of(self, item_id: str) -> str | None:
        idx = self.order.index(item_id)
        return self.order[idx - 1] if idx else None

    async def announce(self, item: dict[str, Any], *, done: bool = True) -> None:
        """The events for an item joining the conversation (GA: added, then done)."""
        previous = self.previous_of(item["id"])
        if self.beta:
            await self.send(
                self.event("conversation.item.created", previous_item_id=previous, item=item)
            )
            return
        await self.send(self.event("conversation.item.added", previous_item_id=previous, item=item))
        if done:
            await self.send(
                self.event("conversation.item.done", previous_item_id=previous, item=item)
            )

    def insert(self, item: dict[str, Any], previous: Any) -> None:
        if previous is None:
            self.order.append(item["id"])
        elif previous == "root":
            self.order.insert(0, item["id"])
        elif previous in self.items:
            self.order.insert(self.order.index(previous) + 1, item["id"])
        else:
            raise APIError(
                400,
                f"Error adding item: the previous item with id '{previous}' does not exist.",
                param="previous_item_id",
                code="invalid_value",
            )
        self.items[item["id"]] = item

    def _item_or_error(self, event: Mapping[str, Any], action: str) -> dict[str, Any]:
        item_id = event.get("item_id")
        item = self.items.get(item_id) if isinstance(item_id, str) else None
        if item is None:
            raise APIError(
                400,
                f"Error {action[:-1]}ing item: the item with id '{item_id}' does not exist.",
                param="item_id",
                code=f"item_{action}_invalid_item_id",
            )
        return item

    # -- client events ---------------------------------------------------------------------

    async def _dispatch(self, event: Any) -> None:
        if not isinstance(event, dict):
            raise APIError(
                400, "Invalid client event: expected a JSON object.", code="invalid_type"
            )
        kind = event.get("type")
        if kind not in CLIENT_EVENTS:
            supported = ", ".join(f"'{k}'" for k in CLIENT_EVENTS)
            raise APIError(
                400,
                f"Invalid value: '{kind}'. Supported values are: {supported}.",
                param="type",
                code="invalid_value",
            )
        if kind == "session.update":
            await self._session_update(event)
        elif kind == "input_audio_buffer.append":
            audio = event.get("audio")
            try:
                if not isinstance(audio, str):
                    raise ValueError
                self.audio_bytes += len(base64.b64decode(audio, validate=True))
            except (ValueError, binascii.Error):
                raise APIError(
                    400,
                    "Invalid 'audio'. Expected base64-encoded audio bytes.",
                    param="audio",
                    code="invalid_value",
                ) from None
        elif kind == "input_audio_buffer.commit":
            await self._commit()
        elif kind == "input_audio_buffer.clear":
            self.audio_bytes = 0
            await self.send(self.event("input_audio_buffer.cleared"))
        elif kind == "conversation.item.create":
            item = self._client_item(event.get("item"))
            self.insert(item, event.get("previous_item_id"))
            await self.announce(item)
        elif kind == "conversation.item.retrieve":
            item = self._item_or_error(event, "retrieve")
            await self.send(self.event("conversation.item.retrieved", item=item))
        elif kind == "conversation.item.delete":
            item = self._item_or_error(event, "delete")
            del self.items[item["id"]]
            self.order.remove(item["id"])
            await self.send(self.event("conversation.item.deleted", item_id=item["id"]))
        elif kind == "conversation.item.truncate":
            await self._truncate(event)
        elif kind == "response.create":
            self._response_create(event)
        elif kind == "response.cancel":
            self._response_cancel(event)
        else:  # output_audio_buffer.clear
            if self.last_response_id is None:
                raise APIError(
                    400, "There is no output audio buffer to clear.", code="invalid_value"
                )
            await self.send(
                self.event("output_audio_buffer.cleared", response_id=self.last_response_id)
            )

    async def _session_update(self, event: Mapping[str, Any]) -> None:
        update = event.get("session")
        if not isinstance(update, Mapping):
            raise APIError(
                400,
                "Missing required parameter: 'session'.",
                param="session",
                code="missing_required_parameter",
            )
        if not self.beta and update.get("type") is None:
            raise APIError(
                400,
                "Missing required parameter: 'session.type'.",
                param="session.type",
                code="missing_required_parameter",
            )
        if not self.beta and update.get("type") != "realtime":
            raise APIError(
                400,
                f"Invalid value: '{update.get('type')}'. This mock serves 'realtime' sessions.",
                param="session.type",
                code="invalid_value",
            )
        fixed = {k: v for k, v in update.items() if k not in ("id", "object", "expires_at")}
        merge(self.session, fixed)
        await self.send(self.event("session.updated", session=self.session))

    async def _commit(self) -> None:
        per_ms = self.audio_format("input")[0]
        ms = self.audio_bytes / per_ms
        if ms < 100:
            raise APIError(
                400,
                "Error committing input audio buffer: buffer too small. Expected at least 100ms"
                f" of audio, but buffer only has {ms:.2f}ms of audio.",
                code="input_audio_buffer_commit_empty",
            )
        self.audio_bytes = 0
        item: dict[str, Any] = {
            "id": new_id("item_"),
            "object": "realtime.item",
            "type": "message",
            "status": "completed",
            "role": "user",
            "content": [{"type": "input_audio", "transcript": None}],
        }
        self.insert(item, None)
        previous = self.previous_of(item["id"])
        await self.send(
            self.event(
                "input_audio_buffer.committed", previous_item_id=previous, item_id=item["id"]
            )
        )
        await self.announce(item)

    def _client_item(self, raw: Any) -> dict[str, Any]:
        if not isinstance(raw, Mapping):
            raise APIError(
                400,
                "Missing required parameter: 'item'.",
                param="item",
                code="missing_required_parameter",
            )
        kind = raw.get("type")
        if kind == "message":
            if raw.get("role") not in ("user", "assistant", "system"):
                raise APIError(
                    400,
                    f"Invalid value: '{raw.get('role')}'. Supported values are: 'user',"
                    " 'assistant' and 'system'.",
                    param="item.role",
                    code="invalid_value",
                )
            if not isinstance(raw.get("content"), list):
                raise APIError(
                    400,
                    "Missing required parameter: 'item.content'.",
                    param="item.content",
                    code="missing_required_parameter",
                )
        elif kind == "function_call_output":
            if not isinstance(raw.get("call_id"), str) or not isinstance(raw.get("output"), str):
                raise APIError(
                    400,
                    "Missing required parameter: 'item.call_id' and 'item.output'.",
                    param="item.call_id",
                    code="missing_required_parameter",
                )
        elif kind != "function_call":
            raise APIError(
                400,
                f"Invalid value: '{kind}'. Supported values are: 'message', 'function_call' and"
                " 'function_call_output'.",
                param="item.type",
                code="invalid_value",
            )
        item_id = raw.get("id")
        if isinstance(item_id, str) and item_id in self.items:
            raise APIError(
                400,
                f"Error adding item: an item with id '{item_id}' already exists.",
                param="item.id",
                code="invalid_value",
            )
        item = {"id": item_id if isinstance(item_id, str) else new_id("item_")}
        item.update({"object": "realtime.item", **{k: v for k, v in raw.items() if k != "id"}})
        item.setdefault("status", "completed")
        return item

    async def _truncate(self, event: Mapping[str, Any]) -> None:
        item = self._item_or_error(event, "truncate")
        index, end_ms = event.get("content_index"), event.get("audio_end_ms")
        if item.get("role") != "assistant":
            raise APIError(
                400,
                "Only assistant messages can be truncated.",
                param="item_id",
                code="invalid_value",
            )
        if not isinstance(index, int) or not isinstance(end_ms, int) or end_ms < 0:
            raise APIError(
                400,
                "Expected integer 'content_index' and 'audio_end_ms' >= 0.",
                param="audio_end_ms",
                code="invalid_value",
            )
        parts = item.get("content") or []
        if not 0 <= index < len(parts):
            raise APIError(
                400,
                f"Invalid 'content_index': the item has {len(parts)} content part(s).",
                param="content_index",
                code="invalid_value",
            )
        # The transcript goes: the model must not know text the user never heard.
        parts[index] = {**parts[index], "transcript": ""}
        await self.send(
            self.event(
                "conversation.item.truncated",
                item_id=item["id"],
                content_index=index,
                audio_end_ms=end_ms,
            )
        )

    # -- responses -------------------------------------------------------------------------

    def _response_create(self, event: Mapping[str, Any]) -> None:
        params = event.get("response") or {}
        if not isinstance(params, Mapping):
            raise APIError(400, "Invalid 'response': expected an object.", param="response")
        in_conversation = params.get("conversation") != "none"
        if self.expiring:
            raise self.age_limit_error()
        if in_conversation:
            for running in self.running.values():
                if running.in_conversation:
                    raise APIError(
                        400,
                        f"Conversation already has an active response in progress: {running.id}."
                        " Wait until the response is finished before creating a new one.",
                        code="conversation_already_has_active_response",
                    )
        running = Running(new_id("resp_"), in_conversation)
        self.running[running.id] = running
        self.spawn(self._respond(running, params))

    def _response_cancel(self, event: Mapping[str, Any]) -> None:
        wanted = event.get("response_id")
        for running in self.running.values():
            if (wanted is None and running.in_conversation) or running.id == wanted:
                running.cancel.set()
                return
        raise APIError(
            400,
            "Cannot cancel response: no active response found.",
            code="response_cancel_not_active",
        )

    def _plan(self, params: Mapping[str, Any]) -> tuple[str, list[Any], int]:
        """(reply text, tool calls, input tokens) for a response."""
        raw_input = params.get("input")
        if isinstance(raw_input, list):
            items = [i for i in raw_input if isinstance(i, Mapping)]
        else:
            items = [self.items[i] for i in self.order]
        tools = params.get("tools")
        body = {
            "model": str(self.session.get("model")),
            "input": as_input(items),
            "instructions": params.get("instructions") or self.session.get("instructions"),
            "tools": tools if isinstance(tools, list) else self.session.get("tools"),
            "tool_choice": params.get("tool_choice") or self.session.get("tool_choice"),
        }
        plan = _scripted(self.mock.script, _plan_response(body))
        return plan.text, plan.tool_calls, plan.prompt_tokens

    def _response_object(self, running: Running, params: Mapping[str, Any]) -> dict[str, Any]:
        obj: dict[str, Any] = {
            "object": "realtime.response",
            "id": running.id,
            "status": "in_progress",
            "status_details": None,
            "output": [],
            "conversation_id": self.conversation_id if running.in_conversation else None,
            "usage": None,
            "metadata": params.get("metadata"),
        }
        if self.beta:
            obj.update(
                modalities=self._modalities(params),
                voice=self.session.get("voice"),
                output_audio_format=self.session.get("output_audio_format"),
                temperature=self.session.get("temperature"),
                max_output_tokens="inf",
            )
        else:
            out = self.session.get("audio", {}).get("output", {})
            obj.update(
                output_modalities=self._modalities(params),
                max_output_tokens="inf",
                audio={"output": {"format": out.get("format"), "voice": out.get("voice")}},
            )
        return obj

    async def _respond(self, running: Running, params: Mapping[str, Any]) -> None:
        try:
            await self._stream_response(running, params)
        finally:
            del self.running[running.id]

    async def _stream_response(self, running: Running, params: Mapping[str, Any]) -> None:
        try:
            text, calls, input_tokens = self._plan(params)
        except APIError as err:
            await self.send_error(err)
            return
        modalities = self._modalities(params)
        if self.fault is not None and self.fault.kind == "burst":
            calls, tokens = [], [f"w{i} " for i in range(self.fault.count)]
        else:
            tokens = content.tokenize(text)
        if self.knobs.turn_delay:
            try:  # a cancel during the latency ends the wait early
                await asyncio.wait_for(running.cancel.wait(), self.knobs.turn_delay)
            except asyncio.TimeoutError:
                pass
        response = self._response_object(running, params)
        self.last_response_id = running.id
        await self.send(self.event("response.created", response=response))
        delay = (
            0.0 if self.fault is not None and self.fault.kind == "burst" else self.mock.stream_delay
        )
        stream = ResponseStream(self, running, delay)
        output: list[dict[str, Any]] = []
        output_tokens = 0
        try:
            if calls:
                for idx, call in enumerate(calls):
                    output.append(await stream.function_call(idx, call))
                    output_tokens += content.count_tokens(call.arguments) + 5
            else:
                audio = "audio" in modalities
                output.append(await stream.message(0, tokens, audio))
                output_tokens += len(tokens) * (2 if audio else 1)
            status, details = "completed", None
        except Cancelled as cancelled:
            output = cancelled.output
            status = "cancelled"
            details = {"type": "cancelled", "reason": "client_cancelled"}
        response.update(status=status, status_details=details, output=output)
        text_in = input_tokens
        response["usage"] = {
            "total_tokens": text_in + output_tokens,
            "input_tokens": text_in,
            "output_tokens": output_tokens,
            "input_token_details": {
                "text_tokens": text_in,
                "audio_tokens": 0,
                "image_tokens": 0,
                "cached_tokens": 0,
                "cached_tokens_details": {"text_tokens": 0, "audio_tokens": 0, "image_tokens": 0},
            },
            "output_token_details": {"text_tokens": output_tokens, "audio_tokens": 0},
        }
        await self.send(self.event("response.done", response=response))
