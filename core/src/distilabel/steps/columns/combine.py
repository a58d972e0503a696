"""``distilabel.steps.columns.combine``, the distilabel 1.x path of ``CombineOutputs`` and
``CombineColumns`` (an alias)."""

from distilabel.steps._columns import CombineColumns, CombineOutputs

__all__ = ["CombineColumns", "CombineOutputs"]
