"""Benchmark: OpenAILLM against a fast local OpenAI-compatible server, with baselines.

Run it (one command, a few minutes; the first run also builds the distilabel 1.5.3
baseline environment under ``benchmarks/.venvs/``, about a minute)::

    .venv/bin/python benchmarks/bench_openai.py

A fake server (``distilabel_openai.testing``, capacity 256, fixed latency) runs in its own
process; each client runs in a fresh interpreter (``benchmarks/openai/clients.py``). For
N rows it prints seconds, rows/s and ratios against:

- the ideal ``ceil(N / 256) x latency``;
- a bare aiohttp POST loop and hand-written ``asyncio.gather`` loops over the raw
  ``openai`` SDK (httpx and aiohttp transports), all at the same concurrency;
- distilabel 1.5.3 from PyPI in its own virtual environment (its ``OpenAILLM.generate`` in
  batches of 50, and its ``LoadDataFromDicts >> TextGeneration`` pipeline).

and checks the bars of the plugin's issue (exit status 1 when one fails):

- 100 ms latency: >= 10x distilabel 1.5.3, and within 2x of the slower of ideal / bare;
- 0 ms latency: rows/s >= the hand-written raw-SDK loop;
- 10 % of requests answered 429 or 500: every row completes, and the API key is in no
  log, cache file or dump.
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
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Callable, Optional

HERE = Path(__file__).resolve().parent
CLIENTS = HERE / "openai" / "clients.py"
LEGACY_CLIENT = HERE / "openai" / "legacy_client.py"
LEGACY_REQUIREMENTS = HERE / "openai" / "distilabel-1.5.3-requirements.txt"
LEGACY_VENV = HERE / ".venvs" / "distilabel-1.5.3"
SECRET = "sk-bench-secret-5d41402abc4b2a76b9719d91"


@dataclass
class Result:
    name: str
    seconds: float
    rows: int
    ok: int
    cpu: float

    @property
    def rate(self) -> float:
        return self.rows / self.seconds if self.seconds else float("inf")


class FakeServer:
    """The fake OpenAI server in a subprocess."""

    def __init__(self, latency: float, capacity: int, fault_rate: float = 0.0) -> None:
        self.proc = subprocess.Popen(
            [sys.executable, "-m", "distilabel_openai.testing", "--latency", str(latency),
             "--capacity", str(capacity), "--fault-rate", str(fault_rate),
             "--retry-after", "0.05"],
            stdout=subprocess.PIPE, text=True,
        )
        assert self.proc.stdout is not None
        line = self.proc.stdout.readline().split()
        if len(line) != 2 or line[0] != "READY":
            self.proc.kill()
            raise RuntimeError(f"fake server did not start: {line}")
        self.url = line[1]
        # Warm up the server with one connection storm before anything is timed (with
        # faults on, some warm-up requests fail: that is fine).
        subprocess.run([sys.executable, str(CLIENTS), "bare", "--url", self.url, "--rows",
                        "512", "--concurrency", "256"], capture_output=True, check=False)

    def stop(self) -> None:
        self.proc.terminate()
        self.proc.wait(timeout=10)


def run_client(
    python: str, script: Path, mode: str, url: str, rows: int, concurrency: Optional[int],
    name: str, env: Optional[dict[str, str]] = None, extra: Optional[list[str]] = None,
) -> Result:
    command = [python, str(script), mode, "--url", url, "--rows", str(rows),
               "--key", SECRET, *(extra or [])]
    if concurrency is not None:
        command += ["--concurrency", str(concurrency)]
    done = subprocess.run(command, capture_output=True, text=True, timeout=600,
                          env={**os.environ, **(env or {})}, check=False)
    if done.returncode != 0:
        raise RuntimeError(f"{name} failed:\n{done.stdout}\n{done.stderr[-3000:]}")
    if SECRET in done.stdout or SECRET in done.stderr:
        raise RuntimeError(f"{name}: the API key appeared in the client's output")
    data = json.loads(done.stdout.strip().splitlines()[-1])
    return Result(name, data["seconds"], data["rows"], data["ok"], data["cpu"])


def median_of(repeat: int, run: Callable[[], Result]) -> Result:
    results = [run() for _ in range(repeat)]
    seconds = statistics.median(r.seconds for r in results)
    best = min(results, key=lambda r: abs(r.seconds - seconds))
    return best


def ensure_legacy_venv() -> Optional[str]:
    """Create the distilabel 1.5.3 environment if needed; return its python (or None)."""
    python = LEGACY_VENV / "bin" / "python"
    if python.exists():
        check = subprocess.run([str(python), "-c", "import distilabel, openai"],
                               capture_output=True, check=False)
        if check.returncode == 0:
            return str(python)
    print(f"==> creating {LEGACY_VENV.relative_to(HERE.parent)} (distilabel 1.5.3, pinned"
          " January 2025 dependencies; about a minute)", flush=True)
    base = os.environ.get("LEGACY_PYTHON", "python3.11")
    subprocess.run([base, "-m", "venv", str(LEGACY_VENV)], check=True)
    subprocess.run([str(python), "-m", "pip", "install", "-q", "--only-binary", ":all:",
                    "-r", str(LEGACY_REQUIREMENTS)], check=True)
    return str(python)


def table(results: list[Result], ideal: Optional[float], refs: dict[str, Result]) -> None:
    header = f"  {'client':34s} {'seconds':>8s} {'rows/s':>8s} {'ok':>6s} {'cpu s':>6s}"
    if ideal is not None:
        header += f" {'x ideal':>8s}"
    for label in refs:
        header += f" {'x ' + label:>12s}"
    print(header)
    for r in results:
        line = f"  {r.name:34s} {r.seconds:8.2f} {r.rate:8.0f} {r.ok:6d} {r.cpu:6.2f}"
        if ideal is not None:
            line += f" {r.seconds / ideal:8.2f}"
        for ref in refs.values():
            line += f" {ref.seconds / r.seconds:11.2f}x"
        print(line)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=2000)
    parser.add_argument("--concurrency", type=int, default=256)
    parser.add_argument("--latency", type=float, default=0.1)
    parser.add_argument("--repeat", type=int, default=3, help="runs per fast client (median)")
    parser.add_argument("--skip-legacy", action="store_true", help="no distilabel 1.5.3 runs")
    parser.add_argument("--scenarios", default="ABC", help="which of A, B, C to run")
    args = parser.parse_args()
    n, conc, py = args.rows, args.concurrency, sys.executable
    bars: list[tuple[str, bool]] = []

    print(f"cores: {os.cpu_count()}; load average at start:"
          f" {', '.join(f'{x:.1f}' for x in os.getloadavg())}")
    skip = args.skip_legacy or "A" not in args.scenarios
    legacy_python = None if skip else ensure_legacy_venv()

    def ours(mode: str, url: str, name: str, **kw: object) -> Result:
        return median_of(args.repeat, lambda: run_client(py, CLIENTS, mode, url, n, conc, name,
                                                         **kw))  # type: ignore[arg-type]

    ideal = math.ceil(n / 256) * args.latency
    if "A" in args.scenarios:
        bars += scenario_a(args, ours, ideal, legacy_python)
    if "B" in args.scenarios:
        bars += scenario_b(args, ours)
    if "C" in args.scenarios:
        bars += scenario_c(args, ideal)

    print("\n== bars")
    for text, ok in bars:
        print(f"  [{'PASS' if ok else 'FAIL'}] {text}")
    return 0 if all(ok for _, ok in bars) else 1


def scenario_a(
    args: argparse.Namespace, ours: Callable[..., Result], ideal: float,
    legacy_python: Optional[str],
) -> list[tuple[str, bool]]:
    """Fixed latency: ours against ideal, bare aiohttp, the raw SDK and distilabel 1.5.3."""
    n, conc, bars = args.rows, args.concurrency, []
    print(f"\n== A: {n} rows, latency {args.latency * 1000:.0f} ms, server capacity 256,"
          f" concurrency {conc}; ideal {ideal:.2f} s", flush=True)
    server = FakeServer(args.latency, 256)
    try:
        bare = ours("bare", server.url, "bare aiohttp loop")
        sdk = ours("sdk", server.url, "raw SDK loop (httpx)")
        sdk_aio = ours("sdk-aiohttp", server.url, "raw SDK loop (aiohttp)")
        plugin = ours("plugin", server.url, "OpenAILLM.generate")
        pipe = ours("pipeline", server.url, "pipeline TextGeneration(OpenAILLM)")
        results = [bare, sdk, sdk_aio, plugin, pipe]
        legacy: list[Result] = []
        if legacy_python:
            legacy.append(run_client(legacy_python, LEGACY_CLIENT, "generate", server.url, n,
                                     None, "distilabel 1.5.3 generate x50"))
            legacy.append(run_client(legacy_python, LEGACY_CLIENT, "pipeline", server.url, n,
                                     None, "distilabel 1.5.3 pipeline"))
    finally:
        server.stop()
    refs = {"1.5.3 pipe": legacy[1]} if legacy else {}
    table(results + legacy, ideal, refs)
    slower = max(ideal, bare.seconds)
    for r in (plugin, pipe):
        bars.append((f"A {r.name}: {r.seconds:.2f} s <= 2 x max(ideal, bare) = {2 * slower:.2f} s",
                     r.seconds <= 2 * slower))
    if legacy:
        bars.append((f"A pipeline >= 10x distilabel 1.5.3 pipeline"
                     f" ({legacy[1].seconds / pipe.seconds:.1f}x)",
                     legacy[1].seconds >= 10 * pipe.seconds))
        bars.append((f"A OpenAILLM.generate >= 10x 1.5.3 batched generate"
                     f" ({legacy[0].seconds / plugin.seconds:.1f}x)",
                     legacy[0].seconds >= 10 * plugin.seconds))
    bars.append((f"A every row generated ({min(r.ok for r in results + legacy)}/{n})",
                 all(r.ok == n for r in results + legacy)))

    return bars


def scenario_b(args: argparse.Namespace, ours: Callable[..., Result]) -> list[tuple[str, bool]]:
    """Zero latency: client overhead against hand-written loops over the raw SDK."""
    n, conc, bars = args.rows, args.concurrency, []
    print(f"\n== B: {n} rows, latency 0 ms, concurrency {conc}", flush=True)
    server = FakeServer(0.0, 256)
    try:
        b_bare = ours("bare", server.url, "bare aiohttp loop")
        b_sdk = ours("sdk", server.url, "raw SDK loop (httpx)")
        b_sdk_aio = ours("sdk-aiohttp", server.url, "raw SDK loop (aiohttp)")
        b_plugin = ours("plugin", server.url, "OpenAILLM.generate")
        b_pipe = ours("pipeline", server.url, "pipeline TextGeneration(OpenAILLM)")
    finally:
        server.stop()
    best_sdk = min((b_sdk, b_sdk_aio), key=lambda r: r.seconds)
    table([b_bare, b_sdk, b_sdk_aio, b_plugin, b_pipe], None, {"raw SDK": best_sdk})
    bars.append((f"B OpenAILLM.generate {b_plugin.rate:.0f} rows/s >= best raw SDK loop"
                 f" {best_sdk.rate:.0f} rows/s", b_plugin.rate >= best_sdk.rate))
    bars.append((f"B pipeline {b_pipe.rate:.0f} rows/s >= best raw SDK loop"
                 f" {best_sdk.rate:.0f} rows/s", b_pipe.rate >= best_sdk.rate))

    return bars


def scenario_c(args: argparse.Namespace, ideal: float) -> list[tuple[str, bool]]:
    """10 % of requests answered 429 or 500: every row completes, the key leaks nowhere."""
    n, conc, py, bars = args.rows, args.concurrency, sys.executable, []
    print(f"\n== C: {n} rows, latency {args.latency * 1000:.0f} ms, 10% answered 429 or 500",
          flush=True)
    server = FakeServer(args.latency, 256, fault_rate=0.1)
    with tempfile.TemporaryDirectory() as logs:
        log = Path(logs) / "debug.log"
        try:
            c_plugin = run_client(py, CLIENTS, "plugin", server.url, n, conc,
                                  "OpenAILLM.generate", extra=["--log", str(log)])
            c_pipe = run_client(py, CLIENTS, "pipeline", server.url, n, conc,
                                "pipeline TextGeneration(OpenAILLM)",
                                env={"BENCH_SECRET_CHECK": "1"}, extra=["--log", str(log)])
        finally:
            server.stop()
        leaked = SECRET in log.read_text(errors="replace")
        log_lines = sum(1 for _ in log.open(errors="replace"))
    table([c_plugin, c_pipe], ideal, {})
    bars.append((f"C every row generated with 10% 429/500 ({c_plugin.ok}/{n}, {c_pipe.ok}/{n})",
                 c_plugin.ok == n and c_pipe.ok == n))
    bars.append((f"C API key in no DEBUG log ({log_lines} lines), cache file or dump",
                 not leaked))
    return bars


if __name__ == "__main__":
    started = time.monotonic()
    status = main()
    load = ", ".join(f"{x:.1f}" for x in os.getloadavg())
    print(f"\n(done in {time.monotonic() - started:.0f} s; cores: {os.cpu_count()}; load"
          f" average now {load}: other work on the machine slows every client)")
    sys.exit(status)
