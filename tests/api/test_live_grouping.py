"""`oxide.lib.live` (transcript grouping) against the official SDK's `openai.lib.live`: the same
Live events, decoded by each library from the same JSON, pushed through both groupers on the same
simulated clock, give the same segments; the async grouper runs on a real Live connection."""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from typing import Any

import orjson
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import oxide
from oxide import OpenAIError
from oxide._models import decode
from oxide.lib.live import (
    AsyncTranscriptGrouper,
    TranscriptGrouper,
    TranscriptSegment,
    TranscriptSegmentClosedEvent,
)
from oxide.types.live.server_event import ServerEvent

from ._live_server import LiveServer, live_server_fixture  # noqa: F401


class _Timer:
    def __init__(self, due: float, callback: Callable[[], None]) -> None:
        self.due, self.callback, self.cancelled = due, callback, False

    def cancel(self) -> None:
        self.cancelled = True


def _simulated(base: type[Any]) -> Any:
    """A grouper class on a simulated clock: `advance(ms)` fires its timers when they are due."""

    class Simulated(base):  # type: ignore[misc,valid-type]
        def __init__(self, **options: Any) -> None:
            self.clock = 0.0
            self.timers: list[_Timer] = []
            super().__init__(**options)

        def _now(self) -> float:
            return self.clock

        def _call_later(self, delay_ms: int, callback: Callable[[], None]) -> _Timer:
            timer = _Timer(self.clock + delay_ms, callback)
            self.timers.append(timer)
            return timer

        def advance(self, ms: float) -> None:
            target = self.clock + ms
            while True:
                due = [t for t in self.timers if not t.cancelled and t.due <= target]
                if not due:
                    break
                timer = min(due, key=lambda t: t.due)
                self.timers.remove(timer)
                self.clock = max(self.clock, timer.due)
                timer.callback()
            self.clock = target

    return Simulated


def _record(grouper: Any) -> list[tuple[Any, ...]]:
    out: list[tuple[Any, ...]] = []
    grouper.on("segment.updated", lambda s: out.append(("updated", *_fields(s))))
    grouper.on("segment.closed", lambda e: out.append(("closed", e.reason, *_fields(e.segment))))
    return out


def _fields(segment: Any) -> tuple[Any, ...]:
    return (
        segment.id,
        segment.previous_id,
        segment.speaker,
        segment.text,
        segment.start_ms,
        segment.end_ms,
    )


def _normalized(updates: list[tuple[Any, ...]]) -> list[tuple[Any, ...]]:
    """Segment ids carry a per-process grouper counter: renumbered by first appearance."""
    names: dict[str, str] = {}

    def name(value: Any) -> Any:
        if isinstance(value, str) and value.startswith("segment_"):
            return names.setdefault(value, f"s{len(names)}")
        return value

    return [tuple(name(v) for v in update) for update in updates]


def _delta(kind: str, event_id: str, text: str, start: int, end: int) -> dict[str, Any]:
    return {
        "type": f"session.{kind}_transcript.delta",
        "event_id": event_id,
        "delta": text,
        "start_ms": start,
        "end_ms": end,
    }


CLOSED = {
    "type": "session.closed",
    "event_id": "evt_closed",
    "reason": "close_requested",
    "session": {"id": "s", "expires_at": 1, "model": "gpt-live-1", "status": "active"},
    "usage": {"seconds": 1.0},
}


def _run_both(script: list[tuple[str, Any]], **options: Any) -> tuple[list[Any], list[Any]]:
    """Runs `script` (("push", event dict) / ("wait", ms) / ("close", None)) through both."""
    from openai._models import construct_type
    from openai.lib.live import TranscriptGrouper as SdkGrouper
    from openai.types.live import ServerEvent as SdkServerEvent

    results = []
    for cls, parse in (
        (SdkGrouper, lambda d: construct_type(value=d, type_=SdkServerEvent)),
        (TranscriptGrouper, lambda d: decode(ServerEvent, orjson.dumps(d))),
    ):
        grouper = _simulated(cls)(**options)
        updates = _record(grouper)
        for step, arg in script:
            if step == "push":
                grouper.push(parse(arg))
            elif step == "wait":
                grouper.advance(arg)
            else:
                grouper.close()
        results.append(_normalized(updates))
    return results[0], results[1]


def test_turns_backchannels_and_inactivity_match_the_sdk() -> None:
    script: list[tuple[str, Any]] = [
        ("push", _delta("input", "e1", "Hello there,", 0, 800)),
        ("push", _delta("input", "e2", " how are you?", 800, 1600)),
        ("push", _delta("output", "e3", "mhm", 1500, 1700)),  # an overlapping acknowledgment
        ("push", _delta("input", "e4", " I need help.", 1700, 2400)),
        ("push", _delta("input", "e4", " duplicate", 2400, 2500)),  # same event id: ignored
        ("wait", 600),
        ("push", _delta("output", "e5", "Sure, ", 3000, 3300)),
        ("push", _delta("output", "e6", "what with?", 3300, 3900)),
        ("wait", 2500),  # assistant silence closes the turn
        ("push", _delta("input", "e7", "Okay", 9000, 9300)),
        ("push", _delta("input", "e8", "", 9300, 9300)),  # empty text: no update
        ("push", _delta("output", "e9", "Later", 100, 200)),  # timestamps went back
        ("push", CLOSED),
    ]
    theirs, ours = _run_both(script)
    assert ours == theirs
    kinds = [u[0] for u in ours]
    assert "closed" in kinds and ours[-1][0] == "closed"
    reasons = {u[1] for u in ours if u[0] == "closed"}
    assert {"inactivity", "timestamp_reset", "session_closed"} <= reasons


_words = st.sampled_from(["ok", "yeah", "so", "the plan", "mm hmm", "", "Right.", "go on"])


@st.composite
def _scripts(draw: Any) -> list[tuple[str, Any]]:
    script: list[tuple[str, Any]] = []
    t = 0
    for i in range(draw(st.integers(1, 14))):
        if draw(st.booleans()):
            script.append(("wait", draw(st.integers(0, 3000))))
        t += draw(st.integers(-200, 1500))
        t = max(t, 0)
        length = draw(st.integers(0, 1200))
        kind = draw(st.sampled_from(["input", "output"]))
        event_id = f"e{draw(st.integers(0, i))}"  # repeats: duplicates
        script.append(("push", _delta(kind, event_id, draw(_words), t, t + length)))
    if draw(st.booleans()):
        script.append(("push", CLOSED))
    else:
        script.append(("close", None))
    return script


@settings(max_examples=150, deadline=None)
@given(
    _scripts(),
    st.sampled_from(
        [{}, {"backchannel_max_duration_ms": 0}, {"additional_acknowledgments": ["go on"]}]
    ),
)
def test_random_transcripts_match_the_sdk(
    script: list[tuple[str, Any]], options: dict[str, Any]
) -> None:
    theirs, ours = _run_both(script, **options)
    assert ours == theirs


def test_errors_match_the_sdk() -> None:
    from openai import OpenAIError as SdkError
    from openai.lib.live import TranscriptGrouper as SdkGrouper

    with pytest.raises(SdkError) as theirs:
        SdkGrouper(min_turn_separation_ms=-1)
    with pytest.raises(OpenAIError) as ours:
        TranscriptGrouper(min_turn_separation_ms=-1)
    assert str(ours.value) == str(theirs.value)
    grouper = TranscriptGrouper()
    with pytest.raises(OpenAIError, match="Invalid public Live transcript delta"):
        grouper.push(decode(ServerEvent, orjson.dumps(_delta("input", "e1", "hi", 500, 100))))
    grouper.close()
    with pytest.raises(OpenAIError, match="after closing"):
        grouper.push(decode(ServerEvent, orjson.dumps(_delta("input", "e2", "hi", 0, 100))))
    # Unrelated and unknown events are ignored (no update, no error).
    fresh = TranscriptGrouper()
    fresh.push(decode(ServerEvent, b'{"type": "session.brand_new", "event_id": "x"}'))
    fresh.close()


def test_public_names_match_the_sdk() -> None:
    import openai.lib.live as sdk

    import oxide.lib.live as ours

    public = sorted(n for n in dir(sdk) if not n.startswith("_"))
    assert public == sorted(n for n in dir(ours) if not n.startswith("_"))
    for name in ("TranscriptGrouper", "AsyncTranscriptGrouper"):
        theirs = {n for n in dir(getattr(sdk, name)) if not n.startswith("_")}
        assert theirs == {n for n in dir(getattr(ours, name)) if not n.startswith("_")}


@pytest.mark.asyncio
async def test_async_grouper_on_a_live_connection(live_server: LiveServer) -> None:
    events = [
        _delta("input", "e1", "What time", 0, 400),
        _delta("input", "e2", " is it?", 400, 900),
        _delta("output", "e3", "It is noon.", 2000, 2600),
    ]
    async with oxide.AsyncOpenAI(api_key="sk-test", base_url=live_server.url) as client:
        async with client.live.connect() as conn, AsyncTranscriptGrouper() as grouper:
            closed: list[TranscriptSegmentClosedEvent] = []
            updated: list[TranscriptSegment] = []

            @grouper.on("segment.closed")
            async def on_closed(event: TranscriptSegmentClosedEvent) -> None:
                await asyncio.sleep(0)
                closed.append(event)

            grouper.on("segment.updated", updated.append)
            await conn.send({"type": "test.script", "events": events})
            await conn.session.close()
            async for event in conn:
                await grouper.push(event)
                if event.type == "session.closed":
                    break
    assert [s.text for s in updated] == ["What time", "What time is it?", "It is noon."]
    assert [(e.segment.speaker, e.reason) for e in closed] == [
        ("user", "speaker_change"),
        ("assistant", "session_closed"),
    ]
