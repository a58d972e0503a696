"""AzureOpenAILLM: chat completions from an Azure OpenAI deployment.

    AZURE_OPENAI_ENDPOINT=https://NAME.openai.azure.com AZURE_OPENAI_API_KEY=... \\
    AZURE_OPENAI_DEPLOYMENT=my-gpt-4o python examples/azure_openai_llm.py

``OPENAI_API_VERSION`` overrides the API version (default 2024-10-21).
"""

from __future__ import annotations

import os
import sys
from typing import Optional

from llm_example import ask_each, length_option

from distilabel.llms import AzureOpenAILLM


def main(argv: Optional[list[str]] = None) -> int:
    max_new_tokens = length_option(__doc__, "--max-new-tokens", argv)
    deployment = os.environ.get("AZURE_OPENAI_DEPLOYMENT", "gpt-4o")

    # azure_endpoint, api_key and api_version come from the environment variables above.
    llm = AzureOpenAILLM(model=deployment)
    return ask_each(llm, max_new_tokens=max_new_tokens, temperature=0.0)


if __name__ == "__main__":
    sys.exit(main())
