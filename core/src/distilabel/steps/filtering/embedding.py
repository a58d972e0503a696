"""``distilabel.steps.filtering.embedding``, the distilabel 1.x path of ``EmbeddingDedup``
(an alias)."""

from distilabel.steps._embedding_dedup import EmbeddingDedup

__all__ = ["EmbeddingDedup"]
