"""Offline batch generation: 100 haikus through the OpenAI Batch API at batch prices.

Run it with ``OPENAI_API_KEY=sk-... python examples/offline_batch_openai.py --wait 60``.
``--wait`` is ``offline_batch_generation_block_until_done``: the most seconds between
polls while the jobs run; without it the run submits, looks once and stops, and running
the script again picks up the same jobs (nothing is submitted twice). ``OPENAI_BASE_URL``
points it elsewhere (the tests use a local Files + Batches server). See docs/batch.md.
"""

from __future__ import annotations

import argparse

from distilabel.llms import OpenAILLM
from distilabel.pipeline import Pipeline
from distilabel.steps import LoadDataFromDicts
from distilabel.steps.tasks import TextGeneration

PRICES = {"gpt-4o-mini": {"input": 0.15, "output": 0.60}}  # dollars per million tokens

parser = argparse.ArgumentParser()
parser.add_argument("--rows", type=int, default=100)
parser.add_argument("--wait", type=float, default=None,
                    help="poll until done, at most this many seconds apart")
args = parser.parse_args()

with Pipeline(name="offline-batch-haiku") as pipeline:
    load = LoadDataFromDicts(
        name="load",
        data=[{"instruction": f"Write a haiku about the number {i}."} for i in range(args.rows)],
    )
    llm = OpenAILLM(
        model="gpt-4o-mini",
        use_offline_batch_generation=True,
        offline_batch_generation_block_until_done=args.wait,
        generation_kwargs={"max_new_tokens": 64, "temperature": 0.7},
    )
    load >> TextGeneration(name="haiku", llm=llm)

if __name__ == "__main__":
    for estimate in pipeline.estimate_cost(pricing=PRICES):
        print(f"estimate: {estimate.step} {estimate.rows} rows, about"
              f" {estimate.input_tokens} input tokens, ${estimate.dollars or 0:.6f} (batch)")
    distiset = pipeline.run(pricing=PRICES, show_progress=False)
    summary = distiset.summary
    if not distiset.complete:
        print("pending: the jobs still run; run this script again later to collect them")
    else:
        rows = distiset["haiku"].to_list()
        print(f"rows: {len(rows)}, first: {rows[0]['generation']!r}")
        if summary is not None:
            print(f"tokens: {summary.input_tokens} in, {summary.output_tokens} out;"
                  f" cost ${summary.cost() or 0:.6f} at batch prices")
