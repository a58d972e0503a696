"""distilabel backend for Cohere's Chat API (v2): CohereLLM.

Installed, the classes resolve through distilabel's plugin registry::

    from distilabel.llms import CohereLLM

Importing this package imports no SDK; ``load()`` does.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from distilabel.hookspecs import hookimpl
from distilabel_cohere._llm import CohereLLM

if TYPE_CHECKING:
    from distilabel.llms import LLM

__version__ = "0.1.0"

__all__ = ["CohereLLM", "distilabel_register_llms"]


@hookimpl
def distilabel_register_llms() -> list[type[LLM]]:
    """Register ``CohereLLM``."""
    return [CohereLLM]
