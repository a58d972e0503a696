"""distilabel plugin providing ``SentenceTransformerEmbeddings``.

Importing this package is cheap: ``sentence_transformers`` is imported by ``load()``.
"""

from __future__ import annotations

from distilabel.embeddings import Embeddings
from distilabel.hookspecs import hookimpl
from distilabel_sentence_transformers._embeddings import (
    PACKAGED_MODEL,
    SentenceTransformerEmbeddings,
    packaged_model_path,
)

__version__ = "0.1.0"

__all__ = [
    "PACKAGED_MODEL",
    "SentenceTransformerEmbeddings",
    "distilabel_register_embeddings",
    "packaged_model_path",
]


@hookimpl
def distilabel_register_embeddings() -> list[type[Embeddings]]:
    """Register ``SentenceTransformerEmbeddings`` with distilabel."""
    return [SentenceTransformerEmbeddings]
