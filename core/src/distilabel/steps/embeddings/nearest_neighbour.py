"""``distilabel.steps.embeddings.nearest_neighbour``, the distilabel 1.x path of
``FaissNearestNeighbour`` (an alias)."""

from distilabel.steps._faiss import FaissNearestNeighbour

__all__ = ["FaissNearestNeighbour"]
