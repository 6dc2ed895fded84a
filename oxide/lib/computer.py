"""Run the Responses computer tool with a caller-owned browser or desktop driver.

Mirrors `openai.lib.computer` (SDK 3.63): `ComputerToolset.run()` loops on
`responses.create` (non-streaming, full history replayed each step, so it works with
`store=False`), executes each completed `computer_call` through the driver, and answers with a
`computer_call_output` holding a fresh screenshot. `execute()` runs one call for applications
that own their loop.

Where the SDK validates with pydantic, this module checks values explicitly (oxide's Structs
are not validated on construction), with the SDK's error messages. The private helpers
(`_actions`, `_snapshot_call`, `_snapshot_request`, `_snapshot_response`,
`_valid_native_message`, `_valid_native_reasoning`, `_capture_replay`) keep the SDK's names and
signatures: the tool runners share them.
"""

from __future__ import annotations

from abc import abstractmethod
from collections.abc import Awaitable, Callable, Iterable, Mapping
from copy import deepcopy
from inspect import isawaitable, iscoroutine
from math import isfinite
from time import monotonic
from typing import TYPE_CHECKING, Any, Protocol, TypeAlias, TypeVar, Union, cast

import msgspec
import orjson

from .._json import encode_body
from .._models import BaseModel, convert
from .._types import Headers, NotGiven, Omit
from ..types.responses import (
    Response,
    ResponseComputerToolCall,
    ResponseOutputItem,
    ResponseOutputMessage,
    ResponseOutputRefusal,
    ResponseOutputText,
)
from ..types.responses import computer_action as modern
from ..types.responses import response_computer_tool_call as legacy
from ..types.responses.computer_action import ComputerAction
from ..types.responses.response_computer_tool_call import Action
from ..types.responses.response_computer_tool_call_output_screenshot_param import (
    ResponseComputerToolCallOutputScreenshotParam,
)
from ..types.responses.response_create_params import ResponseCreateParamsNonStreaming
from ..types.responses.response_input_param import ComputerCallOutput, ResponseInputParam
from ..types.responses.response_output_text import (
    AnnotationContainerFileCitation,
    AnnotationFileCitation,
    AnnotationFilePath,
    AnnotationURLCitation,
    Logprob,
    LogprobTopLogprob,
)
from ..types.responses.response_reasoning_item import Content, ResponseReasoningItem, Summary
from ..types.responses.tool_choice_allowed_param import ToolChoiceAllowedParam
from ..types.responses.tool_param import ToolParam
from ._tool_lifecycle import (
    CloseStatus,
    ToolLifecycle,
    callable_flavor,
    invoke,
    rotated_idempotency_headers,
)
from .tool_diagnostics import ToolDiagnosticObserver, emit_tool_diagnostic

if TYPE_CHECKING:
    from .._client import AsyncOpenAI, OpenAI

ComputerActionInput: TypeAlias = Union[Action, ComputerAction]  # noqa: UP007 (runtime aliases)
Screenshot: TypeAlias = ResponseComputerToolCallOutputScreenshotParam

__all__ = [
    "AsyncComputerDriver",
    "AsyncComputerToolset",
    "ComputerActionInput",
    "ComputerDriver",
    "ComputerToolset",
    "ComputerUseError",
    "Screenshot",
]

_M = TypeVar("_M", bound=BaseModel)


class ComputerDriver(Protocol):
    """Implement each action used by your environment. Screenshots use native pixels.

    Drivers own permissions, bounds checks, waits, and cleanup. A method must raise
    if it cannot execute an action; do not silently ignore unsupported input.
    Approval covers action arguments, not a frozen screen. For target-specific
    consent, bind the target or reject the action after a state change.
    """

    @abstractmethod
    def click(self, action: modern.Click | legacy.ActionClick) -> None: ...
    @abstractmethod
    def double_click(self, action: modern.DoubleClick | legacy.ActionDoubleClick) -> None: ...
    @abstractmethod
    def drag(self, action: modern.Drag | legacy.ActionDrag) -> None: ...
    @abstractmethod
    def keypress(self, action: modern.Keypress | legacy.ActionKeypress) -> None: ...
    @abstractmethod
    def move(self, action: modern.Move | legacy.ActionMove) -> None: ...
    @abstractmethod
    def scroll(self, action: modern.Scroll | legacy.ActionScroll) -> None: ...
    @abstractmethod
    def type(self, action: modern.Type | legacy.ActionType) -> None: ...
    @abstractmethod
    def wait(self, action: modern.Wait | legacy.ActionWait) -> None: ...
    @abstractmethod
    def screenshot(self) -> Screenshot: ...


class AsyncComputerDriver(Protocol):
    """Asynchronous version of ComputerDriver, with caller-owned cleanup."""

    @abstractmethod
    async def click(self, action: modern.Click | legacy.ActionClick) -> None: ...
    @abstractmethod
    async def double_click(self, action: modern.DoubleClick | legacy.ActionDoubleClick) -> None: ...
    @abstractmethod
    async def drag(self, action: modern.Drag | legacy.ActionDrag) -> None: ...
    @abstractmethod
    async def keypress(self, action: modern.Keypress | legacy.ActionKeypress) -> None: ...
    @abstractmethod
    async def move(self, action: modern.Move | legacy.ActionMove) -> None: ...
    @abstractmethod
    async def scroll(self, action: modern.Scroll | legacy.ActionScroll) -> None: ...
    @abstractmethod
    async def type(self, action: modern.Type | legacy.ActionType) -> None: ...
    @abstractmethod
    async def wait(self, action: modern.Wait | legacy.ActionWait) -> None: ...
    @abstractmethod
    async def screenshot(self) -> Screenshot: ...


class ComputerUseError(RuntimeError):
    """A run stopped before completion. The last response is available for inspection."""

    def __init__(self, message: str, response: Response | None = None) -> None:
        super().__init__(message)
        self.response = response


# --------------------------------------------------------------------------------------------
# Requests
# --------------------------------------------------------------------------------------------

# The body fields of `responses.create`; other keys (extra_headers, extra_body, timeout) are
# request options, passed through untouched as the SDK's `transform` leaves unknown keys.
_BODY_FIELDS = frozenset(
    ResponseCreateParamsNonStreaming.__required_keys__
    | ResponseCreateParamsNonStreaming.__optional_keys__
)
_RUNNER_OWNED = frozenset(
    {
        "stream",
        "background",
        "conversation",
        "previous_response_id",
        "tools",
        "input",
        "include",
        "tool_choice",
    }
)


def _jsonable(value: object) -> Any:
    # What the request will send: API objects (a previous response's items) become plain
    # dicts, as the SDK's `transform` dumps pydantic models. Encoding errors (NaN) surface now.
    return orjson.loads(encode_body(value))


def _snapshot_request(params: ResponseCreateParamsNonStreaming) -> ResponseCreateParamsNonStreaming:
    """An owned copy of `params` in wire form: later caller mutations cannot reach the loop."""
    request: dict[str, object] = dict(params)
    original = request.get("input")
    if original is not None and not isinstance(original, str):
        request["input"] = list(cast(Iterable[object], original))
    for key in ("tools", "include", "context_management"):
        value = request.get(key)
        if value is not None:
            request[key] = list(cast(Iterable[object], value))
    owned: dict[str, object] = {}
    for key, value in request.items():
        if isinstance(value, (NotGiven, Omit)):
            continue  # not given: left out, as the SDK's transform does
        owned[key] = _jsonable(value) if key in _BODY_FIELDS else value
    return cast(ResponseCreateParamsNonStreaming, deepcopy(owned))


def _prepare(
    params: ResponseCreateParamsNonStreaming, max_steps: object
) -> ResponseCreateParamsNonStreaming:
    if isinstance(max_steps, bool) or not isinstance(max_steps, int) or max_steps < 1:
        raise ValueError("max_steps must be a positive integer")
    request = _snapshot_request(params)
    raw = cast(dict[str, object], request)
    extra_body = raw.get("extra_body")
    if isinstance(extra_body, Mapping) and _RUNNER_OWNED.intersection(
        cast(Mapping[str, object], extra_body)
    ):
        raise ValueError("ComputerToolset extra_body cannot override runner-owned fields")
    # Untyped callers are checked at run time even though the typed request excludes streams.
    if raw.get("stream") or raw.get("background"):
        raise ValueError("ComputerToolset requires non-streaming, foreground responses")
    if raw.get("previous_response_id") or raw.get("conversation"):
        raise ValueError(
            "Pass complete input history; conversation and previous_response_id are not supported"
        )
    configured_tools = raw.get("tools")
    if configured_tools is None and "tools" in raw:
        raise ValueError("ComputerToolset requires exactly one computer tool")
    tools: list[ToolParam] = (
        [{"type": "computer"}]
        if configured_tools is None
        else list(cast(list[ToolParam], configured_tools))
    )
    if (
        len(tools) != 1
        or not isinstance(tools[0], Mapping)
        or tools[0].get("type") not in {"computer", "computer_use_preview"}
    ):
        raise ValueError("ComputerToolset requires exactly one computer tool")
    raw["tools"] = tools
    raw["stream"] = False
    original_input = raw.get("input", [])
    raw["input"] = (
        [{"role": "user", "content": original_input}]
        if isinstance(original_input, str)
        else list(cast(list[object], original_input))
    )
    # Replay full history so the same loop works when response storage is disabled.
    include = cast("list[str] | None", raw.get("include")) or []
    raw["include"] = list(dict.fromkeys([*include, "reasoning.encrypted_content"]))
    return request


def _rotate_computer_key(
    client: OpenAI | AsyncOpenAI, request: ResponseCreateParamsNonStreaming
) -> None:
    raw = cast(dict[str, object], request)
    headers = rotated_idempotency_headers(client, cast("Headers | None", raw.get("extra_headers")))
    if headers is not None:
        # extra_headers is a create option outside the generated body fields.
        raw["extra_headers"] = headers


# --------------------------------------------------------------------------------------------
# Owned copies of what the API returned
# --------------------------------------------------------------------------------------------


def _own(obj: BaseModel, cls: type[_M]) -> _M:
    """A `cls` holding `obj`'s declared fields as they are (unset stays unset, malformed values
    stay malformed for the checks to reject), its unknown keys too. Built without conversion:
    a subclass's hooks cannot change it after inspection."""
    raw = dict(zip(type(obj).__struct_fields__, msgspec.structs.astuple(obj), strict=True))
    owned = cls(**{name: raw[name] for name in cls.__struct_fields__ if name in raw})
    state = getattr(obj, "__dict__", None)
    if state:
        owned.__dict__.update(state)
    return owned


def _parsed(tp: Any, value: object) -> Any:
    # A model built in code keeps the plain dicts it was given, where the SDK's pydantic
    # constructor parses them: parse those as the SDK would (leniently; the checks in
    # `_actions` still reject what does not fit). Anything else is kept as it is.
    return convert(tp, value) if type(value) is dict else value


def _snapshot_call(call: ResponseComputerToolCall) -> ResponseComputerToolCall:
    # Construct no nested values: replay must keep already parsed actions, including
    # malformed values built in code that validation rejects.
    if isinstance(cast(object, call), list) or not isinstance(call, BaseModel):
        raise ComputerUseError("Invalid computer call")
    owned = _own(call, ResponseComputerToolCall)
    raw = cast(Any, owned)
    if raw.action is not None:
        raw.action = _parsed(Action, raw.action)
    if isinstance(raw.actions, list):
        raw.actions = [_parsed(ComputerAction, action) for action in raw.actions]
    checks = cast(object, owned.pending_safety_checks)
    if isinstance(checks, list):
        # Keep malformed supplied values for `_actions` to reject, not coerce.
        owned.pending_safety_checks = [
            _own(check, legacy.PendingSafetyCheck)
            if isinstance(check, legacy.PendingSafetyCheck)
            else _parsed(legacy.PendingSafetyCheck, check)
            for check in checks
        ]
    return deepcopy(owned)


def _snapshot_response(response: Response) -> Response:
    # Own the declared fields without re-parsing: a subclass's getters or serialisation hooks
    # must not change the response after inspection.
    output = [
        _snapshot_call(item) if isinstance(item, ResponseComputerToolCall) else deepcopy(item)
        for item in response.output
    ]
    owned = _own(response, Response)
    owned.output = []  # copied above, item by item: not twice
    owned = deepcopy(owned)
    owned.output = output
    return owned


# --------------------------------------------------------------------------------------------
# What may be replayed
# --------------------------------------------------------------------------------------------


def _valid_annotation(value: object) -> bool:
    kind = getattr(value, "type", None)
    strings: tuple[str, ...]
    integers: tuple[str, ...]
    if isinstance(value, AnnotationFileCitation) and kind == "file_citation":
        strings, integers = ("file_id", "filename"), ("index",)
    elif isinstance(value, AnnotationURLCitation) and kind == "url_citation":
        strings, integers = ("title", "url"), ("start_index", "end_index")
    elif isinstance(value, AnnotationContainerFileCitation) and kind == "container_file_citation":
        strings, integers = ("container_id", "file_id", "filename"), ("start_index", "end_index")
    elif isinstance(value, AnnotationFilePath) and kind == "file_path":
        strings, integers = ("file_id",), ("index",)
    else:
        return False
    return all(isinstance(getattr(value, name, None), str) for name in strings) and all(
        type(getattr(value, name, None)) is int for name in integers
    )


def _valid_logprob(value: object) -> bool:
    if not isinstance(value, (Logprob, LogprobTopLogprob)):
        return False
    token = getattr(value, "token", None)
    octets = getattr(value, "bytes", None)
    score = getattr(value, "logprob", None)
    return (
        isinstance(token, str)
        and isinstance(octets, list)
        and all(type(byte) is int for byte in cast(list[object], octets))
        and (type(score) is int or (type(score) is float and isfinite(score)))
    )


def _valid_output_text(part: ResponseOutputText) -> bool:
    annotations = getattr(part, "annotations", None)
    logprobs = getattr(part, "logprobs", None)
    if (
        not isinstance(getattr(part, "text", None), str)
        or not isinstance(annotations, list)
        or not all(_valid_annotation(a) for a in cast(list[object], annotations))
    ):
        return False
    if logprobs is None:
        return True
    if not isinstance(logprobs, list):
        return False
    for logprob in cast(list[object], logprobs):
        top = getattr(logprob, "top_logprobs", None)
        if (
            not isinstance(logprob, Logprob)
            or not _valid_logprob(logprob)
            or not isinstance(top, list)
            or not all(
                isinstance(candidate, LogprobTopLogprob) and _valid_logprob(candidate)
                for candidate in cast(list[object], top)
            )
        ):
            return False
    return True


def _valid_native_message(item: ResponseOutputMessage) -> bool:
    if (
        not isinstance(getattr(item, "id", None), str)
        or getattr(item, "role", None) != "assistant"
        or getattr(item, "status", None) not in ("completed", "incomplete", "in_progress")
        or getattr(item, "phase", None) not in (None, "commentary", "final_answer")
        or not isinstance(getattr(item, "content", None), list)
    ):
        return False
    for part in cast(list[object], item.content):
        kind = getattr(part, "type", None)
        if isinstance(part, ResponseOutputRefusal) and kind == "refusal":
            if not isinstance(getattr(part, "refusal", None), str):
                return False
        elif isinstance(part, ResponseOutputText) and kind == "output_text":
            if not _valid_output_text(part):
                return False
        else:
            return False
    return True


def _valid_native_reasoning(item: ResponseReasoningItem) -> bool:
    summary = getattr(item, "summary", None)
    if (
        not isinstance(getattr(item, "id", None), str)
        or not isinstance(summary, list)
        or any(
            not isinstance(part, Summary)
            or getattr(part, "type", None) != "summary_text"
            or not isinstance(getattr(part, "text", None), str)
            for part in cast(list[object], summary)
        )
    ):
        return False
    content = cast(object, item.content)
    if "content" in item.model_fields_set and (
        not isinstance(content, list)
        or any(
            not isinstance(part, Content)
            or getattr(part, "type", None) != "reasoning_text"
            or not isinstance(getattr(part, "text", None), str)
            for part in cast(list[object], content)
        )
    ):
        return False
    encrypted = cast(object, item.encrypted_content)
    return (encrypted is None or isinstance(encrypted, str)) and (
        "status" not in item.model_fields_set
        or item.status in ("completed", "incomplete", "in_progress")
    )


def _valid_output_item(item: object, response: Response) -> None:
    kind = getattr(item, "type", None)
    if kind == "message" and isinstance(item, ResponseOutputMessage):
        if not _valid_native_message(item):
            raise ComputerUseError(
                "Response requires native assistant content before replay", response
            )
    elif kind == "reasoning" and isinstance(item, ResponseReasoningItem):
        if not _valid_native_reasoning(item):
            raise ComputerUseError(
                "Response requires native reasoning content before replay", response
            )
    elif kind == "compaction":
        if not isinstance(getattr(item, "id", None), str) or not isinstance(
            getattr(item, "encrypted_content", None), str
        ):
            raise ComputerUseError(
                "Response requires native compaction content before replay", response
            )
    else:
        raise ComputerUseError("Response requires a tool this helper does not handle", response)


def _calls(
    response: Response, last_step: bool, earlier_identities: set[str], earlier_call_ids: set[str]
) -> list[ResponseComputerToolCall]:
    if response.status != "completed":
        raise ComputerUseError("Response did not complete", response)
    calls: list[ResponseComputerToolCall] = []
    identities: set[object] = set()
    call_ids: set[str] = set()
    for item in cast(list[object], response.output):
        if isinstance(item, ResponseComputerToolCall) and item.type == "computer_call":
            if item.status != "completed":
                raise ComputerUseError("Computer call did not complete", response)
            try:
                _actions(item)
            except ComputerUseError as exc:
                exc.response = response
                raise
            if item.call_id in call_ids or item.call_id in earlier_call_ids:
                raise ComputerUseError("Response has a duplicate computer call identity", response)
            call_ids.add(item.call_id)
            calls.append(item)
        else:
            _valid_output_item(item, response)
        identity = getattr(item, "id", None)
        if identity in identities or (identity != "" and identity in earlier_identities):
            raise ComputerUseError("Response has a duplicate output item identity", response)
        identities.add(identity)
    earlier_identities.update(i for i in identities if isinstance(i, str) and i != "")
    earlier_call_ids.update(call_ids)
    if calls and last_step:
        raise ComputerUseError("Computer run reached max_steps before completion", response)
    if not calls and not any(
        isinstance(item, ResponseOutputMessage)
        and item.status == "completed"
        and item.phase != "commentary"
        for item in response.output
    ):
        raise ComputerUseError("Response has no final message or computer call", response)
    return calls


def _initial_identities(request: ResponseCreateParamsNonStreaming) -> tuple[set[str], set[str]]:
    assert "input" in request  # _prepare captures and initialises the replay history.
    identities: set[str] = set()
    call_ids: set[str] = set()
    for item in cast(list[object], request["input"]):
        if isinstance(item, dict):
            data = cast(dict[str, object], item)
            identity, call_id = data.get("id"), data.get("call_id")
            if isinstance(identity, str) and identity != "":
                identities.add(identity)
            if isinstance(call_id, str):
                call_ids.add(call_id)
    return identities, call_ids


# --------------------------------------------------------------------------------------------
# Actions
# --------------------------------------------------------------------------------------------


def _actions(call: ResponseComputerToolCall) -> list[ComputerActionInput]:
    """The call's actions, checked before any approval or driver effect."""
    if not isinstance(cast(object, call.id), str):
        raise ComputerUseError("Computer call needs a string id")
    if not isinstance(cast(object, call.call_id), str):
        raise ComputerUseError("Computer call needs a string call_id")
    fields_set = call.model_fields_set
    if (
        ("actions" in fields_set and call.actions is None)
        or ("action" in fields_set and call.action is None)
        or (call.actions is not None and call.action is not None)
    ):
        raise ComputerUseError("Computer call requires exactly one of action or actions")
    actions: list[ComputerActionInput]
    if call.actions is not None:
        if not isinstance(cast(object, call.actions), list):
            raise ComputerUseError("Invalid computer action")
        actions = list(call.actions)
    elif call.action is not None:
        actions = [call.action]
    else:
        raise ComputerUseError("Computer call has no actions")
    if not actions:
        raise ComputerUseError("Computer call has no actions")
    # Modern responses can omit this legacy field entirely, but a supplied field must be
    # valid before any approvals or driver effects.
    if "pending_safety_checks" not in fields_set:
        if call.action is not None:
            raise ComputerUseError("Legacy computer call is missing safety checks")
    else:
        checks = cast(object, call.pending_safety_checks)
        if not isinstance(checks, list):
            raise ComputerUseError("Computer safety checks are malformed")
        for check in cast(list[object], checks):
            if (
                not isinstance(check, legacy.PendingSafetyCheck)
                or not isinstance(cast(object, check.id), str)
                or (check.code is not None and not isinstance(cast(object, check.code), str))
                or (check.message is not None and not isinstance(cast(object, check.message), str))
            ):
                raise ComputerUseError("Computer safety checks are malformed")
    for action in actions:
        if not _valid_action(action):
            raise ComputerUseError("Invalid computer action")
    return actions


def _integer_coordinate(value: object) -> bool:
    return isinstance(value, int) and not isinstance(value, bool)


def _valid_point(point: object) -> bool:
    return (
        isinstance(point, BaseModel)
        and _integer_coordinate(getattr(point, "x", None))
        and _integer_coordinate(getattr(point, "y", None))
    )


_BUTTONS = frozenset({"left", "right", "wheel", "back", "forward"})


def _valid_action(action: object) -> bool:
    # Only the SDK's action models: a plain dict or an unknown action type is refused (its
    # `keys` would be the dict method).
    if not isinstance(action, BaseModel):
        return False
    keys: object = getattr(action, "keys", None)
    if keys is not None and (
        not isinstance(keys, list) or any(not isinstance(k, str) for k in cast(list[object], keys))
    ):
        return False
    kind = getattr(action, "type", None)
    if kind == "click":
        return _valid_point(action) and getattr(action, "button", None) in _BUTTONS
    if kind in ("double_click", "move"):
        return _valid_point(action)
    if kind == "scroll":
        return (
            _valid_point(action)
            and _integer_coordinate(getattr(action, "scroll_x", None))
            and _integer_coordinate(getattr(action, "scroll_y", None))
        )
    if kind == "drag":
        path = getattr(action, "path", None)
        return isinstance(path, list) and all(_valid_point(p) for p in cast(list[object], path))
    if kind == "keypress":
        return isinstance(keys, list)
    if kind == "type":
        return isinstance(getattr(action, "text", None), str)
    return kind in ("screenshot", "wait")


def _reject_sync_awaitable(value: object) -> None:
    if isawaitable(value):
        if iscoroutine(value):
            value.close()
        raise ComputerUseError(
            "Synchronous computer driver returned an awaitable; use AsyncComputerToolset."
        )


_SCREENSHOT_ERROR = "Driver must return a computer_screenshot with image_url or file_id"


def _output(call: ResponseComputerToolCall, screenshot: object) -> ComputerCallOutput:
    if not isinstance(screenshot, dict):
        raise ComputerUseError(_SCREENSHOT_ERROR)
    source = cast(dict[str, object], screenshot)
    image_url, file_id = source.get("image_url"), source.get("file_id")
    if (
        source.get("type") != "computer_screenshot"
        or (image_url is not None and (not isinstance(image_url, str) or not image_url.strip()))
        or (file_id is not None and (not isinstance(file_id, str) or not file_id.strip()))
        or (image_url is None and file_id is None)
    ):
        raise ComputerUseError(_SCREENSHOT_ERROR)
    # A fresh dict of the known keys: the driver's own object is never sent or kept.
    image: Screenshot = {"type": "computer_screenshot"}
    if isinstance(image_url, str):
        image["image_url"] = image_url
    if isinstance(file_id, str):
        image["file_id"] = file_id
    return {
        "type": "computer_call_output",
        "call_id": call.call_id,
        "output": image,
        "acknowledged_safety_checks": [
            {"id": check.id, "code": check.code, "message": check.message}
            for check in call.pending_safety_checks or []
        ],
    }


def _capture_replay(items: Iterable[ResponseOutputItem]) -> ResponseInputParam:
    """Output items as the next request's input items (JSON-ready dicts)."""
    replay: list[dict[str, object]] = []
    for item in items:
        data = item.to_dict(mode="python")
        data.pop("created_by", None)
        if getattr(item, "type", None) == "function_call":
            data.pop("parsed_arguments", None)
        replay.append(data)
    # Through the request encoder, so what is replayed is exactly what will be sent.
    return cast(ResponseInputParam, _jsonable(replay))


def _continue(
    request: ResponseCreateParamsNonStreaming, response: Response
) -> list[dict[str, object]]:
    assert "input" in request  # _prepare always initialises the replay history.
    history = cast(list[dict[str, object]], request["input"])
    # Only serialise this response, not all prior history.
    history.extend(cast(list[dict[str, object]], _capture_replay(response.output)))
    raw = cast(dict[str, object], request)
    choice = raw.get("tool_choice")
    # A forced tool choice would force a computer call forever: later steps may answer.
    if choice == "required" or (
        isinstance(choice, dict)
        and choice.get("type") in {"computer", "computer_use_preview", "computer_use"}
    ):
        raw["tool_choice"] = "auto"
    elif (
        isinstance(choice, dict)
        and choice.get("type") == "allowed_tools"
        and choice.get("mode") == "required"
    ):
        allowed = cast(ToolChoiceAllowedParam, choice)
        raw["tool_choice"] = {"type": "allowed_tools", "tools": allowed["tools"], "mode": "auto"}
    return history


def _check_cancelled(cancelled: Callable[[], bool] | None, response: Response | None) -> None:
    if cancelled is not None and cancelled():
        raise ComputerUseError("Computer run was cancelled", response)


_DRIVER_MEMBERS = (
    "click",
    "double_click",
    "drag",
    "keypress",
    "move",
    "screenshot",
    "scroll",
    "type",
    "wait",
)


def _computer_handlers(driver: object, *, asynchronous: bool) -> dict[str, Callable[..., object]]:
    handlers: dict[str, Callable[..., object]] = {}
    for member in _DRIVER_MEMBERS:
        handler = getattr(driver, member, None)
        if not callable(handler):
            raise ValueError("Computer toolset requires callable computer driver methods.")
        returns_awaitable = callable_flavor(handler)
        if returns_awaitable is not None and returns_awaitable != asynchronous:
            correct = "AsyncComputerToolset" if returns_awaitable else "ComputerToolset"
            raise ValueError(
                f"Computer member {member!r} has the wrong method flavor; use {correct}."
            )
        handlers[member] = handler
    return handlers


def _planned(call: ResponseComputerToolCall) -> tuple[ResponseComputerToolCall, list[Any]]:
    """The owned call and its actions, ending with the screenshot that answers it."""
    call = deepcopy(call)
    if call.type != "computer_call" or call.status != "completed":
        raise ComputerUseError("Computer call did not complete")
    actions: list[Any] = _actions(call)
    _capture_replay([call])  # fails now, before any effect, if the call cannot be replayed
    if actions[-1].type != "screenshot":
        actions.append(modern.Screenshot(type="screenshot"))
    return call, actions


# --------------------------------------------------------------------------------------------
# The toolsets
# --------------------------------------------------------------------------------------------


class ComputerToolset:
    """Dispatch computer actions and run the non-streaming Responses loop.

    No browser is opened by this helper. Supply an isolated driver and call its
    cleanup method yourself. Use client.with_options() for HTTP request settings.
    """

    def __init__(self, driver: ComputerDriver) -> None:
        self.driver = driver
        self._handlers = _computer_handlers(driver, asynchronous=False)
        self._lifecycle = ToolLifecycle("Computer toolset")

    def close(self) -> CloseStatus:
        return self._lifecycle.close()

    def run(
        self,
        client: OpenAI,
        params: ResponseCreateParamsNonStreaming,
        *,
        max_steps: int = 20,
        approve_safety_checks: Callable[[ResponseComputerToolCall], bool] | None = None,
        before_action: Callable[[ComputerActionInput], bool] | None = None,
        cancelled: Callable[[], bool] | None = None,
        on_diagnostic: ToolDiagnosticObserver | None = None,
    ) -> Response:
        """Run until a final message. Policy callbacks must return exactly True.

        max_steps limits responses.create calls, including the final response.
        Client HTTP retry settings still apply to each call.

        Safety checks stop execution unless explicitly approved. before_action
        runs before every requested action and the final screenshot. It is
        the application's place to confirm consequential actions. Cancellation is
        cooperative between requests and driver calls; drivers must bound I/O.
        """
        self._lifecycle.enter()
        try:
            request = _prepare(params, max_steps)
            earlier_identities, earlier_call_ids = _initial_identities(request)
            response: Response | None = None
            for step in range(max_steps):
                _check_cancelled(cancelled, response)
                if step:
                    _rotate_computer_key(client, request)
                created = cast(Any, client.responses).create(**request)
                response = _snapshot_response(created)
                _check_cancelled(cancelled, response)
                calls = _calls(
                    response, step == max_steps - 1, earlier_identities, earlier_call_ids
                )
                if not calls:
                    return response
                history = _continue(request, response)
                outputs: list[ComputerCallOutput] = []
                for call in calls:
                    try:
                        outputs.append(
                            self._dispatch(
                                call,
                                approve_safety_checks=approve_safety_checks,
                                before_action=before_action,
                                cancelled=cancelled,
                                on_diagnostic=on_diagnostic,
                            )
                        )
                    except ComputerUseError as exc:
                        exc.response = response
                        raise
                history.extend(cast(list[dict[str, object]], outputs))
            raise AssertionError("unreachable")
        finally:
            self._lifecycle.exit()

    def execute(
        self,
        call: ResponseComputerToolCall,
        *,
        approve_safety_checks: Callable[[ResponseComputerToolCall], bool] | None = None,
        before_action: Callable[[ComputerActionInput], bool] | None = None,
        cancelled: Callable[[], bool] | None = None,
        on_diagnostic: ToolDiagnosticObserver | None = None,
    ) -> ComputerCallOutput:
        """Execute one complete call for applications that manage their own loop."""
        self._lifecycle.enter()
        try:
            return self._dispatch(
                _snapshot_call(call),
                approve_safety_checks=approve_safety_checks,
                before_action=before_action,
                cancelled=cancelled,
                on_diagnostic=on_diagnostic,
            )
        finally:
            self._lifecycle.exit()

    def _dispatch(
        self,
        call: ResponseComputerToolCall,
        *,
        approve_safety_checks: Callable[[ResponseComputerToolCall], bool] | None,
        before_action: Callable[[ComputerActionInput], bool] | None,
        cancelled: Callable[[], bool] | None,
        on_diagnostic: ToolDiagnosticObserver | None,
    ) -> ComputerCallOutput:
        call, actions = _planned(call)
        events = _Events(on_diagnostic, call.call_id, cancelled)
        _check_cancelled(cancelled, None)
        started = monotonic()
        if call.pending_safety_checks:
            try:
                approved = (
                    invoke(approve_safety_checks, deepcopy(call), cancelled=cancelled)
                    if approve_safety_checks is not None
                    else False
                )
                _check_cancelled(cancelled, None)
            except Exception:
                events.approval_failed(started, None)
                raise
            events.approval(approved, started, None)
        for action in actions:
            _check_cancelled(cancelled, None)
            started = monotonic()
            if before_action is not None:
                try:
                    approved = invoke(before_action, deepcopy(action), cancelled=cancelled)
                    _check_cancelled(cancelled, None)
                except Exception:
                    events.approval_failed(started, action.type)
                    raise
                events.approval(approved, started, action.type)
            _check_cancelled(cancelled, None)
            if action.type == "screenshot":
                continue  # Capture the resulting screen once, after the whole batch.
            started = monotonic()
            try:
                result = invoke(self._handlers[action.type], deepcopy(action), cancelled=cancelled)
                _reject_sync_awaitable(result)
                _check_cancelled(cancelled, None)
            except Exception:
                events.action_failed(started, action.type)
                raise
            events.emit("action", "completed", started, action.type)
        _check_cancelled(cancelled, None)
        started = monotonic()
        try:
            screenshot = invoke(self._handlers["screenshot"], cancelled=cancelled)
            _reject_sync_awaitable(screenshot)
            output = _output(call, screenshot)
            _check_cancelled(cancelled, None)
        except Exception:
            events.action_failed(started, "screenshot")
            raise
        events.emit("action", "completed", started, "screenshot")
        _check_cancelled(cancelled, None)
        return output


class AsyncComputerToolset:
    """Asynchronous ComputerToolset with the same approval and history behavior."""

    def __init__(self, driver: AsyncComputerDriver) -> None:
        self.driver = driver
        self._handlers = _computer_handlers(driver, asynchronous=True)
        self._lifecycle = ToolLifecycle("Computer toolset")

    def close(self) -> CloseStatus:
        return self._lifecycle.close()

    async def run(
        self,
        client: AsyncOpenAI,
        params: ResponseCreateParamsNonStreaming,
        *,
        max_steps: int = 20,
        approve_safety_checks: Callable[[ResponseComputerToolCall], Awaitable[bool]] | None = None,
        before_action: Callable[[ComputerActionInput], Awaitable[bool]] | None = None,
        cancelled: Callable[[], bool] | None = None,
        on_diagnostic: ToolDiagnosticObserver | None = None,
    ) -> Response:
        self._lifecycle.enter()
        try:
            request = _prepare(params, max_steps)
            earlier_identities, earlier_call_ids = _initial_identities(request)
            response: Response | None = None
            for step in range(max_steps):
                _check_cancelled(cancelled, response)
                if step:
                    _rotate_computer_key(client, request)
                created = await cast(Any, client.responses).create(**request)
                response = _snapshot_response(created)
                _check_cancelled(cancelled, response)
                calls = _calls(
                    response, step == max_steps - 1, earlier_identities, earlier_call_ids
                )
                if not calls:
                    return response
                history = _continue(request, response)
                outputs: list[ComputerCallOutput] = []
                for call in calls:
                    try:
                        outputs.append(
                            await self._dispatch(
                                call,
                                approve_safety_checks=approve_safety_checks,
                                before_action=before_action,
                                cancelled=cancelled,
                                on_diagnostic=on_diagnostic,
                            )
                        )
                    except ComputerUseError as exc:
                        exc.response = response
                        raise
                history.extend(cast(list[dict[str, object]], outputs))
            raise AssertionError("unreachable")
        finally:
            self._lifecycle.exit()

    async def execute(
        self,
        call: ResponseComputerToolCall,
        *,
        approve_safety_checks: Callable[[ResponseComputerToolCall], Awaitable[bool]] | None = None,
        before_action: Callable[[ComputerActionInput], Awaitable[bool]] | None = None,
        cancelled: Callable[[], bool] | None = None,
        on_diagnostic: ToolDiagnosticObserver | None = None,
    ) -> ComputerCallOutput:
        """Execute one complete call for applications that manage their own loop."""
        self._lifecycle.enter()
        try:
            return await self._dispatch(
                _snapshot_call(call),
                approve_safety_checks=approve_safety_checks,
                before_action=before_action,
                cancelled=cancelled,
                on_diagnostic=on_diagnostic,
            )
        finally:
            self._lifecycle.exit()

    async def _dispatch(
        self,
        call: ResponseComputerToolCall,
        *,
        approve_safety_checks: Callable[[ResponseComputerToolCall], Awaitable[bool]] | None,
        before_action: Callable[[ComputerActionInput], Awaitable[bool]] | None,
        cancelled: Callable[[], bool] | None,
        on_diagnostic: ToolDiagnosticObserver | None,
    ) -> ComputerCallOutput:
        call, actions = _planned(call)
        events = _Events(on_diagnostic, call.call_id, cancelled)
        _check_cancelled(cancelled, None)
        started = monotonic()
        if call.pending_safety_checks:
            try:
                approved = (
                    await cast(
                        Awaitable[bool],
                        invoke(approve_safety_checks, deepcopy(call), cancelled=cancelled),
                    )
                    if approve_safety_checks is not None
                    else False
                )
                _check_cancelled(cancelled, None)
            except Exception:
                events.approval_failed(started, None)
                raise
            events.approval(approved, started, None)
        for action in actions:
            _check_cancelled(cancelled, None)
            started = monotonic()
            if before_action is not None:
                try:
                    approved = await cast(
                        Awaitable[bool],
                        invoke(before_action, deepcopy(action), cancelled=cancelled),
                    )
                    _check_cancelled(cancelled, None)
                except Exception:
                    events.approval_failed(started, action.type)
                    raise
                events.approval(approved, started, action.type)
            _check_cancelled(cancelled, None)
            if action.type == "screenshot":
                continue  # Capture the resulting screen once, after the whole batch.
            started = monotonic()
            try:
                await cast(
                    Awaitable[None],
                    invoke(self._handlers[action.type], deepcopy(action), cancelled=cancelled),
                )
                _check_cancelled(cancelled, None)
            except Exception:
                events.action_failed(started, action.type)
                raise
            events.emit("action", "completed", started, action.type)
        _check_cancelled(cancelled, None)
        started = monotonic()
        try:
            screenshot = await cast(
                Awaitable[Screenshot], invoke(self._handlers["screenshot"], cancelled=cancelled)
            )
            output = _output(call, screenshot)
            _check_cancelled(cancelled, None)
        except Exception:
            events.action_failed(started, "screenshot")
            raise
        events.emit("action", "completed", started, "screenshot")
        _check_cancelled(cancelled, None)
        return output


class _Events:
    """The diagnostics and error translation one dispatch shares between its sync and async
    forms (the SDK writes them out in each)."""

    __slots__ = ("call_id", "cancelled", "observer")

    def __init__(
        self,
        observer: ToolDiagnosticObserver | None,
        call_id: str,
        cancelled: Callable[[], bool] | None,
    ) -> None:
        self.observer = observer
        self.call_id = call_id
        self.cancelled = cancelled

    def emit(self, stage: Any, reason: Any, started: float, member: str | None) -> None:
        emit_tool_diagnostic(
            self.observer, "computer", stage, reason, started, call_id=self.call_id, member=member
        )

    def _stopped(self) -> bool:
        return self.cancelled is not None and self.cancelled()

    def approval(self, approved: object, started: float, member: str | None) -> None:
        """Exactly True approves; anything else (False, None, a truthy string) refuses."""
        if approved is not True:
            self.emit("approval", "refused", started, member)
            raise ComputerUseError(
                "Computer safety checks require explicit approval"
                if member is None
                else "Computer action was not approved"
            )
        self.emit("approval", "completed", started, member)

    def approval_failed(self, started: float, member: str | None) -> None:
        """A policy callback raised: cancellation wins over its error, which propagates."""
        if self._stopped():
            self.emit("approval", "cancelled", started, member)
            raise ComputerUseError("Computer run was cancelled") from None

    def action_failed(self, started: float, member: str) -> None:
        stopped = self._stopped()
        self.emit("action", "cancelled" if stopped else "driver_failed", started, member)
        if stopped:
            raise ComputerUseError("Computer run was cancelled") from None
