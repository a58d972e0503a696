"""The progress displays: the live board fits the width, piped runs get timestamped
lines, a terminal (tmux) shows one board with log records above it, and a notebook
executed by nbconvert gets the board as an output."""

from __future__ import annotations

import io
import json
import os
import re
import shutil
import subprocess
import sys
import time
from pathlib import Path

import pytest
from rich.console import Console

from distilabel.pipeline._display import make_display
from distilabel.pipeline._progress import LineDisplay, StepProgress
from distilabel.pipeline._progress_live import Board, LiveDisplay

ROOT = Path(__file__).resolve().parents[3]
EXAMPLE = ROOT / "examples" / "pipeline_progress.py"
STAMP = r"\d{4}-\d\d-\d\d \d\d:\d\d:\d\d"


def running_steps() -> list[StepProgress]:
    load = StepProgress("load_instructions", total=300)
    load.start()
    load.advance(300)
    load.finish()
    answer = StepProgress("answer_with_a_slow_model", total=300)
    answer.start()
    answer.started = time.monotonic() - 10
    answer.advance(120, errors=3, tokens=4800)
    keep = StepProgress("keep", total=300)
    return [load, answer, keep]


def render(width: int) -> list[str]:
    display = LineDisplay(running_steps(), title="pipeline 'demo'", stream=io.StringIO())
    console = Console(file=io.StringIO(), width=width, color_system=None, force_terminal=True)
    console.print(Board(display))
    return console.file.getvalue().splitlines()  # type: ignore[attr-defined]


@pytest.mark.parametrize("width", [40, 60, 80, 120, 200])
def test_the_board_never_exceeds_the_width(width: int) -> None:
    lines = render(width)
    assert len(lines) == 4, lines  # the header and one row per step, nothing wrapped
    assert all(len(line) <= width for line in lines), [len(line) for line in lines]
    assert lines[0].startswith("pipeline 'demo'  elapsed 0:00:")
    assert "120/300" in lines[2] and "running" in lines[2]


def test_a_wide_board_shows_bars_rates_tokens_elapsed_and_eta() -> None:
    row = render(200)[2]
    assert "answer_with_a_slow_model" in row and "━" in row
    for shown in ("120/300", " 40%", "rows/s", "tok/s", "0:00:10", "ETA 0:00:1", "3 failed"):
        assert shown in row, (shown, row)


def test_a_narrow_board_keeps_the_bar_and_failures_and_drops_the_rest() -> None:
    row = render(60)[2]
    assert "━" in row and "120/300" in row and "3 failed" in row
    assert "tok/s" not in row and "0:00:10" not in row


def test_piped_lines_are_timestamped_and_repeat_only_what_changes() -> None:
    steps = running_steps()
    stream = io.StringIO()
    display = LineDisplay(steps, title="pipeline 'demo'", stream=stream)
    display.draw()
    display.draw()
    first, second = stream.getvalue().split("running: elapsed")[:2]
    assert re.match(rf"{STAMP} load_instructions +done +300/300 rows 100\.0%", first)
    assert "load_instructions" not in second  # unchanged since the last line
    assert "answer_with_a_slow_model running  120/300 rows  40.0%" in second
    display.draw(final=True)
    last = stream.getvalue().splitlines()[-4:]
    assert "load_instructions" in last[0] and "keep" in last[2]
    assert re.match(rf"{STAMP} pipeline 'demo' finished: elapsed 0:00:00$", last[3])


def test_the_display_follows_where_stderr_goes(monkeypatch: pytest.MonkeyPatch) -> None:
    steps = running_steps()
    monkeypatch.delenv("DISTILABEL_PROGRESS", raising=False)
    assert isinstance(make_display(steps, stream=io.StringIO()), LineDisplay)
    monkeypatch.setenv("DISTILABEL_PROGRESS", "off")
    assert make_display(steps) is None
    monkeypatch.setenv("DISTILABEL_PROGRESS", "live")
    assert isinstance(make_display(steps, stream=io.StringIO()), LiveDisplay)


def run_example(*args: str, **env: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, str(EXAMPLE), *args], capture_output=True, text=True, timeout=120,
        check=False, env={**os.environ, **env},
    )


def test_a_piped_run_writes_progress_lines_and_log_records_to_stderr() -> None:
    result = run_example("--rows", "60", "--delay", "0.1", DISTILABEL_PROGRESS_INTERVAL="0.2")
    assert result.returncode == 0, result.stderr
    assert result.stdout.splitlines() == ["60 rows, 2 failed", "run log: 2 warnings"]
    err = result.stderr
    running = re.findall(rf"^{STAMP} answer_with_a_slow_model running .*rows/s.*", err, re.M)
    assert len(running) >= 2, err  # lines at the interval while the step runs
    assert re.search(r"tokens/s .*ETA \d:\d\d:\d\d", err), err
    assert re.search(rf"^{STAMP} answer_with_a_slow_model done +60/60 rows 100\.0%.*2 failed",
                     err, re.M), err
    assert re.search(rf"^{STAMP} WARNING distilabel\.steps\.tasks: Step 'answer_with_a_slow_"
                     r"model': a row failed \(RuntimeError", err, re.M), err
    assert "\x1b[" not in err  # no terminal control codes in a file


def tmux_run(width: int) -> str:
    session = f"distilabel-progress-{os.getpid()}-{width}"
    command = (f"{sys.executable} {EXAMPLE} --rows 120 --delay 0.15; echo EXIT=$?; "
               "sleep 30")
    subprocess.run(["tmux", "new-session", "-d", "-s", session, "-x", str(width), "-y", "15",
                    command], check=True, env={**os.environ, "TERM": "xterm-256color"})
    try:
        deadline = time.monotonic() + 60
        screen = ""
        while time.monotonic() < deadline:
            time.sleep(0.5)
            screen = subprocess.run(
                ["tmux", "capture-pane", "-p", "-J", "-S", "-", "-t", session],
                capture_output=True, text=True, check=True,
            ).stdout
            if "EXIT=" in screen:
                return screen
        raise AssertionError(f"the run did not finish in tmux:\n{screen}")
    finally:
        subprocess.run(["tmux", "kill-session", "-t", session], check=False)


@pytest.mark.slow
@pytest.mark.skipif(shutil.which("tmux") is None, reason="needs tmux")
@pytest.mark.parametrize("width", [60, 200])
def test_a_terminal_shows_one_board_with_log_records_above_it(width: int) -> None:
    screen = tmux_run(width)
    assert "EXIT=0" in screen, screen
    lines = screen.splitlines()
    headers = [i for i, line in enumerate(lines) if line.startswith("pipeline 'progress-demo'")]
    assert len(headers) == 1, screen  # redrawn in place: no stale copies
    board = lines[headers[0]:headers[0] + 4]
    assert all(len(line) <= width for line in board), board
    assert all(" done " in line for line in board[1:]), board
    assert "━" in board[2] and "120/120" in board[2] and "failed" in board[2]
    warnings = [i for i, line in enumerate(lines) if "WARNING distilabel.steps.tasks" in line]
    assert warnings and max(warnings) < headers[0], screen  # printed above the board
    assert lines.index("120 rows, 4 failed") > headers[0]


@pytest.mark.slow
def test_a_notebook_run_by_nbconvert_shows_the_board(tmp_path: Path) -> None:
    pytest.importorskip("nbconvert")
    pytest.importorskip("ipykernel")
    cells = [
        f"import sys; sys.path.insert(0, {str(EXAMPLE.parent)!r})",
        "from pipeline_progress import build\n"
        f"distiset = build(40, 0.05, {str(tmp_path / 'cache')!r}).run()\n"
        "print(len(distiset['keep']), 'rows')",
    ]
    notebook = {
        "nbformat": 4, "nbformat_minor": 5, "metadata": {
            "kernelspec": {"name": "python3", "display_name": "Python 3", "language": "python"}
        },
        "cells": [{"cell_type": "code", "metadata": {}, "source": c, "outputs": [],
                   "execution_count": None, "id": f"c{i}"} for i, c in enumerate(cells)],
    }
    path = tmp_path / "progress.ipynb"
    path.write_text(json.dumps(notebook))
    subprocess.run(
        [sys.executable, "-m", "jupyter", "nbconvert", "--to", "notebook", "--execute",
         "--inplace", str(path)],
        check=True, capture_output=True, timeout=180,
    )
    outputs = json.loads(path.read_text())["cells"][1]["outputs"]
    boards = [o for o in outputs if o["output_type"] == "display_data"]
    assert len(boards) == 1, outputs  # one output, updated in place
    text = "".join(boards[0]["data"]["text/plain"])
    html = "".join(boards[0]["data"]["text/html"])
    assert "pipeline 'progress-demo'" in text and "40/40" in text and " done " in text
    assert "<pre" in html and "answer_with_a_slow_model" in html
    printed = "".join("".join(o.get("text", "")) for o in outputs if o["output_type"] == "stream")
    assert "40 rows" in printed
