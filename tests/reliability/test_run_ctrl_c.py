"""Ctrl-C (real signals to a real process): with a synchronous LLM stuck in
``generate()``, the first SIGINT stops the run within a few seconds, keeps what was
committed and leaves the run resumable; a second SIGINT ends the process at once."""

from __future__ import annotations

import os
import signal
import subprocess
import time
from pathlib import Path

from run_faults import PYTHON, cache_dir  # noqa: F401  (the autouse fixture)

SCRIPT = Path(__file__).with_name("stuck_llm_pipeline.py")


def start_stuck(tmp_path: Path) -> tuple[subprocess.Popen[str], Path]:
    mark = tmp_path / "stuck"
    proc = subprocess.Popen(
        [PYTHON, str(SCRIPT), str(mark)], stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
        text=True, env=os.environ.copy(),
    )
    deadline = time.monotonic() + 60
    while not mark.exists():
        assert proc.poll() is None, proc.communicate()[0]
        assert time.monotonic() < deadline, "the LLM never got stuck"
        time.sleep(0.05)
    time.sleep(0.3)  # the first batch is committed before the second is asked for
    return proc, mark


def test_the_first_ctrl_c_stops_a_stuck_sync_llm_and_keeps_committed_work(
    tmp_path: Path,
) -> None:
    proc, mark = start_stuck(tmp_path)
    sent = time.monotonic()
    proc.send_signal(signal.SIGINT)
    try:
        out, _ = proc.communicate(timeout=20)
    except subprocess.TimeoutExpired:
        proc.kill()
        raise AssertionError("one Ctrl-C did not stop a run stuck in generate()") from None
    took = time.monotonic() - sent
    assert proc.returncode == 0, out
    assert took < 15, f"stopping took {took:.1f} s"
    assert "Ctrl-C: stopping the run" in out and "Press Ctrl-C again to quit at once" in out
    assert "RETURNED complete=False rows=10" in out, out
    assert "Step 'gen' stopped with a call still running in its thread" in out
    # resumable: the rerun sends only the 20 rows not committed
    again = subprocess.run([PYTHON, str(SCRIPT), str(mark), "--unstuck"], capture_output=True,
                           text=True, timeout=120)
    assert again.returncode == 0, again.stdout + again.stderr
    assert "SENT 20" in again.stdout and "RETURNED complete=True rows=30" in again.stdout


def test_a_second_ctrl_c_ends_the_process_at_once(tmp_path: Path) -> None:
    proc, mark = start_stuck(tmp_path)
    proc.send_signal(signal.SIGINT)
    time.sleep(0.5)
    sent = time.monotonic()
    proc.send_signal(signal.SIGINT)
    try:
        out, _ = proc.communicate(timeout=10)
    except subprocess.TimeoutExpired:
        proc.kill()
        raise AssertionError("a second Ctrl-C did not end the process") from None
    assert time.monotonic() - sent < 2.5
    assert proc.returncode == -signal.SIGINT, out
    assert "Second Ctrl-C: quitting at once" in out
    assert "RETURNED" not in out
    again = subprocess.run([PYTHON, str(SCRIPT), str(mark), "--unstuck"], capture_output=True,
                           text=True, timeout=120)
    assert "SENT 20" in again.stdout and "RETURNED complete=True rows=30" in again.stdout
