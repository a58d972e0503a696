"""MistralLLM: direct calls and a small pipeline through Mistral AI's API (`mistralai`).

    MISTRAL_API_KEY=... python examples/mistral_llm.py

``MISTRAL_BASE_URL`` points it at another server with the same API (any
OpenAI-compatible one) and ``MISTRAL_MODEL`` picks the model (default
``mistral-small-latest``).
"""

from __future__ import annotations

import argparse
import os
import sys
from typing import Optional

from distilabel.llms import MistralLLM
from distilabel.pipeline import Pipeline
from distilabel.steps import LoadDataFromDicts
from distilabel.steps.tasks import TextGeneration


def main(argv: Optional[list[str]] = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--max-new-tokens", type=int, default=128)
    args = parser.parse_args(argv)
    model = os.environ.get("MISTRAL_MODEL", "mistral-small-latest")

    # Direct use: two answers to one conversation (one request with n=2).
    llm = MistralLLM(model=model)  # MISTRAL_API_KEY / MISTRAL_BASE_URL are read
    llm.load()
    [output] = llm.generate_outputs(
        [[{"role": "system", "content": "Answer in one sentence."},
          {"role": "user", "content": "What's the capital of Spain?"}]],
        num_generations=2, max_new_tokens=args.max_new_tokens,
    )
    llm.unload()
    print("generations:", len(output["generations"]), output["generations"])
    print("statistics:", output["statistics"])

    # In a pipeline, with generation kwargs set at run time as in distilabel 1.x.
    with Pipeline(name="mistral-example") as pipeline:
        load = LoadDataFromDicts(data=[{"instruction": "Name a colour."},
                                       {"instruction": "Say hello in French."}])
        generate = TextGeneration(name="text_generation", llm=MistralLLM(model=model))
        load >> generate
    distiset = pipeline.run(use_cache=False, parameters={
        "text_generation": {"llm": {"generation_kwargs": {"max_new_tokens": args.max_new_tokens,
                                                          "temperature": 0.0}}},
    })
    rows = list(distiset["default"])
    for row in rows:
        print(f"pipeline: {row['instruction']!r} -> {row['generation']!r}")
    return 0 if len(rows) == 2 and all(r["generation"] for r in rows) else 1


if __name__ == "__main__":
    sys.exit(main())
