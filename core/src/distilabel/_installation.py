"""A loud warning when PyPI's ``distilabel`` (1.x) shares this environment.

Both distributions install the import package ``distilabel``: whichever pip installed
last overwrote the other's files, so imports mix two code bases and fail in ways that
name neither. Checked once per process, where distilabel looks at installed
distributions anyway (plugin discovery) and when a pipeline runs.
"""

from __future__ import annotations

import functools
import importlib.metadata
import warnings
from typing import Optional

__all__ = ["ConflictingDistributionWarning", "conflicting_distribution", "warn_if_conflicting"]


class ConflictingDistributionWarning(RuntimeWarning):
    """PyPI's ``distilabel`` is installed beside ``distilabel-core``."""


def conflicting_distribution() -> Optional[str]:
    """``"distilabel <version>"`` when PyPI's ``distilabel`` is installed, else ``None``."""
    try:
        dist = importlib.metadata.distribution("distilabel")
    except importlib.metadata.PackageNotFoundError:
        return None
    return f"distilabel {dist.version}"


@functools.lru_cache(maxsize=1)
def warn_if_conflicting() -> bool:
    """Warn (once per process) when PyPI's ``distilabel`` is installed; returns whether
    it is."""
    found = conflicting_distribution()
    if found is None:
        return False
    warnings.warn(
        f"\n\n  !!! {found} (PyPI's distilabel) is installed in this environment beside"
        " distilabel-core.\n  !!! Both install the `distilabel` package, so files of one"
        " overwrote the other's and\n  !!! imports now mix the two. Fix it with:\n"
        "  !!!     pip uninstall -y distilabel distilabel-core\n"
        "  !!!     pip install distilabel-core   (and your distilabel-* plugins)\n"
        "  !!! or keep distilabel 1.x in a separate virtual environment.\n",
        ConflictingDistributionWarning,
        stacklevel=2,
    )
    return True
