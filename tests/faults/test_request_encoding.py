"""Request bodies and URLs that cannot be sent faithfully fail before any I/O (§3.3 B7, B8, P12).

msgspec and orjson write NaN/inf as `null`; yarl and aiohttp drop lone surrogates from paths,
query strings and headers. Either would send the server something other than what the caller
asked for, so oxide raises what the official SDK raises (`ValueError`, `UnicodeEncodeError`)
and the server sees zero connections.
"""

from __future__ import annotations

import decimal
import json
from typing import Any

import msgspec
import orjson
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from openai._utils._json import openapi_dumps

from oxide._base_client import make_request_options
from oxide._json import encode_body

from .conftest import MESSAGES, chat_completion, create, get_model, http_response


async def ok_server(raw_server):
    async def on_connection(server, reader, writer):
        while await server.read_request(reader) is not None:
            writer.write(http_response(200, orjson.dumps(chat_completion())))

    return await raw_server(on_connection)


class AsDict:
    """An API object passed back in a request (it has `to_dict`, as oxide's models do)."""

    def __init__(self, data: dict[str, Any]) -> None:
        self.data = data

    def to_dict(self) -> dict[str, Any]:
        return self.data


class Sub(float):
    """A float subclass, like numpy.float64."""


NAN = float("nan")
INF = float("inf")


# -- B7: NaN and infinities -------------------------------------------------------------------------


@pytest.mark.asyncio
@pytest.mark.parametrize(
    "params",
    [
        {"temperature": NAN},
        {"temperature": INF},
        {"top_p": -INF},
        {"logit_bias": {"50256": NAN}},
        {"metadata": {"nested": [1.0, [2.0, (INF,)]]}},
        {"messages": [{"role": "user", "content": "hi", "weights": (0.5, NAN)}]},
        {"temperature": Sub("nan")},
        {"tool_choice": AsDict({"type": "function", "score": NAN})},
        {"extra_body": {"temperature": NAN}},
        {"extra_body": {"deep": [{"x": [INF]}]}},
    ],
    ids=lambda p: next(iter(p)),
)
async def test_b7_non_finite_floats_raise_before_any_io(raw_server, make_client, params):
    server = await ok_server(raw_server)
    client = make_client(server.url)
    with pytest.raises(ValueError, match="Out of range float values are not JSON compliant"):
        await create(client, **params)
    assert server.connections == 0
    assert server.count == 0
    assert client._holder.session is None  # not even a session was made


@pytest.mark.asyncio
async def test_b7_finite_values_survive_the_round_trip(raw_server, make_client):
    server = await ok_server(raw_server)
    client = make_client(server.url)
    await create(
        client,
        temperature=Sub(0.25),
        seed=2**70,  # beyond orjson's 64-bit range: stdlib json takes it, as in the SDK
        metadata={"é": "ünïcödé \u2028 \U0001f600", "n": None, "b": True, "f": 1e-300},
        tool_choice=AsDict({"type": "function", "function": {"name": "f"}}),
        extra_body={"top_p": 0.5},
    )
    [attempt] = server.attempts
    assert attempt.headers["Content-Type"] == "application/json"
    sent = json.loads(attempt.body)
    assert sent["temperature"] == 0.25
    assert sent["seed"] == 2**70
    assert sent["metadata"] == {"é": "ünïcödé \u2028 \U0001f600", "n": None, "b": True, "f": 1e-300}
    assert sent["tool_choice"] == {"type": "function", "function": {"name": "f"}}
    assert sent["top_p"] == 0.5
    assert sent["messages"] == MESSAGES


# -- B8: lone surrogates ----------------------------------------------------------------------------


@pytest.mark.asyncio
@pytest.mark.parametrize(
    "params",
    [
        {"messages": [{"role": "user", "content": "a\ud800b"}]},
        {"metadata": {"\udfff": "key"}},
        {"extra_body": {"user": "\ud83d"}},
        {"tool_choice": AsDict({"type": "\udc00"})},
    ],
    ids=["content", "key", "extra_body", "to_dict"],
)
async def test_b8_lone_surrogate_in_body_raises_before_any_io(raw_server, make_client, params):
    server = await ok_server(raw_server)
    client = make_client(server.url)
    with pytest.raises(UnicodeEncodeError, match="surrogates not allowed"):
        await create(client, **params)
    assert server.connections == 0


@pytest.mark.asyncio
async def test_b8_lone_surrogate_in_path_raises_before_any_io(raw_server, make_client):
    # yarl silently drops the surrogate: GET /models/\ud800 would become GET /models/.
    server = await ok_server(raw_server)
    client = make_client(server.url)
    with pytest.raises(UnicodeEncodeError):
        await client.models.retrieve("\ud800")
    assert server.connections == 0


@pytest.mark.asyncio
@pytest.mark.parametrize("where", ["query", "extra_query", "extra_headers"])
async def test_b8_lone_surrogate_in_query_or_header_raises_before_any_io(
    raw_server, make_client, where
):
    server = await ok_server(raw_server)
    client = make_client(server.url)
    if where == "query":  # the HTTP layer's own query parameters
        options = make_request_options(query={"after": "x\ud800"})
        call = client.get("models", cast_to=bytes, options=options)
    elif where == "extra_query":
        call = get_model(client, extra_query={"q": "\udfff"})
    else:
        call = get_model(client, extra_headers={"X-Custom": "\ud800"})
    with pytest.raises(UnicodeEncodeError):
        await call
    assert server.connections == 0


@pytest.mark.asyncio
async def test_unserialisable_object_is_a_type_error_before_any_io(raw_server, make_client):
    server = await ok_server(raw_server)
    client = make_client(server.url)
    with pytest.raises(TypeError, match="not JSON serializable"):
        await create(client, metadata={"x": object()})
    assert server.connections == 0


@pytest.mark.asyncio
@pytest.mark.parametrize(
    "value",
    [
        decimal.Decimal("0.7"),
        {"a", "b"},
        frozenset({1}),
        b"bytes",
        bytearray(b"bytes"),
        memoryview(b"bytes"),
        complex(1, 2),
    ],
    ids=lambda v: type(v).__name__,
)
@pytest.mark.parametrize("where", ["argument", "nested", "extra_body"])
async def test_values_json_cannot_carry_are_refused_before_any_io(
    raw_server, make_client, value, where
):
    # Issue 9 defect 7: a Decimal went out as a string, a set as a list, bytes as base64. The
    # official SDK's encoder refuses each; so does oxide, and nothing is sent.
    server = await ok_server(raw_server)
    client = make_client(server.url)
    params: dict[str, Any] = {
        "argument": {"temperature": value},
        "nested": {"metadata": {"k": [{"v": value}]}},
        "extra_body": {"extra_body": {"x": value}},
    }[where]
    with pytest.raises(TypeError, match="not JSON serializable"):
        await create(client, **params)
    with pytest.raises(TypeError):
        openapi_dumps({"x": value})  # the SDK's own encoder agrees
    assert server.connections == 0


def test_a_struct_of_the_callers_own_is_encoded_with_the_same_refusals():
    class Note(msgspec.Struct):
        text: str
        weight: object = None

    assert orjson.loads(encode_body({"n": Note("hi", 0.5)})) == {"n": {"text": "hi", "weight": 0.5}}
    with pytest.raises(TypeError, match="Decimal is not JSON serializable"):
        encode_body({"n": Note("hi", decimal.Decimal(1))})
    with pytest.raises(TypeError, match="bytes is not JSON serializable"):
        encode_body({"n": Note("hi", b"x")})


# -- P12: oxide's encoder against the official SDK's --------------------------------------------------

scalars = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(-(2**80), 2**80),
    st.floats(allow_nan=True, allow_infinity=True),
    st.floats(allow_nan=True).map(Sub),
    st.text(),  # includes lone surrogates
)
keys = st.one_of(st.text(max_size=5), st.integers(-5, 5), st.none(), st.booleans())
values = st.recursive(
    scalars,
    lambda children: st.one_of(
        st.lists(children, max_size=4),
        st.lists(children, max_size=3).map(tuple),
        st.dictionaries(keys, children, max_size=4),
    ),
    max_leaves=20,
)


@settings(max_examples=500, deadline=None)
@given(body=st.dictionaries(st.text(max_size=5), values, max_size=4))
def test_p12_encoder_matches_the_sdk(body):
    try:
        expected: Any = json.loads(openapi_dumps(body))
        sdk_error: type[BaseException] | None = None
    except Exception as exc:
        sdk_error = type(exc)
    try:
        got = encode_body(body)
    except Exception as exc:
        assert sdk_error is not None, f"oxide raised {exc!r}, the SDK encoded it"
        # Same class as the SDK, or a subclass of its class: ValueError for NaN/inf (the SDK's
        # UnicodeEncodeError may come first when both are present), TypeError otherwise.
        assert isinstance(exc, ValueError) == issubclass(sdk_error, ValueError), (exc, sdk_error)
        if sdk_error is UnicodeEncodeError and not isinstance(exc, UnicodeEncodeError):
            assert "Out of range float" in str(exc)
        return
    assert sdk_error is None, f"the SDK raised {sdk_error}, oxide sent {got!r}"
    assert json.loads(got, parse_constant=_no_constants) == expected


def _no_constants(name: str) -> Any:
    raise AssertionError(f"{name} is not JSON")
