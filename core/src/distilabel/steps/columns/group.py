"""``distilabel.steps.columns.group``, the distilabel 1.x path of ``GroupColumns`` (an alias)."""

from distilabel.steps._columns import GroupColumns

__all__ = ["GroupColumns"]
