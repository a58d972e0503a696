"""The llama.cpp example runs and prints what its docs promise."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

pytest.importorskip("llama_cpp")

EXAMPLES = Path(__file__).resolve().parents[3] / "examples"

pytestmark = pytest.mark.slow


def test_llamacpp_llm_example() -> None:
    result = subprocess.run(
        [sys.executable, str(EXAMPLES / "llamacpp_llm.py")],
        capture_output=True, text=True, timeout=120, check=False,
        env={**os.environ, "HF_HUB_OFFLINE": "1"},
    )
    assert result.returncode == 0, result.stderr[-3000:]
    lines = result.stdout.splitlines()
    assert lines[0].startswith("answer: ")
    assert lines[1].startswith("tokens: {'input_tokens': [")
    assert lines[2].startswith("json: {'city': ") and "'confidence': '" in lines[2]
    assert lines[3].startswith("hidden state shape: (") and lines[3].endswith(", 576)")
    assert "Traceback" not in result.stderr
