"""distilabel backend for Hugging Face inference: InferenceEndpointsLLM.

The serverless Inference API (and its inference providers), dedicated Inference Endpoints,
and any Text Generation Inference or OpenAI-compatible server by ``base_url``. Installed,
the class resolves through distilabel's plugin registry::

    from distilabel.llms import InferenceEndpointsLLM

Importing this package imports neither ``huggingface_hub`` nor ``transformers``;
``load()`` does.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from distilabel.hookspecs import hookimpl
from distilabel_huggingface._llm import InferenceEndpointsLLM

if TYPE_CHECKING:
    from distilabel.llms import LLM

__version__ = "0.1.0"

__all__ = ["InferenceEndpointsLLM", "distilabel_register_llms"]


@hookimpl
def distilabel_register_llms() -> list[type[LLM]]:
    """Register ``InferenceEndpointsLLM``."""
    return [InferenceEndpointsLLM]
