"""The judge tasks' parsers on what the embedded SmolLM2 really wrote.

``fixtures/judge_answers.json`` holds raw answers captured by
``fixtures/capture_judge_answers.py`` (8 rows per fixture; ``-json`` fixtures were
answered under the task's default structured output, a llama.cpp grammar). Each answer
either parses into typed, in-range verdicts or fails its row alone with a
``MalformedOutputError`` and its raw text kept.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Any

import pytest
from task_test_llms import Replay

from distilabel.steps.tasks import METADATA_COLUMN, PrometheusEval, UltraFeedback

FIXTURES = Path(__file__).parent / "fixtures"
sys.path.insert(0, str(FIXTURES))
from judge_rows import TASK_ROWS, make_task  # noqa: E402

ANSWERS: dict[str, list[str]] = json.loads((FIXTURES / "judge_answers.json").read_text())

# Rows (of 8) that parse, as measured on the captured answers.
PARSED = {
    "UltraFeedback": 1,
    "UltraFeedback-json": 8,
    "PrometheusEval": 0,
    "QualityScorer": 0,
    "ComplexityScorer": 1,
    "CLAIR": 2,
    "UltraFeedback-truthfulness-json": 8,
    "PrometheusEval-json": 8,
    "PrometheusEval-relative-json": 8,
    "QualityScorer-json": 8,
    "ComplexityScorer-json": 8,
}


def test_every_fixture_is_pinned() -> None:
    assert set(PARSED) == set(ANSWERS) <= set(TASK_ROWS)


@pytest.mark.parametrize("name", sorted(PARSED))
def test_captured_answers_parse_or_fail_their_row(name: str) -> None:
    task = make_task(name, Replay(answers=ANSWERS[name]))
    task.load()
    rows = next(task.process(TASK_ROWS[name]))
    assert len(rows) == 8
    outputs = [c for c in task.outputs if c != "model_name"]
    parsed = 0
    for row, answer in zip(rows, ANSWERS[name], strict=True):
        meta = row[METADATA_COLUMN]
        assert meta[f"raw_output_{task.name}"] == answer
        error = meta.get(f"error_{task.name}")
        if error is None:
            check_verdict(task, row)
            parsed += 1
        else:
            assert error.startswith("MalformedOutputError: ")
            assert all(row[c] is None for c in outputs)
    assert parsed == PARSED[name]


def check_verdict(task: Any, row: dict[str, Any]) -> None:
    """A parsed row has every output, scores typed and on their scale."""
    if isinstance(task, UltraFeedback):
        assert len(row["ratings"]) == len(row["generations"])
        assert all(type(r) is int and 1 <= r <= 5 for r in row["ratings"])
        assert all(isinstance(r, str) and r for r in row["rationales"])
        if "types" in row:
            assert all(t in (None, 1, 2, 3) for t in row["types"])
            assert all(isinstance(r, str) and r for r in row["rationales-for-ratings"])
    elif isinstance(task, PrometheusEval):
        assert row["feedback"]
        assert row["result"] in ({1, 2, 3, 4, 5} if task.mode == "absolute" else {"A", "B"})
    elif "scores" in row:
        items = row.get("responses") or row.get("instructions")
        assert len(row["scores"]) == len(items)
        assert all(type(s) is int and 1 <= s <= 6 for s in row["scores"])
    else:
        assert row["revision"] and row["rational"]
