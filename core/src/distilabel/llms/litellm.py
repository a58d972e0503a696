"""``distilabel.llms.litellm``, the distilabel 1.0-1.4 path (an alias).

``LiteLLM`` is the class the plugin registry resolves for
the name; a missing plugin raises an ImportError naming the package to install.
"""

from __future__ import annotations

from typing import Any

from distilabel.llms._aliases import backend_attribute

__all__ = ["LiteLLM"]  # noqa: F822 (resolved by __getattr__)


def __getattr__(name: str) -> Any:
    return backend_attribute(__name__, __all__, name)
