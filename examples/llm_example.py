"""What the backend examples (``examples/<backend>_llm.py``) share: ask an LLM directly,
then run it in a small pipeline, and print what comes back.

Each example builds its LLM (the part that differs between backends) and hands it to
these functions, so this file is part of every example and written to be read as one:

    from llm_example import ask, ask_each, ask_in_pipeline, length_option

Run an example as ``python examples/<backend>_llm.py``; Python then finds this module
next to it.
"""

from __future__ import annotations

import argparse
from typing import Any, Optional

from distilabel.llms import LLM, AsyncLLM
from distilabel.pipeline import Pipeline
from distilabel.steps import LoadDataFromDicts
from distilabel.steps.tasks import TextGeneration

CONVERSATION = [
    {"role": "system", "content": "Answer in one sentence."},
    {"role": "user", "content": "What's the capital of Spain?"},
]
QUESTIONS = ["What's the capital of Spain?", "Name a colour."]
INSTRUCTIONS = [{"instruction": "Name a colour."}, {"instruction": "Say hello in French."}]


def length_option(doc: str, flag: str, argv: Optional[list[str]] = None) -> int:
    """The example's one option: the longest answer in tokens (``--max-tokens``, or
    the backend's own name for it, such as ``--max-new-tokens``), 128 by default."""
    parser = argparse.ArgumentParser(description=doc.splitlines()[0])
    parser.add_argument(flag, type=int, default=128, dest="length")
    return int(parser.parse_args(argv).length)


def ask(llm: LLM | AsyncLLM, num_generations: int = 2, **generation_kwargs: Any) -> None:
    """Direct use: ``num_generations`` answers to one conversation, printed with the
    token statistics the backend reports."""
    llm.load()
    try:
        [output] = llm.generate_outputs(
            [CONVERSATION], num_generations=num_generations, **generation_kwargs
        )
    finally:
        llm.unload()
    print("generations:", len(output["generations"]), output["generations"])
    print("statistics:", output["statistics"])


def ask_each(llm: LLM | AsyncLLM, **generation_kwargs: Any) -> int:
    """Direct use: one answer to each of two questions; returns the exit status (0 when
    both were answered)."""
    llm.load()
    try:
        outputs = llm.generate_outputs(
            [[{"role": "user", "content": q}] for q in QUESTIONS], **generation_kwargs
        )
    finally:
        llm.unload()
    for output in outputs:
        print("generation:", output["generations"][0])
        print("statistics:", output["statistics"])
    return 0 if all(o["generations"][0] for o in outputs) else 1


def ask_in_pipeline(name: str, llm: LLM | AsyncLLM, generation_kwargs: dict[str, Any]) -> int:
    """In a pipeline: two instructions through ``TextGeneration``, with the generation
    kwargs set at run time as in distilabel 1.x; prints each row and returns the exit
    status (0 when every row got an answer)."""
    with Pipeline(name=name) as pipeline:
        load = LoadDataFromDicts(data=INSTRUCTIONS)
        generate = TextGeneration(name="text_generation", llm=llm)
        load >> generate
    distiset = pipeline.run(use_cache=False, parameters={
        "text_generation": {"llm": {"generation_kwargs": generation_kwargs}},
    })
    rows = list(distiset["default"])
    for row in rows:
        print(f"pipeline: {row['instruction']!r} -> {row['generation']!r}")
    return 0 if len(rows) == len(INSTRUCTIONS) and all(r["generation"] for r in rows) else 1
