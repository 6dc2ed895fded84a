"""Generate `oxide/resources/**` and `oxide/_client_resources.py` from the pinned SDK's
`openai/resources/**` and `openai/_client.py`.

Why an AST-guided, near-verbatim translation
    The SDK's resource layer is itself generated (about 130 modules, 280+ endpoints) and calls
    only a small set of SDK internals: `SyncAPIResource`, `make_request_options`,
    `maybe_transform`, the page classes, the raw/streaming response wrappers and a few more.
    oxide provides modules with the *same names at the same relative positions* (the engine
    contract, `CONTRACT` below), so a resource module can be copied as it is: relative imports,
    signatures, overloads, docstrings (they are the user documentation) and comments all stay the
    SDK's. Parity then holds by construction instead of by review. The source is edited as text
    at positions found with `ast` (never re-printed from the AST), which keeps comments; the
    SDK's `# type: ignore`s are dropped (oxide's resources type-check without them); ruff
    formats the result.

    Edits: the Castiron header becomes ours; `import httpx2` goes and `httpx2.Timeout` becomes
    `Timeout` (from `_types`); `typing_extensions` names come from `typing` (or, for
    `deprecated` and `assert_never`, which Python 3.10's `typing` lacks, from `_compat`);
    `_utils._utils` is `_utils`; import lists keep only the names the kept code uses.

Why mixins
    A few methods need SDK internals oxide does not mirror: structured-output parsing and stream
    managers (`lib.*`), pydantic construction (`construct_type`), numpy (`_extras`), threads and
    other async runtimes (`concurrent.futures`, `sniffio`, `anyio`), webhook crypto, ... A method
    is kept only if every free name it uses resolves to the contract, `openai.types`, other
    resource modules, builtins, `typing`, a few plain stdlib modules (`STDLIB`) or module-level
    names that are kept. Otherwise it is dropped, and the generated class inherits a
    hand-written mixin that defines it: `class Completions(CompletionsMixin, SyncAPIResource)`
    (table `MIXINS`). The generator checks, by reading the mixin's source (no import), that the
    mixin defines every dropped method with the same `def`/`async def` kind; when a mixin file
    or method is missing the code is still written, the missing list printed and the exit
    status is 1 (`--allow-missing-mixins` makes that a warning). An import from an SDK module
    that is neither in the contract nor a known unmirrored internal (`UNMIRRORED`) is an error:
    a new SDK helper must be decided on, never dropped silently.

Why some things are omitted
    WebSocket mode's connection and connection-manager classes (`ResponsesConnection`,
    `AsyncRealtimeConnectionManager`, ...) are hand-written in `oxide/lib/_websocket` (they run
    on oxide's transport): `DELIBERATELY_OMITTED` lists them, with the reason. A method using an
    omitted name is dropped like any other and comes from the class's mixin (`connect`). The
    connection's sub-resource classes (`ResponsesResponseResource`,
    `RealtimeConversationItemResource`, ...) are generated as the SDK has them; they name the
    connection classes in annotations only, which resolve to the hand-written classes through
    imports under `if TYPE_CHECKING:` (`HAND_WRITTEN_TYPES`; the beta modules' are the `Beta*`
    classes, imported under the SDK's names). No run-time import: the hand-written modules
    import the generated ones at run time, and the generator refuses such a name used outside
    an annotation.

Since 3.4x the SDK keeps some resource code in `openai/lib/` helper modules (polling, chunked
uploads, the audio response-format choice): those listed in `LIB_MODULES` are translated like a
resource module into `oxide/resources/_lib_*.py`, under the same rules. What oxide does not
mirror yet is a table, not a flag: `NOT_MIRRORED` (classes whose dropped methods have no mixin:
none at present) and `NOT_MIRRORED_WEBSOCKETS` (WebSocket modes without connection
classes in oxide: none at present); their methods are absent, their With* wrappers
leave them out, and `tests/test_api_surface.py` reports each as "not mirrored yet".

Package `__init__`s become lazy re-exports (module `__getattr__`, real imports under
TYPE_CHECKING), as `oxide/types`' are, so `import oxide.resources` imports no resource module.
`oxide/_client_resources.py` holds the client's accessors (`SyncClientResources`,
`AsyncClientResources`: lazy `cached_property`s) and the four `*WithRawResponse` /
`*WithStreamedResponse` client classes, for the engine's `OpenAI` / `AsyncOpenAI` to inherit.

Everything under `oxide/resources/` is generated: a file there without the header is deleted by
a sync (and reported by `--check`), as is a stale generated file.
"""

from __future__ import annotations

import argparse
import ast
import builtins
import importlib.util
import re
import sys
import tempfile
import typing
from dataclasses import dataclass, field
from pathlib import Path

from .generate import HEADER_PREFIX, ROOT, relative, ruff_format, sdk_version

OUT = ROOT / "oxide" / "resources"
CLIENT_OUT = ROOT / "oxide" / "_client_resources.py"
CLIENT_MODULE = "oxide._client_resources"
SDK = "openai"
SDK_RESOURCES = "openai.resources"
OX_RESOURCES = "oxide.resources"

# --------------------------------------------------------------------------------------------
# The tables
# --------------------------------------------------------------------------------------------

# The engine contract: SDK-internal module -> the names oxide's module of the same name provides.
# `None`: every name (the page classes). Resource code may use exactly these.
CONTRACT: dict[str, frozenset[str] | None] = {
    "openai._resource": frozenset({"SyncAPIResource", "AsyncAPIResource"}),
    "openai._compat": frozenset({"cached_property", "deprecated", "assert_never"}),
    "openai._response": frozenset(
        {
            "to_streamed_response_wrapper",
            "async_to_streamed_response_wrapper",
            "to_custom_streamed_response_wrapper",
            "async_to_custom_streamed_response_wrapper",
            "StreamedBinaryAPIResponse",
            "AsyncStreamedBinaryAPIResponse",
            "BinaryAPIResponse",
            "AsyncBinaryAPIResponse",
            "to_custom_raw_response_wrapper",
            "async_to_custom_raw_response_wrapper",
        }
    ),
    "openai._legacy_response": frozenset(
        {
            "to_raw_response_wrapper",
            "async_to_raw_response_wrapper",
            "HttpxBinaryResponseContent",
            "LegacyAPIResponse",
        }
    ),
    "openai._base_client": frozenset({"AsyncPaginator", "make_request_options", "_merge_mappings"}),
    "openai._utils": frozenset(
        {
            "path_template",
            "maybe_transform",
            "async_maybe_transform",
            "required_args",
            "is_given",
            "strip_not_given",
            "extract_files",
            "get_required_header",
        }
    ),
    "openai._types": frozenset(
        {
            "Body",
            "Omit",
            "Query",
            "Headers",
            "NotGiven",
            "omit",
            "not_given",
            "NOT_GIVEN",
            "SequenceNotStr",
            "FileTypes",
            "NoneType",
            "HeadersLike",
            "Timeout",
        }
    ),
    "openai._files": frozenset({"deepcopy_with_paths"}),
    "openai._streaming": frozenset({"Stream", "AsyncStream"}),
    "openai.pagination": None,
    "openai._exceptions": frozenset({"OpenAIError"}),
}
# The SDK's helper modules the resources call (3.4x moved code out of the resources into
# `openai/lib/`): translated like a resource module into `oxide/resources/<name>.py`; a function
# there using an unmirrored internal is dropped like a method (and so are its callers).
LIB_MODULES: dict[str, str] = {
    "openai.lib._parsing._audio": "_lib_parsing_audio",
    "openai.lib._files": "_lib_files",
    "openai.lib._assistants_runs": "_lib_assistants_runs",
    "openai.lib._assistants_threads": "_lib_assistants_threads",
    "openai.lib._vector_stores": "_lib_vector_stores",
    "openai.lib._uploads": "_lib_uploads",
}
# Imported as modules (`from .. import _legacy_response`): their attributes are checked.
MODULE_IMPORTS = {"openai._legacy_response"}
# SDK module paths oxide spells differently.
MODULE_ALIASES = {
    "openai._utils._utils": "openai._utils",
    **{sdk: f"{SDK_RESOURCES}.{ours}" for sdk, ours in LIB_MODULES.items()},
}

# Plain stdlib modules resource code may use as they are.
STDLIB = {"logging", "time", "os", "io", "builtins", "pathlib", "math"}
# Python 3.10's `typing` lacks these `typing_extensions` names; the engine's `_compat` has them.
COMPAT_NAMES = {"deprecated", "assert_never"}
TYPING_NAMES = set(typing.__all__) - COMPAT_NAMES
BUILTINS = set(dir(builtins))

# SDK internals and libraries oxide does not mirror: a method using one is dropped and comes
# from a mixin. Keys are module prefixes (or "module:name" for single names).
UNMIRRORED: dict[str, str] = {
    "openai.lib": "SDK helper library (structured-output parsing, stream managers, tools)",
    "openai.lib._realtime": "the SDK's hand-written realtime `calls.create` (application/sdp)",
    "openai._models": "pydantic model construction (construct_type)",
    "openai._extras": "optional numpy",
    "openai._send_queue": "WebSocket send queue",
    "openai._event_handler": "WebSocket event handlers",
    "openai._httpx2": "httpx URL helpers",
    "openai._client": "client classes (type checking only)",
    "openai._utils:is_azure_client": "Azure client detection",
    "openai._utils:is_async_azure_client": "Azure client detection",
    "openai._exceptions:WebSocketConnectionClosedError": "WebSocket errors",
    "openai._exceptions:InvalidWebhookSignatureError": "webhook verification",
    "httpx2:URL": "httpx URLs (WebSocket URLs)",
    "openai._constants": "WebSocket limits of the Live API (`connect`'s queue size: a mixin's)",
    "openai._websocket_connection": "the SDK's WebSocket connection base (Live, translations)",
    "openai._multipart": "multipart bodies with per-part content types (realtime calls.create)",
    "websockets": "WebSocket library",
    "pydantic": "pydantic models",
    "json": "JSON helpers outside the engine",
    "base64": "base64 helpers",
    "hmac": "webhook crypto",
    "hashlib": "webhook crypto",
    "array": "numpy-less embedding decoding",
    "copy": "stdlib helper outside the contract",
    "functools": "stdlib helper outside the contract (partial requests for stream managers)",
    "inspect": "stdlib helper outside the contract",
    "random": "reconnect jitter",
    "types": "stdlib helper outside the contract",
    "asyncio": "async runtime specifics",
    "anyio": "async file I/O (not an oxide dependency)",
    "sniffio": "async runtime detection (not an oxide dependency)",
    "trio": "async runtime (not an oxide dependency)",
    "concurrent.futures": "thread pools (oxide's sync face runs the async engine)",
}

# Methods dropped for an unmirrored internal: (SDK module, class) -> "oxide.module:MixinClass".
_M = "oxide.lib._mixins"
MIXINS: dict[tuple[str, str], str] = {
    ("openai.resources.chat.completions.completions", "Completions"): (
        f"{_M}.chat_completions:CompletionsMixin"
    ),
    ("openai.resources.chat.completions.completions", "AsyncCompletions"): (
        f"{_M}.chat_completions:AsyncCompletionsMixin"
    ),
    ("openai.resources.responses.responses", "Responses"): f"{_M}.responses:ResponsesMixin",
    ("openai.resources.responses.responses", "AsyncResponses"): (
        f"{_M}.responses:AsyncResponsesMixin"
    ),
    ("openai.resources.embeddings", "Embeddings"): f"{_M}.embeddings:EmbeddingsMixin",
    ("openai.resources.embeddings", "AsyncEmbeddings"): f"{_M}.embeddings:AsyncEmbeddingsMixin",
    ("openai.resources.webhooks.webhooks", "Webhooks"): "oxide.lib.webhooks:WebhooksMixin",
    ("openai.resources.webhooks.webhooks", "AsyncWebhooks"): (
        "oxide.lib.webhooks:AsyncWebhooksMixin"
    ),
    ("openai.resources.beta.threads.threads", "Threads"): f"{_M}.threads:ThreadsMixin",
    ("openai.resources.beta.threads.threads", "AsyncThreads"): f"{_M}.threads:AsyncThreadsMixin",
    ("openai.resources.beta.threads.runs.runs", "Runs"): f"{_M}.runs:RunsMixin",
    ("openai.resources.beta.threads.runs.runs", "AsyncRuns"): f"{_M}.runs:AsyncRunsMixin",
    ("openai.resources.vector_stores.file_batches", "FileBatches"): (
        f"{_M}.file_batches:FileBatchesMixin"
    ),
    ("openai.resources.vector_stores.file_batches", "AsyncFileBatches"): (
        f"{_M}.file_batches:AsyncFileBatchesMixin"
    ),
    ("openai.resources.uploads.uploads", "AsyncUploads"): f"{_M}.uploads:AsyncUploadsMixin",
    ("openai.resources.realtime.calls", "Calls"): f"{_M}.realtime_calls:CallsMixin",
    ("openai.resources.realtime.calls", "AsyncCalls"): f"{_M}.realtime_calls:AsyncCallsMixin",
    ("openai.resources.realtime.realtime", "Realtime"): f"{_M}.realtime:RealtimeMixin",
    ("openai.resources.realtime.realtime", "AsyncRealtime"): f"{_M}.realtime:AsyncRealtimeMixin",
    ("openai.resources.beta.responses.responses", "Responses"): (
        f"{_M}.beta_responses:ResponsesMixin"
    ),
    ("openai.resources.beta.responses.responses", "AsyncResponses"): (
        f"{_M}.beta_responses:AsyncResponsesMixin"
    ),
    ("openai.resources.beta.realtime.realtime", "Realtime"): f"{_M}.beta_realtime:RealtimeMixin",
    ("openai.resources.beta.realtime.realtime", "AsyncRealtime"): (
        f"{_M}.beta_realtime:AsyncRealtimeMixin"
    ),
    ("openai.resources.beta.agents.sessions.sessions", "Sessions"): (
        f"{_M}.agent_sessions:SessionsMixin"
    ),
    ("openai.resources.beta.agents.sessions.sessions", "AsyncSessions"): (
        f"{_M}.agent_sessions:AsyncSessionsMixin"
    ),
    ("openai.resources.beta.agents.sessions.artifacts", "Artifacts"): (
        f"{_M}.agent_artifacts:ArtifactsMixin"
    ),
    ("openai.resources.beta.agents.sessions.artifacts", "AsyncArtifacts"): (
        f"{_M}.agent_artifacts:AsyncArtifactsMixin"
    ),
    ("openai.resources.beta.agents.environments.files", "Files"): (
        f"{_M}.agent_environment_files:FilesMixin"
    ),
    ("openai.resources.beta.agents.environments.files", "AsyncFiles"): (
        f"{_M}.agent_environment_files:AsyncFilesMixin"
    ),
    ("openai.resources.live.live", "Live"): f"{_M}.live:LiveMixin",
    ("openai.resources.live.live", "AsyncLive"): f"{_M}.live:AsyncLiveMixin",
    ("openai.resources.live.forks", "Forks"): f"{_M}.live:ForksMixin",
    ("openai.resources.live.forks", "AsyncForks"): f"{_M}.live:AsyncForksMixin",
    ("openai.resources.live.sideband", "Sideband"): f"{_M}.live:SidebandMixin",
    ("openai.resources.live.sideband", "AsyncSideband"): f"{_M}.live:AsyncSidebandMixin",
    ("openai.resources.realtime.translations.translations", "Translations"): (
        f"{_M}.translations:TranslationsMixin"
    ),
    ("openai.resources.realtime.translations.translations", "AsyncTranslations"): (
        f"{_M}.translations:AsyncTranslationsMixin"
    ),
}

# Classes whose dropped methods oxide does not provide yet (no mixin): (SDK module, class) ->
# what they are. The methods are absent from oxide's class, so calling one is an AttributeError;
# tests/api/test_api_surface.py reads this table as the documented exceptions.
# WebSocket modes oxide has no connection classes for yet: module -> (class prefix, reason).
# Their connection, manager and connection-resource classes are left out, and `connect` with them.
NOT_MIRRORED_WEBSOCKETS: dict[str, tuple[str, str]] = {}
NOT_MIRRORED: dict[tuple[str, str], str] = {
    **{
        (module, f"{kind}{prefix}"): reason
        for module, (prefix, reason) in NOT_MIRRORED_WEBSOCKETS.items()
        for kind in ("", "Async")
    },
}


def not_mirrored_websocket_class(module: str, node: ast.ClassDef) -> str | None:
    """The reason a class of a not-mirrored WebSocket mode is left out, or None."""
    if module not in NOT_MIRRORED_WEBSOCKETS:
        return None
    prefix, reason = NOT_MIRRORED_WEBSOCKETS[module]
    names = [node.name, *(ast.unparse(b) for b in node.bases)]
    pattern = re.compile(rf"^(Base)?(Async)?{prefix}(Connection(Manager)?|\w*ConnectionResource)$")
    return reason if any(pattern.match(n) for n in names) else None


# Module-level functions using unmirrored internals, imported from a hand-written module instead
# of copied (so the methods calling them are kept): (SDK module, function) -> "oxide.module:name".
HAND_WRITTEN_FUNCTIONS: dict[tuple[str, str], str] = {
    # `create` raises TypeError for a pydantic class as `response_format` (use `parse`): inspect
    # + pydantic in the SDK; oxide's also knows its own Structs.
    ("openai.resources.chat.completions.completions", "validate_response_format"): (
        f"{_M}.chat_completions:validate_response_format"
    ),
}

# Left out on purpose (no mixin needed): SDK module -> {"Class" or "Class.method": reason}. A
# method using an omitted name is dropped and comes from the class's mixin (`connect`).
WEBSOCKET = "WebSocket mode: hand-written in oxide/lib/_websocket"
_WS_COMMON = ("Connection", "ConnectionManager")


def _websocket_entries(prefix: str) -> dict[str, str]:
    """The connection and connection-manager classes (`<prefix>Connection`, ...), sync and async.
    `connect` (a mixin's) and the connection's sub-resource classes (`Base<prefix>Connection
    Resource`, `<prefix>SessionResource`, ...: generated) are not listed."""
    names = [f"{kind}{prefix}{suffix}" for kind in ("", "Async") for suffix in _WS_COMMON]
    return dict.fromkeys(names, WEBSOCKET)


_WS_MODULES = {
    "openai.resources.responses.responses": ("Responses", "responses", ""),
    "openai.resources.beta.responses.responses": ("Responses", "responses", "Beta"),
    "openai.resources.realtime.realtime": ("Realtime", "realtime", ""),
    "openai.resources.beta.realtime.realtime": ("Realtime", "realtime", "Beta"),
    "openai.resources.live.live": ("Live", "live", ""),
    "openai.resources.live.forks": ("Forks", "live", ""),
    "openai.resources.live.sideband": ("Sideband", "live", ""),
    "openai.resources.realtime.translations.translations": ("Translations", "translations", ""),
}
DELIBERATELY_OMITTED: dict[str, dict[str, str]] = {
    module: _websocket_entries(prefix) for module, (prefix, _, _) in _WS_MODULES.items()
}

# Names of omitted classes that kept code uses in annotations only, imported from a hand-written
# module under `if TYPE_CHECKING:` (never at run time: the hand-written module imports the
# generated one at run time): SDK module -> {SDK name: "oxide.module:Class"}. The connection
# classes, named by the connection-resource classes (`BaseResponsesConnectionResource.__init__
# (self, connection: ResponsesConnection)`); the beta modules' are oxide's `Beta*` classes.
HAND_WRITTEN_TYPES: dict[str, dict[str, str]] = {
    module: {
        f"{kind}{prefix}Connection": f"oxide.lib._websocket.{ws}:{kind}{beta}{prefix}Connection"
        for kind in ("", "Async")
    }
    for module, (prefix, ws, beta) in _WS_MODULES.items()
}


class GenError(Exception):
    """The SDK source cannot be translated as the tables say."""


def header(version: str, sdk_path: str) -> str:
    return (
        f"{HEADER_PREFIX}{version} ({sdk_path}).\n"
        "# Do not edit: changes are overwritten. Generator: codegen/resources.py; "
        "hand-written parts: oxide/lib/ (mixins).\n"
    )


# --------------------------------------------------------------------------------------------
# Loading the SDK (source only: nothing of `openai.resources` is imported)
# --------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Origin:
    """Where an imported local name comes from: `module` (absolute, aliases applied) and
    `name` (None when the module itself is imported)."""

    module: str
    name: str | None


@dataclass
class SdkModule:
    name: str
    is_package: bool
    source: str
    tree: ast.Module
    imports: dict[str, Origin] = field(default_factory=dict)
    # A translated `openai.lib` module: its name in `openai.resources` (LIB_MODULES).
    alias: str | None = None

    @property
    def package(self) -> str:
        return self.name if self.is_package else self.name.rpartition(".")[0]

    @property
    def out_package(self) -> str:
        """The SDK-spelled package of the output module (relative imports start there)."""
        return SDK_RESOURCES if self.alias else self.package

    @property
    def sdk_path(self) -> str:
        rel = self.name.replace(".", "/")
        return f"{rel}/__init__.py" if self.is_package else f"{rel}.py"

    @property
    def out_name(self) -> str:
        return "oxide" + (self.alias or self.name)[len(SDK) :]

    @property
    def out_path(self) -> Path:
        if self.alias:
            return Path(self.alias.rpartition(".")[2] + ".py")
        parts = self.name[len(SDK_RESOURCES) :].strip(".").split(".")
        if self.name == SDK_RESOURCES:
            return Path("__init__.py")
        if self.is_package:
            return Path(*parts, "__init__.py")
        return Path(*parts[:-1], parts[-1] + ".py")


def sdk_root() -> Path:
    spec = importlib.util.find_spec(SDK)
    if spec is None or spec.origin is None:
        raise GenError("the `openai` SDK is not installed")
    return Path(spec.origin).parent


def absolute_module(node: ast.ImportFrom, package: str) -> str:
    if not node.level:
        return node.module or ""
    base = package.split(".")
    base = base[: len(base) - (node.level - 1)]
    return ".".join([*base, *([node.module] if node.module else [])])


def import_origins(node: ast.Import | ast.ImportFrom, package: str) -> dict[str, Origin]:
    found: dict[str, Origin] = {}
    if isinstance(node, ast.Import):
        for alias in node.names:
            found[alias.asname or alias.name.split(".")[0]] = Origin(alias.name, None)
        return found
    module = absolute_module(node, package)
    module = MODULE_ALIASES.get(module, module)
    for alias in node.names:
        sub = f"{module}.{alias.name}"
        origin = Origin(sub, None) if sub in MODULE_IMPORTS else Origin(module, alias.name)
        found[alias.asname or alias.name] = origin
    return found


def is_docstring(node: ast.stmt) -> bool:
    return isinstance(node, ast.Expr) and isinstance(node.value, ast.Constant)


def is_type_checking_if(node: ast.stmt) -> bool:
    return isinstance(node, ast.If) and ast.unparse(node.test) in ("TYPE_CHECKING",)


def load_module(name: str, path: Path, is_package: bool) -> SdkModule:
    source = path.read_text()
    m = SdkModule(name, is_package, source, ast.parse(source))
    for node in m.tree.body:
        stmts = node.body if is_type_checking_if(node) else [node]  # type: ignore[attr-defined]
        for stmt in stmts:
            if isinstance(stmt, (ast.Import, ast.ImportFrom)):
                if isinstance(stmt, ast.ImportFrom) and stmt.module == "__future__":
                    continue
                m.imports.update(import_origins(stmt, m.package))
    return m


def load_modules(root: Path) -> dict[str, SdkModule]:
    modules: dict[str, SdkModule] = {}
    base = root / "resources"
    for path in sorted(base.rglob("*.py")):
        rel = path.relative_to(root.parent).with_suffix("")
        parts = list(rel.parts)
        is_package = parts[-1] == "__init__"
        if is_package:
            parts = parts[:-1]
        name = ".".join(parts)
        modules[name] = load_module(name, path, is_package)
    for name, ours in LIB_MODULES.items():
        path = root.parent.joinpath(*name.split(".")).with_suffix(".py")
        if path.exists():  # older SDKs kept this code in the resources
            modules[name] = load_module(name, path, False)
            modules[name].alias = f"{SDK_RESOURCES}.{ours}"
    return modules


# --------------------------------------------------------------------------------------------
# Names: what a statement uses, and whether oxide has it
# --------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Use:
    """A free name a statement uses: `local` (a module global or builtin), `attr` (the
    attribute read right off it, for module imports), `origin` when imported inside the
    statement itself (a function-local import)."""

    local: str
    attr: str | None = None
    origin: Origin | None = None


def _annotation_strings(node: ast.AST) -> list[ast.expr]:
    """Quoted annotations, parsed."""
    found = []
    for n in ast.walk(node):
        annotations: list[ast.expr | None] = []
        if isinstance(n, ast.arg):
            annotations.append(n.annotation)
        elif isinstance(n, (ast.FunctionDef, ast.AsyncFunctionDef)):
            annotations.append(n.returns)
        elif isinstance(n, ast.AnnAssign):
            annotations.append(n.annotation)
        for a in annotations:
            if isinstance(a, ast.Constant) and isinstance(a.value, str):
                try:
                    found.append(ast.parse(a.value, mode="eval").body)
                except SyntaxError:
                    pass
    return found


def uses(node: ast.AST, package: str) -> set[Use]:
    """Free names of a statement (approximate scoping: a name bound anywhere inside is local),
    with function-local imports resolved."""
    loaded: dict[str, set[str | None]] = {}
    bound: set[str] = set()
    local_imports: dict[str, Origin] = {}
    nodes = [node, *_annotation_strings(node)]
    for root in nodes:
        for n in ast.walk(root):
            if isinstance(n, ast.Attribute) and isinstance(n.value, ast.Name):
                loaded.setdefault(n.value.id, set()).add(n.attr)
            elif isinstance(n, ast.Name):
                if isinstance(n.ctx, ast.Load):
                    loaded.setdefault(n.id, set())
                else:
                    bound.add(n.id)
            elif isinstance(n, ast.arg):
                bound.add(n.arg)
            elif isinstance(n, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
                if n is not node:
                    bound.add(n.name)
            elif isinstance(n, (ast.Import, ast.ImportFrom)):
                local_imports.update(import_origins(n, package))
            elif isinstance(n, ast.ExceptHandler) and n.name:
                bound.add(n.name)
    found: set[Use] = set()
    for origin_name, origin in local_imports.items():
        found.add(Use(origin_name, None, origin))
    for name, attrs in loaded.items():
        if name in bound or name in local_imports:
            continue
        found.add(Use(name))
        found.update(Use(name, attr) for attr in attrs)
    return found


def has_future_annotations(m: SdkModule) -> bool:
    return any(
        isinstance(n, ast.ImportFrom)
        and n.module == "__future__"
        and any(a.name == "annotations" for a in n.names)
        for n in m.tree.body
    )


def runtime_names(node: ast.AST) -> set[str]:
    """Names a statement loads outside its annotations (which `from __future__ import
    annotations` leaves unevaluated)."""
    annotations: set[int] = set()
    for n in ast.walk(node):
        if isinstance(n, ast.arg) and n.annotation is not None:
            annotations.add(id(n.annotation))
        elif isinstance(n, (ast.FunctionDef, ast.AsyncFunctionDef)) and n.returns is not None:
            annotations.add(id(n.returns))
        elif isinstance(n, ast.AnnAssign):
            annotations.add(id(n.annotation))
    return {
        n.id
        for n in walk_kept(node, annotations)
        if isinstance(n, ast.Name) and isinstance(n.ctx, ast.Load)
    }


@dataclass
class Verdict:
    """Why a statement cannot be kept (empty: it can)."""

    unmirrored: list[tuple[str, str]] = field(default_factory=list)  # (name used, reason)
    omitted: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.unmirrored and not self.omitted


def unmirrored_reason(origin: Origin) -> str | None:
    keys = [origin.module]
    if origin.name is not None:
        keys.insert(0, f"{origin.module}:{origin.name}")
    for key in keys:
        if key in UNMIRRORED:
            return UNMIRRORED[key]
    for prefix, reason in UNMIRRORED.items():
        if ":" not in prefix and origin.module.startswith(prefix + "."):
            return reason
    return None


def origin_allowed(origin: Origin, attr: str | None) -> bool:
    """Whether oxide provides the name (`attr`: the attribute read off an imported module)."""
    module, name = origin.module, origin.name
    if module == "openai.types" or module.startswith(("openai.types.", "openai.resources")):
        return True
    if module in ("typing", "typing_extensions"):
        target = name if name is not None else attr
        return target is None or target in TYPING_NAMES or target in COMPAT_NAMES
    if module in STDLIB:
        return True
    if module == "httpx2":
        return name is None and attr in (None, "Timeout")
    if module in CONTRACT:
        names = CONTRACT[module]
        target = name if name is not None else attr
        return names is None or target is None or target in names
    return False


@dataclass
class ModuleNames:
    """Module-level names of one SDK module and whether each is kept."""

    module: SdkModule
    dropped: dict[str, str] = field(default_factory=dict)  # name -> reason
    omitted: set[str] = field(default_factory=set)
    defined: set[str] = field(default_factory=set)


# Functions of the translated lib modules that were dropped: module (as aliased) -> name ->
# reason. Filled before the resource modules are planned.
LIB_DROPPED: dict[str, dict[str, str]] = {}


def judge(m: SdkModule, names: ModuleNames, node: ast.AST, where: str) -> Verdict:
    verdict = Verdict()
    for use in uses(node, m.package):
        origin = use.origin or m.imports.get(use.local)
        if origin is None and use.local in HAND_WRITTEN_TYPES.get(m.name, {}):
            if not has_future_annotations(m) or use.local in runtime_names(node):
                raise GenError(
                    f"{m.name}: {where}: {use.local} is imported from a hand-written module for "
                    "type checking only (HAND_WRITTEN_TYPES) but is used at run time"
                )
            continue
        if origin is None:
            if use.local in names.omitted:
                verdict.omitted.append(use.local)
            elif use.local in names.dropped:
                verdict.unmirrored.append((use.local, names.dropped[use.local]))
            elif use.local in names.defined or use.local in BUILTINS:
                continue
            elif use.attr is None:
                raise GenError(f"{m.name}: {where}: unresolved name {use.local!r}")
            continue
        if origin.module.startswith(SDK_RESOURCES) and origin.name is not None:
            omitted = DELIBERATELY_OMITTED.get(origin.module, {})
            if origin.name in omitted:
                verdict.omitted.append(origin.name)
                continue
        lib_reason = LIB_DROPPED.get(origin.module, {}).get(origin.name or "")
        if lib_reason is not None:
            verdict.unmirrored.append((use.local, lib_reason))
            continue
        if use.attr is not None and origin.name is not None:
            continue  # an attribute of an imported class or object
        probe = Origin(origin.module, use.attr) if use.attr and origin.name is None else origin
        if origin_allowed(origin, use.attr):
            continue
        reason = unmirrored_reason(probe) or unmirrored_reason(origin)
        if reason is None:
            spelled = f"{origin.module}.{use.attr}" if use.attr else origin.module
            if origin.name is not None:
                spelled = f"{origin.module}.{origin.name}"
            raise GenError(
                f"{m.name}: {where}: {spelled} is neither in the engine contract (CONTRACT) "
                "nor a known unmirrored internal (UNMIRRORED): decide which"
            )
        if use.attr is None or not any(u == use.local for u, _ in verdict.unmirrored):
            verdict.unmirrored.append((use.local, reason))
    return verdict


# --------------------------------------------------------------------------------------------
# Deciding what is kept
# --------------------------------------------------------------------------------------------


def statement_lines(node: ast.stmt) -> tuple[int, int]:
    """1-based first and last line of a statement, decorators included."""
    decorators = getattr(node, "decorator_list", [])
    start = min([node.lineno, *(d.lineno for d in decorators)])
    assert node.end_lineno is not None
    return start, node.end_lineno


def is_async_def(defs: list[ast.stmt]) -> bool:
    return any(isinstance(d, ast.AsyncFunctionDef) for d in defs)


def def_kind(defs: list[ast.stmt]) -> str:
    for d in defs:
        decorators = {ast.unparse(x) for x in getattr(d, "decorator_list", [])}
        if "cached_property" in decorators:
            return "cached_property"
        if "property" in decorators:
            return "property"
    return "async def" if is_async_def(defs) else "def"


@dataclass
class DroppedMethod:
    module: str
    cls: str
    method: str
    kind: str  # "def", "async def", "cached_property", "property"
    lines: tuple[int, int]  # SDK source lines of all defs (overloads included)
    reasons: dict[str, list[str]]  # reason -> names used


@dataclass
class ModulePlan:
    """What to cut from one module's source."""

    module: SdkModule
    names: ModuleNames
    drop_statements: list[ast.stmt] = field(default_factory=list)
    mixins: dict[str, str] = field(default_factory=dict)  # class name -> "module:Mixin"
    functions: dict[str, str] = field(default_factory=dict)  # name -> "module:function"
    dropped_methods: list[DroppedMethod] = field(default_factory=list)
    omitted: list[str] = field(default_factory=list)
    not_mirrored: list[str] = field(default_factory=list)  # classes (NOT_MIRRORED_WEBSOCKETS)


def module_level_names(m: SdkModule) -> ModuleNames:
    names = ModuleNames(m)
    omitted = DELIBERATELY_OMITTED.get(m.name, {})
    for node in m.tree.body:
        if isinstance(node, ast.ClassDef) and not_mirrored_websocket_class(m.name, node):
            names.dropped[node.name] = NOT_MIRRORED_WEBSOCKETS[m.name][1]
        elif isinstance(node, (ast.ClassDef, ast.FunctionDef, ast.AsyncFunctionDef)):
            (names.omitted if node.name in omitted else names.defined).add(node.name)
        elif isinstance(node, (ast.Assign, ast.AnnAssign)):
            targets = node.targets if isinstance(node, ast.Assign) else [node.target]
            names.defined.update(t.id for t in targets if isinstance(t, ast.Name))
    # Module-level functions that use unmirrored names are dropped, as are their users (unless
    # a hand-written one replaces them).
    functions = [
        n
        for n in m.tree.body
        if isinstance(n, (ast.FunctionDef, ast.AsyncFunctionDef))
        and (m.name, n.name) not in HAND_WRITTEN_FUNCTIONS
    ]
    changed = True
    while changed:
        changed = False
        for fn in functions:
            if fn.name in names.dropped:
                continue
            verdict = judge(m, names, fn, fn.name)
            if not verdict.ok:
                names.defined.discard(fn.name)
                used = sorted({name for name, _ in verdict.unmirrored} | set(verdict.omitted))
                names.dropped[fn.name] = f"module function using {', '.join(used)}"
                changed = True
    return names


def plan_module(m: SdkModule) -> ModulePlan:
    names = module_level_names(m)
    plan = ModulePlan(m, names)
    omitted = DELIBERATELY_OMITTED.get(m.name, {})
    for node in m.tree.body:
        if isinstance(node, (ast.Import, ast.ImportFrom)) or is_type_checking_if(node):
            continue
        if isinstance(node, ast.ClassDef):
            if node.name in omitted:
                plan.drop_statements.append(node)
                plan.omitted.append(node.name)
            elif not_mirrored_websocket_class(m.name, node):
                plan.drop_statements.append(node)
                plan.not_mirrored.append(node.name)
            else:
                plan_class(plan, node, omitted)
        elif isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)):
            replacement = HAND_WRITTEN_FUNCTIONS.get((m.name, node.name))
            if replacement is not None:
                plan.drop_statements.append(node)
                plan.functions[node.name] = replacement
            elif node.name in names.dropped:
                plan.drop_statements.append(node)
        elif not (isinstance(node, ast.Expr) and isinstance(node.value, ast.Constant)):
            verdict = judge(m, names, node, ast.unparse(node)[:40])
            if not verdict.ok:
                raise GenError(f"{m.name}: module-level statement needs {verdict}")
    for key in omitted:
        if key not in plan.omitted:
            raise GenError(f"{m.name}: DELIBERATELY_OMITTED names {key}, which the SDK lacks")
    return plan


def plan_class(plan: ModulePlan, node: ast.ClassDef, omitted: dict[str, str]) -> None:
    m, names = plan.module, plan.names
    for part in [*node.bases, *node.decorator_list, *(k.value for k in node.keywords)]:
        verdict = judge(m, names, part, node.name)
        if not verdict.ok:
            if (m.name, node.name) in NOT_MIRRORED:
                plan.drop_statements.append(node)
                plan.omitted.append(node.name)
                return
            raise GenError(f"{m.name}: class {node.name}'s bases need {verdict}")
    groups: dict[str, list[ast.stmt]] = {}
    for stmt in node.body:
        if isinstance(stmt, (ast.FunctionDef, ast.AsyncFunctionDef)):
            groups.setdefault(stmt.name, []).append(stmt)
        elif not (isinstance(stmt, ast.Expr) and isinstance(stmt.value, ast.Constant)):
            verdict = judge(m, names, stmt, node.name)
            if not verdict.ok:
                raise GenError(f"{m.name}: {node.name}: {ast.unparse(stmt)[:60]} needs {verdict}")
    wrapped_omitted = {k.partition(".")[2] for k in omitted if "." in k}
    # The With* wrappers of a class whose dropped methods are not provided (NOT_MIRRORED) leave
    # those out too (the module's resource classes come before their wrappers).
    wrapped_omitted |= {d.method for d in plan.dropped_methods if (m.name, d.cls) in NOT_MIRRORED}
    for method, defs in groups.items():
        key = f"{node.name}.{method}"
        if key in omitted:
            plan.drop_statements.extend(defs)
            plan.omitted.append(key)
            continue
        if method == "__init__" and node.name.endswith(
            ("WithRawResponse", "WithStreamingResponse")
        ):
            plan.drop_statements.extend(wrapper_lines(defs[0], wrapped_omitted))
        reasons: dict[str, set[str]] = {}
        for d in defs:
            verdict = judge(m, names, d, key)
            for name, reason in verdict.unmirrored:
                reasons.setdefault(reason, set()).add(name)
            for name in verdict.omitted:
                reasons.setdefault(omitted.get(name, "deliberately omitted"), set()).add(name)
        if reasons:
            plan.drop_statements.extend(defs)
            first, last = statement_lines(defs[0])[0], statement_lines(defs[-1])[1]
            plan.dropped_methods.append(
                DroppedMethod(
                    m.name,
                    node.name,
                    method,
                    def_kind(defs),
                    (first, last),
                    {reason: sorted(used) for reason, used in sorted(reasons.items())},
                )
            )
    if any(d.cls == node.name for d in plan.dropped_methods):
        mixin = MIXINS.get((m.name, node.name))
        if mixin is None and (m.name, node.name) in NOT_MIRRORED:
            return  # the dropped methods are listed in README's "not mirrored yet" table
        if mixin is None:
            missing = [d.method for d in plan.dropped_methods if d.cls == node.name]
            raise GenError(
                f"{m.name}.{node.name}: methods {missing} use SDK internals oxide does not "
                "mirror; add a mixin for the class to MIXINS (codegen/resources.py)"
            )
        plan.mixins[node.name] = mixin


def wrapper_lines(init: ast.stmt, omitted: set[str]) -> list[ast.stmt]:
    """`self.connect = ...(resource.connect)` lines of With* classes that wrap omitted methods."""
    found: list[ast.stmt] = []
    for stmt in getattr(init, "body", []):
        if isinstance(stmt, ast.Assign) and len(stmt.targets) == 1:
            target = stmt.targets[0]
            if isinstance(target, ast.Attribute) and target.attr in omitted:
                found.append(stmt)
    return found


# --------------------------------------------------------------------------------------------
# Mixins: checked by reading their source
# --------------------------------------------------------------------------------------------


def mixin_path(module: str) -> Path:
    base = ROOT.joinpath(*module.split("."))
    return base / "__init__.py" if base.is_dir() else base.with_suffix(".py")


def mixin_methods(module: str, cls: str, seen: set[str] | None = None) -> dict[str, str] | None:
    """Method name -> kind ("def", "async def", "property", ...) defined by `cls` in `module`
    or its bases (followed through the module's own classes and relative imports). None when
    the file or class does not exist."""
    seen = seen if seen is not None else set()
    if f"{module}:{cls}" in seen:
        return {}
    seen.add(f"{module}:{cls}")
    path = mixin_path(module)
    if not path.exists():
        return None
    tree = ast.parse(path.read_text())
    package = module if path.name == "__init__.py" else module.rpartition(".")[0]
    classes = {n.name: n for n in tree.body if isinstance(n, ast.ClassDef)}
    node = classes.get(cls)
    if node is None:
        return None
    found: dict[str, str] = {}
    for base in node.bases:
        base_name = ast.unparse(base)
        if base_name in classes:
            found.update(mixin_methods(module, base_name, seen) or {})
            continue
        for stmt in tree.body:
            if isinstance(stmt, ast.ImportFrom) and stmt.level:
                for alias in stmt.names:
                    if (alias.asname or alias.name) == base_name:
                        source = absolute_module(stmt, package)
                        found.update(mixin_methods(source, alias.name, seen) or {})
    for stmt in node.body:
        if isinstance(stmt, (ast.FunctionDef, ast.AsyncFunctionDef)):
            found[stmt.name] = def_kind([stmt])
        elif isinstance(stmt, ast.AnnAssign) and isinstance(stmt.target, ast.Name):
            found.setdefault(stmt.target.id, "attribute")
    return found


def module_functions(module: str) -> set[str]:
    path = mixin_path(module)
    if not path.exists():
        return set()
    tree = ast.parse(path.read_text())
    return {n.name for n in tree.body if isinstance(n, (ast.FunctionDef, ast.AsyncFunctionDef))}


def module_classes(module: str) -> set[str]:
    path = mixin_path(module)
    if not path.exists():
        return set()
    return {n.name for n in ast.parse(path.read_text()).body if isinstance(n, ast.ClassDef)}


def check_mixins(plans: list[ModulePlan]) -> list[str]:
    """Problems with the mixins (missing files, classes, methods, or a def/async def mismatch)
    and with the hand-written classes imported for type checking (HAND_WRITTEN_TYPES)."""
    problems = []
    for module_name, types in sorted(HAND_WRITTEN_TYPES.items()):
        for name, target in sorted(types.items()):
            module, _, cls = target.partition(":")
            if cls not in module_classes(module):
                problems.append(f"{target}: missing class (for {module_name}.{name})")
    for plan in plans:
        for name, target in sorted(plan.functions.items()):
            module, _, function = target.partition(":")
            if function not in module_functions(module):
                problems.append(f"{target}: missing function (for {plan.module.name}.{name})")
        for cls, target in sorted(plan.mixins.items()):
            module, _, mixin = target.partition(":")
            defined = mixin_methods(module, mixin)
            wanted = [d for d in plan.dropped_methods if d.cls == cls]
            if defined is None:
                problems.append(
                    f"{target}: missing (for {plan.module.name}.{cls}: "
                    f"{', '.join(d.method for d in wanted)})"
                )
                continue
            for d in wanted:
                kind = defined.get(d.method)
                if kind is None:
                    problems.append(f"{target}: no {d.kind} {d.method} (for {d.module}.{cls})")
                elif d.kind in ("def", "async def") and kind != d.kind:
                    problems.append(f"{target}.{d.method}: is `{kind}`, the SDK's is `{d.kind}`")
    return problems


# --------------------------------------------------------------------------------------------
# Writing one module
# --------------------------------------------------------------------------------------------


class Source:
    """Text edits at AST positions (utf-8 byte columns), applied back to front."""

    def __init__(self, text: str) -> None:
        self.text = text
        self.lines = text.splitlines(keepends=True)
        self.starts = [0]
        for line in self.lines:
            self.starts.append(self.starts[-1] + len(line))
        self.edits: list[tuple[int, int, str]] = []

    def offset(self, line: int, col: int) -> int:
        raw = self.lines[line - 1].encode()[:col].decode()
        return self.starts[line - 1] + len(raw)

    def replace_node(self, node: ast.expr, text: str) -> None:
        assert node.end_lineno is not None and node.end_col_offset is not None
        start = self.offset(node.lineno, node.col_offset)
        self.edits.append((start, self.offset(node.end_lineno, node.end_col_offset), text))

    def insert_before(self, node: ast.expr, text: str) -> None:
        start = self.offset(node.lineno, node.col_offset)
        self.edits.append((start, start, text))

    def delete_lines(self, first: int, last: int) -> int:
        """Delete lines first..last (1-based, inclusive) and the comment lines right above them;
        returns the first line deleted."""
        while first > 1 and self.lines[first - 2].strip().startswith("#"):
            first -= 1
        self.edits.append((self.starts[first - 1], self.starts[last], ""))
        return first

    def apply(self) -> str:
        text = self.text
        last = len(text) + 1
        for start, end, replacement in sorted(self.edits, key=lambda e: (e[0], e[1]), reverse=True):
            if end > last:
                raise GenError(f"overlapping edits at offset {start}")
            text = text[:start] + replacement + text[end:]
            last = start
        return text


def walk_kept(node: ast.AST, dropped: set[int]) -> list[ast.AST]:
    """`ast.walk` that does not enter dropped statements."""
    found, todo = [], [node]
    while todo:
        n = todo.pop()
        if id(n) in dropped:
            continue
        found.append(n)
        todo.extend(ast.iter_child_nodes(n))
    return found


def rewrite_names(tree: ast.AST, src: Source, dropped: set[int]) -> set[str]:
    """`httpx2.Timeout` -> `Timeout`, `typing_extensions.X` -> `X`; returns the names to import
    for them."""
    needed: set[str] = set()
    for n in walk_kept(tree, dropped):
        if isinstance(n, ast.Attribute) and isinstance(n.value, ast.Name):
            if n.value.id == "httpx2":
                src.replace_node(n, n.attr)
                needed.add(n.attr)
            elif n.value.id == "typing_extensions":
                src.replace_node(n, n.attr)
                needed.add(n.attr)
    return needed


def names_used(text: str) -> set[str]:
    tree = ast.parse(text)
    found = {n.id for n in ast.walk(tree) if isinstance(n, ast.Name)}
    for expr in _annotation_strings(tree):
        found.update(n.id for n in ast.walk(expr) if isinstance(n, ast.Name))
    return found


def render_imports(m: SdkModule, used: set[str], extra: dict[str, set[str]]) -> str:
    """The module's import block: the SDK's statements, in order, with unused names removed,
    `typing_extensions` spelled `typing`, and `extra` names (absolute SDK module -> names)
    added to the statement importing from that module, or in a new one."""
    lines: list[str] = []
    extra = {k: set(v) for k, v in extra.items()}
    for node in m.tree.body:
        if not isinstance(node, (ast.Import, ast.ImportFrom)):
            continue
        if isinstance(node, ast.Import):
            kept = [a for a in node.names if (a.asname or a.name) in used]
            kept = [a for a in kept if a.name not in ("httpx2", "typing_extensions")]
            if kept:
                lines.append(ast.unparse(ast.Import(names=kept)))
            continue
        module = absolute_module(node, m.package)
        if module == "__future__":
            lines += [ast.unparse(node), ""]
            continue
        aliases = [a for a in node.names if (a.asname or a.name) in used]
        if module == "typing_extensions":
            compat = [a for a in aliases if a.name in COMPAT_NAMES]
            extra.setdefault("openai._compat", set()).update(a.name for a in compat)
            aliases = [a for a in aliases if a.name not in COMPAT_NAMES]
            node = ast.ImportFrom(module="typing", names=aliases, level=0)
            module = "typing"
        target = MODULE_ALIASES.get(module, module)
        added = extra.pop(target, set())
        names = [*(ast.unparse(a) for a in aliases), *sorted(added)]
        if names:
            local = node.level or target.startswith(SDK + ".")
            dots, rest = relative(m.out_package, target) if local else ("", target)
            lines.append(f"from {dots}{rest} import {', '.join(names)}")
    for target, leftover in sorted(extra.items()):
        if leftover:
            local = target.startswith(SDK)
            dots, rest = relative(m.out_package, target) if local else ("", target)
            lines.append(f"from {dots}{rest} import {', '.join(sorted(leftover))}")
    return "\n".join(lines) + "\n"


def render_module(plan: ModulePlan, version: str) -> str:
    m = plan.module
    src = Source(m.source)
    body_nodes = [n for n in m.tree.body if not isinstance(n, (ast.Import, ast.ImportFrom))]
    imports = [n for n in m.tree.body if isinstance(n, (ast.Import, ast.ImportFrom))]
    dropped = {id(n) for n in plan.drop_statements}
    needed: set[str] = set()
    for node in body_nodes:
        if is_type_checking_if(node):
            src.delete_lines(*statement_lines(node))
        elif id(node) not in dropped:
            needed |= rewrite_names(node, src, dropped)
    for node in plan.drop_statements:
        src.delete_lines(*statement_lines(node))
    for node in body_nodes:
        if isinstance(node, ast.ClassDef) and id(node) not in dropped:
            kept = [s for s in node.body if id(s) not in dropped and not is_docstring(s)]
            if not kept:  # every method from the mixin
                indent = " " * node.body[0].col_offset
                end = src.starts[statement_lines(node)[1]]
                src.edits.append((end, end, f"{indent}pass\n"))
    mixin_imports: dict[str, set[str]] = {}
    for target in plan.functions.values():
        module, _, function = target.partition(":")
        mixin_imports.setdefault(module, set()).add(function)
    for node in body_nodes:
        if isinstance(node, ast.ClassDef) and node.name in plan.mixins:
            module, _, mixin = plan.mixins[node.name].partition(":")
            src.insert_before(node.bases[0], f"{mixin}, ")
            mixin_imports.setdefault(module, set()).add(mixin)
    first = min((src.delete_lines(*statement_lines(n)) for n in imports), default=1)
    # The Castiron comment (and anything else above the first import) goes.
    src.edits.append((0, src.starts[first - 1], ""))
    body = src.apply()
    used = names_used(body)
    if m.is_package:  # a package's re-exports are used by being in `__all__`
        for node in m.tree.body:
            if isinstance(node, ast.Assign) and ast.unparse(node.targets[0]) == "__all__":
                used |= set(ast.literal_eval(node.value))
    # Kept code can only use an unmirrored import's name as a local of its own (a `stream`
    # parameter beside the SDK's `stream` helper): such imports go.
    used -= {
        local
        for local, origin in m.imports.items()
        if origin.name is not None
        and (
            (not origin_allowed(origin, None) and unmirrored_reason(origin))
            or origin.name in LIB_DROPPED.get(origin.module, {})
        )
    }
    extra: dict[str, set[str]] = {}
    checking_only = {
        name
        for node in body_nodes
        if is_type_checking_if(node)
        for stmt in node.body  # type: ignore[attr-defined]
        if isinstance(stmt, (ast.Import, ast.ImportFrom))
        for name in import_origins(stmt, m.package)
    }
    checking_block = ""
    if checking_only & used:
        if m.alias is None:
            raise GenError(f"{m.name}: kept code uses TYPE_CHECKING imports {checking_only & used}")
        # A lib module names the resource classes it serves in annotations only.
        origins: dict[str, Origin] = {}
        for node in body_nodes:
            if is_type_checking_if(node):
                for stmt in node.body:  # type: ignore[attr-defined]
                    if isinstance(stmt, (ast.Import, ast.ImportFrom)):
                        origins.update(import_origins(stmt, m.package))
        for local in sorted(checking_only & used):
            origin = origins[local]
            if not origin.module.startswith(SDK_RESOURCES) or origin.name is None:
                raise GenError(f"{m.name}: TYPE_CHECKING import {local} outside the resources")
            dots, rest = relative(m.out_package, origin.module)
            spelled = origin.name if origin.name == local else f"{origin.name} as {local}"
            checking_block += f"    from {dots}{rest} import {spelled}\n"
        used.add("TYPE_CHECKING")
        if "TYPE_CHECKING" not in m.imports:
            extra.setdefault("typing", set()).add("TYPE_CHECKING")
    for names in mixin_imports.values():
        used |= names
    hand_written = HAND_WRITTEN_TYPES.get(m.name, {})
    type_only = sorted(name for name in used if name in hand_written)
    if type_only:
        if "TYPE_CHECKING" in m.imports:
            used.add("TYPE_CHECKING")
        else:
            extra.setdefault("typing", set()).add("TYPE_CHECKING")
    for name in sorted(needed):
        if name == "Timeout":
            extra.setdefault("openai._types", set()).add(name)
        elif name in COMPAT_NAMES:
            extra.setdefault("openai._compat", set()).add(name)
        elif name not in TYPING_NAMES:
            raise GenError(f"{m.name}: cannot translate the qualified name {name!r}")
        else:
            extra.setdefault("typing", set()).add(name)
    block = render_imports(m, used, extra)
    out_package = m.out_name if m.is_package else m.out_name.rpartition(".")[0]
    for module, names in sorted(mixin_imports.items()):
        dots, rest = relative(out_package, module)
        block += f"from {dots}{rest} import {', '.join(sorted(names))}\n"
    if checking_block:
        block += "\nif TYPE_CHECKING:\n" + checking_block
    if type_only:
        # Hand-written classes the kept code names in annotations only (HAND_WRITTEN_TYPES).
        by_module: dict[str, list[str]] = {}
        for name in type_only:
            module, _, cls = hand_written[name].partition(":")
            by_module.setdefault(module, []).append(cls if cls == name else f"{cls} as {name}")
        block += "\nif TYPE_CHECKING:\n"
        for module, spelled in sorted(by_module.items()):
            dots, rest = relative(out_package, module)
            block += f"    from {dots}{rest} import {', '.join(spelled)}\n"
    return header(version, m.sdk_path) + "\n" + strip_type_ignores(block + body)


# The SDK's `# type: ignore[...]` comments were written for its own types (pydantic models,
# httpx); against oxide's they are not needed, and the resources are checked without them.
_TYPE_IGNORE = re.compile(r"[ \t]*# type: ignore(?:\[[^\]]*\])?")


def strip_type_ignores(text: str) -> str:
    return _TYPE_IGNORE.sub("", text)


# --------------------------------------------------------------------------------------------
# Package __init__s: lazy re-exports
# --------------------------------------------------------------------------------------------


def _lazy_sdk_init(node: ast.stmt) -> bool:
    """The SDK's own lazy `__init__` (3.4x and later): `if _t.TYPE_CHECKING:` real imports,
    `else:` an export table and a module `__getattr__`. Its imports are what it re-exports."""
    return (
        isinstance(node, ast.If)
        and ast.unparse(node.test).endswith("TYPE_CHECKING")
        and all(isinstance(sub, ast.ImportFrom) for sub in node.body)
    )


def init_statements(m: SdkModule) -> list[ast.stmt]:
    """A package `__init__`'s top-level statements, the lazy form's imports flattened in."""
    out: list[ast.stmt] = []
    for node in m.tree.body:
        if _lazy_sdk_init(node):
            assert isinstance(node, ast.If)
            out.extend(node.body)
        elif isinstance(node, ast.Import) and [a.name for a in node.names] == ["typing"]:
            continue  # `import typing as _t`, for the lazy form's test
        else:
            out.append(node)
    return out


def is_plain_init(m: SdkModule) -> bool:
    """Only imports and `__all__`: can be made lazy. (`webhooks/__init__` subclasses.)"""
    for node in init_statements(m):
        if isinstance(node, (ast.Import, ast.ImportFrom)):
            continue
        if isinstance(node, ast.Assign) and ast.unparse(node.targets[0]) == "__all__":
            continue
        if isinstance(node, ast.Expr) and isinstance(node.value, ast.Constant):
            continue
        return False
    return True


def render_lazy_init(m: SdkModule, version: str, children: list[str]) -> str:
    lazy: dict[str, tuple[str, str | None]] = {}
    exported: list[str] | None = None
    for node in init_statements(m):
        if isinstance(node, ast.ImportFrom):
            if not node.level:
                raise GenError(f"{m.name}: absolute import in a package __init__")
            module = "." * node.level + (node.module or "")
            for alias in node.names:
                lazy[alias.asname or alias.name] = (module, alias.name)
        elif isinstance(node, ast.Assign):
            exported = list(ast.literal_eval(node.value))
    if exported is None:
        exported = sorted(lazy)
    for child in sorted(children):
        lazy.setdefault(child, ("." + child, None))
    checking = [
        f"    from {mod} import {attr} as {name}"
        for name, (mod, attr) in sorted(lazy.items(), key=lambda kv: (kv[1][0], kv[0]))
        if attr is not None
    ]
    table = "\n".join(
        f"    {name!r}: ({mod!r}, {attr!r})," for name, (mod, attr) in sorted(lazy.items())
    )
    return f'''{header(version, m.sdk_path)}
"""Lazy re-exports: a name's module is imported on first access (`{m.out_name}.X`)."""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
{chr(10).join(checking) if checking else "    pass"}

_LAZY: dict[str, tuple[str, str | None]] = {{
{table}
}}

__all__ = {exported!r}


def __getattr__(name: str) -> Any:
    try:
        module, attr = _LAZY[name]
    except KeyError:
        raise AttributeError(f"module {{__name__!r}} has no attribute {{name!r}}") from None
    value: Any = importlib.import_module(module, __name__)
    if attr is not None:
        value = getattr(value, attr)
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    return sorted({{*globals(), *_LAZY}})
'''


# --------------------------------------------------------------------------------------------
# The client's accessors
# --------------------------------------------------------------------------------------------

_ACCESSOR_IMPORT = re.compile(r"from \.resources(?:\.\w+)* import \w+")


def render_client_resources(root: Path, version: str) -> str:
    """`oxide/_client_resources.py` from `openai/_client.py`: the resource `cached_property`s of
    `OpenAI` / `AsyncOpenAI` (without their engine code) and the four client-level
    `*WithRawResponse` / `*WithStreamedResponse` classes, copied as they are."""
    source = (root / "_client.py").read_text()
    tree = ast.parse(source)
    src = Source(source)
    classes = {n.name: n for n in tree.body if isinstance(n, ast.ClassDef)}
    checking = next(n for n in tree.body if is_type_checking_if(n))
    parts = [
        header(version, "openai/_client.py"),
        '"""The client\'s resource accessors (`client.chat`, `client.with_raw_response.files`,'
        " ...): lazy,\nimported on first access. `oxide._client.OpenAI` / `AsyncOpenAI` inherit"
        ' the accessor classes."""\n',
        "from __future__ import annotations\n",
        "from typing import TYPE_CHECKING, cast\n",
        "from ._compat import cached_property\n",
        segment(src, checking).rstrip() + "\n\n    from ._client import AsyncOpenAI, OpenAI\n",
        '__all__ = [\n    "AsyncClientResources",\n    "AsyncOpenAIWithRawResponse",\n'
        '    "AsyncOpenAIWithStreamedResponse",\n    "OpenAIWithRawResponse",\n'
        '    "OpenAIWithStreamedResponse",\n    "SyncClientResources",\n]\n',
    ]
    for sdk_cls, ours, client in (
        ("OpenAI", "SyncClientResources", "OpenAI"),
        ("AsyncOpenAI", "AsyncClientResources", "AsyncOpenAI"),
    ):
        parts.append(accessor_class(src, classes[sdk_cls], ours, client))
    for name in (
        "OpenAIWithRawResponse",
        "AsyncOpenAIWithRawResponse",
        "OpenAIWithStreamedResponse",
        "AsyncOpenAIWithStreamedResponse",
    ):
        parts.append(segment(src, classes[name]))
    return "\n\n".join(p.rstrip("\n") for p in parts) + "\n"


def segment(src: Source, node: ast.stmt) -> str:
    first, last = statement_lines(node)
    return "".join(src.lines[first - 1 : last])


def accessor_class(src: Source, node: ast.ClassDef, name: str, client: str) -> str:
    lines = [
        f"class {name}:",
        f'    """The resource accessors of `{client}`: each built on first use, then cached."""',
        "",
    ]
    for stmt in node.body:
        if not isinstance(stmt, ast.FunctionDef):
            continue
        decorators = [ast.unparse(d) for d in stmt.decorator_list]
        if decorators != ["cached_property"]:
            continue
        text = segment(src, stmt)
        # `Chat(self)` -> `Chat(cast("OpenAI", self))`: these classes are mixed into the client.
        text = re.sub(r"\((self)\)\n", f'(cast("{client}", self))\n', text)
        lines.append(text)
    return "\n".join(lines)


# --------------------------------------------------------------------------------------------
# Driving it
# --------------------------------------------------------------------------------------------


@dataclass
class Result:
    files: dict[Path, str]  # relative to OUT -> text
    client_text: str
    plans: list[ModulePlan]


def generate(version: str) -> Result:
    root = sdk_root()
    modules = load_modules(root)
    children: dict[str, list[str]] = {}
    for name in modules:
        parent = name.rpartition(".")[0]
        if parent in modules and name != SDK_RESOURCES:
            children.setdefault(parent, []).append(name.rpartition(".")[2])
    files: dict[Path, str] = {}
    plans: list[ModulePlan] = []
    LIB_DROPPED.clear()
    ordered = sorted(modules.values(), key=lambda m: m.alias is None)  # lib modules first
    for m in ordered:
        if m.alias is not None:
            plan = plan_module(m)
            LIB_DROPPED[m.alias] = {
                name: f"{m.name}.{name}: {reason}" for name, reason in plan.names.dropped.items()
            }
    for m in ordered:
        if m.is_package and is_plain_init(m):
            files[m.out_path] = render_lazy_init(m, version, children.get(m.name, []))
            continue
        plan = plan_module(m)
        plans.append(plan)
        files[m.out_path] = render_module(plan, version)
    return Result(files, render_client_resources(root, version), plans)


def write_tree(result: Result, directory: Path) -> Path:
    out = directory / "resources"
    for rel, text in result.files.items():
        path = out / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text)
    (directory / "_client_resources.py").write_text(result.client_text)
    ruff_format(directory)
    return out


def sync(generated: Path, out: Path) -> tuple[int, list[str]]:
    """Copy changed files to `out`; delete every other .py file there (the tree is generated)."""
    written = 0
    new = {p.relative_to(generated) for p in generated.rglob("*.py")}
    for rel in sorted(new):
        text = (generated / rel).read_text()
        dst = out / rel
        if not dst.exists() or dst.read_text() != text:
            dst.parent.mkdir(parents=True, exist_ok=True)
            dst.write_text(text)
            written += 1
    removed = []
    for path in sorted(out.rglob("*.py")):
        rel = path.relative_to(out)
        if rel not in new:
            kind = "stale" if path.read_text().startswith(HEADER_PREFIX) else "hand-written"
            path.unlink()
            removed.append(f"{rel} ({kind})")
    for d in sorted((p for p in out.rglob("*") if p.is_dir()), reverse=True):
        if d.name == "__pycache__":
            continue
        if not any(p for p in d.iterdir() if p.name != "__pycache__"):
            for cache in d.glob("__pycache__"):
                for f in cache.iterdir():
                    f.unlink()
                cache.rmdir()
            d.rmdir()
    return written, removed


def diff(generated: Path, out: Path) -> list[str]:
    changed = []
    new = {p.relative_to(generated) for p in generated.rglob("*.py")}
    for rel in sorted(new):
        dst = out / rel
        if not dst.exists():
            changed.append(f"{rel} (missing)")
        elif dst.read_text() != (generated / rel).read_text():
            changed.append(f"{rel} (differs)")
    for path in sorted(out.rglob("*.py")):
        rel = path.relative_to(out)
        if rel not in new:
            kind = "stale" if path.read_text().startswith(HEADER_PREFIX) else "hand-written"
            changed.append(f"{rel} ({kind}: not generated)")
    return changed


def summary(result: Result) -> str:
    dropped = sum(len(p.dropped_methods) for p in result.plans)
    omitted = sum(len(p.omitted) for p in result.plans)
    return (
        f"{len(result.files)} modules, {len(result.plans)} translated, {dropped} methods from "
        f"mixins, {omitted} names deliberately omitted"
    )


def mixin_report(result: Result) -> str:
    """The mixin methods the generated classes expect, for implementers: one block per mixin."""
    blocks: dict[str, list[str]] = {}
    for plan in result.plans:
        for d in plan.dropped_methods:
            lines = blocks.setdefault(plan.mixins[d.cls], [])
            lines.append(
                f"  {d.kind} {d.method}  (SDK {d.cls}.{d.method}: "
                f"{plan.module.sdk_path}:{d.lines[0]}-{d.lines[1]})"
            )
            lines += [f"      uses {', '.join(n)}: {r}" for r, n in d.reasons.items()]
        for name, target in plan.functions.items():
            blocks.setdefault(target.rpartition(":")[0], []).append(
                f"  function {target.rpartition(':')[2]}  (SDK {plan.module.sdk_path}, {name})"
            )
    return "\n".join(f"{target}\n" + "\n".join(lines) for target, lines in blocks.items())


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m codegen.resources", description=__doc__.split("\n")[0]
    )
    parser.add_argument(
        "--check",
        action="store_true",
        help="write nothing; exit 1 if a generated file would change",
    )
    parser.add_argument(
        "--allow-missing-mixins",
        action="store_true",
        help="missing mixin files/methods are a warning, not an error",
    )
    parser.add_argument(
        "--list-mixins", action="store_true", help="print the mixin methods needed, then exit"
    )
    args = parser.parse_args(argv)
    version = sdk_version()
    try:
        result = generate(version)
    except GenError as exc:
        print(f"codegen.resources: error: {exc}", file=sys.stderr)
        return 2
    if args.list_mixins:
        print(mixin_report(result))
        return 0
    status = 0
    with tempfile.TemporaryDirectory() as tmp:
        gen = write_tree(result, Path(tmp))
        client_gen = Path(tmp) / "_client_resources.py"
        if args.check:
            changed = [f"oxide/resources/{c}" for c in diff(gen, OUT)]
            if not CLIENT_OUT.exists() or CLIENT_OUT.read_text() != client_gen.read_text():
                changed.append("oxide/_client_resources.py (differs)")
            for c in changed:
                print(f"codegen.resources: out of date: {c}")
            status = 1 if changed else 0
        else:
            written, removed = sync(gen, OUT)
            if not CLIENT_OUT.exists() or CLIENT_OUT.read_text() != client_gen.read_text():
                CLIENT_OUT.write_text(client_gen.read_text())
                written += 1
            for r in removed:
                print(f"codegen.resources: removed oxide/resources/{r}")
            print(
                f"codegen.resources: openai=={version}: {summary(result)}; "
                f"{written} files written, {len(removed)} removed"
            )
    problems = check_mixins(result.plans)
    if problems:
        level = "warning" if args.allow_missing_mixins else "error"
        print(f"codegen.resources: {level}: mixins needed by the generated classes:")
        for p in problems:
            print(f"  {p}")
        if not args.allow_missing_mixins:
            status = 1
    return status


if __name__ == "__main__":
    raise SystemExit(main())
