"""``distilabel.models.llms.groq``: the distilabel 1.5 path of ``GroqLLM``.

An alias of ``distilabel.llms.groq``; names resolve through the installed plugin.
"""

from __future__ import annotations

from distilabel.llms.groq import __all__ as __all__
from distilabel.llms.groq import __getattr__ as __getattr__
