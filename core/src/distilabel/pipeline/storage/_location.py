"""Where run directories live: a local path, or an fsspec URL every node can reach.

``Pipeline(cache_dir=...)`` and ``DISTILABEL_CACHE_DIR`` take either. A path (the
default, ``~/.cache/distilabel``) keeps the append-based ``StepStore`` and an OS lock; a
URL (``s3://bucket/prefix``, ``gs://...``, ``file:///shared/...``, or ``memory://`` in
one process) uses ``ObjectStepStore`` and an ``ObjectRunLock`` lease, with the same
resume semantics. This module hands out the right one for a location; fsspec is imported
only when a location is a URL.
"""

from __future__ import annotations

import contextlib
import os
import shutil
import tempfile
import uuid
from pathlib import Path
from typing import Iterator, Optional, Protocol, Union

from distilabel._cache_dir import Location, as_location, cache_root, is_url
from distilabel.errors import DistilabelUserError
from distilabel.pipeline.storage._store import RunLock, StepStore, writing
from distilabel.pipeline.storage._store import check_writable as check_writable_path

__all__ = [
    "Location",
    "RunGuard",
    "as_location",
    "cache_root",
    "check_writable",
    "describe",
    "is_url",
    "join",
    "locked_run_dir",
    "make_dirs",
    "make_run_lock",
    "make_step_store",
    "prune_children",
    "saved_run_log",
    "write_text",
]


class RunGuard(Protocol):
    """What keeps two runs out of one run directory (``RunLock``, ``ObjectRunLock``)."""

    def acquire(self) -> None: ...

    def release(self) -> None: ...


def join(location: Location, *parts: str) -> Location:
    """``location / part / ...`` for a path or a URL."""
    if isinstance(location, Path):
        return location.joinpath(*parts)
    return "/".join([location.rstrip("/"), *parts]) if parts else location


def describe(location: Location) -> str:
    """``location`` for messages and logs (a URL without its ``user:password@``)."""
    if isinstance(location, Path):
        return str(location)
    from distilabel.pipeline.storage._object_folder import redact

    return redact(location)


def check_writable(location: Location) -> None:
    """Create ``location`` (a path) or write and delete a probe object in it (a URL).

    Raises:
        DistilabelUserError: it cannot be written; the message names it and the fix.
        PluginNotAvailableError: the URL's filesystem package is not installed.
    """
    if isinstance(location, Path):
        check_writable_path(location)
        return
    from distilabel.pipeline.storage._object_folder import ObjectFolder, scrub

    folder = ObjectFolder(location)
    probe = f".write-test-{uuid.uuid4().hex}"
    try:
        folder.put(probe, b"")
        folder.remove(probe)
    except Exception as exc:
        raise DistilabelUserError(
            f"Cannot write the run directory '{describe(location)}': {type(exc).__name__}:"
            f" {scrub(str(exc), location)}. Check the storage's credentials and permissions"
            " (taken from its usual configuration, e.g. AWS_* variables or ~/.aws for"
            " s3://), or set cache_dir / DISTILABEL_CACHE_DIR to a writable location."
        ) from None


def make_step_store(
    location: Union[Location, os.PathLike[str]], signature: str, fsync: Optional[bool] = None
) -> StepStore:
    """The store of the step folder ``location``: ``StepStore`` for a path (also given as
    a string, e.g. by a Ray actor), ``ObjectStepStore`` for a URL. Not opened yet."""
    if is_url(location):
        from distilabel.pipeline.storage._object_store import ObjectStepStore

        return ObjectStepStore(str(location), signature, fsync=fsync)
    return StepStore(Path(location), signature, fsync=fsync)


def make_run_lock(run_dir: Location) -> RunGuard:
    """The lock of ``run_dir``: an OS lock for a path, an ``ObjectRunLock`` lease for a URL."""
    if isinstance(run_dir, Path):
        return RunLock(run_dir / "lock")
    from distilabel.pipeline.storage._object_lock import ObjectRunLock

    return ObjectRunLock(run_dir)


@contextlib.contextmanager
def locked_run_dir(run_dir: Location) -> Iterator[None]:
    """Check that ``run_dir`` can be written, then hold its lock for the ``with`` block.

    Raises:
        DistilabelUserError: it cannot be written, or another run holds it.
    """
    check_writable(run_dir)
    lock = make_run_lock(run_dir)
    lock.acquire()
    try:
        yield
    finally:
        lock.release()


def write_text(location: Location, text: str) -> None:
    """Write ``text`` (UTF-8) to the file or object ``location``."""
    if isinstance(location, Path):
        with writing(location):
            location.write_text(text, encoding="utf-8")
        return
    from distilabel.pipeline.storage._object_folder import ObjectFolder

    parent, _, name = location.rpartition("/")
    ObjectFolder(parent).put(name, text.encode("utf-8"))


def make_dirs(location: Location) -> None:
    """Create the folder ``location`` (object stores need none: a no-op for URLs)."""
    if isinstance(location, Path):
        with writing(location):
            location.mkdir(parents=True)


def prune_children(location: Location, keep: int) -> None:
    """Delete all but the last ``keep`` (by name) entries of the folder ``location``,
    except those a live ``Distiset`` still reads (``_snapshot_hold``)."""
    from distilabel.pipeline.storage._snapshot_hold import is_held

    if isinstance(location, Path):
        old = sorted(p for p in location.iterdir() if p.is_dir())[:-keep]
        for path in old:
            if not is_held(path):
                shutil.rmtree(path, ignore_errors=True)
        return
    from distilabel.pipeline.storage._object_folder import ObjectFolder

    folder = ObjectFolder(location)
    for name in folder.names()[:-keep]:
        if not is_held(join(location, name)):
            folder.remove(name)


RUN_LOG_NAME = "pipeline.log"


@contextlib.contextmanager
def saved_run_log(folder: Location) -> Iterator[Location]:
    """Write distilabel's log records to ``<folder>/pipeline.log`` while the block runs;
    yields that location. On a URL the log is kept in a local temporary file and
    uploaded when the block ends (even when it raises)."""
    from distilabel.logging import run_log

    if isinstance(folder, Path):
        with run_log(folder / RUN_LOG_NAME) as path:
            yield path
        return
    with tempfile.TemporaryDirectory(prefix="distilabel-log-") as tmp:
        local = Path(tmp) / RUN_LOG_NAME
        try:
            with run_log(local):
                yield join(folder, RUN_LOG_NAME)
        finally:
            write_text(join(folder, RUN_LOG_NAME), local.read_text(encoding="utf-8"))
