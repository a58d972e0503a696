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
