"""`import oxide` cold time against importing aiohttp + msgspec + orjson alone (and `import
openai`), each in a fresh interpreter; memory per client and per 1,000 parsed completions held,
each client in a fresh process under tracemalloc."""

from __future__ import annotations

import pytest
from _harness import IMPORTS, MEMORY_CLIENTS, _load_replay, worker_cpu_time


@pytest.mark.benchmark(timer=worker_cpu_time)
@pytest.mark.parametrize("variant", list(IMPORTS))
def test_import_time(benchmark, bench, variant):
    """The recorded stat is the import's wall time in a fresh process (seconds)."""
    result = bench.import_times()["variants"][variant]
    benchmark.group = "import"
    benchmark.extra_info.update(result, variant=variant, statement=IMPORTS[variant][0])
    _load_replay([ms / 1e3 for ms in result["wall_ms_samples"]])
    benchmark.pedantic(lambda: None, rounds=len(result["wall_ms_samples"]), iterations=1)


@pytest.mark.benchmark(timer=worker_cpu_time)
@pytest.mark.parametrize("client", MEMORY_CLIENTS)
def test_memory(benchmark, bench, client):
    """Bytes are in extra_info; the recorded stat is only how long the measurement ran."""
    result = bench.memory_usage()["by_client"].get(client)
    if result is None:
        pytest.skip(f"{client} not selected")
    benchmark.group = "memory (stat = measurement run time; bytes in extra_info)"
    benchmark.extra_info.update(result, client=client)
    if "error" in result:
        pytest.fail(f"{client}: {result['error']}", pytrace=False)
    _load_replay([result["seconds"]])
    benchmark.pedantic(lambda: None, rounds=1, iterations=1)
