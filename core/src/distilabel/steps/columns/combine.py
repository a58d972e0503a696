"""``distilabel.steps.columns.combine``, the distilabel 1.x path of ``CombineOutputs``
(an alias)."""

from distilabel.steps._columns import CombineOutputs

__all__ = ["CombineOutputs"]
