"""AnthropicLLM: direct calls and a small pipeline through Anthropic's Messages API.

    ANTHROPIC_API_KEY=... python examples/anthropic_llm.py

``ANTHROPIC_BASE_URL`` points it at any server that speaks the Messages API (llama.cpp's
``llama-server`` does) and ``ANTHROPIC_MODEL`` picks the model (default
``claude-3-5-haiku-latest``).
"""

from __future__ import annotations

import argparse
import os
import sys
from typing import Optional

from distilabel.llms import AnthropicLLM
from distilabel.pipeline import Pipeline
from distilabel.steps import LoadDataFromDicts
from distilabel.steps.tasks import TextGeneration


def main(argv: Optional[list[str]] = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--max-tokens", type=int, default=128)
    args = parser.parse_args(argv)
    model = os.environ.get("ANTHROPIC_MODEL", "claude-3-5-haiku-latest")

    # Direct use: two answers to one conversation (two requests: the API has no `n`).
    llm = AnthropicLLM(model=model)  # ANTHROPIC_API_KEY / ANTHROPIC_BASE_URL are read
    llm.load()
    [output] = llm.generate_outputs(
        [[{"role": "system", "content": "Answer in one sentence."},
          {"role": "user", "content": "What's the capital of Spain?"}]],
        num_generations=2, max_tokens=args.max_tokens,
    )
    llm.unload()
    print("generations:", len(output["generations"]), output["generations"])
    print("statistics:", output["statistics"])

    # In a pipeline, with generation kwargs set at run time as in distilabel 1.x.
    with Pipeline(name="anthropic-example") as pipeline:
        load = LoadDataFromDicts(data=[{"instruction": "Name a colour."},
                                       {"instruction": "Say hello in French."}])
        generate = TextGeneration(name="text_generation", llm=AnthropicLLM(model=model))
        load >> generate
    distiset = pipeline.run(use_cache=False, parameters={
        "text_generation": {"llm": {"generation_kwargs": {"max_tokens": args.max_tokens,
                                                          "temperature": 0.0}}},
    })
    rows = list(distiset["default"])
    for row in rows:
        print(f"pipeline: {row['instruction']!r} -> {row['generation']!r}")
    return 0 if len(rows) == 2 and all(r["generation"] for r in rows) else 1


if __name__ == "__main__":
    sys.exit(main())
