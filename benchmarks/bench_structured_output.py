"""What JSON structured output costs on the shipped local backends, on the embedded model.

For ``LlamaCppLLM`` (a llama.cpp grammar) and ``TransformersLLM`` (llguidance constrained
decoding), 32 prompts are answered greedily through the backend's public API, once free
and once with ``structured_output={"format": "json", "schema": Character}`` (a pydantic
model), alternating for ``--rounds`` rounds. Prints, per backend, the median output
tokens/s of each and their ratio (free / constrained: how many times slower constrained
decoding is) and how many constrained answers validate against the model.

Bar (the issue's): every constrained answer validates, and constrained decoding costs at
most 1.3x (ratio <= 1.3). Exits 1 when a bar is missed.

    python benchmarks/bench_structured_output.py [--rounds 2] [--backend llamacpp|transformers]
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import time
from typing import Any

os.environ.setdefault("HF_HUB_OFFLINE", "1")

from bench_structured_libs import Character
from pydantic import ValidationError

from distilabel.embedded import EMBEDDED_MODEL

_SUBJECTS = [
    "an old wizard", "a young thief", "a healer from a mountain village", "a villain",
    "a hero", "a tabletop game character", "a sea captain", "a desert nomad",
]
PROMPTS = [
    [{"role": "user", "content": f"Describe {s} as JSON with name, age and role (#{i})."}]
    for i in range(4) for s in _SUBJECTS
]
MAX_NEW_TOKENS = 48
BAR = 1.3


def _make(backend: str) -> Any:
    if backend == "llamacpp":
        from distilabel_llamacpp import LlamaCppLLM

        return LlamaCppLLM(model_path=EMBEDDED_MODEL, n_ctx=4096)
    from distilabel_transformers import TransformersLLM

    return TransformersLLM(model="smollm2-135m-instruct", device="cpu")


def _kwargs(backend: str) -> dict[str, Any]:
    if backend == "llamacpp":
        return {"max_new_tokens": MAX_NEW_TOKENS, "temperature": 0.0}
    return {"max_new_tokens": MAX_NEW_TOKENS, "do_sample": False}


def _run(
    llm: Any, inputs: list[Any], kwargs: dict[str, Any]
) -> tuple[float, list[str], float, float]:
    """Output tokens per wall second, the answers, output tokens per CPU second of this
    process (a fairer measure on a machine other people load too), and the mean answer
    length in tokens."""
    start, cpu = time.perf_counter(), time.process_time()
    outputs = llm.generate_outputs(inputs, **kwargs)
    seconds, cpu_seconds = time.perf_counter() - start, time.process_time() - cpu
    tokens = sum(sum(o["statistics"].get("output_tokens") or [0]) for o in outputs)
    texts = [o["generations"][0] for o in outputs]
    return tokens / seconds, texts, tokens / cpu_seconds, tokens / max(len(outputs), 1)


def bench(backend: str, rounds: int, prompts: list[Any]) -> bool:
    llm = _make(backend)
    llm.load()
    kwargs = _kwargs(backend)
    request = {"format": "json", "schema": Character}
    constrained_inputs = [(p, request) for p in prompts]
    llm.structured_output_retries = 0  # measure the decoding, not retries
    _run(llm, PROMPTS[:2], kwargs)  # warm-up
    free: list[float] = []
    constrained: list[float] = []
    free_cpu: list[float] = []
    constrained_cpu: list[float] = []
    valid = 0
    free_len = constrained_len = 0.0
    for _ in range(rounds):
        speed, _texts, cpu_speed, free_len = _run(llm, prompts, kwargs)
        free.append(speed)
        free_cpu.append(cpu_speed)
        speed, texts, cpu_speed, constrained_len = _run(llm, constrained_inputs, kwargs)
        constrained.append(speed)
        constrained_cpu.append(cpu_speed)
        valid = 0
        for text in texts:
            try:
                Character.model_validate_json(text)
                valid += 1
            except ValidationError:
                pass
    llm.unload()
    ratio = statistics.median(free) / statistics.median(constrained)
    cpu_ratio = statistics.median(free_cpu) / statistics.median(constrained_cpu)
    ok = ratio <= BAR and valid == len(prompts)
    print(
        f"{backend:13} free {statistics.median(free):7.1f} tok/s  constrained"
        f" {statistics.median(constrained):7.1f} tok/s  cost {ratio:5.2f}x (bar <= {BAR}x;"
        f" per CPU second {cpu_ratio:5.2f}x)  valid {valid}/{len(prompts)}"
        f"  {'ok' if ok else 'MISSED'}\n{'':13} tokens per answer: free {free_len:.1f},"
        f" constrained {constrained_len:.1f} (each answer's fixed cost, its prompt's"
        " evaluation, is spread over fewer tokens when answers are shorter)"
    )
    return ok


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=2)
    parser.add_argument("--backend", choices=["llamacpp", "transformers"], action="append")
    parser.add_argument(
        "--prompts", type=int, default=len(PROMPTS),
        help=f"answer the first N prompts (default all {len(PROMPTS)}; the bar is for all)",
    )
    args = parser.parse_args()
    backends = args.backend or ["llamacpp", "transformers"]
    prompts = PROMPTS[: args.prompts]
    print(f"{len(prompts)} prompts, greedy, max_new_tokens={MAX_NEW_TOKENS}, {args.rounds} rounds")
    results = [bench(b, args.rounds, prompts) for b in backends]
    sys.exit(0 if all(results) else 1)


if __name__ == "__main__":
    main()
