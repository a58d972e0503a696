"""``distilabel.models.llms.llamacpp``: the distilabel 1.5 path of ``LlamaCppLLM``.

An alias of ``distilabel.llms.llamacpp``; names resolve through the installed plugin.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from distilabel.llms.llamacpp import __all__ as __all__
from distilabel.llms.llamacpp import __getattr__ as __getattr__

if TYPE_CHECKING:
    from distilabel.llms.llamacpp import LlamaCppLLM as LlamaCppLLM
