"""A ``StepRows`` as a Hugging Face ``datasets.Dataset``, memory-mapped from disk.

The rows are streamed once into an Arrow file and opened with ``Dataset.from_file``,
which memory-maps it: 100k rows cost next to no memory, and ``to_pandas``,
``train_test_split``, ``map`` and the rest of ``datasets`` work on it. Where that file
goes depends on whose the rows' file is:

- a run's snapshot (distilabel's own folder): beside it, ``<file>.arrow``, rebuilt when
  the rows' file is newer and pruned with the snapshot;
- any other file (a folder ``Distiset.load_from_disk`` read, which is the user's): never
  beside it, but in distilabel's cache,
  ``<cache>/arrow/<path digest>/<size>-<mtime>/rows.arrow``, one per source file (a
  changed source replaces the older one's folder);
- rows held in memory, or on an fsspec URL: a temporary Arrow file.

``map`` and the other ``datasets`` operations write their cache files beside the Arrow
file, so they too stay out of the user's folder.
"""

from __future__ import annotations

import hashlib
import os
import shutil
import tempfile
from pathlib import Path
from typing import Any, Iterable, Optional

__all__ = ["arrow_dataset", "has_datasets"]


def has_datasets() -> bool:
    """Whether Hugging Face ``datasets`` can be imported."""
    try:
        import datasets  # noqa: F401
    except ImportError:
        return False
    return True


def _cached_arrow_path(source: Path) -> Optional[Path]:
    """The Arrow file of the user's file ``source`` in distilabel's cache, keyed by its
    real path, size and modification time; None when the cache is not a local folder."""
    from distilabel.pipeline.storage._location import cache_root

    root = cache_root()
    if not isinstance(root, Path):
        return None
    stat = source.stat()
    digest = hashlib.sha256(os.fsencode(source.resolve())).hexdigest()[:24]
    return root / "arrow" / digest / f"{stat.st_size}-{stat.st_mtime_ns}" / "rows.arrow"


def _remove_stale(target: Path) -> None:
    """Delete what an older version of ``target``'s source left in the cache (its Arrow
    file and the cache files ``datasets`` wrote beside it)."""
    for old in target.parent.parent.iterdir():
        if old != target.parent:
            shutil.rmtree(old, ignore_errors=True)


def _arrow_path(source: Optional[Path], beside: bool) -> Optional[Path]:
    """Where the Arrow file of ``source`` lives, or None for a temporary one."""
    if source is None:
        return None
    if beside:
        return source.with_name(source.name + ".arrow") if os.access(
            source.parent, os.W_OK
        ) else None
    return _cached_arrow_path(source)


def _is_fresh(target: Path, source: Path, beside: bool) -> bool:
    if not target.is_file():
        return False
    # A cached file's folder names its source's size and mtime; one beside is compared.
    return not beside or target.stat().st_mtime_ns >= source.stat().st_mtime_ns


def arrow_dataset(
    rows: Iterable[dict[str, Any]], source: Optional[Path], beside: bool = False
) -> Any:
    """``rows`` as a memory-mapped ``datasets.Dataset`` (see the module docstring).

    Args:
        rows: the rows (read once, streamed).
        source: the local file they are read from, if any.
        beside: ``source`` is in a folder distilabel owns (a run's snapshot), so the
            Arrow file may be written next to it.
    """
    from datasets import Dataset
    from datasets.arrow_writer import ArrowWriter

    target = _arrow_path(source, beside)
    if target is not None and source is not None and _is_fresh(target, source, beside):
        return Dataset.from_file(str(target))
    if target is not None:
        target.parent.mkdir(parents=True, exist_ok=True)
    folder = target.parent if target is not None else Path(tempfile.gettempdir())
    fd, tmp_name = tempfile.mkstemp(prefix=".rows-", suffix=".arrow.tmp", dir=folder)
    os.close(fd)
    try:
        with ArrowWriter(path=tmp_name) as writer:
            for row in rows:
                writer.write(row)
            writer.finalize()
        final = target if target is not None else Path(tmp_name[: -len(".tmp")])
        os.replace(tmp_name, final)
    except BaseException:
        Path(tmp_name).unlink(missing_ok=True)
        raise
    if target is not None and not beside:
        _remove_stale(target)
    return Dataset.from_file(str(final))
