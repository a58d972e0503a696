"""``distilabel.llms.anyscale``, the distilabel 1.0-1.4 path (an alias).

``AnyscaleLLM`` is the class the plugin registry resolves for
the name; a missing plugin raises an ImportError naming the package to install.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from distilabel.llms._aliases import backend_attribute

if TYPE_CHECKING:
    from distilabel.llms import AnyscaleLLM as AnyscaleLLM

__all__ = ["AnyscaleLLM"]


def __getattr__(name: str) -> Any:
    return backend_attribute(__name__, __all__, name)
