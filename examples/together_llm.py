"""TogetherLLM: chat completions from Together AI.

    TOGETHER_API_KEY=... python examples/together_llm.py

``TOGETHER_BASE_URL`` overrides the endpoint (any OpenAI-compatible server works) and
``TOGETHER_MODEL`` the model (default ``meta-llama/Llama-3.3-70B-Instruct-Turbo``).
"""

from __future__ import annotations

import argparse
import os
import sys
from typing import Optional

from distilabel.llms import TogetherLLM


def main(argv: Optional[list[str]] = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--max-new-tokens", type=int, default=128)
    args = parser.parse_args(argv)
    model = os.environ.get("TOGETHER_MODEL", "meta-llama/Llama-3.3-70B-Instruct-Turbo")

    llm = TogetherLLM(model=model)  # TOGETHER_API_KEY / TOGETHER_BASE_URL from the environment
    llm.load()
    try:
        outputs = llm.generate_outputs(
            [[{"role": "user", "content": "What's the capital of Spain?"}],
             [{"role": "user", "content": "Name a colour."}]],
            max_new_tokens=args.max_new_tokens, temperature=0.0,
        )
    finally:
        llm.unload()
    for output in outputs:
        print("generation:", output["generations"][0])
        print("statistics:", output["statistics"])
    return 0 if all(o["generations"][0] for o in outputs) else 1


if __name__ == "__main__":
    sys.exit(main())
