"""Benchmark: ``MinHashDedup`` over 100,000 short rows with planted near-duplicates.

Run it (one command, about a minute; add ``--rows`` for another size)::

    .venv/bin/python benchmarks/bench_dedup.py

The data: random sentences of 18-30 words from a 20,000-word vocabulary, of which 5 %
are near-duplicates planted from an earlier row by one edit: a word inserted, a word
deleted, a word replaced (in rows of at least 25 words), or case and punctuation
changed. Every planted pair has a word-set Jaccard similarity of at least 0.92, above
the step's default threshold of 0.9; the script checks that as it plants them.

Measured in the same run, alternately, ``--rounds`` times (medians):

- ``MinHashDedup`` (rensa signatures and LSH, candidates checked against the threshold);
- the baseline: exact deduplication of the normalised word sets (a hash per row), the
  least any deduplication costs; the ratio says what near-duplicate detection adds;
- datasketch's ``MinHash.bulk`` + ``MinHashLSH`` with the same threshold (the engine of
  distilabel 1.x), when datasketch is installed (it is a development dependency).

Bars (exit status 1 when one fails): ``MinHashDedup`` finishes in under 60 s and finds
at least 95 % of the planted near-duplicates, and flags under 0.1 % of the other rows.
"""

from __future__ import annotations

import argparse
import random
import re
import statistics
import sys
import time
from typing import Any, Callable

from distilabel.steps import MinHashDedup

WORD = re.compile(r"\w+")


def make_rows(count: int, share: float, seed: int) -> tuple[list[str], dict[int, str]]:
    """``count`` texts and ``{index: edit kind}`` of the planted near-duplicates."""
    rng = random.Random(seed)
    vocabulary = [f"w{i}" for i in range(20_000)]
    texts: list[str] = []
    planted: dict[int, str] = {}
    kinds = ["insert", "delete", "replace", "case"]
    while len(texts) < count:
        if texts and rng.random() < share:
            source = rng.choice(texts).split()
            kind = rng.choice(kinds)
            words = list(source)
            if kind == "insert":
                words.insert(rng.randrange(len(words) + 1), rng.choice(vocabulary))
            elif kind == "delete":
                del words[rng.randrange(len(words))]
            elif kind == "replace":
                if len(words) < 25:
                    continue
                words[rng.randrange(len(words))] = rng.choice(vocabulary)
            else:
                words = [w.upper() if rng.random() < 0.3 else w for w in words]
                words[-1] += "!"
            a = set(WORD.findall(" ".join(source).lower()))
            b = set(WORD.findall(" ".join(words).lower()))
            if len(a & b) / len(a | b) < 0.92:
                continue  # a repeated word made the edit bigger than planned
            planted[len(texts)] = kind
            texts.append(" ".join(words))
        else:
            texts.append(" ".join(rng.choices(vocabulary, k=rng.randint(18, 30))))
    return texts, planted


def run_minhash(texts: list[str]) -> list[bool]:
    step = MinHashDedup(name="bench_minhash")
    step.load()
    return step.duplicate_flags(texts)


def run_exact(texts: list[str]) -> list[bool]:
    seen: set[int] = set()
    flags = []
    for text in texts:
        key = hash(frozenset(WORD.findall(text.lower())))
        flags.append(key in seen)
        seen.add(key)
    return flags


def run_datasketch(texts: list[str]) -> list[bool]:
    import datasketch

    token_sets = [[t.encode() for t in set(WORD.findall(text.lower()))] for text in texts]
    signatures = datasketch.MinHash.bulk(token_sets, num_perm=128, seed=1)
    lsh = datasketch.MinHashLSH(threshold=0.9, num_perm=128)
    flags = []
    for index, signature in enumerate(signatures):
        duplicate = bool(lsh.query(signature))
        flags.append(duplicate)
        if not duplicate:
            lsh.insert(index, signature)
    return flags


def timed(func: Callable[[list[str]], list[bool]], texts: list[str]) -> tuple[float, list[bool]]:
    start = time.perf_counter()
    flags = func(texts)
    return time.perf_counter() - start, flags


def quality(flags: list[bool], planted: dict[int, str]) -> dict[str, Any]:
    found = {kind: [0, 0] for kind in sorted(set(planted.values()))}
    for index, kind in planted.items():
        found[kind][1] += 1
        found[kind][0] += flags[index]
    others = [f for i, f in enumerate(flags) if i not in planted]
    return {
        "recall": sum(flags[i] for i in planted) / len(planted),
        "by_kind": {k: f"{a}/{b}" for k, (a, b) in found.items()},
        "false_rate": sum(others) / len(others),
    }


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--rows", type=int, default=100_000)
    parser.add_argument("--rounds", type=int, default=2)
    args = parser.parse_args()
    texts, planted = make_rows(args.rows, 0.05, seed=0)
    print(f"{len(texts)} rows, {len(planted)} planted near-duplicates")
    contenders: dict[str, Callable[[list[str]], list[bool]]] = {
        "exact (baseline)": run_exact, "MinHashDedup": run_minhash,
    }
    try:
        import datasketch  # noqa: F401

        contenders["datasketch"] = run_datasketch
    except ImportError:
        print("datasketch is not installed: its comparison is skipped")
    times: dict[str, list[float]] = {name: [] for name in contenders}
    results: dict[str, list[bool]] = {}
    for _ in range(args.rounds):
        for name, func in contenders.items():
            seconds, results[name] = timed(func, texts)
            times[name].append(seconds)
    base = statistics.median(times["exact (baseline)"])
    for name in contenders:
        median = statistics.median(times[name])
        q = quality(results[name], planted)
        print(f"{name:18} {median:7.2f} s  {median / base:7.1f}x baseline  recall"
              f" {q['recall']:.3f} {q['by_kind']}  false {q['false_rate']:.4%}")
    minhash = statistics.median(times["MinHashDedup"])
    q = quality(results["MinHashDedup"], planted)
    if "datasketch" in times:
        print(f"MinHashDedup is {statistics.median(times['datasketch']) / minhash:.1f}x"
              " faster than datasketch")
    bars = {
        f"under 60 s ({minhash:.1f} s)": minhash < 60,
        f"recall at least 0.95 ({q['recall']:.3f})": q["recall"] >= 0.95,
        f"false flags under 0.1% ({q['false_rate']:.4%})": q["false_rate"] < 0.001,
    }
    for bar, ok in bars.items():
        print(f"{'PASS' if ok else 'FAIL'}: {bar}")
    return 0 if all(bars.values()) else 1


if __name__ == "__main__":
    sys.exit(main())
