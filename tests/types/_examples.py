"""Realistic payloads: the JSON examples of OpenAI's published spec (`openapi.yaml`).

The spec's `x-oaiMeta` response examples and schema `example` keys are YAML block scalars holding
JSON (or an SSE transcript). PyYAML is not a dependency, so the blocks are cut out by indentation;
each JSON document found is then sorted by what it is (`object` / `type`), not by where it was.
"""

from __future__ import annotations

import functools
import json
import os
import re
from collections import defaultdict
from pathlib import Path
from typing import Any

SPEC = Path(
    os.environ.get(
        "OXIDE_OPENAPI_EXAMPLES",
        Path(__file__).resolve().parents[2] / "spec" / "openapi.yaml",
    )
)

_BLOCK = re.compile(r"^(\s*)(?:- )?(response|example): [>|][+-]?\s*$")


def _blocks(text: str) -> list[str]:
    lines = text.splitlines()
    out = []
    i = 0
    while i < len(lines):
        m = _BLOCK.match(lines[i])
        i += 1
        if not m:
            continue
        indent = len(m.group(1))
        block = []
        while i < len(lines) and (
            not lines[i].strip() or len(lines[i]) - len(lines[i].lstrip()) > indent
        ):
            block.append(lines[i])
            i += 1
        body = [ln for ln in block if ln.strip()]
        if not body:
            continue
        strip = min(len(ln) - len(ln.lstrip()) for ln in body)
        out.append("\n".join(ln[strip:] for ln in block).strip())
    return out


def _repair(text: str) -> str:
    """JS-isms some examples have: `.... (1536 floats total)` placeholders, trailing commas."""
    text = "\n".join(ln for ln in text.splitlines() if not ln.strip().startswith("..."))
    return re.sub(r",(\s*[\]}])", r"\1", text)


def _documents(block: str) -> list[Any]:
    for candidate in (block, _repair(block)):
        try:
            return [json.loads(candidate)]
        except ValueError:
            pass
    docs: list[Any] = []
    decoder = json.JSONDecoder()
    for line in block.splitlines():
        line = line.strip()
        if line.startswith("data:"):
            line = line[5:].strip()
        if not line.startswith("{"):
            continue
        try:
            docs.append(decoder.raw_decode(line)[0])
        except ValueError:
            continue
    if docs:
        return docs
    # Several pretty-printed objects in a row.
    pos = 0
    while True:
        start = block.find("{", pos)
        if start < 0:
            break
        try:
            doc, end = decoder.raw_decode(block, start)
        except ValueError:
            pos = start + 1
            continue
        docs.append(doc)
        pos = end
    return docs


@functools.cache
def documents() -> tuple[Any, ...]:
    """Every JSON object in the spec's examples, in spec order."""
    text = SPEC.read_text()
    return tuple(d for b in _blocks(text) for d in _documents(b) if isinstance(d, dict))


def _kind(doc: dict[str, Any]) -> str | None:
    obj = doc.get("object")
    if obj == "list" and isinstance(doc.get("data"), list) and doc["data"]:
        first = doc["data"][0]
        if isinstance(first, dict):
            return f"list:{first.get('object')}"
    if obj == "model" and "deleted" in doc:
        return "model.deleted"
    if isinstance(obj, str):
        return obj
    t = doc.get("type")
    if isinstance(t, str):
        return f"type:{t}"
    return None


@functools.cache
def by_kind() -> dict[str, list[dict[str, Any]]]:
    """Examples keyed by `object` (`chat.completion`), `list:<item object>`, or `type:<type>`."""
    out: dict[str, list[dict[str, Any]]] = defaultdict(list)
    for doc in documents():
        kind = _kind(doc)
        if kind is not None:
            out[kind].append(doc)
    return dict(out)


def examples(kind: str) -> list[dict[str, Any]]:
    return by_kind().get(kind, [])
