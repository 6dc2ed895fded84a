"""An agent loop: 20 sequential calls on one client, each appending the tool call it got and a
tool result to the history it sends next (CPU is reported per call)."""

from __future__ import annotations

import pytest
from _harness import CLIENTS, record, worker_cpu_time


@pytest.mark.benchmark(timer=worker_cpu_time)
@pytest.mark.parametrize("client", CLIENTS)
def test_agent_loop(benchmark, bench, client):
    record(benchmark, bench.scenario("agent_loop"), client)
