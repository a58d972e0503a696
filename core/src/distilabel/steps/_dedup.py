"""What the deduplication steps share: a flag column, or removal of the flagged rows."""

from __future__ import annotations

from typing import ClassVar, Optional

from pydantic import Field

from distilabel.runtime_parameters import RuntimeParameter
from distilabel.steps._base import GlobalStep
from distilabel.steps.typing import Row, StepColumns, StepInput, StepOutput

__all__ = ["DedupStep"]


class DedupStep(GlobalStep):
    """A global step that flags duplicate rows in ``keep_column`` (``False`` for a
    duplicate of an earlier row), or removes them with ``drop_duplicates=True``.
    Subclasses define ``row_flags``."""

    keep_column: ClassVar[str]

    drop_duplicates: RuntimeParameter[bool] = Field(
        default=False, description="Remove the duplicate rows instead of flagging them."
    )

    @property
    def outputs(self) -> StepColumns:
        return [self.keep_column]

    def row_flags(self, rows: list[Row]) -> list[bool]:
        """For each row, whether it duplicates an earlier one."""
        raise NotImplementedError

    def process(self, inputs: StepInput) -> StepOutput:
        """Yield every row with its keep flag (or only the kept rows with
        ``drop_duplicates``)."""
        out: list[Row] = []
        for row, duplicate in zip(inputs, self.row_flags(inputs), strict=True):
            if duplicate and self.drop_duplicates:
                continue
            row[self.keep_column] = not duplicate
            out.append(row)
        yield out

    def expected_output_rows(self, input_rows: Optional[int]) -> Optional[int]:
        return None if self.drop_duplicates else input_rows
