"""distilabel plugin providing ``TransformersLLM`` (Hugging Face transformers models).

Importing this package is cheap: torch and transformers are imported by
``TransformersLLM.load()``.
"""

from __future__ import annotations

from distilabel.hookspecs import hookimpl
from distilabel.llms import LLM
from distilabel_transformers._gguf_cache import converted_model_dir, models_cache_dir
from distilabel_transformers.llm import TransformersLLM

__all__ = [
    "TransformersLLM",
    "converted_model_dir",
    "distilabel_register_llms",
    "models_cache_dir",
]


@hookimpl
def distilabel_register_llms() -> list[type[LLM]]:
    """Register ``TransformersLLM`` with distilabel."""
    return [TransformersLLM]
