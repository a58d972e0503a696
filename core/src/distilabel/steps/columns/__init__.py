"""``distilabel.steps.columns``, the distilabel 1.x package of column steps (an alias)."""

from distilabel.steps._columns import (
    CombineColumns,
    CombineOutputs,
    ExpandColumns,
    GroupColumns,
    KeepColumns,
    MergeColumns,
)

__all__ = [
    "CombineColumns", "CombineOutputs", "ExpandColumns", "GroupColumns", "KeepColumns",
    "MergeColumns",
]
