"""SSE twins, differential: the same bytes, cut the same way, into both decoders.

Input layout (atheris's FuzzedDataProvider takes ranged ints from the END of the input, bytes
from the front): ``body + flags + 2 bytes per cut + number of cuts (0-16)``. ``flags`` picks
how chunks are passed (bytes, bytearray, memoryview, mixed), whether the decoder is flushed in
the middle (a reconnect: the decoder is reused for a new stream) and whether a non-bytes value
is fed at the end (both twins must raise the same exception type, or accept it alike).

Checked after every call: the events (every field), ``buffered``, ``last_event_id``,
``retry``, and the exception type if any (there should be none for bytes-like chunks). Without
a mid-stream flush the Python twin must also equal the WHATWG oracle of
``tests/speedups/sse_oracle.py`` on the whole body.
"""

from __future__ import annotations

import importlib.util
import sys
from typing import Any

from _common import ROOT, Divergence, atheris, load_twins, main, outcome, same

sse_py, sse_c = load_twins("sse")

_spec = importlib.util.spec_from_file_location(
    "sse_oracle", ROOT / "tests" / "speedups" / "sse_oracle.py"
)
assert _spec is not None and _spec.loader is not None
_oracle_mod = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(_oracle_mod)
oracle = _oracle_mod.oracle
split_at = _oracle_mod.split_at

# Values that are not bytes-like: bytes(x) accepts some (an int, a list of ints), not others.
ODD_CHUNKS: list[Any] = ["data: x\n\n", None, 3, [100, 10, 10], 1.5, (10,), [256]]


def _wrap(chunk: bytes, kind: int) -> Any:
    if kind == 1:
        return bytearray(chunk)
    if kind == 2:
        return memoryview(chunk)
    return chunk


def _events(events: list[Any]) -> list[tuple[Any, ...]]:
    return [(type(e).__name__, e.event, e.data, e.id, e.retry) for e in events]


def _step(decoder: Any, op: str, arg: Any) -> list[tuple[Any, ...]]:
    return _events(decoder.feed(arg) if op == "feed" else decoder.flush())


def _state(decoder: Any) -> tuple[Any, ...]:
    return (decoder.buffered, decoder.last_event_id, decoder.retry)


def test_one_input(data: bytes) -> None:
    fdp = atheris.FuzzedDataProvider(data)
    n_cuts = fdp.ConsumeIntInRange(0, 16)
    raw_cuts = [fdp.ConsumeIntInRange(0, 0xFFFF) for _ in range(n_cuts)]
    flags = fdp.ConsumeIntInRange(0, 255)
    body = fdp.ConsumeBytes(fdp.remaining_bytes())
    chunks = split_at(body, [cut % (len(body) + 1) for cut in raw_cuts])

    kind = flags & 3  # 0 bytes, 1 bytearray, 2 memoryview, 3 a different kind per chunk
    flush_after = (flags >> 2) & 7 if flags & 32 else -1  # reconnect after this chunk
    odd = ODD_CHUNKS[(flags >> 6) % len(ODD_CHUNKS)] if flags & 64 else None

    py, c = sse_py.SSEDecoder(), sse_c.SSEDecoder()
    py_all: list[Any] = []
    steps: list[tuple[str, Any]] = [
        ("feed", _wrap(chunk, i % 3 if kind == 3 else kind)) for i, chunk in enumerate(chunks)
    ]
    if 0 <= flush_after < len(steps):
        steps.insert(flush_after + 1, ("flush", None))
    steps.append(("flush", None))
    if odd is not None:
        steps += [("feed", odd), ("flush", None)]
    for op, arg in steps:
        got_py = outcome(_step, py, op, arg)
        got_c = outcome(_step, c, op, arg)
        same(f"{op}() result", got_py, got_c, data)
        same(f"state after {op}()", _state(py), _state(c), data)
        if got_py[0] == "ok":
            py_all += got_py[1]
        elif arg is None or type(arg) in (bytes, bytearray, memoryview):
            raise Divergence(f"{op}() raised {got_py[1]!r} on bytes-like input: {data!r}")

    if odd is None and not 0 <= flush_after < len(chunks) - 1:
        # One stream (a flush after the last chunk changes nothing): as the spec says.
        got = ([e[1:] for e in py_all], py.last_event_id, py.retry)
        same("Python twin vs the WHATWG oracle", got, oracle(body), data)


if __name__ == "__main__":
    main(test_one_input)
    sys.exit(0)
