"""The multi-call crash bar: a three-call-per-row task killed with SIGKILL mid-run and
rerun makes no call twice that had finished (each call is journaled as it is answered)."""

from __future__ import annotations

import glob
import textwrap
from pathlib import Path

import pytest
from http_counting_server import CountingServer
from kill_rerun import HTTP_LLM_SOURCE, kill_then_rerun, stored_progress

ROWS = 300
HOLD_AFTER = 400  # calls: some rows done, many with one or two calls done

SCRIPT = textwrap.dedent(
    '''
    __HTTP_LLM__
    from distilabel.pipeline import Pipeline
    from distilabel.steps import LoadDataFromDicts
    from distilabel.steps.tasks import MultiCallTask


    class Refine(MultiCallTask):
        @property
        def inputs(self):
            return ["instruction"]

        @property
        def outputs(self):
            return ["answer"]

        async def generate_row(self, row, llm):
            draft = await llm.text([{"role": "user", "content": row["instruction"]}])
            critique = await llm.text([{"role": "user", "content": "critique " + draft}])
            answer = await llm.text([{"role": "user", "content": "refine " + critique}])
            return {"answer": answer}


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


def durable_calls(cache_dir: Path) -> int:
    """Calls of 'refine' whose answers are on disk: 3 per committed or journaled row,
    plus each journaled call of a row not finished."""
    found = glob.glob(str(cache_dir / "pipelines" / "multi-call-resume" / "*" / "steps" / "refine"))
    if not found:
        return 0
    committed, keys = stored_progress(Path(found[0]))
    rows: set[int] = set()
    calls: set[tuple[int, int]] = set()
    for key in keys:
        if key.startswith("@"):
            index, _, row_key = key[1:].partition("|")
            calls.add((int(row_key.split(":")[1]), int(index)))
        else:
            rows.add(int(key.split(":")[1]))
    rows = {r for r in rows if r >= committed}
    partial = {c for c in calls if c[0] >= committed and c[0] not in rows}
    return 3 * (committed + len(rows)) + len(partial)


@pytest.mark.slow
def test_sigkill_mid_run_then_rerun_repeats_no_finished_call(
    tmp_path: Path, server: CountingServer, cache_dir: Path
) -> None:
    script = tmp_path / "multi_call_resume.py"
    script.write_text(SCRIPT)
    summary = kill_then_rerun(script, server, lambda: durable_calls(cache_dir), HOLD_AFTER)
    assert summary == {"complete": True, "rows": ROWS, "ok": ROWS}
    assert server.answered_total == 3 * ROWS  # every call answered once in all
    assert set(server.answered.values()) == {1}
