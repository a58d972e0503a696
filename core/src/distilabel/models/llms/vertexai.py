"""``distilabel.models.llms.vertexai``: the distilabel 1.5 path of ``VertexAILLM``.

An alias of ``distilabel.llms.vertexai``; names resolve through the installed plugin.
"""

from __future__ import annotations

from distilabel.llms.vertexai import __all__ as __all__
from distilabel.llms.vertexai import __getattr__ as __getattr__
