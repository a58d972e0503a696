"""distilabel backend for Groq's chat completions API.

Installed, the class resolves through distilabel's plugin registry::

    from distilabel.llms import GroqLLM

Importing this package does not import ``groq``; ``load()`` does.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from distilabel.hookspecs import hookimpl
from distilabel_groq._llm import GroqLLM

if TYPE_CHECKING:
    from distilabel.llms import LLM

__version__ = "0.1.0"

__all__ = ["GroqLLM", "distilabel_register_llms"]


@hookimpl
def distilabel_register_llms() -> list[type[LLM]]:
    """Register ``GroqLLM``."""
    return [GroqLLM]
