"""The multi-call crash bar for generator tasks: a three-call-per-row generator task
(no input rows) killed with SIGKILL mid-run and rerun makes no call twice that had
finished (each seed row's calls are journaled under ``seed:<index>``)."""

from __future__ import annotations

import textwrap
from collections.abc import Iterator
from pathlib import Path

import pytest
from http_counting_server import CountingServer
from kill_rerun import HTTP_LLM_SOURCE, durable_calls, kill_then_rerun

ROWS = 240
HOLD_AFTER = 320  # calls: some rows committed, some with one or two calls done

SCRIPT = textwrap.dedent(
    '''
    __HTTP_LLM__
    from distilabel.pipeline import Pipeline
    from distilabel.steps.tasks import GeneratorTask, MultiCallTask


    class DraftCritiqueRefine(GeneratorTask, MultiCallTask):
        def seed_row(self, index):
            return {"topic": f"topic {index}"}

        @property
        def outputs(self):
            return ["answer"]

        async def generate_row(self, row, llm):
            draft = await llm.text([{"role": "user", "content": row["topic"]}])
            critique = await llm.text([{"role": "user", "content": "critique " + draft}])
            answer = await llm.text([{"role": "user", "content": "refine " + critique}])
            return {"answer": answer}


    with Pipeline(name="multi-call-generator-resume") as pipeline:
        DraftCritiqueRefine(
            name="generate", num_rows=__ROWS__, batch_size=40,
            llm=HttpLLM(url=sys.argv[1], max_concurrency=16),
        )

    if __name__ == "__main__":
        distiset = pipeline.run(show_progress=False)
        rows = distiset["generate"].to_list()
        print(json.dumps({
            "complete": distiset.complete,
            "rows": len(rows),
            "ok": sum(r["answer"] == "REFINE CRITIQUE " + r["topic"].upper() for r in rows),
        }))
    '''
).replace("__ROWS__", str(ROWS)).replace("__HTTP_LLM__\n", HTTP_LLM_SOURCE)


@pytest.fixture
def server() -> Iterator[CountingServer]:
    srv = CountingServer(hold_after=HOLD_AFTER).start()
    yield srv
    srv.stop()


@pytest.mark.slow
def test_sigkill_mid_run_then_rerun_repeats_no_finished_call_of_a_generator_task(
    tmp_path: Path, server: CountingServer, cache_dir: Path
) -> None:
    script = tmp_path / "multi_call_generator_resume.py"
    script.write_text(SCRIPT)
    summary = kill_then_rerun(script, server, lambda: durable_calls(
        cache_dir, "multi-call-generator-resume", "generate", "offset"
    ), HOLD_AFTER)
    assert summary == {"complete": True, "rows": ROWS, "ok": ROWS}
    assert server.answered_total == 3 * ROWS  # every call answered once in all
    assert set(server.answered.values()) == {1}
