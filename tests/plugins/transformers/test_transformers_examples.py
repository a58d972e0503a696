"""The transformers examples run and print what their docs promise."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

EXAMPLES = Path(__file__).resolve().parents[3] / "examples"

pytestmark = pytest.mark.slow


def run(script: str, *args: str) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "HF_HUB_OFFLINE": "1"}
    result = subprocess.run(
        [sys.executable, str(EXAMPLES / script), *args],
        capture_output=True, text=True, timeout=300, env=env, check=False,
    )
    assert result.returncode == 0, result.stderr[-3000:]
    return result


def test_transformers_llm_example() -> None:
    lines = run("transformers_llm.py").stdout.splitlines()
    assert lines[0].startswith("Name a fruit. -> ")
    assert lines[1].startswith("  tokens: {'input_tokens': [")
    assert lines[2].startswith("Write one sentence about the moon. -> ")
    assert lines[4].startswith("sampled: [")


def test_embeddings_example_saves_rows_and_prints_similarities(tmp_path: Path) -> None:
    out = tmp_path / "embeddings"
    lines = run(
        "embeddings_transformers.py", "--output", str(out), "--cache-dir", str(tmp_path / "c")
    ).stdout.splitlines()
    assert lines[0] == f"3 embeddings of size 576 saved to {out}"
    table = [[float(x) for x in line[41:].split()] for line in lines[1:4]]
    assert [round(table[i][i], 4) for i in range(3)] == [1.0, 1.0, 1.0]
    assert table[0][1] > table[0][2]  # cat ~ kitten, not stock markets
    rows = [json.loads(line) for line in (out / "embed" / "train.jsonl").open()]
    assert len(rows) == 3 and all(len(r["embedding"]) == 576 for r in rows)
