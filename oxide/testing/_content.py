"""Deterministic "model output" for the mock server.

Everything here is a pure function of the request, so tests can assert on content: replies echo
the last user message, tool-call arguments are generated from the tool's JSON schema, structured
outputs follow the requested schema and embeddings are seeded by a hash of the input.
"""

from __future__ import annotations

import array
import base64
import hashlib
import math
import random
import re
import sys
from collections.abc import Mapping, Sequence
from functools import lru_cache
from typing import Any

# Roughly the GPT-2 pre-tokenizer: words with their leading space, numbers, punctuation runs.
# "".join(tokenize(s)) == s, and the pieces are about the size of real BPE tokens.
_TOKEN_RE = re.compile(r" ?[A-Za-z]+| ?[0-9]{1,3}| ?[^\sA-Za-z0-9]+|\s+(?!\S)|\s+")

REPLY_TAIL = (
    " This answer comes from the oxide mock server: it is deterministic, so tests can check it,"
    " and it streams one token per chunk, just like the real API."
)
GREETING = "Hello! How can I assist you today?"


def tokenize(text: str) -> list[str]:
    """Split ``text`` into token-sized pieces that join back to ``text``."""
    return _TOKEN_RE.findall(text) or ([text] if text else [])


def count_tokens(text: str) -> int:
    return len(_TOKEN_RE.findall(text))


def quote(text: str, limit: int = 200) -> str:
    """Collapse whitespace and cut long text, for echoing it back."""
    text = " ".join(text.split())
    return text if len(text) <= limit else text[: limit - 1] + "\u2026"


def content_text(content: Any) -> str:
    """The text of a chat/responses message ``content`` (a string or a list of parts)."""
    if content is None:
        return ""
    if isinstance(content, str):
        return content
    if isinstance(content, Sequence):
        parts: list[str] = []
        for part in content:
            if isinstance(part, str):
                parts.append(part)
            elif isinstance(part, Mapping):
                text = part.get("text")
                if isinstance(text, str):
                    parts.append(text)
                elif part.get("type") in ("image_url", "input_image"):
                    parts.append("[image]")
                elif part.get("type") in ("input_audio", "input_file", "file"):
                    parts.append("[file]")
        return " ".join(parts)
    return str(content)


def echo_reply(user_text: str) -> str:
    if not user_text.strip():
        return GREETING
    return f'You said: "{quote(user_text)}".{REPLY_TAIL}'


def tool_result_reply(tool_name: str, output: str, user_text: str) -> str:
    text = f"The {tool_name} tool returned: {quote(output)}."
    if user_text.strip():
        text += f' That answers "{quote(user_text)}".'
    return text


# ---------------------------------------------------------------------------------------------
# JSON-schema driven values (tool-call arguments, structured outputs)

_CAPWORD_RE = re.compile(r"\b[A-Z][a-zA-Z]+(?:[ ,]+[A-Z][a-zA-Z]+)*")


def subject_of(text: str) -> str:
    """A plausible string argument taken from the user's text.

    Capitalised words after the first one (``"Paris"`` in ``"What's the weather in Paris?"``),
    else the whole text, shortened.
    """
    words = text.split(None, 1)
    rest = words[1] if len(words) > 1 else ""
    found = _CAPWORD_RE.search(rest)
    if found:
        return found.group(0).strip(" ,")
    return quote(text, 60) or "example"


def schema_value(
    schema: Any, hint: str, root: Mapping[str, Any] | None = None, depth: int = 0
) -> Any:
    """A deterministic value that validates against the JSON ``schema``.

    ``hint`` is the string used for free-text string fields.
    """
    if not isinstance(schema, Mapping) or depth > 8:
        return hint
    root = schema if root is None else root
    ref = schema.get("$ref")
    if isinstance(ref, str) and ref.startswith("#/"):
        target: Any = root
        for key in ref[2:].split("/"):
            target = target.get(key, {}) if isinstance(target, Mapping) else {}
        return schema_value(target, hint, root, depth + 1)
    if "const" in schema:
        return schema["const"]
    enum = schema.get("enum")
    if isinstance(enum, list) and enum:
        return enum[0]
    for key in ("anyOf", "oneOf", "allOf"):
        options = schema.get(key)
        if isinstance(options, list) and options:
            non_null = [
                o for o in options if not (isinstance(o, Mapping) and o.get("type") == "null")
            ]
            return schema_value((non_null or options)[0], hint, root, depth + 1)
    typ = schema.get("type")
    if isinstance(typ, list):
        typ = next((t for t in typ if t != "null"), "null")
    if typ is None:
        typ = "object" if "properties" in schema else "string"
    if typ == "object":
        props = schema.get("properties")
        out: dict[str, Any] = {}
        if isinstance(props, Mapping):
            for name, sub in props.items():
                out[name] = schema_value(sub, hint, root, depth + 1)
        return out
    if typ == "array":
        items = schema.get("items", {})
        count = max(1, int(schema.get("minItems", 1) or 1))
        return [schema_value(items, hint, root, depth + 1) for _ in range(count)]
    if typ in ("integer", "number"):
        value: float = 42 if typ == "integer" else 42.5
        lo, hi = schema.get("minimum"), schema.get("maximum")
        if isinstance(lo, (int, float)) and value < lo:
            value = lo
        if isinstance(hi, (int, float)) and value > hi:
            value = hi
        return int(value) if typ == "integer" else float(value)
    if typ == "boolean":
        return True
    if typ == "null":
        return None
    fmt = schema.get("format")
    if fmt == "date":
        return "2024-05-13"
    if fmt == "date-time":
        return "2024-05-13T12:00:00Z"
    if fmt == "email":
        return "user@example.com"
    if fmt in ("uri", "url"):
        return "https://example.com"
    return hint


# ---------------------------------------------------------------------------------------------
# Logprobs


def token_logprob(token: str) -> float:
    h = int.from_bytes(hashlib.blake2b(token.encode(), digest_size=4).digest(), "little")
    return -round((h % 10_000) / 10_000 * 2.5, 6)


def chat_logprobs(tokens: Sequence[str], top: int) -> list[dict[str, Any]]:
    out = []
    for tok in tokens:
        lp = token_logprob(tok)
        entry: dict[str, Any] = {"token": tok, "logprob": lp, "bytes": list(tok.encode())}
        alts = []
        for i in range(top):
            alt = tok if i == 0 else f"{tok.strip() or tok}{i}"
            alts.append(
                {"token": alt, "logprob": lp if i == 0 else lp - i, "bytes": list(alt.encode())}
            )
        entry["top_logprobs"] = alts
        out.append(entry)
    return out


# ---------------------------------------------------------------------------------------------
# Embeddings

EMBEDDING_DIMS = {
    "text-embedding-3-small": 1536,
    "text-embedding-3-large": 3072,
    "text-embedding-ada-002": 1536,
}
DEFAULT_EMBEDDING_DIMS = 1536
_LITTLE = sys.byteorder == "little"


_WORD_RE = re.compile(r"[a-z0-9]+")
_STOPWORDS = frozenset(
    "a an and are as at be by can do does for from has have how i in is it its me my of on or"
    " our so that the their this to was we what when where which who why will with you your".split()
)
EmbeddingKey = str | tuple[int, ...]


def embedding_key(item: Any) -> EmbeddingKey:
    """A hashable key for one embeddings input (a string or a list of token ids)."""
    return item if isinstance(item, str) else tuple(int(t) for t in item)


@lru_cache(maxsize=16384)
def _random_unit(seed_bytes: bytes, dims: int) -> tuple[float, ...]:
    seed = int.from_bytes(hashlib.blake2b(seed_bytes, digest_size=8).digest(), "little")
    rnd = random.Random(seed).random
    vec = [rnd() - 0.5 for _ in range(dims)]
    norm = math.sqrt(math.fsum(v * v for v in vec)) or 1.0
    return tuple(v / norm for v in vec)


@lru_cache(maxsize=4096)
def embedding_vector(key: EmbeddingKey, full_dims: int, dims: int) -> array.array[float]:
    """A deterministic unit-length float32 vector for one input.

    A bag of hashed words (each word a fixed random direction) plus a small component seeded by
    the whole input: texts sharing words are similar, every distinct text differs, and the same
    text always gives the same vector. Like text-embedding-3, a shortened embedding
    (``dimensions``) is the prefix of the full one, renormalised.
    """
    if isinstance(key, str):
        whole = key.encode()
        words = [w for w in _WORD_RE.findall(key.lower()) if w not in _STOPWORDS]
    else:
        whole = b"\x00tokens:" + ",".join(map(str, key)).encode()
        words = [f"\x00{t}" for t in key]
    acc = [0.15 * v for v in _random_unit(b"\x01" + whole, full_dims)]
    for word in words:
        acc = [a + w for a, w in zip(acc, _random_unit(word.encode(), full_dims), strict=True)]
    vec = acc[:dims]
    norm = math.sqrt(math.fsum(v * v for v in vec)) or 1.0
    return array.array("f", [v / norm for v in vec])


@lru_cache(maxsize=4096)
def encoded_embedding(key: EmbeddingKey, full_dims: int, dims: int, fmt: str) -> bytes:
    """The JSON bytes of the ``"embedding"`` value: a float list or a base64 string."""
    vec = embedding_vector(key, full_dims, dims)
    if fmt == "base64":
        if not _LITTLE:  # pragma: no cover - big-endian hosts
            vec = array.array("f", vec)
            vec.byteswap()
        return b'"' + base64.b64encode(vec.tobytes()) + b'"'
    # Nine significant digits always round-trip a float32 (the real API prints float32s too).
    return ("[" + ",".join(map(_F32_FORMAT, vec)) + "]").encode()


_F32_FORMAT = "{:.9g}".format
