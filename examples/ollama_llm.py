"""OllamaLLM: direct calls and a small pipeline through an Ollama server (the `ollama` client).

    python examples/ollama_llm.py          # a server on http://localhost:11434

``OLLAMA_HOST`` points it at another server and ``OLLAMA_MODEL`` picks the model
(default ``llama3.2``, which the server must have pulled).
"""

from __future__ import annotations

import os
import sys
from typing import Optional

from llm_example import ask, ask_in_pipeline, length_option

from distilabel.llms import OllamaLLM


def main(argv: Optional[list[str]] = None) -> int:
    num_predict = length_option(__doc__, "--num-predict", argv)
    model = os.environ.get("OLLAMA_MODEL", "llama3.2")
    llm = OllamaLLM(model=model)  # OLLAMA_HOST is read

    # Direct use: two answers to one conversation (two requests: Ollama has no n).
    ask(llm, options={"num_predict": num_predict})

    # In a pipeline, with generation kwargs set at run time as in distilabel 1.x.
    return ask_in_pipeline("ollama-example", llm,
                           {"options": {"num_predict": num_predict, "temperature": 0.0}})


if __name__ == "__main__":
    sys.exit(main())
