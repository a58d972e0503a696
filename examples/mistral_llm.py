"""MistralLLM: direct calls and a small pipeline through Mistral AI's API (`mistralai`).

    MISTRAL_API_KEY=... python examples/mistral_llm.py

``MISTRAL_BASE_URL`` points it at another server with the same API (any
OpenAI-compatible one) and ``MISTRAL_MODEL`` picks the model (default
``mistral-small-latest``).
"""

from __future__ import annotations

import os
import sys
from typing import Optional

from llm_example import ask, ask_in_pipeline, length_option

from distilabel.llms import MistralLLM


def main(argv: Optional[list[str]] = None) -> int:
    max_new_tokens = length_option(__doc__, "--max-new-tokens", argv)
    model = os.environ.get("MISTRAL_MODEL", "mistral-small-latest")
    llm = MistralLLM(model=model)  # MISTRAL_API_KEY / MISTRAL_BASE_URL are read

    # Direct use: two answers to one conversation (one request with n=2).
    ask(llm, max_new_tokens=max_new_tokens)

    # In a pipeline, with generation kwargs set at run time as in distilabel 1.x.
    return ask_in_pipeline("mistral-example", llm,
                           {"max_new_tokens": max_new_tokens, "temperature": 0.0})


if __name__ == "__main__":
    sys.exit(main())
