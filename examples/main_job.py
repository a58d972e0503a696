"""The main job: generate a small, real dataset offline, with no API key and no download.

A pipeline on the embedded default model (SmolLM2-135M-Instruct, run by llama.cpp):

    instructions (examples/data/main_job_instructions.jsonl)
      -> TextGeneration   answers each instruction
      -> RateAnswer       grades each answer 1-5 with a one-sentence rationale, as JSON
                          constrained by a schema (llama.cpp grammar)

It shows per-step progress, saves the result as a Distiset (JSONL, plus Parquet when
pyarrow is installed) and prints a few rows. The model is a 135M-parameter toy: expect
fluent but often wrong answers and generous or odd grades; the pipeline is the point.

Run it with ``bash scripts/main.sh`` (installs everything first) or
``python examples/main_job.py --output out/main_job``.
"""

from __future__ import annotations

import argparse
import json
import logging
import sys
import time
from pathlib import Path
from typing import Any, Optional

from distilabel.distiset import Distiset
from distilabel.embedded import EMBEDDED_MODEL
from distilabel.llms import LlamaCppLLM
from distilabel.pipeline import Pipeline
from distilabel.steps import LoadDataFromDicts
from distilabel.steps.tasks import Task, TextGeneration
from distilabel.steps.typing import Row, StepColumns
from distilabel.typing import FormattedInput

DATA = Path(__file__).resolve().parent / "data" / "main_job_instructions.jsonl"

RATING_SCHEMA: dict[str, Any] = {
    "type": "object",
    "properties": {
        "rating": {"type": "integer", "enum": [1, 2, 3, 4, 5]},
        "rationale": {"type": "string", "maxLength": 120},
    },
    "required": ["rating", "rationale"],
}

JUDGE_PROMPT = (
    "Rate how well the answer follows the instruction, from 1 (useless) to 5 (excellent),"
    " and give the reason in one sentence. Reply in JSON.\n\n"
    "Instruction: {instruction}\n\nAnswer: {answer}"
)


class RateAnswer(Task):
    """Grade an answer: ``rating`` (1-5) and ``rationale``, as schema-constrained JSON."""

    @property
    def inputs(self) -> StepColumns:
        return ["instruction", "generation"]

    @property
    def outputs(self) -> StepColumns:
        return ["rating", "rationale", "model_name"]

    def format_input(self, input: Row) -> FormattedInput:
        prompt = JUDGE_PROMPT.format(
            instruction=input["instruction"], answer=input["generation"] or "(no answer)"
        )
        return (
            [
                {"role": "system", "content": "You are a strict teacher grading answers."},
                {"role": "user", "content": prompt},
            ],
            RATING_SCHEMA,
        )

    def format_output(self, output: Optional[str], input: Optional[Row] = None) -> dict[str, Any]:
        try:
            parsed = json.loads(output or "")
            return {"rating": int(parsed["rating"]), "rationale": str(parsed["rationale"])}
        except (ValueError, KeyError, TypeError):  # cut off by max_new_tokens
            return {"rating": None, "rationale": None}


def load_instructions(rows: Optional[int]) -> list[dict[str, Any]]:
    """The instructions of the job (the first ``rows`` of them when given)."""
    with DATA.open(encoding="utf-8") as handle:
        data = [json.loads(line) for line in handle if line.strip()]
    return data[:rows] if rows else data


def build_pipeline(
    instructions: list[dict[str, Any]],
    max_new_tokens: int,
    cache_dir: Optional[str],
) -> Pipeline:
    """instructions -> TextGeneration -> RateAnswer, both on the embedded model."""
    with Pipeline(
        name="main-job",
        description="Answers and grades instructions with the embedded SmolLM2 model.",
        cache_dir=cache_dir,
    ) as pipeline:
        load = LoadDataFromDicts(name="load_instructions", data=instructions, batch_size=4)
        answer = TextGeneration(
            name="answer",
            llm=LlamaCppLLM(
                model_path=EMBEDDED_MODEL,
                generation_kwargs={
                    "max_new_tokens": max_new_tokens,
                    "temperature": 0.7,
                    "repeat_penalty": 1.1,
                    "seed": 42,
                },
            ),
            input_batch_size=4,
        )
        rate = RateAnswer(
            name="rate",
            llm=LlamaCppLLM(
                model_path=EMBEDDED_MODEL,
                generation_kwargs={"max_new_tokens": 64, "temperature": 0.0},
            ),
            input_batch_size=4,
        )
        load >> answer >> rate
    return pipeline


def show(distiset: Distiset, count: int) -> None:
    """Print the first ``count`` rows, shortened."""
    for row in list(distiset["default"])[:count]:
        answer = " ".join((row.get("generation") or "").split())
        print(f"\n- instruction: {row['instruction']}")
        print(f"  answer:      {answer[:160]}{'...' if len(answer) > 160 else ''}")
        print(f"  rating:      {row.get('rating')}  ({row.get('rationale')})")


def main(argv: Optional[list[str]] = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--output", default="out/main_job", help="where to save the Distiset")
    parser.add_argument("--rows", type=int, default=None, help="use only the first N rows")
    parser.add_argument("--max-new-tokens", type=int, default=128, help="answer length cap")
    parser.add_argument("--cache-dir", default=None, help="pipeline cache (resumable runs)")
    parser.add_argument("--fresh", action="store_true", help="ignore cached results")
    parser.add_argument("--show", type=int, default=3, help="rows to print at the end")
    args = parser.parse_args(argv)
    logging.basicConfig(level=logging.INFO, format="%(message)s")

    instructions = load_instructions(args.rows)
    started = time.monotonic()
    pipeline = build_pipeline(instructions, args.max_new_tokens, args.cache_dir)
    distiset = pipeline.run(use_cache=not args.fresh, show_progress=True)
    path = distiset.save_to_disk(args.output)
    rows = len(distiset["default"])
    print(f"\nGenerated {rows} rows in {time.monotonic() - started:.1f} s; saved to {path}")
    show(distiset, args.show)
    return 0 if distiset.complete and rows == len(instructions) else 1


if __name__ == "__main__":
    sys.exit(main())
