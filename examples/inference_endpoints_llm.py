"""InferenceEndpointsLLM: direct calls and a small pipeline through Hugging Face inference.

    HF_TOKEN=... python examples/inference_endpoints_llm.py

``HF_MODEL_ID`` picks the serverless model (default ``meta-llama/Llama-3.1-8B-Instruct``);
``HF_ENDPOINT_NAME`` a dedicated Inference Endpoint instead; ``HF_BASE_URL`` any Text
Generation Inference or OpenAI-compatible server instead.
"""

from __future__ import annotations

import argparse
import os
import sys
from typing import Optional

from distilabel.llms import InferenceEndpointsLLM
from distilabel.pipeline import Pipeline
from distilabel.steps import LoadDataFromDicts
from distilabel.steps.tasks import TextGeneration


def main(argv: Optional[list[str]] = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--max-new-tokens", type=int, default=128)
    args = parser.parse_args(argv)
    if os.environ.get("HF_BASE_URL"):
        where = {"base_url": os.environ["HF_BASE_URL"]}
    elif os.environ.get("HF_ENDPOINT_NAME"):
        where = {"endpoint_name": os.environ["HF_ENDPOINT_NAME"]}
    else:
        where = {"model_id": os.environ.get("HF_MODEL_ID", "meta-llama/Llama-3.1-8B-Instruct")}

    # Direct use: two answers to one conversation (`n=2` in one chat request).
    llm = InferenceEndpointsLLM(**where)  # HF_TOKEN is read
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
    with Pipeline(name="inference-endpoints-example") as pipeline:
        load = LoadDataFromDicts(data=[{"instruction": "Name a colour."},
                                       {"instruction": "Say hello in French."}])
        generate = TextGeneration(name="text_generation", llm=InferenceEndpointsLLM(**where))
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
