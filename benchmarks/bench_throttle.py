"""Benchmark: what sporadic 429s cost, and what ``OpenAILLM.load()`` costs.

Run it (one command, about a minute)::

    .venv/bin/python benchmarks/bench_throttle.py

Two fake OpenAI servers (``distilabel_openai.testing``, capacity 256, 100 ms latency) run
in their own processes: a clean one, and one that answers a random 5 % of requests 429
(with ``Retry-After: 0.05``, as ``bench_openai.py`` uses). ``OpenAILLM`` at its default
settings (``max_concurrency=64``) generates for 1,000 rows against each, alternately,
``--rounds`` times; the medians are compared with each other and with the ideal
``ceil(N / concurrency) x latency``. Then ``OpenAILLM.load()`` is timed in fresh
interpreters next to ``import openai`` (what ``load()`` used to import).

Bars (exit status 1 when one fails):

- 5 % random 429s: at most 1.3x the clean run (the limiter used to halve its concurrency
  on each sporadic 429: 2.2x);
- the clean run: within 2x of ``ceil(N / concurrency) x latency``;
- ``load()``: under 0.1 s, and the ``openai`` SDK not imported.
"""

from __future__ import annotations

import argparse
import json
import math
import statistics
import subprocess
import sys
import time
from typing import Any

SECRET = "sk-bench-throttle-0b1c2d3e4f5a6978"
LOAD_PROBE = """
import json, sys, time
from distilabel_openai import OpenAILLM
llm = OpenAILLM(model="m", base_url="http://127.0.0.1:9/v1", api_key="k")
start = time.perf_counter()
llm.load()
print(json.dumps({"load": time.perf_counter() - start, "openai": "openai" in sys.modules}))
"""
SDK_PROBE = """
import json, time
start = time.perf_counter()
import openai
print(json.dumps({"import": time.perf_counter() - start}))
"""


class Server:
    """A fake OpenAI server in a subprocess."""

    def __init__(self, latency: float, fault_rate: float) -> None:
        self.proc = subprocess.Popen(
            [sys.executable, "-m", "distilabel_openai.testing", "--latency", str(latency),
             "--capacity", "256", "--fault-rate", str(fault_rate), "--fault-status", "429",
             "--retry-after", "0.05"],
            stdout=subprocess.PIPE, text=True,
        )
        assert self.proc.stdout is not None
        ready, self.url = self.proc.stdout.readline().split()
        assert ready == "READY", ready

    def stop(self) -> None:
        self.proc.terminate()
        self.proc.wait(timeout=10)


def one_run(url: str, rows: int) -> dict[str, Any]:
    """Generate for ``rows`` rows with a fresh OpenAILLM at default settings."""
    from distilabel_openai import OpenAILLM

    llm = OpenAILLM(model="echo", base_url=url, api_key=SECRET)
    llm.load()
    try:
        llm.generate_outputs([[{"role": "user", "content": "warm up"}]])
        inputs = [[{"role": "user", "content": f"row {i}"}] for i in range(rows)]
        start = time.perf_counter()
        results = llm.generate_outputs_isolated(inputs)
        seconds = time.perf_counter() - start
        limiter = llm.limiter
        ok = sum(isinstance(r, dict) for r in results)
        return {"seconds": seconds, "ok": ok, "throttled": limiter.throttle_events,
                "decreases": limiter.decreases, "limit": limiter.limit,
                "concurrency": llm.max_concurrency}
    finally:
        llm.unload()


def probe(code: str) -> dict[str, Any]:
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                         check=True, timeout=120)
    return json.loads(out.stdout.strip().splitlines()[-1])  # type: ignore[no-any-return]


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=1000)
    parser.add_argument("--latency", type=float, default=0.1)
    parser.add_argument("--fault-rate", type=float, default=0.05)
    parser.add_argument("--rounds", type=int, default=3)
    args = parser.parse_args()

    clean, faulty = Server(args.latency, 0.0), Server(args.latency, args.fault_rate)
    runs: dict[str, list[dict[str, Any]]] = {"clean": [], "429s": []}
    try:
        for _ in range(args.rounds):
            runs["clean"].append(one_run(clean.url, args.rows))
            runs["429s"].append(one_run(faulty.url, args.rows))
    finally:
        clean.stop()
        faulty.stop()
    concurrency = runs["clean"][0]["concurrency"]
    ideal = math.ceil(args.rows / concurrency) * args.latency
    med = {k: statistics.median(r["seconds"] for r in v) for k, v in runs.items()}
    print(f"{args.rows} rows, {args.latency * 1000:.0f} ms latency, max_concurrency="
          f"{concurrency} (default), {args.rounds} rounds, medians")
    print(f"  ideal ceil(N/concurrency) x latency   {ideal:6.2f} s")
    for name, label in (("clean", "clean server"),
                        ("429s", f"{args.fault_rate:.0%} random 429s")):
        each = ", ".join(f"{r['seconds']:.2f}" for r in runs[name])
        last = runs[name][-1]
        print(f"  {label:36s} {med[name]:6.2f} s  (runs {each}; last: {last['ok']} ok,"
              f" {last['throttled']} 429s, {last['decreases']} decreases, limit"
              f" {last['limit']})")
    ratio_faults = med["429s"] / med["clean"]
    ratio_ideal = med["clean"] / ideal
    print(f"  429s / clean   {ratio_faults:5.2f}x   (bar <= 1.3x)")
    print(f"  clean / ideal  {ratio_ideal:5.2f}x   (bar <= 2x)")

    loads = [probe(LOAD_PROBE) for _ in range(3)]
    sdk = [probe(SDK_PROBE)["import"] for _ in range(3)]
    load_s = statistics.median(p["load"] for p in loads)
    imported = any(p["openai"] for p in loads)
    print(f"  OpenAILLM.load()  {load_s * 1000:7.1f} ms (median of 3 fresh interpreters;"
          f" openai imported: {imported})")
    print(f"  import openai     {statistics.median(sdk) * 1000:7.1f} ms (what load() used to"
          " pay)")

    failures = []
    if any(r["ok"] != args.rows for v in runs.values() for r in v):
        failures.append("not every row completed")
    if ratio_faults > 1.3:
        failures.append(f"429s cost {ratio_faults:.2f}x a clean run (bar 1.3x)")
    if ratio_ideal > 2.0:
        failures.append(f"the clean run is {ratio_ideal:.2f}x the ideal (bar 2x)")
    if load_s > 0.1 or imported:
        failures.append(f"load() took {load_s:.3f} s (openai imported: {imported})")
    for failure in failures:
        print(f"FAIL: {failure}")
    if not failures:
        print("OK: all bars met")
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
