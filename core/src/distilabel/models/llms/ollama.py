"""``distilabel.models.llms.ollama``: the distilabel 1.5 path of ``OllamaLLM``.

An alias of ``distilabel.llms.ollama``; names resolve through the installed plugin.
"""

from __future__ import annotations

from distilabel.llms.ollama import __all__ as __all__
from distilabel.llms.ollama import __getattr__ as __getattr__
