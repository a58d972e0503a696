"""``distilabel.steps.embeddings``, the distilabel 1.x package of the embedding steps
(an alias)."""

from distilabel.steps._embedding_generation import EmbeddingGeneration
from distilabel.steps._faiss import FaissNearestNeighbour

__all__ = ["EmbeddingGeneration", "FaissNearestNeighbour"]
