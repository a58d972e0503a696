"""What runs inside Ray actors: a step's replica.

These are plain classes; the Ray engine wraps them with ``ray.remote`` when it runs, so
importing this module never imports Ray. A replica receives an input batch as *parts*
(per predecessor, the rows inline or as slices of object references to a predecessor's
output), runs the step on it and returns ``(meta, rows)`` as two objects, so the driver
reads the small ``meta`` while the rows stay in the object store until the successor
replicas and the writer fetch them.
"""

from __future__ import annotations

import asyncio
import concurrent.futures
import os
import socket
from typing import Any, Iterator, Optional, Union

from distilabel.errors import StepStoppedError
from distilabel.llms import AsyncLLM
from distilabel.llms.typing import GenerateOutput
from distilabel.pipeline.ray._pickle import loads_step
from distilabel.pipeline.storage._location import make_step_store
from distilabel.steps._base import GeneratorStep, Step
from distilabel.steps.tasks._base import Task
from distilabel.steps.tasks._calls import call_key
from distilabel.steps.tasks._kinds import MultiCallTask
from distilabel.steps.tasks._outcome import BatchOutcome
from distilabel.steps.typing import Row
from distilabel.typing import FormattedInput

__all__ = ["EXHAUSTED", "Part", "Segment", "StepReplica"]

Segment = Union[tuple[str, list[Row]], tuple[str, Any, int, int]]
"""``("rows", rows)`` inline, or ``("ref", object_ref, start, stop)``: a slice of a batch."""

Part = tuple[str, int, list[Segment]]
"""One predecessor's rows of an input batch: ``(predecessor, first_offset, segments)``."""

EXHAUSTED = object()
"""What ``next(source, EXHAUSTED)`` returns when a generator step has no more batches."""


async def materialize(segments: list[Segment]) -> list[Row]:
    """The rows of ``segments``, fetching each referenced batch once."""
    fetched: dict[Any, list[Row]] = {}
    rows: list[Row] = []
    for segment in segments:
        if segment[0] == "rows":
            rows.extend(segment[1])
            continue
        _kind, ref, start, stop = segment  # type: ignore[misc]
        if ref not in fetched:
            fetched[ref] = await ref
        rows.extend(dict(row) for row in fetched[ref][start:stop])
    return rows



class _RowCalls:
    """The journal of one row's calls (a ``MultiCallTask``) in a replica: calls answered
    in an earlier run come from ``cached``, new ones are written to the step's journal
    as each is answered, before the row's next call."""

    __slots__ = ("cached", "journal", "key")

    def __init__(self, journal: Any, key: str, cached: dict[str, Any]) -> None:
        self.journal = journal
        self.key = key
        self.cached = cached

    def get(self, index: int) -> Optional[dict[str, Any]]:
        return self.cached.get(call_key(self.key, index))  # type: ignore[no-any-return]

    def record(self, index: int, entry: dict[str, Any]) -> None:
        if self.journal is not None:
            self.journal.append_journal([(call_key(self.key, index), entry)])

class StepReplica:
    """One replica of a step in its own actor process (an async Ray actor).

    CPU work and synchronous LLM calls run in a single worker thread, one batch at a
    time; an ``AsyncLLM`` task sends one request per row on the actor's event loop,
    many batches at once, journaling each answer so a rerun never asks for it again.
    """

    def __init__(self, step: bytes, journal: Optional[tuple[str, str]] = None) -> None:
        self.step = loads_step(step)
        self._journal = make_step_store(journal[0], journal[1]) if journal else None
        self._pending: list[tuple[str, Any]] = []
        self._flush_scheduled = False
        self._executor = concurrent.futures.ThreadPoolExecutor(
            max_workers=1, thread_name_prefix=f"distilabel-{self.step.name}"
        )
        self._source: Optional[Iterator[Any]] = None

    def _async_llms(self) -> list[AsyncLLM]:
        return [
            value for name in type(self.step).model_fields
            if isinstance(value := getattr(self.step, name, None), AsyncLLM)
        ]

    async def _in_thread(self, func: Any, *args: Any) -> Any:
        return await asyncio.get_running_loop().run_in_executor(self._executor, func, *args)

    async def load(self) -> str:
        """Load the step (its LLM included); return ``host:pid`` for log messages."""
        loop = asyncio.get_running_loop()
        for llm in self._async_llms():
            llm.use_event_loop(loop)
        await self._in_thread(self.step.load)
        return f"{socket.gethostname()}:{os.getpid()}"

    async def unload(self) -> None:
        """Unload the step and stop the worker thread."""
        try:
            await self._in_thread(self.step.unload)
        finally:
            self._flush()
            if self._journal is not None:
                self._journal.close()
            self._executor.shutdown(wait=False)

    # -- generator steps ----------------------------------------------------------------

    async def start(self, offset: int) -> None:
        """Start (or restart) a generator step at row ``offset``."""
        step = self.step
        assert isinstance(step, GeneratorStep)
        self._source = step.process_applying_mappings(offset=offset)

    async def next_batch(self) -> tuple[tuple[int, bool, bool], list[Row]]:
        """``((rows, is_last, exhausted), rows)`` of the generator's next batch."""
        assert self._source is not None, "start() must run before next_batch()"
        item = await self._in_thread(next, self._source, EXHAUSTED)
        if item is EXHAUSTED:
            return (0, True, True), []
        batch, last = item
        return (len(batch), bool(last), False), batch

    # -- batch steps --------------------------------------------------------------------

    async def _arguments(self, parts: list[Part]) -> tuple[list[list[Row]], list[str]]:
        """Per-predecessor row lists and the stable key of every row (``pred:offset``)."""
        per_pred: list[list[Row]] = []
        keys: list[str] = []
        for pred, start, segments in parts:
            rows = await materialize(segments)
            per_pred.append(rows)
            keys.extend(f"{pred}:{start + i}" for i in range(len(rows)))
        return per_pred, keys

    def _call_process(self, args: list[list[Row]]) -> list[list[Row]]:
        step = self.step
        assert isinstance(step, Step)
        if not step.takes_multiple_inputs():
            args = [[row for rows in args for row in rows]]
        return [list(batch) for batch in step.process_applying_mappings(*args)]

    def _outcome(self, rows: list[Row]) -> tuple[BatchOutcome, Optional[StepStoppedError]]:
        """What this step's output ``rows`` say (failed rows, errors, tokens), and the
        step's stop error when its fatal guard tripped."""
        step = self.step
        if not isinstance(step, Task):
            return BatchOutcome(), None
        return step.outcome(rows), step.fatal_guard.stopped

    def _known(self, task: Task, args: list[list[Row]], keys: list[str],
               cached: dict[str, Any]) -> list[Row]:
        """A sync task's batch, with the rows answered in an earlier run not asked again."""
        originals = [row for part in args for row in part]
        rows = task._map_inputs(originals) if task.input_mappings else originals
        built = task.process_rows(rows, [cached.get(key) for key in keys])
        return task._map_outputs(built, originals)

    def _multi_call(self, task: MultiCallTask, args: list[list[Row]], keys: list[str],
                    cached: dict[str, Any]) -> list[Row]:
        """A multi-call task's batch with a sync LLM, each row's calls journaled."""
        originals = [row for part in args for row in part]
        rows = task._map_inputs(originals) if task.input_mappings else originals
        journals: list[Any] = [_RowCalls(self._journal, key, cached) for key in keys]
        built = task.process_rows(rows, None, journals)
        return task._map_outputs(built, originals)

    async def process(
        self, parts: list[Part], cached: dict[str, Any]
    ) -> tuple[tuple[int, BatchOutcome, Optional[StepStoppedError]], list[Row]]:
        """Run the step on one input batch: ``((rows_out, outcome, stopped), rows)``.

        ``cached`` holds LLM answers (by row key) from an earlier run, not asked again;
        ``stopped`` is the step's ``StepStoppedError`` once fatal errors stopped it.
        """
        args, keys = await self._arguments(parts)
        step = self.step
        if isinstance(step, Task) and step.generates_per_row():
            rows = [row for part in args for row in part]
            rows = await self._per_row(step, rows, keys, cached)
        elif isinstance(step, MultiCallTask):  # a local (sync) LLM: rows in lockstep
            rows = await self._in_thread(self._multi_call, step, args, keys, cached)
        elif isinstance(step, Task) and cached and step.reuses_answers:
            rows = await self._in_thread(self._known, step, args, keys, cached)
        else:
            batches = await self._in_thread(self._call_process, args)
            rows = [row for batch in batches for row in batch]
        return (len(rows), *self._outcome(rows)), rows

    async def process_all(
        self, parts: list[Part]
    ) -> tuple[tuple[list[int], BatchOutcome], list[Row]]:
        """Run a global step on all its input: ``((batch_sizes, outcome), rows)``."""
        args, _keys = await self._arguments(parts)
        batches = await self._in_thread(self._call_process, args)
        rows = [row for batch in batches for row in batch]
        return ([len(b) for b in batches], self._outcome(rows)[0]), rows

    # -- async LLM tasks ----------------------------------------------------------------

    async def _per_row(
        self, task: Task, rows: list[Row], keys: list[str], cached: dict[str, Any]
    ) -> list[Row]:
        mapped = task._map_inputs(rows) if task.input_mappings else rows
        formatted = [task.format_row(row) for row in mapped]
        results = await asyncio.gather(
            *(self._row(task, k, f, cached) for k, f in zip(keys, formatted, strict=True))
        )
        self._flush()
        return task._map_outputs(task.build_rows(mapped, formatted, list(results)), rows)

    async def _row(
        self,
        task: Task,
        key: str,
        formatted: Union[FormattedInput, Exception],
        cached: dict[str, Any],
    ) -> Union[GenerateOutput, Exception]:
        if isinstance(formatted, Exception):
            return formatted
        if key in cached:
            return cached[key]  # type: ignore[no-any-return]
        guard = task.fatal_guard
        if guard.stopped is not None:
            return guard.stopped  # fatal errors stopped the step: send nothing more
        multi = isinstance(task, MultiCallTask)
        try:
            if multi:
                calls = _RowCalls(self._journal, key, cached)
                output = await task.agenerate_row(formatted, calls)  # type: ignore[call-arg]
            else:
                output = await task.agenerate_row(formatted)
        except Exception as exc:
            guard.observe(exc)
            return exc
        guard.observe(output)
        if self._journal is not None and not multi:  # a multi-call row journals its calls
            self._pending.append((key, output))
            if not self._flush_scheduled:
                self._flush_scheduled = True
                asyncio.get_running_loop().call_soon(self._flush)
        return output

    def _flush(self) -> None:
        self._flush_scheduled = False
        if self._pending and self._journal is not None:
            entries, self._pending = self._pending, []
            self._journal.append_journal(entries)

    def where(self) -> str:
        """``host:pid`` of this replica."""
        return f"{socket.gethostname()}:{os.getpid()}"
