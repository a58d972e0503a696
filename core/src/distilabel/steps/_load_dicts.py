"""``LoadDataFromDicts``: feed a pipeline from a list of Python dicts."""

from __future__ import annotations

from typing import Any, ClassVar, Optional

from pydantic import Field

from distilabel.steps._base import GeneratorStep
from distilabel.steps.typing import GeneratorStepOutput, StepColumns

__all__ = ["LoadDataFromDicts", "batches_of", "columns_of"]


def columns_of(rows: list[dict[str, Any]]) -> list[str]:
    """The columns of the first 100 rows, in the order they appear."""
    columns: dict[str, bool] = {}
    for row in rows[:100]:
        columns.update(dict.fromkeys(row, True))
    return list(columns)


def batches_of(rows: list[dict[str, Any]], offset: int, size: int) -> GeneratorStepOutput:
    """Yield ``(batch, is_last)`` over copies of ``rows`` from ``offset`` on, ``size`` at a
    time (one empty last batch when nothing is left)."""
    if offset >= len(rows):
        yield [], True
        return
    for start in range(offset, len(rows), size):
        yield [dict(row) for row in rows[start:start + size]], start + size >= len(rows)


class LoadDataFromDicts(GeneratorStep):
    """Produce the given rows in batches of ``batch_size``.

    Example::

        LoadDataFromDicts(name="load", data=[{"instruction": "Write a haiku."}])
    """

    data: list[dict[str, Any]] = Field(..., description="The rows to produce, in order.")

    runs_inline: ClassVar[bool] = True

    @property
    def outputs(self) -> StepColumns:
        return columns_of(self.data)

    def total_rows(self) -> Optional[int]:
        return len(self.data)

    def process(self, offset: int = 0) -> GeneratorStepOutput:
        """Yield copies of the rows from ``offset`` on, ``batch_size`` at a time."""
        yield from batches_of(self.data, offset, self.batch_size or 50)
