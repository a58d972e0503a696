"""The Prometheus pairwise-judge recipe runs on the embedded model, offline."""

from __future__ import annotations

from pathlib import Path

from _embedded import needs_embedded_model
from test_recipes import run_recipe

pytestmark = needs_embedded_model


def test_prometheus_recipe_names_the_better_answer_with_feedback(tmp_path: Path) -> None:
    lines, distiset = run_recipe(
        "prometheus_compare.py", tmp_path,
        "--instructions", "3", "--reference", "--max-new-tokens", "32",
    )
    rows = distiset["verdicts"].to_list()
    judged = [r for r in rows if r["winner"] is not None]
    wins = {g: sum(r["winner"] == g for r in judged) for g in ("cool", "hot")}
    assert lines[0] == (
        f"verdicts: {len(judged)} of 3 pairs judged"
        f" (cool won {wins['cool']}, hot won {wins['hot']})"
    )
    assert len(rows) == 3
    # under the grammar the embedded judge gave a verdict on 8 of 8 rows (measured)
    assert len(judged) >= 2, [r["feedback"] for r in rows]
    assert {r["reference"] for r in rows} == {
        "A spider has eight legs.", "100 degrees Celsius.", "Jupiter is the largest planet."
    }
    for row in judged:
        assert len(row["generations"]) == 2 and all(row["generations"])
        assert row["result"] in ("A", "B")
        assert row["winner"] == {"A": "cool", "B": "hot"}[row["result"]]
        assert row["winning_answer"] == row["generations"]["AB".index(row["result"])]
        assert row["feedback"].strip()
