"""The Ray engine spreads a CPU-bound step over its replicas.

    python benchmarks/bench_ray.py [--runs 3] [--seconds 32]

Starts a local Ray with 2 CPUs (loopback only), then times, alternately and ``--runs``
times each, the whole ``run`` of ``LoadDataFromDicts >> Hash`` on Ray where ``Hash`` is
pure-Python CPU work (about ``--seconds`` of it on one core) with 1 replica (the
baseline) and with 2 replicas, each reserving one CPU. The whole run counts, actor
start-up included (1 or 2 actor processes: the loader and the writer run in the driver;
about 1.1-1.3 s on two cores, a fixed cost). Prints medians, the speed-up, the speed-up of
the work span alone (first batch started to last batch finished, from timestamps the
step records), the CPU time the hypervisor stole during each configuration's runs
(``steal`` in /proc/stat: a noisy neighbour slows one side) and the machine's load
average before and after. Each round also times plain ``multiprocessing`` doing the
same work (all the rows, 2 processes against 1, no Ray, processes started beforehand):
the speed-up this machine gives under the same sustained load at about the same time, so
the engine's figure can be read against it (``--no-plain`` skips it).
Bar: the whole run with 2 replicas at least 1.6x faster than with 1. Exits 1 when the
bar is missed. Timings on a shared 2-core VM are noisy: run it alone.
"""

from __future__ import annotations

import argparse
import hashlib
import multiprocessing
import os
import statistics
import sys
import tempfile
import time

# Read when Ray is imported: keep the cluster on loopback and send no usage report.
os.environ.setdefault("RAY_ENABLE_WINDOWS_OR_OSX_CLUSTER", "0")
os.environ.setdefault("RAY_USAGE_STATS_ENABLED", "0")

from distilabel.pipeline import Pipeline
from distilabel.pipeline.ray._run import RayPipeline
from distilabel.steps import LoadDataFromDicts, StepInput, StepOutput, step

BAR = 1.6
ROWS = 400


def spin(seed: str, rounds: int) -> str:
    """``rounds`` chained SHA-256 hashes: CPU-bound, holds the GIL."""
    digest = seed.encode()
    for _ in range(rounds):
        digest = hashlib.sha256(digest).digest()
    return digest.hex()[:16]


@step(inputs=["seed", "rounds"], outputs=["digest", "started", "finished"])
def Hash(inputs: StepInput) -> StepOutput:
    """Hash each row's seed ``rounds`` times; record when the batch started and ended."""
    started = time.time()
    for row in inputs:
        row["digest"] = spin(row["seed"], row["rounds"])
    finished = time.time()
    for row in inputs:
        row["started"], row["finished"] = started, finished
    yield inputs


def spin_rows(job: tuple[int, int, int]) -> None:
    """Hash rows ``first..stop-1`` as the step does (a job for the plain processes)."""
    first, stop, rounds = job
    for i in range(first, stop):
        spin(f"row {i}", rounds)


def plain_speedup(pool: multiprocessing.pool.Pool, rounds: int) -> float:
    """All the rows hashed by one of ``pool``'s processes, then split over two: the
    wall-time ratio, what two cores give for this work without any engine."""
    start = time.perf_counter()
    pool.apply(spin_rows, ((0, ROWS, rounds),))
    one = time.perf_counter() - start
    start = time.perf_counter()
    pool.map(spin_rows, [(0, ROWS // 2, rounds), (ROWS // 2, ROWS, rounds)], chunksize=1)
    return one / (time.perf_counter() - start)


def calibrate(seconds: float) -> int:
    """Rounds per row so that ROWS rows take about ``seconds`` on one core."""
    trials = []
    for _ in range(3):  # the best of three: the first pass runs on a cold process
        start = time.perf_counter()
        spin("calibrate", 100_000)
        trials.append((time.perf_counter() - start) / 100_000)
    per_round = min(trials)
    return max(1, int(seconds / ROWS / per_round))


def build(rounds: int, replicas: int) -> tuple[Pipeline, dict[str, dict[str, float]]]:
    with Pipeline(name=f"bench-ray-{replicas}") as pipeline:
        load = LoadDataFromDicts(
            name="load",
            data=[{"seed": f"row {i}", "rounds": rounds} for i in range(ROWS)],
            batch_size=10,
        )
        work = Hash(name="hash", input_batch_size=10)
        load >> work
    return pipeline, {"hash": {"replicas": replicas, "cpus": 1}}


def stolen() -> float:
    """CPU seconds the hypervisor has stolen from this machine since boot (0 if unknown)."""
    try:
        with open("/proc/stat", encoding="ascii") as fh:
            fields = fh.readline().split()
        return int(fields[8]) / os.sysconf("SC_CLK_TCK")
    except (OSError, IndexError, ValueError):
        return 0.0


def timed_run(rounds: int, replicas: int) -> tuple[float, float, float]:
    """``(whole run, work span, CPU stolen meanwhile)`` in seconds."""
    pipeline, resources = build(rounds, replicas)
    steal = stolen()
    start = time.perf_counter()
    distiset = RayPipeline(pipeline, resources=resources).run(
        use_cache=False, show_progress=False
    )
    elapsed = time.perf_counter() - start
    steal = stolen() - steal
    rows = list(distiset["hash"])
    assert len(rows) == ROWS and rows[0]["digest"] == spin("row 0", rounds)
    span = max(r["finished"] for r in rows) - min(r["started"] for r in rows)
    return elapsed, span, steal


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--runs", type=int, default=3, help="runs of each configuration")
    parser.add_argument("--seconds", type=float, default=32.0,
                        help="CPU seconds of work per run (one core)")
    parser.add_argument("--no-plain", dest="plain", action="store_false",
                        help="skip the plain multiprocessing runs")
    args = parser.parse_args()

    import ray

    load_before = os.getloadavg()
    rounds = calibrate(args.seconds)
    os.environ["DISTILABEL_CACHE_DIR"] = tempfile.mkdtemp(prefix="bench-ray-")
    ray.init(address="local", num_cpus=2, include_dashboard=False, log_to_driver=False)
    times: dict[int, list[float]] = {1: [], 2: []}
    spans: dict[int, list[float]] = {1: [], 2: []}
    steals: dict[int, list[float]] = {1: [], 2: []}
    machine: list[float] = []
    pool = multiprocessing.get_context("spawn").Pool(2)
    try:
        pool.map(spin_rows, [(0, 1, 1), (1, 2, 1)], chunksize=1)  # start both processes
        timed_run(max(1, rounds // 100), 2)  # warm-up: worker processes, imports
        for _ in range(args.runs):
            for replicas in (1, 2):
                elapsed, span, steal = timed_run(rounds, replicas)
                times[replicas].append(elapsed)
                spans[replicas].append(span)
                steals[replicas].append(steal)
            if args.plain:
                machine.append(plain_speedup(pool, rounds))
    finally:
        pool.terminate()
        ray.shutdown()
    load_after = os.getloadavg()

    one, two = statistics.median(times[1]), statistics.median(times[2])
    ratio = one / two
    print(f"machine: {os.cpu_count()} CPUs; load average (1/5/15 min) before"
          f" {load_before[0]:.2f}/{load_before[1]:.2f}/{load_before[2]:.2f}, after"
          f" {load_after[0]:.2f}/{load_after[1]:.2f}/{load_after[2]:.2f}")
    print(f"work: {ROWS} rows x {rounds} SHA-256 rounds (~{args.seconds:g} s on one core)")
    labels = {1: "1 replica  (baseline)", 2: "2 replicas           "}
    for replicas, median in ((1, one), (2, two)):
        label = labels[replicas]
        print(f"{label}: median {median:6.2f} s  runs {[round(t, 2) for t in times[replicas]]}"
              f"  CPU stolen {[round(t, 2) for t in steals[replicas]]} s")
    print(f"speed-up: {ratio:.2f}x (bar >= {BAR}x), saved {one - two:.2f} s")
    span_one, span_two = statistics.median(spans[1]), statistics.median(spans[2])
    print(f"work span alone (first batch start to last batch end): {span_one:.2f} s vs"
          f" {span_two:.2f} s, {span_one / span_two:.2f}x; start-up and collection took"
          f" {one - span_one:.2f} s and {two - span_two:.2f} s")
    if machine:
        plain = statistics.median(machine)
        print(f"plain multiprocessing, same work, 2 processes vs 1 (no Ray), per round:"
              f" {[round(m, 2) for m in machine]}, median {plain:.2f}x; the engine's"
              f" whole run reaches {ratio / plain:.0%} of it")
    if ratio < BAR:
        print("FAIL: 2 replicas are not 1.6x faster than 1", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
