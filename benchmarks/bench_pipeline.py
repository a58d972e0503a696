"""The local pipeline engine: latency-bound throughput, raw throughput and memory.

    python benchmarks/bench_pipeline.py [--runs 3] [--only latency,fast,memory]

Every measurement runs in a fresh interpreter with its own cache directory, alternating
with its baseline; medians are printed with ratios.

- latency: 10,000 rows through ``LoadDataFromDicts >> TextGeneration`` with an async
  LLM whose every call sleeps 100 ms, ``max_concurrency=256``. Ideal:
  ``ceil(10000 / 256) * 0.1 s``. Baseline: the same 10,000 calls made directly with
  ``asyncio.gather`` through the LLM's limiter (no pipeline). Bar: within 1.25x of ideal.
- fast: 50,000 rows through the same two steps with a zero-latency async LLM, timing
  ``pipeline.run()`` as a whole (validation, cache set-up, commits included). Baseline:
  the task's own per-row work (format, call, build rows) in a plain loop, no engine.
  Bar: at least 20,000 rows/s.
- memory: peak RSS of a process pushing 100,000 rows through the same two steps with a
  fast async LLM. Baseline: a process that builds the same data and pipeline but does not
  run it. Bar: under 400 MB.

Exits 1 when a bar is missed. Timings on a shared 2-core VM are noisy: run it alone.
"""

from __future__ import annotations

import argparse
import json
import math
import os
import statistics
import subprocess
import sys
import tempfile
from typing import Any

LATENCY_ROWS, LATENCY_DELAY, LATENCY_CONCURRENCY = 10_000, 0.1, 256
FAST_ROWS, FAST_BAR = 50_000, 20_000.0
MEMORY_ROWS, MEMORY_BAR_MB = 100_000, 400.0
LATENCY_BAR = 1.25

_CHILD = r'''
import asyncio, json, math, resource, sys, time
from typing import Any

from distilabel.llms import AsyncLLM
from distilabel.pipeline import Pipeline
from distilabel.steps import LoadDataFromDicts
from distilabel.steps.tasks import TextGeneration


class BenchLLM(AsyncLLM):
    delay: float = 0.0

    @property
    def model_name(self) -> str:
        return "bench"

    async def agenerate(self, input, num_generations: int = 1, **kwargs: Any):
        if self.delay:
            await asyncio.sleep(self.delay)
        return [input[-1]["content"]] * num_generations


mode, rows, delay, concurrency = sys.argv[1], int(sys.argv[2]), float(sys.argv[3]), int(sys.argv[4])
data = [{"instruction": f"instruction number {i}"} for i in range(rows)]
with Pipeline(name=f"bench-{mode}") as pipeline:
    load = LoadDataFromDicts(name="load", data=data)
    task = TextGeneration(name="generate",
                          llm=BenchLLM(delay=delay, max_concurrency=concurrency))
    load >> task
del data

result: dict[str, Any] = {}
if mode == "pipeline":
    start = time.perf_counter()
    distiset = pipeline.run(use_cache=False, show_progress=False)
    result["seconds"] = time.perf_counter() - start
    assert len(distiset["generate"]) == rows
elif mode == "direct":
    llm = task.llm
    llm.load()
    async def main() -> None:
        llm.use_event_loop(asyncio.get_running_loop())
        await asyncio.gather(*(llm.agenerate_output([{"role": "user", "content": "x"}])
                               for _ in range(rows)))
    start = time.perf_counter()
    asyncio.run(main())
    result["seconds"] = time.perf_counter() - start
elif mode == "loop":
    task.load()
    llm = task.llm
    source = load.data
    async def main() -> int:
        llm.use_event_loop(asyncio.get_running_loop())
        produced = 0
        for start in range(0, rows, 50):
            batch = [dict(r) for r in source[start:start + 50]]
            formatted = [task.format_row(r) for r in batch]
            results = [await llm.agenerate_output(f) for f in formatted]
            produced += len(task.build_rows(batch, formatted, results))
        return produced
    start = time.perf_counter()
    assert asyncio.run(main()) == rows
    result["seconds"] = time.perf_counter() - start
elif mode == "idle":
    result["seconds"] = 0.0
result["max_rss_mb"] = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
print(json.dumps(result))
'''


def child(mode: str, rows: int, delay: float, concurrency: int) -> dict[str, Any]:
    with tempfile.TemporaryDirectory() as cache:
        out = subprocess.run(
            [sys.executable, "-c", _CHILD, mode, str(rows), str(delay), str(concurrency)],
            capture_output=True, text=True, check=False,
            env={**os.environ, "DISTILABEL_CACHE_DIR": cache},
        )
    if out.returncode != 0:
        raise SystemExit(f"benchmark child {mode} failed:\n{out.stderr}")
    return json.loads(out.stdout.strip().splitlines()[-1])  # type: ignore[no-any-return]


def alternate(runs: int, a: tuple[Any, ...], b: tuple[Any, ...], key: str) -> tuple[float, float]:
    first, second = [], []
    for _ in range(runs):
        first.append(child(*a)[key])
        second.append(child(*b)[key])
    return statistics.median(first), statistics.median(second)


def latency(runs: int) -> bool:
    ideal = math.ceil(LATENCY_ROWS / LATENCY_CONCURRENCY) * LATENCY_DELAY
    pipe, direct = alternate(
        runs, ("pipeline", LATENCY_ROWS, LATENCY_DELAY, LATENCY_CONCURRENCY),
        ("direct", LATENCY_ROWS, LATENCY_DELAY, LATENCY_CONCURRENCY), "seconds",
    )
    ok = pipe <= LATENCY_BAR * ideal
    print(f"latency: {LATENCY_ROWS} rows, {LATENCY_DELAY * 1000:.0f} ms per call,"
          f" max_concurrency={LATENCY_CONCURRENCY}")
    print(f"  pipeline {pipe:.2f} s | direct gather {direct:.2f} s | ideal {ideal:.2f} s")
    print(f"  pipeline/ideal {pipe / ideal:.3f}x (bar <= {LATENCY_BAR}x) |"
          f" pipeline/direct {pipe / direct:.3f}x | {'OK' if ok else 'MISSED'}")
    return ok


def fast(runs: int) -> bool:
    pipe, loop = alternate(
        runs, ("pipeline", FAST_ROWS, 0.0, 64), ("loop", FAST_ROWS, 0.0, 64), "seconds",
    )
    rate, base_rate = FAST_ROWS / pipe, FAST_ROWS / loop
    ok = rate >= FAST_BAR
    print(f"fast: {FAST_ROWS} rows, zero-latency async LLM, two steps")
    print(f"  pipeline {rate:,.0f} rows/s ({pipe:.2f} s) | plain loop {base_rate:,.0f} rows/s"
          f" ({loop:.2f} s)")
    print(f"  pipeline/loop throughput {rate / base_rate:.3f}x | bar >= {FAST_BAR:,.0f} rows/s"
          f" | {'OK' if ok else 'MISSED'}")
    return ok


def memory(runs: int) -> bool:
    pipe, idle = alternate(
        runs, ("pipeline", MEMORY_ROWS, 0.0, 64), ("idle", MEMORY_ROWS, 0.0, 64), "max_rss_mb",
    )
    ok = pipe < MEMORY_BAR_MB
    print(f"memory: {MEMORY_ROWS} rows through the pipeline")
    print(f"  peak RSS {pipe:.0f} MB | data and pipeline built, not run {idle:.0f} MB |"
          f" engine adds {pipe - idle:.0f} MB ({pipe / idle:.2f}x)")
    print(f"  bar < {MEMORY_BAR_MB:.0f} MB | {'OK' if ok else 'MISSED'}")
    return ok


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=3, help="Runs per measurement (median).")
    parser.add_argument("--only", default="latency,fast,memory",
                        help="Comma-separated subset of latency, fast, memory.")
    args = parser.parse_args()
    checks = {"latency": latency, "fast": fast, "memory": memory}
    chosen = [c.strip() for c in args.only.split(",") if c.strip()]
    results = [checks[name](args.runs) for name in chosen]
    return 0 if all(results) else 1


if __name__ == "__main__":
    sys.exit(main())
