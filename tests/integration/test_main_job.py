"""The README's main job runs offline on the embedded model and saves a Distiset."""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

pytest.importorskip("llama_cpp", reason="the main job runs on distilabel-llamacpp")

ROOT = Path(__file__).resolve().parents[2]

pytestmark = pytest.mark.slow


def test_main_job_generates_rates_and_saves_rows(tmp_path: Path) -> None:
    """What ``bash scripts/main.sh 2> err.log`` does, stderr going to a real file."""
    output = tmp_path / "out"
    env = {**os.environ, "HF_HUB_OFFLINE": "1", "OPENAI_API_KEY": ""}
    err_log = tmp_path / "err.log"
    with err_log.open("w") as stderr:
        result = subprocess.run(
            [
                sys.executable, str(ROOT / "examples" / "main_job.py"),
                "--rows", "3", "--max-new-tokens", "24", "--show", "2",
                "--output", str(output), "--cache-dir", str(tmp_path / "cache"),
            ],
            stdout=subprocess.PIPE, stderr=stderr, text=True, timeout=300, env=env,
            check=False,
        )
    err = err_log.read_text()
    assert result.returncode == 0, err[-3000:]
    assert "Generated 3 rows" in result.stdout
    assert result.stdout.count("- instruction:") == 2
    # timestamped progress lines, one per step at least, with no terminal control codes
    for step in ("answer", "rate"):
        line = rf"^\d{{4}}-\d\d-\d\d \d\d:\d\d:\d\d {step} +(running|done) "
        assert re.search(line, err, re.M), err
    assert "\x1b[" not in err

    manifest = json.loads((output / "distiset.json").read_text())
    assert manifest["datasets"]["rate"]["num_rows"] == 3
    rows = [json.loads(line) for line in (output / "rate" / "train.jsonl").open()]
    assert [r["instruction"] for r in rows] == [
        json.loads(line)["instruction"]
        for line in (ROOT / "examples" / "data" / "main_job_instructions.jsonl").open()
    ][:3]
    for row in rows:
        assert row["generation"], row
        assert row["model_name"] == "smollm2-135m-instruct"
        assert row["distilabel_metadata"]["statistics_answer"]["output_tokens"] <= 24
        if row["rating"] is not None:  # a rationale cut by max_new_tokens gives None
            assert row["rating"] in range(1, 6)
    assert any(row["rating"] is not None for row in rows)
    assert (output / "pipeline.yaml").is_file()
