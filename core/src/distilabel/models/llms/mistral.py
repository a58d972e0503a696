"""``distilabel.models.llms.mistral``: the distilabel 1.5 path of ``MistralLLM``.

An alias of ``distilabel.llms.mistral``; names resolve through the installed plugin.
"""

from __future__ import annotations

from distilabel.llms.mistral import __all__ as __all__
from distilabel.llms.mistral import __getattr__ as __getattr__
