"""``distilabel.models.embeddings``, the distilabel 1.5 path of embedding models.

Embedding models are not a model kind of this distilabel: a row's embedding comes from
the ``GenerateEmbeddings`` task with an LLM that returns hidden states
(``TransformersLLM``, ``LlamaCppLLM``). The 1.5 names import with an error that says so.
"""

from __future__ import annotations

from typing import Any

from distilabel.llms._aliases import unavailable_attribute

__all__: list[str] = []

UNAVAILABLE = (
    "Embeddings",
    "LlamaCppEmbeddings",
    "SGLangEmbeddings",
    "SentenceTransformerEmbeddings",
    "vLLMEmbeddings",
)
"""The distilabel 1.5 names of this module; each raises an ImportError saying what to use."""

_REASON = (
    "embedding models are not a model kind of this distilabel. Compute embeddings with"
    " `distilabel.steps.tasks.GenerateEmbeddings(llm=...)` and an LLM that returns hidden"
    " states, e.g. TransformersLLM or LlamaCppLLM (see docs/migrating.md)."
)


def __getattr__(name: str) -> Any:
    return unavailable_attribute(__name__, UNAVAILABLE, name, _REASON)
