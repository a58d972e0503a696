"""``BatchOutcome``: what one batch of a task's rows says about the run, read from their
``distilabel_metadata`` in one pass: failed rows and their errors, tokens in and out,
repaired text. Engines add them up per step for the progress display and the run's
summary (``distilabel.pipeline.RunSummary``).
"""

from __future__ import annotations

import collections
from dataclasses import dataclass, field
from typing import Any

from distilabel.steps.typing import Row

__all__ = ["METADATA_COLUMN", "BatchOutcome", "outcome_of"]

METADATA_COLUMN = "distilabel_metadata"
"""The column where tasks record raw inputs/outputs, statistics and errors."""

_MESSAGE_LIMIT = 300


@dataclass
class BatchOutcome:
    """Counts of one batch (or, added up, of one step in one run)."""

    errors: int = 0
    """Output rows that record an error of the task."""
    input_tokens: int = 0
    output_tokens: int = 0
    replaced_surrogates: int = 0
    """Lone surrogates replaced in the LLM's answers (``docs/failures.md``)."""
    reused: int = 0
    """Rows answered from an earlier run's answers instead of asking the LLM again."""
    messages: collections.Counter[str] = field(default_factory=collections.Counter)
    """Error message -> rows that failed with it."""

    def add(self, other: BatchOutcome) -> None:
        """Add ``other``'s counts to these."""
        self.errors += other.errors
        self.input_tokens += other.input_tokens
        self.output_tokens += other.output_tokens
        self.replaced_surrogates += other.replaced_surrogates
        self.reused += other.reused
        self.messages.update(other.messages)


def _total(value: Any) -> int:
    values = value if isinstance(value, list) else [value]
    return sum(v for v in values if isinstance(v, int) and not isinstance(v, bool))


def outcome_of(task: str, rows: list[Row]) -> BatchOutcome:
    """The outcome of ``rows``, the output of the task named ``task``."""
    outcome = BatchOutcome()
    error_key, statistics_key = f"error_{task}", f"statistics_{task}"
    for row in rows:
        meta = row.get(METADATA_COLUMN)
        if type(meta) is not dict:
            continue
        error = meta.get(error_key)
        if error:
            outcome.errors += 1
            text = str(error).strip().splitlines()[0] if str(error).strip() else "error"
            outcome.messages[text[:_MESSAGE_LIMIT]] += 1
        stats = meta.get(statistics_key)
        if type(stats) is dict:
            outcome.input_tokens += _total(stats.get("input_tokens"))
            outcome.output_tokens += _total(stats.get("output_tokens"))
            outcome.replaced_surrogates += _total(stats.get("replaced_surrogates"))
    return outcome
