"""AnyscaleLLM: chat completions from Anyscale Endpoints.

    ANYSCALE_API_KEY=... python examples/anyscale_llm.py

``ANYSCALE_BASE_URL`` overrides the endpoint (any OpenAI-compatible server works) and
``ANYSCALE_MODEL`` the model (default ``meta-llama/Meta-Llama-3-70B-Instruct``).
"""

from __future__ import annotations

import os
import sys
from typing import Optional

from llm_example import ask_each, length_option

from distilabel.llms import AnyscaleLLM


def main(argv: Optional[list[str]] = None) -> int:
    max_new_tokens = length_option(__doc__, "--max-new-tokens", argv)
    model = os.environ.get("ANYSCALE_MODEL", "meta-llama/Meta-Llama-3-70B-Instruct")

    llm = AnyscaleLLM(model=model)  # ANYSCALE_API_KEY / ANYSCALE_BASE_URL from the environment
    return ask_each(llm, max_new_tokens=max_new_tokens, temperature=0.0)


if __name__ == "__main__":
    sys.exit(main())
