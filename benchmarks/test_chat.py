"""Chat completions: a tiny call, and a heavy coding-agent request (320 messages, 42 tools)."""

from __future__ import annotations

import pytest
from _harness import CLIENTS, record, worker_cpu_time


@pytest.mark.benchmark(timer=worker_cpu_time)
@pytest.mark.parametrize("client", CLIENTS)
def test_chat_tiny(benchmark, bench, client):
    record(benchmark, bench.scenario("chat_tiny"), client)


@pytest.mark.benchmark(timer=worker_cpu_time)
@pytest.mark.parametrize("client", CLIENTS)
def test_chat_heavy(benchmark, bench, client):
    record(benchmark, bench.scenario("chat_heavy"), client)
