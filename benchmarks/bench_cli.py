"""How long ``distilabel llms list`` takes with three plugins installed.

    python benchmarks/bench_cli.py [--runs 11] [--throwaway]

Uses the plugins installed in this environment when there are at least three; otherwise
(or with ``--throwaway``) builds three throwaway plugin distributions, installs them with
``pip install --target`` into a temporary directory and puts it on ``PYTHONPATH``. Runs the
console script and ``python -c pass`` alternately, prints the medians, ratio and
difference. Bar: under 0.5 s. Exits 1 when the bar is missed.
"""

from __future__ import annotations

import argparse
import importlib.metadata
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

BAR_SECONDS = 0.5
GROUP = "distilabel.llms"

_PYPROJECT = """\
[build-system]
requires = ["setuptools>=68"]
build-backend = "setuptools.build_meta"

[project]
name = "distilabel-bench{n}"
version = "0.0.{n}"
dependencies = ["distilabel-core"]

[project.entry-points."distilabel.llms"]
bench{n} = "distilabel_bench{n}"
"""

_MODULE = '''\
from distilabel.hookspecs import hookimpl


@hookimpl
def distilabel_register_llms():
    from distilabel_bench{n}._llm import Bench{n}LLM

    return [Bench{n}LLM]
'''

_LLM = '''\
from pydantic import Field

from distilabel.llms import AsyncLLM
from distilabel.runtime_parameters import RuntimeParameter


class Bench{n}LLM(AsyncLLM):
    """A throwaway async LLM for the CLI benchmark."""

    base_url: RuntimeParameter[str] = Field(default=None, description="The server.")

    @property
    def model_name(self) -> str:
        return "bench{n}"

    async def agenerate(self, input, num_generations: int = 1, temperature: float = 1.0):
        """Answer.

        Args:
            temperature: the sampling temperature.
        """
        return ["x"] * num_generations
'''


def installed_plugins() -> list[str]:
    return sorted({ep.name for ep in importlib.metadata.entry_points(group=GROUP)})


def build_throwaway(root: Path) -> Path:
    """Write three plugin distributions under ``root`` and install them into one site."""
    site = root / "site"
    sources = []
    for n in range(1, 4):
        package = root / f"bench{n}" / "src" / f"distilabel_bench{n}"
        package.mkdir(parents=True)
        (root / f"bench{n}" / "pyproject.toml").write_text(_PYPROJECT.format(n=n))
        (package / "__init__.py").write_text(_MODULE.format(n=n))
        (package / "_llm.py").write_text(_LLM.format(n=n))
        sources.append(str(root / f"bench{n}"))
    subprocess.run(
        [sys.executable, "-m", "pip", "install", "--quiet", "--no-deps", "--no-build-isolation",
         "--no-index", "--disable-pip-version-check", "--target", str(site), *sources],
        check=True,
    )
    return site


def wall_time(cmd: list[str], env: dict[str, str]) -> float:
    start = time.perf_counter()
    subprocess.run(cmd, env=env, check=True, stdout=subprocess.DEVNULL)
    return time.perf_counter() - start


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=11, help="runs of each command")
    parser.add_argument("--throwaway", action="store_true",
                        help="always measure three throwaway plugins")
    args = parser.parse_args()

    script = str(Path(sys.executable).with_name("distilabel"))
    env = {k: v for k, v in os.environ.items() if k != "DISTILABEL_PLUGINS"}
    with tempfile.TemporaryDirectory(prefix="bench-cli-") as tmp:
        plugins = installed_plugins()
        if args.throwaway or len(plugins) < 3:
            site = build_throwaway(Path(tmp))
            env["PYTHONPATH"] = os.pathsep.join(filter(None, [str(site),
                                                               env.get("PYTHONPATH")]))
            if args.throwaway:
                env["DISTILABEL_PLUGINS"] = "bench1,bench2,bench3"
            plugins = ([] if args.throwaway else plugins) + ["bench1", "bench2", "bench3"]
        listing = subprocess.run([script, "llms", "list"], env=env, check=True,
                                 capture_output=True, text=True).stdout
        wall_time([script, "llms", "list"], env)  # warm caches
        bare: list[float] = []
        listed: list[float] = []
        for _ in range(args.runs):
            bare.append(wall_time([sys.executable, "-c", "pass"], env))
            listed.append(wall_time([script, "llms", "list"], env))

    bare_median = statistics.median(bare)
    list_median = statistics.median(listed)
    print(f"plugins ({len(plugins)}): {', '.join(plugins)}")
    print(listing.rstrip())
    print(f"runs: {args.runs} of each, alternating; medians")
    rows = [("python -c pass", bare_median), ("distilabel llms list", list_median)]
    width = max(len(label) for label, _ in rows)
    for label, seconds in rows:
        print(f"  {label.ljust(width)}  {seconds * 1000:7.1f} ms")
    print(f"  ratio {list_median / bare_median:.2f}x, "
          f"difference {(list_median - bare_median) * 1000:.1f} ms")
    ok = list_median < BAR_SECONDS and len(plugins) >= 3
    print(f"bar: under {BAR_SECONDS * 1000:.0f} ms with at least three plugins: "
          f"{'PASS' if ok else 'FAIL'}")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
