"""The UltraFeedback preference-data recipe runs on the embedded model, offline."""

from __future__ import annotations

from pathlib import Path

from _embedded import needs_embedded_model
from test_recipes import run_recipe

pytestmark = needs_embedded_model


def test_ultrafeedback_recipe_makes_rated_chosen_rejected_pairs(tmp_path: Path) -> None:
    lines, distiset = run_recipe(
        "ultrafeedback_dpo.py", tmp_path, "--instructions", "2", "--max-new-tokens", "24"
    )
    rows = distiset["dpo"].to_list()
    pairs = [r for r in rows if r["chosen"] is not None]
    assert lines[0] == f"dpo: {len(rows)} rows from 2 instructions, {len(pairs)} pairs"
    assert len(rows) == 2
    assert pairs, "the judge rated no row (its answers are under the grammar: it must parse)"
    for row in pairs:
        assert len(row["generations"]) == 2 and len(row["ratings"]) == 2
        assert all(type(r) is int and 1 <= r <= 5 for r in row["ratings"])
        assert row["chosen_rating"] == max(row["ratings"])
        assert row["rejected_rating"] == min(row["ratings"])
        assert row["chosen"][0] == {"role": "user", "content": row["prompt"]}
        assert row["chosen"][-1]["role"] == "assistant"
        assert row["chosen"][-1]["content"] in row["generations"]
