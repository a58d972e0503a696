"""``distilabel.models.llms.huggingface``:
the distilabel 1.5 path of ``InferenceEndpointsLLM``, ``TransformersLLM``.

An alias of ``distilabel.llms.huggingface``; names resolve through the installed plugin.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from distilabel.llms.huggingface import __all__ as __all__
from distilabel.llms.huggingface import __getattr__ as __getattr__

if TYPE_CHECKING:
    from distilabel.llms.huggingface import TransformersLLM as TransformersLLM
