"""distilabel backend for Anthropic's Messages API.

Installed, the class resolves through distilabel's plugin registry::

    from distilabel.llms import AnthropicLLM

Importing this package does not import ``anthropic``; ``load()`` does.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from distilabel.hookspecs import hookimpl
from distilabel_anthropic._llm import AnthropicLLM

if TYPE_CHECKING:
    from distilabel.llms import LLM

__version__ = "0.1.0"

__all__ = ["AnthropicLLM", "distilabel_register_llms"]


@hookimpl
def distilabel_register_llms() -> list[type[LLM]]:
    """Register ``AnthropicLLM``."""
    return [AnthropicLLM]
