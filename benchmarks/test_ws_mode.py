"""Responses WebSocket mode vs HTTP (issue 11, item 7): a 20-turn tool loop chained with
`previous_response_id`, one task at a time and 200 at once, against the benchmark server with
no costs and with realistic ones (latency, connection setup, state load). See `_ws_bench.py`;
the recorded stat is client CPU per turn, wall times are in `extra_info`."""

from __future__ import annotations

import pytest
from _harness import worker_cpu_time
from _ws_bench import WS_SCENARIOS, record, ws_bench


@pytest.mark.benchmark(timer=worker_cpu_time)
@pytest.mark.parametrize("mode", WS_SCENARIOS["ws_loop"].modes)
def test_ws_loop(benchmark, bench, mode):
    record(benchmark, ws_bench(bench).scenario("ws_loop"), mode)


@pytest.mark.benchmark(timer=worker_cpu_time)
@pytest.mark.parametrize("mode", WS_SCENARIOS["ws_loop_real"].modes)
def test_ws_loop_real(benchmark, bench, mode):
    record(benchmark, ws_bench(bench).scenario("ws_loop_real"), mode)


@pytest.mark.benchmark(timer=worker_cpu_time)
@pytest.mark.parametrize("mode", WS_SCENARIOS["ws_agents"].modes)
def test_ws_agents(benchmark, bench, mode):
    record(benchmark, ws_bench(bench).scenario("ws_agents"), mode)


@pytest.mark.benchmark(timer=worker_cpu_time)
@pytest.mark.parametrize("mode", WS_SCENARIOS["ws_agents_real"].modes)
def test_ws_agents_real(benchmark, bench, mode):
    record(benchmark, ws_bench(bench).scenario("ws_agents_real"), mode)
