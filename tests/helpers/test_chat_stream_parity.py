"""chat.completions.stream() against the official SDK's helper on the same bytes.

Every event and the final completion are compared field by field, for both tool-call
assembler twins. Intended differences, asserted explicitly:
* `tool_calls.function.arguments.done` for a call is emitted as soon as its JSON closes, which
  is never later than the SDK (which waits for the next call or the end of the choice); the
  set of done events and their fields are identical.
* Providers that repeat a call's id and name on every delta: the SDK concatenates them
  (openai/openai-python#3201); oxide keeps them once.
"""

from __future__ import annotations

import asyncio
from typing import Any

import msgspec
import openai
import pydantic
import pytest

import oxide
from oxide.lib import function_tool

from ._compare import oxide_event, plain, sdk_event
from .conftest import sse

MESSAGES = [{"role": "user", "content": "hi"}]


def chunk(choices: list[dict[str, Any]], **extra: Any) -> dict[str, Any]:
    return {
        "id": "chatcmpl-rec",
        "object": "chat.completion.chunk",
        "created": 1718000000,
        "model": "gpt-4o-2024-08-06",
        "system_fingerprint": "fp_rec",
        "choices": choices,
        **extra,
    }


def choice(
    delta: dict[str, Any], finish: str | None = None, index: int = 0, logprobs: Any = None
) -> dict[str, Any]:
    return {"index": index, "delta": delta, "finish_reason": finish, "logprobs": logprobs}


def lp(token: str) -> dict[str, Any]:
    return {"token": token, "logprob": -0.25, "bytes": list(token.encode()), "top_logprobs": []}


def content_stream() -> bytes:
    words = ["The", " answer", " is", " 42", ", ", "naïvely", " 🎉", "."]
    chunks = [
        chunk(
            [
                choice(
                    {"role": "assistant", "content": "", "refusal": None},
                    logprobs={"content": [], "refusal": None},
                )
            ]
        )
    ]
    chunks += [
        chunk([choice({"content": w}, logprobs={"content": [lp(w)], "refusal": None})])
        for w in words
    ]
    chunks.append(chunk([choice({}, "stop")]))
    chunks.append(chunk([], usage={"prompt_tokens": 9, "completion_tokens": 8, "total_tokens": 17}))
    return sse(chunks)


def refusal_stream() -> bytes:
    parts = ["I'm sorry", ", I can", "not help", " with that."]
    chunks = [chunk([choice({"role": "assistant", "content": None, "refusal": ""})])]
    chunks += [chunk([choice({"refusal": p})]) for p in parts]
    chunks.append(chunk([choice({}, "stop")]))
    return sse(chunks)


def split(text: str, n: int) -> list[str]:
    return [text[i : i + n] for i in range(0, len(text), n)]


CALLS = [
    ("call_weather_1", "get_weather", '{"city":"Paris","unit":"celsius"}'),
    ("call_weather_2", "get_weather", '{"city":"Tokyo \\u6771\\u4eac","unit":"fahrenheit"}'),
    ("call_time_3", "get_time", '{"timezone":"Europe/Paris","nested":{"a":[1,2,{"b":"}"}]}}'),
]


def tool_stream(*, repeat_ids: bool = False) -> bytes:
    chunks = [chunk([choice({"role": "assistant", "content": None})])]
    for i, (cid, name, args) in enumerate(CALLS):
        chunks.append(
            chunk(
                [
                    choice(
                        {
                            "tool_calls": [
                                {
                                    "index": i,
                                    "id": cid,
                                    "type": "function",
                                    "function": {"name": name, "arguments": ""},
                                }
                            ]
                        }
                    )
                ]
            )
        )
        for frag in split(args, 5):
            entry: dict[str, Any] = {"index": i, "function": {"arguments": frag}}
            if repeat_ids:
                entry.update(id=cid, type="function")
                entry["function"]["name"] = name
            chunks.append(chunk([choice({"tool_calls": [entry]})]))
    chunks.append(chunk([choice({}, "tool_calls")]))
    return sse(chunks)


def tools_param() -> list[dict[str, Any]]:
    def tool(name: str, props: dict[str, Any]) -> dict[str, Any]:
        return {
            "type": "function",
            "function": {
                "name": name,
                "strict": True,
                "parameters": {
                    "type": "object",
                    "properties": props,
                    "required": list(props),
                    "additionalProperties": False,
                },
            },
        }

    return [
        tool("get_weather", {"city": {"type": "string"}, "unit": {"type": "string"}}),
        tool("get_time", {"timezone": {"type": "string"}, "nested": {"type": "object"}}),
    ]


class AnswerP(pydantic.BaseModel):
    city: str
    temperature: float
    tags: list[str]


class AnswerS(msgspec.Struct):
    city: str
    temperature: float
    tags: list[str]


def structured_stream() -> bytes:
    text = '{"city":"Paris","temperature":13.5,"tags":["mild","cloudy","a \\"quoted\\" tag"]}'
    chunks = [chunk([choice({"role": "assistant", "content": ""})])]
    chunks += [chunk([choice({"content": f}) for f in [frag]]) for frag in split(text, 4)]
    chunks.append(chunk([choice({}, "stop")]))
    return sse(chunks)


async def run_sdk(url: str, **kwargs: Any) -> tuple[list[dict[str, Any]], Any]:
    client = openai.AsyncOpenAI(api_key="k", base_url=url, max_retries=0)
    async with client:
        async with client.chat.completions.stream(model="m", messages=MESSAGES, **kwargs) as stream:
            events = [sdk_event(ev) async for ev in stream]
            final = await stream.get_final_completion()
    return events, final


async def run_oxide(url: str, **kwargs: Any) -> tuple[list[dict[str, Any]], Any]:
    async with oxide.AsyncOpenAI(api_key="k", base_url=url, max_retries=0) as client:
        async with client.chat.completions.stream(model="m", messages=MESSAGES, **kwargs) as stream:
            events = [oxide_event(ev) async for ev in stream]
            final = await stream.get_final_completion()
    return events, final


def compare(sdk: list[dict[str, Any]], ours: list[dict[str, Any]]) -> None:
    done = "tool_calls.function.arguments.done"
    sdk_rest = [e for e in sdk if e["type"] != done]
    our_rest = [e for e in ours if e["type"] != done]
    assert len(our_rest) == len(sdk_rest)
    for i, (a, b) in enumerate(zip(sdk_rest, our_rest, strict=True)):
        assert b == a, f"event {i} ({a['type']}) differs"
    sdk_done = [e for e in sdk if e["type"] == done]
    our_done = [e for e in ours if e["type"] == done]
    assert our_done == sdk_done

    # Early completion: each done event comes no later (counted in chunk events before it).
    def chunk_pos(events: list[dict[str, Any]]) -> list[int]:
        out, seen = [], 0
        for e in events:
            seen += e["type"] == "chunk"
            if e["type"] == done:
                out.append(seen)
        return out

    assert all(o <= s for o, s in zip(chunk_pos(ours), chunk_pos(sdk), strict=True))


@pytest.mark.parametrize(
    "name,body,kwargs",
    [
        ("content+logprobs", content_stream, {"logprobs": True}),
        ("refusal", refusal_stream, {}),
        ("parallel tool calls", tool_stream, {"tools": tools_param()}),
    ],
)
def test_events_and_final_match_the_sdk(replay, assembler_twin, name, body, kwargs) -> None:
    replay.body = body()
    sdk_events, sdk_final = asyncio.run(run_sdk(replay.url, **kwargs))
    our_events, our_final = asyncio.run(run_oxide(replay.url, **kwargs))
    compare(sdk_events, our_events)
    assert plain(our_final) == plain(sdk_final)


def test_structured_output_stream(replay, assembler_twin) -> None:
    replay.body = structured_stream()
    sdk_events, sdk_final = asyncio.run(run_sdk(replay.url, response_format=AnswerP))
    our_events, our_final = asyncio.run(run_oxide(replay.url, response_format=AnswerS))
    compare(sdk_events, our_events)
    parsed = our_final.choices[0].message.parsed
    assert isinstance(parsed, AnswerS)
    assert plain(our_final) == plain(sdk_final)
    # The partially parsed value grows with the content, as jiter's partial mode.
    partial = [e["parsed"] for e in our_events if e["type"] == "content.delta" and e.get("parsed")]
    assert partial[-1] == {
        "city": "Paris",
        "temperature": 13.5,
        "tags": ["mild", "cloudy", 'a "quoted" tag'],
    }
    # The request carried the strict schema derived from the Struct.
    fmt = replay.requests[-1]["body"]["response_format"]
    assert fmt["type"] == "json_schema" and fmt["json_schema"]["strict"] is True
    assert fmt["json_schema"]["schema"]["additionalProperties"] is False
    assert replay.requests[-1]["headers"]["X-Stainless-Helper-Method"] == "chat.completions.stream"


def test_typed_tools_parse_arguments_into_types(replay, assembler_twin) -> None:
    class get_weather(msgspec.Struct):
        city: str
        unit: str

    class get_time(msgspec.Struct):
        timezone: str
        nested: dict[str, Any]

    replay.body = tool_stream()
    tools = [function_tool(get_weather), function_tool(get_time)]
    events, final = asyncio.run(run_oxide(replay.url, tools=tools))
    done = [e for e in events if e["type"] == "tool_calls.function.arguments.done"]
    assert [d["name"] for d in done] == ["get_weather", "get_weather", "get_time"]
    calls = final.choices[0].message.tool_calls
    assert isinstance(calls[0].function.parsed_arguments, get_weather)
    assert calls[1].function.parsed_arguments.city == "Tokyo 東京"
    assert isinstance(calls[2].function.parsed_arguments, get_time)


def test_repeated_ids_and_names_are_kept_once_where_the_sdk_concatenates(
    replay, assembler_twin
) -> None:
    replay.body = tool_stream(repeat_ids=True)
    _, sdk_final = asyncio.run(run_sdk(replay.url, tools=tools_param()))
    _, our_final = asyncio.run(run_oxide(replay.url, tools=tools_param()))
    sdk_call = sdk_final.choices[0].message.tool_calls[0]
    assert sdk_call.id.startswith("call_weather_1call_weather_1")  # the SDK bug (#3201)
    ours = [
        (c.id, c.function.name, c.function.arguments)
        for c in our_final.choices[0].message.tool_calls
    ]
    assert ours == CALLS


def test_length_cut_raises_the_official_error(replay) -> None:
    chunks = [
        chunk([choice({"role": "assistant", "content": '{"city": "Par'})]),
        chunk([choice({}, "length")]),
    ]
    replay.body = sse(chunks)
    with pytest.raises(oxide.LengthFinishReasonError):
        asyncio.run(run_oxide(replay.url, response_format=AnswerS))
    with pytest.raises(openai.LengthFinishReasonError):
        asyncio.run(run_sdk(replay.url, response_format=AnswerP))


def test_state_from_a_plain_stream(replay) -> None:
    from oxide.lib.streaming.chat import ChatCompletionStreamState

    replay.body = content_stream()

    async def main() -> Any:
        state = ChatCompletionStreamState()
        async with oxide.AsyncOpenAI(api_key="k", base_url=replay.url) as client:
            async for c in await client.chat.completions.create(
                model="m", messages=MESSAGES, stream=True
            ):
                state.handle_chunk(c)
                assert state.current_completion_snapshot.choices or not c.choices
        return state.get_final_completion()

    final = asyncio.run(main())
    assert final.choices[0].message.content == "The answer is 42, naïvely 🎉."
    assert final.usage.total_tokens == 17


def test_sync_stream_helper(replay) -> None:
    replay.body = tool_stream()
    with oxide.OpenAI(api_key="k", base_url=replay.url) as client:
        with client.chat.completions.stream(
            model="m", messages=MESSAGES, tools=tools_param()
        ) as stream:
            kinds = [ev.type for ev in stream]
            final = stream.get_final_completion()
    assert kinds.count("tool_calls.function.arguments.done") == 3
    assert final.choices[0].message.tool_calls[2].function.parsed_arguments["nested"]["a"][2] == {
        "b": "}"
    }
