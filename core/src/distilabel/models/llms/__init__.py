"""``distilabel.models.llms``, the distilabel 1.5 path of :mod:`distilabel.llms` (an alias).

``LLM``, ``AsyncLLM`` and every installed backend by name, the same objects as
``distilabel.llms`` gives (backends resolve through the plugin registry on first access).
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

__all__ = ["LLM", "AsyncLLM"]


def __getattr__(name: str) -> Any:
    import distilabel.llms

    return getattr(distilabel.llms, name)
