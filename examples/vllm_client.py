"""ClientvLLM: direct calls and a small pipeline through a vLLM server's OpenAI API.

    vllm serve Qwen/Qwen2.5-1.5B-Instruct &     # on a GPU machine
    python examples/vllm_client.py

``VLLM_BASE_URL`` (default ``http://localhost:8000/v1``) and ``VLLM_API_KEY`` (the
server's ``--api-key``, if any) say where it is; the served model is asked for by
``GET /models``. In-process ``vLLM`` (``pip install './plugins/vllm[engine]'``, CUDA GPUs)
takes the same generation keywords.
"""

from __future__ import annotations

import sys
from typing import Optional

from llm_example import ask, ask_in_pipeline, length_option

from distilabel.llms import ClientvLLM


def main(argv: Optional[list[str]] = None) -> int:
    max_new_tokens = length_option(__doc__, "--max-new-tokens", argv)
    llm = ClientvLLM()  # VLLM_BASE_URL / VLLM_API_KEY are read; the model is the server's

    # Direct use: two answers to one conversation (one request with n=2).
    ask(llm, max_new_tokens=max_new_tokens)
    print("model:", llm.model)  # asked of the server by load()

    # In a pipeline, with generation kwargs set at run time as in distilabel 1.x.
    return ask_in_pipeline("vllm-client-example", llm,
                           {"max_new_tokens": max_new_tokens, "temperature": 0.0})


if __name__ == "__main__":
    sys.exit(main())
