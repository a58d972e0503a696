"""What a pipeline's LLM steps will cost in input tokens, before anything is sent.

The steps that need no LLM run for real, on every row (generators, column steps, their
successors): they are cheap and their rows are what the tasks will format. Each task fed
only by such steps gets an estimate (``distilabel.pricing.estimate_task_cost``: its rows
formatted exactly as a run would, tokens estimated from their length); a task fed by
another task's output cannot be estimated before that task has answered, and is listed
as unknown (``rows`` -1).
"""

from __future__ import annotations

from typing import Any, Optional

from distilabel.pricing import CostEstimate, Pricing, PricingSource, estimate_task_cost
from distilabel.steps._base import GeneratorStep
from distilabel.steps.tasks._base import Task
from distilabel.steps.typing import Row

__all__ = ["estimate_pipeline_cost", "format_estimates"]

def estimate_pipeline_cost(
    pipeline: Any, order: list[str], pricing: Optional[PricingSource] = None
) -> list[CostEstimate]:
    """One estimate per task of ``pipeline`` (already validated, in ``order``)."""
    prices = Pricing.load(pricing) if pricing is not None else None
    dag = pipeline.dag
    rows: dict[str, Optional[list[Row]]] = {}
    estimates: list[CostEstimate] = []
    for name in order:
        step = dag.steps[name]
        inputs = [rows.get(p) for p in dag.predecessors[name]]
        if isinstance(step, Task):
            rows[name] = None
            if any(batch is None for batch in inputs):
                estimates.append(_unknown(step))
            else:
                estimates.append(estimate_task_cost(
                    step, [r for batch in inputs for r in batch or []], prices))
        elif isinstance(step, GeneratorStep):
            rows[name] = _generate(step)
        elif any(batch is None for batch in inputs) or getattr(step, "llm", None) is not None:
            rows[name] = None
        else:
            rows[name] = _process(step, [b or [] for b in inputs])
    return estimates


def _generate(step: GeneratorStep) -> list[Row]:
    step.load()
    try:
        out: list[Row] = []
        for batch, last in step.process_applying_mappings(offset=0):
            out.extend(batch)
            if last:
                break
        return out
    finally:
        step.unload()


def _process(step: Any, inputs: list[list[Row]]) -> list[Row]:
    step.load()
    try:
        if step.takes_multiple_inputs():
            args = inputs
        else:
            args = [[row for batch in inputs for row in batch]]
        return [row for batch in step.process_applying_mappings(*args) for row in batch]
    finally:
        step.unload()


def _unknown(task: Task) -> CostEstimate:
    model = str(getattr(task.llm, "model_name", "") or "")
    return CostEstimate(step=task.name, model=model, rows=-1, input_tokens=0,
                        batch=bool(getattr(task.llm, "use_offline_batch_generation", False)),
                        dollars=None)


def format_estimates(estimates: list[CostEstimate]) -> str:
    """The estimates as plain text, one line a task, then the total."""
    from distilabel.pricing import format_dollars

    lines = ["Estimated input before anything is sent (about 4 characters a token):"]
    total: Optional[float] = 0.0
    for estimate in estimates:
        batch = " (batch prices)" if estimate.batch else ""
        if estimate.rows < 0:
            lines.append(f"  {estimate.step}: unknown until the steps before it have run")
            continue
        dollars = ("" if estimate.dollars is None
                   else f", {format_dollars(estimate.dollars)}{batch}")
        lines.append(f"  {estimate.step} ({estimate.model}): {estimate.rows} rows, about"
                     f" {estimate.input_tokens} input tokens{dollars}")
        total = None if estimate.dollars is None or total is None else total + estimate.dollars
    if total is not None and estimates:
        lines.append(f"  input total: {format_dollars(total)} (output tokens are billed on"
                     " top)")
    return "\n".join(lines)
