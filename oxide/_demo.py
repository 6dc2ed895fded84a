"""``python -m oxide demo``: a short agent loop against the embedded mock server.

Starts :class:`oxide.testing.MockOpenAI` in-process (on its own thread), then, with
``oxide.AsyncOpenAI(base_url=<mock>, api_key="sk-demo")``: a chat completion, a streamed answer,
a tool-call round trip, a Responses call (plain and streamed), embeddings, and a Responses
tool loop over one WebSocket (the official `responses.connect()` surface, then oxide's
`responses.session()`), printing what happened and the client-side time of each step. No
network, no API key.

``OXIDE_DEMO_CLIENT`` (or ``--client``) picks the client: ``oxide``, ``openai`` (the official SDK,
for comparison) or ``both``: the loop runs with the first and the two are then timed side by
side. The default is ``both`` when the official SDK is installed, else ``oxide``.

Client-side CPU is ``time.process_time()`` minus the mock server thread's CPU time.
"""

from __future__ import annotations

import asyncio
import importlib
import json
import os
import statistics
import sys
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any

CLIENTS = ("oxide", "openai")
MODEL = "gpt-4o-mini"
EMBEDDING_MODEL = "text-embedding-3-small"
COMPARE_RUNS = 20

WEATHER_TOOL: dict[str, Any] = {
    "type": "function",
    "function": {
        "name": "get_weather",
        "description": "Current weather for a city.",
        "parameters": {
            "type": "object",
            "properties": {
                "city": {"type": "string", "description": "City name, e.g. Paris"},
                "unit": {"type": "string", "enum": ["celsius", "fahrenheit"]},
            },
            "required": ["city", "unit"],
            "additionalProperties": False,
        },
        "strict": True,
    },
}

DOCUMENTS = [
    "Paris is the capital and largest city of France.",
    "The mitochondria is the powerhouse of the cell.",
    "aiohttp is an asynchronous HTTP client/server framework for asyncio.",
]


def get_weather(city: str, unit: str = "celsius") -> dict[str, Any]:
    """The "local tool": deterministic fake weather."""
    temp_c = 12 + sum(map(ord, city)) % 15
    temp = temp_c if unit == "celsius" else round(temp_c * 9 / 5 + 32)
    return {"city": city, "temperature": temp, "unit": unit, "conditions": "partly cloudy"}


LOCAL_TOOLS: dict[str, Callable[..., dict[str, Any]]] = {"get_weather": get_weather}
# The same tool in the Responses API's flat shape.
RESPONSES_WEATHER_TOOL: dict[str, Any] = {"type": "function", **WEATHER_TOOL["function"]}


def run_tool_calls(output: list[Any]) -> list[dict[str, Any]]:
    """`function_call_output` items for the function calls in a response's output."""
    return [
        {
            "type": "function_call_output",
            "call_id": item.call_id,
            "output": json.dumps(LOCAL_TOOLS[item.name](**json.loads(item.arguments))),
        }
        for item in output
        if item.type == "function_call"
    ]


def _can_connect(client: Any) -> str | None:
    """Why `client.responses.connect()` cannot run here, or None."""
    if type(client).__module__.startswith("oxide"):
        return None
    try:
        importlib.import_module("websockets")
    except ImportError:
        return "the official SDK's WebSocket mode needs the `websockets` package"
    return None


# ---------------------------------------------------------------------------------------------
# Timing


@dataclass
class Timings:
    """Per-step client-side wall and CPU seconds."""

    server_cpu: Callable[[], float]
    steps: dict[str, list[tuple[float, float]]] = field(default_factory=dict)

    @contextmanager
    def step(self, name: str) -> Iterator[None]:
        s0 = self.server_cpu()
        c0 = time.process_time()
        w0 = time.perf_counter()
        try:
            yield
        finally:
            wall = time.perf_counter() - w0
            cpu = (time.process_time() - c0) - (self.server_cpu() - s0)
            self.steps.setdefault(name, []).append((wall, max(cpu, 0.0)))

    def last(self, name: str) -> tuple[float, float]:
        return self.steps[name][-1]

    def median(self, name: str) -> tuple[float, float]:
        runs = self.steps[name]
        return statistics.median(r[0] for r in runs), statistics.median(r[1] for r in runs)


def _ms(seconds: float) -> str:
    return f"{seconds * 1000:7.2f} ms"


class _Out:
    def __init__(self, verbose: bool) -> None:
        self.verbose = verbose

    def __call__(self, text: str = "", end: str = "\n") -> None:
        if self.verbose:
            print(text, end=end, flush=True)


def _short(text: str, limit: int = 100) -> str:
    text = " ".join(str(text).split())
    return text if len(text) <= limit else text[: limit - 3] + "..."


# ---------------------------------------------------------------------------------------------
# The agent loop


async def agent_loop(client: Any, timings: Timings, verbose: bool = True) -> None:
    out = _Out(verbose)

    def done(name: str) -> None:
        wall, cpu = timings.last(name)
        out(f"   time: wall {_ms(wall)} | cpu {_ms(cpu)}")

    # 1. A chat completion.
    question = "What is the capital of France?"
    out(f"1. chat.completions.create\n   user: {question}")
    with timings.step("chat"):
        completion = await client.chat.completions.create(
            model=MODEL,
            messages=[
                {"role": "system", "content": "You are a concise assistant."},
                {"role": "user", "content": question},
            ],
        )
    out(f"   assistant: {_short(completion.choices[0].message.content)}")
    out(
        f"   usage: {completion.usage.prompt_tokens} prompt + {completion.usage.completion_tokens} completion tokens"
    )
    done("chat")

    # 2. A streamed answer, printed as the tokens arrive.
    prompt = "Explain streaming in one paragraph."
    out(f"2. chat.completions.create(stream=True)\n   user: {prompt}\n   assistant: ", end="")
    chunks = 0
    with timings.step("chat stream"):
        stream = await client.chat.completions.create(
            model=MODEL,
            messages=[{"role": "user", "content": prompt}],
            stream=True,
            stream_options={"include_usage": True},
        )
        async for chunk in stream:
            chunks += 1
            if chunk.choices and chunk.choices[0].delta.content:
                out(chunk.choices[0].delta.content, end="")
    out(f"\n   ({chunks} chunks)")
    done("chat stream")

    # 3. A tool call round trip.
    ask = "What's the weather like in Paris today?"
    out(f"3. tool call round trip\n   user: {ask}")
    messages: list[dict[str, Any]] = [{"role": "user", "content": ask}]
    with timings.step("tool round trip"):
        first = await client.chat.completions.create(
            model=MODEL, messages=messages, tools=[WEATHER_TOOL]
        )
        message = first.choices[0].message
        calls = message.tool_calls or []
        messages.append(
            {
                "role": "assistant",
                "content": message.content,
                "tool_calls": [
                    {
                        "id": call.id,
                        "type": "function",
                        "function": {
                            "name": call.function.name,
                            "arguments": call.function.arguments,
                        },
                    }
                    for call in calls
                ],
            }
        )
        results = []
        for call in calls:
            result = LOCAL_TOOLS[call.function.name](**json.loads(call.function.arguments))
            results.append((call, result))
            messages.append(
                {"role": "tool", "tool_call_id": call.id, "content": json.dumps(result)}
            )
        final = await client.chat.completions.create(
            model=MODEL, messages=messages, tools=[WEATHER_TOOL]
        )
    for call, result in results:
        out(f"   model asks: {call.function.name}({call.function.arguments})")
        out(f"   ran locally -> {json.dumps(result)}")
    out(f"   assistant: {_short(final.choices[0].message.content, 140)}")
    done("tool round trip")

    # 4. The Responses API.
    task = "Write a haiku about fast HTTP clients."
    out(f"4. responses.create\n   input: {task}")
    with timings.step("responses"):
        response = await client.responses.create(
            model=MODEL, instructions="You are a poet.", input=task
        )
    out(f"   output_text: {_short(response.output_text)}")
    out(f"   usage: {response.usage.input_tokens} in + {response.usage.output_tokens} out tokens")
    done("responses")

    # 5. The Responses API, streamed.
    out(f"5. responses.create(stream=True)\n   input: {task}\n   output: ", end="")
    kinds: dict[str, int] = {}
    with timings.step("responses stream"):
        events = await client.responses.create(model=MODEL, input=task, stream=True)
        async for event in events:
            kinds[event.type] = kinds.get(event.type, 0) + 1
            if event.type == "response.output_text.delta":
                out(event.delta, end="")
    out(
        f"\n   ({sum(kinds.values())} events, {kinds.get('response.output_text.delta', 0)} text deltas)"
    )
    done("responses stream")

    # 6. Embeddings: which document is closest to a query?
    query = "Which city is the capital of France?"
    out(f"6. embeddings.create ({len(DOCUMENTS) + 1} inputs)\n   query: {query}")
    with timings.step("embeddings"):
        result = await client.embeddings.create(model=EMBEDDING_MODEL, input=[query, *DOCUMENTS])
        vectors = [list(item.embedding) for item in result.data]
        scores = [sum(a * b for a, b in zip(vectors[0], doc, strict=True)) for doc in vectors[1:]]
    best = max(range(len(scores)), key=scores.__getitem__)
    out(
        f"   {len(vectors)} vectors x {len(vectors[0])} dims; cosine similarities {[round(s, 3) for s in scores]}"
    )
    out(f"   best match (the mock embeds bags of hashed words): {DOCUMENTS[best]!r}")
    done("embeddings")

    # 7. A tool loop over one Responses WebSocket, with the official surface: each turn is a
    # `response.create` event continuing from the previous response, which the server keeps in
    # the connection's memory.
    ask = "What's the weather like in Paris today?"
    out(f"7. responses.connect(): a tool loop over one WebSocket\n   input: {ask}")
    skip = _can_connect(client)
    if skip:
        out(f"   (skipped: {skip})")
    else:
        with timings.step("websocket connect"):
            async with client.responses.connect() as connection:
                turn: dict[str, Any] = {
                    "model": MODEL,
                    "input": ask,
                    "tools": [RESPONSES_WEATHER_TOOL],
                }
                turns = 0
                while turns < 4:
                    turns += 1
                    await connection.response.create(**turn)
                    async for event in connection:
                        if event.type == "error":
                            raise RuntimeError(f"server error: {event.error.message}")
                        if event.type in ("response.completed", "response.failed"):
                            response = event.response
                            break
                    outputs = run_tool_calls(response.output)
                    if not outputs:
                        break
                    turn = {
                        "model": MODEL,
                        "previous_response_id": response.id,
                        "input": outputs,
                        "tools": [RESPONSES_WEATHER_TOOL],
                    }
        out(f"   {turns} turns on one socket; output_text: {_short(response.output_text, 140)}")
        done("websocket connect")

    # 8. The same loop with oxide's session: turns chain by themselves, and it reads like HTTP.
    if hasattr(client.responses, "session"):
        out(f"8. responses.session(): the same loop, chained by the session\n   input: {ask}")
        with timings.step("websocket session"):
            async with client.responses.session(
                model=MODEL, tools=[RESPONSES_WEATHER_TOOL]
            ) as session:
                response = await session.create(input=ask)
                while outputs := run_tool_calls(response.output):
                    response = await session.create(input=outputs)
        out(
            f"   {session.connections_opened} socket; output_text: {_short(response.output_text, 140)}"
        )
        done("websocket session")


# ---------------------------------------------------------------------------------------------
# Clients


def load_client(name: str) -> type[Any]:
    """``oxide.AsyncOpenAI`` or ``openai.AsyncOpenAI``; raises ImportError if unavailable."""
    module = importlib.import_module("oxide" if name == "oxide" else "openai")
    cls = getattr(module, "AsyncOpenAI", None)
    if cls is None:
        raise ImportError(f"{name}.AsyncOpenAI is not available")
    return cls  # type: ignore[no-any-return]


def _available(name: str) -> bool:
    try:
        load_client(name)
    except Exception:
        return False
    return True


def choose_clients(requested: str | None) -> list[str]:
    choice = (requested or os.environ.get("OXIDE_DEMO_CLIENT") or "").strip().lower()
    if choice in CLIENTS:
        return [choice]
    if choice == "both":
        return list(CLIENTS)
    if choice:
        raise SystemExit(f"OXIDE_DEMO_CLIENT must be oxide, openai or both, not {choice!r}")
    return list(CLIENTS) if _available("openai") else ["oxide"]


async def _run(name: str, base_url: str, timings: Timings, verbose: bool, runs: int = 1) -> None:
    cls = load_client(name)
    async with cls(base_url=base_url, api_key="sk-demo", max_retries=0) as client:
        for _ in range(runs):
            await agent_loop(client, timings, verbose)
            verbose = False


def main(requested: str | None = None) -> int:
    from oxide.testing import MockOpenAI

    clients = choose_clients(requested)
    for name in clients:
        try:
            load_client(name)
        except Exception as exc:
            print(f"cannot load {name}.AsyncOpenAI: {exc!r}", file=sys.stderr)
            return 1

    server = MockOpenAI.in_thread()
    with server as base_url:
        primary = clients[0]
        print("oxide demo: an agent loop against the embedded mock server (no network, no API key)")
        print(f"mock server: {base_url}   client: {primary}.AsyncOpenAI\n")
        timings = Timings(server.cpu_time)
        asyncio.run(_run(primary, base_url, timings, verbose=True))
        total_wall = sum(timings.last(step)[0] for step in timings.steps)
        total_cpu = sum(timings.last(step)[1] for step in timings.steps)
        print(
            f"\ntotal ({primary}, first run, incl. connecting and lazy imports): "
            f"wall {_ms(total_wall)} | cpu {_ms(total_cpu)}"
        )

        if len(clients) > 1:
            per_client = {}
            for name in clients:
                per_client[name] = Timings(server.cpu_time)
                asyncio.run(
                    _run(name, base_url, per_client[name], verbose=False, runs=COMPARE_RUNS + 1)
                )
                for runs in per_client[name].steps.values():
                    del runs[0]  # warm-up
            print(f"\nclient-side time per step, median of {COMPARE_RUNS} runs (wall | cpu):")
            header = f"  {'step':<18}" + "".join(
                f"   {name + '.AsyncOpenAI':^23}" for name in clients
            )
            print(header)
            # Steps that every client ran; the WebSocket session is oxide's own.
            common = [s for s in timings.steps if all(s in per_client[n].steps for n in clients)]
            for step in timings.steps:
                row = f"  {step:<18}"
                for name in clients:
                    if step in per_client[name].steps:
                        wall, cpu = per_client[name].median(step)
                        row += f"   {_ms(wall)} | {_ms(cpu)}"
                    else:
                        row += f"   {'(not in this client)':^23}"
                print(row)
            totals = {name: sum(per_client[name].median(s)[1] for s in common) for name in clients}
            summary = ", ".join(f"{name} {_ms(cpu).strip()}" for name, cpu in totals.items())
            first, second = clients
            ratio = (
                f" ({second}/{first}: {totals[second] / totals[first]:.2f}x)"
                if totals[first]
                else ""
            )
            print(f"  total cpu per loop (steps both ran): {summary}{ratio}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
