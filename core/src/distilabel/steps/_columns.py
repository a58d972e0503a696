"""Steps that reshape columns: keep, combine, expand, group and merge."""

from __future__ import annotations

from typing import Any, Optional, Union

from pydantic import Field, model_validator

from distilabel.errors import DistilabelUserError
from distilabel.steps._base import Step
from distilabel.steps.typing import Row, StepColumns, StepInput, StepOutput

__all__ = [
    "CombineColumns", "CombineOutputs", "ExpandColumns", "GroupColumns", "KeepColumns",
    "MergeColumns",
]

_METADATA = "distilabel_metadata"


class KeepColumns(Step):
    """Keep only ``columns``, in that order; every other column is dropped.

    Example::

        KeepColumns(columns=["instruction", "generation"])
    """

    columns: list[str] = Field(..., min_length=1, description="The columns to keep, in order.")

    @property
    def inputs(self) -> StepColumns:
        return self.columns

    @property
    def outputs(self) -> StepColumns:
        return self.columns

    def get_output_columns(self, available: Optional[set[str]]) -> Optional[set[str]]:
        return set(self.output_column_names())

    def process(self, inputs: StepInput) -> StepOutput:
        """Yield the rows narrowed to ``columns``."""
        columns = self.columns
        yield [{c: row[c] for c in columns} for row in inputs]


def _merge_rows(rows: tuple[Row, ...]) -> Row:
    merged: Row = {}
    metadata: dict[str, Any] = {}
    for row in rows:
        for key, value in row.items():
            if key == _METADATA and isinstance(value, dict):
                metadata.update(value)
            else:
                merged[key] = value
    if metadata:
        merged[_METADATA] = metadata
    return merged


def _zip_inputs(step: str, inputs: tuple[StepInput, ...]) -> list[tuple[Row, ...]]:
    sizes = {len(batch) for batch in inputs}
    if len(sizes) > 1:
        raise DistilabelUserError(
            f"Step '{step}' received batches of different sizes {sorted(sizes)} from its"
            " predecessors; it combines rows by position, so every predecessor must produce"
            " one row per input row (no filtering, no num_generations > 1 without"
            " group_generations=True)."
        )
    return list(zip(*inputs, strict=False))


class CombineOutputs(Step):
    """Merge the rows of several predecessors position by position into one row.

    Later predecessors win on equal column names; ``distilabel_metadata`` dicts are merged.
    """

    def process(self, *inputs: StepInput) -> StepOutput:
        """Yield one merged row per aligned group of input rows."""
        yield [_merge_rows(rows) for rows in _zip_inputs(self.name, inputs)]


class ExpandColumns(Step):
    """Turn list-valued columns into one row per element.

    ``columns`` is a list of names, or ``{column: new_name}`` to rename while expanding.
    Several columns expand together and must hold lists of equal length in each row.
    """

    columns: Union[dict[str, str], list[str]] = Field(
        ..., description="The list columns to expand, or {column: output_name}."
    )

    @model_validator(mode="after")
    def _check_columns(self) -> ExpandColumns:
        if not self.columns:
            raise ValueError("ExpandColumns needs at least one column in `columns`.")
        return self

    @property
    def _column_map(self) -> dict[str, str]:
        if isinstance(self.columns, dict):
            return dict(self.columns)
        return {c: c for c in self.columns}

    @property
    def inputs(self) -> StepColumns:
        return list(self._column_map)

    @property
    def outputs(self) -> StepColumns:
        return list(self._column_map.values())

    def expected_output_rows(self, input_rows: Optional[int]) -> Optional[int]:
        return None

    def get_output_columns(self, available: Optional[set[str]]) -> Optional[set[str]]:
        if available is None:
            return None
        renamed = {c for c, new in self._column_map.items() if c != new}
        return (available - renamed) | set(self.output_column_names())

    def process(self, inputs: StepInput) -> StepOutput:
        """Yield one row per list element of the expanded columns."""
        mapping = self._column_map
        out: list[Row] = []
        for row in inputs:
            lists = {col: row.get(col) for col in mapping}
            lengths = {len(v) if isinstance(v, list) else -1 for v in lists.values()}
            if -1 in lengths or len(lengths) > 1:
                shapes = {c: (len(v) if isinstance(v, list) else type(v).__name__)
                          for c, v in lists.items()}
                raise DistilabelUserError(
                    f"Step '{self.name}' cannot expand {shapes}: every expanded column must"
                    " hold a list, and lists in one row must have the same length."
                )
            (length,) = lengths
            base = {k: v for k, v in row.items() if k not in mapping}
            for i in range(length):
                new = dict(base)
                for col, new_name in mapping.items():
                    new[new_name] = lists[col][i]  # type: ignore[index]
                out.append(new)
        yield out


class GroupColumns(Step):
    """Gather a column from several predecessors into one list column.

    With ``columns=["generation"]`` and two predecessors, each output row has
    ``grouped_generation = [generation_from_first, generation_from_second]``; other
    columns come from the first predecessor and ``distilabel_metadata`` dicts are merged.
    """

    columns: list[str] = Field(..., min_length=1, description="The columns to group.")
    output_columns: Optional[list[str]] = Field(
        default=None, description="Names of the grouped columns (default `grouped_<column>`)."
    )

    @model_validator(mode="after")
    def _check_outputs(self) -> GroupColumns:
        if self.output_columns is not None and len(self.output_columns) != len(self.columns):
            raise ValueError(
                f"GroupColumns got {len(self.columns)} columns but {len(self.output_columns)}"
                " output_columns; give one output name per column."
            )
        return self

    @property
    def inputs(self) -> StepColumns:
        return self.columns

    @property
    def outputs(self) -> StepColumns:
        return self.output_columns or [f"grouped_{c}" for c in self.columns]

    def process(self, *inputs: StepInput) -> StepOutput:
        """Yield one row per aligned group, with the grouped columns as lists."""
        targets = list(self.outputs)
        out: list[Row] = []
        for rows in _zip_inputs(self.name, inputs):
            merged = _merge_rows(tuple(reversed(rows)))
            for col in self.columns:
                merged.pop(col, None)
            for col, target in zip(self.columns, targets, strict=False):
                merged[target] = [row.get(col) for row in rows]
            out.append(merged)
        yield out


class CombineColumns(GroupColumns):
    """``GroupColumns`` under its distilabel 1.0-1.3 name: the grouped columns are named
    ``merged_<column>`` by default, as they were then.

    Example::

        CombineColumns(columns=["generation", "model_name"])
    """

    @property
    def outputs(self) -> StepColumns:
        return self.output_columns or [f"merged_{c}" for c in self.columns]


class MergeColumns(Step):
    """Put the values of several columns of each row into one list column.

    ``MergeColumns(columns=["answer_a", "answer_b"], output_column="generations")``
    adds ``"generations": ["x", "y"]`` to ``{"answer_a": "x", "answer_b": "y"}`` (the
    merged columns stay); a missing column gives ``None`` in its place.

    Example::

        MergeColumns(columns=["answer_a", "answer_b"], output_column="generations")
    """

    columns: list[str] = Field(..., min_length=1, description="The columns to merge, in order.")
    output_column: Optional[str] = Field(
        default=None, description="The name of the list column (default `merged_column`)."
    )

    @property
    def inputs(self) -> StepColumns:
        return self.columns

    @property
    def outputs(self) -> StepColumns:
        return [self.output_column or "merged_column"]

    def process(self, inputs: StepInput) -> StepOutput:
        """Yield the rows with the merged list column added."""
        target = self.output_column or "merged_column"
        for row in inputs:
            row[target] = [row.get(c) for c in self.columns]
        yield inputs
