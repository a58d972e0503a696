"""The distilabel 1.5.3 baseline, run with the interpreter of its own virtual environment.

``python legacy_client.py MODE --url URL --rows N`` prints the same JSON line as
``clients.py``. Modes:

- ``generate``: its ``OpenAILLM.generate`` called batch after batch of 50 inputs (the
  default ``input_batch_size`` of its ``TextGeneration``), as its tasks call it.
- ``pipeline``: its ``LoadDataFromDicts >> TextGeneration(OpenAILLM)`` pipeline.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import tempfile
import time

MAX_TOKENS = 16
BATCH = 50


def _instruction(i: int) -> str:
    return f"Question number {i}: what is {i} + {i}?"


def generate(url: str, key: str, rows: int) -> tuple[float, float, int]:
    from distilabel.models import OpenAILLM

    llm = OpenAILLM(model="bench", base_url=url, api_key=key)
    llm.load()
    inputs = [[{"role": "user", "content": _instruction(i)}] for i in range(rows)]
    ok = 0
    cpu, start = time.process_time(), time.perf_counter()
    for offset in range(0, rows, BATCH):
        outputs = llm.generate(inputs=inputs[offset:offset + BATCH], num_generations=1,
                               max_new_tokens=MAX_TOKENS)
        ok += sum(1 for o in outputs if o["generations"][0])
    return time.perf_counter() - start, time.process_time() - cpu, ok


def pipeline(url: str, key: str, rows: int) -> tuple[float, float, int]:
    from distilabel.models import OpenAILLM
    from distilabel.pipeline import Pipeline
    from distilabel.steps import LoadDataFromDicts
    from distilabel.steps.tasks import TextGeneration

    data = [{"instruction": _instruction(i)} for i in range(rows)]
    with tempfile.TemporaryDirectory() as cache:
        with Pipeline(name="bench-openai-legacy", cache_dir=cache) as pipe:
            load = LoadDataFromDicts(data=data)
            generate = TextGeneration(llm=OpenAILLM(
                model="bench", base_url=url, api_key=key,
                generation_kwargs={"max_new_tokens": MAX_TOKENS},
            ))
            load >> generate
        cpu, start = time.process_time(), time.perf_counter()
        distiset = pipe.run(use_cache=False)
        seconds, cpu = time.perf_counter() - start, time.process_time() - cpu
        ok = sum(1 for row in distiset["default"]["train"] if row.get("generation"))
    return seconds, cpu, ok


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("mode", choices=["generate", "pipeline"])
    parser.add_argument("--url", required=True)
    parser.add_argument("--key", default="sk-bench")
    parser.add_argument("--rows", type=int, default=2000)
    args = parser.parse_args()
    os.environ.setdefault("DISTILABEL_LOG_LEVEL", "WARNING")
    runner = generate if args.mode == "generate" else pipeline
    seconds, cpu, ok = runner(args.url, args.key, args.rows)
    result = {"seconds": seconds, "rows": args.rows, "ok": ok, "cpu": cpu}
    sys.stdout.write(json.dumps(result) + "\n")


if __name__ == "__main__":
    main()
