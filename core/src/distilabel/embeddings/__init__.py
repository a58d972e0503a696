"""Embedding models: the base class, and every installed backend by name.

``Embeddings`` lives here; backend classes (``SentenceTransformerEmbeddings``,
``LlamaCppEmbeddings``, ``OpenAIEmbeddings``, ...) come from separately installed plugins
through the ``distilabel.embeddings`` entry-point group and resolve lazily:
``from distilabel.embeddings import LlamaCppEmbeddings`` works once ``distilabel-llamacpp``
is installed, and says what to install when it is not. ``distilabel embeddings list``
shows what is installed.
"""

from __future__ import annotations

import importlib
import sys
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from distilabel_sentence_transformers import (  # type: ignore[import-not-found,unused-ignore]
        SentenceTransformerEmbeddings as SentenceTransformerEmbeddings,
    )

    from distilabel.embeddings._base import Embeddings
    from distilabel_llamacpp import (  # type: ignore[import-not-found,unused-ignore]
        LlamaCppEmbeddings as LlamaCppEmbeddings,
    )
    from distilabel_openai import (  # type: ignore[import-not-found,unused-ignore]
        OpenAIEmbeddings as OpenAIEmbeddings,
    )

__all__ = ["Embeddings"]


def __getattr__(name: str) -> Any:
    if name == "Embeddings":
        value = importlib.import_module("distilabel.embeddings._base").Embeddings
        globals()[name] = value
        return value
    if name.startswith("_"):
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    from distilabel.llms import _importing_from
    from distilabel.plugins import get_registry

    try:
        return get_registry("embeddings").get_class(name)
    except AttributeError as exc:
        if _importing_from(sys._getframe(1)):
            raise ImportError(str(exc), name=__name__) from None
        raise


def __dir__() -> list[str]:
    from distilabel.plugins import get_registry

    return sorted({*globals(), *__all__, *get_registry("embeddings").models})
