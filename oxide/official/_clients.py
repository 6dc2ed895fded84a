"""`oxide.official.AsyncOpenAI` / `OpenAI`: subclasses of the official clients whose calls run on
oxide's engine (see `_route`). Everything a framework can check holds: `isinstance(client,
openai.AsyncOpenAI)`, results and stream events are the official `openai.types` classes, errors
the official exceptions, streams `openai.AsyncStream` / `openai.Stream`.
"""

from __future__ import annotations

from functools import cached_property
from typing import Any, TypeVar

import openai

from .. import _client as _oxide_client
from .. import _exceptions as _ox
from .._streaming import AsyncStream as _OxideAsyncStream
from .._streaming import Stream as _OxideStream
from ._route import official_error, plain_result, raw_response, routable, to_oxide_call
from ._shadow import reclassing

__all__ = ["AsyncAzureOpenAI", "AsyncOpenAI", "AsyncStream", "AzureOpenAI", "OpenAI", "Stream"]

_T = TypeVar("_T")


def _engine_options(official: Any) -> dict[str, Any]:
    """The official client's settings, as oxide's client takes them."""
    return {
        "api_key": official.api_key,
        "organization": official.organization,
        "project": official.project,
        "base_url": str(official.base_url),
        "timeout": official.timeout,
        "max_retries": official.max_retries,
        "default_headers": dict(official._custom_headers),
        "default_query": dict(official._custom_query),
    }


class AsyncStream(openai.AsyncStream[_T]):
    """An official `openai.AsyncStream` fed by oxide's: oxide reads the socket, extracts the
    events and decodes them; the items are the official event classes."""

    def __init__(self, inner: _OxideAsyncStream[_T], client: Any) -> None:
        # Not the official __init__: it wants an httpx response to read.
        self._inner = inner
        self._client = client
        self._cast_to = None  # type: ignore[assignment]
        self._options = None
        self.response = inner.response  # type: ignore[assignment]  # oxide's Response

    async def __anext__(self) -> _T:
        try:
            return await self._inner.__anext__()
        except _ox.OpenAIError as exc:
            raise official_error(self._client, exc) from exc

    def __aiter__(self) -> AsyncStream[_T]:
        return self

    async def close(self) -> None:
        await self._inner.close()


class Stream(openai.Stream[_T]):
    """An official `openai.Stream` fed by oxide's sync stream."""

    def __init__(self, inner: _OxideStream[_T], client: Any) -> None:
        self._inner = inner
        self._client = client
        self._cast_to = None  # type: ignore[assignment]
        self._options = None
        self.response = inner.response  # type: ignore[assignment]

    def __next__(self) -> _T:
        try:
            return self._inner.__next__()
        except _ox.OpenAIError as exc:
            raise official_error(self._client, exc) from exc

    def __iter__(self) -> Stream[_T]:
        return self

    def close(self) -> None:
        self._inner.close()


class _Served:
    """What both clients share: their oxide engine, made on first use from the official
    client's settings (a `with_options` copy's engine shares its source's pool)."""

    _oxide: Any = None
    _oxide_source: Any = None
    _engine_cls: Any

    def _oxide_engine(self) -> Any:
        if self._oxide is None:
            settings = _engine_options(self)
            source = self._oxide_source
            if source is not None and source._oxide is not None:
                headers = settings.pop("default_headers")
                query = settings.pop("default_query")
                self._oxide = source._oxide.copy(
                    **settings, set_default_headers=headers, set_default_query=query
                )
            else:
                self._oxide = self._engine_cls(**settings)
        return self._oxide

    def _engine_for_call(self) -> Any:
        engine = self._oxide_engine()
        api_key = self.api_key  # type: ignore[attr-defined]
        if engine.api_key != api_key:  # refreshed by the official client's key provider
            engine = self._oxide = engine.copy(api_key=api_key)
        return engine

    def copy(self, **kwargs: Any) -> Any:
        copied = super().copy(**kwargs)  # type: ignore[misc]
        copied._oxide_source = self
        return copied

    with_options = copy


class AsyncOpenAI(_Served, openai.AsyncOpenAI):
    """The official async client, served by oxide's engine.

    `from oxide.official import AsyncOpenAI` in place of `from openai import AsyncOpenAI`: the
    same constructor, the installed official release's resources and types, and oxide's cost
    per call. Calls oxide does not serve itself (uploads, binary downloads, absolute URLs,
    provider runtimes, custom httpx auth) take the official client's own path.
    """

    _engine_cls = _oxide_client.AsyncOpenAI

    async def request(
        self,
        cast_to: Any,
        options: Any,
        *,
        stream: bool = False,
        stream_cls: Any = None,
    ) -> Any:
        if not routable(self, cast_to, options):
            return await super().request(cast_to, options, stream=stream, stream_cls=stream_cls)
        if self._api_key_provider is not None:
            options = await self._prepare_options(options)  # refreshes the key
        engine = self._engine_for_call()
        method, path, cast, body, opts, item, plain = to_oxide_call(
            cast_to, options, stream, stream_cls
        )
        try:
            result = await engine._request(
                method, path, cast, body=body, options=opts, stream=stream, stream_cls=item
            )
        except _ox.OpenAIError as exc:
            raise official_error(self, exc) from exc
        if plain:
            return plain_result(self, result)
        if opts.mode is not None:
            return raw_response(result, self, cast_to, options, stream, stream_cls)
        return AsyncStream(result, self)

    async def close(self) -> None:
        if self._oxide is not None and self._oxide_source is None:
            await self._oxide.close()
        await super().close()


class OpenAI(_Served, openai.OpenAI):
    """The official sync client, served by oxide's engine (see `AsyncOpenAI`)."""

    _engine_cls = _oxide_client.OpenAI

    def request(
        self,
        cast_to: Any,
        options: Any,
        *,
        stream: bool = False,
        stream_cls: Any = None,
    ) -> Any:
        if not routable(self, cast_to, options):
            return super().request(cast_to, options, stream=stream, stream_cls=stream_cls)
        if self._api_key_provider is not None:
            options = self._prepare_options(options)
        engine = self._engine_for_call()
        method, path, cast, body, opts, item, plain = to_oxide_call(
            cast_to, options, stream, stream_cls
        )
        try:
            result = engine._runner.run(
                engine._engine._request(
                    method, path, cast, body=body, options=opts, stream=stream, stream_cls=item
                )
            )
        except _ox.OpenAIError as exc:
            raise official_error(self, exc) from exc
        if plain:
            return plain_result(self, result)
        if opts.mode is not None:
            result = engine._sync(result, opts)  # reads on the loop the response lives on
            return raw_response(result, self, cast_to, options, stream, stream_cls)
        return Stream(_OxideStream(result, engine._runner), self)

    def close(self) -> None:
        if self._oxide is not None and self._oxide_source is None:
            self._oxide.close()
        super().close()


def _azure_engine_options(official: Any) -> dict[str, Any]:
    """The official Azure client's settings, as oxide's Azure client takes them (oxide's
    routing of deployments, `api-version` and `api-key` / AD-token auth is the official one's:
    `tests/api/test_azure.py`)."""
    options = _engine_options(official)
    options["default_query"] = {
        k: v for k, v in options["default_query"].items() if k != "api-version"
    }
    options["api_version"] = official._api_version
    options["azure_ad_token"] = official._azure_ad_token
    options["azure_ad_token_provider"] = official._azure_ad_token_provider
    endpoint = official._azure_endpoint
    if endpoint is not None:
        del options["base_url"]
        options["azure_endpoint"] = str(endpoint)
        options["azure_deployment"] = official._azure_deployment
    return options


class AsyncAzureOpenAI(AsyncOpenAI, openai.AsyncAzureOpenAI):
    """The official async Azure client, served by oxide's Azure engine (a `with_options` copy
    gets a pool of its own)."""

    def _oxide_engine(self) -> Any:
        if self._oxide is None:
            from ..lib.azure import AsyncAzureOpenAI as _OxideAsyncAzure

            self._oxide = _OxideAsyncAzure(**_azure_engine_options(self))
        return self._oxide

    async def close(self) -> None:
        if self._oxide is not None:
            await self._oxide.close()
        await openai.AsyncAzureOpenAI.close(self)


class AzureOpenAI(OpenAI, openai.AzureOpenAI):
    """The official sync Azure client, served by oxide's Azure engine."""

    def _oxide_engine(self) -> Any:
        if self._oxide is None:
            from ..lib.azure import AzureOpenAI as _OxideAzure

            self._oxide = _OxideAzure(**_azure_engine_options(self))
        return self._oxide

    def close(self) -> None:
        if self._oxide is not None:
            self._oxide.close()
        openai.AzureOpenAI.close(self)


def _serve_resources_with_oxides_transform(ours: type, official: type) -> None:
    """Each resource property of the official client, handing out the shadow resources (see
    `_shadow`): the same methods, with oxide's request transform."""
    for name, value in vars(official).items():
        if isinstance(value, cached_property) and not name.startswith("with_"):
            prop = reclassing(value)
            prop.__set_name__(ours, name)
            setattr(ours, name, prop)


_serve_resources_with_oxides_transform(AsyncOpenAI, openai.AsyncOpenAI)
_serve_resources_with_oxides_transform(OpenAI, openai.OpenAI)
