"""CohereLLM: direct calls and a small pipeline through Cohere's Chat API v2 (the `cohere` SDK).

    COHERE_API_KEY=... python examples/cohere_llm.py

``COHERE_BASE_URL`` points it at another server that speaks Cohere's API
(``{base_url}/v2/chat``) and ``COHERE_MODEL`` picks the model (default
``command-r-plus``).
"""

from __future__ import annotations

import os
import sys
from typing import Optional

from llm_example import ask, ask_in_pipeline, length_option

from distilabel.llms import CohereLLM


def main(argv: Optional[list[str]] = None) -> int:
    max_tokens = length_option(__doc__, "--max-tokens", argv)
    model = os.environ.get("COHERE_MODEL", "command-r-plus")
    llm = CohereLLM(model=model)  # COHERE_API_KEY / COHERE_BASE_URL are read

    # Direct use: two answers to one conversation (two requests: Cohere has no n).
    ask(llm, max_tokens=max_tokens)

    # In a pipeline, with generation kwargs set at run time as in distilabel 1.x.
    return ask_in_pipeline("cohere-example", llm, {"max_tokens": max_tokens, "temperature": 0.0})


if __name__ == "__main__":
    sys.exit(main())
