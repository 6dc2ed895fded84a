"""Field-name parity of every response model: official `openai.types.*` vs the candidate.

The suite's assert_matches_type checks a value against the type the *candidate*
exports under the same name, so a candidate type that silently lacks a field
would pass there. This script closes that gap: it walks every pydantic model in
the official SDK's openai.types (imported normally: run it WITHOUT the alias
plugin) and compares its field names with the candidate's class of the same
module path and name (via utils.declared_fields: msgspec, pydantic, dataclass).

After `make conformance`, from the repository's root:

  cd .conformance
  PYTHONPATH=../conformance/harness CANDIDATE=oxide.compat:oxide venv/bin/python ../conformance/harness/type_parity.py

Exit status 1 if any class is missing or differs; prints the first differences.
"""

from __future__ import annotations

import importlib
import os
import pkgutil
import sys
from types import ModuleType

import openai
import openai.types
from utils import declared_fields

PREFIXES = [p for p in os.environ.get("CANDIDATE", "openai").split(":") if p]


def candidate_module(suffix: str) -> ModuleType | None:
    for prefix in PREFIXES:
        try:
            return importlib.import_module(prefix + suffix)
        except ModuleNotFoundError:
            continue
    return None


def main() -> int:
    checked, problems = 0, []
    for info in pkgutil.walk_packages(openai.types.__path__, "openai.types."):
        module = importlib.import_module(info.name)
        models = [
            (name, obj)
            for name, obj in vars(module).items()
            if isinstance(obj, type)
            and issubclass(obj, openai.BaseModel)
            and obj.__module__ == module.__name__
        ]
        if not models:
            continue
        theirs = candidate_module(info.name[len("openai") :])
        for name, model in models:
            checked += 1
            cls = getattr(theirs, name, None) if theirs else None
            if cls is None:
                problems.append(f"{info.name}.{name}: missing in candidate")
                continue
            want = set(model.model_fields)
            # the candidate's declared fields: its own model_fields where it has them (a msgspec
            # client may carry undeclared 'shadow' fields in its Struct layout for decode speed)
            mf = getattr(cls, "model_fields", None)
            got = set(mf) if isinstance(mf, dict) else set(declared_fields(cls) or ())
            if want != got:
                problems.append(
                    f"{info.name}.{name}: missing {sorted(want - got)} extra {sorted(got - want)}"
                )
    print(
        f"type parity: {checked} official models, {len(problems)} missing or different (CANDIDATE={':'.join(PREFIXES)})"
    )
    for line in problems[:40]:
        print("  " + line)
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
