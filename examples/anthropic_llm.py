"""AnthropicLLM: direct calls and a small pipeline through Anthropic's Messages API.

    ANTHROPIC_API_KEY=... python examples/anthropic_llm.py

``ANTHROPIC_BASE_URL`` points it at any server that speaks the Messages API (llama.cpp's
``llama-server`` does) and ``ANTHROPIC_MODEL`` picks the model (default
``claude-3-5-haiku-latest``).
"""

from __future__ import annotations

import os
import sys
from typing import Optional

from llm_example import ask, ask_in_pipeline, length_option

from distilabel.llms import AnthropicLLM


def main(argv: Optional[list[str]] = None) -> int:
    max_tokens = length_option(__doc__, "--max-tokens", argv)
    model = os.environ.get("ANTHROPIC_MODEL", "claude-3-5-haiku-latest")
    llm = AnthropicLLM(model=model)  # ANTHROPIC_API_KEY / ANTHROPIC_BASE_URL are read

    # Direct use: two answers to one conversation (two requests: the API has no `n`).
    ask(llm, max_tokens=max_tokens)

    # In a pipeline, with generation kwargs set at run time as in distilabel 1.x.
    return ask_in_pipeline("anthropic-example", llm, {"max_tokens": max_tokens, "temperature": 0.0})


if __name__ == "__main__":
    sys.exit(main())
