"""distilabel backend for LiteLLM, one client for many LLM APIs: LiteLLM.

Installed, the classes resolve through distilabel's plugin registry::

    from distilabel.llms import LiteLLM

Importing this package imports no SDK; ``load()`` does.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from distilabel.hookspecs import hookimpl
from distilabel_litellm._llm import LiteLLM

if TYPE_CHECKING:
    from distilabel.llms import LLM

__version__ = "0.1.0"

__all__ = ["LiteLLM", "distilabel_register_llms"]


@hookimpl
def distilabel_register_llms() -> list[type[LLM]]:
    """Register ``LiteLLM``."""
    return [LiteLLM]
