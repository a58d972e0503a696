"""How long ``import distilabel, distilabel.llms`` takes, against a bare interpreter.

    python benchmarks/bench_import.py [--runs 21]

Runs ``python -c "import distilabel, distilabel.llms"`` and ``python -c pass`` alternately
(so both see the same machine load), prints the medians, their ratio and difference, and
which heavy backends the import pulled in. Bar: the import command under 150 ms, and no
backend (openai, transformers, torch, llama_cpp, ray, datasets) imported. Exits 1 when a
bar is missed.
"""

from __future__ import annotations

import argparse
import json
import statistics
import subprocess
import sys
import time

IMPORT = "import distilabel, distilabel.llms"
HEAVY = ("openai", "transformers", "torch", "llama_cpp", "ray", "datasets")
BAR_SECONDS = 0.150


def wall_time(code: str) -> float:
    """Seconds to start an interpreter, run ``code`` and exit."""
    start = time.perf_counter()
    subprocess.run([sys.executable, "-c", code], check=True)
    return time.perf_counter() - start


def heavy_imports() -> list[str]:
    probe = (
        f"{IMPORT}\nimport json, sys\n"
        f"print(json.dumps(sorted(m for m in sys.modules if m.split('.')[0] in {HEAVY!r})))"
    )
    out = subprocess.run([sys.executable, "-c", probe], check=True, capture_output=True,
                         text=True).stdout
    return list(json.loads(out))


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=21, help="runs of each command")
    args = parser.parse_args()

    wall_time(IMPORT)  # warm the OS file cache and the bytecode cache
    wall_time("pass")
    bare: list[float] = []
    imported: list[float] = []
    for _ in range(args.runs):
        bare.append(wall_time("pass"))
        imported.append(wall_time(IMPORT))
    bare_median = statistics.median(bare)
    import_median = statistics.median(imported)
    heavy = heavy_imports()

    print(f"python: {sys.executable}")
    print(f"runs: {args.runs} of each, alternating; medians")
    rows = [("python -c pass", bare_median), (f'python -c "{IMPORT}"', import_median)]
    width = max(len(label) for label, _ in rows)
    for label, seconds in rows:
        print(f"  {label.ljust(width)}  {seconds * 1000:7.1f} ms")
    print(f"  ratio {import_median / bare_median:.2f}x, "
          f"difference {(import_median - bare_median) * 1000:.1f} ms")
    print(f"  heavy backends imported: {', '.join(heavy) or 'none'}")
    ok = import_median < BAR_SECONDS and not heavy
    print(f"bar: import under {BAR_SECONDS * 1000:.0f} ms and no backend imported: "
          f"{'PASS' if ok else 'FAIL'}")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
