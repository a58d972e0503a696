"""``distilabel.models.llms.anyscale``: the distilabel 1.5 path of ``AnyscaleLLM``.

An alias of ``distilabel.llms.anyscale``; names resolve through the installed plugin.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from distilabel.llms.anyscale import __all__ as __all__
from distilabel.llms.anyscale import __getattr__ as __getattr__

if TYPE_CHECKING:
    from distilabel.llms.anyscale import AnyscaleLLM as AnyscaleLLM
