"""``distilabel.steps.filtering.minhash``, the distilabel 1.x path of ``MinHashDedup``
(an alias)."""

from distilabel.steps._minhash import MinHashDedup

__all__ = ["MinHashDedup"]
