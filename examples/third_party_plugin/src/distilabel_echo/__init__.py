"""distilabel-echo: a deterministic echo "model" packaged as a distilabel LLM plugin.

distilabel imports this module while discovering plugins, so it stays cheap: it imports
neither the LLM classes nor the backend engine until the hook is called.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from distilabel.hookspecs import hookimpl

if TYPE_CHECKING:
    from distilabel.llms import LLM

__all__ = ["distilabel_register_llms"]


@hookimpl
def distilabel_register_llms() -> list[type[LLM]]:
    """Register ``EchoLLM`` and ``AsyncEchoLLM`` with distilabel."""
    from distilabel_echo._llm import AsyncEchoLLM, EchoLLM

    return [EchoLLM, AsyncEchoLLM]
