"""256 concurrent tasks x 8 tiny calls each (threads for the sync clients), client and server on
different cores: calls per second (extra_info) and CPU per call (the recorded stat)."""

from __future__ import annotations

import pytest
from _harness import CLIENTS, record, worker_cpu_time


@pytest.mark.benchmark(timer=worker_cpu_time)
@pytest.mark.parametrize("client", CLIENTS)
def test_concurrency(benchmark, bench, client):
    record(benchmark, bench.scenario("concurrency"), client)
