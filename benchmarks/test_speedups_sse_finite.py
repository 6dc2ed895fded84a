"""Micro-benchmarks of the SSE extractor and the NaN check: each compiled twin against its
pure-Python twin on the same input, in one group."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from oxide._speedups import SSEDecoderC, SSEDecoderPy, check_finite_c, check_finite_py

FIXTURES = Path(__file__).parent / "fixtures"
STREAM = (FIXTURES / "chat_stream.sse").read_bytes()
# Network-sized pieces, as the socket hands them over.
CHUNKS = [STREAM[i : i + 1400] for i in range(0, len(STREAM), 1400)]
HEAVY = json.loads((FIXTURES / "chat_heavy.request.json").read_bytes())


def _feed_all(cls: Any) -> int:
    decoder = cls()
    n = 0
    for chunk in CHUNKS:
        n += len(decoder.feed(chunk))
    return n


@pytest.mark.parametrize("twin", ["c", "py"])
def test_sse_extract_114_chunk_stream(benchmark: Any, twin: str) -> None:
    cls = SSEDecoderC if twin == "c" else SSEDecoderPy
    if cls is None:
        pytest.fail("the compiled SSE extractor is not built")
    benchmark.group = "speedups: SSE extractor, 114-chunk stream"
    assert benchmark(_feed_all, cls) == 115  # 114 chunks + [DONE]


@pytest.mark.parametrize("twin", ["c", "py"])
def test_check_finite_heavy_request(benchmark: Any, twin: str) -> None:
    fn = check_finite_c if twin == "c" else check_finite_py
    if fn is None:
        pytest.fail("the compiled NaN check is not built")
    benchmark.group = "speedups: NaN check, 670 KB request"
    benchmark(fn, HEAVY)
