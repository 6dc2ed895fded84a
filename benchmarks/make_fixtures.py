"""Generate the benchmark fixtures: realistic OpenAI requests, responses and event streams.

Deterministic (one seeded `random.Random`, orjson output, no clock, nothing downloaded): running
it twice gives the same bytes, so the files in `benchmarks/fixtures/` are committed and
`python benchmarks/make_fixtures.py --check` tells whether they are current.

    python benchmarks/make_fixtures.py            # (re)write benchmarks/fixtures/
    python benchmarks/make_fixtures.py --check    # exit 1 if the files differ from the generator

What is generated (sizes are printed):

* chat_tiny: a two-message request and a one-sentence answer.
* chat_heavy: a coding-agent history of 320 messages (system, task, 159 assistant tool calls each
  answered by a long tool output: file reads, grep hits, test logs, diffs) plus 42 function tools
  with nested JSON-schema parameters, ~690 KB of JSON; the answer is text plus two parallel calls.
* chat_stream: 114 `chat.completion.chunk` events (role, 60 content deltas with non-ASCII text,
  a tool call whose arguments arrive over 50 chunks, the finish chunk, the usage chunk) + [DONE].
* agent: an agent loop of 20 sequential calls; answers 0-18 are tool calls, answer 19 is text.
* responses / responses_stream: a Responses API answer, and a 100-event stream of it.
* embeddings: 1536 float32 values as float JSON and as base64.

`expected.json` holds what every client must return (texts, tool arguments, counts).
"""

from __future__ import annotations

import argparse
import base64
import hashlib
import random
import struct
import sys
from pathlib import Path
from typing import Any

import orjson

HERE = Path(__file__).resolve().parent
OUT = HERE / "fixtures"
SEED = 20260901
CREATED = 1767225600  # a fixed timestamp: fixtures never read the clock

CHAT_MODEL = "gpt-4.1-2025-04-14"
TINY_MODEL = "gpt-4o-mini-2024-07-18"
EMBED_MODEL = "text-embedding-3-small"
FINGERPRINT = "fp_b3f1157249"

HEAVY_MESSAGES = 320
HEAVY_TOOLS = 42
HEAVY_BYTES = (650_000, 720_000)
STREAM_CHUNKS = 114
STREAM_CONTENT_DELTAS = 60
STREAM_ARG_DELTAS = 50
AGENT_STEPS = 20
RESPONSES_EVENTS = 100
EMBED_DIMS = 1536

_ALNUM = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789"

WORDS = (
    "the a to of and in is for that with on as it be this by are from at or an we can not "
    "request response client server stream event token model retry timeout connection pool "
    "session header body payload decode encode parse buffer chunk socket latency throughput "
    "function argument value field schema object array string number boolean null default "
    "update read write check test assert expect return raise error warning failure success "
    "module package import class method property attribute instance type struct union "
    "cache queue worker task loop thread process signal handler callback future result "
    "config option flag path file line column offset length size count index limit "
    "should would could must will may need make use keep move call pass fail run start stop"
).split()
# A little non-ASCII, as real traffic has: accents, dashes, arrows, CJK, an emoji.
SPICE = ["naïve", "café", "—", "→", "…", "“quoted”", "Zürich", "日本語", "✓", "😀", "±0.5", "µs"]
IDENTS = (
    "client session request response stream decoder encoder buffer chunk event handler "
    "retry backoff timeout pool connector transport headers payload result status message "
    "tool_call arguments choices usage model tokens cache state config options logger"
).split()


def _rand_id(rng: random.Random, n: int) -> str:
    return "".join(rng.choice(_ALNUM) for _ in range(n))


def _hex(rng: random.Random, n: int) -> str:
    return "".join(rng.choice("0123456789abcdef") for _ in range(n))


def sentence(rng: random.Random, lo: int = 6, hi: int = 18, spice: float = 0.04) -> str:
    words = []
    for _ in range(rng.randint(lo, hi)):
        words.append(rng.choice(SPICE) if rng.random() < spice else rng.choice(WORDS))
    text = " ".join(words)
    return text[0].upper() + text[1:] + rng.choice(".....?!:")


def paragraph(rng: random.Random, sentences: int) -> str:
    return " ".join(sentence(rng) for _ in range(sentences))


def code_file(rng: random.Random, lines: int, start: int = 1) -> str:
    """A plausible Python source excerpt with line numbers, as a `read_file` tool returns."""
    out = []
    indent = 0
    for _i in range(lines):
        r = rng.random()
        a, b, c = (rng.choice(IDENTS) for _ in range(3))
        if r < 0.08:
            indent = 0
            line = f"def {a}_{b}(self, {c}: {rng.choice(['int', 'str', 'bytes', 'dict[str, Any]'])}) -> None:"
            out.append(line)
            indent = 4
            continue
        if r < 0.14:
            line = f"if {a}.{b} is None or len({c}) > {rng.randint(1, 4096)}:"
            out.append(" " * indent + line)
            indent = min(indent + 4, 12)
            continue
        if r < 0.2:
            indent = max(indent - 4, 4)
        if r < 0.35:
            line = f"# {sentence(rng, 4, 12, 0.02)}"
        elif r < 0.55:
            line = f"{a} = self._{b}.get({c!r}, {rng.randint(0, 999)})"
        elif r < 0.7:
            line = f'raise ValueError(f"{sentence(rng, 3, 8, 0.0)} {{{a}!r}}")'
        elif r < 0.85:
            line = f"return await self.{a}({b}, timeout={rng.random() * 60:.1f})"
        else:
            line = f"{a}.append(({b}, {c}, {rng.random():.6f}))"
        out.append(" " * indent + line)
    return "\n".join(f"{start + i:>6}\t{line}" for i, line in enumerate(out))


def grep_output(rng: random.Random, hits: int) -> str:
    lines = []
    for _ in range(hits):
        path = f"src/{rng.choice(IDENTS)}/{rng.choice(IDENTS)}.py"
        a, b = rng.choice(IDENTS), rng.choice(IDENTS)
        lines.append(f"{path}:{rng.randint(1, 2400)}:    {a} = {b}({rng.choice(IDENTS)})")
    return "\n".join(lines)


def test_log(rng: random.Random, tests: int) -> str:
    lines = ["============================= test session starts =============================="]
    lines.append("platform linux -- Python 3.11.7, pytest-9.2.0, pluggy-1.7.0")
    lines.append(f"collected {tests} items")
    for _ in range(tests):
        name = f"tests/test_{rng.choice(IDENTS)}.py::test_{rng.choice(IDENTS)}_{rng.choice(IDENTS)}"
        status = "PASSED" if rng.random() < 0.9 else "FAILED"
        lines.append(f"{name} {status} [{rng.randint(0, 100):>3}%]")
        if status == "FAILED":
            lines.append(f"E       AssertionError: {sentence(rng, 4, 10)}")
            lines.append(f"E       assert {rng.randint(0, 99)} == {rng.randint(100, 200)}")
    lines.append(f"========== {tests - 3} passed, 3 failed in {rng.random() * 30:.2f}s ==========")
    return "\n".join(lines)


def diff_output(rng: random.Random, hunks: int) -> str:
    out = []
    for _ in range(hunks):
        path = f"src/{rng.choice(IDENTS)}.py"
        start = rng.randint(1, 900)
        out.append(f"diff --git a/{path} b/{path}\n--- a/{path}\n+++ b/{path}")
        out.append(f"@@ -{start},7 +{start},8 @@")
        for _ in range(rng.randint(4, 10)):
            mark = rng.choice(" +-  ")
            out.append(
                f"{mark}    {rng.choice(IDENTS)} = {rng.choice(IDENTS)}({rng.randint(0, 9)})"
            )
    return "\n".join(out)


# ---------------------------------------------------------------------------------------------
# Tools with nested JSON-schema parameters

TOOL_NAMES = [
    "read_file", "write_file", "edit_file", "multi_edit", "delete_file", "move_file",
    "list_directory", "glob", "grep", "search_symbols", "find_references", "go_to_definition",
    "run_shell", "run_tests", "run_linter", "run_type_checker", "format_code", "git_status",
    "git_diff", "git_log", "git_commit", "git_branch", "open_pull_request", "review_comments",
    "fetch_issue", "update_issue", "create_issue", "web_search", "read_url", "ask_user",
    "todo_write", "todo_read", "notebook_edit", "notebook_run", "db_query", "db_schema",
    "http_request", "docker_build", "docker_run", "k8s_apply", "profile_code", "spawn_subagent",
]  # fmt: skip
assert len(TOOL_NAMES) == HEAVY_TOOLS


def _leaf(rng: random.Random, depth: int) -> dict[str, Any]:
    kind = rng.choice(["string", "string", "integer", "boolean", "enum", "number", "array"])
    desc = sentence(rng, 5, 14, 0.0)
    if kind == "enum":
        return {
            "type": "string",
            "enum": rng.sample(IDENTS, rng.randint(2, 6)),
            "description": desc,
        }
    if kind == "integer":
        return {
            "type": "integer",
            "minimum": 0,
            "maximum": rng.choice([10, 100, 4096, 65536]),
            "description": desc,
        }
    if kind == "number":
        return {"type": "number", "minimum": 0.0, "description": desc}
    if kind == "array":
        return {
            "type": "array",
            "items": {"type": "string"},
            "maxItems": rng.randint(4, 64),
            "description": desc,
        }
    if kind == "boolean":
        return {"type": "boolean", "default": rng.random() < 0.5, "description": desc}
    return {"type": "string", "description": desc}


def _object(rng: random.Random, depth: int, props: int, strict: bool) -> dict[str, Any]:
    properties: dict[str, Any] = {}
    names = rng.sample(IDENTS, props)
    for name in names:
        r = rng.random()
        if depth < 3 and r < 0.22:
            properties[name] = _object(rng, depth + 1, rng.randint(2, 4), strict)
            properties[name]["description"] = sentence(rng, 4, 10, 0.0)
        elif depth < 3 and r < 0.36:
            properties[name] = {
                "type": "array",
                "description": sentence(rng, 4, 10, 0.0),
                "items": _object(rng, depth + 1, rng.randint(2, 4), strict),
            }
        elif r < 0.42 and not strict:
            properties[name] = {
                "anyOf": [_leaf(rng, depth), {"type": "null"}],
                "description": sentence(rng, 4, 10, 0.0),
            }
        else:
            properties[name] = _leaf(rng, depth)
    required = names if strict else names[: max(1, props // 2)]
    return {
        "type": "object",
        "properties": properties,
        "required": required,
        "additionalProperties": False,
    }


def make_tool(rng: random.Random, name: str, strict: bool = False) -> dict[str, Any]:
    params = _object(rng, 0, rng.randint(3, 6), strict)
    fn: dict[str, Any] = {
        "name": name,
        "description": paragraph(rng, rng.randint(2, 4)),
        "parameters": params,
    }
    if strict:
        fn["strict"] = True
    return {"type": "function", "function": fn}


# ---------------------------------------------------------------------------------------------
# Chat


def usage_chat(prompt: int, completion: int, cached: int = 0) -> dict[str, Any]:
    return {
        "prompt_tokens": prompt,
        "completion_tokens": completion,
        "total_tokens": prompt + completion,
        "prompt_tokens_details": {"cached_tokens": cached, "audio_tokens": 0},
        "completion_tokens_details": {
            "reasoning_tokens": 0,
            "audio_tokens": 0,
            "accepted_prediction_tokens": 0,
            "rejected_prediction_tokens": 0,
        },
    }


def completion(
    rng: random.Random, model: str, message: dict[str, Any], finish: str, usage: dict[str, Any]
) -> dict[str, Any]:
    return {
        "id": "chatcmpl-" + _rand_id(rng, 29),
        "object": "chat.completion",
        "created": CREATED,
        "model": model,
        "choices": [{"index": 0, "message": message, "logprobs": None, "finish_reason": finish}],
        "usage": usage,
        "service_tier": "default",
        "system_fingerprint": FINGERPRINT,
    }


def assistant(
    content: str | None, calls: list[tuple[str, str, str]] | None = None
) -> dict[str, Any]:
    msg: dict[str, Any] = {
        "role": "assistant",
        "content": content,
        "refusal": None,
        "annotations": [],
    }
    if calls:
        msg = {
            "role": "assistant",
            "content": content,
            "tool_calls": [
                {"id": cid, "type": "function", "function": {"name": name, "arguments": args}}
                for cid, name, args in calls
            ],
            "refusal": None,
            "annotations": [],
        }
    return msg


def tool_args(rng: random.Random, name: str, size: int) -> str:
    path = f"src/{rng.choice(IDENTS)}/{rng.choice(IDENTS)}.py"
    if name in ("edit_file", "multi_edit", "write_file"):
        old = code_file(rng, max(1, size // 120)).replace("\t", "    ")
        new = code_file(rng, max(1, size // 110)).replace("\t", "    ")
        args: dict[str, Any] = {
            "path": path,
            "old_string": old,
            "new_string": new,
            "replace_all": False,
        }
    elif name == "grep":
        args = {
            "pattern": f"def {rng.choice(IDENTS)}",
            "path": "src/",
            "include": ["*.py"],
            "context": 2,
        }
    elif name in ("run_shell", "run_tests"):
        args = {
            "command": f"pytest -q tests/test_{rng.choice(IDENTS)}.py -k {rng.choice(IDENTS)}",
            "timeout": 120,
        }
    else:
        args = {"path": path, "offset": rng.randint(0, 800), "limit": rng.choice([200, 400, 2000])}
    return orjson.dumps(args).decode()


def chat_tiny(rng: random.Random) -> tuple[dict[str, Any], dict[str, Any], dict[str, Any]]:
    request = {
        "model": "gpt-4o-mini",
        "messages": [
            {"role": "system", "content": "You are a helpful assistant."},
            {"role": "user", "content": "Say hello in one short sentence."},
        ],
        "max_completion_tokens": 32,
        "temperature": 0,
    }
    text = "Hello! How can I help you today?"
    response = completion(rng, TINY_MODEL, assistant(text), "stop", usage_chat(22, 9))
    return request, response, {"content": text, "id": response["id"]}


def chat_heavy(rng: random.Random) -> tuple[dict[str, Any], dict[str, Any], dict[str, Any]]:
    tools = [make_tool(rng, name) for name in TOOL_NAMES]
    system = "\n\n".join(paragraph(rng, 8) for _ in range(14))
    state = rng.getstate()
    scale = 1.0
    for _ in range(40):  # deterministic search for a history size inside HEAVY_BYTES
        rng.setstate(state)
        messages: list[dict[str, Any]] = [
            {"role": "system", "content": system},
            {"role": "user", "content": paragraph(rng, 9)},
        ]
        call_no = 0
        while len(messages) < HEAVY_MESSAGES:
            name = rng.choice(TOOL_NAMES)
            call_id = f"call_{_rand_id(rng, 24)}"
            args = tool_args(rng, name, rng.randint(60, 900))
            content = sentence(rng, 8, 30) if rng.random() < 0.45 else None
            msg = {
                "role": "assistant",
                "content": content,
                "tool_calls": [
                    {
                        "id": call_id,
                        "type": "function",
                        "function": {"name": name, "arguments": args},
                    }
                ],
            }
            kind = rng.random()
            n = max(1, int(rng.randint(10, 90) * scale))
            if kind < 0.45:
                output = code_file(rng, n, rng.randint(1, 900))
            elif kind < 0.65:
                output = grep_output(rng, n)
            elif kind < 0.85:
                output = test_log(rng, n)
            else:
                output = diff_output(rng, max(1, n // 8))
            messages.append(msg)
            messages.append({"role": "tool", "tool_call_id": call_id, "content": output})
            call_no += 1
        request = {
            "model": "gpt-4.1",
            "messages": messages,
            "tools": tools,
            "tool_choice": "auto",
            "parallel_tool_calls": True,
            "temperature": 0.2,
            "max_completion_tokens": 4096,
        }
        size = len(orjson.dumps(request))
        if HEAVY_BYTES[0] + 20_000 <= size <= HEAVY_BYTES[1] - 20_000:
            break
        scale *= ((HEAVY_BYTES[0] + HEAVY_BYTES[1]) / 2) / size
    else:  # pragma: no cover - the generator is deterministic, this is checked once
        raise SystemExit(f"heavy request size {size} outside {HEAVY_BYTES}")
    assert len(messages) == HEAVY_MESSAGES
    calls = [
        ("call_" + _rand_id(rng, 24), "edit_file", tool_args(rng, "edit_file", 700)),
        ("call_" + _rand_id(rng, 24), "run_tests", tool_args(rng, "run_tests", 80)),
    ]
    text = paragraph(rng, 3)
    response = completion(
        rng, CHAT_MODEL, assistant(text, calls), "tool_calls", usage_chat(171_234, 412, 163_840)
    )
    expected = {
        "content": text,
        "tool_calls": [[cid, name, args] for cid, name, args in calls],
        "request_bytes": size,
        "messages": len(messages),
        "tools": len(tools),
    }
    return request, response, expected


def _split(text: str, parts: int, rng: random.Random) -> list[str]:
    """`text` cut into exactly `parts` non-empty pieces of uneven length (token-like)."""
    cuts = sorted(rng.sample(range(1, len(text)), parts - 1))
    bounds = [0, *cuts, len(text)]
    return [text[a:b] for a, b in zip(bounds, bounds[1:], strict=False)]


def _obfuscation(rng: random.Random, piece: str) -> str:
    return _rand_id(rng, max(1, 16 - len(piece)) if len(piece) < 16 else 1)


def sse_data(obj: Any) -> bytes:
    return b"data: " + orjson.dumps(obj) + b"\n\n"


def sse_event(kind: str, obj: Any) -> bytes:
    return b"event: " + kind.encode() + b"\n" + sse_data(obj)


def chat_stream(rng: random.Random) -> tuple[dict[str, Any], bytes, dict[str, Any]]:
    tools = [
        make_tool(rng, "edit_file", strict=True),
        make_tool(rng, "read_file", strict=True),
        make_tool(rng, "run_tests", strict=True),
    ]
    request = {
        "model": "gpt-4.1",
        "messages": [
            {"role": "system", "content": paragraph(rng, 12)},
            {"role": "user", "content": paragraph(rng, 5)},
        ],
        "tools": tools,
        "stream": True,
        "stream_options": {"include_usage": True},
        "temperature": 0.2,
    }
    text = " ".join(sentence(rng, 10, 20, 0.15) for _ in range(6))
    args = orjson.dumps(
        {
            "path": "src/oxide/_streaming.py",
            "old_string": code_file(rng, 4).replace("\t", "    "),
            "new_string": code_file(rng, 5).replace("\t", "    "),
            "replace_all": False,
        }
    ).decode()
    call_id = "call_" + _rand_id(rng, 24)
    chunk_id = "chatcmpl-" + _rand_id(rng, 29)

    def chunk(choices: list[Any], piece: str = "", usage: Any = None) -> bytes:
        return sse_data(
            {
                "id": chunk_id,
                "object": "chat.completion.chunk",
                "created": CREATED,
                "model": CHAT_MODEL,
                "service_tier": "default",
                "system_fingerprint": FINGERPRINT,
                "choices": choices,
                "usage": usage,
                "obfuscation": _obfuscation(rng, piece),
            }
        )

    def choice(delta: dict[str, Any], finish: str | None = None) -> list[Any]:
        return [{"index": 0, "delta": delta, "logprobs": None, "finish_reason": finish}]

    events = [chunk(choice({"role": "assistant", "content": "", "refusal": None}))]
    for piece in _split(text, STREAM_CONTENT_DELTAS, rng):
        events.append(chunk(choice({"content": piece}), piece))
    header = {
        "tool_calls": [
            {
                "index": 0,
                "id": call_id,
                "type": "function",
                "function": {"name": "edit_file", "arguments": ""},
            }
        ]
    }
    events.append(chunk(choice(header)))
    for piece in _split(args, STREAM_ARG_DELTAS, rng):
        events.append(
            chunk(choice({"tool_calls": [{"index": 0, "function": {"arguments": piece}}]}), piece)
        )
    events.append(chunk(choice({}, "tool_calls")))
    usage = usage_chat(1_874, 231)
    events.append(chunk([], usage=usage))
    assert len(events) == STREAM_CHUNKS, len(events)
    body = b"".join(events) + b"data: [DONE]\n\n"
    expected = {
        "id": chunk_id,
        "chunks": STREAM_CHUNKS,
        "content": text,
        "tool_call_id": call_id,
        "tool_name": "edit_file",
        "arguments": args,
        "total_tokens": usage["total_tokens"],
    }
    return request, body, expected


def agent(
    rng: random.Random,
) -> tuple[dict[str, Any], list[dict[str, Any]], list[str], dict[str, Any]]:
    names = ["read_file", "grep", "edit_file", "run_tests", "git_diff", "list_directory"]
    tools = [make_tool(rng, name) for name in names]
    request = {
        "model": "gpt-4.1-mini",
        "messages": [
            {"role": "system", "content": paragraph(rng, 10)},
            {"role": "user", "content": paragraph(rng, 4)},
        ],
        "tools": tools,
        "temperature": 0,
    }
    responses = []
    outputs = []
    steps = []
    for step in range(AGENT_STEPS):
        if step < AGENT_STEPS - 1:
            name = names[step % len(names)]
            cid = "call_" + _rand_id(rng, 24)
            args = tool_args(rng, name, 200)
            content = sentence(rng, 6, 16) if step % 3 == 0 else None
            msg = assistant(content, [(cid, name, args)])
            responses.append(
                completion(
                    rng,
                    "gpt-4.1-mini-2025-04-14",
                    msg,
                    "tool_calls",
                    usage_chat(3_000 + 900 * step, 60),
                )
            )
            outputs.append(code_file(rng, rng.randint(15, 30)))
            steps.append([cid, name, args])
        else:
            text = paragraph(rng, 4)
            responses.append(
                completion(
                    rng, "gpt-4.1-mini-2025-04-14", assistant(text), "stop", usage_chat(21_000, 180)
                )
            )
    expected = {"steps": steps, "final": text, "calls": AGENT_STEPS}
    return request, responses, outputs, expected


# ---------------------------------------------------------------------------------------------
# Responses API


def responses(
    rng: random.Random,
) -> tuple[dict[str, Any], dict[str, Any], dict[str, Any], bytes, dict[str, Any]]:
    tools = []
    for name in ("get_weather", "search_docs"):
        fn = make_tool(rng, name, strict=True)["function"]
        tools.append({"type": "function", **fn})
    request = {
        "model": "gpt-4.1-mini",
        "instructions": paragraph(rng, 4),
        "input": [{"role": "user", "content": paragraph(rng, 3)}],
        "tools": tools,
        "temperature": 0.2,
        "max_output_tokens": 800,
    }
    text = " ".join(sentence(rng, 8, 18, 0.1) for _ in range(7))
    resp_id = "resp_" + _hex(rng, 48)
    msg_id = "msg_" + _hex(rng, 48)
    rs_id = "rs_" + _hex(rng, 48)
    envelope = {
        "id": resp_id,
        "object": "response",
        "created_at": CREATED,
        "status": "in_progress",
        "background": False,
        "completed_at": None,
        "error": None,
        "incomplete_details": None,
        "instructions": request["instructions"],
        "max_output_tokens": 800,
        "max_tool_calls": None,
        "model": "gpt-4.1-mini-2025-04-14",
        "output": [],
        "parallel_tool_calls": True,
        "previous_response_id": None,
        "prompt_cache_key": None,
        "reasoning": {"effort": None, "summary": None},
        "safety_identifier": None,
        "service_tier": "auto",
        "store": True,
        "temperature": 0.2,
        "text": {"format": {"type": "text"}, "verbosity": "medium"},
        "tool_choice": "auto",
        "tools": [{**t, "strict": True} for t in tools],
        "top_logprobs": 0,
        "top_p": 1.0,
        "truncation": "disabled",
        "usage": None,
        "user": None,
        "metadata": {},
    }
    part_done = {"type": "output_text", "annotations": [], "logprobs": [], "text": text}
    message = {
        "id": msg_id,
        "type": "message",
        "status": "completed",
        "content": [part_done],
        "role": "assistant",
    }
    reasoning = {"id": rs_id, "type": "reasoning", "summary": []}
    final = {
        **envelope,
        "status": "completed",
        "completed_at": CREATED + 2,
        "output": [reasoning, message],
        "usage": {
            "input_tokens": 1_208,
            "input_tokens_details": {"cached_tokens": 0},
            "output_tokens": 164,
            "output_tokens_details": {"reasoning_tokens": 64},
            "total_tokens": 1_372,
        },
    }
    # The stream: 100 events, text in 92 deltas.
    deltas = RESPONSES_EVENTS - 8
    seq = 0
    events = []

    def ev(kind: str, data: dict[str, Any]) -> None:
        nonlocal seq
        events.append(sse_event(kind, {"type": kind, **data, "sequence_number": seq}))
        seq += 1

    ev("response.created", {"response": envelope})
    ev("response.in_progress", {"response": envelope})
    ev(
        "response.output_item.added",
        {"output_index": 0, "item": {**message, "status": "in_progress", "content": []}},
    )
    base = {"item_id": msg_id, "output_index": 0, "content_index": 0}
    ev("response.content_part.added", {**base, "part": {**part_done, "text": ""}})
    for piece in _split(text, deltas, rng):
        ev(
            "response.output_text.delta",
            {**base, "delta": piece, "logprobs": [], "obfuscation": _obfuscation(rng, piece)},
        )
    ev("response.output_text.done", {**base, "text": text, "logprobs": []})
    ev("response.content_part.done", {**base, "part": part_done})
    ev("response.output_item.done", {"output_index": 0, "item": message})
    stream_final = {**final, "output": [message]}
    ev("response.completed", {"response": stream_final})
    assert len(events) == RESPONSES_EVENTS
    stream_request = {**request, "stream": True}
    expected = {"id": resp_id, "text": text, "events": RESPONSES_EVENTS, "total_tokens": 1_372}
    return request, final, stream_request, b"".join(events), expected


# ---------------------------------------------------------------------------------------------
# Embeddings


def _f32(x: float) -> float:
    return struct.unpack("<f", struct.pack("<f", x))[0]


def _short_f32(x: float) -> str:
    """The shortest decimal that reads back as the same float32 (what the API prints)."""
    for digits in range(6, 10):
        s = f"{x:.{digits}g}"
        if _f32(float(s)) == x:
            return s
    return repr(x)


def embeddings(rng: random.Random) -> tuple[dict[str, Any], bytes, bytes, dict[str, Any]]:
    raw = [rng.gauss(0.0, 1.0) for _ in range(EMBED_DIMS)]
    norm = sum(v * v for v in raw) ** 0.5
    values = [_f32(v / norm) for v in raw]
    text = "The quick brown fox jumps over the lazy dog while the client decodes 1536 floats."
    request = {"model": EMBED_MODEL, "input": text}
    usage = b'"usage":{"prompt_tokens":17,"total_tokens":17}}'
    head = b'{"object":"list","data":[{"object":"embedding","index":0,"embedding":'
    tail = b'}],"model":"' + EMBED_MODEL.encode() + b'",' + usage
    floats = head + b"[" + ",".join(_short_f32(v) for v in values).encode() + b"]" + tail
    packed = struct.pack(f"<{EMBED_DIMS}f", *values)
    b64 = head + b'"' + base64.b64encode(packed) + b'"' + tail
    expected = {
        "dims": EMBED_DIMS,
        # float JSON reads as float64 of the printed decimals; base64 is float32 widened.
        "float_sha256": hashlib.sha256(
            orjson.dumps([float(_short_f32(v)) for v in values])
        ).hexdigest(),
        "base64_sha256": hashlib.sha256(orjson.dumps(values)).hexdigest(),
        "first": values[:4],
    }
    return request, floats, b64, expected


# ---------------------------------------------------------------------------------------------


def build() -> dict[str, bytes]:
    """Every fixture file: name -> bytes."""
    rng = random.Random(SEED)
    files: dict[str, bytes] = {}
    expected: dict[str, Any] = {}

    def dump(obj: Any) -> bytes:
        return orjson.dumps(obj)

    req, resp, exp = chat_tiny(rng)
    files["chat_tiny.request.json"] = dump(req)
    files["chat_tiny.response.json"] = dump(resp)
    expected["chat_tiny"] = exp

    req, resp, exp = chat_heavy(rng)
    files["chat_heavy.request.json"] = dump(req)
    files["chat_heavy.response.json"] = dump(resp)
    expected["chat_heavy"] = exp

    req, body, exp = chat_stream(rng)
    files["chat_stream.request.json"] = dump(req)
    files["chat_stream.sse"] = body
    expected["chat_stream"] = exp

    req, resps, outputs, exp = agent(rng)
    files["agent.request.json"] = dump(req)
    files["agent.responses.jsonl"] = b"\n".join(dump(r) for r in resps) + b"\n"
    files["agent.tool_outputs.json"] = dump(outputs)
    expected["agent"] = exp

    req, final, sreq, sbody, exp = responses(rng)
    files["responses.request.json"] = dump(req)
    files["responses.response.json"] = dump(final)
    files["responses_stream.request.json"] = dump(sreq)
    files["responses_stream.sse"] = sbody
    expected["responses"] = exp

    req, floats, b64, exp = embeddings(rng)
    files["embeddings.request.json"] = dump(req)
    files["embeddings_float.response.json"] = floats
    files["embeddings_base64.response.json"] = b64
    expected["embeddings"] = exp

    files["expected.json"] = orjson.dumps(
        expected, option=orjson.OPT_INDENT_2 | orjson.OPT_SORT_KEYS
    )
    return files


def check(files: dict[str, bytes], out: Path = OUT) -> list[str]:
    """Names of fixture files that are missing or differ from what the generator makes."""
    return [
        name
        for name, data in files.items()
        if not (out / name).is_file() or (out / name).read_bytes() != data
    ]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--check", action="store_true", help="exit 1 if the files are stale")
    parser.add_argument("--out", type=Path, default=OUT)
    args = parser.parse_args(argv)
    files = build()
    stale = check(files, args.out)
    if args.check:
        for name in stale:
            print(f"stale: {name}")
        return 1 if stale else 0
    args.out.mkdir(parents=True, exist_ok=True)
    total = 0
    for name, data in sorted(files.items()):
        (args.out / name).write_bytes(data)
        total += len(data)
        print(f"{len(data):>9,}  {name}")
    print(f"{total:>9,}  total")
    return 0


if __name__ == "__main__":
    sys.exit(main())
