"""A whole pipeline on a real model: the embedded SmolLM2 through the llama.cpp plugin,
driven from its YAML file by the CLI, offline."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

from _embedded import needs_embedded_model

from distilabel.distiset import Distiset

ROOT = Path(__file__).resolve().parents[2]


pytestmark = needs_embedded_model


def test_llamacpp_yaml_example_runs_from_the_cli_and_resumes(tmp_path: Path) -> None:
    env = {**os.environ, "DISTILABEL_CACHE_DIR": str(tmp_path / "cache"),
           "HF_HUB_OFFLINE": "1"}
    command = [sys.executable, "-m", "distilabel", "pipeline", "run", "--config",
               "examples/pipeline_llamacpp.yaml", "--no-progress",
               "--param", "generate.llm.generation_kwargs.max_new_tokens=12",
               "--output", str(tmp_path / "out")]
    first = subprocess.run(command, capture_output=True, text=True, timeout=300, check=False,
                           cwd=ROOT, env=env)
    assert first.returncode == 0, first.stderr
    assert first.stdout.splitlines()[0] == "keep: 3 rows"
    rows = Distiset.load_from_disk(tmp_path / "out")["keep"].to_list()
    assert [r["id"] for r in rows] == [1, 2, 3]
    assert all(isinstance(r["generation"], str) and r["generation"].strip() for r in rows)
    assert {r["model_name"] for r in rows} == {"smollm2-135m-instruct"}
    # Greedy decoding and a cached run: the second run reads the same rows from disk.
    second = subprocess.run(command, capture_output=True, text=True, timeout=300, check=False,
                            cwd=ROOT, env=env)
    assert second.returncode == 0, second.stderr
    assert Distiset.load_from_disk(tmp_path / "out")["keep"].to_list() == rows
