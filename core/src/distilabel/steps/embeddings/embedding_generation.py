"""``distilabel.steps.embeddings.embedding_generation``, the distilabel 1.x path of
``EmbeddingGeneration`` (an alias)."""

from distilabel.steps._embedding_generation import EmbeddingGeneration

__all__ = ["EmbeddingGeneration"]
