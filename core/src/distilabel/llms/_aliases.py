"""What the 1.x module paths of backends (``distilabel.llms.openai``, ...) resolve through.

Each such module is an alias that lists the names it provides in ``__all__`` and whose
module ``__getattr__`` calls :func:`backend_attribute`: the name is looked up in the plugin
registry on first access, so the alias never imports a backend and a missing plugin says
which package to install.
"""

from __future__ import annotations

from typing import Any, Sequence

__all__ = ["backend_attribute", "unavailable_attribute"]


def backend_attribute(module: str, names: Sequence[str], name: str) -> Any:
    """The LLM class ``name`` of the alias module ``module``, which provides ``names``.

    Raises:
        PluginNotAvailableError: ``name`` is a known backend whose plugin is missing,
            broken or deselected (an ``ImportError``; the message says what to do).
        AttributeError: ``module`` does not provide ``name``.
    """
    if name not in names:
        raise AttributeError(
            f"module {module!r} has no attribute {name!r}; it provides {', '.join(names)}."
        )
    from distilabel.plugins import get_registry

    return get_registry().get_llm_class(name)


def unavailable_attribute(module: str, names: Sequence[str], name: str, reason: str) -> Any:
    """Raise for a 1.x name (one of ``names``) that this distilabel does not provide.

    Raises:
        PluginNotAvailableError: ``name`` is one of ``names``; the message is ``reason``.
        AttributeError: any other name.
    """
    if name not in names:
        raise AttributeError(f"module {module!r} has no attribute {name!r}")
    from distilabel.errors import PluginNotAvailableError

    raise PluginNotAvailableError(f"{name} ({module}): {reason}", name=name)
