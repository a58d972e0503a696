"""``distilabel.steps.columns.merge``, the distilabel 1.x path of ``MergeColumns`` (an alias)."""

from distilabel.steps._columns import MergeColumns

__all__ = ["MergeColumns"]
