"""``distilabel.steps.columns``, the distilabel 1.x package of column steps (an alias)."""

from distilabel.steps._columns import CombineOutputs, ExpandColumns, GroupColumns, KeepColumns

__all__ = ["CombineOutputs", "ExpandColumns", "GroupColumns", "KeepColumns"]
