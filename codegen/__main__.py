"""`python -m codegen`: regenerate oxide/types (+ codegen/FALLBACKS.md), then oxide/resources and
oxide/_client_resources.py, from the pinned SDK. `--check` writes nothing and fails when a
generated file is stale, missing or hand-edited."""

from __future__ import annotations

import argparse

from . import generate, resources


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m codegen", description=__doc__.split("\n")[0])
    parser.add_argument("--check", action="store_true", help="write nothing; exit 1 if stale")
    parser.add_argument(
        "--allow-missing-mixins",
        action="store_true",
        help="resources: a missing mixin (file, class or method) is a warning, not an error",
    )
    parser.add_argument("--only", choices=("types", "resources"), help="run one generator")
    args = parser.parse_args(argv)
    status = 0
    if args.only != "resources":
        status |= generate.main(["--check"] if args.check else [])
    if args.only != "types":
        flags = ["--check"] if args.check else []
        flags += ["--allow-missing-mixins"] if args.allow_missing_mixins else []
        status |= resources.main(flags)
    return status


if __name__ == "__main__":
    raise SystemExit(main())
