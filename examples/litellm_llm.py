"""LiteLLM: direct calls and a small pipeline through LiteLLM, one client for many APIs.

    OPENAI_API_KEY=... python examples/litellm_llm.py

``LITELLM_MODEL`` picks the model with LiteLLM's provider prefix (default ``gpt-4o-mini``;
``anthropic/claude-3-5-haiku-latest`` with ``ANTHROPIC_API_KEY``, ...). For an
OpenAI-compatible server give ``LITELLM_MODEL=openai/<name>``, ``LITELLM_API_BASE`` (its
``.../v1`` URL) and ``LITELLM_API_KEY``.
"""

from __future__ import annotations

import os
import sys
from typing import Optional

from llm_example import ask, ask_in_pipeline, length_option

from distilabel.llms import LiteLLM


def main(argv: Optional[list[str]] = None) -> int:
    max_tokens = length_option(__doc__, "--max-tokens", argv)
    settings = {
        "model": os.environ.get("LITELLM_MODEL", "gpt-4o-mini"),
        "api_base": os.environ.get("LITELLM_API_BASE"),
        "api_key": os.environ.get("LITELLM_API_KEY"),  # None: the provider's variable
    }
    llm = LiteLLM(**settings)

    # Direct use: two answers to one conversation (`n=2`, mapped by LiteLLM per provider).
    ask(llm, max_tokens=max_tokens)

    # In a pipeline, with generation kwargs set at run time as in distilabel 1.x.
    return ask_in_pipeline("litellm-example", llm, {"max_tokens": max_tokens, "temperature": 0.0})


if __name__ == "__main__":
    sys.exit(main())
