"""MinHashDedup flags near-duplicates (first one kept), on words or character n-grams."""

from __future__ import annotations

import random
import sys

import pytest

from distilabel.pipeline import Pipeline
from distilabel.steps import LoadDataFromDicts, MinHashDedup
from distilabel.steps._minhash import lsh_bands, tokenize


def sentences(count: int, seed: int = 0) -> list[str]:
    rng = random.Random(seed)
    vocabulary = [f"word{i}" for i in range(5000)]
    return [" ".join(rng.choices(vocabulary, k=20)) for _ in range(count)]


def flags(step: MinHashDedup, texts: list[object]) -> list[bool]:
    step.load()
    (rows,) = step.process([{"text": t} for t in texts])
    return [row["keep_row_after_minhash_filtering"] for row in rows]


def test_in_a_pipeline_the_first_of_near_duplicates_is_kept() -> None:
    texts = [
        "The quick brown fox jumps over the lazy dog near the river bank today",
        "Completely different words describing a sunny afternoon in the park",
        "the quick brown fox jumps over the lazy dog near the river bank today!",
    ]
    with Pipeline(name="minhash") as pipeline:
        LoadDataFromDicts(data=[{"text": t} for t in texts]) >> MinHashDedup(name="dedup")
    rows = pipeline.run(use_cache=False)["dedup"].to_list()
    assert [r["keep_row_after_minhash_filtering"] for r in rows] == [True, True, False]


def test_planted_near_duplicates_are_found_and_distinct_rows_kept() -> None:
    base = sentences(2000)
    rng = random.Random(1)
    planted = []
    for index in rng.sample(range(len(base)), 100):
        words = base[index].split()
        words.insert(rng.randrange(len(words)), "extra")  # Jaccard 20/21 with its source
        planted.append(" ".join(words))
    keep = flags(MinHashDedup(), base + planted)
    assert all(keep[:2000])  # random sentences share almost no words
    assert keep[2000:].count(False) >= 98


def test_ngrams_catch_typos_that_words_miss() -> None:
    texts = ["deduplication matters for training data",
             "deduplicatoin matters for trainng data"]
    assert flags(MinHashDedup(tokenizer="words"), texts) == [True, True]
    assert flags(MinHashDedup(tokenizer="ngrams", n=3, threshold=0.5), texts) == [True, False]


def test_rows_without_text_are_kept_and_compared_with_nothing() -> None:
    assert flags(MinHashDedup(), [None, "", "   ", None, 3]) == [True] * 5


def test_drop_duplicates_removes_the_flagged_rows() -> None:
    step = MinHashDedup(drop_duplicates=True)
    step.load()
    (rows,) = step.process([{"text": "a b c d e", "id": 0}, {"text": "A b c d e", "id": 1}])
    assert [r["id"] for r in rows] == [0]


def test_a_missing_rensa_says_how_to_install_it(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setitem(sys.modules, "rensa", None)
    with pytest.raises(ImportError, match=r"pip install 'distilabel-core\[minhash\]'"):
        MinHashDedup(name="dedup").load()


def test_bands_give_high_recall_at_the_threshold() -> None:
    for threshold in (0.5, 0.7, 0.9):
        bands = lsh_bands(threshold, 128)
        rows = 128 // bands
        assert 1 - (1 - threshold ** rows) ** bands >= 0.99
    assert lsh_bands(0.9, 128) == 16


def test_tokenizers() -> None:
    assert tokenize("Hello, hello WORLD!", "words", 5) == {"hello", "world"}
    assert tokenize("ab  cd", "ngrams", 3) == {"ab ", "b c", " cd"}
    assert tokenize("ab", "ngrams", 3) == {"ab"}


def test_the_1x_import_path_resolves() -> None:
    from distilabel.steps.filtering.minhash import MinHashDedup as OneX

    assert OneX is MinHashDedup
