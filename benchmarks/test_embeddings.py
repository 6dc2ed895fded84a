"""Embeddings of 1536 floats: asked as float JSON (`encoding_format="float"`), and with no
format, where the SDKs ask for base64 and decode it to floats (the floor decodes it too)."""

from __future__ import annotations

import pytest
from _harness import CLIENTS, record, worker_cpu_time


@pytest.mark.benchmark(timer=worker_cpu_time)
@pytest.mark.parametrize("client", CLIENTS)
def test_embeddings_float(benchmark, bench, client):
    record(benchmark, bench.scenario("embeddings_float"), client)


@pytest.mark.benchmark(timer=worker_cpu_time)
@pytest.mark.parametrize("client", CLIENTS)
def test_embeddings_base64(benchmark, bench, client):
    record(benchmark, bench.scenario("embeddings_base64"), client)
