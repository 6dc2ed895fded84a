"""Test helpers: a reference oracle written straight from WHATWG HTML §9.2.6, and drivers.

The oracle shares no code with the twins: it decodes the whole stream at once (one BOM
stripped), splits the text with a regex, and runs the spec's steps on ``str``.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from typing import Any

Event = tuple[str | None, str, str | None, int | None]  # (event, data, id, retry)
Outcome = tuple[list[Event], str, int | None]  # (events, last_event_id, retry)

_LINE_END = re.compile(r"\r\n|\r|\n")


def oracle(stream: bytes) -> Outcome:
    if stream.startswith(b"\xef\xbb\xbf"):
        stream = stream[3:]
    lines = _LINE_END.split(stream.decode("utf-8", "replace"))
    lines.pop()  # an unterminated last line (or "" after the last line end): discarded at EOF
    events: list[Event] = []
    data, event_type, id_buffer, last_id = "", "", None, None
    retry: int | None = None
    block_retry: int | None = None
    for line in lines:
        if line == "":  # dispatch
            last_id = id_buffer
            if data != "":
                if data.endswith("\n"):
                    data = data[:-1]
                events.append((event_type or None, data, id_buffer, block_retry))
            data, event_type, block_retry = "", "", None
            continue
        if line.startswith(":"):
            continue
        if ":" in line:
            name, _, value = line.partition(":")
            if value.startswith(" "):
                value = value[1:]
        else:
            name, value = line, ""
        if name == "data":
            data += value + "\n"
        elif name == "event":
            event_type = value
        elif name == "id":
            if "\0" not in value:
                id_buffer = value
        elif name == "retry" and value and all(c in "0123456789" for c in value):
            try:
                retry = block_retry = int(value)
            except ValueError:  # beyond sys.get_int_max_str_digits(): ignored
                pass
    return events, last_id or "", retry


def as_tuple(ev: Any) -> Event:
    return (ev.event, ev.data, ev.id, ev.retry)


def run(decoder_cls: type, chunks: Iterable[bytes]) -> Outcome:
    """Feed ``chunks`` to a fresh decoder, then flush; events as tuples plus the final state."""
    decoder = decoder_cls()
    events: list[Any] = []
    for chunk in chunks:
        events += decoder.feed(chunk)
    events += decoder.flush()
    return [as_tuple(ev) for ev in events], decoder.last_event_id, decoder.retry


def split_at(stream: bytes, cuts: Iterable[int]) -> list[bytes]:
    """``stream`` cut at the given offsets (repeats give empty chunks)."""
    chunks, start = [], 0
    for cut in sorted(cuts):
        chunks.append(stream[start:cut])
        start = cut
    chunks.append(stream[start:])
    return chunks


def fragments(stream: bytes, size: int) -> list[bytes]:
    return [stream[i : i + size] for i in range(0, len(stream), size)]
