"""``distilabel.steps.columns.expand``, the distilabel 1.x path of ``ExpandColumns`` (an alias)."""

from distilabel.steps._columns import ExpandColumns

__all__ = ["ExpandColumns"]
