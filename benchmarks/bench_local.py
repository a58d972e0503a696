"""Local backends through a pipeline against hand-written loops, on the embedded model.

    python benchmarks/bench_local.py [--rows 64] [--new-tokens 64] [--batch-size 16]
                                     [--backends transformers,llamacpp] [--rounds 4]

- transformers: a pipeline ``LoadDataFromDicts -> TextGeneration(TransformersLLM)`` with
  ``input_batch_size=--batch-size`` against a hand-written loop of left-padded batched
  ``model.generate`` calls on the same converted model, batch size, thread count and
  greedy settings.
- llamacpp: the same pipeline with ``LlamaCppLLM`` against a bare loop of
  ``llama_cpp.Llama.create_chat_completion`` calls with the same settings.

Each side generates ``--rows`` answers of at most ``--new-tokens`` tokens (greedy, so both
sides produce the same tokens; the script checks the counts match). The pipeline's time
includes loading the model and writing its rows to the run directory; the loops' does
not. Rounds alternate which side runs first; the bar applies to the median of the
per-round ratios (each round's sides run back to back, so machine drift cancels).
Prints tokens/s per side, the ratios, tokens per CPU second of this process (steadier
when other processes share the machine) and a warning when the load average shows
they did.
Bar: pipeline >= 0.9x the loop's tokens/s for each backend; exits 1 otherwise.
A full run takes several minutes on two cores: run it alone.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path
from typing import Any, Callable

os.environ.setdefault("HF_HUB_OFFLINE", "1")

from distilabel.embedded import EMBEDDED_MODEL, embedded_model_path
from distilabel.llms import LLM
from distilabel.pipeline import Pipeline
from distilabel.steps import LoadDataFromDicts
from distilabel.steps.tasks import TextGeneration

BAR = 0.9
DATA = Path(__file__).resolve().parents[1] / "examples" / "data" / "main_job_instructions.jsonl"

Measurement = tuple[float, float, int]  # (wall seconds, CPU seconds, generated tokens)
Sides = dict[str, Callable[[], Measurement]]


def instructions(rows: int) -> list[str]:
    base = [json.loads(line)["instruction"] for line in DATA.open() if line.strip()]
    return [f"{base[i % len(base)]} (variant {i // len(base)})" for i in range(rows)]


def through_pipeline(llm: LLM, texts: list[str], batch_size: int) -> Measurement:
    with tempfile.TemporaryDirectory() as cache, Pipeline(
        name="bench-local", cache_dir=cache
    ) as pipeline:
        load = LoadDataFromDicts(data=[{"instruction": t} for t in texts], batch_size=batch_size)
        generate = TextGeneration(name="generate", llm=llm, input_batch_size=batch_size)
        load >> generate
        started, cpu = time.perf_counter(), time.process_time()
        distiset = pipeline.run(use_cache=False, show_progress=False)
        elapsed, cpu = time.perf_counter() - started, time.process_time() - cpu
        rows = list(distiset["default"])
    assert len(rows) == len(texts), f"pipeline returned {len(rows)} rows"
    tokens = sum(r["distilabel_metadata"]["statistics_generate"]["output_tokens"] for r in rows)
    return elapsed, cpu, tokens


# -- transformers --------------------------------------------------------------------------


def transformers_sides(args: argparse.Namespace, texts: list[str]) -> Sides:
    import torch
    from transformers import AutoModelForCausalLM, AutoTokenizer

    from distilabel_transformers import TransformersLLM
    from distilabel_transformers._gguf_cache import ensure_converted

    threads = args.threads or max(1, (os.cpu_count() or 2) // 2)
    folder = ensure_converted(embedded_model_path())
    torch.set_num_threads(threads)
    tokenizer = AutoTokenizer.from_pretrained(folder)
    model = AutoModelForCausalLM.from_pretrained(folder).eval()
    eos = model.generation_config.eos_token_id

    def loop() -> Measurement:
        started, cpu = time.perf_counter(), time.process_time()
        tokens = 0
        for start in range(0, len(texts), args.batch_size):
            prompts = [
                tokenizer.apply_chat_template(
                    [{"role": "user", "content": t}], tokenize=False, add_generation_prompt=True
                )
                for t in texts[start : start + args.batch_size]
            ]
            encoded = tokenizer(
                prompts, return_tensors="pt", padding=True, padding_side="left",
                add_special_tokens=False,
            )
            with torch.inference_mode():
                out = model.generate(
                    **encoded, max_new_tokens=args.new_tokens, do_sample=False,
                    pad_token_id=tokenizer.pad_token_id,
                )
            for row in out[:, encoded["input_ids"].shape[1] :].tolist():
                tokens += next(
                    (i for i, t in enumerate(row) if t in (eos, tokenizer.pad_token_id)), len(row)
                )
            texts_out = tokenizer.batch_decode(out, skip_special_tokens=True)
            assert len(texts_out) == len(prompts)
        return time.perf_counter() - started, time.process_time() - cpu, tokens

    def pipeline() -> Measurement:
        llm = TransformersLLM(
            model=EMBEDDED_MODEL, device="cpu", cpu_threads=threads,
            generation_kwargs={"max_new_tokens": args.new_tokens, "do_sample": False},
        )
        return through_pipeline(llm, texts, args.batch_size)

    return {"loop": loop, "pipeline": pipeline}


# -- llama.cpp -----------------------------------------------------------------------------


def llamacpp_sides(args: argparse.Namespace, texts: list[str]) -> Sides:
    from llama_cpp import Llama

    from distilabel_llamacpp import LlamaCppLLM

    threads = args.threads or max(1, (os.cpu_count() or 2) // 2)
    settings = {"n_ctx": 2048, "n_threads": threads}

    def loop() -> Measurement:
        model = Llama(model_path=str(embedded_model_path()), verbose=False, **settings)
        try:
            started, cpu = time.perf_counter(), time.process_time()
            tokens = 0
            for text in texts:
                response: Any = model.create_chat_completion(
                    messages=[{"role": "user", "content": text}],
                    max_tokens=args.new_tokens, temperature=0.0,
                )
                tokens += response["usage"]["completion_tokens"]
            return time.perf_counter() - started, time.process_time() - cpu, tokens
        finally:
            model.close()

    def pipeline() -> Measurement:
        llm = LlamaCppLLM(
            model_path=EMBEDDED_MODEL, **settings,
            generation_kwargs={"max_new_tokens": args.new_tokens, "temperature": 0.0},
        )
        return through_pipeline(llm, texts, args.batch_size)

    return {"loop": loop, "pipeline": pipeline}


# -- driver --------------------------------------------------------------------------------


def bench(name: str, sides: Sides, rounds: int) -> bool:
    results: dict[str, list[Measurement]] = {"loop": [], "pipeline": []}
    busy = False
    cores = os.cpu_count() or 1
    for index in range(rounds):
        order = ["loop", "pipeline"] if index % 2 == 0 else ["pipeline", "loop"]
        for side in order:
            results[side].append(sides[side]())
            seconds, cpu, tokens = results[side][-1]
            load = os.getloadavg()[0]
            busy = busy or load > cores + 0.5
            print(f"  {name} {side:<8} round {index + 1}: {tokens} tokens in {seconds:.1f} s"
                  f" ({tokens / seconds:.1f} tok/s; {cpu:.1f} CPU s; load {load:.1f})",
                  flush=True)
    rate = {s: statistics.median(t / sec for sec, _, t in results[s]) for s in results}
    per_cpu = {s: statistics.median(t / cpu for _, cpu, t in results[s]) for s in results}
    loop_tokens = {t for _, _, t in results["loop"]}
    pipe_tokens = {t for _, _, t in results["pipeline"]}
    # Each round's two sides ran back to back: their ratio cancels the machine's drift,
    # which on a shared VM moves single runs by 10-15%.
    paired = [
        (tp / sp) / (tl / sl)
        for (sl, _, tl), (sp, _, tp) in zip(results["loop"], results["pipeline"], strict=True)
    ]
    ratio = statistics.median(paired)
    ok = ratio >= BAR
    print(f"{name}: pipeline {rate['pipeline']:.1f} tok/s vs loop {rate['loop']:.1f} tok/s"
          f" (medians); per-round ratios {[round(r, 3) for r in paired]} -> median ratio"
          f" {ratio:.3f} (bar >= {BAR}) {'OK' if ok else 'MISSED'};"
          f" per CPU second {per_cpu['pipeline'] / per_cpu['loop']:.3f}")
    if busy:
        print(f"  note: the load average exceeded {cores} cores during the run; other"
              " processes shared the CPU and the wall-clock ratio is unreliable (the per-CPU"
              " ratio less so). Run it alone.")
    if loop_tokens != pipe_tokens:
        print(f"  note: token counts differ (loop {sorted(loop_tokens)}, pipeline"
              f" {sorted(pipe_tokens)}); greedy outputs should match")
    return ok


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=64)
    parser.add_argument("--new-tokens", type=int, default=64)
    parser.add_argument("--batch-size", type=int, default=16)
    parser.add_argument("--rounds", type=int, default=4)
    parser.add_argument("--threads", type=int, default=None, help="default: half the cores")
    parser.add_argument("--backends", default="transformers,llamacpp")
    args = parser.parse_args(argv)
    texts = instructions(args.rows)
    print(f"{args.rows} rows x {args.new_tokens} new tokens, batch size {args.batch_size},"
          f" greedy, embedded model ({EMBEDDED_MODEL})", flush=True)
    ok = True
    for backend in args.backends.split(","):
        factory = {"transformers": transformers_sides, "llamacpp": llamacpp_sides}[backend]
        ok = bench(backend, factory(args, texts), args.rounds) and ok
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
