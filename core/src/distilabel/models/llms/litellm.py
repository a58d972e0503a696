"""``distilabel.models.llms.litellm``: the distilabel 1.5 path of ``LiteLLM``.

An alias of ``distilabel.llms.litellm``; names resolve through the installed plugin.
"""

from __future__ import annotations

from distilabel.llms.litellm import __all__ as __all__
from distilabel.llms.litellm import __getattr__ as __getattr__
