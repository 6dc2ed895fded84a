"""Decode speed: oxide vs the official SDK (not a test; run `python tests/types/bench_decode.py`).

The SDK builds responses with `json.loads` + `construct_type` (no validation) for non-streaming
bodies and for every SSE event; `model_validate` is shown too. Payloads are realistic: real field
sets, the `obfuscation` padding OpenAI adds to streamed deltas, a 1536-float embedding.
"""

from __future__ import annotations

import json
import random
import sys
import timeit
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))

import openai.types as ot  # noqa: E402
import openai.types.chat as otc  # noqa: E402
import openai.types.responses as otr  # noqa: E402
from openai._models import construct_type  # noqa: E402

import oxide.types as xt  # noqa: E402
import oxide.types.chat as xtc  # noqa: E402
import oxide.types.responses as xtr  # noqa: E402
from oxide._models import decode  # noqa: E402

random.seed(7)

CHAT_COMPLETION = {
    "id": "chatcmpl-B9MBs8CjcvOU2jLn4n570S5qMJKcT",
    "object": "chat.completion",
    "created": 1741569952,
    "model": "gpt-4.1-2025-04-14",
    "choices": [
        {
            "index": 0,
            "message": {
                "role": "assistant",
                "content": "The capital of France is Paris. " * 12,
                "refusal": None,
                "annotations": [],
            },
            "logprobs": None,
            "finish_reason": "stop",
        }
    ],
    "usage": {
        "prompt_tokens": 19,
        "completion_tokens": 10,
        "total_tokens": 29,
        "prompt_tokens_details": {"cached_tokens": 0, "audio_tokens": 0},
        "completion_tokens_details": {
            "reasoning_tokens": 0,
            "audio_tokens": 0,
            "accepted_prediction_tokens": 0,
            "rejected_prediction_tokens": 0,
        },
    },
    "service_tier": "default",
    "system_fingerprint": "fp_4f3bd8c1a5",
}

CHUNK = {
    "id": "chatcmpl-B9MBs8CjcvOU2jLn4n570S5qMJKcT",
    "object": "chat.completion.chunk",
    "created": 1741569952,
    "model": "gpt-4.1-2025-04-14",
    "service_tier": "default",
    "system_fingerprint": "fp_4f3bd8c1a5",
    "choices": [
        {"index": 0, "delta": {"content": " Paris"}, "logprobs": None, "finish_reason": None}
    ],
    "obfuscation": "k3Zp9",
}

_PARAMS = {
    "type": "object",
    "properties": {
        "location": {"type": "string", "description": "City and country e.g. Bogotá, Colombia"},
        "units": {"type": "string", "enum": ["celsius", "fahrenheit"]},
    },
    "required": ["location", "units"],
    "additionalProperties": False,
}
RESPONSE = {
    "id": "resp_67ccd2bed1ec8190b14f964abc0542670bb6a6b452d3795b",
    "object": "response",
    "created_at": 1741476542,
    "status": "completed",
    "completed_at": 1741476545,
    "error": None,
    "incomplete_details": None,
    "instructions": "You are a helpful assistant.",
    "max_output_tokens": None,
    "model": "gpt-5.4-2026-03-05",
    "output": [
        {
            "id": "rs_67ccd2bf17f0819081ff3bb2cf6508e60bb6a6b452d3795b",
            "type": "reasoning",
            "summary": [{"type": "summary_text", "text": "Checking the weather in two cities."}],
            "encrypted_content": None,
        },
        *[
            {
                "type": "function_call",
                "id": f"fc_67ccd3eb5b7c8190b2b1a0a1e8a9c6f0{i}",
                "call_id": f"call_a8hG6mk0Jk2T4pQ9r{i}",
                "name": "get_weather",
                "arguments": json.dumps({"location": city, "units": "celsius"}),
                "status": "completed",
            }
            for i, city in enumerate(["Paris, France", "Bogotá, Colombia"])
        ],
        {
            "type": "message",
            "id": "msg_67ccd2bf17f0819081ff3bb2cf6508e60bb6a6b452d3795b",
            "status": "completed",
            "role": "assistant",
            "content": [
                {
                    "type": "output_text",
                    "text": "Let me check the weather in both cities for you.",
                    "annotations": [],
                    "logprobs": [],
                }
            ],
        },
    ],
    "parallel_tool_calls": True,
    "previous_response_id": None,
    "reasoning": {"effort": "medium", "summary": "auto"},
    "store": True,
    "temperature": 1.0,
    "text": {"format": {"type": "text"}, "verbosity": "medium"},
    "tool_choice": "auto",
    "tools": [
        {
            "type": "function",
            "name": name,
            "description": f"{name} for a location",
            "parameters": _PARAMS,
            "strict": True,
        }
        for name in ("get_weather", "get_forecast", "get_air_quality")
    ],
    "top_p": 1.0,
    "truncation": "disabled",
    "usage": {
        "input_tokens": 328,
        "input_tokens_details": {"cached_tokens": 0, "cache_write_tokens": 0},
        "output_tokens": 152,
        "output_tokens_details": {"reasoning_tokens": 64},
        "total_tokens": 480,
    },
    "user": None,
    "metadata": {},
}

EMBEDDING = {
    "object": "list",
    "data": [
        {
            "object": "embedding",
            "index": 0,
            "embedding": [round(random.uniform(-0.1, 0.1), 9) for _ in range(1536)],
        }
    ],
    "model": "text-embedding-3-small",
    "usage": {"prompt_tokens": 8, "total_tokens": 8},
}

EVENT = {
    "type": "response.output_text.delta",
    "sequence_number": 27,
    "item_id": "msg_67ccd2bf17f0819081ff3bb2cf6508e60bb6a6b452d3795b",
    "output_index": 3,
    "content_index": 0,
    "delta": " Paris",
    "logprobs": [],
    "obfuscation": "q8TzA1",
}

# Payloads with keys the pinned SDK does not declare: a DeepSeek/vLLM-style `reasoning_content` in
# every delta, fields newer than the SDK on a Response. They take the extras-capturing path.
CHUNK_EXTRA = {
    **CHUNK,
    "choices": [{**CHUNK["choices"][0], "delta": {"content": " Paris", "reasoning_content": "hm"}}],
}
RESPONSE_EXTRA = {**RESPONSE, "background": False, "billing": {"payer": "developer"}}

CASES: list[tuple[str, dict[str, Any], Any, Any, bool]] = [
    # name, payload, official type, oxide type, as str (SSE data) rather than bytes
    ("ChatCompletion", CHAT_COMPLETION, otc.ChatCompletion, xtc.ChatCompletion, False),
    ("ChatCompletionChunk (SSE)", CHUNK, otc.ChatCompletionChunk, xtc.ChatCompletionChunk, True),
    ("Response, 2 tool calls", RESPONSE, otr.Response, xtr.Response, False),
    ("ResponseStreamEvent (SSE)", EVENT, otr.ResponseStreamEvent, xtr.ResponseStreamEvent, True),
    (
        "Embedding, 1536 floats",
        EMBEDDING,
        ot.CreateEmbeddingResponse,
        xt.CreateEmbeddingResponse,
        False,
    ),
    (
        "Chunk + nested extra (SSE)",
        CHUNK_EXTRA,
        otc.ChatCompletionChunk,
        xtc.ChatCompletionChunk,
        True,
    ),
    ("Response + 2 unknown keys", RESPONSE_EXTRA, otr.Response, xtr.Response, False),
]


def best(fn: Any, number: int) -> float:
    """Seconds per call, best of 7."""
    return min(timeit.repeat(fn, number=number, repeat=7)) / number


def main() -> None:
    print(
        f"{'payload':28} {'bytes':>6} {'oxide':>9} {'SDK construct':>14} {'SDK validate':>13} {'speedup':>8}"
    )
    for name, payload, official, ours, as_str in CASES:
        raw = json.dumps(payload, separators=(",", ":"), ensure_ascii=False)
        data: Any = raw if as_str else raw.encode()
        ox = decode(ours, data)
        sdk = construct_type(type_=official, value=json.loads(data))
        assert ox.to_dict() == sdk.to_dict(), name  # type: ignore[attr-defined]
        n = 20000 if len(raw) < 2000 else 2000
        t_ox = best(lambda ours=ours, data=data: decode(ours, data), n)
        t_sdk = best(
            lambda official=official, data=data: construct_type(
                type_=official, value=json.loads(data)
            ),
            max(n // 10, 200),
        )
        if isinstance(official, type):
            t_val = best(
                lambda official=official, data=data: official.model_validate(json.loads(data)),
                max(n // 10, 200),
            )
        else:
            from pydantic import TypeAdapter

            adapter = TypeAdapter(official)
            t_val = best(
                lambda adapter=adapter, data=data: adapter.validate_python(json.loads(data)),
                max(n // 10, 200),
            )
        print(
            f"{name:28} {len(raw):>6} {t_ox * 1e6:>7.2f}µs {t_sdk * 1e6:>12.2f}µs "
            f"{t_val * 1e6:>11.2f}µs {t_sdk / t_ox:>7.1f}x"
        )


if __name__ == "__main__":
    main()
