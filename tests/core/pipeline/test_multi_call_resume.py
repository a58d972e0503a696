"""The multi-call crash bar: a three-call-per-row task killed with SIGKILL mid-run and
rerun makes no call twice that had finished (each call is journaled as it is answered)."""

from __future__ import annotations

import textwrap
from pathlib import Path

import pytest
from http_counting_server import CountingServer
from kill_rerun import HTTP_LLM_SOURCE, REFINE_SOURCE, durable_calls, kill_then_rerun

ROWS = 300
HOLD_AFTER = 400  # calls: some rows done, many with one or two calls done

SCRIPT = textwrap.dedent(
    '''
    __HTTP_LLM__
    from distilabel.pipeline import Pipeline
    from distilabel.steps import LoadDataFromDicts
    __REFINE__

    with Pipeline(name="multi-call-resume") as pipeline:
        load = LoadDataFromDicts(
            name="load", data=[{"instruction": f"prompt {i}"} for i in range(__ROWS__)]
        )
        refine = Refine(name="refine", llm=HttpLLM(url=sys.argv[1], max_concurrency=16))
        load >> refine

    if __name__ == "__main__":
        distiset = pipeline.run(show_progress=False)
        rows = distiset["refine"].to_list()
        print(json.dumps({
            "complete": distiset.complete,
            "rows": len(rows),
            "ok": sum(
                r["answer"] == "REFINE CRITIQUE " + r["instruction"].upper() for r in rows
            ),
        }))
    '''
).replace("__ROWS__", str(ROWS)).replace("__HTTP_LLM__\n", HTTP_LLM_SOURCE)
SCRIPT = SCRIPT.replace("__REFINE__\n", REFINE_SOURCE)


@pytest.mark.slow
def test_sigkill_mid_run_then_rerun_repeats_no_finished_call(
    tmp_path: Path, server: CountingServer, cache_dir: Path
) -> None:
    script = tmp_path / "multi_call_resume.py"
    script.write_text(SCRIPT)
    summary = kill_then_rerun(script, server, lambda: durable_calls(
        cache_dir, "multi-call-resume", "refine", "load"), HOLD_AFTER)
    assert summary == {"complete": True, "rows": ROWS, "ok": ROWS}
    assert server.answered_total == 3 * ROWS  # every call answered once in all
    assert set(server.answered.values()) == {1}
