"""``distilabel.models.llms.cohere``: the distilabel 1.5 path of ``CohereLLM``.

An alias of ``distilabel.llms.cohere``; names resolve through the installed plugin.
"""

from __future__ import annotations

from distilabel.llms.cohere import __all__ as __all__
from distilabel.llms.cohere import __getattr__ as __getattr__
