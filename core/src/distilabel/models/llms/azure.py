"""``distilabel.models.llms.azure``: the distilabel 1.5 path of ``AzureOpenAILLM``.

An alias of ``distilabel.llms.azure``; names resolve through the installed plugin.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from distilabel.llms.azure import __all__ as __all__
from distilabel.llms.azure import __getattr__ as __getattr__

if TYPE_CHECKING:
    from distilabel.llms.azure import AzureOpenAILLM as AzureOpenAILLM
