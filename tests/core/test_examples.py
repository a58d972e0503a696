"""The core's runnable examples run and print what their docs promise."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

EXAMPLES = Path(__file__).resolve().parents[2] / "examples"


def test_custom_llm_example_runs() -> None:
    result = subprocess.run(
        [sys.executable, str(EXAMPLES / "custom_llm.py")], capture_output=True, text=True,
        timeout=120, check=False,
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.splitlines() == [
        "[['world synthetic hello']]",
        "[['b a', 'b a']]",
        "['QUESTION 0'] {'input_tokens': [2], 'output_tokens': [2]}",
        "['QUESTION 1'] {'input_tokens': [2], 'output_tokens': [2]}",
        "['QUESTION 2'] {'input_tokens': [2], 'output_tokens': [2]}",
    ]


def test_writing_tasks_example_runs(tmp_path: Path) -> None:
    import os

    result = subprocess.run(
        [sys.executable, str(EXAMPLES / "writing_tasks.py")], capture_output=True,
        text=True, timeout=120, check=False,
        env={**os.environ, "DISTILABEL_CACHE_DIR": str(tmp_path)},
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.splitlines() == [
        "TOPIC 0 | A QUESTION ABOUT TOPIC 0 | IMPROVE: CRITIQUE: ANSWER: A QUESTION ABOUT TOPIC 0",
        "{'calls': 3}",
        "BEST: IMPROVE: CRITIQUE: ANSWER: A QUESTION ABOUT TOPIC 0",
    ]


def test_estimate_cost_example_runs() -> None:
    result = subprocess.run(
        [sys.executable, str(EXAMPLES / "estimate_cost.py")], capture_output=True, text=True,
        timeout=120, check=False,
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.splitlines() == [
        "1000 rows, about 21000 input tokens, $0.003150 for input",
        "1000 rows, about 21000 input tokens, $0.001575 for input (batch)",
        "1M in + 1M out: $0.750, batch $0.375",
    ]
