"""``distilabel.steps.deita``, the distilabel 1.x path of ``DeitaFiltering`` (an alias)."""

from distilabel.steps._deita import DeitaFiltering

__all__ = ["DeitaFiltering"]
