"""``distilabel.steps.columns.group``, the distilabel 1.x path of ``GroupColumns`` and
``CombineColumns`` (an alias)."""

from distilabel.steps._columns import CombineColumns, GroupColumns

__all__ = ["CombineColumns", "GroupColumns"]
