"""`output_type`: the JSON-schema text format sent with the agent, and its check."""

from __future__ import annotations

import dataclasses
from collections.abc import Mapping
from typing import Any, cast

import msgspec

from ..._schema import _is_pydantic_dataclass_like, _is_typeddict, is_pydantic_model
from ._schema import model_schema

__all__ = ["agent_text_format", "validate_output_type", "with_output_schema"]


def validate_output_type(output_type: Any) -> None:
    """The SDK takes pydantic models and pydantic dataclasses; oxide also takes the types its
    schema builder knows without pydantic: msgspec Structs, dataclasses, TypedDicts."""
    if isinstance(output_type, type) and (
        issubclass(output_type, msgspec.Struct)
        or dataclasses.is_dataclass(output_type)
        or _is_typeddict(output_type)
        or is_pydantic_model(output_type)
        or _is_pydantic_dataclass_like(output_type)
    ):
        return
    raise TypeError(
        "Agents output_type must be a msgspec Struct, a dataclass, a TypedDict or a pydantic "
        f"model, not {output_type!r}"
    )


def agent_text_format(output_type: type[Any]) -> dict[str, Any]:
    """Beta: the Agents JSON-schema format for `output_type` (the SDK's
    `TextFormatParamJSONSchema`: `{"type": "json_schema", "schema": ...}`, strict schema)."""
    validate_output_type(output_type)
    return {"type": "json_schema", "schema": model_schema(output_type, strict=True)}


def with_output_schema(agent: Any, output_type: type[Any] | None) -> Any:
    """The `agent` param with `text.format` from `output_type` (`agent` as given when there
    is none). Both at once is ambiguous: a ValueError, as in the SDK."""
    if output_type is None:
        return agent
    config: dict[str, Any] = dict(agent) if isinstance(agent, Mapping) else {}
    text = dict(cast("dict[str, Any]", config.get("text") or {}))
    if text.get("format") is not None:
        raise ValueError("Pass output_type or agent.text.format, not both")
    text["format"] = agent_text_format(output_type)
    config["text"] = text
    return config
