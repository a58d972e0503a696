"""The curation examples run offline on the packaged models and print what they promise."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

EXAMPLES = Path(__file__).resolve().parents[3] / "examples"


def run(script: Path, tmp_path: Path, *args: str) -> list[str]:
    env = {**os.environ, "DISTILABEL_CACHE_DIR": str(tmp_path / "cache"), "HF_HUB_OFFLINE": "1"}
    result = subprocess.run([sys.executable, str(script), *args], capture_output=True,
                            text=True, timeout=900, cwd=tmp_path, env=env, check=False)
    assert result.returncode == 0, result.stderr[-3000:]
    return result.stdout.splitlines()


@pytest.mark.slow
def test_embeddings_dedup_example_removes_the_paraphrases(tmp_path: Path) -> None:
    pytest.importorskip("distilabel_sentence_transformers")
    lines = run(EXAMPLES / "embeddings_dedup.py", tmp_path, "--output", str(tmp_path / "out"))
    assert lines[:4] == [
        "kept:    How do I reverse a list in Python?",
        "kept:    What is the capital of Australia?",
        "kept:    Give me three tips for sleeping better.",
        "kept:    How do I sort a list in Python?",
    ]
    assert [line.split("  (")[0] for line in lines[4:]] == [
        "removed: In Python, how can I reverse a list?",
        "removed: Which city is the capital of Australia?",
    ]
    assert (tmp_path / "out").is_dir()
