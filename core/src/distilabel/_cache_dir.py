"""Where distilabel keeps its cache: ``$DISTILABEL_CACHE_DIR`` or ``~/.cache/distilabel``.

Light on purpose (``os``, ``re`` and ``pathlib`` only): the CLI's plugin listing cache
reads it without importing the pipeline. ``distilabel.pipeline.storage._location`` builds
run directories on it.
"""

from __future__ import annotations

import os
import re
from pathlib import Path
from typing import Union

__all__ = [
    "CACHE_DIR_ENV_VAR",
    "Location",
    "as_location",
    "cache_root",
    "is_url",
    "local_cache_root",
]

CACHE_DIR_ENV_VAR = "DISTILABEL_CACHE_DIR"

Location = Union[Path, str]
"""A local directory (``Path``) or an fsspec URL (``str``)."""

_URL = re.compile(r"^[A-Za-z][A-Za-z0-9+.\-]*(://|::)")


def is_url(location: Union[str, os.PathLike[str]]) -> bool:
    """Whether ``location`` is an fsspec URL (``s3://...``, ``file://...``) and not a path."""
    return isinstance(location, str) and bool(_URL.match(location))


def as_location(value: Union[str, os.PathLike[str]]) -> Location:
    """A user-given cache directory as a ``Location``: URLs stay strings (without a
    trailing ``/``), paths become expanded ``Path``s."""
    if is_url(value):
        text = str(value)
        stripped = text.rstrip("/")
        return stripped if not stripped.endswith((":", ":/")) else text
    return Path(value).expanduser()


def _default() -> Path:
    return Path.home() / ".cache" / "distilabel"


def cache_root() -> Location:
    """The cache directory: ``$DISTILABEL_CACHE_DIR`` (a path or a URL) or
    ``~/.cache/distilabel``."""
    env = os.environ.get(CACHE_DIR_ENV_VAR)
    return as_location(env) if env else _default()


def local_cache_root() -> Path:
    """The cache directory on this machine: ``cache_root()``, or ``~/.cache/distilabel``
    when that is a URL (small per-machine files, such as the plugin listing, stay local)."""
    root = cache_root()
    return root if isinstance(root, Path) else _default()
