"""OpenAILLM: direct calls, structured output and a small pipeline.

Against OpenAI (``OPENAI_API_KEY`` set)::

    python examples/openai_llm.py

Against any OpenAI-compatible server, e.g. a local llama.cpp or vLLM server::

    OPENAI_BASE_URL=http://127.0.0.1:8080/v1 OPENAI_API_KEY=EMPTY OPENAI_MODEL=local \\
        python examples/openai_llm.py --max-new-tokens 32

``OPENAI_MODEL`` picks the model (default ``gpt-4o-mini``).
"""

from __future__ import annotations

import argparse
import os
import sys
from typing import Optional

from pydantic import BaseModel

from distilabel.llms import OpenAILLM
from distilabel.pipeline import Pipeline
from distilabel.steps import LoadDataFromDicts
from distilabel.steps.tasks import TextGeneration


class City(BaseModel):
    name: str
    country: str


def main(argv: Optional[list[str]] = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--max-new-tokens", type=int, default=128)
    args = parser.parse_args(argv)
    model = os.environ.get("OPENAI_MODEL", "gpt-4o-mini")

    # 1. Direct use: the key and base URL come from OPENAI_API_KEY / OPENAI_BASE_URL.
    llm = OpenAILLM(model=model)
    llm.load()
    [output] = llm.generate_outputs(
        [[{"role": "user", "content": "What's the capital of Spain?"}]],
        num_generations=2, max_new_tokens=args.max_new_tokens, temperature=0.7,
    )
    print("generations:", len(output["generations"]), output["generations"])
    print("statistics:", output["statistics"])

    # 2. Structured output: a pydantic model (or a JSON schema dict) as response_format.
    [city] = llm.generate_outputs(
        [[{"role": "user", "content": "Give a city as JSON."}]],
        max_new_tokens=max(args.max_new_tokens, 40), temperature=0.0, response_format=City,
    )
    print("structured:", City.model_validate_json(city["generations"][0] or ""))
    llm.unload()

    # 3. A pipeline: rows stream through TextGeneration, many requests in flight at once.
    with Pipeline(name="openai-example") as pipeline:
        load = LoadDataFromDicts(data=[
            {"instruction": "Name a colour."},
            {"instruction": "Say hello in French."},
            {"instruction": "What is 2 + 2?"},
        ])
        generate = TextGeneration(
            llm=OpenAILLM(model=model, generation_kwargs={
                "max_new_tokens": args.max_new_tokens, "temperature": 0.0,
            }),
        )
        load >> generate
    distiset = pipeline.run(use_cache=False)
    rows = list(distiset["default"])
    for row in rows:
        print(f"pipeline: {row['instruction']!r} -> {row['generation']!r}")
    return 0 if len(rows) == 3 and all(r["generation"] is not None for r in rows) else 1


if __name__ == "__main__":
    sys.exit(main())
