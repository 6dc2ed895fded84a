"""Tool-call assembler against the official SDK's ``ChatCompletionStreamState`` (openai==3.3.1).

Each trace is a list of chat chunks in the shape a provider sends them (reconstructed from the
reports cited). The same chunks go to the SDK (built leniently, as its stream builds them) and,
decoded by oxide as a client decodes them, to the assembler, one choice at a time, with
``finish(choice)`` on a ``finish_reason``, as the stream helper will do. Where the SDK is right,
the two must agree (final calls, and for the OpenAI shapes the delta and done events too);
where it is wrong, the test says how, and checks the right values.
"""

from __future__ import annotations

from typing import Any

import msgspec
import pytest
from openai._models import construct_type
from openai.lib.streaming.chat import ChatCompletionStreamState
from openai.types.chat import ChatCompletionChunk as SDKChunk

from oxide._models import decode
from oxide.types.chat.chat_completion_chunk import ChatCompletionChunk

Final = dict[int, list[tuple[int, "str | None", "str | None", str]]]


def chunk(tool_calls: list[Any] | None, *, choice: int = 0, finish: str | None = None) -> Any:
    delta: dict[str, Any] = {} if tool_calls is None else {"tool_calls": tool_calls}
    return {
        "id": "chatcmpl-1",
        "object": "chat.completion.chunk",
        "created": 1,
        "model": "m",
        "choices": [{"index": choice, "delta": delta, "finish_reason": finish, "logprobs": None}],
    }


def first(tool_calls: list[Any], **kw: Any) -> Any:
    """A first chunk: role and the first tool-call entries, as OpenAI sends it."""
    body = chunk(tool_calls, **kw)
    body["choices"][0]["delta"] = {
        "role": "assistant",
        "content": None,
        **body["choices"][0]["delta"],
    }
    return body


def head(index: int | None, id: str, name: str, arguments: str = "") -> dict[str, Any]:
    return {
        "index": index,
        "id": id,
        "type": "function",
        "function": {"name": name, "arguments": arguments},
    }


def args(index: int, arguments: str) -> dict[str, Any]:
    return {"index": index, "function": {"arguments": arguments}}


def sdk(chunks: list[Any]) -> tuple[Final, list[tuple[Any, ...]]] | str:
    """(final calls, tool-call events) from the SDK, or the name of what it raised."""
    state: ChatCompletionStreamState[None] = ChatCompletionStreamState()
    events: list[tuple[Any, ...]] = []
    try:
        for body in chunks:
            ci = body["choices"][0]["index"]  # one choice per chunk in these traces
            for e in state.handle_chunk(construct_type(type_=SDKChunk, value=body)):
                if e.type == "tool_calls.function.arguments.delta":
                    events.append(("delta", ci, e.index, e.name, e.arguments_delta, e.arguments))
                elif e.type == "tool_calls.function.arguments.done":
                    events.append(("done", ci, e.index, e.name, "", e.arguments))
    except Exception as exc:  # what the SDK does on these shapes is the point
        return type(exc).__name__
    final = {
        c.index: [
            (t.index, t.id, t.function.name, t.function.arguments)
            for t in c.message.tool_calls or []
        ]
        for c in state.current_completion_snapshot.choices
    }
    return final, events


def as_tuple(e: Any) -> tuple[Any, ...]:
    return (e.kind, e.choice_index, e.index, e.name, e.arguments_delta, e.arguments)


def oxide(cls: type, chunks: list[Any]) -> tuple[Final, list[tuple[Any, ...]]]:
    """The same from the assembler, fed what oxide decodes."""
    assembler = cls()
    events = []
    choices = set()
    for body in chunks:
        decoded = decode(ChatCompletionChunk, msgspec.json.encode(body))
        for choice in decoded.choices:
            choices.add(choice.index)
            fed = assembler.feed(choice.index, choice.delta.tool_calls)
            if choice.finish_reason:
                fed += assembler.finish(choice.index)
            events += [as_tuple(e) for e in fed]
    events += [as_tuple(e) for e in assembler.finish()]
    final = {
        ci: [(c.index, c.id, c.name, c.arguments) for c in assembler.calls(ci)]
        for ci in sorted(choices)
    }
    return final, events


# -- shapes the SDK gets right ------------------------------------------------------------------------

OPENAI_PARALLEL = [
    first([head(0, "call_a", "get_weather")]),
    chunk([args(0, '{"')]),
    chunk([args(0, "location")]),
    chunk([args(0, '":"')]),
    chunk([args(0, "Paris, ")]),
    chunk([args(0, 'France"}')]),
    chunk([head(1, "call_b", "get_time")]),
    chunk([args(1, '{"tz":')]),
    chunk([args(1, ' "Europe/Paris", "fmt": "\\u00e9\\"{x}\\""}')]),
    chunk(None, finish="tool_calls"),
]
OPENAI_N2 = [  # n=2: choices interleaved, each with its own call 0
    first([head(0, "call_0", "f")], choice=0),
    first([head(0, "call_1", "g")], choice=1),
    chunk([args(0, '{"n": ')], choice=1),
    chunk([args(0, '{"n": ')], choice=0),
    chunk([args(0, "0}")], choice=0),
    chunk([args(0, "1}")], choice=1),
    chunk(None, choice=1, finish="tool_calls"),
    chunk(None, choice=0, finish="tool_calls"),
]
OPENAI_NO_ARGS = [  # a tool without parameters
    first([head(0, "call_a", "now", "")]),
    chunk([args(0, "{}")]),
    chunk(None, finish="tool_calls"),
]


@pytest.mark.parametrize(
    "trace",
    [OPENAI_PARALLEL, OPENAI_N2, OPENAI_NO_ARGS],
    ids=["openai-parallel", "openai-n2", "openai-no-args"],
)
def test_same_as_the_sdk(assembler_cls: type, trace: list[Any]) -> None:
    reference = sdk(trace)
    assert not isinstance(reference, str), reference
    sdk_final, sdk_events = reference
    final, events = oxide(assembler_cls, trace)
    assert final == sdk_final
    # One delta event per entry, with the same snapshots. The done events carry the same
    # calls, but oxide's come earlier: as soon as a call's arguments close, where the SDK waits
    # for the next index or the finish_reason.
    assert [e for e in events if e[0] == "delta"] == [e for e in sdk_events if e[0] == "delta"]
    assert sorted(e for e in events if e[0] == "done") == sorted(
        e for e in sdk_events if e[0] == "done"
    )
    if trace is OPENAI_PARALLEL:
        kinds = [(e[0], e[2]) for e in events]
        sdk_kinds = [(e[0], e[2]) for e in sdk_events]
        assert kinds.index(("done", 0)) == 6  # right after the delta with 'France"}'
        assert sdk_kinds.index(("done", 0)) == 7  # after call 1's first delta


# -- shapes the SDK gets wrong ------------------------------------------------------------------------

# -- shapes the SDK got wrong and has fixed: oxide and the SDK agree ----------------------------

FIXED = {
    # T1, vLLM: two entries of index 0 in the first chunk. openai 3.3.1 kept the second as an
    # orphan list entry, so call 0 lost ':1}' (openai/openai-python#3201); fixed by 3.63.
    "t1-vllm-same-index-in-first-chunk": (
        [
            first([head(0, "call_1", "f", '{"a"'), args(0, ":1}")]),
            chunk([args(0, " ")]),
            chunk(None, finish="tool_calls"),
        ],
        {0: [(0, "call_1", "f", '{"a":1} ')]},
    ),
}


@pytest.mark.parametrize(("trace", "expected"), FIXED.values(), ids=FIXED.keys())
def test_same_as_the_sdk_where_it_was_fixed(
    assembler_cls: type, trace: list[Any], expected: Final
) -> None:
    reference = sdk(trace)
    assert not isinstance(reference, str) and reference[0] == expected
    final, events = oxide(assembler_cls, trace)
    assert final == expected
    assert sum(e[0] == "done" for e in events) == 1


WRONG = {
    # T2: an index gap. The SDK's list.insert(2, ...) on a one-element list appends at
    # position 1, and looking up index 2 then raises IndexError (openai==3.3.1).
    "t2-index-gap": (
        [
            first([head(0, "a", "f", "{}")]),
            chunk([head(2, "b", "g", '{"k"')]),
            chunk([args(2, ': "v"}')]),
            chunk(None, finish="tool_calls"),
        ],
        {0: [(0, "a", "f", "{}"), (2, "b", "g", '{"k": "v"}')]},
    ),
    # T3: id, type and name repeated on every delta. The SDK concatenates them:
    # id "call_Acall_Acall_A", name "fff".
    "t3-repeated-id-and-name": (
        [
            first([head(0, "call_A", "f")]),
            chunk([head(0, "call_A", "f", '{"a":')]),
            chunk([head(0, "call_A", "f", " 1}")]),
            chunk(None, finish="tool_calls"),
        ],
        {0: [(0, "call_A", "f", '{"a": 1}')]},
    ),
    # Gemini without "index" (the chunk measured in THU-MAIC/OpenMAIC#1556, extra_content and
    # all; openai/openai-python#2806): the SDK raises TypeError (list indices ... NoneType).
    "gemini-no-index": (
        [
            first(
                [
                    {
                        "extra_content": {"google": {"thought_signature": "c2ln"}},
                        "function": {
                            "arguments": '{"offset":1,"limit":100,"path":"/a.md"}',
                            "name": "read",
                        },
                        "id": "call_297140",
                        "type": "function",
                    }
                ]
            ),
            chunk(None, finish="stop"),  # Gemini ends tool calls with "stop" too
        ],
        {0: [(0, "call_297140", "read", '{"offset":1,"limit":100,"path":"/a.md"}')]},
    ),
    # Gemini with "index": null and "id": "" (meilisearch/meilisearch#5712), two calls of the same
    # function in two chunks: TypeError in the SDK. oxide keeps them apart (rule 4) and reads the
    # empty id as no id.
    "gemini-null-index-empty-id": (
        [
            first([head(None, "", "search", '{"q": "a"}')]),
            chunk([head(None, "", "search", '{"q": "b"}')]),
            chunk(None, finish="tool_calls"),
        ],
        {0: [(0, None, "search", '{"q": "a"}'), (1, None, "search", '{"q": "b"}')]},
    ),
    # An OpenRouter engine that reuses index *and* id across parallel calls (noted in
    # skye-harris/hass_local_openai_llm#92): the SDK merges them into name "ab", arguments
    # '{}{"x":1}'. oxide starts a new call on the new name after a complete object (rule 4).
    "openrouter-same-index-and-id": (
        [
            first([head(0, "same", "a", "{}")]),
            chunk([head(0, "same", "b", '{"x":1}')]),
            chunk(None, finish="tool_calls"),
        ],
        {0: [(0, "same", "a", "{}"), (1, "same", "b", '{"x":1}')]},
    ),
}


@pytest.mark.parametrize(("trace", "expected"), WRONG.values(), ids=WRONG.keys())
def test_right_where_the_sdk_is_wrong(
    assembler_cls: type, trace: list[Any], expected: Final
) -> None:
    reference = sdk(trace)
    assert isinstance(reference, str) or reference[0] != expected  # the SDK's bug is still there
    final, events = oxide(assembler_cls, trace)
    assert final == expected
    calls = [c for cs in expected.values() for c in cs]
    assert sum(e[0] == "done" for e in events) == len(calls)  # each done exactly once


def test_what_the_sdk_does_on_those_shapes() -> None:
    """The SDK outcomes the comments above describe (pinned openai==3.63.0)."""
    outcomes = {name: sdk(trace) for name, (trace, _) in WRONG.items()}
    assert outcomes["t2-index-gap"] == "IndexError"
    assert outcomes["t3-repeated-id-and-name"][0] == {  # type: ignore[index]
        0: [(0, "call_Acall_Acall_A", "fff", '{"a": 1}')]
    }
    assert outcomes["gemini-no-index"] == "TypeError"
    assert outcomes["gemini-null-index-empty-id"] == "TypeError"
    assert outcomes["openrouter-same-index-and-id"][0] == {  # type: ignore[index]
        0: [(0, "samesame", "ab", '{}{"x":1}')]
    }
