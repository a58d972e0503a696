"""The end-of-run summary: per step, rows done, failed and retried, the most common
errors, tokens in and out, wall time; and whether the run failed too many rows.

``RunSummary`` is plain data (``Distiset.summary``, ``StepFailedError.summary``,
``TooManyFailedRowsError.summary``); ``format_summary`` is its plain-text rendering
(logs, the CLI). Displays may render the same data their own way.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, field
from typing import Mapping, Optional

from distilabel.errors import DistilabelError
from distilabel.pipeline._progress import StepProgress, clock
from distilabel.pipeline._rerun import Rewound
from distilabel.pipeline.storage._store import StepStore
from distilabel.pricing import CostEstimate, Pricing, PricingSource, format_dollars

__all__ = [
    "RunSummary",
    "StepSummary",
    "TooManyFailedRowsError",
    "build_summary",
    "check_failed_fraction",
    "format_summary",
    "log_summary",
    "step_models",
    "too_many_failed_rows",
]

_logger = logging.getLogger("distilabel.pipeline")

TOP_ERRORS = 3
"""Error messages listed per step (the most common first)."""


@dataclass
class StepSummary:
    """One step of one run."""

    name: str
    state: str
    """``done``, ``cached`` (finished in an earlier run), ``failed``, ``stopped``
    (Ctrl-C) or ``waiting`` (never started)."""
    rows: int
    """Rows in the step's output (all runs), failed rows included."""
    failed: int
    """Rows of the output that record an error (all runs)."""
    processed: int = 0
    """Input rows this run processed."""
    failed_now: int = 0
    """Rows that failed in this run."""
    retried: int = 0
    """Rows that had failed in an earlier run and were redone by this one."""
    reused: int = 0
    """Rows answered from an earlier run's answers instead of asking the LLM again."""
    errors: list[tuple[str, int]] = field(default_factory=list)
    """This run's most common error messages, with how many rows each."""
    input_tokens: int = 0
    output_tokens: int = 0
    replaced_surrogates: int = 0
    wall_time: float = 0.0
    """Seconds the step ran in this run."""
    model: Optional[str] = None
    """The model of the step's LLM (``None`` for a step without one)."""
    batch: bool = False
    """Whether the step's LLM uses offline batch generation (billed at batch prices)."""

    def cost(self, pricing: PricingSource) -> Optional[float]:
        """Dollars for this run's tokens at ``pricing``; ``None`` when the model is unpriced."""
        if self.model is None:
            return None if (self.input_tokens or self.output_tokens) else 0.0
        return Pricing.load(pricing).cost(self.model, self.input_tokens, self.output_tokens,
                                          batch=self.batch)

    @property
    def failed_fraction(self) -> float:
        """Share of the output's rows that failed (0 for an empty output)."""
        return self.failed / self.rows if self.rows else 0.0


@dataclass
class RunSummary:
    """What one ``run()`` did, step by step (in the pipeline's order)."""

    pipeline: str
    steps: dict[str, StepSummary]
    wall_time: float
    complete: bool
    """False when Ctrl-C (or a failure) stopped the run before every step finished."""
    error: Optional[str] = None
    """Why the run failed, when it did."""
    max_failed_fraction: Optional[float] = None
    """The threshold the run was held to (``None``: a step must not fail every row)."""
    pricing: Optional[Pricing] = None
    """The prices given to ``run(pricing=...)``: ``cost()`` uses them by default."""
    estimates: list[CostEstimate] = field(default_factory=list)
    """What a dry run estimated, per task, before anything was sent."""

    @property
    def failed_steps(self) -> list[str]:
        """Steps whose failed rows are beyond the threshold (``check_failed_fraction``)."""
        return [
            name for name, step in self.steps.items()
            if _beyond(step, self.max_failed_fraction)
        ]

    @property
    def input_tokens(self) -> int:
        """Prompt tokens this run sent, over every step."""
        return sum(step.input_tokens for step in self.steps.values())

    @property
    def output_tokens(self) -> int:
        """Completion tokens this run received, over every step."""
        return sum(step.output_tokens for step in self.steps.values())

    def tokens_by_model(self) -> dict[str, tuple[int, int]]:
        """``{model: (input tokens, output tokens)}`` this run, over the steps using it."""
        totals: dict[str, tuple[int, int]] = {}
        for step in self.steps.values():
            if step.model is not None and (step.input_tokens or step.output_tokens):
                before = totals.get(step.model, (0, 0))
                totals[step.model] = (before[0] + step.input_tokens,
                                      before[1] + step.output_tokens)
        return totals

    def cost(self, pricing: Optional[PricingSource] = None) -> Optional[float]:
        """Dollars for this run's tokens at ``pricing`` (by default the run's own, from
        ``run(pricing=...)``), at batch prices for batch steps; ``None`` when no prices
        were given or a step that used tokens has a model with no price."""
        if pricing is None and self.pricing is None:
            return None
        prices = Pricing.load(pricing if pricing is not None else self.pricing)  # type: ignore[arg-type]
        total = 0.0
        for step in self.steps.values():
            dollars = step.cost(prices)
            if dollars is None:
                return None
            total += dollars
        return total

    def __str__(self) -> str:
        return format_summary(self)


class TooManyFailedRowsError(DistilabelError):
    """Raised by ``run()`` when a step's failed rows are beyond ``max_failed_fraction``
    (by default: when every row of a step failed).

    The rows are kept: ``distiset`` holds them, ``summary`` says what failed; running
    again retries the failed rows.
    """

    def __init__(self, message: str, summary: RunSummary, distiset: object = None) -> None:
        super().__init__(message)
        self.summary = summary
        self.distiset = distiset


def _beyond(step: StepSummary, threshold: Optional[float]) -> bool:
    if not step.rows or not step.failed:
        return False
    if threshold is None:
        return step.failed == step.rows
    return step.failed_fraction > threshold


def build_summary(
    pipeline: str,
    order: list[str],
    stores: dict[str, StepStore],
    progress: dict[str, StepProgress],
    rewound: dict[str, Rewound],
    wall_time: float,
    complete: bool,
    error: Optional[str] = None,
    max_failed_fraction: Optional[float] = None,
    models: Optional[Mapping[str, tuple[str, bool]]] = None,
    pricing: Optional[Pricing] = None,
) -> RunSummary:
    """The summary of a run from its stores (what is committed) and progress (what this
    run did); ``models`` maps a step with an LLM to its model and whether it batches."""
    models = models or {}
    steps: dict[str, StepSummary] = {}
    for name in order:
        store, step = stores[name], progress[name]
        outcome = step.outcome
        steps[name] = StepSummary(
            name=name,
            state=step.state,
            rows=store.committed_rows,
            failed=store.errors,
            processed=max(0, step.done - step.resumed) if step.state != "cached" else 0,
            failed_now=outcome.errors,
            retried=rewound[name].retried if name in rewound else 0,
            reused=outcome.reused,
            errors=outcome.messages.most_common(TOP_ERRORS),
            input_tokens=outcome.input_tokens,
            output_tokens=outcome.output_tokens,
            replaced_surrogates=outcome.replaced_surrogates,
            wall_time=step.elapsed,
            model=models[name][0] if name in models else None,
            batch=models[name][1] if name in models else False,
        )
    return RunSummary(pipeline, steps, wall_time, complete, error, max_failed_fraction,
                      pricing)


def step_models(steps: Mapping[str, object]) -> dict[str, tuple[str, bool]]:
    """``{step: (model, batches)}`` for the steps that have an LLM with a model name."""
    models: dict[str, tuple[str, bool]] = {}
    for name, step in steps.items():
        llm = getattr(step, "llm", None)
        if llm is None:
            continue
        try:
            model = llm.model_name
        except Exception:  # a name that needs a loaded model: no model, no price
            continue
        if model:
            models[name] = (str(model),
                            bool(getattr(llm, "use_offline_batch_generation", False)))
    return models


def check_failed_fraction(value: Optional[float]) -> Optional[float]:
    """Validate ``max_failed_fraction``.

    Raises:
        DistilabelError: not ``None`` nor a number between 0 and 1.
    """
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, (int, float)) or not 0 <= value <= 1:
        from distilabel.errors import DistilabelUserError

        raise DistilabelUserError(
            f"max_failed_fraction must be a number from 0 to 1 (the share of a step's rows"
            f" that may fail) or None (a step must not fail every row); got {value!r}."
        )
    return float(value)


def format_summary(summary: RunSummary) -> str:
    """``summary`` as plain text: one block per step, then the verdict."""
    width = max((len(n) for n in summary.steps), default=4)
    state = "complete" if summary.complete else "incomplete"
    lines = [f"Run summary of pipeline '{summary.pipeline}' ({state}, {clock(summary.wall_time)}):"]
    for name, step in summary.steps.items():
        parts = [f"{step.rows} rows"]
        if step.failed:
            parts.append(f"{step.failed} failed ({100 * step.failed_fraction:.1f}%)")
        if step.retried:
            parts.append(f"{step.retried} retried")
        if step.reused:
            parts.append(f"{step.reused} reused")
        if step.processed:
            parts.append(f"{step.processed} processed now")
        if step.input_tokens or step.output_tokens:
            parts.append(f"tokens {step.input_tokens} in / {step.output_tokens} out")
            dollars = step.cost(summary.pricing) if summary.pricing is not None else None
            if dollars is not None:
                parts.append(f"{format_dollars(dollars)}{' (batch)' if step.batch else ''}")
        if step.replaced_surrogates:
            parts.append(f"{step.replaced_surrogates} lone surrogates replaced")
        if step.wall_time:
            parts.append(clock(step.wall_time))
        lines.append(f"  {name:<{width}}  {step.state:<7}  " + ", ".join(parts))
        for message, count in step.errors:
            lines.append(f"  {'':<{width}}    {count} x {message}")
    total = summary.cost()
    if total is not None and (summary.input_tokens or summary.output_tokens):
        lines.append(f"  Cost: {format_dollars(total)} for {summary.input_tokens} input and"
                     f" {summary.output_tokens} output tokens.")
    failing = summary.failed_steps
    if summary.error:
        lines.append(f"Failed: {summary.error}")
    elif failing:
        threshold = summary.max_failed_fraction
        rule = ("every row failed" if threshold is None
                else f"more than {100 * threshold:g}% of the rows failed")
        lines.append(f"Failed: {rule} in step(s) {', '.join(repr(n) for n in failing)}.")
    return "\n".join(lines)


def log_summary(summary: RunSummary) -> None:
    """Log ``summary`` at INFO (logger ``distilabel.pipeline``; failed rows and a failed
    run are warned about where they happen)."""
    _logger.info("%s", format_summary(summary))


def too_many_failed_rows(summary: RunSummary, distiset: object) -> TooManyFailedRowsError:
    """The error ``run()`` raises when ``summary.failed_steps`` is not empty."""
    parts = []
    for name in summary.failed_steps:
        step = summary.steps[name]
        top = f"; most often: {step.errors[0][0]}" if step.errors else ""
        parts.append(f"'{name}' failed {step.failed} of {step.rows} rows{top}")
    threshold = summary.max_failed_fraction
    allowed = (
        "a step must not fail every row" if threshold is None
        else f"max_failed_fraction={threshold:g}"
    )
    return TooManyFailedRowsError(
        f"Pipeline '{summary.pipeline}': {'; '.join(parts)} ({allowed}). The rows are kept"
        " (this error's .distiset and .summary); fix the cause and run again: failed rows"
        " are retried and rows that succeeded are not asked again.",
        summary, distiset,
    )
