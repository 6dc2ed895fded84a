"""Every resource reachable from the official client has oxide's twin with the same surface.

The walk starts at the resource accessors of `openai.OpenAI` / `openai.AsyncOpenAI` and of
oxide's `SyncClientResources` / `AsyncClientResources` (`oxide/_client_resources.py`, which the
engine's clients inherit), follows every public `cached_property` (sub-resources,
`with_raw_response`, `with_streaming_response`) and compares, at each node, the public names and
for every method its `inspect.signature`: parameter names, kinds, defaults (the SDK's
`not_given`/`omit` sentinels mapped to oxide's) and annotations as text (`httpx2.Timeout` is
oxide's `Timeout`). Mixin-provided methods (`codegen/resources.py`, `MIXINS`) are held to the same
signatures. Oxide's side is built on a stub client: no engine call is made.

`DELIBERATE` lists the differences there are on purpose; the test fails on any other, and on a
listed one that no longer differs (so the list never goes stale).
"""

from __future__ import annotations

import functools
import inspect
import re
from collections.abc import Iterator
from typing import Any

import openai
import pytest

SESSION = "oxide addition: WebSocket-mode sessions (oxide/lib/_mixins/responses.py)"
DELIBERATE: dict[str, str] = {
    "client.responses.session": SESSION,
    "async_client.responses.session": SESSION,
    "async_client.responses.session_pool": SESSION,
}

# WebSocket mode: the connection's sub-resources (`connection.response.create(...)`,
# `connection.conversation.item.create(...)`, ...) are generated into these modules (the
# connection classes are hand-written, oxide/lib/_websocket); not reachable from the client
# without connecting, so compared class by class.
CONNECTION_RESOURCE_MODULES = [
    "responses.responses",
    "beta.responses.responses",
    "realtime.realtime",
    "beta.realtime.realtime",
]

# Methods the generator leaves out for now (codegen/resources.py, `NOT_MIRRORED`; empty at
# present): reported as such, never silently; every entry of the table must still be missing
# (so it never goes stale).
NOT_MIRRORED_PREFIX = "not mirrored yet: "
_WRAPPER = re.compile(r"(WithRawResponse|WithStreamingResponse)$")


def _not_mirrored(theirs: object) -> str | None:
    """`<reason> (<module>:<class>)` when the SDK class is in the table, else None."""
    from codegen.resources import NOT_MIRRORED

    cls = type(theirs)
    key = (cls.__module__, _WRAPPER.sub("", cls.__name__))
    reason = NOT_MIRRORED.get(key)
    return None if reason is None else f"{reason} ({key[0]}:{key[1]})"


_ANNOTATION_ALIASES = [(re.compile(r"\bhttpx2\.Timeout\b"), "Timeout")]


def _normalise(annotation: object) -> str:
    text = annotation if isinstance(annotation, str) else repr(annotation)
    for pattern, replacement in _ANNOTATION_ALIASES:
        text = pattern.sub(replacement, text)
    return text


def _default(value: object) -> str:
    if value is inspect.Parameter.empty:
        return "<required>"
    kind = type(value).__name__
    if kind in ("NotGiven", "Omit"):  # the SDK's sentinels and oxide's
        return f"<{kind}>"
    return repr(value)


def _signature(fn: Any) -> list[tuple[str, ...]]:
    sig = inspect.signature(fn)
    params = [
        (p.name, p.kind.name, _default(p.default), _normalise(p.annotation))
        for p in sig.parameters.values()
    ]
    return [*params, ("return", _normalise(sig.return_annotation))]


class _StubClient:
    """What a resource reads off its client: the verbs (never called here)."""

    def _verb(self, *args: Any, **kwargs: Any) -> Any:
        raise AssertionError("the surface test makes no request")

    get = post = patch = put = delete = get_api_list = _verb


def _oxide_clients() -> tuple[Any, Any]:
    from oxide._client_resources import AsyncClientResources, SyncClientResources

    class Client(_StubClient, SyncClientResources):
        pass

    class AsyncClient(_StubClient, AsyncClientResources):
        pass

    return Client(), AsyncClient()


def _public(obj: object) -> dict[str, object]:
    """Public attributes as declared: class members (unbound) and instance attributes."""
    found: dict[str, object] = {}
    for cls in reversed(type(obj).__mro__):
        for name, value in vars(cls).items():
            if not name.startswith("_"):
                found[name] = value
    found.update({k: v for k, v in vars(obj).items() if not k.startswith("_")})
    return found


def _is_node(value: object) -> bool:
    module = type(value).__module__
    return module.startswith(("openai.resources", "oxide.resources", "openai.lib")) or type(
        value
    ).__name__.endswith(("WithRawResponse", "WithStreamedResponse"))


def _differences(path: str, theirs: object, ours: object) -> Iterator[tuple[str, str]]:
    """(path, what differs) for one node and everything below it."""
    their_names, our_names = _public(theirs), _public(ours)
    for name in sorted(their_names.keys() - our_names.keys()):
        reason = _not_mirrored(theirs)
        yield f"{path}.{name}", f"{NOT_MIRRORED_PREFIX}{reason}" if reason else "missing in oxide"
    for name in sorted(our_names.keys() - their_names.keys()):
        yield f"{path}.{name}", "only in oxide"
    for name in sorted(their_names.keys() & our_names.keys()):
        t, o = their_names[name], our_names[name]
        if isinstance(t, (functools.cached_property, property)):
            if not isinstance(o, (functools.cached_property, property)):
                yield f"{path}.{name}", f"a property in the SDK, {type(o).__name__} in oxide"
                continue
            t_value, o_value = getattr(theirs, name), getattr(ours, name)
            if _is_node(t_value):
                yield from _differences(f"{path}.{name}", t_value, o_value)
            continue
        if callable(t):
            if not callable(o):
                yield f"{path}.{name}", "a method in the SDK, not callable in oxide"
                continue
            t_sig, o_sig = _signature(t), _signature(o)
            if t_sig != o_sig:
                detail = [f"{a} != {b}" for a, b in zip(t_sig, o_sig, strict=False) if a != b]
                if len(t_sig) != len(o_sig):
                    detail.append(f"{len(t_sig) - 1} parameters != {len(o_sig) - 1}")
                yield f"{path}.{name}", "signature: " + "; ".join(detail[:3])
            # As declared: the SDK's `typing_extensions.deprecated` hides `async def` before
            # Python 3.12, oxide's `_compat.deprecated` does not.
            if inspect.iscoroutinefunction(inspect.unwrap(t)) != inspect.iscoroutinefunction(
                inspect.unwrap(o)
            ):
                yield f"{path}.{name}", "async in one, not in the other"


def _all_differences() -> dict[str, str]:
    client, async_client = _oxide_clients()
    sdk = {
        "client": openai.OpenAI(api_key="x", base_url="http://127.0.0.1:9"),
        "async_client": openai.AsyncOpenAI(api_key="x", base_url="http://127.0.0.1:9"),
    }
    ours = {"client": client, "async_client": async_client}
    found: dict[str, str] = {}
    for root in ("client", "async_client"):
        sdk_client, our_client = sdk[root], ours[root]
        accessors = [
            name
            for name, value in vars(type(sdk_client)).items()
            if isinstance(value, functools.cached_property) and not name.startswith("_")
        ]
        our_accessors = [
            name
            for cls in type(our_client).__mro__
            for name, value in vars(cls).items()
            if isinstance(value, functools.cached_property)
        ]
        for name in sorted(set(accessors) - set(our_accessors)):
            found[f"{root}.{name}"] = "accessor missing in oxide"
        for name in sorted(set(accessors) & set(our_accessors)):
            t, o = getattr(sdk_client, name), getattr(our_client, name)
            for where, what in _differences(f"{root}.{name}", t, o):
                found[where] = what
    return found


def test_resource_surface_matches_the_sdk() -> None:
    found = _all_differences()
    unexpected = {
        k: v
        for k, v in found.items()
        if k not in DELIBERATE and not v.startswith(NOT_MIRRORED_PREFIX)
    }
    stale = sorted(k for k in DELIBERATE if k not in found)
    lines = [f"{k}: {v}" for k, v in sorted(unexpected.items())]
    lines += [f"{k}: listed in DELIBERATE but no longer differs" for k in stale]
    assert not lines, f"{len(lines)} surface differences:\n" + "\n".join(lines)


def test_not_mirrored_table_is_current() -> None:
    """Each class `NOT_MIRRORED` names still lacks a method of the SDK's in oxide."""
    from codegen.resources import NOT_MIRRORED

    reported = {v.removeprefix(NOT_MIRRORED_PREFIX) for v in _all_differences().values()}
    listed = {f"{reason} ({module}:{cls})" for (module, cls), reason in NOT_MIRRORED.items()}
    assert listed <= reported, sorted(listed - reported)


def test_walk_reaches_the_whole_tree() -> None:
    """The walk is not vacuous: it sees hundreds of methods, nested resources and wrappers."""
    client, _ = _oxide_clients()
    seen: list[str] = []

    def walk(path: str, obj: object) -> None:
        for name, value in _public(obj).items():
            if isinstance(value, (functools.cached_property, property)):
                child = getattr(obj, name)
                if _is_node(child):
                    walk(f"{path}.{name}", child)
            elif callable(value):
                seen.append(f"{path}.{name}")

    for name in ("chat", "beta", "admin", "vector_stores", "responses"):
        walk(name, getattr(client, name))
    assert "chat.completions.create" in seen
    assert "chat.with_raw_response.completions.create" in seen
    assert "admin.organization.projects.users.roles.with_streaming_response.list" in seen
    assert len(seen) > 500


def test_deliberate_entries_are_well_formed() -> None:
    assert all(k.startswith(("client.", "async_client.")) and v for k, v in DELIBERATE.items())


def _connection_resource_classes(module: Any) -> dict[str, type]:
    """`Base*ConnectionResource` and its subclasses defined in the module."""
    return {
        name: cls
        for name, cls in vars(module).items()
        if isinstance(cls, type)
        and cls.__module__ == module.__name__
        and any(b.__name__.endswith("ConnectionResource") for b in cls.__mro__)
    }


@pytest.mark.parametrize("module", CONNECTION_RESOURCE_MODULES)
def test_connection_resources_match_the_sdk(module: str) -> None:
    import importlib

    theirs = _connection_resource_classes(importlib.import_module(f"openai.resources.{module}"))
    ours = _connection_resource_classes(importlib.import_module(f"oxide.resources.{module}"))
    assert len(theirs) >= 4  # sync and async: the base and at least one resource
    assert sorted(ours) == sorted(theirs)
    lines: list[str] = []
    for name in sorted(theirs):
        t_cls, o_cls = theirs[name], ours[name]
        if _signature(t_cls.__init__) != _signature(o_cls.__init__):
            lines.append(f"{name}.__init__: {_signature(o_cls.__init__)}")
        connection = object()  # stored, never used: nothing is sent
        for where, what in _differences(name, t_cls(connection), o_cls(connection)):
            lines.append(f"{where}: {what}")
    assert not lines, "\n".join(lines)
