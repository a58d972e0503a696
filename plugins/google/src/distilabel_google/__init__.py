"""distilabel backends for Gemini models through ``google-genai``: GeminiLLM (the Gemini
API) and VertexAILLM (Google Cloud's Vertex AI).

Installed, the classes resolve through distilabel's plugin registry::

    from distilabel.llms import GeminiLLM, VertexAILLM

Importing this package does not import ``google.genai``; ``load()`` does.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from distilabel.hookspecs import hookimpl
from distilabel_google._llm import GeminiLLM, VertexAILLM

if TYPE_CHECKING:
    from distilabel.llms import LLM

__version__ = "0.1.0"

__all__ = ["GeminiLLM", "VertexAILLM", "distilabel_register_llms"]


@hookimpl
def distilabel_register_llms() -> list[type[LLM]]:
    """Register ``GeminiLLM`` and ``VertexAILLM``."""
    return [GeminiLLM, VertexAILLM]
