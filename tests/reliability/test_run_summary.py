"""Every run ends with a summary (Python, log, CLI): per step rows done, failed, retried,
the most common errors, tokens in and out, wall time; a run whose rows failed beyond the
user's threshold (by default: every row of a step) is an error, not a success."""

from __future__ import annotations

import subprocess
from pathlib import Path

import pytest
from run_faults import (
    ANSWERS,
    FAIL,
    PYTHON,
    ScriptedAsyncLLM,
    cache_dir,  # noqa: F401  (the autouse fixture)
    generation_pipeline,
)

from distilabel.errors import DistilabelUserError
from distilabel.pipeline import RunSummary, TooManyFailedRowsError

PROMPTS = [f"q{i}" for i in range(30)]


def with_tokens() -> None:
    for prompt in PROMPTS:
        ANSWERS[prompt] = {"generations": [f"answer to {prompt}"],
                           "statistics": {"input_tokens": [5], "output_tokens": [7]}}


def test_the_distiset_carries_the_run_summary() -> None:
    with_tokens()
    FAIL.update({"q3": RuntimeError("server hiccup"), "q4": RuntimeError("server hiccup"),
                 "q9": ValueError("bad prompt")})
    distiset = generation_pipeline(PROMPTS, ScriptedAsyncLLM()).run(show_progress=False)
    summary = distiset.summary
    assert isinstance(summary, RunSummary) and summary.complete
    gen = summary.steps["gen"]
    assert (gen.state, gen.rows, gen.failed, gen.processed) == ("done", 30, 3, 30)
    assert gen.errors == [("RuntimeError: server hiccup", 2), ("ValueError: bad prompt", 1)]
    assert (gen.input_tokens, gen.output_tokens) == (27 * 5, 27 * 7)
    assert gen.wall_time > 0
    text = str(summary)
    assert "gen" in text and "3 failed (10.0%)" in text and "2 x RuntimeError" in text
    assert summary.failed_steps == []


def test_a_step_whose_every_row_failed_fails_the_run() -> None:
    FAIL.update({p: RuntimeError("model overloaded") for p in PROMPTS})
    with pytest.raises(TooManyFailedRowsError, match="'gen' failed 30 of 30 rows") as failure:
        generation_pipeline(PROMPTS, ScriptedAsyncLLM()).run(show_progress=False)
    assert failure.value.summary.failed_steps == ["gen"]
    assert len(failure.value.distiset["gen"]) == 30  # the rows are kept


@pytest.mark.parametrize(("threshold", "fails"), [(0.0, True), (0.05, True), (0.2, False)])
def test_max_failed_fraction_sets_how_many_rows_may_fail(threshold: float, fails: bool) -> None:
    FAIL.update({p: RuntimeError("nope") for p in ("q1", "q2", "q3")})  # 10%
    pipeline = generation_pipeline(PROMPTS, ScriptedAsyncLLM())
    if fails:
        with pytest.raises(TooManyFailedRowsError):
            pipeline.run(show_progress=False, max_failed_fraction=threshold)
    else:
        pipeline.run(show_progress=False, max_failed_fraction=threshold)


def test_a_threshold_outside_zero_to_one_is_refused_before_the_run() -> None:
    with pytest.raises(DistilabelUserError, match="max_failed_fraction must be a number"):
        generation_pipeline(PROMPTS, ScriptedAsyncLLM()).run(max_failed_fraction=1.5)


def test_the_cli_prints_the_summary_and_exits_non_zero_when_rows_failed(
    tmp_path: Path,
) -> None:
    config = tmp_path / "pipeline.yaml"
    generation_pipeline(["ok", "fine", "boom"], ScriptedAsyncLLM()).save(config)
    script = tmp_path / "run.py"
    # The CLI in a process where the scripted LLM fails 'boom' (one row of three).
    script.write_text(
        "import sys\n"
        f"sys.path.insert(0, {str(Path(__file__).parent)!r})\n"
        "from run_faults import FAIL\n"
        "FAIL['boom'] = RuntimeError('cannot answer')\n"
        "from distilabel.cli import main\n"
        "sys.exit(main(sys.argv[1:]))\n"
    )
    command = [PYTHON, str(script), "pipeline", "run", "--config", str(config), "--no-progress"]
    strict = subprocess.run([*command, "--max-failed-fraction", "0.2"],
                            capture_output=True, text=True, timeout=120)
    assert strict.returncode == 1, strict.stdout + strict.stderr
    assert "Run summary of pipeline 'faults'" in strict.stderr  # logged, and in pipeline.log
    assert "1 x RuntimeError: cannot answer" in strict.stderr
    assert "error: Pipeline 'faults': 'gen' failed 1 of 3 rows" in strict.stderr
    lenient = subprocess.run(command, capture_output=True, text=True, timeout=120)
    assert lenient.returncode == 0, lenient.stdout + lenient.stderr
    assert "1 failed (33.3%)" in lenient.stderr


def test_the_summary_totals_tokens_per_model_and_prices_them() -> None:
    with_tokens()
    FAIL.update({"q3": RuntimeError("server hiccup")})
    summary = generation_pipeline(PROMPTS, ScriptedAsyncLLM()).run(show_progress=False).summary
    assert summary.steps["gen"].model == "scripted-async"
    assert (summary.input_tokens, summary.output_tokens) == (29 * 5, 29 * 7)
    assert summary.tokens_by_model() == {"scripted-async": (29 * 5, 29 * 7)}
    prices = {"scripted": {"input": 1_000_000, "output": 2_000_000}}  # $1 / $2 a token
    assert summary.cost(prices) == pytest.approx(29 * 5 + 2 * 29 * 7)
    gen = summary.steps["gen"]
    gen.batch = True  # what a step on a batch API is billed: half
    assert summary.cost(prices) == pytest.approx((29 * 5 + 2 * 29 * 7) / 2)
    assert summary.cost({"other-model": {"input": 1, "output": 1}}) is None  # unpriced


def test_the_dataset_card_lists_tokens_per_step_and_model(tmp_path: Path) -> None:
    with_tokens()
    distiset = generation_pipeline(PROMPTS, ScriptedAsyncLLM()).run(show_progress=False)
    distiset.save_to_disk(tmp_path / "out")
    card = (tmp_path / "out" / "README.md").read_text()
    assert "| `gen` | `scripted-async` | 150 | 210 |" in card, card
    assert "| total | | 150 | 210 |" in card


def test_run_with_pricing_puts_dollars_in_the_summary_and_the_card(tmp_path: Path) -> None:
    with_tokens()
    prices = {"scripted": {"input": 1_000_000, "output": 2_000_000}}  # $1 / $2 a token
    distiset = generation_pipeline(PROMPTS, ScriptedAsyncLLM()).run(
        show_progress=False, pricing=prices)
    summary = distiset.summary
    assert summary.cost() == pytest.approx(30 * 5 + 2 * 30 * 7)  # the run's own prices
    assert "Cost: $570.00 for 150 input and 210 output tokens." in str(summary)
    distiset.save_to_disk(tmp_path / "out")
    card = (tmp_path / "out" / "README.md").read_text()
    assert "| `gen` | `scripted-async` | 150 | 210 | $570.00 |" in card, card
    assert "| total | | 150 | 210 | $570.00 |" in card


def test_a_bad_pricing_is_refused_before_anything_runs() -> None:
    from run_faults import SENT

    with pytest.raises(DistilabelUserError, match="entry for 'scripted' lacks"):
        generation_pipeline(PROMPTS, ScriptedAsyncLLM()).run(
            show_progress=False, pricing={"scripted": {"input": 1}})
    assert not SENT
