"""An OpenAI-compatible ``aiohttp.web`` server with realistic, deterministic canned answers.

Answers are shaped on the OpenAPI spec's examples and on real API output: same fields, same key
order, same SSE framing (``data: [DONE]`` for chat, ``event:`` lines and ``sequence_number`` for
Responses), same error bodies and an ``x-request-id`` on every response.
"""

from __future__ import annotations

import asyncio
import contextvars
import os
import threading
import time
from collections import deque
from collections.abc import Awaitable, Callable, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from types import TracebackType
from typing import Any

import orjson
from aiohttp import web

from . import _content as content
from ._script import Reply, Script, ToolCall
from ._store import MockStore, StoredChat, StoredResponse
from ._ws_faults import WsFault, WsKnobs
from ._ws_session import RecordedWebSocket, WsSession

__all__ = [
    "BuiltResponse",
    "MockOpenAI",
    "RecordedRequest",
    "ThreadedMockOpenAI",
    "build_response",
    "create_app",
]

_Handler = Callable[[web.Request], Awaitable[web.StreamResponse]]

_STARTED: contextvars.ContextVar[float] = contextvars.ContextVar("oxide_mock_started")
_JSON = "application/json"
_SSE = "text/event-stream; charset=utf-8"
_FINGERPRINT = "fp_0c1d2e3f4a"
_ORG = "user-oxide-mock"
_ALNUM = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789"
_OBFUSCATION = "Zq3xYk8PvLm2WcR7tHb5NsJd9FgQaE"

# (id, created, owned_by): a realistic slice of what GET /v1/models lists.
MODELS: tuple[tuple[str, int, str], ...] = (
    ("gpt-4o", 1715367049, "system"),
    ("gpt-4o-mini", 1721172741, "system"),
    ("gpt-4.1", 1744316542, "system"),
    ("gpt-4.1-mini", 1744318173, "system"),
    ("gpt-4.1-nano", 1744321707, "system"),
    ("gpt-5", 1754425777, "system"),
    ("gpt-5-mini", 1754425928, "system"),
    ("o3-mini", 1737146383, "system"),
    ("o4-mini", 1744225351, "system"),
    ("gpt-4-turbo", 1712361441, "system"),
    ("gpt-3.5-turbo", 1677610602, "openai"),
    ("text-embedding-3-small", 1705948997, "system"),
    ("text-embedding-3-large", 1705953180, "system"),
    ("text-embedding-ada-002", 1671217299, "openai-internal"),
)

_DEFAULT_ERRORS: dict[int, tuple[str, str, str | None]] = {
    # status: (message, type, code)
    400: ("Invalid request.", "invalid_request_error", None),
    401: (
        "Incorrect API key provided. You can find your API key at https://platform.openai.com/account/api-keys.",
        "invalid_request_error",
        "invalid_api_key",
    ),
    403: (
        "You are not allowed to perform this request.",
        "invalid_request_error",
        "unsupported_country_region_territory",
    ),
    404: ("The requested resource does not exist.", "invalid_request_error", None),
    409: ("Another process is updating this resource.", "invalid_request_error", None),
    422: ("Unprocessable request.", "invalid_request_error", None),
    429: (
        "Rate limit reached for requests in organization org-oxide-mock on requests per min (RPM):"
        " Limit 3, Used 3, Requested 1. Please try again in 20ms."
        " Visit https://platform.openai.com/account/rate-limits to learn more.",
        "requests",
        "rate_limit_exceeded",
    ),
    500: (
        "The server had an error while processing your request. Sorry about that!",
        "server_error",
        None,
    ),
    502: ("Bad gateway.", "server_error", None),
    503: ("The engine is currently overloaded, please try again later.", "server_error", None),
}


class APIError(Exception):
    """Raised inside handlers; turned into the real OpenAI error body by the middleware."""

    def __init__(
        self,
        status: int,
        message: str,
        type: str = "invalid_request_error",
        param: str | None = None,
        code: str | None = None,
        headers: Mapping[str, str] | None = None,
    ) -> None:
        super().__init__(message)
        self.status = status
        self.message = message
        self.type = type
        self.param = param
        self.code = code
        self.headers = dict(headers or {})

    @classmethod
    def for_status(
        cls, status: int, message: str | None = None, code: str | None = None
    ) -> APIError:
        default_message, type_, default_code = _DEFAULT_ERRORS.get(
            status,
            (
                f"Mock error {status}.",
                "server_error" if status >= 500 else "invalid_request_error",
                None,
            ),
        )
        headers: dict[str, str] = {}
        if status == 429:
            headers = {
                "retry-after-ms": "20",
                "x-ratelimit-limit-requests": "3",
                "x-ratelimit-remaining-requests": "0",
                "x-ratelimit-reset-requests": "20ms",
            }
        return cls(status, message or default_message, type_, None, code or default_code, headers)

    def body(self) -> bytes:
        return orjson.dumps(
            {
                "error": {
                    "message": self.message,
                    "type": self.type,
                    "param": self.param,
                    "code": self.code,
                }
            }
        )


@dataclass
class RecordedRequest:
    """One request the mock received (``MockOpenAI.requests`` keeps the latest ones)."""

    method: str
    path: str
    headers: dict[str, str]
    body: bytes
    query: dict[str, str] = field(default_factory=dict)

    @property
    def json(self) -> Any:
        return orjson.loads(self.body) if self.body else None


def _rand(n: int) -> str:
    raw = os.urandom(n)
    return bytes(_ALNUM[b % 62] for b in raw).decode()


def _hex(n: int) -> str:
    return os.urandom(n // 2).hex()


def _obfuscation(text: str) -> str:
    # The real API pads stream events with a random-length "obfuscation" string; ours is
    # deterministic in the delta so payloads are stable.
    return _OBFUSCATION[: (len(_OBFUSCATION) - len(text)) % len(_OBFUSCATION) + 1]


# ---------------------------------------------------------------------------------------------
# Request helpers


def _require_model(body: Mapping[str, Any]) -> str:
    model = body.get("model")
    if not model:
        raise APIError(400, "you must provide a model parameter")
    if not isinstance(model, str):
        raise APIError(
            400,
            f"Invalid type for 'model': expected a string, but got {_json_type(model)} instead.",
            param="model",
            code="invalid_type",
        )
    return model


def _json_type(value: Any) -> str:
    if isinstance(value, bool):
        return "a boolean"
    if isinstance(value, (int, float)):
        return "a decimal" if isinstance(value, float) else "an integer"
    if isinstance(value, str):
        return "a string"
    if isinstance(value, list):
        return "an array"
    if isinstance(value, dict):
        return "an object"
    return "null"


def _check_number(body: Mapping[str, Any], name: str, lo: float, hi: float) -> None:
    value = body.get(name)
    if value is None:
        return
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        raise APIError(
            400,
            f"Invalid type for '{name}': expected a decimal, but got {_json_type(value)} instead.",
            param=name,
            code="invalid_type",
        )
    if value < lo:
        raise APIError(
            400,
            f"Invalid '{name}': decimal below minimum value. Expected a value >= {lo:g}, but got {value} instead.",
            param=name,
            code="decimal_below_min_value",
        )
    if value > hi:
        raise APIError(
            400,
            f"Invalid '{name}': decimal above maximum value. Expected a value <= {hi:g}, but got {value} instead.",
            param=name,
            code="decimal_above_max_value",
        )


def _positive_int(body: Mapping[str, Any], *names: str) -> int | None:
    for name in names:
        value = body.get(name)
        if value is None:
            continue
        if isinstance(value, bool) or not isinstance(value, int):
            raise APIError(
                400,
                f"Invalid type for '{name}': expected an integer, but got {_json_type(value)} instead.",
                param=name,
                code="invalid_type",
            )
        if value < 1:
            raise APIError(
                400,
                f"Invalid '{name}': integer below minimum value. Expected a value >= 1, but got {value} instead.",
                param=name,
                code="integer_below_min_value",
            )
        return value
    return None


@dataclass
class _ToolCall:
    call_id: str
    name: str
    arguments: str


@dataclass
class _Plan:
    """What the "model" answers: text, or tool calls."""

    text: str = ""
    tool_calls: list[_ToolCall] = field(default_factory=list)
    prompt_tokens: int = 0
    chunks: list[str] | None = None  # a scripted reply's own stream deltas

    def tokens(self) -> list[str]:
        return list(self.chunks) if self.chunks is not None else content.tokenize(self.text)


def _scripted(script: Script | None, plan: _Plan) -> _Plan:
    """The plan with the next scripted reply in place of the planned answer (if one is
    queued); a scripted error is raised as the API's. The request was validated first."""
    reply = script.take() if script is not None else None
    if reply is None:
        return plan
    if reply.error is not None:
        status, message, code = reply.error
        raise APIError.for_status(status, message, code)
    if reply.tool_calls:
        plan.text, plan.chunks = "", None
        plan.tool_calls = [
            _ToolCall(call.call_id or "call_" + _rand(24), call.name, call.arguments_json)
            for call in reply.tool_calls
        ]
    else:
        plan.tool_calls = []
        plan.chunks = list(reply.chunks) if reply.chunks is not None else None
        plan.text = "".join(plan.chunks) if plan.chunks is not None else (reply.text or "")
    return plan


def _tool_name(tool: Any) -> str | None:
    if not isinstance(tool, Mapping):
        return None
    fn = tool.get("function")
    if isinstance(fn, Mapping):  # chat: {"type": "function", "function": {"name": ...}}
        name = fn.get("name")
    else:  # responses: {"type": "function", "name": ...}
        name = tool.get("name") if tool.get("type") == "function" else None
    return name if isinstance(name, str) else None


def _tool_params(tool: Mapping[str, Any]) -> Any:
    fn = tool.get("function")
    if isinstance(fn, Mapping):
        return fn.get("parameters", {})
    return tool.get("parameters", {})


def _plan_tool_calls(
    tools: Any, tool_choice: Any, parallel: Any, user_text: str
) -> list[_ToolCall]:
    """The tool calls to make, or [] to answer with text."""
    if not isinstance(tools, list) or tool_choice == "none":
        return []
    function_tools = [t for t in tools if _tool_name(t)]
    if not function_tools:
        return []
    chosen: list[Mapping[str, Any]] = []
    forced = None
    if isinstance(tool_choice, Mapping):
        fn = tool_choice.get("function")
        forced = fn.get("name") if isinstance(fn, Mapping) else tool_choice.get("name")
    if isinstance(forced, str):
        chosen = [t for t in function_tools if _tool_name(t) == forced][:1]
    if not chosen:
        # Tools named in the user's message, in declaration order (several → parallel calls).
        lowered = user_text.lower()
        chosen = [t for t in function_tools if str(_tool_name(t)).lower() in lowered]
        if parallel is False or isinstance(forced, str):
            chosen = chosen[:1]
        chosen = chosen or function_tools[:1]
    hint = content.subject_of(user_text)
    calls = []
    for tool in chosen:
        args = content.schema_value(_tool_params(tool), hint)
        if not isinstance(args, dict):
            args = {}
        calls.append(
            _ToolCall("call_" + _rand(24), str(_tool_name(tool)), orjson.dumps(args).decode())
        )
    return calls


def _structured_text(fmt: Any, user_text: str) -> str | None:
    """Content for ``response_format`` / ``text.format``: JSON following the schema."""
    if not isinstance(fmt, Mapping):
        return None
    kind = fmt.get("type")
    if kind == "json_schema":
        spec = fmt.get("json_schema", fmt)  # chat nests it, responses flattens it
        schema = spec.get("schema", {}) if isinstance(spec, Mapping) else {}
        value = content.schema_value(schema, content.subject_of(user_text))
        return orjson.dumps(value).decode()
    if kind == "json_object":
        return orjson.dumps({"echo": content.quote(user_text)}).decode()
    return None


# ---------------------------------------------------------------------------------------------
# Chat completions


def _plan_chat(body: Mapping[str, Any]) -> _Plan:
    messages = body.get("messages")
    if messages is None:
        raise APIError(
            400,
            "Missing required parameter: 'messages'.",
            param="messages",
            code="missing_required_parameter",
        )
    if not isinstance(messages, list):
        raise APIError(
            400,
            f"Invalid type for 'messages': expected an array of objects, but got {_json_type(messages)} instead.",
            param="messages",
            code="invalid_type",
        )
    if not messages:
        raise APIError(
            400,
            "Invalid 'messages': empty array. Expected an array with minimum length 1, but got an empty array instead.",
            param="messages",
            code="empty_array",
        )
    prompt_tokens = 3
    user_text = ""
    tool_names: dict[str, str] = {}
    for i, msg in enumerate(messages):
        if not isinstance(msg, Mapping) or not isinstance(msg.get("role"), str):
            raise APIError(
                400,
                f"Missing required parameter: 'messages[{i}].role'.",
                param=f"messages[{i}].role",
                code="missing_required_parameter",
            )
        text = content.content_text(msg.get("content"))
        prompt_tokens += 4 + content.count_tokens(text)
        role = msg["role"]
        if role == "user":
            user_text = text
        elif role == "assistant":
            for call in msg.get("tool_calls") or ():
                if isinstance(call, Mapping) and isinstance(call.get("function"), Mapping):
                    tool_names[str(call.get("id"))] = str(call["function"].get("name"))
                    prompt_tokens += content.count_tokens(str(call["function"].get("arguments")))
        elif role == "tool" and not msg.get("tool_call_id"):
            raise APIError(
                400,
                f"Missing required parameter: 'messages[{i}].tool_call_id'.",
                param=f"messages[{i}].tool_call_id",
                code="missing_required_parameter",
            )
    tools = body.get("tools")
    if isinstance(tools, list):
        prompt_tokens += content.count_tokens(orjson.dumps(tools).decode())
    plan = _Plan(prompt_tokens=prompt_tokens)
    last = messages[-1]
    if last["role"] == "tool":
        name = tool_names.get(str(last.get("tool_call_id")), "function")
        plan.text = content.tool_result_reply(
            name, content.content_text(last.get("content")), user_text
        )
        return plan
    plan.tool_calls = _plan_tool_calls(
        tools, body.get("tool_choice"), body.get("parallel_tool_calls"), user_text
    )
    if not plan.tool_calls:
        structured = _structured_text(body.get("response_format"), user_text)
        plan.text = structured if structured is not None else content.echo_reply(user_text)
    return plan


def _chat_usage(prompt: int, completion: int) -> dict[str, Any]:
    return {
        "prompt_tokens": prompt,
        "completion_tokens": completion,
        "total_tokens": prompt + completion,
        "prompt_tokens_details": {"cached_tokens": 0, "audio_tokens": 0},
        "completion_tokens_details": {
            "reasoning_tokens": 0,
            "audio_tokens": 0,
            "accepted_prediction_tokens": 0,
            "rejected_prediction_tokens": 0,
        },
    }


def _top_logprobs(body: Mapping[str, Any]) -> int | None:
    if not body.get("logprobs"):
        return None
    top = body.get("top_logprobs") or 0
    return min(int(top), 20) if isinstance(top, int) else 0


# ---------------------------------------------------------------------------------------------
# Responses


def _response_input(body: Mapping[str, Any]) -> tuple[str, str | None, str | None, int]:
    """(last user text, tool name, tool output if the last item is a tool result, input tokens)."""
    raw = body.get("input")
    tokens = content.count_tokens(str(body.get("instructions") or ""))
    if raw is None or isinstance(raw, str):
        text = raw or ""
        return text, None, None, tokens + content.count_tokens(text) + 7
    if not isinstance(raw, list):
        raise APIError(
            400,
            f"Invalid type for 'input': expected one of a string or array of input items, but got {_json_type(raw)} instead.",
            param="input",
            code="invalid_type",
        )
    user_text = ""
    names: dict[str, str] = {}
    last_output: str | None = None
    last_name: str | None = None
    for item in raw:
        if not isinstance(item, Mapping):
            continue
        kind = item.get("type", "message")
        last_output = None
        if kind == "message" or ("role" in item and kind not in ("function_call",)):
            text = content.content_text(item.get("content"))
            tokens += 4 + content.count_tokens(text)
            if item.get("role") == "user":
                user_text = text
        elif kind == "function_call":
            names[str(item.get("call_id"))] = str(item.get("name"))
            tokens += content.count_tokens(str(item.get("arguments", "")))
        elif kind == "function_call_output":
            out = item.get("output")
            last_output = out if isinstance(out, str) else content.content_text(out)
            last_name = names.get(str(item.get("call_id")), "function")
            tokens += 4 + content.count_tokens(last_output)
    return user_text, last_name, last_output, tokens + 3


def _plan_response(body: Mapping[str, Any]) -> _Plan:
    user_text, tool_name, tool_output, tokens = _response_input(body)
    tools = body.get("tools")
    if isinstance(tools, list):
        tokens += content.count_tokens(orjson.dumps(tools).decode())
    plan = _Plan(prompt_tokens=tokens)
    if tool_output is not None:
        plan.text = content.tool_result_reply(tool_name or "function", tool_output, user_text)
        return plan
    plan.tool_calls = _plan_tool_calls(
        tools, body.get("tool_choice"), body.get("parallel_tool_calls"), user_text
    )
    if not plan.tool_calls:
        text_cfg = body.get("text")
        fmt = text_cfg.get("format") if isinstance(text_cfg, Mapping) else None
        structured = _structured_text(fmt, user_text)
        plan.text = structured if structured is not None else content.echo_reply(user_text)
    return plan


def _response_tools(tools: Any) -> list[Any]:
    if not isinstance(tools, list):
        return []
    out = []
    for tool in tools:
        if isinstance(tool, Mapping) and tool.get("type") == "function":
            tool = {"type": "function", "description": None, **tool}
            tool.setdefault("strict", True)
        out.append(tool)
    return out


def _response_envelope(body: Mapping[str, Any], resp_id: str, created: int) -> dict[str, Any]:
    """The Response object's fields that echo the request (status/output/usage added later)."""
    text_cfg = body.get("text")
    text = dict(text_cfg) if isinstance(text_cfg, Mapping) else {}
    text.setdefault("format", {"type": "text"})
    text.setdefault("verbosity", "medium")
    reasoning = body.get("reasoning")
    return {
        "id": resp_id,
        "object": "response",
        "created_at": created,
        "status": "in_progress",
        "background": bool(body.get("background", False)),
        "completed_at": None,
        "error": None,
        "incomplete_details": None,
        "instructions": body.get("instructions"),
        "max_output_tokens": body.get("max_output_tokens"),
        "max_tool_calls": body.get("max_tool_calls"),
        "model": body["model"],
        "output": [],
        "parallel_tool_calls": body.get("parallel_tool_calls", True),
        "previous_response_id": body.get("previous_response_id"),
        "prompt_cache_key": body.get("prompt_cache_key"),
        "reasoning": {"effort": None, "summary": None, **reasoning}
        if isinstance(reasoning, Mapping)
        else {"effort": None, "summary": None},
        "safety_identifier": body.get("safety_identifier"),
        "service_tier": "default",
        "store": body.get("store", True),
        "temperature": body.get("temperature", 1.0),
        "text": text,
        "tool_choice": body.get("tool_choice", "auto"),
        "tools": _response_tools(body.get("tools")),
        "top_logprobs": body.get("top_logprobs", 0),
        "top_p": body.get("top_p", 1.0),
        "truncation": body.get("truncation", "disabled"),
        "usage": None,
        "user": body.get("user"),
        "metadata": body.get("metadata") or {},
    }


def _response_usage(prompt: int, completion: int) -> dict[str, Any]:
    return {
        "input_tokens": prompt,
        "input_tokens_details": {"cached_tokens": 0, "cache_write_tokens": 0},
        "output_tokens": completion,
        "output_tokens_details": {"reasoning_tokens": 0},
        "total_tokens": prompt + completion,
    }


def _sse(event: str, data: Mapping[str, Any]) -> bytes:
    return b"event: " + event.encode() + b"\ndata: " + orjson.dumps(data) + b"\n\n"


def _response_error_event(seq: int) -> bytes:
    return _sse(
        "error",
        {
            "type": "error",
            "code": "server_error",
            "message": "The server had an error while processing your request. Sorry about that!",
            "param": None,
            "sequence_number": seq,
        },
    )


def _output_items(plan: _Plan, item_hex: str, text: str, status: str) -> list[dict[str, Any]]:
    if plan.tool_calls:
        return [
            {
                "id": "fc_" + (item_hex if i == 0 else _hex(48)),
                "type": "function_call",
                "status": "completed",
                "arguments": c.arguments,
                "call_id": c.call_id,
                "name": c.name,
            }
            for i, c in enumerate(plan.tool_calls)
        ]
    return [
        {
            "id": "msg_" + item_hex,
            "type": "message",
            "status": status,
            "content": [{"type": "output_text", "annotations": [], "logprobs": [], "text": text}],
            "role": "assistant",
        }
    ]


def _response_events(
    final: dict[str, Any], resp: dict[str, Any], tokens: Sequence[str], obfuscate: bool
) -> Iterator[dict[str, Any]]:
    """The streamed ``response.*`` events of ``final`` (SSE over HTTP, frames over WebSocket)."""
    seq = 0

    def event(kind: str, data: dict[str, Any]) -> dict[str, Any]:
        nonlocal seq
        data = {"type": kind, **data, "sequence_number": seq}
        seq += 1
        return data

    yield event("response.created", {"response": resp})
    yield event("response.in_progress", {"response": resp})
    items = final["output"]
    for idx, item in enumerate(items):
        item_id = item["id"]
        if item["type"] == "function_call":
            yield event(
                "response.output_item.added",
                {
                    "output_index": idx,
                    "item": {**item, "status": "in_progress", "arguments": ""},
                },
            )
            for piece in content.tokenize(item["arguments"]):
                delta: dict[str, Any] = {
                    "item_id": item_id,
                    "output_index": idx,
                    "delta": piece,
                }
                if obfuscate:
                    delta["obfuscation"] = _obfuscation(piece)
                yield event("response.function_call_arguments.delta", delta)
            yield event(
                "response.function_call_arguments.done",
                {
                    "item_id": item_id,
                    "name": item["name"],
                    "output_index": idx,
                    "arguments": item["arguments"],
                },
            )
        else:
            yield event(
                "response.output_item.added",
                {
                    "output_index": idx,
                    "item": {**item, "status": "in_progress", "content": []},
                },
            )
            part = {"type": "output_text", "annotations": [], "logprobs": [], "text": ""}
            base = {"item_id": item_id, "output_index": idx, "content_index": 0}
            yield event("response.content_part.added", {**base, "part": part})
            for tok in tokens:
                text_delta: dict[str, Any] = {**base, "delta": tok, "logprobs": []}
                if obfuscate:
                    text_delta["obfuscation"] = _obfuscation(tok)
                yield event("response.output_text.delta", text_delta)
            done_text = item["content"][0]["text"]
            yield event("response.output_text.done", {**base, "text": done_text, "logprobs": []})
            yield event(
                "response.content_part.done",
                {**base, "part": {**part, "text": done_text}},
            )
        yield event("response.output_item.done", {"output_index": idx, "item": item})
    kind = "response.incomplete" if final["status"] == "incomplete" else "response.completed"
    yield event(kind, {"response": final})


@dataclass
class BuiltResponse:
    """One Responses API answer: the envelope streamed first, the final object, its events."""

    resp: dict[str, Any]
    final: dict[str, Any]
    tokens: list[str]
    input: Any

    def events(self, obfuscate: bool = True) -> Iterator[dict[str, Any]]:
        return _response_events(self.final, self.resp, self.tokens, obfuscate)

    def sse_events(self, obfuscate: bool = True) -> Iterator[bytes]:
        return (_sse(e["type"], e) for e in self.events(obfuscate))

    def stored(self, pending: int = 0) -> StoredResponse:
        return StoredResponse(self.final, lambda: self.sse_events(True), self.input, pending)


def build_response(
    body: Mapping[str, Any], tokens: Sequence[str] | None = None, script: Script | None = None
) -> BuiltResponse:
    """Validate a ``POST /responses`` body and plan the answer (raises :class:`APIError`).

    ``tokens`` replaces the planned text (the WebSocket burst switch streams that many deltas);
    ``script``'s next reply, if any, replaces the planned answer.
    """
    _require_model(body)
    _check_number(body, "temperature", 0, 2)
    _check_number(body, "top_p", 0, 1)
    max_tokens = _positive_int(body, "max_output_tokens")
    plan = _scripted(script, _plan_response(body))
    if tokens is not None:
        plan.tool_calls, plan.text = [], "".join(tokens)
    created = int(time.time())
    resp = _response_envelope(body, "resp_" + _hex(48), created)
    item_hex = _hex(48)
    planned = list(tokens) if tokens is not None else plan.tokens()
    incomplete = not plan.tool_calls and max_tokens is not None and len(planned) > max_tokens
    if incomplete:
        assert max_tokens is not None
        planned = planned[:max_tokens]
    text = "".join(planned)
    if plan.tool_calls:
        output_tokens = sum(content.count_tokens(c.arguments) + 5 for c in plan.tool_calls)
    else:
        output_tokens = len(planned)
    status = "incomplete" if incomplete else "completed"
    final = dict(resp)
    final["status"] = status
    final["completed_at"] = None if incomplete else created
    if incomplete:
        final["incomplete_details"] = {"reason": "max_output_tokens"}
    final["usage"] = _response_usage(plan.prompt_tokens, output_tokens)
    final["output"] = _output_items(plan, item_hex, text, status)
    return BuiltResponse(resp, final, planned, body.get("input"))


# ---------------------------------------------------------------------------------------------
# The server


_MODELS_BY_ID = {
    mid: orjson.dumps({"id": mid, "object": "model", "created": created, "owned_by": owner})
    for mid, created, owner in MODELS
}
_MODELS_LIST = b'{"object":"list","data":[' + b",".join(_MODELS_BY_ID.values()) + b"]}"


class MockOpenAI:
    """An in-process OpenAI-compatible server.

    ::

        async with MockOpenAI() as base_url:          # or: base_url = await mock.start()
            client = AsyncOpenAI(base_url=base_url, api_key="sk-test")

        with MockOpenAI.in_thread() as base_url:      # a server on its own thread and loop
            client = OpenAI(base_url=base_url, api_key="sk-test")

    ``base_url`` ends in ``/v1``; every route is also served at the root (``/chat/completions``).

    Knobs for tests:

    * ``stream_delay``: seconds to sleep between SSE events (default 0: as fast as possible).
    * ``require_auth``: answer 401 without ``Authorization: Bearer ...`` (the key
      ``sk-invalid`` is always refused with ``invalid_api_key``).
    * ``fail_next(status, times)``: the next ``times`` requests fail with a real-shaped error
      (429s carry ``retry-after-ms: 20``). A request header ``x-mock-error: <status>`` does the
      same for one request, and ``x-mock-stream-error-after: <n>`` ends a stream with an error
      event after ``n`` events.
    * ``requests``: the latest requests received (method, path, headers, body, ``.json``).
    * ``state_load_delay``: seconds ``POST /responses`` with ``previous_response_id`` waits, as a
      server loading the stored response (WebSocket mode keeps it in the connection's memory).

    WebSocket routes (``GET /responses``, ``GET /realtime``; see ``_ws_responses`` and
    ``_ws_realtime``):

    * ``ws_connections``: a :class:`RecordedWebSocket` per accepted connection (``.received``
      client messages parsed, ``.sent`` event types, ``.close_code``, ``.query``, ``.headers``);
      ``ws_accepted`` counts them all.
    * ``ws_fault_next(kind, times=1, **options)`` / ``ws_fault_every(kind, **options)``: faults for
      the next connections or all of them; the handshake query ``mock_ws_fault=...`` wins (the
      switches are listed in ``_ws_faults``).
    * ``ws_setup_delay`` / ``ws_turn_delay`` (seconds before the 101 / before each turn's first
      event), ``ws_max_msg_size`` (inbound frame limit; larger closes with 1009), ``ws_max_age``
      (seconds, default 3600, before ``websocket_connection_limit_reached``), ``ws_max_streams``
      (busy ``stream_id`` lanes per connection). Each has a ``mock_ws_*`` query override.
    """

    def __init__(
        self,
        *,
        stream_delay: float = 0.0,
        require_auth: bool = True,
        max_recorded: int = 256,
        state_load_delay: float = 0.0,
        ws_setup_delay: float = 0.0,
        ws_turn_delay: float = 0.0,
        ws_max_msg_size: int = 16 * 1024 * 1024,
        ws_max_age: float = 3600.0,
        ws_max_streams: int = 16,
    ) -> None:
        self.stream_delay = stream_delay
        self.require_auth = require_auth
        self.requests: deque[RecordedRequest] = deque(maxlen=max_recorded)
        self.state_load_delay = state_load_delay
        self.ws_setup_delay = ws_setup_delay
        self.ws_turn_delay = ws_turn_delay
        self.ws_max_msg_size = ws_max_msg_size
        self.ws_max_age = ws_max_age
        self.ws_max_streams = ws_max_streams
        self.ws_connections: deque[RecordedWebSocket] = deque(maxlen=max_recorded)
        self.ws_accepted = 0
        self._ws_next: deque[WsFault] = deque()
        self._ws_every: WsFault | None = None
        self._ws_live: set[WsSession] = set()
        self._failures: deque[APIError] = deque()
        self.script = Script()
        """Replies queued by `queue_reply` / `queue_tool_call(s)` / `queue_error`."""
        self.store = MockStore()
        """Objects created through the API (files, batches, stored responses, ...)."""
        self._runner: web.AppRunner | None = None
        self.host = ""
        self.port = 0
        self.app = create_app(self)

    # -- lifecycle ------------------------------------------------------------------------

    @property
    def root_url(self) -> str:
        host = f"[{self.host}]" if ":" in self.host else self.host
        return f"http://{host}:{self.port}"

    @property
    def base_url(self) -> str:
        return self.root_url + "/v1"

    async def start(self, host: str = "127.0.0.1", port: int = 0) -> str:
        """Start serving; returns the base URL (``http://host:port/v1``)."""
        if self._runner is not None:
            raise RuntimeError("MockOpenAI is already running")
        runner = web.AppRunner(
            self.app,
            access_log=None,
            handle_signals=False,
            handler_cancellation=True,
            shutdown_timeout=1.0,
        )
        await runner.setup()
        site = web.TCPSite(runner, host, port, reuse_address=True)
        try:
            await site.start()
        except BaseException:
            await runner.cleanup()
            raise
        self.host = host
        self.port = int(runner.addresses[0][1]) if runner.addresses else port
        self._runner = runner
        return self.base_url

    async def stop(self) -> None:
        runner, self._runner = self._runner, None
        if runner is not None:
            # Open WebSockets would hold the shutdown for its whole timeout: close them first,
            # with 1001 (going away) as a server being deployed does.
            live = [session.close(1001, "server shutting down") for session in self._ws_live]
            await asyncio.gather(*live, return_exceptions=True)
            await runner.cleanup()

    async def __aenter__(self) -> str:
        return await self.start()

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        await self.stop()

    @classmethod
    def in_thread(
        cls, host: str = "127.0.0.1", port: int = 0, **options: Any
    ) -> ThreadedMockOpenAI:
        """A server on a background thread (its own event loop), for sync code.

        ``with MockOpenAI.in_thread() as base_url: ...``; the server is ``.mock``.
        """
        return ThreadedMockOpenAI(cls(**options), host, port)

    # -- test hooks -----------------------------------------------------------------------

    def fail_next(
        self,
        status: int = 500,
        times: int = 1,
        *,
        message: str | None = None,
        code: str | None = None,
    ) -> None:
        """Make the next ``times`` requests fail with ``status`` (real OpenAI error body)."""
        for _ in range(times):
            self._failures.append(APIError.for_status(status, message, code))

    def queue_reply(self, text: str = "", *, chunks: Sequence[str] | None = None) -> None:
        """The next model call (chat completion, Response, WebSocket or Realtime turn) answers
        ``text``; a stream sends ``chunks`` as its deltas when given (their join is the text)."""
        self.script.add(Reply(text=text, chunks=tuple(chunks) if chunks is not None else None))

    def queue_tool_call(
        self, name: str, arguments: Mapping[str, Any] | str = "", *, call_id: str | None = None
    ) -> None:
        """The next model call calls the function ``name`` with ``arguments`` (a dict, or a
        JSON string sent as is)."""
        self.script.add(Reply(tool_calls=(ToolCall(name, arguments, call_id),)))

    def queue_tool_calls(self, *calls: ToolCall) -> None:
        """The next model call makes these (parallel) function calls."""
        if not calls:
            raise ValueError("queue_tool_calls() needs at least one ToolCall")
        self.script.add(Reply(tool_calls=calls))

    def queue_error(
        self, status: int, message: str | None = None, *, code: str | None = None
    ) -> None:
        """The next model call fails with ``status`` and the API's error body (429s carry
        ``retry-after-ms: 20``), after its request was validated. Unlike `fail_next`, other
        routes do not take it, so it keeps its place in a scripted conversation."""
        self.script.add(Reply(error=(status, message, code)))

    @property
    def pending_replies(self) -> list[Reply]:
        """Queued replies no model call has taken yet."""
        return self.script.pending()

    def ws_fault_next(self, kind: str, times: int = 1, **options: Any) -> None:
        """Give the next ``times`` WebSocket connections the fault ``kind`` (``close``, ``abort``,
        ``no_pong``, ``oversize``, ``burst``, ``restart``, ``reject``, ``redirect``); options are
        the ``mock_ws_*`` switches without the prefix: ``after``, ``code``, ``status``, ...
        """
        fault = WsFault.of(kind, **options)
        self._ws_next.extend([fault] * times)

    def ws_fault_every(self, kind: str | None, **options: Any) -> None:
        """Give every WebSocket connection the fault ``kind`` (None: no fault)."""
        self._ws_every = None if kind is None else WsFault.of(kind, **options)

    def _take_ws_fault(self) -> WsFault | None:
        return self._ws_next.popleft() if self._ws_next else self._ws_every

    def _ws_knobs(self) -> WsKnobs:
        return WsKnobs(
            self.ws_setup_delay, self.ws_turn_delay, self.ws_max_msg_size, self.ws_max_age
        )

    def _ws_opened(self, session: WsSession) -> None:
        self.ws_accepted += 1
        self.ws_connections.append(session.record)
        self._ws_live.add(session)

    def _ws_closed(self, session: WsSession) -> None:
        self._ws_live.discard(session)

    # -- plumbing -------------------------------------------------------------------------

    @staticmethod
    def _headers(request: web.Request) -> dict[str, str]:
        started = _STARTED.get(None) or time.perf_counter()
        return {
            "x-request-id": "req_" + _hex(32),
            "openai-version": "2020-10-01",
            "openai-organization": _ORG,
            "openai-processing-ms": str(int((time.perf_counter() - started) * 1000)),
        }

    def _json(self, request: web.Request, payload: bytes, status: int = 200) -> web.Response:
        return web.Response(
            body=payload, status=status, content_type=_JSON, headers=self._headers(request)
        )

    def _error(self, request: web.Request, err: APIError) -> web.Response:
        headers = self._headers(request)
        headers.update(err.headers)
        return web.Response(body=err.body(), status=err.status, content_type=_JSON, headers=headers)

    @web.middleware
    async def _middleware(self, request: web.Request, handler: _Handler) -> web.StreamResponse:
        _STARTED.set(time.perf_counter())
        # Multipart uploads are left unread here: their handlers stream them part by part.
        multipart = request.content_type.startswith("multipart/")
        body = await request.read() if request.can_read_body and not multipart else b""
        if self.requests.maxlen:
            self.requests.append(
                RecordedRequest(
                    request.method, request.path, dict(request.headers), body, dict(request.query)
                )
            )
        try:
            self._check_auth(request)
            injected = request.headers.get("x-mock-error")
            if injected:
                raise APIError.for_status(int(injected) if injected.isdigit() else 500)
            if self._failures:
                raise self._failures.popleft()
            return await handler(request)
        except APIError as err:
            return self._error(request, err)
        except web.HTTPNotFound:
            return self._error(
                request, APIError(404, f"Invalid URL ({request.method} {request.path})")
            )
        except web.HTTPMethodNotAllowed:
            return self._error(
                request,
                APIError(405, f"Invalid method for URL ({request.method} {request.path})"),
            )

    def _check_auth(self, request: web.Request) -> None:
        if not self.require_auth or "/images/mock/" in request.path:
            return  # generated image URLs are public, like the API's signed blob URLs
        auth = request.headers.get("Authorization", "")
        scheme, _, key = auth.partition(" ")
        if scheme.lower() != "bearer" or not key.strip():
            raise APIError(
                401,
                "You didn't provide an API key. You need to provide your API key in an"
                " Authorization header using Bearer auth (i.e. Authorization: Bearer YOUR_KEY),"
                " or as the password field (with blank username) if you're accessing the API"
                " from your browser and are prompted for a username. You can obtain an API key"
                " from https://platform.openai.com/account/api-keys.",
            )
        if key.strip() == "sk-invalid":
            raise APIError(
                401,
                "Incorrect API key provided: sk-inval**. You can find your API key at"
                " https://platform.openai.com/account/api-keys.",
                code="invalid_api_key",
            )

    @staticmethod
    async def _body(request: web.Request) -> dict[str, Any]:
        raw = await request.read()
        try:
            body = orjson.loads(raw)
        except orjson.JSONDecodeError:
            body = None
        if not isinstance(body, dict):
            raise APIError(
                400,
                "We could not parse the JSON body of your request. (HINT: This likely means you"
                " aren't using your HTTP library correctly. The OpenAI API expects a JSON payload,"
                " but what was sent was not valid JSON. If you have trouble figuring out how to"
                " fix this, please visit https://platform.openai.com/docs/guides/error-codes/api-errors.)",
            )
        return body

    async def _stream(
        self, request: web.Request, events: Iterable[bytes], error_event: Callable[[int], bytes]
    ) -> web.StreamResponse:
        headers = self._headers(request)
        headers["Content-Type"] = _SSE
        headers["Cache-Control"] = "no-cache"
        resp = web.StreamResponse(status=200, headers=headers)
        await resp.prepare(request)
        fail_after = request.headers.get("x-mock-stream-error-after")
        limit = int(fail_after) if fail_after and fail_after.isdigit() else -1
        delay = self.stream_delay
        for n, event in enumerate(events):
            if n == limit:
                await resp.write(error_event(n))
                break
            await resp.write(event)
            if delay:
                await asyncio.sleep(delay)
        await resp.write_eof()
        return resp

    # -- /chat/completions ----------------------------------------------------------------

    async def chat_completions(self, request: web.Request) -> web.StreamResponse:
        body = await self._body(request)
        model = _require_model(body)
        _check_number(body, "temperature", 0, 2)
        _check_number(body, "top_p", 0, 1)
        _check_number(body, "presence_penalty", -2, 2)
        _check_number(body, "frequency_penalty", -2, 2)
        max_tokens = _positive_int(body, "max_completion_tokens", "max_tokens")
        n = _positive_int(body, "n") or 1
        if body.get("stream_options") is not None and not body.get("stream"):
            raise APIError(
                400,
                "The 'stream_options' parameter is only allowed when 'stream' is enabled.",
                param="stream_options",
            )
        plan = _scripted(self.script, _plan_chat(body))
        top = _top_logprobs(body)
        completion_id = "chatcmpl-" + _rand(29)
        created = int(time.time())
        tokens = plan.tokens()
        finish = "stop"
        if plan.tool_calls:
            finish = "tool_calls"
        elif max_tokens is not None and len(tokens) > max_tokens:
            tokens, finish = tokens[:max_tokens], "length"
        completion_tokens = n * (
            len(tokens)
            if not plan.tool_calls
            else sum(content.count_tokens(c.arguments) + 5 for c in plan.tool_calls)
        )
        if plan.tool_calls:
            message: dict[str, Any] = {
                "role": "assistant",
                "content": None,
                "tool_calls": [
                    {
                        "id": c.call_id,
                        "type": "function",
                        "function": {"name": c.name, "arguments": c.arguments},
                    }
                    for c in plan.tool_calls
                ],
                "refusal": None,
                "annotations": [],
            }
        else:
            message = {
                "role": "assistant",
                "content": "".join(tokens),
                "refusal": None,
                "annotations": [],
            }
        logprobs = (
            {"content": content.chat_logprobs(tokens, top), "refusal": None}
            if top is not None and not plan.tool_calls
            else None
        )
        payload = {
            "id": completion_id,
            "object": "chat.completion",
            "created": created,
            "model": model,
            "choices": [
                {"index": i, "message": message, "logprobs": logprobs, "finish_reason": finish}
                for i in range(n)
            ],
            "usage": _chat_usage(plan.prompt_tokens, completion_tokens),
            "service_tier": "default",
            "system_fingerprint": _FINGERPRINT,
        }
        if body.get("store"):
            self._store_chat(body, payload)
        if body.get("stream"):
            stream_options = body.get("stream_options") or {}
            return await self._stream(
                request,
                self._chat_chunks(
                    completion_id,
                    created,
                    model,
                    plan,
                    tokens,
                    finish,
                    n,
                    top,
                    bool(stream_options.get("include_usage")),
                    stream_options.get("include_obfuscation", True) is not False,
                    completion_tokens,
                ),
                lambda _n: (
                    b'data: {"error":{"message":"The server had an error while processing'
                    b' your request. Sorry about that!","type":"server_error","param":null,"code":null}}\n\n'
                ),
            )
        return self._json(request, orjson.dumps(payload))

    def _store_chat(self, body: Mapping[str, Any], payload: dict[str, Any]) -> None:
        stored = {
            **payload,
            "metadata": body.get("metadata") or {},
            "request_id": "req_" + _hex(32),
            "seed": body.get("seed"),
            "temperature": body.get("temperature", 1.0),
            "top_p": body.get("top_p", 1.0),
            "tool_choice": body.get("tool_choice"),
            "tools": body.get("tools"),
        }
        messages = [
            {
                "id": f"{payload['id']}-{i}",
                "role": msg.get("role"),
                "content": content.content_text(msg.get("content")),
                "name": msg.get("name"),
                "content_parts": None,
            }
            for i, msg in enumerate(body.get("messages") or ())
            if isinstance(msg, Mapping)
        ]
        self.store.keep(self.store.chat, payload["id"], StoredChat(stored, messages))

    @staticmethod
    def _chat_chunks(
        completion_id: str,
        created: int,
        model: str,
        plan: _Plan,
        tokens: Sequence[str],
        finish: str,
        n: int,
        top: int | None,
        include_usage: bool,
        obfuscate: bool,
        completion_tokens: int,
    ) -> Iterable[bytes]:
        prefix = (
            b'data: {"id":"' + completion_id.encode()
            + b'","object":"chat.completion.chunk","created":' + str(created).encode()
            + b',"model":' + orjson.dumps(model)
            + b',"service_tier":"default","system_fingerprint":"' + _FINGERPRINT.encode()
            + b'","choices":['
        )  # fmt: skip
        usage_null = b',"usage":null' if include_usage else b""

        def chunk(choice: dict[str, Any], obf_text: str = "") -> bytes:
            tail = b"]" + usage_null
            if obfuscate:
                tail += b',"obfuscation":"' + _obfuscation(obf_text).encode() + b'"'
            return prefix + orjson.dumps(choice) + tail + b"}\n\n"

        if plan.tool_calls:
            # Like the real API: the first delta carries the role and the first call's id and
            # name (arguments ""), then the arguments arrive in pieces.
            for idx, call in enumerate(plan.tool_calls):
                for i in range(n):
                    header: dict[str, Any] = {
                        "tool_calls": [
                            {
                                "index": idx,
                                "id": call.call_id,
                                "type": "function",
                                "function": {"name": call.name, "arguments": ""},
                            }
                        ]
                    }
                    if idx == 0:
                        header = {"role": "assistant", "content": None, **header, "refusal": None}
                    yield chunk(
                        {"index": i, "delta": header, "logprobs": None, "finish_reason": None}
                    )
                for piece in content.tokenize(call.arguments):
                    for i in range(n):
                        yield chunk(
                            {
                                "index": i,
                                "delta": {
                                    "tool_calls": [{"index": idx, "function": {"arguments": piece}}]
                                },
                                "logprobs": None,
                                "finish_reason": None,
                            },
                            piece,
                        )
        else:
            for i in range(n):
                yield chunk(
                    {
                        "index": i,
                        "delta": {"role": "assistant", "content": "", "refusal": None},
                        "logprobs": None,
                        "finish_reason": None,
                    }
                )
            for tok in tokens:
                lp = (
                    {"content": content.chat_logprobs((tok,), top), "refusal": None}
                    if top is not None
                    else None
                )
                for i in range(n):
                    yield chunk(
                        {
                            "index": i,
                            "delta": {"content": tok},
                            "logprobs": lp,
                            "finish_reason": None,
                        },
                        tok,
                    )
        for i in range(n):
            yield chunk({"index": i, "delta": {}, "logprobs": None, "finish_reason": finish})
        if include_usage:
            usage = orjson.dumps(_chat_usage(plan.prompt_tokens, completion_tokens))
            tail = b'],"usage":' + usage
            if obfuscate:
                tail += b',"obfuscation":"' + _OBFUSCATION[:7].encode() + b'"'
            yield prefix + tail + b"}\n\n"
        yield b"data: [DONE]\n\n"

    # -- /responses -----------------------------------------------------------------------

    async def responses(self, request: web.Request) -> web.StreamResponse:
        body = await self._body(request)
        if self.state_load_delay and body.get("previous_response_id"):
            # Over HTTP the server loads the previous response from storage on every turn;
            # WebSocket mode keeps it in the connection's memory (see _ws_responses).
            await asyncio.sleep(self.state_load_delay)
        built = build_response(body, script=self.script)
        resp, final = built.resp, built.final
        background = bool(body.get("background")) and not body.get("stream")
        if final["store"] is not False:
            # Kept for GET /responses/{id} (stream=true replays these events), input_items, ...
            self.store.keep(
                self.store.responses,
                resp["id"],
                built.stored(pending=2 if background else 0),
            )
        if background:
            queued = {**final, "status": "queued", "completed_at": None, "output": []}
            queued.update(usage=None, incomplete_details=None)
            return self._json(request, orjson.dumps(queued))
        if body.get("stream"):
            opts = body.get("stream_options") or {}
            obfuscate = opts.get("include_obfuscation", True) is not False
            return await self._stream(request, built.sse_events(obfuscate), _response_error_event)
        return self._json(request, orjson.dumps(final))

    # -- /embeddings ----------------------------------------------------------------------

    async def embeddings(self, request: web.Request) -> web.StreamResponse:
        body = await self._body(request)
        model = _require_model(body)
        raw = body.get("input")
        inputs = self._embedding_inputs(raw)
        fmt = body.get("encoding_format", "float")
        if fmt is None:
            fmt = "float"
        if fmt not in ("float", "base64"):
            raise APIError(
                400,
                f"Invalid value: '{fmt}'. Supported values are: 'float' and 'base64'.",
                param="encoding_format",
                code="invalid_value",
            )
        full = content.EMBEDDING_DIMS.get(model, content.DEFAULT_EMBEDDING_DIMS)
        dims = body.get("dimensions")
        if dims is None:
            dims = full
        elif model == "text-embedding-ada-002":
            raise APIError(
                400, "This model does not support specifying dimensions.", param="dimensions"
            )
        elif isinstance(dims, bool) or not isinstance(dims, int) or not 1 <= dims <= full:
            raise APIError(
                400,
                f"Invalid 'dimensions': expected an integer between 1 and {full}, but got {dims} instead.",
                param="dimensions",
                code="invalid_value",
            )
        prompt_tokens = 0
        parts = []
        for i, item in enumerate(inputs):
            prompt_tokens += content.count_tokens(item) if isinstance(item, str) else len(item)
            vec = content.encoded_embedding(content.embedding_key(item), full, dims, fmt)
            parts.append(
                b'{"object":"embedding","index":' + str(i).encode() + b',"embedding":' + vec + b"}"
            )
        payload = (
            b'{"object":"list","data":[' + b",".join(parts)
            + b'],"model":' + orjson.dumps(model)
            + b',"usage":{"prompt_tokens":' + str(prompt_tokens).encode()
            + b',"total_tokens":' + str(prompt_tokens).encode() + b"}}"
        )  # fmt: skip
        return self._json(request, payload)

    @staticmethod
    def _embedding_inputs(raw: Any) -> list[Any]:
        invalid = APIError(
            400,
            "'$.input' is invalid. Please check the API reference: https://platform.openai.com/docs/api-reference.",
        )
        if raw is None:
            raise APIError(
                400,
                "Missing required parameter: 'input'.",
                param="input",
                code="missing_required_parameter",
            )
        if isinstance(raw, str):
            if not raw:
                raise invalid
            return [raw]
        if not isinstance(raw, list) or not raw:
            raise invalid
        if all(isinstance(t, int) and not isinstance(t, bool) for t in raw):
            return [raw]  # one input given as token ids
        for item in raw:
            if isinstance(item, str):
                if not item:
                    raise invalid
            elif not (
                isinstance(item, list)
                and item
                and all(isinstance(t, int) and not isinstance(t, bool) for t in item)
            ):
                raise invalid
        if len(raw) > 2048:
            raise APIError(
                400,
                f"Invalid 'input': array too long. Expected an array with maximum length 2048, but got an array with length {len(raw)} instead.",
                param="input",
                code="array_above_max_length",
            )
        return raw

    # -- /models --------------------------------------------------------------------------

    async def list_models(self, request: web.Request) -> web.StreamResponse:
        return self._json(request, _MODELS_LIST)

    @staticmethod
    def _model_or_404(model: str) -> bytes:
        found = _MODELS_BY_ID.get(model)
        if found is not None:
            return found
        if model.startswith("ft:"):
            return orjson.dumps(
                {"id": model, "object": "model", "created": 1718000000, "owned_by": _ORG}
            )
        raise APIError(
            404,
            f"The model '{model}' does not exist",
            param="model",
            code="model_not_found",
        )

    async def retrieve_model(self, request: web.Request) -> web.StreamResponse:
        return self._json(request, self._model_or_404(request.match_info["model"]))

    async def delete_model(self, request: web.Request) -> web.StreamResponse:
        model = request.match_info["model"]
        self._model_or_404(model)
        return self._json(request, orjson.dumps({"id": model, "object": "model", "deleted": True}))


def create_app(mock: MockOpenAI | None = None) -> web.Application:
    """The ``aiohttp.web`` application (routes at the root and under ``/v1``)."""
    mock = mock if mock is not None else MockOpenAI()
    app = web.Application(middlewares=[mock._middleware], client_max_size=64 * 1024 * 1024)
    routes: list[tuple[str, str, _Handler]] = [
        ("POST", "/chat/completions", mock.chat_completions),
        ("POST", "/responses", mock.responses),
        ("POST", "/embeddings", mock.embeddings),
        ("GET", "/models", mock.list_models),
        ("GET", "/models/{model}", mock.retrieve_model),
        ("DELETE", "/models/{model}", mock.delete_model),
    ]
    from ._routes import extra_routes

    routes.extend(extra_routes(mock))
    for prefix in ("", "/v1"):
        for method, path, handler in routes:
            app.router.add_route(method, prefix + path, handler)
    return app


class ThreadedMockOpenAI:
    """A :class:`MockOpenAI` running on a daemon thread with its own event loop."""

    def __init__(self, mock: MockOpenAI, host: str = "127.0.0.1", port: int = 0) -> None:
        self.mock = mock
        self.host = host
        self.port = port
        self.base_url = ""
        self._loop: asyncio.AbstractEventLoop | None = None
        self._thread: threading.Thread | None = None

    def start(self) -> str:
        if self._thread is not None:
            raise RuntimeError("already started")
        ready = threading.Event()
        failure: list[BaseException] = []

        def run() -> None:
            loop = asyncio.new_event_loop()
            self._loop = loop
            try:
                try:
                    self.base_url = loop.run_until_complete(self.mock.start(self.host, self.port))
                except BaseException as exc:
                    failure.append(exc)
                    return
                finally:
                    ready.set()
                loop.run_forever()
                loop.run_until_complete(self.mock.stop())
                pending = [t for t in asyncio.all_tasks(loop) if not t.done()]
                for task in pending:
                    task.cancel()
                if pending:
                    loop.run_until_complete(asyncio.gather(*pending, return_exceptions=True))
                loop.run_until_complete(loop.shutdown_asyncgens())
            finally:
                loop.close()

        self._thread = threading.Thread(target=run, name="oxide-mock-openai", daemon=True)
        self._thread.start()
        ready.wait()
        if failure:
            self._thread.join()
            self._thread = None
            raise failure[0]
        return self.base_url

    def stop(self) -> None:
        thread, self._thread = self._thread, None
        if thread is None:
            return
        if self._loop is not None and not self._loop.is_closed():
            self._loop.call_soon_threadsafe(self._loop.stop)
        thread.join()

    def cpu_time(self) -> float:
        """CPU seconds used so far by the server thread (0.0 where the OS cannot tell)."""
        thread = self._thread
        if thread is None or thread.ident is None or not hasattr(time, "pthread_getcpuclockid"):
            return 0.0
        try:
            return time.clock_gettime(time.pthread_getcpuclockid(thread.ident))
        except OSError:
            return 0.0

    def __enter__(self) -> str:
        return self.start()

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.stop()
