"""Helpers the generated resources call, by the SDK's names (`openai._utils`).

`path_template` is the SDK's (`openai/_utils/_path.py`, openai==3.3.1, Apache-2.0), so paths
are quoted and dot-segments refused exactly as there. `maybe_transform` is much less than the
SDK's: oxide's request params are plain TypedDicts with no aliases or formats to apply (the
only aliased field, `betas`, travels as a header), so it only drops the `omit` / `NOT_GIVEN`
arguments; the JSON encoder deals with nested ones.
"""

from __future__ import annotations

import functools
import inspect
import re
from collections.abc import Callable, Mapping, Sequence
from typing import Any, TypeGuard, TypeVar
from urllib.parse import quote as _url_quote

from ._files import extract_files
from ._types import NotGiven, Omit, sentinel_types

__all__ = [
    "assert_signatures_in_sync",
    "async_maybe_transform",
    "extract_files",
    "get_required_header",
    "is_given",
    "maybe_transform",
    "path_template",
    "required_args",
    "strip_not_given",
]

_T = TypeVar("_T")
_CallableT = TypeVar("_CallableT", bound=Callable[..., Any])


def is_given(obj: _T | NotGiven | Omit) -> TypeGuard[_T]:
    return not isinstance(obj, (NotGiven, Omit))


def maybe_transform(data: object, expected_type: object = None) -> Any:
    """The request body or query without the arguments left at `omit` / `NOT_GIVEN`.

    On every call's path (a chat body has ~40 keys, most of them `omit`): one comprehension
    with an exact-type set test, about half the cost of `isinstance` with a tuple. The official
    SDK's sentinels are dropped too (frameworks pass `openai.omit`)."""
    if type(data) is dict:
        sentinels = sentinel_types()
        return {k: v for k, v in data.items() if type(v) not in sentinels}
    return data


async def async_maybe_transform(data: object, expected_type: object = None) -> Any:
    return maybe_transform(data, expected_type)


def strip_not_given(obj: object | None) -> Any:
    """Remove all top-level keys whose values are `NotGiven` (the SDK's helper)."""
    if obj is None:
        return None
    if not isinstance(obj, Mapping):
        return obj
    return {key: value for key, value in obj.items() if not isinstance(value, NotGiven)}


def get_required_header(headers: Any, header: str) -> str:
    lower_header = header.lower()
    if isinstance(headers, Mapping):
        for k, v in headers.items():
            if k.lower() == lower_header and isinstance(v, str):
                return v
    intercaps = re.sub(
        r"([^\w])(\w)", lambda pat: pat.group(1) + pat.group(2).upper(), header.capitalize()
    )
    for normalized in [header, lower_header, header.upper(), intercaps]:
        value = headers.get(normalized)
        if value:
            return value  # type: ignore[no-any-return]
    raise ValueError(f"Could not find {header} header")


def _human_join(seq: Sequence[str], *, delim: str = ", ", final: str = "or") -> str:
    if len(seq) <= 1:
        return "".join(seq)
    if len(seq) == 2:
        return f"{seq[0]} {final} {seq[1]}"
    return delim.join(seq[:-1]) + f" {final} {seq[-1]}"


def required_args(*variants: Sequence[str]) -> Callable[[_CallableT], _CallableT]:
    """The SDK's decorator: the method needs every argument of at least one variant (the
    overloads' required keywords), else the SDK's TypeError. The common case (the first
    variant given as keywords) costs one membership test per name."""

    def inner(func: _CallableT) -> _CallableT:
        params = inspect.signature(func).parameters
        positional = [
            name
            for name, param in params.items()
            if param.kind in {param.POSITIONAL_ONLY, param.POSITIONAL_OR_KEYWORD}
        ]
        first = tuple(variants[0]) if variants else ()

        @functools.wraps(func)
        def wrapper(*args: Any, **kwargs: Any) -> Any:
            for name in first:
                if name not in kwargs:
                    break
            else:
                return func(*args, **kwargs)
            given = set(kwargs)
            for i, _ in enumerate(args):
                try:
                    given.add(positional[i])
                except IndexError:
                    raise TypeError(
                        f"{func.__name__}() takes {len(positional)} argument(s) but {len(args)} "
                        "were given"
                    ) from None
            for variant in variants:
                if all(param in given for param in variant):
                    return func(*args, **kwargs)
            if len(variants) > 1:
                variations = _human_join(
                    [
                        "(" + _human_join([f"'{arg}'" for arg in variant], final="and") + ")"
                        for variant in variants
                    ]
                )
                msg = f"Missing required arguments; Expected either {variations} arguments to be given"
            else:
                missing = list(set(variants[0]) - given)
                if len(missing) > 1:
                    quoted = _human_join([f"'{a}'" for a in missing])
                    msg = f"Missing required arguments: {quoted}"
                else:
                    msg = f"Missing required argument: '{missing[0]}'"
            raise TypeError(msg)

        return wrapper  # type: ignore[return-value]

    return inner


# Matches '.' or '..' where each dot is either literal or percent-encoded (%2e / %2E).
_DOT_SEGMENT_RE = re.compile(r"^(?:\.|%2[eE]){1,2}$")

_PLACEHOLDER_RE = re.compile(r"\{(\w+)\}")


def _quote_path_segment_part(value: str) -> str:
    """Percent-encode `value` for use in a URI path segment.

    Considers characters not in `pchar` set from RFC 3986 §3.3 to be unsafe.
    https://datatracker.ietf.org/doc/html/rfc3986#section-3.3
    """
    # quote() already treats unreserved characters (letters, digits, and -._~)
    # as safe, so we only need to add sub-delims, ':', and '@'.
    # Notably, unlike the default `safe` for quote(), / is unsafe and must be quoted.
    return _url_quote(value, safe="!$&'()*+,;=:@")


def _quote_query_part(value: str) -> str:
    """Percent-encode `value` for use in a URI query string.

    Considers &, = and characters not in `query` set from RFC 3986 §3.4 to be unsafe.
    https://datatracker.ietf.org/doc/html/rfc3986#section-3.4
    """
    return _url_quote(value, safe="!$'()*+,;:@/?")


def _quote_fragment_part(value: str) -> str:
    """Percent-encode `value` for use in a URI fragment.

    Considers characters not in `fragment` set from RFC 3986 §3.5 to be unsafe.
    https://datatracker.ietf.org/doc/html/rfc3986#section-3.5
    """
    return _url_quote(value, safe="!$&'()*+,;=:@/?")


def _interpolate(
    template: str,
    values: Mapping[str, Any],
    quoter: Callable[[str], str],
) -> str:
    """Replace {name} placeholders in `template`, quoting each value with `quoter`.

    Placeholder names are looked up in `values`.

    Raises:
        KeyError: If a placeholder is not found in `values`.
    """
    # re.split with a capturing group returns alternating
    # [text, name, text, name, ..., text] elements.
    parts = _PLACEHOLDER_RE.split(template)

    for i in range(1, len(parts), 2):
        name = parts[i]
        if name not in values:
            raise KeyError(f"a value for placeholder {{{name}}} was not provided")
        val = values[name]
        if val is None:
            parts[i] = "null"
        elif isinstance(val, bool):
            parts[i] = "true" if val else "false"
        else:
            parts[i] = quoter(str(values[name]))

    return "".join(parts)


def path_template(template: str, /, **kwargs: Any) -> str:
    """Interpolate {name} placeholders in `template` from keyword arguments.

    Args:
        template: The template string containing {name} placeholders.
        **kwargs: Keyword arguments to interpolate into the template.

    Returns:
        The template with placeholders interpolated and percent-encoded.

        Safe characters for percent-encoding are dependent on the URI component.
        Placeholders in path and fragment portions are percent-encoded where the `segment`
        and `fragment` sets from RFC 3986 respectively are considered safe.
        Placeholders in the query portion are percent-encoded where the `query` set from
        RFC 3986 §3.3 is considered safe except for = and & characters.

    Raises:
        KeyError: If a placeholder is not found in `kwargs`.
        ValueError: If resulting path contains /./ or /../ segments (including percent-encoded dot-segments).
    """
    # Split the template into path, query, and fragment portions.
    fragment_template: str | None = None
    query_template: str | None = None

    rest = template
    if "#" in rest:
        rest, fragment_template = rest.split("#", 1)
    if "?" in rest:
        rest, query_template = rest.split("?", 1)
    path_template = rest

    # Interpolate each portion with the appropriate quoting rules.
    path_result = _interpolate(path_template, kwargs, _quote_path_segment_part)

    # Reject dot-segments (. and ..) in the final assembled path.  The check
    # runs after interpolation so that adjacent placeholders or a mix of static
    # text and placeholders that together form a dot-segment are caught.
    # Also reject percent-encoded dot-segments to protect against incorrectly
    # implemented normalization in servers/proxies.
    for segment in path_result.split("/"):
        if _DOT_SEGMENT_RE.match(segment):
            raise ValueError(
                f"Constructed path {path_result!r} contains dot-segment {segment!r} which is not allowed"
            )

    result = path_result
    if query_template is not None:
        result += "?" + _interpolate(query_template, kwargs, _quote_query_part)
    if fragment_template is not None:
        result += "#" + _interpolate(fragment_template, kwargs, _quote_fragment_part)

    return result


def assert_signatures_in_sync(
    source_func: Callable[..., Any],
    check_func: Callable[..., Any],
    *,
    exclude_params: set[str] = set(),  # noqa: B006  # the SDK's signature; never mutated
    description: str = "",
) -> None:
    """The SDK's check that a helper (`parse`, `create_and_poll`) takes the parameters of the
    method it wraps, with the same annotations."""
    check_sig = inspect.signature(check_func)
    source_sig = inspect.signature(source_func)
    errors: list[str] = []
    for name, source_param in source_sig.parameters.items():
        if name in exclude_params:
            continue
        custom_param = check_sig.parameters.get(name)
        if not custom_param:
            errors.append(f"the `{name}` param is missing")
            continue
        if custom_param.annotation != source_param.annotation:
            errors.append(
                f"types for the `{name}` param are do not match; "
                f"source={source_param.annotation!r} checking={custom_param.annotation!r}"
            )
    if errors:
        raise AssertionError(
            f"{len(errors)} errors encountered when comparing signatures{description}:\n\n"
            + "\n\n".join(errors)
        )
