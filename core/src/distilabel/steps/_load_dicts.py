"""``LoadDataFromDicts``: feed a pipeline from a list of Python dicts."""

from __future__ import annotations

from typing import Any, ClassVar, Optional

from pydantic import Field

from distilabel.steps._base import GeneratorStep
from distilabel.steps.typing import GeneratorStepOutput, StepColumns

__all__ = ["LoadDataFromDicts"]


class LoadDataFromDicts(GeneratorStep):
    """Produce the given rows in batches of ``batch_size``.

    Example::

        LoadDataFromDicts(name="load", data=[{"instruction": "Write a haiku."}])
    """

    data: list[dict[str, Any]] = Field(..., description="The rows to produce, in order.")

    runs_inline: ClassVar[bool] = True

    @property
    def outputs(self) -> StepColumns:
        columns: dict[str, bool] = {}
        for row in self.data[:100]:
            columns.update(dict.fromkeys(row, True))
        return list(columns)

    def total_rows(self) -> Optional[int]:
        return len(self.data)

    def process(self, offset: int = 0) -> GeneratorStepOutput:
        """Yield copies of the rows from ``offset`` on, ``batch_size`` at a time."""
        data = self.data
        size = self.batch_size or 50
        if offset >= len(data):
            yield [], True
            return
        for start in range(offset, len(data), size):
            yield [dict(row) for row in data[start:start + size]], start + size >= len(data)
