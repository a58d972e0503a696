"""InferenceEndpointsLLM: direct calls and a small pipeline through Hugging Face inference.

    HF_TOKEN=... python examples/inference_endpoints_llm.py

``HF_MODEL_ID`` picks the serverless model (default ``meta-llama/Llama-3.1-8B-Instruct``);
``HF_ENDPOINT_NAME`` a dedicated Inference Endpoint instead; ``HF_BASE_URL`` any Text
Generation Inference or OpenAI-compatible server instead.
"""

from __future__ import annotations

import os
import sys
from typing import Optional

from llm_example import ask, ask_in_pipeline, length_option

from distilabel.llms import InferenceEndpointsLLM


def main(argv: Optional[list[str]] = None) -> int:
    max_new_tokens = length_option(__doc__, "--max-new-tokens", argv)
    if os.environ.get("HF_BASE_URL"):
        where = {"base_url": os.environ["HF_BASE_URL"]}
    elif os.environ.get("HF_ENDPOINT_NAME"):
        where = {"endpoint_name": os.environ["HF_ENDPOINT_NAME"]}
    else:
        where = {"model_id": os.environ.get("HF_MODEL_ID", "meta-llama/Llama-3.1-8B-Instruct")}
    llm = InferenceEndpointsLLM(**where)  # HF_TOKEN is read

    # Direct use: two answers to one conversation (`n=2` in one chat request).
    ask(llm, max_new_tokens=max_new_tokens)

    # In a pipeline, with generation kwargs set at run time as in distilabel 1.x.
    return ask_in_pipeline("inference-endpoints-example", llm,
                           {"max_new_tokens": max_new_tokens, "temperature": 0.0})


if __name__ == "__main__":
    sys.exit(main())
