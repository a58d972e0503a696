"""The run-level failure contract holds on the Ray engine too (two replicas per step):
failed rows are retried without re-sending successes, and fatal errors stop the step."""

from __future__ import annotations

import json
import os
import subprocess
from pathlib import Path
from typing import Any

import pytest
from run_faults import PYTHON

pytest.importorskip("ray", reason="the Ray engine needs `pip install ray`")
pytestmark = pytest.mark.slow

HERE = Path(__file__).resolve().parent
FLAKY = ["q3", "q17", "q18"]


def scenario(name: str, tmp_path: Path) -> dict[str, Any]:
    env = {**os.environ, "RAY_USAGE_STATS_ENABLED": "0",
           "PYTHONPATH": os.pathsep.join(filter(None, [str(HERE), os.environ.get("PYTHONPATH")]))}
    done = subprocess.run(
        [PYTHON, str(HERE / "run_faults_ray.py"), name, str(tmp_path)],
        capture_output=True, text=True, timeout=300, env=env,
    )
    assert done.returncode == 0, done.stdout + done.stderr
    return json.loads(done.stdout.strip().splitlines()[-1])  # type: ignore[no-any-return]


def test_ray_retries_failed_rows_without_resending_successes(tmp_path: Path) -> None:
    results = scenario("retry", tmp_path)
    for kind in ("async", "sync"):
        result = results[kind]
        assert result["failed_first"] == FLAKY, kind
        assert result["sent_again"] == sorted(FLAKY), kind
        assert result["rows"] == [f"answer to q{i}" for i in range(40)], kind
        assert result["retried"] == 3, kind


def test_ray_stops_a_step_on_fatal_errors(tmp_path: Path) -> None:
    results = scenario("fatal", tmp_path)
    for kind in ("async", "sync"):
        result = results[kind]
        assert result["error"] is not None, kind
        assert "stopped after 3 requests in a row failed" in result["error"], kind
        assert "FileLLM at http://x/v1 (HTTP 401)" in result["error"], kind
        # Two replicas, each sending at most its window before it stops, not 40 rows.
        assert result["sent"] < 40, (kind, result["sent"])
