"""Embed rows with GenerateEmbeddings and TransformersLLM in a pipeline.

Each text becomes the mean of the model's last hidden states, L2-normalised, in the
``embedding`` column. The rows are saved as a Distiset and their cosine similarities
printed. SmolLM2-135M is a chat model, not an embedding model: its vectors are close
together (the chat template dominates) but still order similar texts first.

Run: ``python examples/embeddings_transformers.py --output out/embeddings``.
"""

from __future__ import annotations

import argparse
from typing import Optional

from distilabel.llms import TransformersLLM
from distilabel.pipeline import Pipeline
from distilabel.steps import LoadDataFromDicts
from distilabel.steps.tasks.generate_embeddings import GenerateEmbeddings

TEXTS = [
    "The cat sleeps on the sofa.",
    "A kitten is napping on the couch.",
    "Stock markets fell sharply on Monday.",
]


def main(argv: Optional[list[str]] = None) -> None:
    parser = argparse.ArgumentParser(description="Embed a few texts with TransformersLLM.")
    parser.add_argument("--output", default="out/embeddings")
    parser.add_argument("--cache-dir", default=None, help="pipeline cache directory")
    args = parser.parse_args(argv)

    with Pipeline(name="embeddings-transformers", cache_dir=args.cache_dir) as pipeline:
        load = LoadDataFromDicts(name="load_texts", data=[{"text": t} for t in TEXTS])
        embed = GenerateEmbeddings(
            name="embed", llm=TransformersLLM(model="smollm2-135m-instruct", device="cpu")
        )
        load >> embed

    distiset = pipeline.run(use_cache=False)
    distiset.save_to_disk(args.output)
    rows = list(distiset["default"])
    vectors = [row["embedding"] for row in rows]
    print(f"{len(rows)} embeddings of size {len(vectors[0])} saved to {args.output}")
    for i, row in enumerate(rows):
        similarities = [sum(a * b for a, b in zip(vectors[i], v, strict=True)) for v in vectors]
        print(f"{row['text'][:40]:<40} " + " ".join(f"{s:.4f}" for s in similarities))


if __name__ == "__main__":
    main()
