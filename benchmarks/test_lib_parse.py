"""parse() post-processing and the stream helper's state machine, without the network: oxide
against the official SDK on the same payloads (one group each)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import msgspec
import openai
import pydantic
import pytest
from openai.lib._parsing._completions import parse_chat_completion as sdk_parse
from openai.lib.streaming.chat import ChatCompletionStreamState as SDKState

import oxide.types.chat as xtc
from oxide._models import decode
from oxide.lib._parsing import parse_chat_completion
from oxide.lib.streaming.chat import ChatCompletionStreamState

FIXTURES = Path(__file__).parent / "fixtures"


class AnswerS(msgspec.Struct):
    city: str
    temperature: float
    conditions: list[str]


class AnswerP(pydantic.BaseModel):
    city: str
    temperature: float
    conditions: list[str]


CONTENT = json.dumps({"city": "Paris", "temperature": 13.5, "conditions": ["partly cloudy"] * 20})
COMPLETION = {
    "id": "chatcmpl-1",
    "object": "chat.completion",
    "created": 1,
    "model": "gpt-4o",
    "choices": [
        {
            "index": 0,
            "finish_reason": "stop",
            "logprobs": None,
            "message": {"role": "assistant", "content": CONTENT, "refusal": None},
        }
    ],
    "usage": {"prompt_tokens": 1, "completion_tokens": 1, "total_tokens": 2},
}
RAW = json.dumps(COMPLETION).encode()


@pytest.mark.parametrize("impl", ["oxide", "openai"])
def test_parse_structured_completion(benchmark: Any, impl: str) -> None:
    benchmark.group = "parse(): decode + validate a structured completion"
    if impl == "oxide":

        def run() -> Any:
            return parse_chat_completion(
                response_format=AnswerS,
                input_tools=None,
                chat_completion=decode(xtc.ChatCompletion, RAW),
            )
    else:
        from openai._models import construct_type

        def run() -> Any:
            completion = construct_type(
                type_=openai.types.chat.ChatCompletion, value=json.loads(RAW)
            )
            return sdk_parse(
                response_format=AnswerP, input_tools=openai.omit, chat_completion=completion
            )

    result = benchmark(run)
    assert result.choices[0].message.parsed.city == "Paris"


def _chunks() -> list[bytes]:
    return [
        line[6:]
        for line in (FIXTURES / "chat_stream.sse").read_bytes().splitlines()
        if line.startswith(b"data: ") and line[6:] != b"[DONE]"
    ]


@pytest.mark.parametrize("impl", ["oxide", "openai"])
def test_stream_helper_state_114_chunks(benchmark: Any, impl: str) -> None:
    benchmark.group = "stream helper: events + final completion for 114 decoded chunks"
    raw = _chunks()
    if impl == "oxide":
        chunks = [decode(xtc.ChatCompletionChunk, c) for c in raw]

        def run() -> Any:
            state = ChatCompletionStreamState()
            for c in chunks:
                state.handle_chunk(c)
            return state.get_final_completion()
    else:
        from openai._models import construct_type

        chunks = [
            construct_type(type_=openai.types.chat.ChatCompletionChunk, value=json.loads(c))
            for c in raw
        ]

        def run() -> Any:
            state = SDKState()
            for c in chunks:
                state.handle_chunk(c)
            return state.get_final_completion()

    final = benchmark(run)
    assert final.choices[0].message.content or final.choices[0].message.tool_calls
