"""``distilabel.models.llms.vllm``: the distilabel 1.5 path of ``vLLM``.

An alias of ``distilabel.llms.vllm``; names resolve through the installed plugin.
"""

from __future__ import annotations

from distilabel.llms.vllm import __all__ as __all__
from distilabel.llms.vllm import __getattr__ as __getattr__
