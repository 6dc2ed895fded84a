"""Local function tools for beta Agents sessions: a definition for the agent's `tools` and a
handler that validates the call's arguments into a type before calling the application.

The SDK validates with pydantic; oxide validates msgspec Structs, dataclasses and TypedDicts
with msgspec (pydantic models with pydantic, when the caller uses them). `function_tool` turns
an annotated function into a msgspec Struct of its parameters.
"""

from __future__ import annotations

import asyncio
import dataclasses
import functools
import inspect
import json
import sys
import typing
from collections.abc import Awaitable, Callable, Generator, Iterable, Mapping
from types import SimpleNamespace
from typing import TYPE_CHECKING, Any, Generic, Protocol, TypeVar, cast, overload

import msgspec

from ...._json import encode_body
from ...._types import Omit, omit
from ..._schema import _resolve_ref, is_pydantic_model, validate_parsed
from ._schema import model_schema

if TYPE_CHECKING:
    from ...streaming.agents._types import ToolOutput
    from ._tool_error import ToolErrorStage

__all__ = ["FunctionTool", "function_tool", "pydantic_function_tool"]

_ModelT = TypeVar("_ModelT")
_OutputT = TypeVar("_OutputT", covariant=True)


def _parse_arguments(model: Any, arguments: dict[str, Any]) -> Any:
    if is_pydantic_model(model):
        return model.model_validate(arguments)
    # Through JSON, so that msgspec applies JSON's rules (a date from its ISO text, ...).
    return validate_parsed(model, encode_body(arguments))


class FunctionTool(Generic[_OutputT]):
    """A beta Agents function definition and its local, validated handler.

    Pass ``definition`` in the agent's tools and register this object as
    ``tool_handlers={tool.name: tool}`` on ``sessions.stream``. Arguments are
    validated into the argument type before invoking the application callback. Set
    ``defer_loading=True`` with hosted tool search for on-demand discovery.
    """

    def __init__(
        self,
        model: type[_ModelT],
        handler: Callable[[_ModelT], _OutputT],
        *,
        name: str,
        description: str,
        defer_loading: bool | Omit = omit,
    ) -> None:
        if not name:
            raise ValueError("Tool name must not be empty")
        parameters = model_schema(model)
        root = parameters
        seen: set[str] = set()
        while isinstance(ref := root.get("$ref"), str) and ref not in seen:
            seen.add(ref)
            resolved = _resolve_ref(root=parameters, ref=ref)
            if not isinstance(resolved, dict):
                break
            root = resolved
        if root.get("type") != "object":
            raise TypeError(
                "Tool argument models must have an object JSON schema; root-level "
                "compositions are unsupported"
            )
        self._definition: dict[str, Any] = {
            "type": "function",
            "name": name,
            "description": description,
            "parameters": parameters,
        }
        if not isinstance(defer_loading, Omit):
            self._definition["defer_loading"] = defer_loading
        self._model = model
        self._handler = handler
        self._convert_output = False

    @property
    def name(self) -> str:
        return cast(str, self._definition["name"])

    @property
    def definition(self) -> dict[str, Any]:
        """The flat hosted tool definition, without the local callback."""
        return json.loads(json.dumps(self._definition))  # type: ignore[no-any-return]

    def __call__(self, arguments: dict[str, Any]) -> _OutputT:
        return self._call(arguments)

    def _call(
        self,
        arguments: dict[str, Any],
        set_stage: Callable[[ToolErrorStage], None] | None = None,
    ) -> _OutputT:
        if set_stage is not None:
            set_stage("arguments")
        parsed = _parse_arguments(self._model, arguments)
        if set_stage is not None:
            set_stage("execution")
        handler: Callable[[Any], Any] = self._handler
        if self._convert_output and inspect.iscoroutinefunction(handler):

            async def invoke_async() -> ToolOutput:
                output = await handler(parsed)
                if set_stage is not None:
                    set_stage("output")
                return _tool_output(output)

            return cast(_OutputT, invoke_async())
        output = handler(parsed)
        if not self._convert_output:
            return cast(_OutputT, output)
        if inspect.isawaitable(output):
            return cast(_OutputT, _AwaitableToolOutput(output, set_stage))
        if set_stage is not None:
            set_stage("output")
        return cast(_OutputT, _tool_output(output))


def _is_content_part(part: object) -> bool:
    return (
        isinstance(part, dict)
        and len(part) == 2
        and (
            (part.get("type") == "input_text" and isinstance(part.get("text"), str))
            or (part.get("type") == "input_image" and isinstance(part.get("image_url"), str))
        )
    )


def _tool_output(output: object) -> ToolOutput:
    """A typed tool's return value as what is sent: text as is, a list of content parts as is,
    anything else as compact JSON (models, Structs and dataclasses as their JSON form)."""
    if is_pydantic_model(type(output)):
        output = cast(Any, output).model_dump(mode="json")
    elif isinstance(output, msgspec.Struct) or (
        dataclasses.is_dataclass(output) and not isinstance(output, type)
    ):
        output = msgspec.to_builtins(output)
    if output is None or isinstance(output, str):
        return output
    if isinstance(output, Mapping):
        output = dict(output)
    elif isinstance(output, Iterable) and not isinstance(output, (bytes, bytearray)):
        if not isinstance(output, (list, tuple)):
            output = list(output)
        if output and all(_is_content_part(part) for part in output):
            return cast("ToolOutput", output)
    return json.dumps(output, separators=(",", ":"), allow_nan=False)


class _AwaitableToolOutput:
    def __init__(
        self,
        output: Awaitable[object],
        set_stage: Callable[[ToolErrorStage], None] | None = None,
    ) -> None:
        self._output = output
        self._set_stage = set_stage

    def __await__(self) -> Generator[Any, None, ToolOutput]:
        output = yield from self._output.__await__()
        if self._set_stage is not None:
            self._set_stage("output")
        return _tool_output(output)

    def close(self) -> None:
        if inspect.iscoroutine(self._output):
            self._output.close()
        elif isinstance(self._output, asyncio.Future):
            self._output.cancel()


@overload
def pydantic_function_tool(  # type: ignore[overload-overlap]
    model: type[_ModelT],
    *,
    handler: Callable[[_ModelT], Awaitable[object]],
    name: str | None = None,
    description: str | None = None,
    defer_loading: bool | Omit = omit,
) -> FunctionTool[Awaitable[ToolOutput]]: ...


@overload
def pydantic_function_tool(
    model: type[_ModelT],
    *,
    handler: Callable[[_ModelT], object],
    name: str | None = None,
    description: str | None = None,
    defer_loading: bool | Omit = omit,
) -> FunctionTool[ToolOutput]: ...


def pydantic_function_tool(
    model: type[_ModelT],
    *,
    handler: Callable[[_ModelT], object],
    name: str | None = None,
    description: str | None = None,
    defer_loading: bool | Omit = omit,
) -> FunctionTool[Any]:
    """Bind an explicit argument type to a beta Agents callback.

    The type may be a msgspec Struct, a dataclass, a TypedDict or a pydantic model (the SDK
    takes pydantic models only). The callback receives a validated instance and can be
    synchronous or asynchronous. Use asynchronous callbacks with ``AsyncOpenAI``. Argument
    schemas must be objects or local references to objects.
    """
    tool = FunctionTool[Any](
        model,
        handler,
        name=model.__name__ if name is None else name,
        description=(model.__doc__ or "") if description is None else description,
        defer_loading=defer_loading,
    )
    tool._convert_output = True
    return tool


class _FunctionToolDecorator(Protocol):
    @overload
    def __call__(  # type: ignore[overload-overlap]
        self, function: Callable[..., Awaitable[object]]
    ) -> FunctionTool[Awaitable[ToolOutput]]: ...

    @overload
    def __call__(self, function: Callable[..., object]) -> FunctionTool[ToolOutput]: ...


@overload
def function_tool(  # type: ignore[overload-overlap]
    function: Callable[..., Awaitable[object]],
    *,
    name: str | None = None,
    description: str | None = None,
    defer_loading: bool | Omit = omit,
) -> FunctionTool[Awaitable[ToolOutput]]: ...


@overload
def function_tool(
    function: Callable[..., object],
    *,
    name: str | None = None,
    description: str | None = None,
    defer_loading: bool | Omit = omit,
) -> FunctionTool[ToolOutput]: ...


@overload
def function_tool(
    function: None = None,
    *,
    name: str | None = None,
    description: str | None = None,
    defer_loading: bool | Omit = omit,
) -> _FunctionToolDecorator: ...


def function_tool(
    function: Callable[..., object] | None = None,
    *,
    name: str | None = None,
    description: str | None = None,
    defer_loading: bool | Omit = omit,
) -> FunctionTool[Any] | _FunctionToolDecorator:
    """Adapt an annotated function or bound method into a beta Agents tool.

    Use directly or as ``@function_tool`` / ``@function_tool(name="lookup")``.
    Every argument needs a type annotation. Positional-only arguments, variadic
    arguments, and names starting with an underscore are unsupported; use an explicit
    argument type with ``pydantic_function_tool`` for these signatures. Defaults are
    preserved. Bind application dependencies with closures or bound methods so they do
    not appear in the tool's arguments.
    """
    if function is None:
        return cast(
            _FunctionToolDecorator,
            functools.partial(
                function_tool, name=name, description=description, defer_loading=defer_loading
            ),
        )
    signature = inspect.signature(function)
    source = inspect.unwrap(function)
    source = getattr(source, "__func__", source)
    owner = _owner(function, source)
    # Names of the defining class resolve too (a method annotated with a nested class).
    localns = (
        {n: v for cls in reversed(owner.__mro__) for n, v in vars(cls).items()}
        if owner is not None
        else {}
    )
    # Only the parameters: a return annotation may be a TYPE_CHECKING-only import.
    annotations = typing.get_type_hints(
        SimpleNamespace(
            __annotations__={
                n: p.annotation
                for n, p in signature.parameters.items()
                if p.annotation is not inspect.Parameter.empty
            }
        ),
        globalns=getattr(source, "__globals__", None),
        localns=localns,
        include_extras=True,
    )
    fields: list[tuple[str, Any] | tuple[str, Any, Any]] = []
    for parameter in signature.parameters.values():
        if parameter.kind not in (
            inspect.Parameter.POSITIONAL_OR_KEYWORD,
            inspect.Parameter.KEYWORD_ONLY,
        ):
            raise TypeError(f"Unsupported tool parameter: {parameter.name}")
        if parameter.name.startswith("_") or parameter.name not in annotations:
            raise TypeError(
                f"Tool parameter needs a public name and type annotation: {parameter.name}"
            )
        if parameter.default is inspect.Parameter.empty:
            fields.append((parameter.name, annotations[parameter.name]))
        else:
            fields.append((parameter.name, annotations[parameter.name], parameter.default))
    names = [field[0] for field in fields]
    model = _arguments_type(fields)

    def invoke(arguments: Any) -> object:
        # Attributes, not a dict dump: nested objects stay instances of their types.
        return function(**{n: getattr(arguments, n) for n in names})

    async def invoke_async(arguments: Any) -> object:
        return await cast(Awaitable[object], invoke(arguments))

    return pydantic_function_tool(
        model,
        handler=invoke_async if inspect.iscoroutinefunction(function) else invoke,
        name=getattr(function, "__name__", "") if name is None else name,
        description=(inspect.getdoc(function) or "") if description is None else description,
        defer_loading=defer_loading,
    )


def _owner(function: Any, source: Any) -> type | None:
    """The class a method was defined in (the SDK's lookup): by the bound object's MRO, else
    by the qualified name from the module (static and transplanted methods)."""
    if inspect.ismethod(function):
        bound = function.__self__ if inspect.isclass(function.__self__) else type(function.__self__)
        for cls in bound.__mro__:
            if (
                cls.__module__ == source.__module__
                and cls.__qualname__ == source.__qualname__.rpartition(".")[0]
            ):
                return cls
    namespace: Any = getattr(source, "__globals__", {})
    owner: Any = None
    for part in getattr(source, "__qualname__", "").split(".")[:-1]:
        owner = namespace.get(part)
        if not inspect.isclass(owner):
            return None
        namespace = vars(owner)
    return owner  # type: ignore[no-any-return]


def _arguments_type(fields: list[tuple[str, Any] | tuple[str, Any, Any]]) -> Any:
    """A type of the parameters, named `ToolArguments` as the SDK's, rejecting unknown keys: a
    msgspec Struct, or a pydantic model when a parameter is annotated with one (msgspec cannot
    validate into pydantic models)."""
    pydantic = sys.modules.get("pydantic")
    if pydantic is not None and any(_mentions_pydantic(field[1]) for field in fields):
        return pydantic.create_model(
            "ToolArguments",
            __config__=pydantic.ConfigDict(extra="forbid"),
            **{f[0]: (f[1], f[2] if len(f) == 3 else ...) for f in fields},
        )
    # Required fields first (msgspec's rule for positional fields): keyword-only avoids it.
    return msgspec.defstruct("ToolArguments", fields, kw_only=True, forbid_unknown_fields=True)


def _mentions_pydantic(tp: Any) -> bool:
    if is_pydantic_model(tp):
        return True
    return any(_mentions_pydantic(arg) for arg in typing.get_args(tp))
