"""LLMs: the base classes, and every installed backend by name.

``LLM`` and ``AsyncLLM`` live here; backend classes (``OpenAILLM``, ``TransformersLLM``,
...) come from separately installed plugins and resolve lazily through the plugin
registry: ``from distilabel.llms import OpenAILLM`` works once ``distilabel-openai`` is
installed, and says what to install when it is not.

Every attribute is resolved on first access (PEP 562), so ``import distilabel.llms``
costs almost nothing; pydantic and the base classes load when first used.
"""

from __future__ import annotations

import dis
import importlib
import sys
from types import FrameType
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
        sdk_retrier,
        split_system,
    )
    from distilabel.llms._base import LLM, AsyncLLM
    from distilabel.llms._chat_template import PRESET_CHAT_TEMPLATES, render_chat_template
    from distilabel.llms._hosted import HostedLLM, max_retries_field
    from distilabel.llms._limiter import RequestLimiter
    from distilabel.llms._offline import (
        BatchJob,
        BatchResults,
        OfflineBatchGeneration,
        OfflineBatchGenerationNotFinished,
        generate_defaults,
        split_ranges,
        uses_offline_batch,
    )
    from distilabel.llms._outputs import InvalidLLMOutputError
    from distilabel.llms._prompts import (
        MAGPIE_PRE_QUERY_TEMPLATES,
        ChatRenderer,
        LLMInput,
        magpie_prompt,
    )
    from distilabel.llms._structured import StructuredOutput, StructuredOutputError
    from distilabel_anthropic import (  # type: ignore[import-not-found,unused-ignore]
        AnthropicLLM as AnthropicLLM,
    )
    from distilabel_cohere import (  # type: ignore[import-not-found,unused-ignore]
        CohereLLM as CohereLLM,
    )
    from distilabel_google import (  # type: ignore[import-not-found,unused-ignore]
        GeminiLLM as GeminiLLM,
    )
    from distilabel_google import (
        VertexAILLM as VertexAILLM,
    )
    from distilabel_groq import (  # type: ignore[import-not-found,unused-ignore]
        GroqLLM as GroqLLM,
    )
    from distilabel_huggingface import (  # type: ignore[import-not-found,unused-ignore]
        InferenceEndpointsLLM as InferenceEndpointsLLM,
    )
    from distilabel_litellm import (  # type: ignore[import-not-found,unused-ignore]
        LiteLLM as LiteLLM,
    )

    # Type checkers see the first-party backends' real classes (so a misspelt field is
    # flagged); at run time each resolves through the registry and the core imports no
    # plugin. Without the plugin installed the name is simply untyped.
    from distilabel_llamacpp import (  # type: ignore[import-not-found,unused-ignore]
        LlamaCppLLM as LlamaCppLLM,
    )
    from distilabel_mistral import (  # type: ignore[import-not-found,unused-ignore]
        MistralLLM as MistralLLM,
    )
    from distilabel_ollama import (  # type: ignore[import-not-found,unused-ignore]
        OllamaLLM as OllamaLLM,
    )
    from distilabel_openai import (  # type: ignore[import-not-found,unused-ignore]
        AnyscaleLLM as AnyscaleLLM,
    )
    from distilabel_openai import (
        AzureOpenAILLM as AzureOpenAILLM,
    )
    from distilabel_openai import (
        OpenAILLM as OpenAILLM,
    )
    from distilabel_openai import (
        TogetherLLM as TogetherLLM,
    )
    from distilabel_transformers import (  # type: ignore[import-not-found,unused-ignore]
        TransformersLLM as TransformersLLM,
    )

__all__ = [
    "LLM",
    "AsyncLLM",
    "Generation",
    "HostedLLM",
    "InvalidLLMOutputError",
    "RequestLimiter",
    "api_key_field",
    "chat_completion_generations",
    "env_field",
    "generate_separately",
    "join_generations",
    "max_retries_field",
    "require_api_key",
    "sdk_retrier",
    "split_system",
    "MAGPIE_PRE_QUERY_TEMPLATES",
    "PRESET_CHAT_TEMPLATES",
    "ChatRenderer",
    "LLMInput",
    "StructuredOutput",
    "StructuredOutputError",
    "BatchJob",
    "BatchResults",
    "OfflineBatchGeneration",
    "OfflineBatchGenerationNotFinished",
    "generate_defaults",
    "split_ranges",
    "uses_offline_batch",
    "magpie_prompt",
    "render_chat_template",
]

_LAZY = {
    "LLM": "distilabel.llms._base",
    "AsyncLLM": "distilabel.llms._base",
    "InvalidLLMOutputError": "distilabel.llms._outputs",
    "RequestLimiter": "distilabel.llms._limiter",
    "Generation": "distilabel.llms._api",
    "HostedLLM": "distilabel.llms._hosted",
    "max_retries_field": "distilabel.llms._hosted",
    "api_key_field": "distilabel.llms._api",
    "chat_completion_generations": "distilabel.llms._api",
    "env_field": "distilabel.llms._api",
    "generate_separately": "distilabel.llms._api",
    "join_generations": "distilabel.llms._api",
    "require_api_key": "distilabel.llms._api",
    "sdk_retrier": "distilabel.llms._api",
    "split_system": "distilabel.llms._api",
    "ChatRenderer": "distilabel.llms._prompts",
    "LLMInput": "distilabel.llms._prompts",
    "MAGPIE_PRE_QUERY_TEMPLATES": "distilabel.llms._prompts",
    "magpie_prompt": "distilabel.llms._prompts",
    "PRESET_CHAT_TEMPLATES": "distilabel.llms._chat_template",
    "render_chat_template": "distilabel.llms._chat_template",
    "StructuredOutput": "distilabel.llms._structured",
    "StructuredOutputError": "distilabel.llms._structured",
    "BatchJob": "distilabel.llms._offline",
    "BatchResults": "distilabel.llms._offline",
    "OfflineBatchGeneration": "distilabel.llms._offline",
    "OfflineBatchGenerationNotFinished": "distilabel.llms._offline",
    "split_ranges": "distilabel.llms._offline",
    "generate_defaults": "distilabel.llms._offline",
    "uses_offline_batch": "distilabel.llms._offline",
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

    try:
        return get_registry().get_llm_class(name)
    except AttributeError as exc:
        if _importing_from(sys._getframe(1)):
            # `from distilabel.llms import OpenAILMM`: Python would replace an
            # AttributeError with a bare "cannot import name"; keep the suggestion.
            raise ImportError(str(exc), name=__name__) from None
        raise


def _importing_from(frame: FrameType) -> bool:
    """Whether ``frame`` is running a ``from ... import name`` statement."""
    code = frame.f_code.co_code
    return 0 <= frame.f_lasti < len(code) and code[frame.f_lasti] == dis.opmap["IMPORT_FROM"]


def __dir__() -> list[str]:
    from distilabel.plugins import get_registry

    return sorted({*globals(), *__all__, *get_registry().llms})
