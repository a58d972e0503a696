"""``pipeline.estimate_cost()`` and ``dry_run()`` estimate input tokens and dollars over
every row before anything is sent."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from distilabel.llms import AsyncLLM
from distilabel.pipeline import Pipeline
from distilabel.pricing import estimate_task_cost
from distilabel.steps import KeepColumns, LoadDataFromDicts
from distilabel.steps.tasks import TextGeneration

SENT: list[str] = []


class CountingLLM(AsyncLLM):
    @property
    def model_name(self) -> str:
        return "gpt-4o-mini-2024-07-18"

    async def agenerate(self, input: Any, num_generations: int = 1) -> Any:
        SENT.append(input[-1]["content"])
        return ["an answer"] * num_generations


@pytest.fixture(autouse=True)
def cache_dir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Path]:
    monkeypatch.setenv("DISTILABEL_CACHE_DIR", str(tmp_path / "cache"))
    SENT.clear()
    yield tmp_path / "cache"


PRICES = {"gpt-4o-mini": {"input": 0.15, "output": 0.60}}


def pipeline_of(rows: int) -> tuple[Pipeline, TextGeneration]:
    with Pipeline(name="estimate") as pipeline:
        load = LoadDataFromDicts(name="load", data=[
            {"instruction": f"Write a haiku about the number {i}.", "extra": i}
            for i in range(rows)])
        keep = KeepColumns(name="keep", columns=["instruction"])
        first = TextGeneration(name="first", llm=CountingLLM())
        second = TextGeneration(name="second", llm=CountingLLM(),
                                input_mappings={"instruction": "generation"})
        load >> keep >> first >> second
    return pipeline, first


def test_estimate_cost_sends_nothing_and_covers_every_row() -> None:
    pipeline, first = pipeline_of(200)
    estimates = pipeline.estimate_cost(pricing=PRICES)
    assert SENT == []
    by_step = {e.step: e for e in estimates}
    rows = [{"instruction": f"Write a haiku about the number {i}."} for i in range(200)]
    expected = estimate_task_cost(first, rows, PRICES)
    assert by_step["first"] == expected and by_step["first"].rows == 200
    assert by_step["first"].dollars == pytest.approx(expected.input_tokens * 0.15 / 1e6)
    assert by_step["second"].rows == -1  # its input is the first task's answers


def test_dry_run_estimates_before_its_one_row_is_sent(caplog: pytest.LogCaptureFixture) -> None:
    pipeline, _ = pipeline_of(50)
    with caplog.at_level("INFO", logger="distilabel.pipeline"):
        distiset = pipeline.dry_run(pricing=PRICES)
    assert len(SENT) == 2  # one row through each task
    summary = distiset.summary
    assert summary is not None and [e.step for e in summary.estimates] == ["first", "second"]
    assert summary.estimates[0].rows == 50
    text = caplog.text
    assert "first (gpt-4o-mini-2024-07-18): 50 rows, about" in text
    assert "second: unknown until the steps before it have run" in text
    assert text.index("Estimated input") < text.index("Pipeline 'estimate' starts")
