"""JSON schemas of Agents output types and tool argument types, from oxide's schema builder
(msgspec Structs, dataclasses, TypedDicts; pydantic's own schema for pydantic types)."""

from __future__ import annotations

import copy
import sys
from typing import Any

from ..._schema import (
    _is_pydantic_dataclass_like,
    _SchemaBuilder,
    is_pydantic_model,
    to_strict_json_schema,
)

__all__ = ["model_schema"]


def model_schema(tp: Any, *, strict: bool = False) -> dict[str, Any]:
    """`tp`'s JSON schema, strict (the output format) or as written (tool parameters). A fresh
    copy: the caller may change it without touching the cached one."""
    if strict:
        return copy.deepcopy(to_strict_json_schema(tp))
    pydantic = sys.modules.get("pydantic")
    schema: dict[str, Any]
    if is_pydantic_model(tp):
        schema = tp.model_json_schema()
    elif pydantic is not None and isinstance(tp, pydantic.TypeAdapter):
        schema = tp.json_schema()
    elif pydantic is not None and _is_pydantic_dataclass_like(tp):
        schema = pydantic.TypeAdapter(tp).json_schema()
    else:
        schema = copy.deepcopy(_SchemaBuilder().build(tp))
        config = getattr(tp, "__struct_config__", None)
        if config is not None and config.forbid_unknown_fields and schema.get("type") == "object":
            # What pydantic writes for `extra="forbid"` (the SDK's tool argument models).
            schema["additionalProperties"] = False
        return schema
    return copy.deepcopy(schema)
