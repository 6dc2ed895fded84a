"""Audio: speech (real WAV / PCM / MP3 silence; other formats get their magic bytes + silence),
transcriptions and translations (``json``, ``text``, ``verbose_json``, ``srt``, ``vtt``)."""

from __future__ import annotations

import struct
from typing import TYPE_CHECKING, Any

from aiohttp import web

from . import _content as content
from ._store import Route, read_form, reply

if TYPE_CHECKING:
    from ._server import MockOpenAI

__all__ = ["routes", "speech_bytes", "wav"]

_RATE = 24_000  # the API's speech sample rate (16-bit mono)
_MP3_FRAME = b"\xff\xfb\x90\xc4" + bytes(413)  # MPEG-1 layer III, 128 kb/s, 44.1 kHz, mono
_CONTENT_TYPES = {
    "mp3": "audio/mpeg",
    "wav": "audio/wav",
    "pcm": "audio/pcm",
    "opus": "audio/ogg",
    "aac": "audio/aac",
    "flac": "audio/flac",
}
_MAGIC = {"opus": b"OggS", "aac": b"\xff\xf1\x50\x80", "flac": b"fLaC"}


def wav(seconds: float, rate: int = _RATE) -> bytes:
    """A valid 16-bit mono PCM WAV file of silence."""
    data = bytes(int(seconds * rate) * 2)
    header = b"RIFF" + struct.pack("<I", 36 + len(data)) + b"WAVE"
    fmt = b"fmt " + struct.pack("<IHHIIHH", 16, 1, 1, rate, rate * 2, 2, 16)
    return header + fmt + b"data" + struct.pack("<I", len(data)) + data


def speech_bytes(fmt: str, seconds: float) -> bytes:
    if fmt == "wav":
        return wav(seconds)
    if fmt == "pcm":
        return bytes(int(seconds * _RATE) * 2)
    if fmt == "mp3":
        return _MP3_FRAME * max(1, int(seconds * 44_100 / 1152))
    return _MAGIC.get(fmt, b"") + bytes(int(seconds * 4000))


def _duration(filename: str, data: bytes) -> float:
    if data[:4] == b"RIFF" and data[8:12] == b"WAVE" and len(data) >= 44:
        rate, byte_rate = struct.unpack("<II", data[24:32])
        if byte_rate:
            return round((len(data) - 44) / int(byte_rate), 2)
    return round(max(len(data), 1) / 16_000, 2)  # ~128 kb/s


def _timestamp(seconds: float, sep: str) -> str:
    ms = int(round(seconds * 1000))
    h, rest = divmod(ms, 3_600_000)
    m, rest = divmod(rest, 60_000)
    s, ms = divmod(rest, 1000)
    return f"{h:02d}:{m:02d}:{s:02d}{sep}{ms:03d}"


def routes(mock: MockOpenAI) -> list[Route]:
    from ._server import APIError, _require_model

    async def speech(request: web.Request) -> web.StreamResponse:
        body = await mock._body(request)
        _require_model(body)
        text = body.get("input")
        if not isinstance(text, str) or not text:
            raise APIError(
                400,
                "Missing required parameter: 'input'.",
                param="input",
                code="missing_required_parameter",
            )
        if not body.get("voice"):
            raise APIError(
                400,
                "Missing required parameter: 'voice'.",
                param="voice",
                code="missing_required_parameter",
            )
        fmt = body.get("response_format") or "mp3"
        if fmt not in _CONTENT_TYPES:
            raise APIError(
                400,
                f"Invalid value: '{fmt}'. Supported values are: 'mp3', 'opus', 'aac', 'flac',"
                " 'wav', and 'pcm'.",
                param="response_format",
                code="invalid_value",
            )
        speed = body.get("speed") or 1.0
        seconds = min(0.1 + 0.06 * len(text) / float(speed), 5.0)
        return web.Response(
            body=speech_bytes(fmt, seconds),
            content_type=_CONTENT_TYPES[fmt],
            headers=mock._headers(request),
        )

    async def transcribe(request: web.Request, task: str) -> web.StreamResponse:
        form = await read_form(request)
        upload = form.required_file("file")
        model = form.text("model")
        if not model:
            raise APIError(400, "you must provide a model parameter")
        filename, data, _ = upload
        seconds = _duration(filename, data)
        verb = "Transcription" if task == "transcribe" else "Translation"
        text = f"{verb} of {filename} by the oxide mock ({len(data)} bytes, {seconds:g} s)."
        if form.text("prompt"):
            text += " Prompt: " + content.quote(str(form.text("prompt")), 60)
        fmt = form.text("response_format") or "json"
        if fmt in ("text", "srt", "vtt"):
            if fmt == "text":
                body = text + "\n"
            elif fmt == "srt":
                body = f"1\n{_timestamp(0, ',')} --> {_timestamp(seconds, ',')}\n{text}\n\n"
            else:
                body = f"WEBVTT\n\n{_timestamp(0, '.')} --> {_timestamp(seconds, '.')}\n{text}\n\n"
            return web.Response(
                text=body, content_type="text/plain", headers=mock._headers(request)
            )
        whisper = model.startswith("whisper")
        usage: dict[str, Any] = (
            {"type": "duration", "seconds": max(1, round(seconds))}
            if whisper
            else {
                "type": "tokens",
                "input_tokens": 12,
                "input_token_details": {"audio_tokens": 12, "text_tokens": 0},
                "output_tokens": content.count_tokens(text),
                "total_tokens": 12 + content.count_tokens(text),
            }
        )
        if fmt == "json":
            payload: dict[str, Any] = {"text": text}
            if task == "transcribe":
                payload["usage"] = usage
            return reply(mock, request, payload)
        if fmt != "verbose_json":
            raise APIError(
                400,
                f"Invalid value: '{fmt}'. Supported values are: 'json', 'text', 'srt',"
                " 'verbose_json', and 'vtt'.",
                param="response_format",
                code="invalid_value",
            )
        tokens = content.tokenize(text)
        payload = {
            "task": task,
            "language": "english" if task == "translate" else (form.text("language") or "english"),
            "duration": seconds,
            "text": text,
            "segments": [
                {
                    "id": 0,
                    "seek": 0,
                    "start": 0.0,
                    "end": seconds,
                    "text": " " + text,
                    "tokens": [50364 + i for i in range(len(tokens))],
                    "temperature": 0.0,
                    "avg_logprob": -0.21,
                    "compression_ratio": 1.12,
                    "no_speech_prob": 0.01,
                }
            ],
        }
        granularities = form.fields.get("timestamp_granularities") or []
        if task == "transcribe" and "word" in granularities:
            words = text.split()
            step = seconds / max(len(words), 1)
            payload["words"] = [
                {"word": w, "start": round(i * step, 2), "end": round((i + 1) * step, 2)}
                for i, w in enumerate(words)
            ]
        if task == "transcribe":
            payload["usage"] = usage if whisper else {"type": "duration", "seconds": 1}
        return reply(mock, request, payload)

    async def transcriptions(request: web.Request) -> web.StreamResponse:
        return await transcribe(request, "transcribe")

    async def translations(request: web.Request) -> web.StreamResponse:
        return await transcribe(request, "translate")

    return [
        ("POST", "/audio/speech", speech),
        ("POST", "/audio/transcriptions", transcriptions),
        ("POST", "/audio/translations", translations),
    ]
