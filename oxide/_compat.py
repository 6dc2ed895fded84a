"""Names the generated resources import from the SDK's `_compat` module."""

from __future__ import annotations

from functools import cached_property

__all__ = ["cached_property"]
