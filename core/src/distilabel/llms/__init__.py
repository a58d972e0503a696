"""LLMs: the base classes, and every installed backend by name.

``LLM`` and ``AsyncLLM`` live here; backend classes (``OpenAILLM``, ``TransformersLLM``,
...) come from separately installed plugins and resolve lazily through the plugin
registry: ``from distilabel.llms import OpenAILLM`` works once ``distilabel-openai`` is
installed, and says what to install when it is not.

Every attribute is resolved on first access (PEP 562), so ``import distilabel.llms``
costs almost nothing; pydantic and the base classes load when first used.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from distilabel.llms._api import (
        Generation,
        api_key_field,
        chat_completion_generations,
        env_field,
        generate_separately,
        join_generations,
        require_api_key,
        split_system,
    )
    from distilabel.llms._base import LLM, AsyncLLM
    from distilabel.llms._limiter import RequestLimiter
    from distilabel.llms._outputs import InvalidLLMOutputError

__all__ = [
    "LLM",
    "AsyncLLM",
    "Generation",
    "InvalidLLMOutputError",
    "RequestLimiter",
    "api_key_field",
    "chat_completion_generations",
    "env_field",
    "generate_separately",
    "join_generations",
    "require_api_key",
    "split_system",
]

_LAZY = {
    "LLM": "distilabel.llms._base",
    "AsyncLLM": "distilabel.llms._base",
    "InvalidLLMOutputError": "distilabel.llms._outputs",
    "RequestLimiter": "distilabel.llms._limiter",
    "Generation": "distilabel.llms._api",
    "api_key_field": "distilabel.llms._api",
    "chat_completion_generations": "distilabel.llms._api",
    "env_field": "distilabel.llms._api",
    "generate_separately": "distilabel.llms._api",
    "join_generations": "distilabel.llms._api",
    "require_api_key": "distilabel.llms._api",
    "split_system": "distilabel.llms._api",
}


def __getattr__(name: str) -> Any:
    module = _LAZY.get(name)
    if module is not None:
        value = getattr(importlib.import_module(module), name)
        globals()[name] = value
        return value
    if name.startswith("_"):
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    from distilabel.plugins import get_registry

    return get_registry().get_llm_class(name)


def __dir__() -> list[str]:
    from distilabel.plugins import get_registry

    return sorted({*globals(), *__all__, *get_registry().llms})
