"""What a browser driver reports, checked and projected before anything reaches the model.

Part of `oxide.lib.browser` (the SDK keeps it in `openai/lib/browser.py`): tab state and its
observation of changes, tab URLs reduced to origins, read reports, images, script and file
results. Every projection builds fresh plain values from exactly the fields it checked, so a
driver's own objects (str subclasses, extra keys, internal metadata) are never kept or sent.
"""

from __future__ import annotations

import re
from ipaddress import IPv4Address, IPv6Address
from typing import TYPE_CHECKING, Literal, TypeGuard, cast
from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

from ._browser_url import parse_origin

if TYPE_CHECKING:
    from ..types.responses.response_input_image_content_param import (
        ResponseInputImageContentParam,
    )
    from .browser import (
        BrowserFileOutcome,
        BrowserObservationV1,
        BrowserReadElement,
        BrowserReadOption,
        BrowserReadScope,
        BrowserReadV1,
        BrowserScopedReadV1,
        BrowserState,
        BrowserStateChange,
        BrowserTab,
        _ReadOmission,
        _ReadRole,
    )

_READ_OMISSIONS = (
    "report_limit",
    "text_limit",
    "target_limit",
    "work_limit",
    "frame_limit",
    "unsupported_root",
    "unsupported_control",
    "remote_action",
    "private",
    "value",
    "name_limit",
)


def _state_text(value: object, limit: int | None, *, allow_empty: bool) -> TypeGuard[str]:
    if not isinstance(value, str) or (not allow_empty and not value):
        return False
    if limit is None:
        return re.search(r"[\ud800-\udfff]", value) is None
    return len(value.encode("utf-8")) <= limit


def _state_counter(value: object) -> TypeGuard[int]:
    return type(value) is int and 0 <= value <= 9_007_199_254_740_991


def _read_text(value: object, limit: int | None, *, allow_empty: bool) -> TypeGuard[str]:
    return type(value) is str and _state_text(value, limit, allow_empty=allow_empty)


def _read_role(value: object) -> TypeGuard[_ReadRole]:
    return type(value) is str and value in (
        "button",
        "textbox",
        "combobox",
        "checkbox",
        "radio",
        "slider",
        "listbox",
    )


def _read_result(member: str, value: object) -> str | BrowserReadV1 | None:
    if member not in ("read_page_scoped", "read_diagnostics") and (
        value is None or isinstance(value, str)
    ):
        return value
    # Internal driver metadata must never be copied or serialized.
    try:
        if type(value) is not dict:
            raise ValueError
        data = cast(dict[str, object], value)
        version, text, raw_elements, raw_omitted = (
            data.get("version"),
            data.get("text"),
            data.get("elements"),
            data.get("omitted"),
        )
        if (
            type(version) is not int
            or version != 1
            or not _read_text(text, None, allow_empty=True)
            or type(raw_elements) is not list
            or type(raw_omitted) is not list
        ):
            raise ValueError
        source_elements = cast(list[object], raw_elements)
        source_omitted = cast(list[object], raw_omitted)
        element_count = len(source_elements)
        omitted_count = len(source_omitted)
        source_scopes: list[object] = []
        if member == "read_page_scoped":
            raw_scopes = data.get("scopes")
            if type(raw_scopes) is not list:
                raise ValueError
            source_scopes = cast(list[object], raw_scopes)
        scope_count = len(source_scopes)
        if (
            member in ("get_page_text", "read_diagnostics") and element_count != 0
        ) or omitted_count > len(_READ_OMISSIONS):
            raise ValueError
        # Exact dict keys can still execute equality during named-field lookup.
        # Only visit the bounded slots admitted before those lookups begin.
        elements: list[BrowserReadElement] = []
        refs: set[str] = set()
        for element_index in range(element_count):
            raw = source_elements[element_index]
            if type(raw) is not dict:
                raise ValueError
            item = cast(dict[str, object], raw)
            ref, role, label = item.get("ref"), item.get("role"), item.get("label")
            if (
                not _read_text(ref, 256, allow_empty=False)
                or ref in refs
                or not _read_role(role)
                or not _read_text(label, 256, allow_empty=False)
            ):
                raise ValueError
            refs.add(ref)
            element: BrowserReadElement = {"ref": ref, "role": role, "label": label}
            if role in ("checkbox", "radio") and "checked" in item:
                checked = item["checked"]
                if type(checked) is not bool:
                    raise ValueError
                element["checked"] = checked
            if "value" in item:
                current_value = item["value"]
                if not _read_text(current_value, 512, allow_empty=True):
                    raise ValueError
                element["value"] = current_value
            if "options" in item:
                raw_options = item["options"]
                if type(raw_options) is not list:
                    raise ValueError
                source_options = cast(list[object], raw_options)
                option_count = len(source_options)
                options: list[BrowserReadOption] = []
                for option_index in range(option_count):
                    raw_option = source_options[option_index]
                    if type(raw_option) is not dict:
                        raise ValueError
                    option = cast(dict[str, object], raw_option)
                    option_label, option_value = option.get("label"), option.get("value")
                    if not _read_text(option_label, 256, allow_empty=False) or not _read_text(
                        option_value, 512, allow_empty=True
                    ):
                        raise ValueError
                    projected: BrowserReadOption = {"label": option_label, "value": option_value}
                    if role == "listbox" and "selected" in option:
                        selected = option["selected"]
                        if type(selected) is not bool:
                            raise ValueError
                        projected["selected"] = selected
                    options.append(projected)
                element["options"] = options
            elements.append(element)
        omitted: list[str] = []
        for omitted_index in range(omitted_count):
            code = source_omitted[omitted_index]
            if type(code) is not str or code not in _READ_OMISSIONS or code in omitted:
                raise ValueError
            omitted.append(code)
        report: BrowserReadV1 = {
            "version": 1,
            "text": text,
            "elements": elements,
            "omitted": cast("list[_ReadOmission]", omitted),
        }
        if member == "read_page_scoped":
            scopes: list[BrowserReadScope] = []
            for scope_index in range(scope_count):
                raw_scope = source_scopes[scope_index]
                if type(raw_scope) is not dict:
                    raise ValueError
                scope = cast(dict[str, object], raw_scope)
                scope_ref, scope_label = scope.get("ref"), scope.get("label")
                if (
                    not _read_text(scope_ref, 256, allow_empty=False)
                    or scope_ref in refs
                    or not _read_text(scope_label, 256, allow_empty=False)
                ):
                    raise ValueError
                refs.add(scope_ref)
                scopes.append({"ref": scope_ref, "label": scope_label})
            report = cast("BrowserScopedReadV1", {**report, "scopes": scopes})
        return report
    except Exception:
        raise RuntimeError("Browser read report failed.") from None


def _observed_state(value: object) -> BrowserObservationV1:
    if not isinstance(value, dict):
        raise RuntimeError("Browser observation is invalid.")
    data = cast(dict[str, object], value)
    version, sequence = data.get("version"), data.get("sequence")
    dropped, truncated, changes = (
        data.get("dropped_changes"),
        data.get("title_truncated"),
        data.get("changes"),
    )
    if (
        type(version) is not int
        or version != 1
        or not _state_counter(sequence)
        or not _state_counter(dropped)
        or type(truncated) is not bool
        or not isinstance(changes, list)
    ):
        raise RuntimeError("Browser observation is invalid.")
    projected: list[BrowserStateChange] = []
    source = cast(list[object], changes)
    length = len(source)
    if sequence != dropped + length:
        raise RuntimeError("Browser observation is invalid.")
    for index in range(length):
        raw = source[index]
        if not isinstance(raw, dict):
            raise RuntimeError("Browser change is invalid.")
        change = cast(dict[str, object], raw)
        kind, tab_id, position = change.get("type"), change.get("tab_id"), change.get("sequence")
        if isinstance(kind, str):
            kind = str.__str__(kind)
        if isinstance(tab_id, str):
            tab_id = str.__str__(tab_id)
        if not _state_counter(position) or position != dropped + index + 1:
            raise RuntimeError("Browser change is invalid.")
        if kind in ("navigation_refused", "download"):
            if "tab_id" not in change or (
                tab_id is not None and not _state_text(tab_id, 128, allow_empty=False)
            ):
                raise RuntimeError("Browser change is invalid.")
            if kind == "navigation_refused":
                reason = change.get("reason")
                if isinstance(reason, str):
                    reason = str.__str__(reason)
                if not isinstance(reason, str) or reason not in ("policy", "unsupported"):
                    raise RuntimeError("Browser change is invalid.")
                projected.append(
                    {
                        "type": "navigation_refused",
                        "sequence": position,
                        "tab_id": tab_id,
                        "reason": cast(Literal["policy", "unsupported"], reason),
                    }
                )
            else:
                status = change.get("status")
                if isinstance(status, str):
                    status = str.__str__(status)
                if not isinstance(status, str) or status not in (
                    "blocked",
                    "started",
                    "completed",
                    "failed",
                ):
                    raise RuntimeError("Browser change is invalid.")
                projected.append(
                    {
                        "type": "download",
                        "sequence": position,
                        "tab_id": tab_id,
                        "status": cast(
                            Literal["blocked", "started", "completed", "failed"], status
                        ),
                    }
                )
        elif not _state_text(tab_id, 128, allow_empty=False):
            raise RuntimeError("Browser change is invalid.")
        elif kind == "dialog_dismissed":
            dialog = change.get("kind")
            if isinstance(dialog, str):
                dialog = str.__str__(dialog)
            if not isinstance(dialog, str) or dialog not in (
                "alert",
                "confirm",
                "prompt",
                "beforeunload",
                "other",
            ):
                raise RuntimeError("Browser change is invalid.")
            projected.append(
                {
                    "type": "dialog_dismissed",
                    "sequence": position,
                    "tab_id": tab_id,
                    "kind": cast(
                        Literal["alert", "confirm", "prompt", "beforeunload", "other"], dialog
                    ),
                }
            )
        elif isinstance(kind, str) and kind in (
            "tab_opened",
            "tab_closed",
            "tab_switched",
            "navigation",
        ):
            projected.append(
                {
                    "type": cast(
                        Literal["tab_opened", "tab_closed", "tab_switched", "navigation"], kind
                    ),
                    "sequence": position,
                    "tab_id": tab_id,
                }
            )
        else:
            raise RuntimeError("Browser change is invalid.")
    return {
        "version": 1,
        "sequence": sequence,
        "dropped_changes": dropped,
        "title_truncated": truncated,
        "changes": projected,
    }


def _state_origin(value: str) -> str:
    if not _state_text(value, None, allow_empty=False):
        raise RuntimeError("Browser URL is invalid.")
    if value == "about:blank":
        return value
    match = re.match(r"https?://([^/?#]*)", value, re.IGNORECASE)
    if not match or not match[1] or re.search(r"[\x00-\x20\x7f\\]", match[1]):
        raise RuntimeError("Browser URL is invalid.")
    # V1 accepts no escaped host/port bytes or scoped IP addresses. Escaped
    # userinfo is permitted, but never included in the projected origin.
    host_port = match[1].rsplit("@", 1)[-1]
    if "%" in host_port:
        raise RuntimeError("Browser URL is invalid.")
    url = parse_origin(value[: match.start(1) - 3], host_port)
    host = url.host.lower()
    if not host or (url.port is not None and not 0 <= url.port <= 65535):
        raise RuntimeError("Browser URL is invalid.")
    if ":" in host:
        host = f"[{IPv6Address(host).compressed}]"
    else:
        labels = host.removesuffix(".").split(".")
        if any(
            re.fullmatch(r"[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?", label) is None for label in labels
        ):
            raise RuntimeError("Browser URL is invalid.")
        # Treat numeric-ending hosts as IPv4 just as WHATWG does, but only
        # accept the canonical four-octet spelling in the shared subset.
        if re.fullmatch(r"(?:[0-9]+|0x[0-9a-f]*)", labels[-1]):
            host = str(IPv4Address(host))
            if host_port.split(":")[0] != host:
                raise RuntimeError("Browser URL is invalid.")
    port = (
        ""
        if url.port is None or (url.scheme, url.port) in (("http", 80), ("https", 443))
        else f":{url.port}"
    )
    projected = f"{url.scheme}://{host}{port}"
    if not _state_text(projected, 2048, allow_empty=False):
        raise RuntimeError("Browser URL is invalid.")
    return projected


# Shared privately with the Responses ledger, which preserves non-sensitive URL paths.
def _legacy_state_url(value: str) -> str:
    parsed = urlsplit(value)
    if not parsed.scheme or (
        parsed.scheme in ("http", "https") and (not parsed.netloc or not parsed.hostname)
    ):
        raise RuntimeError("Browser URL is invalid.")
    sensitive = {
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
    query: list[tuple[str, str]] = []
    changed = False
    for name, item in parse_qsl(parsed.query, keep_blank_values=True):
        normalized = re.sub(r"[-_]", "", name.lower())
        if normalized in sensitive or (normalized.startswith("x") and normalized[1:] in sensitive):
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


def _legacy_tab_url(value: str) -> str:
    parsed = urlsplit(value)
    if value == "about:blank":
        return value
    if not parsed.scheme:
        raise RuntimeError("Browser URL is invalid.")
    if parsed.scheme in ("http", "https"):
        authority = parsed.netloc.rsplit("@", 1)[-1]
        if not authority:
            raise RuntimeError("Browser URL is invalid.")
        origin = parse_origin(parsed.scheme, authority)
        projected = f"{origin.scheme}://{origin.netloc}"
    else:
        projected = parsed.scheme + ":"
    if not _state_text(projected, 2048, allow_empty=False):
        raise RuntimeError("Browser URL is invalid.")
    return projected


def _state(value: object, previous: BrowserObservationV1 | None = None) -> BrowserState:
    if not isinstance(value, dict):
        raise RuntimeError("Browser state is invalid.")
    data = cast(dict[str, object], value)
    raw_tabs = data.get("tabs")
    if not isinstance(raw_tabs, list):
        raise RuntimeError("Browser state is invalid.")
    source = cast(list[object], raw_tabs)
    tab_count = len(source)
    observation = _observed_state(data["observation"]) if "observation" in data else None
    if previous is not None and (
        observation is None
        or observation["sequence"] < previous["sequence"]
        or observation["dropped_changes"] < previous["dropped_changes"]
    ):
        raise RuntimeError("Browser state is invalid.")
    if previous is not None and observation is not None:
        offset = observation["dropped_changes"] - previous["dropped_changes"]
        for index in range(previous["sequence"] - observation["dropped_changes"]):
            if observation["changes"][index] != previous["changes"][offset + index]:
                raise RuntimeError("Browser state is invalid.")
    tabs: list[BrowserTab] = []
    for index in range(tab_count):
        raw = source[index]
        if not isinstance(raw, dict):
            raise RuntimeError("Browser state is invalid.")
        tab = cast(dict[str, object], raw)
        if (
            not all(isinstance(tab.get(key), str) for key in ("id", "title", "url"))
            or type(tab.get("active")) is not bool
        ):
            raise RuntimeError("Browser state is invalid.")
        validated = cast("BrowserTab", tab)
        tab_id = str.__str__(validated["id"])
        title = str.__str__(validated["title"])
        url = str.__str__(validated["url"])
        if observation is not None and (
            not _state_text(tab_id, 128, allow_empty=False)
            or not _state_text(title, None, allow_empty=True)
        ):
            raise RuntimeError("Browser state is invalid.")
        if observation is not None:
            projected_title = title[:1024].encode("utf-8")[:1024].decode("utf-8", errors="ignore")
            if projected_title != title:
                title = projected_title
                observation["title_truncated"] = True
        tabs.append(
            {
                "id": tab_id,
                "title": title,
                "url": _state_origin(url) if observation is not None else _legacy_tab_url(url),
                "active": validated["active"],
            }
        )
    ids = [tab["id"] for tab in tabs]
    if len(set(ids)) != len(ids) or (tabs and sum(tab["active"] for tab in tabs) != 1):
        raise RuntimeError("Browser state is invalid.")
    return {"tabs": tabs, "observation": observation} if observation is not None else {"tabs": tabs}


def _browser_image(member: str, result: object) -> ResponseInputImageContentParam:
    # Detach the native fields before another driver or cancellation callback.
    try:
        if not isinstance(result, dict):
            raise ValueError()
        raw = cast(dict[str, object], result)
        fields = ("type", "image_url", "file_id", "detail", "prompt_cache_breakpoint")
        if set(raw) - set(fields):
            raise ValueError()
        image: dict[str, object] = {}
        for field in fields:
            if field in raw:
                value = raw[field]
                # Keep the native string value without retaining subclass hooks.
                image[field] = str.__str__(value) if isinstance(value, str) else value
        kind, detail = image.get("type"), image.get("detail")
        image_url, file_id = image.get("image_url"), image.get("file_id")
        if (
            not isinstance(kind, str)
            or kind != "input_image"
            or (image_url is not None and (not isinstance(image_url, str) or not image_url.strip()))
            or (file_id is not None and (not isinstance(file_id, str) or not file_id.strip()))
            or (image_url is None and file_id is None)
            or (
                detail is not None
                and (
                    not isinstance(detail, str) or detail not in ("auto", "low", "high", "original")
                )
            )
        ):
            raise ValueError()
        breakpoint = image.get("prompt_cache_breakpoint")
        if breakpoint is not None:
            if not isinstance(breakpoint, dict):
                raise ValueError()
            breakpoint_fields = cast(dict[str, object], breakpoint)
            if set(breakpoint_fields) != {"mode"} or breakpoint_fields["mode"] != "explicit":
                raise ValueError()
            image["prompt_cache_breakpoint"] = {"mode": "explicit"}
        return cast("ResponseInputImageContentParam", image)
    except Exception:
        message = (
            "Browser screenshot must be input_image with at least one valid image_url or file_id."
            if member == "screenshot"
            else "Browser zoom must return a valid input_image."
        )
        raise RuntimeError(message) from None


def _script_result(value: object) -> str:
    if not _read_text(value, None, allow_empty=True):
        raise RuntimeError("Browser script result failed.")
    return value


def _file_result(value: object) -> BrowserFileOutcome:
    try:
        if type(value) is not dict:
            raise TypeError("Invalid file result.")
        result = cast(dict[str, object], value).copy()
        if (
            any(type(key) is not str for key in result)
            or set(result) != {"version", "status", "effect", "cleanup"}
            or type(result["version"]) is not int
            or result["version"] != 1
            or type(result["status"]) is not str
            or type(result["effect"]) is not str
            or type(result["cleanup"]) is not str
            or result["cleanup"] not in ("not_started", "pending", "completed")
            or (result["status"], result["effect"])
            not in (
                ("completed", "completed"),
                ("refused", "none"),
                ("unknown", "unknown"),
                ("interrupted", "none"),
                ("interrupted", "unknown"),
            )
        ):
            raise TypeError("Invalid file result.")
        return cast(
            "BrowserFileOutcome",
            {
                "version": result["version"],
                "status": result["status"],
                "effect": result["effect"],
                "cleanup": result["cleanup"],
            },
        )
    except Exception:
        raise RuntimeError("Browser file result failed.") from None
