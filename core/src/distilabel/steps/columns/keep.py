"""``distilabel.steps.columns.keep``, the distilabel 1.x path of ``KeepColumns`` (an alias)."""

from distilabel.steps._columns import KeepColumns

__all__ = ["KeepColumns"]
