"""LLMs: the base classes, and every installed backend by name.

``LLM`` and ``AsyncLLM`` live here; backend classes (``OpenAILLM``, ``TransformersLLM``,
...) come from separately installed plugins and resolve lazily through the plugin
registry: ``from distilabel.llms import OpenAILLM`` works once ``distilabel-openai`` is
installed, and says what to install when it is not.
"""

from __future__ import annotations

from typing import Any

from distilabel.llms._base import LLM, AsyncLLM
from distilabel.llms._limiter import RequestLimiter
from distilabel.llms._outputs import InvalidLLMOutputError

__all__ = ["LLM", "AsyncLLM", "InvalidLLMOutputError", "RequestLimiter"]


def __getattr__(name: str) -> Any:
    if name.startswith("_"):
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    from distilabel.plugins import get_registry

    return get_registry().get_llm_class(name)


def __dir__() -> list[str]:
    from distilabel.plugins import get_registry

    return sorted({*globals(), *get_registry().llms})
