"""Prices, batch discounts and input-token estimates (``distilabel.pricing``)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from pipeline_test_llms import EchoLLM

from distilabel.errors import DistilabelUserError
from distilabel.pricing import (
    Pricing,
    estimate_input_tokens,
    estimate_task_cost,
    estimate_tokens,
)
from distilabel.steps.tasks import TextGeneration

PRICES = {"gpt-4o-mini": {"input": 0.15, "output": 0.60},
          "gpt-4o": {"input": 2.50, "output": 10.0, "batch_input": 1.0}}


def test_cost_is_dollars_per_million_tokens_with_the_batch_discount() -> None:
    pricing = Pricing.load(PRICES)
    assert pricing.cost("gpt-4o-mini", 1_000_000, 1_000_000) == pytest.approx(0.75)
    assert pricing.cost("gpt-4o-mini", 1_000_000, 1_000_000, batch=True) == pytest.approx(0.375)
    # an explicit batch price wins over the discount; the other side is discounted
    assert pricing.cost("gpt-4o", 1_000_000, 1_000_000, batch=True) == pytest.approx(6.0)
    assert pricing.cost("llama-3", 10, 10) is None


def test_a_dated_snapshot_is_priced_as_the_longest_matching_entry() -> None:
    pricing = Pricing.load(PRICES)
    assert pricing.price_for("gpt-4o-mini-2024-07-18") == pricing.prices["gpt-4o-mini"]
    assert pricing.price_for("gpt-4o-2024-08-06") == pricing.prices["gpt-4o"]


@pytest.mark.parametrize("suffix", [".json", ".yaml"])
def test_prices_load_from_a_file(tmp_path: Path, suffix: str) -> None:
    path = tmp_path / f"prices{suffix}"
    path.write_text(json.dumps(PRICES))  # JSON is YAML too
    assert Pricing.load(path).cost("gpt-4o-mini", 2_000_000) == pytest.approx(0.30)


@pytest.mark.parametrize(
    ("prices", "message"),
    [
        ({"m": {"input": 1}}, r"'m' lacks \['output'\]"),
        ({"m": {"input": 1, "output": 2, "cached": 3}}, r"'m' has unknown keys \['cached'\]"),
        ({"m": {"input": "cheap", "output": 2}}, "must hold numbers"),
        ({"m": {"input": -1, "output": 2}}, "negative price"),
        ({"m": 0.15}, "must be a mapping like"),
        (["m"], "must map model names to prices"),
    ],
)
def test_a_bad_price_entry_says_what_to_fix(prices: object, message: str) -> None:
    with pytest.raises(DistilabelUserError, match=message):
        Pricing.load(prices)  # type: ignore[arg-type]


def test_a_missing_pricing_file_is_named(tmp_path: Path) -> None:
    with pytest.raises(DistilabelUserError, match=r"prices\.yaml' does not exist"):
        Pricing.load(tmp_path / "prices.yaml")


def test_input_tokens_are_estimated_from_the_formatted_prompt() -> None:
    assert estimate_tokens("") == 0 and estimate_tokens("abcde") == 2
    messages = [{"role": "system", "content": "x" * 40}, {"role": "user", "content": "y" * 8}]
    assert estimate_input_tokens(messages) == (10 + 4) + (2 + 4)
    assert estimate_input_tokens("z" * 12) == 3


def test_a_task_estimate_formats_rows_as_the_run_would() -> None:
    task = TextGeneration(name="answer", llm=EchoLLM(prefix="p"), system_prompt="s" * 20,
                          num_generations=2)
    rows = [{"instruction": "q" * 16} for _ in range(10)]
    per_row = estimate_input_tokens(task.format_input(rows[0]))
    assert per_row == (5 + 4) + (4 + 4)
    estimate = estimate_task_cost(task, rows, {"echo": {"input": 1e6, "output": 0}})
    assert (estimate.step, estimate.rows, estimate.input_tokens) == ("answer", 10, 10 * 2 * per_row)
    assert (estimate.model, estimate.batch) == ("echo-p", False)
    assert estimate.dollars == pytest.approx(float(estimate.input_tokens))  # $1 a token
    assert estimate_task_cost(task, rows).dollars is None  # no prices, no dollars
