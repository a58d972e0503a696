"""A cache of what ``distilabel llms|embeddings list`` shows, so that listing does not
import every plugin on every call.

Discovering plugins means importing each plugin's module (and, with it, pydantic and much
of the core): about 0.4-0.7 s with a dozen plugins on a 2-core machine, most of the time
``llms list`` takes. The listing depends only on the installed files, so it is kept in a
small JSON file under the cache directory, keyed by a fingerprint of everything it depends
on:

- the interpreter, the ``DISTILABEL_PLUGINS`` selection and the model kind;
- the entry points of the kind's group (names, values, distributions and versions);
- the size and modification time of every ``.py`` file of each plugin's top-level package
  and of ``distilabel`` itself (editable installs change without a version change);
- the modification times of the ``sys.path`` directories, which change whenever a package
  is installed or removed there (a plugin's dependency included).

Any change makes a new fingerprint, hence a fresh discovery. A listing with a broken plugin
is never cached, so a fixed dependency shows at once. ``DISTILABEL_PLUGIN_CACHE=0`` turns the
cache off; ``distilabel llms list --refresh`` rediscovers and rewrites it. The cache only
serves listing: using a model always imports its plugin.
"""

from __future__ import annotations

import contextlib
import hashlib
import importlib.metadata
import importlib.util
import json
import os
import sys
import tempfile
from pathlib import Path
from typing import Any, Callable

from distilabel._cache_dir import local_cache_root
from distilabel.plugins._known import PLUGINS_ENV_VAR

__all__ = ["CACHE_ENV_VAR", "cache_enabled", "cached_listing"]

CACHE_ENV_VAR = "DISTILABEL_PLUGIN_CACHE"
_FORMAT = 1


def cache_enabled() -> bool:
    """Whether ``$DISTILABEL_PLUGIN_CACHE`` allows the listing cache (default: yes)."""
    value = os.environ.get(CACHE_ENV_VAR, "1").strip().lower()
    return value not in ("0", "false", "no", "off")


def cached_listing(
    kind: str, group: str, compute: Callable[[], dict[str, Any]], refresh: bool = False
) -> dict[str, Any]:
    """The listing of ``kind`` (what ``compute`` returns), from the cache when its
    fingerprint matches, else computed (and cached when no plugin is broken)."""
    if not cache_enabled():
        return compute()
    path = _cache_dir() / f"{kind}-{_fingerprint(kind, group)}.json"
    if not refresh:
        with contextlib.suppress(OSError, ValueError, KeyError, TypeError):
            data = json.loads(path.read_text(encoding="utf-8"))
            if data["format"] == _FORMAT:
                from distilabel._installation import warn_if_conflicting

                warn_if_conflicting()  # what discovery would have warned about
                return dict(data["listing"])
    listing = compute()
    if not listing.get("broken"):
        _write(path, {"format": _FORMAT, "listing": listing})
    return listing


def _cache_dir() -> Path:
    # A URL cache directory (s3://...) holds runs; this small file stays on this machine.
    return local_cache_root() / "plugins"


def _fingerprint(kind: str, group: str) -> str:
    digest = hashlib.sha256()

    def add(*parts: object) -> None:
        digest.update(repr(parts).encode("utf-8", "backslashreplace"))

    add(_FORMAT, sys.executable, sys.version, kind, group,
        os.environ.get(PLUGINS_ENV_VAR, "all"))
    tops = {"distilabel"}
    entry_points = []
    for ep in importlib.metadata.entry_points(group=group):
        dist = getattr(ep, "dist", None)
        name = dist.metadata["Name"] if dist is not None else None
        entry_points.append((ep.name, ep.value, name, dist.version if dist else None))
        tops.add(ep.value.split(":")[0].split(".")[0].strip())
    add(sorted(entry_points, key=repr))
    for top in sorted(tops):
        add(top, _package_stamp(top))
    for entry in sys.path:
        if not entry:  # the working directory of `python -m`/`-c`: changes all the time
            continue
        with contextlib.suppress(OSError):
            add(entry, os.stat(entry).st_mtime_ns)
    return digest.hexdigest()[:24]


def _package_stamp(top: str) -> list[tuple[str, int, int]]:
    """(file, size, mtime) of every ``.py`` file of top-level package or module ``top``."""
    try:
        spec = importlib.util.find_spec(top)
    except (ImportError, ValueError):
        return []
    if spec is None:
        return []
    roots = list(spec.submodule_search_locations or [])
    if not roots and spec.origin:
        roots = [spec.origin]
    stamp: list[tuple[str, int, int]] = []
    for root in roots:
        _walk(root, stamp)
    return stamp


def _walk(path: str, stamp: list[tuple[str, int, int]]) -> None:
    try:
        if not os.path.isdir(path):
            st = os.stat(path)
            stamp.append((path, st.st_size, st.st_mtime_ns))
            return
        with os.scandir(path) as entries:
            for entry in sorted(entries, key=lambda e: e.name):
                if entry.is_dir(follow_symlinks=False):
                    if entry.name != "__pycache__":
                        _walk(entry.path, stamp)
                elif entry.name.endswith(".py"):
                    st = entry.stat()
                    stamp.append((entry.path, st.st_size, st.st_mtime_ns))
    except OSError:
        stamp.append((path, -1, -1))


def _write(path: Path, data: dict[str, Any]) -> None:
    """Write atomically; a cache that cannot be written is simply not kept. Older
    listings of the same kind are removed."""
    tmp = None
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=".listing-", suffix=".tmp")
        with os.fdopen(fd, "w", encoding="utf-8") as handle:
            json.dump(data, handle)
        os.replace(tmp, path)
        kind = path.name.split("-", 1)[0]
        for old in path.parent.glob(f"{kind}-*.json"):
            if old != path:
                with contextlib.suppress(OSError):
                    old.unlink()
    except OSError:
        if tmp is not None:
            with contextlib.suppress(OSError):
                os.unlink(tmp)
