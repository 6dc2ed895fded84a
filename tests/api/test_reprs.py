"""What users see when they print: reprs as the official SDK's, trees in rich and IPython.

Pages name their item type (`SyncPage[Model](...)`), raw and streamed responses print as the
SDK's (`<APIResponse [200 OK] type=...>`), and models expand into indented trees in rich and
IPython instead of one long line. The same server answers both clients.
"""

from __future__ import annotations

from collections.abc import Iterator

import openai
import pytest
import rich.pretty
from IPython.lib.pretty import pretty

import oxide
from oxide.testing import MockOpenAI, ThreadedMockOpenAI

MESSAGES = [{"role": "user", "content": "Say hi"}]


@pytest.fixture(scope="module")
def server() -> Iterator[ThreadedMockOpenAI]:
    mock = MockOpenAI.in_thread()
    mock.start()
    yield mock
    mock.stop()


def same(ours: str, theirs: str) -> None:
    assert ours.replace("oxide.", "openai.") == theirs


def test_reprs_match_the_sdk(server: ThreadedMockOpenAI) -> None:
    with (
        oxide.OpenAI(base_url=server.base_url, api_key="k") as ox,
        openai.OpenAI(base_url=server.base_url, api_key="k") as sdk,
    ):
        ours, theirs = ox.models.list(), sdk.models.list()
        assert repr(ours).startswith("SyncPage[Model](data=[Model(id=")
        same(repr(ours), repr(theirs))
        raw = ox.chat.completions.with_raw_response.create(model="m", messages=MESSAGES)
        sdk_raw = sdk.chat.completions.with_raw_response.create(model="m", messages=MESSAGES)
        same(repr(raw), repr(sdk_raw))
        with (
            ox.chat.completions.with_streaming_response.create(model="m", messages=MESSAGES) as a,
            sdk.chat.completions.with_streaming_response.create(model="m", messages=MESSAGES) as b,
        ):
            same(repr(a), repr(b))
        ours_model, theirs_model = ox.models.retrieve("gpt-4o"), sdk.models.retrieve("gpt-4o")
        same(repr(ours_model), repr(theirs_model))


@pytest.mark.asyncio
async def test_async_reprs_match_the_sdk(server: ThreadedMockOpenAI) -> None:
    async with (
        oxide.AsyncOpenAI(base_url=server.base_url, api_key="k") as ox,
        openai.AsyncOpenAI(base_url=server.base_url, api_key="k") as sdk,
    ):
        ours, theirs = await ox.fine_tuning.jobs.list(), await sdk.fine_tuning.jobs.list()
        same(repr(ours), repr(theirs))
        # Envelope keys the page class does not declare are kept, as pydantic extras are.
        assert (ours.object, ours.first_id, ours.to_dict()) == (
            theirs.object,  # type: ignore[attr-defined]
            theirs.first_id,  # type: ignore[attr-defined]
            theirs.to_dict(),
        )
        with pytest.raises(AttributeError, match="no attribute 'nope'"):
            ours.nope  # noqa: B018
        async with (
            ox.chat.completions.with_streaming_response.create(model="m", messages=MESSAGES) as a,
            sdk.chat.completions.with_streaming_response.create(model="m", messages=MESSAGES) as b,
        ):
            same(repr(a), repr(b))


def test_rich_and_ipython_show_trees(server: ThreadedMockOpenAI) -> None:
    with oxide.OpenAI(base_url=server.base_url, api_key="k") as client:
        completion = client.chat.completions.create(model="m", messages=MESSAGES)
    for text in (
        rich.pretty.pretty_repr(completion, max_width=60),
        pretty(completion, max_width=60),
    ):
        lines = text.splitlines()
        assert lines[0] == "ChatCompletion("
        assert lines[-1].endswith(")")  # rich closes on a line of its own, IPython does not
        assert len(lines) > 10
        # Fields one per line, nested objects opening on their own, deeper-indented lines.
        (top,) = [line for line in lines if line.lstrip().startswith("id=")]
        (nested,) = [
            line for line in lines if line.lstrip().startswith("message=ChatCompletionMessage(")
        ]
        assert top.startswith("    ") and not top.startswith("     ")
        assert len(nested) - len(nested.lstrip()) > 4
        assert any("content='You said:" in line for line in lines)
    # Short objects stay on one line.
    assert pretty(completion.usage.completion_tokens_details, max_width=200).count("\n") == 0
