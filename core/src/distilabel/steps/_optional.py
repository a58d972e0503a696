"""Import an optional dependency of a step, or say how to install it."""

from __future__ import annotations

import importlib
from typing import Any

__all__ = ["import_optional"]


def import_optional(module: str, purpose: str, package: str, extra: str) -> Any:
    """Import ``module`` for ``purpose`` (a step, say), or raise an ImportError that names
    what needs it and both ways to install it: ``package`` alone or the ``extra`` of
    distilabel-core."""
    try:
        return importlib.import_module(module)
    except ImportError as exc:
        raise ImportError(
            f"{purpose} needs `{package}`, which is not installed ({exc}). Install it with"
            f" `pip install {package}` or `pip install 'distilabel-core[{extra}]'`."
        ) from None
