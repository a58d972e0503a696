"""``distilabel.constants``, the distilabel 1.x path of shared constants (an alias).

``DISTILABEL_METADATA_KEY`` is the column where tasks keep raw outputs and statistics
(:data:`distilabel.steps.tasks.METADATA_COLUMN`).
"""

from distilabel.steps.tasks._base import METADATA_COLUMN as DISTILABEL_METADATA_KEY

__all__ = ["DISTILABEL_METADATA_KEY"]
