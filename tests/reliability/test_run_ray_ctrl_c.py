"""Ctrl-C on the Ray engine (real signals to a real driver with its own local Ray
cluster, sent to its whole process group as a terminal does): the first stops sending
work, commits the batches the replicas come back with in time and leaves the run
resumable; a second quits at once, leaving no Ray process behind."""

from __future__ import annotations

import os
import signal
import subprocess
import time
from pathlib import Path

import pytest
from run_faults import PYTHON

pytest.importorskip("ray", reason="the Ray engine needs `pip install ray`")
pytestmark = pytest.mark.slow

HERE = Path(__file__).resolve().parent
SCRIPT = HERE / "ray_ctrl_c_pipeline.py"
ENV = {**os.environ, "RAY_USAGE_STATS_ENABLED": "0",
       "PYTHONPATH": os.pathsep.join(filter(None, [str(HERE), os.environ.get("PYTHONPATH")]))}


def start(root: Path, mode: str) -> subprocess.Popen[str]:
    """Start the driver in a session of its own; return once a batch past row 9 started."""
    proc = subprocess.Popen([PYTHON, str(SCRIPT), str(root), mode], stdout=subprocess.PIPE,
                            stderr=subprocess.STDOUT, text=True, env=ENV,
                            start_new_session=True)
    deadline = time.monotonic() + 240
    while not (root / "started").exists():
        if proc.poll() is not None:
            raise AssertionError(proc.communicate()[0])
        if time.monotonic() > deadline:
            os.killpg(proc.pid, signal.SIGKILL)
            raise AssertionError("the run never reached row 10")
        time.sleep(0.05)
    return proc


def ctrl_c(proc: subprocess.Popen[str]) -> None:
    os.killpg(proc.pid, signal.SIGINT)


def finish(proc: subprocess.Popen[str], timeout: float) -> str:
    try:
        return proc.communicate(timeout=timeout)[0]
    except subprocess.TimeoutExpired:
        os.killpg(proc.pid, signal.SIGKILL)
        raise AssertionError(f"still running {timeout:g} s after Ctrl-C") from None


def sent(root: Path) -> list[str]:
    path = root / "sent"
    return path.read_text().splitlines() if path.exists() else []


def resume(root: Path) -> tuple[str, list[str]]:
    """Run again with every row answered: (its output, the prompts it sent)."""
    before = len(sent(root))
    again = subprocess.run([PYTHON, str(SCRIPT), str(root), "unstuck"], capture_output=True,
                           text=True, timeout=300, env=ENV)
    assert again.returncode == 0, again.stdout + again.stderr
    return again.stdout, sent(root)[before:]


def test_the_first_ctrl_c_stops_sending_and_commits_the_batches_in_flight(
    tmp_path: Path,
) -> None:
    proc = start(tmp_path, "slow")
    ctrl_c(proc)
    out = finish(proc, timeout=60)
    assert proc.returncode == 0, out
    assert "Ctrl-C: stopping the run" in out and "Press Ctrl-C again" in out
    assert "no new batches are sent; waiting up to 3 s" in out, out
    assert "Run it again to resume" in out
    first = sent(tmp_path)
    # Scheduling stopped: not every row was asked for; and every batch the replicas were
    # working on came back within the grace time and was committed: nothing asked is lost.
    assert len(first) < 40, first
    assert f"RETURNED complete=False rows={len(first)}" in out, out
    again, resent = resume(tmp_path)
    assert "RETURNED complete=True rows=40" in again
    assert sorted(resent) == sorted(set(f"row {i}" for i in range(40)) - set(first))


def test_a_second_ctrl_c_quits_at_once_and_leaves_no_ray_process(tmp_path: Path) -> None:
    import psutil

    proc = start(tmp_path, "stuck")
    driver = psutil.Process(proc.pid)
    ray_processes = [p for p in driver.children(recursive=True)]
    assert ray_processes, "the driver started no local Ray cluster"
    ctrl_c(proc)
    time.sleep(1.0)  # stopping: waiting for the stuck batches
    sent_at = time.monotonic()
    ctrl_c(proc)
    out = finish(proc, timeout=20)
    assert time.monotonic() - sent_at < 2.5, out
    assert proc.returncode == -signal.SIGINT, out
    assert "Second Ctrl-C: quitting at once" in out and "RETURNED" not in out
    _, alive = psutil.wait_procs(ray_processes, timeout=10)
    assert not alive, [" ".join(p.cmdline()) for p in alive]
    # The 10 rows committed before are kept: the rerun asks only for the other 30.
    again, resent = resume(tmp_path)
    assert "RETURNED complete=True rows=40" in again
    assert sorted(resent) == sorted(f"row {i}" for i in range(10, 40))
