"""distilabel plugin providing ``LlamaCppLLM`` and ``LlamaCppEmbeddings`` (GGUF models
through llama.cpp).

Importing this package is cheap: ``llama_cpp`` is imported by ``load()``.
"""

from __future__ import annotations

from distilabel.embeddings import Embeddings
from distilabel.hookspecs import hookimpl
from distilabel.llms import LLM
from distilabel_llamacpp.embeddings import LlamaCppEmbeddings
from distilabel_llamacpp.llm import LlamaCppLLM

__all__ = [
    "LlamaCppEmbeddings",
    "LlamaCppLLM",
    "distilabel_register_embeddings",
    "distilabel_register_llms",
]


@hookimpl
def distilabel_register_llms() -> list[type[LLM]]:
    """Register ``LlamaCppLLM`` with distilabel."""
    return [LlamaCppLLM]


@hookimpl
def distilabel_register_embeddings() -> list[type[Embeddings]]:
    """Register ``LlamaCppEmbeddings`` with distilabel."""
    return [LlamaCppEmbeddings]
