"""pytest plugin: sort every collected test by what it needs from the client, and
report pass/fail/skip per kind at the end (also to $CONFORMANCE_REPORT as JSON, with
each test's kind, outcome and the private SDK modules its file imports at top level).

A static heuristic over the test function's source, plus the module-level helper
functions it calls (one level) and the names it uses that the module imported from
private `openai._*` modules. First matching kind wins:

  httpx     builds httpx2 clients/transports/requests/timeouts itself, or relies on RESPX
            beyond canned answers to the fixture clients (call history, side effects)
  pydantic  uses pydantic (models as inputs, ValidationError, model_* API, repr snapshots)
  private   uses SDK internals (openai._*, client._build_request, FinalRequestOptions, ...);
            names that harness/conformance_overlay stands in for do not count
  mocked    public API only, but its HTTP answer comes from respx2_mock (served by the
            socket stand-in in PEER_RESPX=serve mode)
  public    public API only, answered by the Steady mock server

`public` + `mocked` is what an independent (non-pydantic, non-httpx) client can pass
in principle. PEER_SELECT=portable deselects the other kinds.
"""

from __future__ import annotations

import ast
import collections
import importlib
import inspect
import json
import os
import re
import textwrap
from typing import Any

import pytest

RULES = [
    # httpx2 objects built by the test itself, or RESPX features beyond canned answers
    # for the fixture clients (call history, side-effect sequences).
    (
        "httpx",
        r"httpx2\.(Client|AsyncClient|Request|Timeout|Limits|URL|\w*Transport|\w*Exception|\w*Error)\b"
        r"|MockTransport|http_client\s*=|Default\w*Httpx\w*Client|HTTPX_DEFAULT|cast_to=httpx2"
        r"|side_effect\s*=|(respx2_mock|route)\.(calls|called|call_count)|pass_through|respx2_mock\.(stop|routes|reset)",
    ),
    (
        "pydantic",
        r"\bpydantic\b|BaseModel\b|\bmodel_(dump|validate|construct|fields|copy|json_schema)\b|\.construct\(|ValidationError\b|print_obj\(|PYDANTIC_V|to_strict_json_schema",
    ),
    (
        "private",
        r"openai\.(lib\.)?_\w|\bclient\._\w|_client\._\w|\._build_request\b|FinalRequestOptions|make_request_options|mock\.patch\(\s*[\"']openai",
    ),
]
KINDS = ["httpx", "pydantic", "private", "mocked", "public"]
PORTABLE = {"public", "mocked"}
_module_info: dict[str, tuple[dict[str, str], set[str], set[str]]] = {}


def _overlaid(module: str, name: str | None = None) -> bool:
    """True if conformance_overlay stands in for this private module (and name)."""
    try:
        overlay = importlib.import_module("conformance_overlay" + module[len("openai") :])
    except ImportError:
        return False
    return name is None or hasattr(overlay, name)


def _module(mod: Any) -> tuple[dict[str, str], set[str], set[str]]:
    """(top-level function name -> source, names bound from private openai modules, private modules imported)."""
    path = mod.__file__
    if path not in _module_info:
        with open(path, encoding="utf-8") as f:
            text = f.read()
        tree = ast.parse(text)
        funcs, private_names, private_mods = {}, set(), set()
        for node in tree.body:
            if isinstance(
                node, (ast.FunctionDef, ast.AsyncFunctionDef)
            ) and not node.name.startswith("test"):
                funcs[node.name] = ast.get_source_segment(text, node) or ""
            elif (
                isinstance(node, ast.ImportFrom)
                and node.module
                and re.match(r"openai(\.\w+)*\._", node.module)
            ):
                missing = [
                    a.asname or a.name for a in node.names if not _overlaid(node.module, a.name)
                ]
                private_names.update(missing)
                if missing:
                    private_mods.add(node.module)
            elif isinstance(node, ast.Import):
                for a in node.names:
                    if re.match(r"openai(\.\w+)*\._", a.name) and not _overlaid(a.name):
                        private_mods.add(a.name)
                        private_names.add(a.asname or a.name.split(".")[0])
        _module_info[path] = (funcs, private_names, private_mods)
    return _module_info[path]


def classify(item: pytest.Function) -> str:
    funcs, private_names, _ = _module(item.module)
    try:
        src = textwrap.dedent(inspect.getsource(item.function))
    except (OSError, TypeError):
        src = ""
    used = {n.id for n in ast.walk(ast.parse(src)) if isinstance(n, ast.Name)} if src else set()
    src += "\n".join(funcs[n] for n in used if n in funcs)
    mocked = "respx2_mock" in item.fixturenames
    if mocked and not {"client", "async_client"} & set(item.fixturenames):
        return "httpx"  # builds its own client against RESPX: only an httpx2 stack can answer it
    for kind, pattern in RULES:
        if re.search(pattern, src) or (kind == "private" and used & private_names):
            return kind
    return "mocked" if mocked else "public"


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    keep, drop = [], []
    for item in items:
        kind = classify(item) if isinstance(item, pytest.Function) else "public"
        item.user_properties.append(("conformance_kind", kind))
        # Private SDK modules its file imports at top level (not stood in for by the overlay):
        # a candidate without them cannot even import the file.
        blockers = sorted(_module(item.module)[2]) if isinstance(item, pytest.Function) else []
        item.user_properties.append(("conformance_import_blockers", " ".join(blockers)))
        (
            keep if kind in PORTABLE or os.environ.get("PEER_SELECT", "all") != "portable" else drop
        ).append(item)
    if drop:
        config.hook.pytest_deselected(items=drop)
        items[:] = keep


_by_test: dict[str, dict[str, str]] = {}


def pytest_runtest_logreport(report: pytest.TestReport) -> None:
    if report.when == "call":
        outcome = report.outcome
    elif report.outcome == "failed":
        outcome = "error"
    elif report.when == "setup" and report.outcome == "skipped":
        outcome = "skipped"
    else:
        return
    props = dict(report.user_properties)
    _by_test[report.nodeid] = {
        "kind": props.get("conformance_kind", "?"),
        "outcome": outcome,
        "import_blockers": props.get("conformance_import_blockers", ""),
    }


def pytest_terminal_summary(terminalreporter: Any) -> None:
    if not _by_test:
        return
    results: dict[str, collections.Counter[str]] = collections.defaultdict(collections.Counter)
    for test in _by_test.values():
        results[test["kind"]][test["outcome"]] += 1
    tr = terminalreporter
    tr.section("conformance: outcome by kind of test")
    tr.write_line(f"{'kind':10}{'total':>8}{'passed':>8}{'failed':>8}{'error':>8}{'skipped':>8}")
    for kind in KINDS + sorted(set(results) - set(KINDS)):
        c = results.get(kind)
        if c:
            tr.write_line(
                f"{kind:10}{sum(c.values()):>8}{c['passed']:>8}{c['failed']:>8}{c['error']:>8}{c['skipped']:>8}"
            )
    report_path = os.environ.get("CONFORMANCE_REPORT")
    if report_path:
        with open(report_path, "w") as f:
            summary = {k: dict(v) for k, v in results.items()}
            json.dump({"summary": summary, "tests": _by_test}, f, indent=1, sort_keys=True)
