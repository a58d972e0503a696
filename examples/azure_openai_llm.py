"""AzureOpenAILLM: chat completions from an Azure OpenAI deployment.

    AZURE_OPENAI_ENDPOINT=https://NAME.openai.azure.com AZURE_OPENAI_API_KEY=... \\
    AZURE_OPENAI_DEPLOYMENT=my-gpt-4o python examples/azure_openai_llm.py

``OPENAI_API_VERSION`` overrides the API version (default 2024-10-21).
"""

from __future__ import annotations

import argparse
import os
import sys
from typing import Optional

from distilabel.llms import AzureOpenAILLM


def main(argv: Optional[list[str]] = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--max-new-tokens", type=int, default=128)
    args = parser.parse_args(argv)
    deployment = os.environ.get("AZURE_OPENAI_DEPLOYMENT", "gpt-4o")

    # azure_endpoint, api_key and api_version come from the environment variables above.
    llm = AzureOpenAILLM(model=deployment)
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
