"""examples/recipes/deita.py runs on the embedded models, offline, at a small size."""

from __future__ import annotations

from pathlib import Path

import pytest
from _embedded import needs_embedded_model
from test_recipes import run_recipe  # tests/integration is on sys.path (rootdir layout)

import distilabel.steps.tasks as tasks

pytestmark = [
    *needs_embedded_model,
    pytest.mark.skipif(
        not {"ComplexityScorer", "QualityScorer"} <= set(tasks.__all__),
        reason="the recipe needs ComplexityScorer and QualityScorer (issue 15's judge tasks)",
    ),
]

FRANCE = {"What is the capital of France?", "Which is the capital city of France?"}


def test_deita_recipe_takes_the_best_diverse_rows_within_the_budget(tmp_path: Path) -> None:
    lines, distiset = run_recipe("deita.py", tmp_path, "--instructions", "4", "--budget", "3",
                                 "--max-new-tokens", "48")
    rows = distiset["selected"].to_list()
    assert lines[0] == f"selected: {len(rows)} of 4 rows (budget 3)"
    assert 1 <= len(rows) <= 3
    scores = [r["deita_score"] for r in rows]
    assert scores == sorted(scores, reverse=True)
    for row in rows:
        factors = [s for s in (row["evol_instruction_score"], row["evol_response_score"])
                   if s is not None]
        product = 1.0
        for factor in factors:
            product *= factor
        assert row["deita_score"] == pytest.approx(product)
        assert all(1 <= s <= 6 for s in factors)
    assert rows[0]["nearest_neighbor_distance"] is None
    assert all(r["nearest_neighbor_distance"] > 0.1 for r in rows[1:])
    # the two wordings of one question are 0.03 apart: at most one is taken
    assert len(FRANCE & {r["instruction"] for r in rows}) <= 1
