"""GroqLLM: direct calls and a small pipeline through Groq's API (the `groq` SDK).

    GROQ_API_KEY=... python examples/groq_llm.py

``GROQ_BASE_URL`` points it at another server that serves Groq's paths
(``{base_url}/openai/v1/chat/completions``) and ``GROQ_MODEL`` picks the model
(default ``llama-3.1-8b-instant``).
"""

from __future__ import annotations

import os
import sys
from typing import Optional

from llm_example import ask, ask_in_pipeline, length_option

from distilabel.llms import GroqLLM


def main(argv: Optional[list[str]] = None) -> int:
    max_new_tokens = length_option(__doc__, "--max-new-tokens", argv)
    model = os.environ.get("GROQ_MODEL", "llama-3.1-8b-instant")
    llm = GroqLLM(model=model)  # GROQ_API_KEY / GROQ_BASE_URL are read

    # Direct use: two answers to one conversation (two requests: Groq takes n=1 only).
    ask(llm, max_new_tokens=max_new_tokens)

    # In a pipeline, with generation kwargs set at run time as in distilabel 1.x.
    return ask_in_pipeline("groq-example", llm,
                           {"max_new_tokens": max_new_tokens, "temperature": 0.0})


if __name__ == "__main__":
    sys.exit(main())
