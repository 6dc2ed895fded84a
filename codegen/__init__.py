"""The type generator: pinned `openai` SDK -> `oxide/types` (hand-written, not shipped).

Run `make sync-types` (this package, then `ruff format oxide/types`). See `generate.py`.
"""
