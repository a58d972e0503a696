"""``distilabel.models.llms.openai``: the distilabel 1.5 path of ``OpenAILLM``.

An alias of ``distilabel.llms.openai``; names resolve through the installed plugin.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from distilabel.llms.openai import __all__ as __all__
from distilabel.llms.openai import __getattr__ as __getattr__

if TYPE_CHECKING:
    from distilabel.llms.openai import OpenAILLM as OpenAILLM
