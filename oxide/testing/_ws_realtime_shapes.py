"""The objects the Realtime API sends (sessions, items) and the GA/beta differences in names."""

from __future__ import annotations

import time
from collections.abc import Mapping, Sequence
from typing import Any

from ._server import _rand

__all__ = [
    "BETA_NAMES",
    "CHUNK_MS",
    "CLIENT_EVENTS",
    "FORMATS",
    "as_input",
    "beta_session",
    "ga_session",
    "merge",
    "new_id",
]

CLIENT_EVENTS = (
    "session.update",
    "input_audio_buffer.append",
    "input_audio_buffer.commit",
    "input_audio_buffer.clear",
    "conversation.item.create",
    "conversation.item.truncate",
    "conversation.item.delete",
    "conversation.item.retrieve",
    "response.create",
    "response.cancel",
    "output_audio_buffer.clear",
)
# GA name -> beta name, for the events whose names changed at GA.
BETA_NAMES = {
    "response.output_text.delta": "response.text.delta",
    "response.output_text.done": "response.text.done",
    "response.output_audio.delta": "response.audio.delta",
    "response.output_audio.done": "response.audio.done",
    "response.output_audio_transcript.delta": "response.audio_transcript.delta",
    "response.output_audio_transcript.done": "response.audio_transcript.done",
}
DEFAULT_INSTRUCTIONS = (
    "You are a helpful, witty, and friendly AI. Act like a human, but remember that you aren't"
    " a human and that you can't do human things in the real world."
)
CHUNK_MS = 20
# Bytes per millisecond and the byte of silence, by input/output audio format.
FORMATS: dict[str, tuple[int, bytes]] = {
    "audio/pcm": (48, b"\x00"),  # 16-bit, 24 kHz, mono
    "pcm16": (48, b"\x00"),
    "audio/pcmu": (8, b"\xff"),  # G.711 at 8 kHz
    "g711_ulaw": (8, b"\xff"),
    "audio/pcma": (8, b"\xd5"),
    "g711_alaw": (8, b"\xd5"),
}
VAD = {
    "type": "server_vad",
    "threshold": 0.5,
    "prefix_padding_ms": 300,
    "silence_duration_ms": 200,
    "create_response": True,
    "interrupt_response": True,
}


def new_id(prefix: str) -> str:
    return prefix + _rand(21)


def merge(into: dict[str, Any], update: Mapping[str, Any]) -> None:
    for key, value in update.items():
        if isinstance(value, Mapping) and isinstance(into.get(key), dict):
            merge(into[key], value)
        else:
            into[key] = value


def ga_session(model: str) -> dict[str, Any]:
    pcm = {"type": "audio/pcm", "rate": 24000}
    return {
        "type": "realtime",
        "object": "realtime.session",
        "id": new_id("sess_"),
        "model": model,
        "output_modalities": ["audio"],
        "instructions": DEFAULT_INSTRUCTIONS,
        "tools": [],
        "tool_choice": "auto",
        "max_output_tokens": "inf",
        "tracing": None,
        "truncation": "auto",
        "prompt": None,
        "expires_at": int(time.time()) + 3600,
        "audio": {
            "input": {
                "format": pcm,
                "transcription": None,
                "noise_reduction": None,
                "turn_detection": {**VAD, "idle_timeout_ms": None},
            },
            "output": {"format": dict(pcm), "voice": "alloy", "speed": 1.0},
        },
        "include": None,
    }


def beta_session(model: str) -> dict[str, Any]:
    return {
        "id": new_id("sess_"),
        "object": "realtime.session",
        "model": model,
        "expires_at": int(time.time()) + 3600,
        "modalities": ["text", "audio"],
        "instructions": DEFAULT_INSTRUCTIONS,
        "voice": "alloy",
        "input_audio_format": "pcm16",
        "output_audio_format": "pcm16",
        "input_audio_transcription": None,
        "input_audio_noise_reduction": None,
        "turn_detection": dict(VAD),
        "tools": [],
        "tool_choice": "auto",
        "temperature": 0.8,
        "max_response_output_tokens": "inf",
        "speed": 1.0,
        "tracing": None,
    }


def item_text(item: Mapping[str, Any]) -> str:
    parts = []
    for part in item.get("content") or ():
        if not isinstance(part, Mapping):
            continue
        text = part.get("text")
        if not isinstance(text, str):
            text = part.get("transcript")
        if isinstance(text, str):
            parts.append(text)
        elif part.get("type") == "input_audio":
            parts.append("(audio)")
    return " ".join(parts)


def as_input(items: Sequence[Mapping[str, Any]]) -> list[dict[str, Any]]:
    """Conversation items as Responses input items, for the shared planner."""
    out: list[dict[str, Any]] = []
    for item in items:
        kind = item.get("type")
        if kind == "message":
            out.append({"type": "message", "role": item.get("role"), "content": item_text(item)})
        elif kind == "function_call":
            out.append({k: item.get(k) for k in ("type", "call_id", "name", "arguments")})
        elif kind == "function_call_output":
            out.append({k: item.get(k) for k in ("type", "call_id", "output")})
    return out
