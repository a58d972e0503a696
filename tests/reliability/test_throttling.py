"""Throttling: a few random 429s cost only their retries, a sustained storm of 429s slows
the LLM down (the limit halves) and it speeds up again (additive increase) once the storm
is over; ``load()`` never imports the ``openai`` SDK. The speed bars themselves are
measured by ``benchmarks/bench_throttle.py``, not here."""

from __future__ import annotations

import subprocess
import sys
import threading
from collections.abc import Iterator

import pytest

from distilabel_openai import OpenAILLM
from distilabel_openai.testing import FakeOpenAIServer


def rows(n: int) -> list[list[dict[str, str]]]:
    return [[{"role": "user", "content": f"row {i}"}] for i in range(n)]


@pytest.fixture
def sporadic_429s() -> Iterator[FakeOpenAIServer]:
    server = FakeOpenAIServer(latency=0.02, fault_rate=0.05, fault_status=(429,),
                              retry_after=0.01, seed=11).start_in_thread()
    yield server
    server.stop_thread()


def test_sporadic_429s_keep_the_full_concurrency(
    sporadic_429s: FakeOpenAIServer, api_key: str
) -> None:
    llm = OpenAILLM(model="echo", base_url=sporadic_429s.base_url, api_key=api_key,
                    max_concurrency=32)
    llm.load()
    try:
        results = llm.generate_outputs_isolated(rows(400))
        limiter = llm.limiter
    finally:
        llm.unload()
    assert all(isinstance(r, dict) for r in results), "every row succeeds after its retry"
    assert sporadic_429s.stats.statuses[429] >= 5
    assert limiter.throttle_events == sporadic_429s.stats.statuses[429]
    # The old limiter halved its concurrency on every 429 and never recovered.
    assert limiter.decreases == 0
    assert limiter.limit == 32
    assert sporadic_429s.stats.max_in_flight >= 24


def test_a_storm_of_429s_backs_off_then_recovers(api_key: str) -> None:
    server = FakeOpenAIServer(latency=0.01, retry_after=0.05).start_in_thread()
    llm = OpenAILLM(model="fault:storm:0.5", base_url=server.base_url, api_key=api_key,
                    max_concurrency=16, max_throttle_wait=30)
    llm.load()
    limits: list[int] = []
    done = threading.Event()

    def watch() -> None:  # the limit as the run goes, every few milliseconds
        while not done.wait(0.002):
            limits.append(llm.limiter.limit)

    watcher = threading.Thread(target=watch, daemon=True)
    watcher.start()
    try:
        results = llm.generate_outputs_isolated(rows(800))
        limiter = llm.limiter
    finally:
        done.set()
        watcher.join()
        llm.unload()
        server.stop_thread()
    assert all(isinstance(r, dict) for r in results), "every row succeeds after the storm"
    assert limiter.decreases >= 1, "a storm of 429s must slow the LLM down"
    low = min(limits)
    assert low <= 8
    assert limiter.limit > low, "additive increase once the 429s stop"
    # Backing off, retries keep their slots: rows do not all start only to be answered 429.
    assert server.stats.statuses[429] < 250, server.stats.statuses


LOAD_PROBE = """
import sys
from distilabel_openai import OpenAILLM
llm = OpenAILLM(model="echo", base_url=sys.argv[1], api_key="sk-probe")
llm.load()
[answer] = llm.generate_outputs([[{"role": "user", "content": "hi"}]])
assert answer["generations"], answer
llm.unload()
print("openai imported:", "openai" in sys.modules)
"""


def test_load_and_requests_never_import_the_openai_sdk(
    module_server: FakeOpenAIServer,
) -> None:
    out = subprocess.run([sys.executable, "-c", LOAD_PROBE, module_server.base_url],
                         capture_output=True, text=True, timeout=120)
    assert out.returncode == 0, out.stderr
    assert out.stdout.strip().endswith("openai imported: False")
