"""``ObjectStepStore``: a step's durable state in a run directory given as an fsspec URL.

Object stores cannot append, so every write is a whole object, and each one says by
itself whether it is complete::

    <run_dir>/steps/<step>/signature
    <run_dir>/steps/<step>/batches/<generation>/<index>.jsonl   one committed batch
    <run_dir>/steps/<step>/batches/<generation>/committed.json  generation > 0 is whole
    <run_dir>/steps/<step>/journal/<writer>-<seq>.jsonl         per-row LLM answers
    <run_dir>/steps/<step>/done.json

A batch object holds the same ``<header JSON>\\t<rows JSON>\\n`` line as a local
``batches.jsonl`` (the header's length check exposes a torn object on filesystems whose
writes are not atomic). Opening takes the objects ``0, 1, 2...`` while each is whole and
deletes the rest. ``commit_all`` (global steps) writes a new generation and then its
``committed.json``; until that marker exists the previous generation stands, so a crash
in between never leaves output that claims all input consumed with rows missing. Each
journal write is a new object named by its writer (Ray replicas write concurrently);
loading the journal compacts them into one. Writes go through the run directory's
``ObjectWriter`` (in order, in the background); reads and ``close`` wait for it.
"""

from __future__ import annotations

import json
import logging
import threading
import uuid
from pathlib import Path
from typing import Any, Callable, Iterator, Optional, Union

from distilabel.errors import DistilabelError
from distilabel.pipeline.storage._object_folder import ObjectFolder, open_url, redact
from distilabel.pipeline.storage._object_writer import ObjectWriter
from distilabel.pipeline.storage._store import (
    KEY_NAME,
    BatchRecord,
    StepStore,
    dumps_rows,
    encode_batch,
    encode_key,
    parse_batch_line,
    parse_key,
    read_journal_lines,
)
from distilabel.steps.typing import Row

__all__ = ["ObjectStepStore"]

_logger = logging.getLogger("distilabel.pipeline")
_MARKER = "committed.json"


def _batch_name(generation: int, index: int) -> str:
    return f"batches/{generation:06d}/{index:09d}.jsonl"


def run_dir_of(url: str) -> str:
    """The run directory holding the step folder ``url`` (``.../steps/<step>``)."""
    head, sep, _tail = url.rstrip("/").rpartition("/steps/")
    return head if sep else url


class ObjectStepStore(StepStore):
    """The durable state of one step in a URL run directory; ``StepStore``'s interface
    and semantics, one object per write.

    It has no local paths (``dir``, ``batches_path``...): use ``location``,
    ``iter_records`` and ``snapshot``. ``fsync`` is ignored (a finished object write is as
    durable as the storage makes it).
    """

    def __init__(self, url: str, signature: str, fsync: Optional[bool] = None) -> None:
        self.url = url.rstrip("/")
        self.signature = signature
        self.fsync = False
        self.folder = ObjectFolder(self.url)
        self.writer = ObjectWriter.for_location(run_dir_of(self.url))
        self._forget_progress()
        self._generation = 0
        self._writer_id = uuid.uuid4().hex[:16]
        self._lock = threading.Lock()
        self._seq = 0
        self._journal_buffer: list[bytes] = []
        self._journal_flush_queued = False
        self._own_journal: list[tuple[int, str]] = []  # written by this store (writer thread)

    def __repr__(self) -> str:
        return f"ObjectStepStore({redact(self.url)!r})"

    @property
    def location(self) -> str:
        """The step's folder URL."""
        return self.url

    def _describe(self, name: str) -> str:
        return f"'{redact(self.folder.url_of(name))}'"

    def _submit(self, job: Callable[[], None], name: str) -> None:
        self.writer.submit(job, self._describe(name))

    # -- opening ------------------------------------------------------------------------

    def open(self, reset: bool, key: Optional[dict[str, str]] = None) -> None:
        """Open the store, keeping what a previous run committed unless ``reset`` or the
        step's signature changed (``StepStore.open``)."""
        self.writer.reset()
        previous = self.folder.get("signature")
        self.replaced_key = None
        if reset or previous is None or previous.decode("utf-8", "replace") != self.signature:
            if previous is not None and not reset:
                self.replaced_key = parse_key(self.folder.get(KEY_NAME))
            self.clear()
            self.folder.put("signature", self.signature.encode())
            if key is not None:
                self.folder.put(KEY_NAME, encode_key(key))
        else:
            self._scan()

    def clear(self) -> None:
        """Delete everything stored for this step."""
        self.writer.reset()
        self.folder.remove()
        self._forget_progress()
        self._generation = 0
        with self._lock:
            self._journal_buffer.clear()
        self._own_journal = []

    def _scan(self) -> None:
        self._forget_progress()
        generations = sorted(
            (int(n) for n in self.folder.names("batches") if n.isdigit()), reverse=True
        )
        chosen: Optional[tuple[int, list[BatchRecord]]] = None
        for generation in generations:
            expected = 0
            if generation > 0:
                marker = self._read_marker(generation)
                if marker is None:
                    continue  # a commit_all that did not finish: the previous one stands
                expected = marker
            records = self._scan_generation(generation)
            if len(records) < expected:
                _logger.warning(
                    "Run directory %s: generation %d of step output lost batches; using the"
                    " previous one.", redact(self.url), generation,
                )
                continue
            chosen = (generation, records)
            break
        self._generation, records = chosen if chosen is not None else (0, [])
        for generation in generations:
            if generation != self._generation:
                self.folder.remove(f"batches/{generation:06d}")
        for record in records:
            self._count(record)
        done = self.folder.get("done.json")
        if done is not None:
            try:
                info = json.loads(done)
            except ValueError:
                info = {}
            self.done = isinstance(info, dict) and info.get("batches") == self.committed_batches
        self.reused = self.committed_batches > 0 or self.done

    def _read_marker(self, generation: int) -> Optional[int]:
        data = self.folder.get(f"batches/{generation:06d}/{_MARKER}")
        try:
            count = json.loads(data)["batches"] if data is not None else None
        except (ValueError, KeyError, TypeError):
            return None
        return count if isinstance(count, int) else None

    def _scan_generation(self, generation: int) -> list[BatchRecord]:
        """The whole batches ``0, 1, ...`` of ``generation``; deletes a torn or missing
        one's successors (and the torn one)."""
        folder = f"batches/{generation:06d}"
        names = [n for n in self.folder.names(folder) if n.endswith(".jsonl")]
        records: list[BatchRecord] = []
        objects = self.folder.iter_many([f"{folder}/{n}" for n in names])
        for name, data in zip(names, objects, strict=False):
            if name != f"{len(records):09d}.jsonl" or data is None:
                break
            parsed = parse_batch_line(data)
            if parsed is None:
                break
            records.append(parsed[0])
        for name in names[len(records):]:
            self.folder.remove(f"{folder}/{name}")
        return records

    def close(self) -> None:
        """Wait until every write of this run directory is stored.

        Raises:
            StorageWriteError: a write failed.
        """
        self.writer.flush()

    # -- committing ---------------------------------------------------------------------

    def commit(
        self,
        rows: list[Row],
        consumed: dict[str, int],
        errors: int = 0,
        route: Optional[list[str]] = None,
    ) -> None:
        """Commit one batch as its own object (written in the background, in order)."""
        name = _batch_name(self._generation, self.committed_batches)
        data = encode_batch(rows, consumed, errors, self.committed_rows, route)
        put = self.folder.put
        self._submit(lambda: put(name, data), name)
        self._count(BatchRecord(len(rows), dict(consumed), errors, route))

    def commit_all(self, batches: list[list[Row]], consumed: dict[str, int]) -> None:
        """Replace the output with ``batches``: a new generation, then its marker."""
        old, new = self._generation, self._generation + 1
        lines: list[bytes] = []
        first = 0
        for rows in batches:
            lines.append(encode_batch(rows, consumed, 0, first))
            first += len(rows)
        folder = self.folder

        def write_generation() -> None:
            for index, line in enumerate(lines):
                folder.put(_batch_name(new, index), line)
            folder.put(f"batches/{new:06d}/{_MARKER}", json.dumps({"batches": len(lines)}).encode())
            folder.remove(f"batches/{old:06d}")

        self._submit(write_generation, f"batches/{new:06d}")
        self._generation = new
        self._recount([BatchRecord(len(b), dict(consumed), 0) for b in batches])

    def truncate(self, batches: int) -> None:
        """Keep only the first ``batches`` committed batch objects (the rest are deleted,
        and so is ``done.json``), so a rerun redoes the rest."""
        keep = max(0, min(batches, self.committed_batches))
        self.writer.flush()
        self.folder.remove("done.json")
        if keep == 0 and self._generation > 0:
            # A global step's whole output: drop its generation (and marker) and start
            # again at generation 0, which needs no marker.
            self.folder.remove(f"batches/{self._generation:06d}")
            self._generation = 0
        else:
            for index in range(keep, self.committed_batches):
                self.folder.remove(_batch_name(self._generation, index))
        self._recount(self.records[:keep])
        self.reused = keep > 0

    def mark_done(self) -> None:
        """Record that the step finished; drop its journal."""
        data = json.dumps({"batches": self.committed_batches, "rows": self.committed_rows})
        folder = self.folder
        with self._lock:
            self._journal_buffer.clear()

        def write_done() -> None:
            folder.put("done.json", data.encode())
            folder.remove("journal")

        self._submit(write_done, "done.json")
        self.done = True

    # -- reading ------------------------------------------------------------------------

    def _iter_lines(self, limit: Optional[int]) -> Iterator[tuple[bytes, BatchRecord, bytes]]:
        """``(line, header, rows_json)`` of the committed batch objects, in order."""
        self.writer.flush()
        count = self.committed_batches if limit is None else min(limit, self.committed_batches)
        names = [_batch_name(self._generation, index) for index in range(count)]
        for name, data in zip(names, self.folder.iter_many(names), strict=True):
            parsed = parse_batch_line(data) if data is not None else None
            if data is None or parsed is None:
                raise DistilabelError(
                    f"The committed batch {self._describe(name)} is missing or damaged;"
                    " something else changed the run directory. Run again with"
                    " use_cache=False to recompute the step."
                )
            yield data, parsed[0], parsed[1]

    def iter_records(self, limit: Optional[int] = None) -> Iterator[tuple[BatchRecord, bytes]]:
        """Yield ``(header, rows_json)`` of the committed batches (the first ``limit``).

        Raises:
            DistilabelError: a committed batch object went missing or is damaged.
        """
        for _line, record, body in self._iter_lines(limit):
            yield record, body

    def snapshot(self, target: Union[Path, str]) -> None:
        """Concatenate the committed batches into the one object ``target`` (a URL)."""
        with open_url(str(target), "wb") as out:
            for line, _record, _body in self._iter_lines(None):
                out.write(line)

    # -- per-row journal ----------------------------------------------------------------

    def _next_seq(self) -> int:
        with self._lock:
            self._seq += 1
            return self._seq

    def _journal_name(self, seq: int) -> str:
        return f"journal/{self._writer_id}-{seq:09d}.jsonl"

    def load_journal(self, keep: Any) -> dict[str, Any]:
        """Read every journal object, keep entries whose key satisfies ``keep``, and
        compact them into one object (the others are deleted)."""
        self.writer.flush()
        names = [f"journal/{n}" for n in self.folder.names("journal") if n.endswith(".jsonl")]
        entries: dict[str, Any] = {}
        for data in self.folder.iter_many(names):
            read_journal_lines((data or b"").splitlines(keepends=True), keep, entries)
        self._own_journal = []
        if entries:
            seq = self._next_seq()
            self.folder.put(self._journal_name(seq), dumps_rows(list(entries.items())) + b"\n")
            self._own_journal.append((seq, self._journal_name(seq)))
        for name in names:
            self.folder.remove(name)
        return entries

    def rewrite_journal(self, entries: list[tuple[str, Any]]) -> None:
        """Replace what this store journaled so far with ``entries`` (compaction)."""
        data = dumps_rows(entries) + b"\n" if entries else b""
        with self._lock:
            self._journal_buffer.clear()  # ``entries`` holds everything appended until now
        seq = self._next_seq()
        name = self._journal_name(seq)
        folder = self.folder

        def compact() -> None:
            if data:
                folder.put(name, data)
            stale = [n for s, n in self._own_journal if s < seq]
            self._own_journal = [(s, n) for s, n in self._own_journal if s >= seq]
            if data:
                self._own_journal.append((seq, name))
            for old in stale:
                folder.remove(old)

        self._submit(compact, name)

    def append_journal(self, entries: list[tuple[str, Any]]) -> None:
        """Journal per-row results (``(key, output)`` pairs); answers that arrive while a
        journal write is on its way go together into the next object."""
        data = dumps_rows(entries) + b"\n"
        with self._lock:
            self._journal_buffer.append(data)
            if self._journal_flush_queued:
                return
            self._journal_flush_queued = True
        self._submit(self._write_journal_buffer, "journal")

    def _write_journal_buffer(self) -> None:
        with self._lock:
            data = b"".join(self._journal_buffer)
            self._journal_buffer.clear()
            self._journal_flush_queued = False
            self._seq += 1
            seq = self._seq
        if data:
            name = self._journal_name(seq)
            self.folder.put(name, data)
            self._own_journal.append((seq, name))
