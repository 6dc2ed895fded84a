"""What the Responses tool runner checks before it replays anything (private).

The runner sends its history back verbatim on every request and a ledger can resume from it,
so every item must be exactly what the API produced or accepts: native IDs, paired call IDs,
declared and completed server tools, MCP approvals that match their requests, plain JSON
values. These are the SDK runner's checks (`openai/lib/responses_tool_runner.py`), the same
rules and messages, as pure functions over dicts and oxide's response Structs.
"""

from __future__ import annotations

import hashlib
import json
import math
from collections.abc import Mapping
from typing import Any, Literal, TypeAlias, cast

from .._models import convert
from .._types import NotGiven, Omit
from .._utils import is_given
from ..types.responses import Response, ResponseComputerToolCall, ResponseFunctionToolCall
from ..types.responses.response_function_call_output_item_list_param import (
    ResponseFunctionCallOutputItemListParam,
)
from ..types.responses.response_input import ResponseInput
from ..types.responses.response_input_param import ResponseInputParam
from ..types.responses.response_output_item import ResponseOutputItem
from ..types.responses.response_output_message import ResponseOutputMessage
from ..types.responses.tool_param import ToolParam
from .browser import _legacy_state_url
from .computer import ComputerUseError, _valid_native_message
from .computer import _actions as _computer_actions

FunctionResult: TypeAlias = str | ResponseFunctionCallOutputItemListParam


def _ledger_tools(tools: list[ToolParam]) -> list[ToolParam]:
    result: list[ToolParam] = []
    for tool in tools:
        if tool["type"] == "code_interpreter" and not isinstance(tool["container"], str):
            container = tool["container"]
            policy = container.get("network_policy")
            if (
                policy is not None
                and policy["type"] == "allowlist"
                and "domain_secrets" in policy
                and cast(object, policy["domain_secrets"]) is not None
            ):
                result.append(
                    {
                        **tool,
                        "container": {
                            **container,
                            "network_policy": {
                                **policy,
                                "domain_secrets": [
                                    {**secret, "value": ""} for secret in policy["domain_secrets"]
                                ],
                            },
                        },
                    }
                )
                continue
        if tool["type"] != "mcp":
            result.append(tool)
            continue
        registry = {
            key: value for key, value in tool.items() if key not in ("authorization", "headers")
        }
        url = registry.get("server_url")
        if isinstance(url, str):
            registry["server_url"] = (
                "sha256:" + hashlib.sha256(_legacy_state_url(url).encode("utf-8")).hexdigest()
            )
        result.append(cast(ToolParam, registry))
    return result


_SERVER_ITEMS: dict[str, frozenset[str]] = {
    "web_search_call": frozenset(
        {
            "web_search",
            "web_search_2025_08_26",
            "web_search_preview",
            "web_search_preview_2025_03_11",
        }
    ),
    "file_search_call": frozenset({"file_search"}),
    "code_interpreter_call": frozenset({"code_interpreter"}),
    "image_generation_call": frozenset({"image_generation"}),
    "mcp_call": frozenset({"mcp"}),
    "mcp_list_tools": frozenset({"mcp"}),
    "mcp_approval_request": frozenset({"mcp"}),
}
_SERVER_TOOLS = frozenset(kind for kinds in _SERVER_ITEMS.values() for kind in kinds)


def _validate_server_item(item: dict[str, object], tools: list[ToolParam]) -> None:
    kind = cast(str, item.get("type"))
    declared = _SERVER_ITEMS.get(kind, frozenset())
    matching = [tool for tool in tools if tool["type"] in declared]
    if not matching:
        raise ValueError("A server tool was not declared for this run.")
    if kind.startswith("mcp_"):
        label = item.get("server_label")
        if (
            type(label) is not str
            or not label
            or not any(tool["type"] == "mcp" and tool["server_label"] == label for tool in matching)
        ):
            raise ValueError("MCP item requires its declared server label.")
    if item.get("status") not in (None, "completed") or item.get("error") is not None:
        raise ValueError("A server tool did not complete; stop before dependent local effects.")
    if type(item.get("id")) is not str:
        raise ValueError("A server tool requires its native ID before replay.")
    valid = True
    if kind == "web_search_call":
        raw_action = item.get("action")
        action = cast(dict[str, object], raw_action) if isinstance(raw_action, dict) else None
        valid = item.get("status") == "completed" and action is not None
        if valid and action is not None:
            if action.get("type") == "search":
                queries = action.get("queries")
                sources = action.get("sources")
                valid = (
                    ("query" not in action or type(action["query"]) is str)
                    and (
                        "queries" not in action
                        or (
                            isinstance(queries, list)
                            and all(type(query) is str for query in cast(list[object], queries))
                        )
                    )
                    and ("sources" not in action or isinstance(sources, list))
                )
                if valid and isinstance(sources, list):
                    for source in cast(list[object], sources):
                        if not isinstance(source, dict):
                            valid = False
                            break
                        entry = cast(dict[str, object], source)
                        if entry.get("type") != "url" or type(entry.get("url")) is not str:
                            valid = False
                            break
            elif action.get("type") == "open_page":
                url = action.get("url")
                valid = url is None or type(url) is str
            else:
                valid = (
                    action.get("type") == "find_in_page"
                    and type(action.get("pattern")) is str
                    and type(action.get("url")) is str
                )
    elif kind == "file_search_call":
        queries = item.get("queries")
        results = item.get("results")
        valid = (
            item.get("status") == "completed"
            and isinstance(queries, list)
            and all(type(query) is str for query in cast(list[object], queries))
            and (results is None or isinstance(results, list))
        )
        if valid and isinstance(results, list):
            for result in cast(list[object], results):
                if not isinstance(result, dict):
                    valid = False
                    break
                entry = cast(dict[str, object], result)
                score = entry.get("score")
                attributes = entry.get("attributes")
                valid = (
                    all(
                        key not in entry or type(entry[key]) is str
                        for key in ("file_id", "filename", "text")
                    )
                    and (
                        "score" not in entry
                        or type(score) is int
                        or (type(score) is float and math.isfinite(score))
                    )
                    and (
                        attributes is None
                        or (
                            isinstance(attributes, dict)
                            and all(
                                type(value) in (str, bool, int)
                                or (type(value) is float and math.isfinite(value))
                                for value in cast(dict[str, object], attributes).values()
                            )
                        )
                    )
                )
                if not valid:
                    break
    elif kind == "code_interpreter_call":
        outputs = item.get("outputs")
        valid = (
            item.get("status") == "completed"
            and type(item.get("container_id")) is str
            and any(
                tool["type"] == "code_interpreter"
                and (
                    tool["container"] == item["container_id"]
                    or (
                        isinstance(tool["container"], dict)
                        and tool["container"].get("type") == "auto"
                    )
                )
                for tool in matching
            )
            and (
                "code" in item
                and (item["code"] is None or type(item["code"]) is str)
                and "outputs" in item
                and (outputs is None or isinstance(outputs, list))
            )
        )
        if valid and isinstance(outputs, list):
            for output in cast(list[object], outputs):
                if not isinstance(output, dict):
                    valid = False
                    break
                entry = cast(dict[str, object], output)
                if not (
                    (entry.get("type") == "logs" and type(entry.get("logs")) is str)
                    or (entry.get("type") == "image" and type(entry.get("url")) is str)
                ):
                    valid = False
                    break
    elif kind == "image_generation_call":
        image_action = item.get("action")
        background = item.get("background")
        output_format = item.get("output_format")
        quality = item.get("quality")
        prompt = item.get("revised_prompt")
        size = item.get("size")
        valid = (
            item.get("status") == "completed"
            and "result" in item
            and (item["result"] is None or type(item["result"]) is str)
            and image_action in (None, "generate", "edit", "auto")
            and background in (None, "transparent", "opaque", "auto")
            and output_format in (None, "png", "webp", "jpeg", "gif", "svg")
            and quality in (None, "low", "medium", "high", "xhigh", "max", "auto")
            and (prompt is None or type(prompt) is str)
            and (size is None or type(size) is str)
        )
    elif kind == "mcp_list_tools":
        listed = item.get("tools")
        valid = isinstance(listed, list)
        if isinstance(listed, list):
            for tool in cast(list[object], listed):
                if not isinstance(tool, dict):
                    valid = False
                    break
                entry = cast(dict[str, object], tool)
                description = entry.get("description")
                if (
                    type(entry.get("name")) is not str
                    or "input_schema" not in entry
                    or (description is not None and type(description) is not str)
                ):
                    valid = False
                    break
                _plain(entry)
    elif kind in ("mcp_call", "mcp_approval_request"):
        valid = type(item.get("name")) is str and type(item.get("arguments")) is str
        if kind == "mcp_call":
            output = item.get("output")
            valid = valid and (output is None or type(output) is str)
    if not valid:
        raise ValueError("A server tool requires its native fields before replay.")
    if kind == "mcp_approval_request" and (
        type(item.get("id")) is not str
        or not item["id"]
        or type(item.get("name")) is not str
        or type(item.get("arguments")) is not str
    ):
        raise ValueError("MCP approval requires its ID, name and arguments.")


def _mcp_approval_policy(
    declaration: Mapping[str, object], name: str
) -> Literal["always", "never"] | None:
    policy = declaration.get("require_approval")
    if policy is None:
        return "always"
    if policy == "always":
        return "always"
    if policy == "never":
        return "never"
    if not isinstance(policy, dict):
        return None
    filters = cast(dict[str, object], policy)
    matched: Literal["always", "never"] | None = None
    for rule in ("always", "never"):
        if rule not in filters:
            continue
        raw_filter = filters[rule]
        if not isinstance(raw_filter, dict):
            return None
        tool_filter = cast(dict[str, object], raw_filter)
        names = tool_filter.get("tool_names")
        if "read_only" in tool_filter or (
            "tool_names" in tool_filter and not isinstance(names, list)
        ):
            return None
        if "tool_names" not in tool_filter or (isinstance(names, list) and name in names):
            if matched is not None:
                return None
            matched = rule
    if matched is not None or ("always" in filters) == ("never" in filters):
        return matched
    return "never" if "always" in filters else "always"


def _validated_mcp_call(item: dict[str, object], approved: dict[str, dict[str, object]]) -> None:
    request_id = item.get("approval_request_id")
    if request_id is None:
        return
    request = approved.get(request_id) if type(request_id) is str else None
    if (
        request is None
        or request.get("server_label") != item.get("server_label")
        or request.get("name") != item.get("name")
        or request.get("arguments") != item.get("arguments")
    ):
        raise ValueError("MCP execution has no matching approved original request.")
    del approved[cast(str, request_id)]


def _approved_mcp_requests(history: ResponseInputParam) -> dict[str, dict[str, object]]:
    requests: dict[str, dict[str, object] | None] = {}
    approved: dict[str, dict[str, object]] = {}
    for item in cast(list[dict[str, object]], history):
        if item.get("type") == "mcp_approval_request" and type(item.get("id")) is str:
            requests.setdefault(cast(str, item["id"]), item)
        elif item.get("type") == "mcp_approval_response" and type(item.get("approve")) is bool:
            request_id = item.get("approval_request_id")
            request = requests.get(request_id) if type(request_id) is str else None
            if request is not None:
                requests[cast(str, request_id)] = None
                if item["approve"] is True:
                    approved[cast(str, request_id)] = request
        elif item.get("type") == "mcp_call":
            _validated_mcp_call(item, approved)
    return approved


def _plain(value: object, *, allow_omitted: bool = False) -> object:
    """Copy JSON values without serialization hooks or shared mutable objects."""
    if allow_omitted and not is_given(value):
        return value
    if value is None or type(value) in (str, bool, int):
        return value
    if type(value) is float:
        return json.loads(json.dumps(value, allow_nan=False))
    if type(value) is list:
        return [_plain(item, allow_omitted=allow_omitted) for item in cast(list[object], value)]
    if type(value) is dict:
        entries = cast(dict[object, object], value)
        if any(type(key) is not str for key in entries):
            raise ValueError("Checkpoint object keys must be strings.")
        return {
            cast(str, key): _plain(item, allow_omitted=allow_omitted)
            for key, item in entries.items()
        }
    raise ValueError("Checkpoint data must be plain JSON values.")


def _without_omitted(value: object) -> object:
    """Dict entries holding `omit`/`NOT_GIVEN` dropped at every depth: what the SDK's TypedDict
    `transform` does to a request before a ledger saves it."""
    if type(value) is dict:
        return {
            key: _without_omitted(item)
            for key, item in cast(dict[object, object], value).items()
            if not isinstance(item, (Omit, NotGiven))
        }
    if type(value) is list:
        return [_without_omitted(item) for item in cast(list[object], value)]
    return value


def _history_native_ids(history: ResponseInputParam) -> set[str]:
    defined: set[str] = set()
    reserved: set[str] = set()
    for item in cast(list[dict[str, object]], history):
        item_id = item.get("id")
        if type(item_id) is str and item_id:
            if item.get("type") != "item_reference" and not (
                item.get("type") is None and "role" not in item and "content" not in item
            ):
                if item_id in defined:
                    raise ValueError("Replay history has a duplicate native output item ID.")
                defined.add(item_id)
            reserved.add(item_id)
    return reserved


def _history_calls(
    history: ResponseInputParam, tools: list[ToolParam], *, budget_only: bool = False
) -> set[str]:
    # Modern computer calls can omit the legacy checklist; validate these with
    # the same action parser as dispatch, without changing the saved input.
    try:
        # oxide's decoders are lenient (mismatched values are kept for the checks below to
        # refuse); this refuses what no input item can hold.
        convert(
            ResponseInput,
            [
                item
                for item in history
                if item.get("type") not in ("computer_call", "computer_call_output")
            ],
        )
    except Exception:
        raise ValueError("Replay history does not match the Responses input schema.") from None
    _history_native_ids(history)
    names = {tool["name"] for tool in tools if tool["type"] == "function"}
    computer = any(tool["type"] in ("computer", "computer_use_preview") for tool in tools)
    calls: dict[str, str] = {}
    returned: set[str] = set()
    approvals: dict[str, dict[str, object]] = {}
    approved: dict[str, dict[str, object]] = {}
    answered: set[str] = set()
    for index, item in enumerate(cast(list[dict[str, object]], history)):
        kind = item.get("type", "message")
        if kind == "configuration_update":
            # Already schema-validated above. There is no tool call to pair.
            continue
        if budget_only:
            if kind == "compaction_trigger":
                if index != len(history) - 1:
                    raise ValueError("A compaction trigger must be the final input item.")
                continue
            if kind == "item_reference" or (
                item.get("type") is None
                and "id" in item
                and "role" not in item
                and "content" not in item
            ):
                if type(item.get("id")) is not str:
                    raise ValueError("Item references require a native string ID.")
                continue
        if kind in ("function_call", "computer_call"):
            call_id = item.get("call_id")
            if type(call_id) is not str or call_id in calls or call_id in approvals:
                raise ValueError("Replay history has a missing or duplicate call ID.")
            if item.get("status") not in (None, "completed"):
                raise ValueError("Replay history contains an incomplete call.")
            if kind == "function_call":
                name, arguments = item.get("name"), item.get("arguments")
                if (
                    type(name) is not str
                    or name not in names
                    or type(arguments) is not str
                    or not _valid_function_metadata(item)
                ):
                    raise ValueError("Replay history has an unregistered function.")
                if (
                    type(json.loads(arguments, parse_constant=_invalid_function_constant))
                    is not dict
                ):
                    raise ValueError("Replay function arguments must be a JSON object.")
            else:
                if not computer:
                    raise ValueError("Replay history requires a registered computer.")
                if item.get("status") != "completed":
                    raise ValueError("Replay history contains an incomplete computer call.")
                if type(item.get("id")) is not str:
                    raise ValueError("Replay computer call requires its native item ID.")
                native = ResponseComputerToolCall.construct(**cast(Any, item))
                try:
                    for action in _computer_actions(native):
                        convert(type(action), action.to_dict())
                except (ComputerUseError, AttributeError, TypeError, ValueError):
                    raise ValueError("Replay computer actions are malformed.") from None
                if json.dumps(native.to_dict(), sort_keys=True) != json.dumps(item, sort_keys=True):
                    raise ValueError("Replay computer fields cannot be coerced.")
            calls[call_id] = kind
        elif kind in ("function_call_output", "computer_call_output"):
            call_id = item.get("call_id")
            if (
                type(call_id) is not str
                or call_id not in calls
                or call_id in returned
                or kind != calls[call_id] + "_output"
            ):
                raise ValueError("Replay output has no matching original call.")
            if kind == "function_call_output":
                if not _valid_function_metadata(item, output=True):
                    raise ValueError("Replay function output has invalid native fields.")
                _supplied_result(item.get("output"))
            else:
                checks = item.get("acknowledged_safety_checks")
                if (
                    (item.get("id") is not None and type(item["id"]) is not str)
                    or item.get("status") not in (None, "in_progress", "completed", "incomplete")
                    or (
                        checks is not None
                        and (
                            type(checks) is not list
                            or any(
                                type(check) is not dict
                                or type(check.get("id")) is not str
                                or any(
                                    check.get(key) is not None and type(check[key]) is not str
                                    for key in ("code", "message")
                                )
                                for check in cast(list[dict[str, object]], checks)
                            )
                        )
                    )
                ):
                    raise ValueError("Replay computer output has invalid native fields.")
                screenshot = item.get("output")
                if type(screenshot) is not dict:
                    raise ValueError("Replay computer output requires its native screenshot.")
                screenshot = cast(dict[str, object], screenshot)
                identifiers = [screenshot.get("image_url"), screenshot.get("file_id")]
                if (
                    screenshot.get("type") != "computer_screenshot"
                    or any(value is not None and type(value) is not str for value in identifiers)
                    or not any(type(value) is str and value.strip() for value in identifiers)
                ):
                    raise ValueError("Replay computer output requires a screenshot identifier.")
            returned.add(call_id)
        elif kind == "mcp_approval_response":
            request_id = item.get("approval_request_id")
            if (
                type(request_id) is not str
                or request_id not in approvals
                or request_id in answered
                or type(item.get("approve")) is not bool
                or any(
                    item.get(key) is not None and type(item[key]) is not str
                    for key in ("id", "reason")
                )
            ):
                raise ValueError("Replay MCP approval does not match one pending original request.")
            answered.add(request_id)
            if item.get("approve") is True:
                approved[request_id] = approvals[request_id]
        elif kind in _SERVER_ITEMS:
            _validate_server_item(item, tools)
            if kind == "mcp_approval_request":
                request_id = item.get("id")
                if (
                    type(request_id) is not str
                    or not request_id
                    or request_id in approvals
                    or request_id in calls
                ):
                    raise ValueError("Replay MCP approval request IDs must be unique.")
                approvals[request_id] = item
            elif kind == "mcp_call":
                _validated_mcp_call(item, approved)
        elif kind == "compaction":
            if type(item.get("encrypted_content")) is not str or (
                item.get("id") is not None and type(item["id"]) is not str
            ):
                raise ValueError("Replay compaction needs native encrypted content.")
        elif kind == "reasoning":
            if not _valid_reasoning_history(item):
                raise ValueError("Replay history requires native reasoning fields.")
        elif kind == "message":
            if not _valid_input_message_history(item):
                raise ValueError("Replay history requires native message input fields.")
        else:
            raise ValueError("Replay history contains an unsupported item.")
    if calls.keys() != returned or approvals.keys() != answered:
        raise ValueError("Replay history contains unresolved calls.")
    return set(calls) | set(approvals)


def _valid_input_message_history(item: dict[str, object]) -> bool:
    # A parser can read an input as a different union member. Replay sends the saved
    # fields, so validate those rather than a parsed copy.
    if item.get("role") not in ("user", "assistant", "system", "developer"):
        return False
    content = item.get("content")
    if (type(content) is str or item.get("role") == "assistant") and item.get("phase") not in (
        None,
        "commentary",
        "final_answer",
    ):
        return False
    if type(content) is str:
        return True
    if type(content) is not list:
        return False
    if any(
        type(part) is dict
        and cast(dict[str, object], part).get("type") in ("output_text", "refusal")
        for part in cast(list[object], content)
    ):
        native = ResponseOutputMessage.construct(**cast(Any, item))
        return _valid_native_message(native) and _same_message_fields(item, native.to_dict())
    for raw in cast(list[object], content):
        if type(raw) is not dict:
            return False
        part = cast(dict[str, object], raw)
        if not _valid_native_input_part_history(part):
            return False
    return True


def _same_message_fields(original: object, parsed: object) -> bool:
    # A native float score accepts an integer, but strings and booleans must
    # never be converted into native text, indices, bytes or scores on replay.
    if type(original) is int and type(parsed) is float:
        return original == parsed
    if type(original) is not type(parsed):
        return False
    if type(original) is dict:
        left, right = cast(dict[str, object], original), cast(dict[str, object], parsed)
        return left.keys() == right.keys() and all(
            _same_message_fields(value, right[key]) for key, value in left.items()
        )
    if type(original) is list:
        items, values = cast(list[object], original), cast(list[object], parsed)
        return len(items) == len(values) and all(
            _same_message_fields(item, value) for item, value in zip(items, values, strict=True)
        )
    return original == parsed


def _valid_native_input_part_history(part: dict[str, object]) -> bool:
    if "prompt_cache_breakpoint" in part:
        breakpoint = part["prompt_cache_breakpoint"]
        if (
            type(breakpoint) is not dict
            or cast(dict[str, object], breakpoint).get("mode") != "explicit"
        ):
            return False
    kind = part.get("type")
    if kind == "input_text":
        return type(part.get("text")) is str
    if kind == "input_image":
        return part.get("detail") in ("auto", "low", "high", "original") and all(
            part.get(field) is None or type(part[field]) is str
            for field in ("image_url", "file_id")
        )
    if kind == "input_file":
        return (
            ("detail" not in part or part["detail"] in ("auto", "low", "high"))
            and (part.get("file_id") is None or type(part["file_id"]) is str)
            and all(
                field not in part or type(part[field]) is str
                for field in ("file_data", "file_url", "filename")
            )
        )
    return False


def _valid_reasoning_history(item: dict[str, object]) -> bool:
    def parts(value: object, kind: str) -> bool:
        if type(value) is not list:
            return False
        for part in cast(list[object], value):
            if type(part) is not dict:
                return False
            fields = cast(dict[str, object], part)
            if fields.get("type") != kind or type(fields.get("text")) is not str:
                return False
        return True

    return (
        type(item.get("id")) is str
        and parts(item.get("summary"), "summary_text")
        and ("content" not in item or parts(item["content"], "reasoning_text"))
        and (item.get("encrypted_content") is None or type(item["encrypted_content"]) is str)
        and ("status" not in item or item["status"] in ("completed", "incomplete", "in_progress"))
    )


def _has_observation(history: ResponseInputParam) -> bool:
    for item in cast(list[dict[str, object]], history):
        if item.get("type", "message") != "message" or item.get("role") != "user":
            continue
        content = item.get("content")
        if type(content) is str and content.strip():
            return True
        if type(content) is not list:
            continue
        try:
            blocks = _supplied_result(cast(list[object], content))
        except ValueError:
            continue
        if isinstance(blocks, list) and any(
            block["type"] != "input_text" or bool(block["text"].strip()) for block in blocks
        ):
            return True
    return False


def _wire(item: ResponseOutputItem) -> dict[str, object]:
    data = item.to_dict()
    data.pop("created_by", None)
    if item.type == "function_call":
        data.pop("parsed_arguments", None)
        if data.get("id") is None:
            # Response IDs are nullable; the replay-input field is optional but not nullable.
            data.pop("id", None)
    if item.type == "message":
        for part in cast(list[dict[str, object]], data.get("content", [])):
            if part.get("type") == "output_text":
                part.pop("parsed", None)
    return data


def _response_fields(response: Response) -> dict[str, object]:
    """`response.to_dict()` without the parse helpers' additions (`parsed`, `parsed_arguments`).

    A streamed turn ends with a ParsedResponse. The SDK saves it through `Response`'s declared
    fields (pydantic serializes by the declared type), so those never reach a checkpoint;
    oxide's Structs serialize every field they hold, hence the explicit projection."""
    data = response.to_dict()
    for item in cast(list[dict[str, object]], data.get("output") or []):
        if item.get("type") == "function_call":
            item.pop("parsed_arguments", None)
        elif item.get("type") == "message":
            for part in cast(list[dict[str, object]], item.get("content") or []):
                if part.get("type") == "output_text":
                    part.pop("parsed", None)
    return data


def _same_stream_output(
    observed: list[dict[str, object]], completed: list[dict[str, object]]
) -> bool:
    if len(observed) != len(completed):
        return False
    for before, after in zip(observed, completed, strict=True):
        if (
            before.get("type") == after.get("type") == "reasoning"
            and type(before.get("encrypted_content")) is str
            and before.get("encrypted_content")
            and type(after.get("encrypted_content")) is str
            and after.get("encrypted_content")
        ):
            # Opaque reasoning ciphertext can change between done and completed events.
            before = {**before, "encrypted_content": after["encrypted_content"]}
        if (
            before.get("type") == after.get("type") == "function_call"
            and "id" not in before
            and type(after.get("id")) is str
        ):
            # A native optional platform ID may arrive after execution keyed by call_id.
            before = {**before, "id": after["id"]}
        if before != after:
            return False
    return True


def _invalid_function_constant(_constant: str) -> object:
    raise ValueError("Registered function arguments require valid JSON.")


def _function_args(call: ResponseFunctionToolCall) -> dict[str, object]:
    args: object = json.loads(call.arguments, parse_constant=_invalid_function_constant)
    if not isinstance(args, dict):
        raise ValueError("Registered functions require a JSON object.")
    return cast(dict[str, object], args)


def _valid_function_metadata(item: dict[str, object], *, output: bool = False) -> bool:
    caller = item.get("caller")
    if caller is not None:
        if not isinstance(caller, dict):
            return False
        source = cast(dict[str, object], caller)
        if source.get("type") != "direct" and (
            source.get("type") != "program" or type(source.get("caller_id")) is not str
        ):
            return False
    if output:
        return item.get("status") in (None, "in_progress", "completed", "incomplete") and all(
            item.get(key) is None or type(item[key]) is str for key in ("id", "name", "namespace")
        )
    return (
        ("id" not in item or type(item["id"]) is str)
        and ("async" not in item or type(item["async"]) is bool)
        and ("namespace" not in item or type(item["namespace"]) is str)
    )


def _supplied_result(value: object) -> FunctionResult:
    if type(value) is str:
        return value
    if type(value) is not list:
        raise ValueError("Supplied output must be text or a list of declared input blocks.")
    result: list[dict[str, object]] = []
    for raw in cast(list[object], value):
        if type(raw) is not dict:
            raise ValueError("Supplied input blocks must be ordinary dictionaries.")
        block = cast(dict[str, object], raw)
        if any(type(key) is not str for key in block):
            raise ValueError("Supplied input block keys must be strings.")
        kind = block.get("type")
        if type(kind) is not str or kind not in ("input_text", "input_image", "input_file"):
            raise ValueError("Supplied input block type is invalid.")
        allowed = {"type", "prompt_cache_breakpoint"}
        if kind == "input_text":
            allowed.add("text")
            if type(block.get("text")) is not str:
                raise ValueError("Supplied text requires a string.")
        elif kind == "input_image":
            allowed.update(("file_id", "image_url", "detail"))
        else:
            allowed.update(("file_data", "file_id", "file_url", "filename", "detail"))
        if block.keys() - allowed:
            raise ValueError("Supplied input block has unknown fields.")
        output: dict[str, object] = {"type": kind}
        for key in allowed - {"type", "prompt_cache_breakpoint"}:
            if key not in block:
                continue
            content = block[key]
            if key == "detail":
                allowed_details = (
                    (None, "auto", "low", "high", "original")
                    if kind == "input_image"
                    else ("auto", "low", "high")
                )
                if (
                    content is not None and type(content) is not str
                ) or content not in allowed_details:
                    raise ValueError("Supplied block detail is invalid.")
            elif content is not None and type(content) is not str:
                raise ValueError("Supplied block values must be strings or null.")
            output[key] = content
        if kind == "input_image" and not any(
            isinstance(output.get(key), str) and bool(cast(str, output[key]).strip())
            for key in ("image_url", "file_id")
        ):
            raise ValueError("Supplied image output requires image_url or file_id.")
        if kind == "input_file" and not any(
            isinstance(output.get(key), str) and bool(cast(str, output[key]).strip())
            for key in ("file_data", "file_id", "file_url")
        ):
            raise ValueError("Supplied file output requires file_data, file_id or file_url.")
        if "prompt_cache_breakpoint" in block:
            cache = block["prompt_cache_breakpoint"]
            if cache is None:
                output["prompt_cache_breakpoint"] = None
            else:
                if type(cache) is not dict:
                    raise ValueError("Supplied cache breakpoint is invalid.")
                entries = cast(dict[str, object], cache)
                if (
                    any(type(key) is not str for key in entries)
                    or entries.keys() != {"mode"}
                    or type(entries["mode"]) is not str
                    or entries["mode"] != "explicit"
                ):
                    raise ValueError("Supplied cache breakpoint is invalid.")
                output["prompt_cache_breakpoint"] = {"mode": "explicit"}
        result.append(output)
    return cast(ResponseFunctionCallOutputItemListParam, result)
