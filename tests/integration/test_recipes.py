"""The recipes in examples/recipes/ run on the embedded model, offline, at a small size."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

from _embedded import needs_embedded_model

from distilabel.distiset import Distiset

ROOT = Path(__file__).resolve().parents[2]
RECIPES = ROOT / "examples" / "recipes"


pytestmark = needs_embedded_model


def run_recipe(name: str, tmp_path: Path, *args: str) -> tuple[list[str], Distiset]:
    env = {**os.environ, "DISTILABEL_CACHE_DIR": str(tmp_path / "cache"), "HF_HUB_OFFLINE": "1"}
    result = subprocess.run(
        [sys.executable, str(RECIPES / name), *args, "--output", str(tmp_path / "out")],
        capture_output=True, text=True, timeout=300, check=False, cwd=ROOT, env=env,
    )
    assert result.returncode == 0, result.stderr[-3000:]
    assert "Traceback" not in result.stderr
    return result.stdout.splitlines(), Distiset.load_from_disk(tmp_path / "out")


def test_self_instruct_recipe_makes_answered_queries_from_seed_topics(tmp_path: Path) -> None:
    lines, distiset = run_recipe(
        "self_instruct.py", tmp_path, "--topics", "2", "--queries", "2", "--max-new-tokens", "32"
    )
    rows = distiset["pairs"].to_list()
    assert lines[0] == f"pairs: {len(rows)} rows from 2 topics, {len(rows)} answered"
    assert len(rows) >= 2  # at least one topic's queries parsed
    assert {r["input"] for r in rows} <= {"baking sourdough bread", "the water cycle"}
    assert all(r["instruction"] and r["generation"] for r in rows)


def test_sentence_pairs_recipe_makes_triplets(tmp_path: Path) -> None:
    lines, distiset = run_recipe("sentence_pairs.py", tmp_path, "--anchors", "2")
    rows = distiset["triplets"].to_list()
    assert lines[0] == f"triplets: {len(rows)} of 2 anchors"
    assert rows, "no anchor got a parsed triplet"
    assert set(rows[0]) == {"anchor", "positive", "negative"}
    assert all(r["positive"] and r["negative"] for r in rows)


def test_evol_instruct_quality_dedup_recipe_makes_unique_evolved_pairs(tmp_path: Path) -> None:
    lines, distiset = run_recipe(
        "evol_instruct_quality_dedup.py", tmp_path,
        "--seeds", "3", "--evolutions", "1", "--max-new-tokens", "32",
    )
    rows = distiset["pairs"].to_list()
    assert lines[0] == f"pairs: {len(rows)} rows from 3 seeds after deduplication"
    assert len(rows) >= 2  # at most one of the three seeds failed or repeated
    assert set(rows[0]) == {"instruction", "evolved_instruction", "evolved_response"}
    assert all(r["evolved_instruction"] and r["evolved_response"] for r in rows)
    keys = [" ".join(r["evolved_instruction"].casefold().split()) for r in rows]
    assert len(set(keys)) == len(keys)


def test_magpie_sft_recipe_makes_chats_from_nothing(tmp_path: Path) -> None:
    lines, distiset = run_recipe("magpie_sft.py", tmp_path, "--rows", "2", "--max-new-tokens", "24")
    rows = distiset["sft"].to_list()
    assert lines[0] == f"sft: {len(rows)} of 2 conversations"
    assert rows, "no conversation came out whole"
    for row in rows:
        assert [m["role"] for m in row["messages"]] == ["user", "assistant"]
        assert all(m["content"] for m in row["messages"])
        assert row["system_prompt_key"] in {"cooking", "coding", "travel"}
