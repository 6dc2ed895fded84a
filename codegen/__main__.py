"""`python -m codegen`: regenerate oxide/types (and codegen/FALLBACKS.md) from the pinned SDK."""

from .generate import main

if __name__ == "__main__":
    raise SystemExit(main())
