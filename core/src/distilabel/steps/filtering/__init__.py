"""``distilabel.steps.filtering``, the distilabel 1.x package of the deduplication
steps (an alias)."""

from distilabel.steps._embedding_dedup import EmbeddingDedup
from distilabel.steps._minhash import MinHashDedup

__all__ = ["EmbeddingDedup", "MinHashDedup"]
