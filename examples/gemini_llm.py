"""GeminiLLM: direct calls and a small pipeline through the Gemini API (`google-genai`).

    GEMINI_API_KEY=... python examples/gemini_llm.py

``GEMINI_BASE_URL`` points it at another server that speaks the API
(``{base_url}/{version}/models/{model}:generateContent``; a proxy or gateway) and
``GEMINI_MODEL`` picks the model (default ``gemini-2.0-flash``). ``VertexAILLM`` takes the
same generation keywords with ``project`` and ``location`` (or an API key) instead.
"""

from __future__ import annotations

import os
import sys
from typing import Optional

from llm_example import ask, ask_in_pipeline, length_option

from distilabel.llms import GeminiLLM


def main(argv: Optional[list[str]] = None) -> int:
    max_output_tokens = length_option(__doc__, "--max-output-tokens", argv)
    model = os.environ.get("GEMINI_MODEL", "gemini-2.0-flash")
    base_url = os.environ.get("GEMINI_BASE_URL")  # None: Google's own
    llm = GeminiLLM(model=model, base_url=base_url)  # GEMINI_API_KEY is read

    # Direct use: two answers to one conversation (candidateCount=2, one request).
    ask(llm, max_output_tokens=max_output_tokens)

    # In a pipeline, with generation kwargs set at run time as in distilabel 1.x.
    return ask_in_pipeline("gemini-example", llm,
                           {"max_output_tokens": max_output_tokens, "temperature": 0.0})


if __name__ == "__main__":
    sys.exit(main())
