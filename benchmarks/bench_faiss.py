"""Benchmark: ``FaissNearestNeighbour`` over 100,000 vectors against brute-force numpy.

Run it (one command, a few minutes on 2 cores; ``--rows`` and ``--dim`` change the size)::

    .venv/bin/python benchmarks/bench_faiss.py

Random unit vectors (``--dim`` 128 by default) in clusters, so neighbours mean
something; each row's nearest other row (``k=1``) by cosine similarity, measured in the
same run:

- the baseline: brute-force numpy, the similarity matrix in blocks of 1,024 rows
  (a BLAS matrix product) and the best column of each row;
- ``FaissNearestNeighbour`` with the default ``"Flat"`` index (exact), with faiss's
  default threads (one per core) and with ``num_threads=1`` (OpenMP threads spin; on a
  machine whose cores other work keeps busy, one thread is faster);
- ``FaissNearestNeighbour`` with ``string_factory="HNSW32"`` (approximate), with its
  recall against the exact answer.

Bars (exit status 1 when one fails): the exact index agrees with numpy on at least
99.9 % of rows (ties aside), and HNSW32 finds the true nearest neighbour of at least
90 % of rows. Times are printed as ratios against the baseline; there is no time bar.
"""

from __future__ import annotations

import argparse
import sys
import time
from typing import Any

import numpy as np

from distilabel.steps import FaissNearestNeighbour


def make_vectors(rows: int, dim: int, seed: int = 0) -> Any:
    rng = np.random.default_rng(seed)
    centres = rng.normal(size=(rows // 50 + 1, dim))
    vectors = centres[rng.integers(0, len(centres), rows)] + 0.5 * rng.normal(size=(rows, dim))
    vectors = vectors.astype(np.float32)
    return vectors / np.linalg.norm(vectors, axis=1, keepdims=True)


def numpy_nearest(vectors: Any, block: int = 1024) -> Any:
    nearest = np.empty(len(vectors), dtype=np.int64)
    for start in range(0, len(vectors), block):
        similarity = vectors[start:start + block] @ vectors.T
        rows = np.arange(len(similarity))
        similarity[rows, start + rows] = -np.inf  # not the row itself
        nearest[start:start + block] = similarity.argmax(axis=1)
    return nearest


def faiss_nearest(vectors: Any, factory: str, threads: Any = None) -> Any:
    step = FaissNearestNeighbour(name="bench_faiss", k=1, string_factory=factory,
                                 num_threads=threads)
    step.load()
    indices, _ = step.search(vectors)
    return indices[:, 0]


def timed(func: Any, *args: Any) -> tuple[float, Any]:
    start = time.perf_counter()
    result = func(*args)
    return time.perf_counter() - start, result


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--rows", type=int, default=100_000)
    parser.add_argument("--dim", type=int, default=128)
    args = parser.parse_args()
    vectors = make_vectors(args.rows, args.dim)
    print(f"{args.rows} vectors of {args.dim} dimensions, k=1, cosine")
    base_time, exact = timed(numpy_nearest, vectors)
    flat_time, flat = timed(faiss_nearest, vectors, "Flat")
    one_time, _ = timed(faiss_nearest, vectors, "Flat", 1)
    hnsw_time, hnsw = timed(faiss_nearest, vectors, "HNSW32")
    # A disagreement between two exact searches is a tie unless the similarities differ.
    own = np.einsum("ij,ij->i", vectors, vectors[exact])
    theirs = np.einsum("ij,ij->i", vectors, vectors[flat])
    flat_agree = float(np.mean((flat == exact) | np.isclose(own, theirs, atol=1e-5)))
    hnsw_recall = float(np.mean(hnsw == exact))
    print(f"numpy brute force (baseline) {base_time:7.2f} s")
    print(f"FaissNearestNeighbour Flat   {flat_time:7.2f} s  {flat_time / base_time:5.2f}x"
          f" baseline  agrees {flat_agree:.4f}")
    print(f"  the same, num_threads=1    {one_time:7.2f} s  {one_time / base_time:5.2f}x"
          " baseline")
    print(f"FaissNearestNeighbour HNSW32 {hnsw_time:7.2f} s  {hnsw_time / base_time:5.2f}x"
          f" baseline  recall {hnsw_recall:.4f}")
    bars = {
        f"Flat agrees with numpy on 99.9% of rows ({flat_agree:.4f})": flat_agree >= 0.999,
        f"HNSW32 recall at least 0.90 ({hnsw_recall:.4f})": hnsw_recall >= 0.90,
    }
    for bar, ok in bars.items():
        print(f"{'PASS' if ok else 'FAIL'}: {bar}")
    return 0 if all(bars.values()) else 1


if __name__ == "__main__":
    sys.exit(main())
