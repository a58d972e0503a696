"""Durable progress: each step's committed batches, row journal and completion marker.

A run directory holds one folder per step::

    <run_dir>/steps/<step>/signature      the step's configuration signature
    <run_dir>/steps/<step>/batches.jsonl  committed output batches, one per line
    <run_dir>/steps/<step>/journal.jsonl  per-row LLM results not yet in a batch
    <run_dir>/steps/<step>/done.json      written once the step has finished

A batch line is ``<header JSON>\\t<rows JSON>\\n`` and is written with a single
``write`` on a file opened for appending, so a process killed at any moment leaves
either the whole line or a torn tail, which the next open cuts off. The header records
how many rows of each predecessor the batch consumed, so a resumed step knows where to
continue. Set ``DISTILABEL_FSYNC=1`` to also survive power loss (an fsync per commit).

This is the store of a run directory given as a local path. A run directory given as an
fsspec URL (``s3://...``) uses ``ObjectStepStore`` (``_object_store.py``), a subclass
with the same interface that writes one object per batch; ``_storage.make_step_store``
picks the right one.
"""

from __future__ import annotations

import contextlib
import datetime
import errno
import json
import os
import shutil
from pathlib import Path
from typing import Any, Iterable, Iterator, Optional, Union

from distilabel._text import describe_unstorable
from distilabel.errors import DistilabelError, DistilabelUserError
from distilabel.steps.typing import Row

__all__ = [
    "KEY_NAME",
    "BatchRecord",
    "RowNotStorableError",
    "RunLock",
    "StepStore",
    "StorageWriteError",
    "check_writable",
    "dumps_rows",
    "encode_batch",
    "encode_key",
    "json_default",
    "iter_batch_file",
    "iter_batch_stream",
    "parse_batch_line",
    "parse_key",
    "read_journal_lines",
]

_SEP = b"\t"


def json_default(value: Any) -> Any:
    """What ``json.dumps`` writes for values JSON has no type for (numpy, dates, sets)."""
    if hasattr(value, "tolist"):  # numpy arrays and scalars
        return value.tolist()
    if isinstance(value, (datetime.date, datetime.datetime)):
        return value.isoformat()
    if isinstance(value, (set, frozenset, tuple)):
        return list(value)
    raise TypeError(
        f"A row holds a {type(value).__name__}, which cannot be stored as JSON; make the"
        " step output plain values (str, int, float, bool, None, lists, dicts)."
    )


def dumps_rows(rows: Any) -> bytes:
    """Serialise rows (or any JSON-like value) compactly to UTF-8 bytes."""
    return json.dumps(
        rows, ensure_ascii=False, separators=(",", ":"), default=json_default
    ).encode("utf-8")


class BatchRecord:
    """The header of one committed batch."""

    __slots__ = ("consumed", "errors", "route", "rows")

    def __init__(
        self,
        rows: int,
        consumed: dict[str, int],
        errors: int,
        route: Optional[list[str]] = None,
    ) -> None:
        self.rows = rows
        self.consumed = consumed
        self.errors = errors
        self.route = route
        """The successors a routing function sent the batch to (``None``: all of them)."""

    def reaches(self, target: Optional[str]) -> bool:
        """Whether the batch went to successor ``target`` (any, when ``None``)."""
        return self.route is None or target is None or target in self.route


class RowNotStorableError(DistilabelError, ValueError):
    """Raised when a row cannot be written to the run directory (a lone surrogate in its
    text, a value JSON cannot hold); names the row and the column."""


def encode_batch(
    rows: list[Row],
    consumed: dict[str, int],
    errors: int = 0,
    first_row: int = 0,
    route: Optional[list[str]] = None,
) -> bytes:
    """One committed batch as its stored line: ``<header JSON>\\t<rows JSON>\\n``;
    ``route`` (the successors a routing function chose) is kept in the header.

    Raises:
        RowNotStorableError: a row cannot be stored; names it (``first_row`` is the
            number of the batch's first row in the step's output) and the column.
    """
    try:
        body = dumps_rows(rows)
    except (TypeError, ValueError):  # UnicodeEncodeError is a ValueError
        raise _unstorable(rows, first_row) from None
    fields: dict[str, Any] = {"n": len(rows), "c": consumed, "e": errors, "len": len(body)}
    if route is not None:
        fields["r"] = route
    header = json.dumps(fields, separators=(",", ":")).encode()
    return header + _SEP + body + b"\n"


def _unstorable(rows: list[Row], first_row: int) -> RowNotStorableError:
    for index, row in enumerate(rows):
        try:
            dumps_rows(row)
        except (TypeError, ValueError):
            return RowNotStorableError(
                f"Row {first_row + index} of the step's output cannot be stored:"
                f" {describe_unstorable(row, json_default)}. Rows before it are kept; fix"
                f" that row's data (or the step that made it) and run again. The row:"
                f" {_preview(row)}"
            )
    return RowNotStorableError(
        f"The batch of rows {first_row}-{first_row + len(rows) - 1} cannot be stored as JSON."
    )


def _preview(row: Row) -> str:
    text = repr(row)
    return text if len(text) <= 300 else text[:300] + "..."


def parse_batch_line(line: bytes) -> Optional[tuple[BatchRecord, bytes]]:
    """``(header, rows_json)`` of a stored batch line, or ``None`` when it is torn."""
    if not line.endswith(b"\n"):
        return None
    head, sep, body = line.partition(_SEP)
    if not sep:
        return None
    try:
        header = json.loads(head)
    except ValueError:
        return None
    body = body[:-1]
    if not isinstance(header, dict) or header.get("len") != len(body) or "n" not in header:
        return None
    record = BatchRecord(header["n"], header.get("c", {}), header.get("e", 0), header.get("r"))
    return record, body


def read_journal_lines(lines: Iterable[bytes], keep: Any, entries: dict[str, Any]) -> None:
    """Add the ``[key, output]`` pairs of journal ``lines`` whose key satisfies ``keep``
    to ``entries``; stop at a torn line (a write a crash cut short)."""
    for line in lines:
        if not line.endswith(b"\n"):
            return
        try:
            items = json.loads(line)
        except ValueError:
            return
        for key, output in items:
            if keep(key):
                entries[key] = output


class StorageWriteError(DistilabelError, OSError):
    """Raised when a write to a run directory failed (disk full, permissions, a lost
    object store); names the path. What was committed before it is kept."""


@contextlib.contextmanager
def writing(path: Union[Path, str]) -> Iterator[None]:
    """Turn an ``OSError`` of the writes in the block into a ``StorageWriteError`` that
    names ``path`` and says what to do."""
    try:
        yield
    except StorageWriteError:
        raise
    except OSError as exc:
        if exc.errno in (errno.ENOSPC, errno.EDQUOT):
            fix = (
                "the disk is full: free space there, or point DISTILABEL_CACHE_DIR (or"
                " Pipeline(cache_dir=...)) at a disk with room"
            )
        else:
            fix = "check that the run directory is writable, or set DISTILABEL_CACHE_DIR"
        error = StorageWriteError(
            f"Cannot write '{path}': {exc.strerror or exc}; {fix}. Batches committed before"
            " are kept: run again to resume."
        )
        error.errno = exc.errno
        raise error from exc


def _write_all(fd: int, data: bytes) -> None:
    view = memoryview(data)
    while view:
        written = os.write(fd, view)
        view = view[written:]


def _copy_prefix(source: Any, target: Any, size: int) -> None:
    """Copy the first ``size`` bytes of file ``source`` to file ``target``."""
    left = size
    while left > 0:
        chunk = source.read(min(left, 1 << 20))
        if not chunk:
            return
        target.write(chunk)
        left -= len(chunk)


def _atomic_write(path: Path, data: bytes) -> None:
    tmp = path.with_name(path.name + ".tmp")
    with writing(path):
        with open(tmp, "wb") as fh:
            fh.write(data)
            fh.flush()
            os.fsync(fh.fileno())
        os.replace(tmp, path)


def iter_batch_stream(
    lines: Iterable[bytes], limit: Optional[int] = None
) -> Iterator[tuple[BatchRecord, bytes, int]]:
    """Yield ``(header, rows_json, line_size)`` for the first ``limit`` complete lines of
    a binary stream (a file object); stop at the first torn one."""
    count = 0
    for line in lines:
        if limit is not None and count >= limit:
            return
        parsed = parse_batch_line(line)
        if parsed is None:
            return
        count += 1
        yield parsed[0], parsed[1], len(line)


def iter_batch_file(
    path: Path, limit: Optional[int] = None
) -> Iterator[tuple[BatchRecord, bytes, int]]:
    """Yield ``(header, rows_json, line_size)`` for the first ``limit`` complete lines."""
    if not path.exists():
        return
    with open(path, "rb") as fh:
        yield from iter_batch_stream(fh, limit)


KEY_NAME = "key.json"
"""The file (object) beside ``signature`` holding the signature's fields."""


def encode_key(key: dict[str, str]) -> bytes:
    """``key`` (a signature's fields) as the bytes of ``key.json``."""
    return json.dumps(key, sort_keys=True, indent=0).encode("utf-8")


def parse_key(data: Optional[bytes]) -> dict[str, str]:
    """A stored ``key.json`` (``{}`` when missing or unreadable)."""
    if not data:
        return {}
    try:
        value = json.loads(data)
    except ValueError:
        return {}
    return {str(k): str(v) for k, v in value.items()} if isinstance(value, dict) else {}


def _read_key(path: Path) -> dict[str, str]:
    try:
        return parse_key(path.read_bytes())
    except OSError:
        return {}


class StepStore:
    """The durable state of one step in one run directory."""

    replaced_key: Optional[dict[str, str]] = None
    """After ``open``: the earlier run's signature fields when the signature changed."""

    def __init__(self, directory: Path, signature: str, fsync: Optional[bool] = None) -> None:
        self.dir = directory
        self.signature = signature
        self.fsync = os.environ.get("DISTILABEL_FSYNC") == "1" if fsync is None else fsync
        self.batches_path = directory / "batches.jsonl"
        self.journal_path = directory / "journal.jsonl"
        self.done_path = directory / "done.json"
        self._forget_progress()
        self._fd: Optional[int] = None
        self._journal_fd: Optional[int] = None

    def _forget_progress(self) -> None:
        """Counters of an empty step: nothing committed, consumed or finished."""
        self.committed_batches = 0
        self.committed_rows = 0
        self.errors = 0
        self.consumed: dict[str, int] = {}
        self.records: list[BatchRecord] = []
        self.done = False
        self.reused = False

    def _count(self, record: BatchRecord) -> None:
        """Add one committed batch (``record``) to the counters."""
        self.records.append(record)
        self.committed_batches += 1
        self.committed_rows += record.rows
        self.errors += record.errors
        self.consumed = dict(record.consumed)

    def _recount(self, records: list[BatchRecord]) -> None:
        """Set the counters to those of exactly ``records`` (the step not done)."""
        self._forget_progress()
        for record in records:
            self._count(record)

    @property
    def location(self) -> str:
        """The step's folder as a string (a path here; a URL for ``ObjectStepStore``), to
        rebuild the store in another process with ``_storage.make_step_store``."""
        return str(self.dir)

    # -- opening ------------------------------------------------------------------------

    def open(self, reset: bool, key: Optional[dict[str, str]] = None) -> None:
        """Open the store, keeping what a previous run committed unless ``reset`` or the
        step's signature changed.

        ``key`` (the signature's fields, see ``_signature.StepKey``) is kept beside the
        rows; when the signature changed, ``replaced_key`` holds the earlier run's (an
        empty dict when it kept none), to say what changed.
        """
        signature_path = self.dir / "signature"
        previous = signature_path.read_text() if signature_path.exists() else None
        self.replaced_key = None
        if reset or previous != self.signature:
            if previous is not None and previous != self.signature and not reset:
                self.replaced_key = _read_key(self.dir / KEY_NAME)
            self.clear()
            with writing(self.dir):
                self.dir.mkdir(parents=True, exist_ok=True)
            _atomic_write(signature_path, self.signature.encode())
            if key is not None:
                _atomic_write(self.dir / KEY_NAME, encode_key(key))
        else:
            if key is not None and not (self.dir / KEY_NAME).exists():  # an older cache
                _atomic_write(self.dir / KEY_NAME, encode_key(key))
            self._scan()
        self._fd = os.open(self.batches_path, os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o644)

    def clear(self) -> None:
        """Delete everything stored for this step."""
        self.close()
        if self.dir.exists():
            shutil.rmtree(self.dir)
        self._forget_progress()

    def _scan(self) -> None:
        valid = 0
        for record, _body, size in iter_batch_file(self.batches_path):
            self._count(record)
            valid += size
        if self.batches_path.exists() and self.batches_path.stat().st_size > valid:
            with open(self.batches_path, "r+b") as fh:  # cut a torn tail off
                fh.truncate(valid)
        if self.done_path.exists():
            try:
                done = json.loads(self.done_path.read_text())
            except ValueError:
                done = {}
            self.done = done.get("batches") == self.committed_batches
        self.reused = self.committed_batches > 0 or self.done

    def close(self) -> None:
        """Close the open files (the stored data stays)."""
        for attr in ("_fd", "_journal_fd"):
            fd = getattr(self, attr)
            if fd is not None:
                with contextlib.suppress(OSError):
                    os.close(fd)
                setattr(self, attr, None)

    # -- committing ---------------------------------------------------------------------

    def commit(
        self,
        rows: list[Row],
        consumed: dict[str, int],
        errors: int = 0,
        route: Optional[list[str]] = None,
    ) -> None:
        """Append one batch atomically: its rows, the input offsets it consumed and the
        successors it is routed to (``None``: all)."""
        assert self._fd is not None, "StepStore.open() must be called before commit()"
        data = encode_batch(rows, consumed, errors, self.committed_rows, route)
        with writing(self.batches_path):
            _write_all(self._fd, data)
            if self.fsync:
                os.fsync(self._fd)
        self._count(BatchRecord(len(rows), dict(consumed), errors, route))

    def commit_all(self, batches: list[list[Row]], consumed: dict[str, int]) -> None:
        """Replace the batch file with ``batches`` in one atomic rename (global steps)."""
        self.close()
        tmp = self.batches_path.with_name("batches.jsonl.tmp")
        with writing(self.batches_path), open(tmp, "wb") as fh:
            first = 0
            for rows in batches:
                fh.write(encode_batch(rows, consumed, 0, first))
                first += len(rows)
            fh.flush()
            os.fsync(fh.fileno())
        os.replace(tmp, self.batches_path)
        self._recount([BatchRecord(len(b), dict(consumed), 0) for b in batches])
        self._fd = os.open(self.batches_path, os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o644)

    def truncate(self, batches: int) -> None:
        """Keep only the first ``batches`` committed batches, so a rerun redoes the rest
        (failed rows, and what came from them); the step is no longer done.

        The kept batches are copied into a new file that replaces the old one, so a
        ``Distiset`` snapshot (a hard link to the old file) keeps its rows.
        """
        keep = max(0, min(batches, self.committed_batches))
        self.close()
        with writing(self.done_path), contextlib.suppress(FileNotFoundError):
            self.done_path.unlink()
        size = sum(n for _r, _b, n in iter_batch_file(self.batches_path, keep))
        tmp = self.batches_path.with_name("batches.jsonl.tmp")
        with writing(self.batches_path):
            with open(tmp, "wb") as out:
                if self.batches_path.exists():
                    with open(self.batches_path, "rb") as source:
                        _copy_prefix(source, out, size)
                out.flush()
                os.fsync(out.fileno())
            os.replace(tmp, self.batches_path)
        self._recount(self.records[:keep])
        self.reused = keep > 0
        self._fd = os.open(self.batches_path, os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o644)

    def mark_done(self) -> None:
        """Record that the step finished; drop its journal."""
        _atomic_write(
            self.done_path,
            json.dumps({"batches": self.committed_batches, "rows": self.committed_rows}).encode(),
        )
        self.done = True
        if self._journal_fd is not None:
            os.close(self._journal_fd)
            self._journal_fd = None
        with contextlib.suppress(FileNotFoundError):
            self.journal_path.unlink()

    # -- reading ------------------------------------------------------------------------

    def iter_records(self, limit: Optional[int] = None) -> Iterator[tuple[BatchRecord, bytes]]:
        """Yield ``(header, rows_json)`` of the committed batches (the first ``limit``)."""
        for record, body, _size in iter_batch_file(self.batches_path, limit):
            yield record, body

    def iter_batches(self, limit: Optional[int] = None) -> Iterator[list[Row]]:
        """Yield the committed batches (the first ``limit`` of them), rows parsed."""
        for _record, body in self.iter_records(limit):
            yield json.loads(body)

    def snapshot(self, target: Union[Path, str]) -> None:
        """Freeze the committed batches at ``target`` (a hard link when possible), so a
        ``Distiset`` keeps its rows whatever later runs do."""
        link = Path(target)
        if self.batches_path.exists():
            try:
                os.link(self.batches_path, link)
            except OSError:
                shutil.copyfile(self.batches_path, link)
        else:
            link.write_bytes(b"")

    # -- per-row journal ----------------------------------------------------------------

    def load_journal(self, keep: Any) -> dict[str, Any]:
        """Read the journal, keep entries whose key satisfies ``keep`` and compact the file.

        Each journal line is a JSON list of ``[key, output]`` pairs written in one go; a
        torn last line is ignored.
        """
        entries: dict[str, Any] = {}
        if self.journal_path.exists():
            with open(self.journal_path, "rb") as fh:
                read_journal_lines(fh, keep, entries)
        data = dumps_rows(list(entries.items())) + b"\n" if entries else b""
        _atomic_write(self.journal_path, data)
        return entries

    def rewrite_journal(self, entries: list[tuple[str, Any]]) -> None:
        """Atomically replace the journal with ``entries`` (compaction)."""
        if self._journal_fd is not None:
            os.close(self._journal_fd)
            self._journal_fd = None
        _atomic_write(self.journal_path, dumps_rows(entries) + b"\n" if entries else b"")

    def append_journal(self, entries: list[tuple[str, Any]]) -> None:
        """Append per-row results (``(key, output)`` pairs) as one line in one write."""
        data = dumps_rows(entries) + b"\n"
        with writing(self.journal_path):
            if self._journal_fd is None:
                self._journal_fd = os.open(
                    self.journal_path, os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o644
                )
            _write_all(self._journal_fd, data)
            if self.fsync:
                os.fsync(self._journal_fd)


def check_writable(directory: Path) -> None:
    """Create ``directory`` or raise a clear error naming it and the fix."""
    try:
        directory.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise DistilabelUserError(
            f"Cannot create the run directory '{directory}': {exc}. Set DISTILABEL_CACHE_DIR"
            " to a writable directory."
        ) from None


class RunLock:
    """An exclusive lock on a run directory, released by the OS if the process dies.

    ``filelock`` takes it with the platform's own primitive (``flock(2)`` on Linux and
    macOS, ``msvcrt.locking`` on Windows), so two runs of one pipeline exclude each other
    everywhere.
    """

    def __init__(self, path: Path) -> None:
        self.path = path
        self._lock: Optional[Any] = None

    def acquire(self) -> None:
        """Take the lock.

        Raises:
            DistilabelUserError: another process is running this pipeline in this directory.
        """
        import filelock

        self.path.parent.mkdir(parents=True, exist_ok=True)
        lock = filelock.FileLock(str(self.path), thread_local=False)
        try:
            lock.acquire(timeout=0)
        except filelock.Timeout:
            raise DistilabelUserError(
                f"Another process is running this pipeline with run directory"
                f" '{self.path.parent}'. Wait for it to finish, or use another"
                " DISTILABEL_CACHE_DIR."
            ) from None
        self._lock = lock

    def release(self) -> None:
        """Release the lock."""
        if self._lock is not None:
            self._lock.release()
            self._lock = None
