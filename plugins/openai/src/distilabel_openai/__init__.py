"""distilabel backends for the OpenAI chat completions API and compatible servers.

Installed, the classes resolve through distilabel's plugin registry::

    from distilabel.llms import OpenAILLM, AzureOpenAILLM, TogetherLLM, AnyscaleLLM
    from distilabel.embeddings import OpenAIEmbeddings

Importing this package imports neither ``openai`` nor ``aiohttp``; the first request
imports ``aiohttp``, and nothing imports ``openai`` (the endpoints are built without it).
Requests follow the core's failure contract (``distilabel.http``); ``OpenAIRequestError``
is ``distilabel.errors.LLMRequestError``, kept under its old name.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from distilabel.errors import LLMRequestError as OpenAIRequestError
from distilabel.hookspecs import hookimpl
from distilabel_openai._azure import AzureOpenAILLM
from distilabel_openai._embeddings import OpenAIEmbeddings
from distilabel_openai._llm import OpenAILLM
from distilabel_openai._providers import AnyscaleLLM, TogetherLLM

if TYPE_CHECKING:
    from distilabel.embeddings import Embeddings
    from distilabel.llms import LLM

__version__ = "0.1.0"

__all__ = [
    "AnyscaleLLM",
    "AzureOpenAILLM",
    "OpenAIEmbeddings",
    "OpenAIRequestError",
    "OpenAILLM",
    "TogetherLLM",
    "distilabel_register_embeddings",
    "distilabel_register_llms",
]


@hookimpl
def distilabel_register_llms() -> list[type[LLM]]:
    """Register ``OpenAILLM``, ``AzureOpenAILLM``, ``TogetherLLM`` and ``AnyscaleLLM``."""
    return [OpenAILLM, AzureOpenAILLM, TogetherLLM, AnyscaleLLM]


@hookimpl
def distilabel_register_embeddings() -> list[type[Embeddings]]:
    """Register ``OpenAIEmbeddings`` (the embeddings endpoint of OpenAI-compatible APIs)."""
    return [OpenAIEmbeddings]
