"""The crash bar: a run killed with SIGKILL (or stopped with Ctrl-C) mid-run resumes
without losing a row, without duplicating one, and without asking the server again for
any answer it already gave."""

from __future__ import annotations

import glob
import json
import signal
import subprocess
import textwrap
from pathlib import Path

import pytest
from http_counting_server import CountingServer
from kill_rerun import HTTP_LLM_SOURCE, rerun, start_until_held, stored_progress

ROWS = 2000
HOLD_AFTER = 700  # answers before the server holds every request

SCRIPT = textwrap.dedent(
    '''
    __HTTP_LLM__
    from distilabel.pipeline import Pipeline
    from distilabel.steps import LoadDataFromDicts
    from distilabel.steps.tasks import TextGeneration


    with Pipeline(name="kill-resume") as pipeline:
        load = LoadDataFromDicts(
            name="load", data=[{"instruction": f"prompt {i}"} for i in range(__ROWS__)]
        )
        generate = TextGeneration(
            name="generate", llm=HttpLLM(url=sys.argv[1], max_concurrency=32)
        )
        load >> generate

    if __name__ == "__main__":
        distiset = pipeline.run(show_progress=False)
        rows = distiset["generate"].to_list()
        print(json.dumps({
            "complete": distiset.complete,
            "rows": len(rows),
            "distinct": len({r["instruction"] for r in rows}),
            "ok": sum(r["generation"] == r["instruction"].upper() for r in rows),
        }))
    '''
).replace("__ROWS__", str(ROWS)).replace("__HTTP_LLM__\n", HTTP_LLM_SOURCE)


@pytest.fixture
def script(tmp_path: Path) -> Path:
    path = tmp_path / "kill_resume_pipeline.py"
    path.write_text(SCRIPT)
    return path


def durable_rows(cache_dir: Path) -> int:
    """Rows of 'generate' that are committed or journaled on disk."""
    found = glob.glob(str(cache_dir / "pipelines" / "kill-resume" / "*" / "steps" / "generate"))
    if not found:
        return 0
    committed, keys = stored_progress(Path(found[0]))
    return committed + len({i for i in (int(k.split(":")[1]) for k in keys) if i >= committed})


def run_until_held(script: Path, server: CountingServer, cache_dir: Path) -> subprocess.Popen[str]:
    return start_until_held(script, server, lambda: durable_rows(cache_dir), HOLD_AFTER)


def finish_and_check(script: Path, server: CountingServer) -> None:
    summary = rerun(script, server)
    assert summary == {"complete": True, "rows": ROWS, "distinct": ROWS, "ok": ROWS}
    assert server.answered_total == ROWS
    assert len(server.answered) == ROWS and set(server.answered.values()) == {1}
    assert server.received > ROWS  # the held requests were sent, dropped, and sent again


@pytest.mark.slow
def test_sigkill_mid_run_then_rerun_asks_each_prompt_exactly_once(
    script: Path, server: CountingServer, cache_dir: Path
) -> None:
    process = run_until_held(script, server, cache_dir)
    process.kill()  # SIGKILL: no cleanup at all
    process.communicate(timeout=30)
    assert process.returncode == -signal.SIGKILL
    assert HOLD_AFTER <= durable_rows(cache_dir) < ROWS
    server.release(ban=str(process.pid))
    finish_and_check(script, server)


@pytest.mark.slow
def test_ctrl_c_stops_cleanly_keeping_finished_work(
    script: Path, server: CountingServer, cache_dir: Path
) -> None:
    process = run_until_held(script, server, cache_dir)
    process.send_signal(signal.SIGINT)
    out, err = process.communicate(timeout=60)  # exits without waiting for held requests
    server.release(ban=str(process.pid))
    assert process.returncode == 0, err
    summary = json.loads(out.strip().splitlines()[-1])
    assert summary["complete"] is False and 0 < summary["rows"] < ROWS  # committed batches
    assert summary["ok"] == summary["rows"] == summary["distinct"]
    finish_and_check(script, server)
