"""How long ``import distilabel, distilabel.llms`` and ``import distilabel.pipeline``
take, against a bare interpreter.

    python benchmarks/bench_import.py [--runs 21]

Runs ``python -c pass``, ``python -c "import distilabel, distilabel.llms"`` and ``python -c
"import distilabel.pipeline"`` in turn (so all see the same machine load), prints the
medians, the ratios and differences against the bare interpreter, and which heavy backends
each import pulled in. Bars: the first import under 150 ms, ``import distilabel.pipeline``
under 250 ms over the bare interpreter, and no backend (openai, transformers, torch,
llama_cpp, ray, datasets) imported by either. Exits 1 when a bar is missed.
"""

from __future__ import annotations

import argparse
import json
import statistics
import subprocess
import sys
import time

IMPORT = "import distilabel, distilabel.llms"
PIPELINE_IMPORT = "import distilabel.pipeline"
HEAVY = ("openai", "transformers", "torch", "llama_cpp", "ray", "datasets")
BAR_SECONDS = 0.150
PIPELINE_BAR_SECONDS = 0.250


def wall_time(code: str) -> float:
    """Seconds to start an interpreter, run ``code`` and exit."""
    start = time.perf_counter()
    subprocess.run([sys.executable, "-c", code], check=True)
    return time.perf_counter() - start


def heavy_imports(code: str) -> list[str]:
    probe = (
        f"{code}\nimport json, sys\n"
        f"print(json.dumps(sorted(m for m in sys.modules if m.split('.')[0] in {HEAVY!r})))"
    )
    out = subprocess.run([sys.executable, "-c", probe], check=True, capture_output=True,
                         text=True).stdout
    return list(json.loads(out))


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=21, help="runs of each command")
    args = parser.parse_args()

    commands = ["pass", IMPORT, PIPELINE_IMPORT]
    for code in commands:
        wall_time(code)  # warm the OS file cache and the bytecode cache
    times: dict[str, list[float]] = {code: [] for code in commands}
    for _ in range(args.runs):
        for code in commands:
            times[code].append(wall_time(code))
    medians = {code: statistics.median(values) for code, values in times.items()}
    bare = medians["pass"]
    heavy = sorted(set(heavy_imports(IMPORT)) | set(heavy_imports(PIPELINE_IMPORT)))

    print(f"python: {sys.executable}")
    print(f"runs: {args.runs} of each, in turn; medians")
    labels = {code: f'python -c "{code}"' for code in commands}
    width = max(len(label) for label in labels.values())
    for code in commands:
        line = f"  {labels[code].ljust(width)}  {medians[code] * 1000:7.1f} ms"
        if code != "pass":
            line += (f"   ratio {medians[code] / bare:.2f}x,"
                     f" +{(medians[code] - bare) * 1000:.1f} ms over bare")
        print(line)
    print(f"  heavy backends imported: {', '.join(heavy) or 'none'}")
    ok_import = medians[IMPORT] < BAR_SECONDS
    ok_pipeline = medians[PIPELINE_IMPORT] - bare < PIPELINE_BAR_SECONDS
    print(f"bar: '{IMPORT}' under {BAR_SECONDS * 1000:.0f} ms: "
          f"{'PASS' if ok_import else 'FAIL'}")
    print(f"bar: '{PIPELINE_IMPORT}' under {PIPELINE_BAR_SECONDS * 1000:.0f} ms over bare: "
          f"{'PASS' if ok_pipeline else 'FAIL'}")
    print(f"bar: no backend imported: {'PASS' if not heavy else 'FAIL'}")
    return 0 if ok_import and ok_pipeline and not heavy else 1

if __name__ == "__main__":
    sys.exit(main())
