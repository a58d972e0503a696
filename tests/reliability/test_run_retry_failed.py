"""Failed rows are not finished rows: a rerun retries them (and redoes what was made
from them) without ever asking the LLM again for a row that succeeded; an option keeps
them as they are."""

from __future__ import annotations

from typing import Any

import pytest
from run_faults import (
    FAIL,
    SENT,
    ScriptedAsyncLLM,
    ScriptedLLM,
    cache_dir,  # noqa: F401  (the autouse fixture)
    error_of,
    generation_pipeline,
)

from distilabel.pipeline import Pipeline
from distilabel.steps import LoadDataFromDicts, StepInput, StepOutput, step
from distilabel.steps.tasks import TextGeneration

LLMS = [pytest.param(ScriptedLLM, id="sync"), pytest.param(ScriptedAsyncLLM, id="async")]
PROMPTS = [f"q{i}" for i in range(30)]
FLAKY = ["q3", "q17", "q18"]


def fail_flaky() -> None:
    for prompt in FLAKY:
        FAIL[prompt] = RuntimeError("server hiccup")


@pytest.mark.parametrize("llm_class", LLMS)
def test_a_rerun_retries_the_failed_rows_only(llm_class: Any) -> None:
    fail_flaky()
    first = generation_pipeline(PROMPTS, llm_class()).run(show_progress=False)
    failed = [r["instruction"] for r in first["gen"] if error_of(r)]
    assert failed == FLAKY
    assert first.summary.steps["gen"].failed == 3
    FAIL.clear()  # the server is fixed
    SENT.clear()

    again = generation_pipeline(PROMPTS, llm_class()).run(show_progress=False)

    rows = again["gen"].to_list()
    assert [r["instruction"] for r in rows] == PROMPTS
    assert [r["generation"] for r in rows] == [f"answer to {p}" for p in PROMPTS]
    assert dict(SENT) == dict.fromkeys(FLAKY, 1)  # no row that succeeded is sent again
    gen = again.summary.steps["gen"]
    assert (gen.failed, gen.retried, gen.reused) == (0, 3, 27)


def test_retry_failed_false_keeps_the_failed_rows_as_they_are() -> None:
    fail_flaky()
    first = generation_pipeline(PROMPTS, ScriptedAsyncLLM()).run(show_progress=False)
    FAIL.clear()
    again = generation_pipeline(PROMPTS, ScriptedAsyncLLM()).run(
        show_progress=False, retry_failed=False
    )
    assert again["gen"].to_list() == first["gen"].to_list()
    assert sum(SENT.values()) == 30
    assert again.summary.steps["gen"].retried == 0


def judged_pipeline(llm_class: Any, between: Any = None) -> Pipeline:
    """``load >> gen [>> between()] >> judge``: the judge answers the generation."""
    with Pipeline(name="judged") as pipeline:
        load = LoadDataFromDicts(
            name="load", data=[{"instruction": p} for p in PROMPTS], batch_size=10
        )
        gen = TextGeneration(name="gen", llm=llm_class(), input_batch_size=10)
        judge = TextGeneration(
            name="judge", llm=llm_class(), input_batch_size=7,
            input_mappings={"instruction": "generation"},
            output_mappings={"generation": "verdict"},
        )
        if between is None:
            load >> gen >> judge
        else:
            load >> gen >> between() >> judge
    return pipeline


@pytest.mark.parametrize("llm_class", LLMS)
def test_steps_after_a_retried_step_redo_only_rows_made_from_retried_rows(
    llm_class: Any,
) -> None:
    fail_flaky()
    judged_pipeline(llm_class).run(show_progress=False, max_failed_fraction=1)
    FAIL.clear()
    SENT.clear()
    judged = judged_pipeline(llm_class).run(show_progress=False)["judge"].to_list()
    assert [r["verdict"] for r in judged] == [f"answer to answer to {p}" for p in PROMPTS]
    # Only the retried generations and their judgements were asked for.
    assert dict(SENT) == {**dict.fromkeys(FLAKY, 1), **{f"answer to {p}": 1 for p in FLAKY}}


@step(inputs=["generation"])
def DropFailed(inputs: StepInput) -> StepOutput:
    """Keep only the rows that have a generation (so row positions shift on a rerun)."""
    yield [row for row in inputs if row["generation"] is not None]


def test_answers_are_reused_by_content_when_a_filter_shifts_the_rows() -> None:
    fail_flaky()
    first = judged_pipeline(ScriptedAsyncLLM, lambda: DropFailed(name="drop")).run(
        show_progress=False
    )
    assert len(first["judge"]) == 27
    FAIL.clear()
    SENT.clear()
    judged = judged_pipeline(ScriptedAsyncLLM, lambda: DropFailed(name="drop")).run(
        show_progress=False
    )["judge"].to_list()
    assert [r["instruction"] for r in judged] == PROMPTS
    assert dict(SENT) == {**dict.fromkeys(FLAKY, 1), **{f"answer to {p}": 1 for p in FLAKY}}


def test_duplicate_rows_each_keep_their_own_answer() -> None:
    counter = {"n": 0}

    class Numbered(ScriptedAsyncLLM):
        async def agenerate(self, input: Any, num_generations: int = 1) -> Any:
            SENT[input[-1]["content"]] += 1
            if input[-1]["content"] == "boom" and FAIL:
                raise RuntimeError("boom")
            counter["n"] += 1
            return [f"sample {counter['n']}"]

    prompts = ["same"] * 12 + ["boom"]
    FAIL["boom"] = RuntimeError("boom")
    first = generation_pipeline(prompts, Numbered(max_concurrency=1)).run(show_progress=False)
    samples = [r["generation"] for r in first["gen"]][:12]
    assert len(set(samples)) == 12
    FAIL.clear()
    again = generation_pipeline(prompts, Numbered(max_concurrency=1)).run(show_progress=False)
    assert [r["generation"] for r in again["gen"]][:12] == samples
    assert SENT["same"] == 12
    assert again["gen"][12]["generation"] is not None  # 'boom' was retried, alone
