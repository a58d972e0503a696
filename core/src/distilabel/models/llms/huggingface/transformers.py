"""``distilabel.models.llms.huggingface.transformers``:
the distilabel 1.5 path of ``TransformersLLM``.

An alias of ``distilabel.llms.huggingface.transformers``;
names resolve through the installed plugin.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from distilabel.llms.huggingface.transformers import __all__ as __all__
from distilabel.llms.huggingface.transformers import __getattr__ as __getattr__

if TYPE_CHECKING:
    from distilabel.llms.huggingface.transformers import TransformersLLM as TransformersLLM
