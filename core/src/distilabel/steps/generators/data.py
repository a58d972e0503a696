"""``distilabel.steps.generators.data``, the distilabel 1.x path of ``LoadDataFromDicts``
(an alias)."""

from distilabel.steps._load_dicts import LoadDataFromDicts

__all__ = ["LoadDataFromDicts"]
