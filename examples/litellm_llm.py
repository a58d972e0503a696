"""LiteLLM: direct calls and a small pipeline through LiteLLM, one client for many APIs.

    OPENAI_API_KEY=... python examples/litellm_llm.py

``LITELLM_MODEL`` picks the model with LiteLLM's provider prefix (default ``gpt-4o-mini``;
``anthropic/claude-3-5-haiku-latest`` with ``ANTHROPIC_API_KEY``, ...). For an
OpenAI-compatible server give ``LITELLM_MODEL=openai/<name>``, ``LITELLM_API_BASE`` (its
``.../v1`` URL) and ``LITELLM_API_KEY``.
"""

from __future__ import annotations

import argparse
import os
import sys
from typing import Optional

from distilabel.llms import LiteLLM
from distilabel.pipeline import Pipeline
from distilabel.steps import LoadDataFromDicts
from distilabel.steps.tasks import TextGeneration


def main(argv: Optional[list[str]] = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--max-tokens", type=int, default=128)
    args = parser.parse_args(argv)
    settings = {
        "model": os.environ.get("LITELLM_MODEL", "gpt-4o-mini"),
        "api_base": os.environ.get("LITELLM_API_BASE"),
        "api_key": os.environ.get("LITELLM_API_KEY"),  # None: the provider's variable
    }

    # Direct use: two answers to one conversation (`n=2`, mapped by LiteLLM per provider).
    llm = LiteLLM(**settings)
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
    with Pipeline(name="litellm-example") as pipeline:
        load = LoadDataFromDicts(data=[{"instruction": "Name a colour."},
                                       {"instruction": "Say hello in French."}])
        generate = TextGeneration(name="text_generation", llm=LiteLLM(**settings))
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
