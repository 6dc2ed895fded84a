"""Responses API: a non-stream answer, and a 100-event stream consumed to the end."""

from __future__ import annotations

import pytest
from _harness import CLIENTS, record, worker_cpu_time


@pytest.mark.benchmark(timer=worker_cpu_time)
@pytest.mark.parametrize("client", CLIENTS)
def test_responses(benchmark, bench, client):
    record(benchmark, bench.scenario("responses"), client)


@pytest.mark.benchmark(timer=worker_cpu_time)
@pytest.mark.parametrize("client", CLIENTS)
def test_responses_stream(benchmark, bench, client):
    record(benchmark, bench.scenario("responses_stream"), client)
