"""``distilabel.models``, the distilabel 1.5 package of models (an alias).

``from distilabel.models import OpenAILLM`` gives what ``from distilabel.llms import
OpenAILLM`` gives; ``GenerateOutput`` and ``HiddenState`` are the LLM types. The 1.5
embedding model names are in :mod:`distilabel.models.embeddings`.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from distilabel.llms import (
        LLM as LLM,
    )
    from distilabel.llms import (
        AnyscaleLLM as AnyscaleLLM,
    )
    from distilabel.llms import (
        AsyncLLM as AsyncLLM,
    )
    from distilabel.llms import (
        AzureOpenAILLM as AzureOpenAILLM,
    )
    from distilabel.llms import (
        LlamaCppLLM as LlamaCppLLM,
    )
    from distilabel.llms import (
        OpenAILLM as OpenAILLM,
    )
    from distilabel.llms import (
        TogetherLLM as TogetherLLM,
    )
    from distilabel.llms import (
        TransformersLLM as TransformersLLM,
    )
    from distilabel.llms.typing import GenerateOutput as GenerateOutput
    from distilabel.llms.typing import HiddenState as HiddenState

__all__ = ["LLM", "AsyncLLM", "GenerateOutput", "HiddenState"]


def __getattr__(name: str) -> Any:
    import importlib

    if name in ("GenerateOutput", "HiddenState"):
        return getattr(importlib.import_module("distilabel.llms.typing"), name)
    embeddings = importlib.import_module("distilabel.models.embeddings")
    if name in embeddings.NAMES:
        return getattr(embeddings, name)
    return getattr(importlib.import_module("distilabel.llms"), name)
