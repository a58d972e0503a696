"""``distilabel.models.embeddings``, the distilabel 1.5 path of embedding models (an alias).

``Embeddings`` and every installed embedding backend by name, the same objects as
:mod:`distilabel.embeddings` gives (backends resolve through the plugin registry).
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from distilabel.embeddings import (
        Embeddings as Embeddings,
    )
    from distilabel.embeddings import (
        LlamaCppEmbeddings as LlamaCppEmbeddings,
    )
    from distilabel.embeddings import (
        OpenAIEmbeddings as OpenAIEmbeddings,
    )
    from distilabel.embeddings import (
        SentenceTransformerEmbeddings as SentenceTransformerEmbeddings,
    )

__all__ = ["Embeddings"]

NAMES = ("Embeddings", "SentenceTransformerEmbeddings", "LlamaCppEmbeddings",
         "OpenAIEmbeddings", "vLLMEmbeddings", "SGLangEmbeddings")
"""The names this alias answers for (1.5's and the backends built here)."""


def __getattr__(name: str) -> Any:
    import distilabel.embeddings

    return getattr(distilabel.embeddings, name)
