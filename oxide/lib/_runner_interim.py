"""Interim stand-ins for the private helpers the Responses runner takes from `computer.py` and
`browser.py` (the SDK's names), until those toolsets land in oxide.

Only the function-tool loop is served: the native message/reasoning checks and the detached
request/response snapshots. A browser or computer toolset cannot be registered yet, so the
computer-only helpers refuse.
"""

from __future__ import annotations

import re
from copy import deepcopy
from math import isfinite
from typing import Any, cast
from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

from .._types import NotGiven, Omit
from ..types.responses import Response, ResponseComputerToolCall
from ..types.responses.response_create_params import ResponseCreateParamsNonStreaming
from ..types.responses.response_output_message import ResponseOutputMessage
from ..types.responses.response_output_refusal import ResponseOutputRefusal
from ..types.responses.response_output_text import (
    AnnotationContainerFileCitation,
    AnnotationFileCitation,
    AnnotationFilePath,
    AnnotationURLCitation,
    Logprob,
    LogprobTopLogprob,
    ResponseOutputText,
)
from ..types.responses.response_reasoning_item import Content, ResponseReasoningItem, Summary

# Typed as Any: the toolsets are not in oxide yet, and nothing can construct them.
BrowserToolset = Any
AsyncBrowserToolset = Any
ComputerToolset = Any
AsyncComputerToolset = Any
ComputerActionInput = Any


class ComputerUseError(RuntimeError):
    pass


def without_omitted(value: object) -> object:
    """Dict entries holding `omit`/`NOT_GIVEN` dropped, at every depth (what the SDK's
    TypedDict `transform` does to a request before it is saved or sent)."""
    if type(value) is dict:
        return {
            key: without_omitted(item)
            for key, item in cast(dict[object, object], value).items()
            if not isinstance(item, (Omit, NotGiven))
        }
    if type(value) is list:
        return [without_omitted(item) for item in cast(list[object], value)]
    return value


def _snapshot_request(params: ResponseCreateParamsNonStreaming) -> ResponseCreateParamsNonStreaming:
    request = dict(params)
    for name in ("input", "tools", "include", "context_management"):
        original = request.get(name)
        if original is not None and not isinstance(original, (str, Omit, NotGiven)):
            request[name] = list(cast(Any, original))
    return cast(ResponseCreateParamsNonStreaming, deepcopy(without_omitted(request)))


def _snapshot_call(call: ResponseComputerToolCall) -> ResponseComputerToolCall:
    raise ComputerUseError("No computer toolset is available.")


def _snapshot_response(response: Response) -> Response:
    # The runner inspects and replays its own copy: the caller's object stays untouched.
    return deepcopy(response)


def _actions(call: ResponseComputerToolCall) -> list[Any]:
    raise ComputerUseError("No computer toolset is available.")


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


def _valid_native_message(item: ResponseOutputMessage) -> bool:
    if (
        not isinstance(getattr(item, "id", None), str)
        or getattr(item, "role", None) != "assistant"
        or getattr(item, "status", None) not in ("completed", "incomplete", "in_progress")
        or getattr(item, "phase", None) not in (None, "commentary", "final_answer")
        or not isinstance(getattr(item, "content", None), list)
    ):
        return False
    for part in item.content:
        if isinstance(part, ResponseOutputRefusal) and getattr(part, "type", None) == "refusal":
            if not isinstance(getattr(part, "refusal", None), str):
                return False
        elif isinstance(part, ResponseOutputText) and getattr(part, "type", None) == "output_text":
            annotations = getattr(part, "annotations", None)
            logprobs = getattr(part, "logprobs", None)
            if (
                not isinstance(getattr(part, "text", None), str)
                or not isinstance(annotations, list)
                or not all(_valid_annotation(note) for note in cast(list[object], annotations))
            ):
                return False
            if logprobs is not None:
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
        else:
            return False
    return True


def _valid_native_reasoning(item: ResponseReasoningItem) -> bool:
    if (
        not isinstance(getattr(item, "id", None), str)
        or not isinstance(getattr(item, "summary", None), list)
        or any(
            not isinstance(cast(object, part), Summary)
            or getattr(part, "type", None) != "summary_text"
            or not isinstance(getattr(part, "text", None), str)
            for part in item.summary
        )
    ):
        return False
    if "content" in item.model_fields_set and (
        not isinstance(item.content, list)
        or any(
            not isinstance(cast(object, part), Content)
            or getattr(part, "type", None) != "reasoning_text"
            or not isinstance(getattr(part, "text", None), str)
            for part in item.content
        )
    ):
        return False
    return (
        item.encrypted_content is None or isinstance(cast(object, item.encrypted_content), str)
    ) and (
        "status" not in item.model_fields_set
        or item.status in ("completed", "incomplete", "in_progress")
    )


_SENSITIVE = frozenset(
    {
        "apikey",
        "accesstoken",
        "refreshtoken",
        "sessiontoken",
        "sessionid",
        "idtoken",
        "authtoken",
        "authorization",
        "token",
        "password",
        "clientsecret",
        "signingsecret",
        "sig",
        "signature",
        "xgoogsignature",
        "xgoogcredential",
        "xamzsecuritytoken",
        "xamzsignature",
        "xamzcredential",
    }
)


def _legacy_state_url(value: str) -> str:
    """A URL without credentials, secret query values or fragment (what a ledger fingerprints
    for an MCP server)."""
    parsed = urlsplit(value)
    if not parsed.scheme or (
        parsed.scheme in ("http", "https") and (not parsed.netloc or not parsed.hostname)
    ):
        raise RuntimeError("Browser URL is invalid.")
    query: list[tuple[str, str]] = []
    changed = False
    for name, item in parse_qsl(parsed.query, keep_blank_values=True):
        normalized = re.sub(r"[-_]", "", name.lower())
        if normalized in _SENSITIVE or (
            normalized.startswith("x") and normalized[1:] in _SENSITIVE
        ):
            item = "***"
            changed = True
        query.append((name, item))
    return urlunsplit(
        parsed._replace(
            netloc=parsed.netloc.rsplit("@", 1)[-1],
            query=urlencode(query, safe="*") if changed else parsed.query,
            fragment="",
        )
    )
