"""distilabel plugin providing ``LlamaCppLLM`` (GGUF models through llama.cpp).

Importing this package is cheap: ``llama_cpp`` is imported by ``LlamaCppLLM.load()``.
"""

from __future__ import annotations

from distilabel.hookspecs import hookimpl
from distilabel.llms import LLM
from distilabel_llamacpp.llm import LlamaCppLLM

__all__ = ["LlamaCppLLM", "distilabel_register_llms"]


@hookimpl
def distilabel_register_llms() -> list[type[LLM]]:
    """Register ``LlamaCppLLM`` with distilabel."""
    return [LlamaCppLLM]
