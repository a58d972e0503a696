"""Every LLM answer is validated where it enters the task: an unusable one is that row's
error (its raw answer kept), never dropped, multiplied or recorded as a success; text is
made valid Unicode before it is stored; invalid input text is named, not a traceback."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from run_faults import (
    ANSWERS,
    BATCH_CALLS,
    SENT,
    ScriptedAsyncLLM,
    ScriptedLLM,
    cache_dir,  # noqa: F401  (the autouse fixture)
    error_of,
    generation_pipeline,
)

from distilabel.errors import DistilabelUserError
from distilabel.llms import LLM
from distilabel.pipeline import Pipeline, StepFailedError
from distilabel.steps import LoadDataFromFileSystem
from distilabel.steps.tasks import TextGeneration

LLMS = [pytest.param(ScriptedLLM, id="sync"), pytest.param(ScriptedAsyncLLM, id="async")]


def run_rows(instructions: list[Any], llm: LLM, **task: Any) -> list[dict[str, Any]]:
    pipeline = generation_pipeline(instructions, llm, **task)
    distiset = pipeline.run(show_progress=False, max_failed_fraction=1.0)
    return distiset["gen"].to_list()


@pytest.mark.parametrize("llm_class", LLMS)
def test_three_generations_for_one_fail_the_row_instead_of_tripling_it(llm_class: Any) -> None:
    ANSWERS["b"] = ["one", "two", "three"]
    rows = run_rows(["a", "b", "c"], llm_class())
    assert [r["instruction"] for r in rows] == ["a", "b", "c"]
    assert rows[1]["generation"] is None
    assert "3 generation(s) for one input where 1 were asked for" in error_of(rows[1])
    assert rows[1]["distilabel_metadata"]["raw_output_gen"] == ["one", "two", "three"]
    assert error_of(rows[0]) is None and rows[2]["generation"] == "answer to c"


@pytest.mark.parametrize("llm_class", LLMS)
def test_no_generation_fails_the_row_instead_of_dropping_it(llm_class: Any) -> None:
    ANSWERS["b"] = []
    rows = run_rows(["a", "b", "c"], llm_class())
    assert [r["instruction"] for r in rows] == ["a", "b", "c"]
    assert "0 generation(s)" in error_of(rows[1])


@pytest.mark.parametrize("llm_class", LLMS)
def test_a_none_generation_is_a_row_error_not_a_success(llm_class: Any) -> None:
    ANSWERS["b"] = [None]
    rows = run_rows(["a", "b"], llm_class())
    assert rows[1]["generation"] is None
    assert "returned None for generation 0" in error_of(rows[1])
    assert error_of(rows[0]) is None


@pytest.mark.parametrize("llm_class", LLMS)
def test_a_non_text_generation_is_a_row_error_keeping_the_raw_answer(llm_class: Any) -> None:
    ANSWERS["b"] = {"generations": [{"text": "hi"}], "statistics": {}}
    rows = run_rows(["a", "b"], llm_class())
    assert "a generation of type dict" in error_of(rows[1])
    assert rows[1]["distilabel_metadata"]["raw_output_gen"] == {
        "generations": [{"text": "hi"}], "statistics": {}}


@pytest.mark.parametrize("llm_class", LLMS)
def test_a_lone_surrogate_in_an_answer_is_replaced_and_counted(llm_class: Any) -> None:
    ANSWERS["b"] = ["smile \ud83d please"]
    rows = run_rows(["a", "b"], llm_class())
    assert rows[1]["generation"] == "smile \ufffd please"
    assert error_of(rows[1]) is None
    assert rows[1]["distilabel_metadata"]["statistics_gen"]["replaced_surrogates"] == 1
    again = run_rows(["a", "b"], llm_class())  # stored, so the rerun reuses it
    assert again == rows
    assert SENT["b"] == 1


def test_a_malformed_statistics_field_keeps_the_answer() -> None:
    ANSWERS["a"] = {"generations": ["fine"], "statistics": "12 tokens"}
    rows = run_rows(["a"], ScriptedAsyncLLM())
    assert rows[0]["generation"] == "fine" and error_of(rows[0]) is None


def test_a_batch_result_of_the_wrong_length_fails_its_rows_without_asking_again() -> None:
    ScriptedLLM.batch_answer = [["only one"]]
    try:
        rows = run_rows(["a", "b", "c"], ScriptedLLM())
    finally:
        ScriptedLLM.batch_answer = None
    assert BATCH_CALLS == [3]  # not asked again row by row
    assert all("returned 1 results for 3 inputs" in error_of(r) for r in rows)


def test_a_lone_surrogate_in_input_data_names_the_row_before_the_run() -> None:
    pipeline = generation_pipeline(["fine", "broken \ud83d"], ScriptedLLM())
    with pytest.raises(DistilabelUserError, match=r"Step 'load'.*\['data'\]\[1\]\['instruction'\]"):
        pipeline.run(show_progress=False)
    assert sum(SENT.values()) == 0


def test_a_lone_surrogate_in_an_input_file_names_the_row(tmp_path: Path) -> None:
    data = tmp_path / "rows.jsonl"
    data.write_text(
        json.dumps({"instruction": "fine"}) + "\n" + '{"instruction": "broken \\ud83d"}\n'
    )
    with Pipeline(name="file-input") as pipeline:
        load = LoadDataFromFileSystem(name="load", data_files=str(data))
        load >> TextGeneration(name="gen", llm=ScriptedLLM())
    with pytest.raises(StepFailedError) as failure:
        pipeline.run(show_progress=False)
    message = str(failure.value)
    assert "Step 'load' failed" in message
    assert "Row 1 of the step's output cannot be stored" in message
    assert "column 'instruction' holds a lone surrogate" in message


def test_a_non_text_instruction_is_a_row_error_not_a_python_repr() -> None:
    rows = run_rows(["a", ["x", "y"], {"k": 1}, 7], ScriptedLLM())
    assert "column 'instruction' is a list" in error_of(rows[1])
    assert "column 'instruction' is a dict" in error_of(rows[2])
    assert rows[3]["generation"] == "answer to 7"  # numbers are written as text
    assert set(SENT) == {"a", "7"}  # no "['x', 'y']" was ever sent
