"""``distilabel.models.llms.anthropic``: the distilabel 1.5 path of ``AnthropicLLM``.

An alias of ``distilabel.llms.anthropic``; names resolve through the installed plugin.
"""

from __future__ import annotations

from distilabel.llms.anthropic import __all__ as __all__
from distilabel.llms.anthropic import __getattr__ as __getattr__
