"""Estimate what a task's rows cost before sending any, with and without a batch API.

Run it with ``python examples/estimate_cost.py``; nothing is sent to any server.
"""

from __future__ import annotations

from distilabel.llms import OpenAILLM
from distilabel.pricing import Pricing, estimate_task_cost
from distilabel.steps.tasks import TextGeneration

PRICES = Pricing.load({"gpt-4o-mini": {"input": 0.15, "output": 0.60}})

rows = [{"instruction": f"Write a haiku about the number {i}."} for i in range(1000)]
for batch in (False, True):
    llm = OpenAILLM(model="gpt-4o-mini", api_key="sk-not-used")
    task = TextGeneration(name="haiku", llm=llm, system_prompt="You are a poet.")
    estimate = estimate_task_cost(task, rows, PRICES, batch=batch)
    dollars = estimate.dollars or 0.0
    print(f"{estimate.rows} rows, about {estimate.input_tokens} input tokens, "
          f"${dollars:.6f} for input{' (batch)' if estimate.batch else ''}")
print(f"1M in + 1M out: ${PRICES.cost('gpt-4o-mini', 1_000_000, 1_000_000):.3f}, "
      f"batch ${PRICES.cost('gpt-4o-mini', 1_000_000, 1_000_000, batch=True):.3f}")
