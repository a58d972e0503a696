"""A ``StepRows`` as a Hugging Face ``datasets.Dataset``, memory-mapped from disk.

The rows are streamed once into an Arrow file beside the rows' file
(``<file>.arrow``, rebuilt when the rows' file is newer) and opened with
``Dataset.from_file``, which memory-maps it: 100k rows cost next to no memory, and
``to_pandas``, ``train_test_split``, ``map`` and the rest of ``datasets`` work on it.
Rows held in memory, or on an fsspec URL, are written to a temporary Arrow file instead.
"""

from __future__ import annotations

import os
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


def _arrow_path(source: Optional[Path]) -> Optional[Path]:
    """Where the Arrow file of ``source`` lives, or None for a temporary one."""
    if source is None or not os.access(source.parent, os.W_OK):
        return None
    return source.with_name(source.name + ".arrow")


def arrow_dataset(rows: Iterable[dict[str, Any]], source: Optional[Path]) -> Any:
    """``rows`` as a memory-mapped ``datasets.Dataset`` (see the module docstring)."""
    from datasets import Dataset
    from datasets.arrow_writer import ArrowWriter

    target = _arrow_path(source)
    if (
        target is not None and source is not None and target.is_file()
        and target.stat().st_mtime_ns >= source.stat().st_mtime_ns
    ):
        return Dataset.from_file(str(target))
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
    return Dataset.from_file(str(final))
