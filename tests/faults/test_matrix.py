"""Every row of the fault matrix (`MATRIX.md`) names at least one test.

HTTP and SSE rows (S, C, B, E) must be tested in this folder, against real local servers;
decoding (F), tool-call (T) and lifecycle (L) rows anywhere under `tests/`. A test counts for a
row when its name starts with `test_<row id>_` (e.g. `test_c5_...`) or `test_<id>_<id>_` for a
test covering two rows (`test_b1_b2_...`).
"""

from __future__ import annotations

import ast
import re
from pathlib import Path

HERE = Path(__file__).parent
TESTS = HERE.parent
ROW = re.compile(r"^\| ([SCBEFTL]\d+) \|", re.MULTILINE)
LOCAL_FAMILIES = {"S", "C", "B", "E"}


def matrix_rows() -> list[str]:
    return ROW.findall((HERE / "MATRIX.md").read_text())


def collect_test_names(folder: Path) -> set[str]:
    names: set[str] = set()
    for path in folder.rglob("test_*.py"):
        for node in ast.walk(ast.parse(path.read_text())):
            if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)):
                if node.name.startswith("test_"):
                    names.add(node.name)
    return names


def rows_named(names: set[str]) -> set[str]:
    covered: set[str] = set()
    for name in names:
        for part in name.split("_")[1:]:
            if re.fullmatch(r"[scbeftl]\d+", part):
                covered.add(part.upper())
            else:
                break
    return covered


def test_the_matrix_has_every_family() -> None:
    rows = matrix_rows()
    assert len(rows) == len(set(rows)), "a row id appears twice"
    assert {r[0] for r in rows} == {"S", "C", "B", "E", "F", "T", "L"}
    assert len(rows) >= 60


def test_every_row_has_a_test() -> None:
    here = rows_named(collect_test_names(HERE))
    anywhere = rows_named(collect_test_names(TESTS))
    missing = [
        row for row in matrix_rows() if row not in (here if row[0] in LOCAL_FAMILIES else anywhere)
    ]
    assert not missing, f"rows of MATRIX.md with no test named after them: {missing}"
