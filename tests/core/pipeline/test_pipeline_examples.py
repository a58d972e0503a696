"""The pipeline examples run as documented."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

EXAMPLES = Path(__file__).resolve().parents[3] / "examples"


def run_example(name: str, cache_dir: Path, *args: str) -> list[str]:
    result = subprocess.run(
        [sys.executable, str(EXAMPLES / name), *args], capture_output=True, text=True,
        timeout=120, check=False, env={**os.environ, "DISTILABEL_CACHE_DIR": str(cache_dir)},
    )
    assert result.returncode == 0, result.stderr
    return result.stdout.splitlines()


def test_text_generation_example(cache_dir: Path) -> None:
    expected = [
        "WRITE A SHORT STORY ABOUT A DRAGON. (temperature=0.3)"
        " {'input_tokens': 7, 'output_tokens': 8}",
        "WRITE A HAIKU ABOUT THE SEA. (temperature=0.3) {'input_tokens': 6, 'output_tokens': 7}",
        "['README.md', 'distiset.json', 'pipeline.log', 'pipeline.yaml', 'text_generation']",
    ]
    assert run_example("pipeline_text_generation.py", cache_dir) == expected
    assert run_example("pipeline_text_generation.py", cache_dir) == expected  # from cache


def test_steps_example(cache_dir: Path) -> None:
    assert run_example("pipeline_steps.py", cache_dir) == [
        "[{'text': 'The cat sat', 'length': 11}, {'text': 'the Dog sat down', 'length': 16}]",
        "[{'word': 'cat', 'count': 1}, {'word': 'dog', 'count': 1}, {'word': 'down', 'count':"
        " 1}, {'word': 'sat', 'count': 2}, {'word': 'the', 'count': 2}]",
    ]


def test_the_cli_entry_point_runs_the_files_example(cache_dir: Path, tmp_path: Path) -> None:
    result = subprocess.run(
        [sys.executable, "-m", "distilabel", "pipeline", "run", "--config",
         "examples/pipeline_files.yaml", "--output", str(tmp_path / "out")],
        capture_output=True, text=True, timeout=120, check=False, cwd=EXAMPLES.parent,
        env={**os.environ, "DISTILABEL_CACHE_DIR": str(cache_dir)},
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.splitlines() == ["keep: 5 rows", f"saved to {tmp_path / 'out'}"]
    assert "keep" in result.stderr and "5/5 rows" in result.stderr  # the progress display


def test_routing_example(cache_dir: Path) -> None:
    expected = ["12 rows, each with [2] answers", "each batch went to one pair of models: True"]
    assert run_example("pipeline_routing.py", cache_dir) == expected
    assert run_example("pipeline_routing.py", cache_dir) == expected  # from cache


def test_load_groups_example(cache_dir: Path) -> None:
    assert run_example("pipeline_load_groups.py", cache_dir) == [
        "loaded big-7b", "unloaded big-7b", "loaded big-70b", "unloaded big-70b",
        "Name a colour. (7b) (70b)",
    ]
