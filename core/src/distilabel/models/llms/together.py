"""``distilabel.models.llms.together``: the distilabel 1.5 path of ``TogetherLLM``.

An alias of ``distilabel.llms.together``; names resolve through the installed plugin.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from distilabel.llms.together import __all__ as __all__
from distilabel.llms.together import __getattr__ as __getattr__

if TYPE_CHECKING:
    from distilabel.llms.together import TogetherLLM as TogetherLLM
