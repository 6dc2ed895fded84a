"""One Realtime response streamed item by item (text, or audio with its transcript, or function
calls), cancellable between events."""

from __future__ import annotations

import asyncio
import base64
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from . import _content as content
from ._ws_realtime_shapes import CHUNK_MS, new_id

if TYPE_CHECKING:
    from ._ws_realtime import RealtimeSession

__all__ = ["Cancelled", "ResponseStream", "Running"]


@dataclass
class Running:
    """A response being streamed; ``cancel`` is checked between events."""

    id: str
    in_conversation: bool
    cancel: asyncio.Event = field(default_factory=asyncio.Event)


class Cancelled(Exception):
    def __init__(self, output: list[dict[str, Any]]) -> None:
        super().__init__("cancelled")
        self.output = output


class ResponseStream:
    """Streams the output items of one response; raises :class:`Cancelled` on a cancel."""

    def __init__(self, session: RealtimeSession, running: Running, delay: float) -> None:
        self.s = session
        self.running = running
        self.delay = delay
        self.done: list[dict[str, Any]] = []
        per_ms, silence = session.audio_format("output")
        self.chunk = base64.b64encode(silence * (per_ms * CHUNK_MS)).decode()

    async def emit(self, kind: str, **fields: Any) -> None:
        await self.s.send(self.s.event(kind, response_id=self.running.id, **fields))
        if self.delay:
            await asyncio.sleep(self.delay)

    def check(self, partial: dict[str, Any]) -> None:
        if self.running.cancel.is_set():
            cut = {**partial, "status": "incomplete"}
            if self.running.in_conversation:
                self.s.items[cut["id"]] = cut
            raise Cancelled([*self.done, cut])

    async def start_item(self, idx: int, item: dict[str, Any]) -> None:
        if self.running.cancel.is_set():  # cancelled before this item began: it never existed
            raise Cancelled(list(self.done))
        s = self.s
        await self.emit("response.output_item.added", output_index=idx, item=item)
        if self.running.in_conversation:
            s.insert(item, None)
            await s.announce(item, done=False)

    async def finish_item(self, idx: int, item: dict[str, Any]) -> dict[str, Any]:
        s = self.s
        if self.running.in_conversation:
            s.items[item["id"]] = item
        await self.emit("response.output_item.done", output_index=idx, item=item)
        if self.running.in_conversation and not s.beta:
            previous = s.previous_of(item["id"])
            await s.send(s.event("conversation.item.done", previous_item_id=previous, item=item))
        self.done.append(item)
        return item

    async def message(self, idx: int, tokens: Sequence[str], audio: bool) -> dict[str, Any]:
        item_id = new_id("item_")
        item: dict[str, Any] = {
            "id": item_id,
            "object": "realtime.item",
            "type": "message",
            "status": "in_progress",
            "role": "assistant",
            "content": [],
        }
        await self.start_item(idx, dict(item))
        base = {"item_id": item_id, "output_index": idx, "content_index": 0}
        part: dict[str, Any] = (
            {"type": "audio", "transcript": ""} if audio else {"type": "text", "text": ""}
        )
        await self.emit("response.content_part.added", **base, part=part)
        said = ""
        for tok in tokens:
            self.check({**item, "content": [self._content(audio, said)]})
            if audio:
                await self.emit("response.output_audio.delta", **base, delta=self.chunk)
                await self.emit("response.output_audio_transcript.delta", **base, delta=tok)
            else:
                await self.emit("response.output_text.delta", **base, delta=tok)
            said += tok
        if audio:
            await self.emit("response.output_audio.done", **base)
            await self.emit("response.output_audio_transcript.done", **base, transcript=said)
            part = {"type": "audio", "transcript": said}
        else:
            await self.emit("response.output_text.done", **base, text=said)
            part = {"type": "text", "text": said}
        await self.emit("response.content_part.done", **base, part=part)
        item.update(status="completed", content=[self._content(audio, said)])
        return await self.finish_item(idx, item)

    def _content(self, audio: bool, text: str) -> dict[str, Any]:
        if self.s.beta:
            return (
                {"type": "audio", "transcript": text} if audio else {"type": "text", "text": text}
            )
        if audio:
            return {"type": "output_audio", "transcript": text}
        return {"type": "output_text", "text": text}

    async def function_call(self, idx: int, call: Any) -> dict[str, Any]:
        item = {
            "id": new_id("item_"),
            "object": "realtime.item",
            "type": "function_call",
            "status": "in_progress",
            "call_id": call.call_id,
            "name": call.name,
            "arguments": "",
        }
        await self.start_item(idx, dict(item))
        base = {"item_id": item["id"], "output_index": idx, "call_id": call.call_id}
        for piece in content.tokenize(call.arguments):
            self.check(item)
            await self.emit("response.function_call_arguments.delta", **base, delta=piece)
        done: dict[str, Any] = {**base, "arguments": call.arguments}
        if not self.s.beta:
            done["name"] = call.name
        await self.emit("response.function_call_arguments.done", **done)
        item.update(status="completed", arguments=call.arguments)
        return await self.finish_item(idx, item)
