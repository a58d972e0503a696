"""The routing crash bar: a pipeline ``load >> sample_n_steps(2) >> [a, b, c] >> combine``
killed with SIGKILL mid-run and rerun sends each batch the way it went before the kill:
every prompt is answered by exactly two generators, and no answer is asked twice."""

from __future__ import annotations

import collections
import glob
import textwrap
from pathlib import Path

import pytest
from http_counting_server import CountingServer
from kill_rerun import HTTP_LLM_SOURCE, kill_then_rerun, stored_progress

ROWS = 600
HOLD_AFTER = 500  # answers: some batches done by all their steps, some by one, some by none

SCRIPT = textwrap.dedent(
    '''
    __HTTP_LLM__
    from distilabel.pipeline import Pipeline, sample_n_steps
    from distilabel.steps import GroupColumns, LoadDataFromDicts
    from distilabel.steps.tasks import TextGeneration


    with Pipeline(name="routing-resume") as pipeline:
        load = LoadDataFromDicts(
            name="load", data=[{"instruction": f"prompt {i}"} for i in range(__ROWS__)],
            batch_size=20,
        )
        gens = [
            TextGeneration(
                name=f"gen_{tag}", input_batch_size=10,
                llm=HttpLLM(url=sys.argv[1], tag=tag, max_concurrency=8),
            )
            for tag in "abc"
        ]
        combine = GroupColumns(name="combine", columns=["generation", "model_name"])
        load >> sample_n_steps(2) >> gens >> combine

    if __name__ == "__main__":
        distiset = pipeline.run(show_progress=False)
        rows = distiset["combine"].to_list()
        print(json.dumps({
            "complete": distiset.complete,
            "rows": len(rows),
            "pairs": sum(len(set(r["grouped_model_name"])) == 2 for r in rows),
            "ok": sum(
                all(g == (m + "|" + r["instruction"]).upper()
                    for g, m in zip(r["grouped_generation"], r["grouped_model_name"]))
                for r in rows
            ),
        }))
    '''
).replace("__ROWS__", str(ROWS)).replace("__HTTP_LLM__\n", HTTP_LLM_SOURCE)


def durable_answers(cache_dir: Path) -> int:
    """Answers of the three generators that are committed or journaled on disk."""
    total = 0
    pattern = str(cache_dir / "pipelines" / "routing-resume" / "*" / "steps" / "gen_*")
    for found in glob.glob(pattern):
        committed, keys = stored_progress(Path(found))
        journaled = {int(key.split(":")[1]) for key in keys}
        total += committed + len({i for i in journaled if i >= committed})
    return total


@pytest.mark.slow
def test_sigkill_mid_run_then_rerun_routes_each_batch_as_before(
    tmp_path: Path, server: CountingServer, cache_dir: Path
) -> None:
    script = tmp_path / "routing_resume.py"
    script.write_text(SCRIPT)
    summary = kill_then_rerun(script, server, lambda: durable_answers(cache_dir), HOLD_AFTER)
    assert summary == {"complete": True, "rows": ROWS, "pairs": ROWS, "ok": ROWS}
    assert set(server.answered.values()) == {1}  # no answer asked twice
    tags_per_prompt = collections.Counter(p.partition("|")[2] for p in server.answered)
    assert len(tags_per_prompt) == ROWS and set(tags_per_prompt.values()) == {2}
    assert server.answered_total == 2 * ROWS
