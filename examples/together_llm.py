"""TogetherLLM: chat completions from Together AI.

    TOGETHER_API_KEY=... python examples/together_llm.py

``TOGETHER_BASE_URL`` overrides the endpoint (any OpenAI-compatible server works) and
``TOGETHER_MODEL`` the model (default ``meta-llama/Llama-3.3-70B-Instruct-Turbo``).
"""

from __future__ import annotations

import os
import sys
from typing import Optional

from llm_example import ask_each, length_option

from distilabel.llms import TogetherLLM


def main(argv: Optional[list[str]] = None) -> int:
    max_new_tokens = length_option(__doc__, "--max-new-tokens", argv)
    model = os.environ.get("TOGETHER_MODEL", "meta-llama/Llama-3.3-70B-Instruct-Turbo")

    llm = TogetherLLM(model=model)  # TOGETHER_API_KEY / TOGETHER_BASE_URL from the environment
    return ask_each(llm, max_new_tokens=max_new_tokens, temperature=0.0)


if __name__ == "__main__":
    sys.exit(main())
