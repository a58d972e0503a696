"""distilabel backend for Mistral AI's chat completions API: MistralLLM.

Installed, the classes resolve through distilabel's plugin registry::

    from distilabel.llms import MistralLLM

Importing this package imports no SDK; ``load()`` does.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from distilabel.hookspecs import hookimpl
from distilabel_mistral._llm import MistralLLM

if TYPE_CHECKING:
    from distilabel.llms import LLM

__version__ = "0.1.0"

__all__ = ["MistralLLM", "distilabel_register_llms"]


@hookimpl
def distilabel_register_llms() -> list[type[LLM]]:
    """Register ``MistralLLM``."""
    return [MistralLLM]
