"""What users' type checkers see: checked by mypy (tests/typing/test_typing.py), never run.

Each `assert_type` pins the static type of a public call's result, as the official SDK types it.
"""

from __future__ import annotations

from typing_extensions import assert_type

from oxide import AsyncOpenAI, AsyncStream, OpenAI, Stream
from oxide._legacy_response import HttpxBinaryResponseContent, LegacyAPIResponse
from oxide._response import APIResponse, AsyncAPIResponse
from oxide.pagination import AsyncCursorPage, AsyncPage, SyncCursorPage, SyncPage
from oxide.types import FileObject, Model
from oxide.types.chat import ChatCompletion, ChatCompletionChunk
from oxide.types.responses import Response, ResponseStreamEvent

MESSAGES: list = []  # type: ignore[type-arg]


async def async_client(client: AsyncOpenAI) -> None:
    completion = await client.chat.completions.create(model="m", messages=MESSAGES)
    assert_type(completion, ChatCompletion)
    stream = await client.chat.completions.create(model="m", messages=MESSAGES, stream=True)
    assert_type(stream, AsyncStream[ChatCompletionChunk])
    response = await client.responses.create(model="m", input="hi")
    assert_type(response, Response)
    events = await client.responses.create(model="m", input="hi", stream=True)
    assert_type(events, AsyncStream[ResponseStreamEvent])

    raw = await client.chat.completions.with_raw_response.create(model="m", messages=MESSAGES)
    assert_type(raw, LegacyAPIResponse[ChatCompletion])
    assert_type(raw.parse(), ChatCompletion)
    async with client.with_streaming_response.models.retrieve("m") as streamed:
        assert_type(streamed, AsyncAPIResponse[Model])
        assert_type(await streamed.parse(), Model)

    models = await client.models.list()
    assert_type(models, AsyncPage[Model])
    async for model in client.models.list():
        assert_type(model, Model)
    files = await client.files.list()
    assert_type(files, AsyncCursorPage[FileObject])
    assert_type(await client.files.content("f"), HttpxBinaryResponseContent)
    assert_type(await client.get("/models/m", cast_to=Model), Model)


def sync_client(client: OpenAI) -> None:
    completion = client.chat.completions.create(model="m", messages=MESSAGES)
    assert_type(completion, ChatCompletion)
    stream = client.chat.completions.create(model="m", messages=MESSAGES, stream=True)
    assert_type(stream, Stream[ChatCompletionChunk])
    raw = client.with_raw_response.models.retrieve("m")
    assert_type(raw, LegacyAPIResponse[Model])
    with client.models.with_streaming_response.retrieve("m") as streamed:
        assert_type(streamed, APIResponse[Model])
        assert_type(streamed.parse(), Model)
    models = client.models.list()
    assert_type(models, SyncPage[Model])
    for model in models:
        assert_type(model, Model)
    assert_type(client.files.list(), SyncCursorPage[FileObject])
    assert_type(client.post("/x", cast_to=Model, body={}), Model)
