"""Malformed pipeline files, empty datasets and a full disk end in an error that says
what is wrong and where, never a traceback."""

from __future__ import annotations

import shutil
import subprocess
import textwrap
from pathlib import Path

import pytest
from run_faults import (
    PYTHON,
    ScriptedLLM,
    cache_dir,  # noqa: F401  (the autouse fixture)
    generation_pipeline,
)

from distilabel.pipeline import PipelineValidationError

GOOD_STEP = """
  - name: load
    step:
      type_info: {module: distilabel.steps._load_dicts, name: LoadDataFromDicts}
      data: [{instruction: hi}]
"""


def cli_run(tmp_path: Path, config: str) -> subprocess.CompletedProcess[str]:
    path = tmp_path / "pipeline.yaml"
    path.write_text(textwrap.dedent(config))
    return subprocess.run(
        [PYTHON, "-m", "distilabel", "pipeline", "run", "--config", str(path), "--no-progress"],
        capture_output=True, text=True, timeout=120,
    )


def test_steps_given_as_strings_are_a_clear_error(tmp_path: Path) -> None:
    done = cli_run(tmp_path, "pipeline:\n  name: p\n  steps: [load, generate]\n")
    assert done.returncode == 1
    assert "Entry 0 of 'steps' in the pipeline file is a str ('load')" in done.stderr
    assert "Traceback" not in done.stderr


def test_a_connection_without_from_is_a_clear_error(tmp_path: Path) -> None:
    done = cli_run(
        tmp_path, "pipeline:\n  name: p\n  steps:" + GOOD_STEP + "  connections:\n  - to: [load]\n"
    )
    assert done.returncode == 1
    assert "Entry 0 of 'connections' in the pipeline file has no 'from'" in done.stderr
    assert "Traceback" not in done.stderr


def test_an_empty_dataset_is_reported_as_empty_not_as_a_missing_column() -> None:
    pipeline = generation_pipeline([], ScriptedLLM())
    with pytest.raises(PipelineValidationError) as failure:
        pipeline.run(show_progress=False)
    assert "Step 'load' (LoadDataFromDicts) has no rows: its dataset is empty" in str(
        failure.value)
    assert "needs input column" not in str(failure.value)


@pytest.mark.skipif(shutil.which("unshare") is None, reason="needs unshare (util-linux)")
def test_a_full_disk_names_the_path(tmp_path: Path) -> None:
    """The run directory is on a 256 KiB tmpfs (mounted in a user namespace of its own)."""
    mount = tmp_path / "small"
    mount.mkdir()
    script = tmp_path / "fill.py"
    script.write_text(textwrap.dedent(
        f"""
        import sys
        sys.path.insert(0, {str(Path(__file__).parent)!r})
        from run_faults import ANSWERS, ScriptedLLM, generation_pipeline
        from distilabel.errors import DistilabelError
        prompts = [f"q{{i}}" for i in range(100)]
        ANSWERS.update({{p: ["x" * 5000] for p in prompts}})
        pipeline = generation_pipeline(prompts, ScriptedLLM())
        try:
            pipeline.run(show_progress=False)
        except DistilabelError as exc:
            print(exc)
        """
    ))
    probe = subprocess.run(
        ["unshare", "-rm", "true"], capture_output=True, text=True, timeout=30
    )
    if probe.returncode != 0:
        pytest.skip(f"user namespaces are not available here: {probe.stderr.strip()}")
    done = subprocess.run(
        ["unshare", "-rm", "sh", "-c",
         f"mount -t tmpfs -o size=256k tmpfs {mount} && DISTILABEL_CACHE_DIR={mount}"
         f" {PYTHON} {script}"],
        capture_output=True, text=True, timeout=120,
    )
    assert "Traceback" not in done.stderr, done.stderr
    assert "Step 'gen' failed: StorageWriteError: Cannot write" in done.stdout
    assert f"'{mount}/pipelines/faults/" in done.stdout
    assert "/steps/gen/batches.jsonl'" in done.stdout
    assert "the disk is full" in done.stdout
