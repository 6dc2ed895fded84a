"""The embedded mock across the whole API surface, driven through oxide's client (async, and sync
for a few), with every answer also validated against the official SDK's pydantic types (required
fields included); a few groups are driven by the official client too."""

from __future__ import annotations

import base64
import io
import struct
from collections.abc import AsyncIterator, Iterator
from pathlib import Path
from typing import Any

import openai
import openai.types as ot
import openai.types.audio
import openai.types.chat
import openai.types.containers
import openai.types.conversations
import openai.types.fine_tuning
import openai.types.responses
import openai.types.uploads
import openai.types.vector_stores
import pydantic
import pytest
import pytest_asyncio

import oxide
from oxide.testing import MockOpenAI


def strict(obj: Any, official: type[pydantic.BaseModel]) -> Any:
    """``obj`` (an oxide model) re-validated by the official SDK's type: required fields too."""
    return official.model_validate(obj.to_dict())


@pytest_asyncio.fixture
async def client(mock_base_url: str) -> AsyncIterator[oxide.AsyncOpenAI]:
    async with oxide.AsyncOpenAI(base_url=mock_base_url, api_key="sk-test", max_retries=0) as c:
        yield c


@pytest.fixture
def sync_client(mock_base_url: str) -> Iterator[oxide.OpenAI]:
    with oxide.OpenAI(base_url=mock_base_url, api_key="sk-test", max_retries=0) as c:
        yield c


@pytest_asyncio.fixture
async def official(mock_base_url: str) -> AsyncIterator[openai.AsyncOpenAI]:
    async with openai.AsyncOpenAI(base_url=mock_base_url, api_key="sk-test", max_retries=0) as c:
        yield c


# ---------------------------------------------------------------------------------------------
# Responses


@pytest.mark.asyncio
async def test_responses_retrieve_delete_input_items(client: oxide.AsyncOpenAI) -> None:
    created = await client.responses.create(model="gpt-4o-mini", input="Hello store")
    got = await client.responses.retrieve(created.id)
    strict(got, ot.responses.Response)
    assert got.id == created.id and got.status == "completed"
    assert got.output_text == created.output_text
    items = await client.responses.input_items.list(created.id)
    assert [i.type for i in items.data] == ["message"]
    assert items.data[0].content[0].text == "Hello store"  # type: ignore[union-attr]
    raw = await client.get(f"/responses/{created.id}/input_items", cast_to=object)
    ot.responses.ResponseItemList.model_validate(raw)
    await client.responses.delete(created.id)
    with pytest.raises(oxide.NotFoundError):
        await client.responses.retrieve(created.id)


@pytest.mark.asyncio
async def test_responses_resume_stream(client: oxide.AsyncOpenAI) -> None:
    created = await client.responses.create(model="gpt-4o-mini", input="Replay me please")
    full = [e async for e in await client.responses.retrieve(created.id, stream=True)]
    assert full[0].type == "response.created"
    assert full[-1].type == "response.completed"
    assert [e.sequence_number for e in full] == list(range(len(full)))
    after = 3
    rest = [
        e
        async for e in await client.responses.retrieve(
            created.id, stream=True, starting_after=after
        )
    ]
    assert [e.sequence_number for e in rest] == list(range(after + 1, len(full)))
    async with client.responses.stream(response_id=created.id, starting_after=after) as stream:
        events = [e async for e in stream]
        final = await stream.get_final_response()
    assert all(e.sequence_number > after for e in events)
    assert final.output_text == created.output_text


@pytest.mark.asyncio
async def test_responses_stream_is_stored_and_replayed(client: oxide.AsyncOpenAI) -> None:
    async with client.responses.stream(model="gpt-4o-mini", input="streamed then stored") as s:
        first = await s.get_final_response()
    again = await client.responses.retrieve(first.id)
    assert again.output_text == first.output_text


@pytest.mark.asyncio
async def test_responses_background_cancel_tokens_compact(client: oxide.AsyncOpenAI) -> None:
    bg = await client.responses.create(model="gpt-4o-mini", input="later", background=True)
    assert bg.status == "queued"
    polled = await client.responses.retrieve(bg.id)
    assert polled.status == "in_progress"
    cancelled = await client.responses.cancel(bg.id)
    assert cancelled.status == "cancelled"
    fg = await client.responses.create(model="gpt-4o-mini", input="now")
    with pytest.raises(oxide.BadRequestError):
        await client.responses.cancel(fg.id)
    count = await client.responses.input_tokens.count(model="gpt-4o-mini", input="count these")
    strict(count, ot.responses.InputTokenCountResponse)
    assert count.input_tokens > 0
    compacted = await client.responses.compact(model="gpt-4o-mini", input="a long chat")
    strict(compacted, ot.responses.CompactedResponse)
    assert compacted.output[0].type == "compaction"


# ---------------------------------------------------------------------------------------------
# Stored chat completions


@pytest.mark.asyncio
async def test_stored_chat_completions(client: oxide.AsyncOpenAI) -> None:
    ids = []
    for i in range(3):
        c = await client.chat.completions.create(
            model="gpt-4o-mini",
            messages=[{"role": "user", "content": f"store {i}"}],
            store=True,
            metadata={"suite": "surface"},
        )
        ids.append(c.id)
    page = await client.chat.completions.list(metadata={"suite": "surface"}, limit=2)
    strict(page.data[0], ot.chat.ChatCompletion)
    seen = [c.id async for c in page]
    assert [i for i in seen if i in ids] == ids
    got = await client.chat.completions.retrieve(ids[0])
    assert (
        got.choices[0].message.content
        == 'You said: "store 0". ' + got.choices[0].message.content.split('". ', 1)[1]
    )  # type: ignore[union-attr]
    updated = await client.chat.completions.update(ids[0], metadata={"k": "v"})
    assert updated.id == ids[0]
    msgs = await client.chat.completions.messages.list(ids[0])
    assert [m.content for m in msgs.data] == ["store 0"]
    deleted = await client.chat.completions.delete(ids[0])
    strict(deleted, ot.chat.ChatCompletionDeleted)
    with pytest.raises(oxide.NotFoundError):
        await client.chat.completions.retrieve(ids[0])


# ---------------------------------------------------------------------------------------------
# Files and uploads


@pytest.mark.asyncio
async def test_files_round_trip_and_pages(client: oxide.AsyncOpenAI) -> None:
    payloads = {f"doc{i}.txt": f"content number {i}\n".encode() * (i + 1) for i in range(5)}
    created = []
    for name, data in payloads.items():
        f = await client.files.create(file=(name, data), purpose="assistants")
        strict(f, ot.FileObject)
        assert f.bytes == len(data) and f.filename == name
        created.append(f.id)
    first = await client.files.list(purpose="assistants", limit=2, order="asc")
    assert len(first.data) == 2 and first.has_more
    listed = [f.id async for f in first]
    assert [i for i in listed if i in created] == created
    got = await client.files.retrieve(created[2])
    assert got.filename == "doc2.txt"
    body = await client.files.content(created[2])
    assert body.content == payloads["doc2.txt"]
    deleted = await client.files.delete(created[2])
    strict(deleted, ot.FileDeleted)
    with pytest.raises(oxide.NotFoundError):
        await client.files.retrieve(created[2])


def test_files_sync_client(sync_client: oxide.OpenAI, tmp_path: Path) -> None:
    src = tmp_path / "data.jsonl"
    src.write_bytes(b'{"a": 1}\n' * 1000)
    f = sync_client.files.create(file=src, purpose="batch")
    assert f.bytes == src.stat().st_size
    assert sync_client.files.content(f.id).content == src.read_bytes()


@pytest.mark.asyncio
async def test_uploads_parts_complete(client: oxide.AsyncOpenAI) -> None:
    data = b"x" * 300
    upload = await client.uploads.create(
        filename="big.bin", purpose="assistants", bytes=len(data), mime_type="text/plain"
    )
    strict(upload, ot.Upload)
    parts = [
        await client.uploads.parts.create(upload.id, data=data[i : i + 100]) for i in (0, 100, 200)
    ]
    strict(parts[0], ot.uploads.UploadPart)
    done = await client.uploads.complete(upload.id, part_ids=[p.id for p in parts])
    assert done.status == "completed" and done.file is not None
    assert (await client.files.content(done.file.id)).content == data


# ---------------------------------------------------------------------------------------------
# Images and audio


@pytest.mark.asyncio
async def test_images(client: oxide.AsyncOpenAI) -> None:
    gen = await client.images.generate(model="gpt-image-1", prompt="a red square")
    strict(gen, ot.ImagesResponse)
    assert gen.data is not None
    png = base64.b64decode(gen.data[0].b64_json or "")
    assert png.startswith(b"\x89PNG\r\n\x1a\n") and b"IEND" in png
    urls = await client.images.generate(model="dall-e-3", prompt="a cat", response_format="url")
    assert urls.data is not None and urls.data[0].url and urls.data[0].revised_prompt == "a cat"
    edit = await client.images.edit(
        image=("in.png", png), prompt="bluer", model="dall-e-2", response_format="b64_json"
    )
    assert edit.data is not None and base64.b64decode(edit.data[0].b64_json or "")[:4] == b"\x89PNG"
    with pytest.warns(DeprecationWarning):  # deprecated by the SDK since 3.4x, as here
        var = await client.images.create_variation(image=("in.png", png), n=2)
    assert var.data is not None and len(var.data) == 2 and var.data[0].url


@pytest.mark.asyncio
async def test_image_url_serves_png(official: openai.AsyncOpenAI) -> None:
    import aiohttp

    res = await official.images.generate(model="dall-e-2", prompt="x")
    assert res.data is not None and res.data[0].url
    async with aiohttp.ClientSession() as http, http.get(res.data[0].url) as r:
        assert r.content_type == "image/png"
        assert (await r.read())[:4] == b"\x89PNG"


@pytest.mark.asyncio
async def test_audio_speech_and_transcriptions(client: oxide.AsyncOpenAI, tmp_path: Path) -> None:
    speech = await client.audio.speech.create(
        model="gpt-4o-mini-tts", voice="alloy", input="Hello there", response_format="wav"
    )
    out = tmp_path / "hello.wav"
    speech.write_to_file(out)
    wav = out.read_bytes()
    assert wav[:4] == b"RIFF" and wav[8:12] == b"WAVE"
    assert struct.unpack("<I", wav[40:44])[0] == len(wav) - 44
    mp3 = await client.audio.speech.create(model="tts-1", voice="alloy", input="Hi")
    assert mp3.content[:2] == b"\xff\xfb"
    text = await client.audio.transcriptions.create(model="whisper-1", file=("hello.wav", wav))
    strict(text, ot.audio.Transcription)
    assert text.text.startswith("Transcription of hello.wav")
    verbose = await client.audio.transcriptions.create(
        model="whisper-1",
        file=("hello.wav", wav),
        response_format="verbose_json",
        timestamp_granularities=["word", "segment"],
    )
    strict(verbose, ot.audio.TranscriptionVerbose)
    assert verbose.words and verbose.segments and verbose.duration > 0
    plain = await client.audio.transcriptions.create(
        model="whisper-1", file=("hello.wav", wav), response_format="text"
    )
    assert isinstance(plain, str) and plain.startswith("Transcription of")
    with pytest.warns(DeprecationWarning):  # deprecated by the SDK since 3.4x, as here
        translated = await client.audio.translations.create(model="whisper-1", file=io.BytesIO(wav))
    strict(translated, ot.audio.Translation)
    assert translated.text.startswith("Translation of")


# ---------------------------------------------------------------------------------------------
# Batches


@pytest.mark.asyncio
async def test_batch_lifecycle(client: oxide.AsyncOpenAI) -> None:
    lines = b"".join(
        b'{"custom_id": "r%d", "method": "POST", "url": "/v1/chat/completions",'
        b' "body": {"model": "gpt-4o-mini", "messages": [{"role": "user", "content": "q%d"}]}}\n'
        % (i, i)
        for i in range(3)
    )
    infile = await client.files.create(file=("in.jsonl", lines), purpose="batch")
    batch = await client.batches.create(
        input_file_id=infile.id, endpoint="/v1/chat/completions", completion_window="24h"
    )
    strict(batch, ot.Batch)
    seen = [batch.status]
    while batch.status not in ("completed", "failed", "cancelled"):
        batch = await client.batches.retrieve(batch.id)
        seen.append(batch.status)
    assert seen == ["validating", "in_progress", "finalizing", "completed"]
    strict(batch, ot.Batch)
    assert batch.request_counts is not None and batch.request_counts.completed == 3
    assert batch.output_file_id is not None
    out = (await client.files.content(batch.output_file_id)).content.splitlines()
    import json

    results = [json.loads(line) for line in out]
    assert [r["custom_id"] for r in results] == ["r0", "r1", "r2"]
    assert results[0]["response"]["body"]["object"] == "chat.completion"
    assert batch.id in [b.id async for b in await client.batches.list()]
    other = await client.batches.create(
        input_file_id=infile.id, endpoint="/v1/chat/completions", completion_window="24h"
    )
    assert (await client.batches.cancel(other.id)).status == "cancelling"
    assert (await client.batches.retrieve(other.id)).status == "cancelled"


# ---------------------------------------------------------------------------------------------
# Vector stores


@pytest.mark.asyncio
async def test_vector_stores_polling_helpers(client: oxide.AsyncOpenAI) -> None:
    vs = await client.vector_stores.create(name="docs")
    strict(vs, ot.VectorStore)
    batch = await client.vector_stores.file_batches.upload_and_poll(
        vs.id, files=[("a.txt", b"alpha"), ("b.txt", b"beta")], poll_interval_ms=5
    )
    strict(batch, ot.vector_stores.VectorStoreFileBatch)
    assert batch.status == "completed" and batch.file_counts.completed == 2
    f = await client.files.create(file=("c.txt", b"gamma"), purpose="assistants")
    vsf = await client.vector_stores.files.create_and_poll(f.id, vector_store_id=vs.id)
    strict(vsf, ot.vector_stores.VectorStoreFile)
    assert vsf.status == "completed" and vsf.usage_bytes == 5
    uploaded = await client.vector_stores.files.upload_and_poll(
        vector_store_id=vs.id, file=("d.txt", b"delta")
    )
    assert uploaded.status == "completed"
    listed = [x.id async for x in await client.vector_stores.files.list(vs.id)]
    assert len(listed) == 4
    got = await client.vector_stores.retrieve(vs.id)
    assert got.file_counts.completed == 4 and got.status == "completed"
    hits = await client.vector_stores.search(vs.id, query="alpha")
    assert hits.data and hits.data[0].content[0].text
    parts = await client.vector_stores.files.content(f.id, vector_store_id=vs.id)
    assert [p.text async for p in parts] == ["gamma"]
    deleted = await client.vector_stores.delete(vs.id)
    strict(deleted, ot.VectorStoreDeleted)


def test_vector_store_sync_upload_and_poll(sync_client: oxide.OpenAI) -> None:
    vs = sync_client.vector_stores.create(name="sync")
    batch = sync_client.vector_stores.file_batches.upload_and_poll(
        vs.id, files=[("x.txt", b"x")], poll_interval_ms=5
    )
    assert batch.status == "completed"


# ---------------------------------------------------------------------------------------------
# Moderations, legacy completions


@pytest.mark.asyncio
async def test_moderations(client: oxide.AsyncOpenAI) -> None:
    res = await client.moderations.create(input=["hello", "I will kill the process"])
    strict(res, ot.ModerationCreateResponse)
    assert [r.flagged for r in res.results] == [False, True]
    assert res.results[1].categories.violence


@pytest.mark.asyncio
async def test_legacy_completions(client: oxide.AsyncOpenAI) -> None:
    res = await client.completions.create(model="gpt-3.5-turbo-instruct", prompt="Say hi")
    strict(res, ot.Completion)
    assert res.choices[0].finish_reason == "length" and res.usage is not None
    stream = await client.completions.create(
        model="gpt-3.5-turbo-instruct", prompt="Say hi", max_tokens=50, stream=True
    )
    chunks = [c async for c in stream]
    text = "".join(c.choices[0].text for c in chunks if c.choices)
    assert "Say hi" in text and chunks[-1].choices[0].finish_reason == "stop"


# ---------------------------------------------------------------------------------------------
# Fine-tuning, conversations, containers, videos


@pytest.mark.asyncio
async def test_fine_tuning_jobs(client: oxide.AsyncOpenAI) -> None:
    train = await client.files.create(file=("t.jsonl", b'{"messages": []}\n'), purpose="fine-tune")
    job = await client.fine_tuning.jobs.create(model="gpt-4o-mini", training_file=train.id)
    strict(job, ot.fine_tuning.FineTuningJob)
    while job.status not in ("succeeded", "failed", "cancelled"):
        job = await client.fine_tuning.jobs.retrieve(job.id)
    assert job.fine_tuned_model and job.fine_tuned_model.startswith("ft:gpt-4o-mini:")
    strict(job, ot.fine_tuning.FineTuningJob)
    events = await client.fine_tuning.jobs.list_events(job.id)
    strict(events.data[0], ot.fine_tuning.FineTuningJobEvent)
    assert len(events.data) == 4
    assert job.id in [j.id async for j in await client.fine_tuning.jobs.list()]
    ckpts = await client.fine_tuning.jobs.checkpoints.list(job.id)
    assert ckpts.data[0].fine_tuning_job_id == job.id
    other = await client.fine_tuning.jobs.create(model="gpt-4o-mini", training_file=train.id)
    assert (await client.fine_tuning.jobs.cancel(other.id)).status == "cancelled"


@pytest.mark.asyncio
async def test_conversations_and_items(client: oxide.AsyncOpenAI) -> None:
    conv = await client.conversations.create(
        items=[{"type": "message", "role": "user", "content": "first"}], metadata={"a": "b"}
    )
    strict(conv, ot.conversations.Conversation)
    added = await client.conversations.items.create(
        conv.id, items=[{"type": "message", "role": "assistant", "content": "second"}]
    )
    strict(added, ot.conversations.ConversationItemList)
    items = [i async for i in await client.conversations.items.list(conv.id, order="asc")]
    assert [i.role for i in items] == ["user", "assistant"]  # type: ignore[union-attr]
    one = await client.conversations.items.retrieve(items[0].id, conversation_id=conv.id)
    assert one.id == items[0].id
    await client.conversations.items.delete(items[0].id, conversation_id=conv.id)
    updated = await client.conversations.update(conv.id, metadata={"c": "d"})
    assert updated.metadata == {"c": "d"}
    gone = await client.conversations.delete(conv.id)
    strict(gone, ot.conversations.ConversationDeletedResource)


@pytest.mark.asyncio
async def test_containers_and_files(client: oxide.AsyncOpenAI) -> None:
    cntr = await client.containers.create(name="sandbox")
    strict(cntr, ot.ContainerCreateResponse)
    cf = await client.containers.files.create(cntr.id, file=("script.py", b"print(1)\n"))
    strict(cf, ot.containers.FileCreateResponse)
    assert cf.path == "/mnt/data/script.py" and cf.bytes == 9
    body = await client.containers.files.content.retrieve(cf.id, container_id=cntr.id)
    assert body.content == b"print(1)\n"
    assert [f.id async for f in await client.containers.files.list(cntr.id)] == [cf.id]
    assert cntr.id in [c.id async for c in await client.containers.list()]
    await client.containers.delete(cntr.id)


@pytest.mark.asyncio
@pytest.mark.filterwarnings("ignore::DeprecationWarning")
async def test_videos(client: oxide.AsyncOpenAI) -> None:
    video = await client.videos.create(prompt="a boat", model="sora-2")
    strict(video, ot.Video)
    while video.status != "completed":
        video = await client.videos.retrieve(video.id)
    content = await client.videos.download_content(video.id)
    assert content.content[4:8] == b"ftyp"


# ---------------------------------------------------------------------------------------------
# Unknown routes, error injection on the new routes, the official client


@pytest.mark.asyncio
async def test_unknown_route_and_injected_errors(mock_openai: MockOpenAI) -> None:
    async with oxide.AsyncOpenAI(
        base_url=mock_openai.base_url, api_key="sk-test", max_retries=0
    ) as c:
        with pytest.raises(oxide.NotFoundError, match="Invalid URL"):
            await c.get("/no/such/route", cast_to=object)
        mock_openai.fail_next(500)
        with pytest.raises(oxide.InternalServerError):
            await c.files.list()
        with pytest.raises(oxide.RateLimitError):
            await c.batches.list(extra_headers={"x-mock-error": "429"})
        f = await c.files.create(file=("a.txt", b"abc"), purpose="assistants")
        assert f.bytes == 3
        upload = mock_openai.requests[-1]
        assert upload.path == "/v1/files" and upload.body == b""  # multipart: streamed, unread
        stream = await c.completions.create(
            model="gpt-3.5-turbo-instruct",
            prompt="x",
            stream=True,
            extra_headers={"x-mock-stream-error-after": "2"},
        )
        with pytest.raises(oxide.APIError):
            async for _ in stream:
                pass


@pytest.mark.asyncio
async def test_official_client_accepts_the_answers(
    official: openai.AsyncOpenAI, tmp_path: Path
) -> None:
    f = await official.files.create(file=("o.txt", b"official"), purpose="assistants")
    assert (await official.files.content(f.id)).content == b"official"
    vs = await official.vector_stores.create(name="official")
    batch = await official.vector_stores.file_batches.create_and_poll(
        vector_store_id=vs.id, file_ids=[f.id], poll_interval_ms=5
    )
    assert batch.status == "completed"
    created = await official.responses.create(model="gpt-4o-mini", input="official replay")
    async with official.responses.stream(response_id=created.id, starting_after=2) as stream:
        events = [e async for e in stream]
        final = await stream.get_final_response()
    assert events and all(e.sequence_number > 2 for e in events)
    assert final.output_text == created.output_text
    speech = await official.audio.speech.create(
        model="tts-1", voice="alloy", input="hi", response_format="wav"
    )
    speech.write_to_file(tmp_path / "o.wav")
    assert (tmp_path / "o.wav").read_bytes()[:4] == b"RIFF"
    img = await official.images.generate(model="gpt-image-1", prompt="x")
    assert img.data and base64.b64decode(img.data[0].b64_json or "")[:4] == b"\x89PNG"
    job_file = await official.files.create(file=("t.jsonl", b"{}\n"), purpose="fine-tune")
    job = await official.fine_tuning.jobs.create(model="gpt-4o-mini", training_file=job_file.id)
    assert job.status == "validating_files"
    mod = await official.moderations.create(input="fine")
    assert mod.results[0].flagged is False
    items = await official.responses.input_items.list(created.id)
    assert items.data[0].type == "message"
