"""``OfflineBatchRunner``: a task whose LLM answers through its provider's batch API.

The task's rows are gathered, formatted and turned into request files (split by the
provider's limits); each file becomes one job. A job is journaled in the step's journal
twice: before it is submitted (its rows, request ids and a random tag it is created
with) and the moment the provider gives its id. So a run killed at any point, or one that
returned while jobs ran (``offline_batch_generation_block_until_done=None``), finds its
jobs again on the next run and polls them instead of submitting anew; a job whose id was
never journaled is looked up by its tag (``find_batch``) before anything is resubmitted.

A finished job's answers are journaled per row (like any answered row), then the job is
marked collected. Requests a job reports as failed, expired or cancelled become row
errors: they are committed like every failed row, and a rerun retries just them
(``_rerun``), in a new job holding only those rows. Rows are committed, in input order
and in ``input_batch_size`` batches, once every job has finished.
"""

from __future__ import annotations

import asyncio
import logging
import uuid
from dataclasses import dataclass, field
from typing import Any, Optional, Union

from distilabel.errors import LLMRequestError
from distilabel.llms import OfflineBatchGeneration, OfflineBatchGenerationNotFinished
from distilabel.llms._offline import BatchJob, split_ranges
from distilabel.llms.typing import GenerateOutput
from distilabel.pipeline._rerun import Answers, row_digest
from distilabel.pipeline._runner_base import StepRunner
from distilabel.steps.tasks._base import Task
from distilabel.steps.typing import Row
from distilabel.typing import FormattedInput

__all__ = ["JOB_KEY_PREFIX", "OfflineBatchRunner"]

_logger = logging.getLogger("distilabel.pipeline")

JOB_KEY_PREFIX = "%batch-job/"
"""Journal keys of a step's batch jobs (never a row key: those are ``pred:offset``)."""

_FIRST_POLL = 1.0
"""Seconds before the first poll; waits double from here up to the LLM's interval."""
_POLL_FAILURES = 5
"""Polls in a row that may fail (a network hiccup) before the step fails."""

RowResult = Union[GenerateOutput, Exception]


@dataclass
class _Job:
    """One job as journaled: its rows (keys, digests, request ids), tag, id and state."""

    chunk: int
    keys: list[str]
    digests: list[str]
    ids: list[str]
    tag: str
    job: Optional[str] = None
    state: str = "submitting"
    """``submitting`` (its id not known yet), ``submitted`` or ``collected``."""
    status: Optional[BatchJob] = field(default=None, repr=False)

    @property
    def key(self) -> str:
        return f"{JOB_KEY_PREFIX}{self.chunk}"

    def entry(self) -> dict[str, Any]:
        return {"chunk": self.chunk, "keys": self.keys, "digests": self.digests,
                "ids": self.ids, "tag": self.tag, "job": self.job, "state": self.state}

    @classmethod
    def read(cls, entry: Any) -> Optional[_Job]:
        try:
            return cls(int(entry["chunk"]), list(entry["keys"]), list(entry["digests"]),
                       list(entry["ids"]), str(entry["tag"]), entry.get("job"),
                       str(entry.get("state", "submitting")))
        except (KeyError, TypeError, ValueError):
            return None


class OfflineBatchRunner(StepRunner):
    """Gather the task's rows, answer them through batch jobs, commit them."""

    async def process(self) -> None:
        task = self.step
        assert self.inputs is not None and isinstance(task, Task)
        llm = task.llm
        assert isinstance(llm, OfflineBatchGeneration)
        self.progress.done = self.progress.resumed = sum(self.inputs.offsets.values())
        journal = await self.in_thread(
            self.store.load_journal, lambda k: k.startswith(JOB_KEY_PREFIX) or self.keeps(k)
        )
        jobs = [job for key, entry in journal.items()
                if key.startswith(JOB_KEY_PREFIX) and (job := _Job.read(entry)) is not None]
        answers = Answers({k: v for k, v in journal.items() if not k.startswith(JOB_KEY_PREFIX)})
        taken = await self.inputs.take(None)
        if taken is None:
            return
        originals, keys = taken.concatenated()
        rows = task._map_inputs(originals) if task.input_mappings else originals
        formatted = [task.format_row(row) for row in rows]
        results: list[Optional[RowResult]] = [
            f if isinstance(f, Exception) else None for f in formatted
        ]
        reused = 0
        for index, key in enumerate(keys):
            if results[index] is None and (known := answers.take(key, originals[index])):
                results[index] = known
                reused += 1
        digests = [row_digest(row) for row in originals]
        position = {key: index for index, key in enumerate(keys)}
        live = await self._attach(llm, jobs, results, position, digests)
        covered = {position[k] for job in live for k in job.keys}
        missing = [i for i, r in enumerate(results) if r is None and i not in covered]
        if missing:
            live += await self._submit(
                llm, task, missing, formatted, keys, digests,
                next_chunk=max((job.chunk for job in jobs), default=-1) + 1,
            )
        if live:
            await self._wait(llm, task.name, live, results, position, digests)
        await self._commit(task, taken, originals, rows, formatted, results, reused)

    # -- jobs ---------------------------------------------------------------------------

    async def _record(self, job: _Job) -> None:
        await self.in_thread(self.store.append_journal, [(job.key, job.entry())])

    async def _attach(
        self, llm: OfflineBatchGeneration, jobs: list[_Job], results: list[Optional[RowResult]],
        position: dict[str, int], digests: list[str],
    ) -> list[_Job]:
        """The journaled jobs still to collect, for rows still unanswered; a job whose id
        was never journaled is found by its tag, or given up (its rows are submitted
        again)."""
        live: list[_Job] = []
        for job in jobs:
            if job.state == "collected":
                continue
            wanted = [
                key for key, digest in zip(job.keys, job.digests, strict=True)
                if (i := position.get(key)) is not None and digests[i] == digest
                and results[i] is None
            ]
            if job.job is None:
                found = await self.in_thread(llm.find_batch, _metadata(self.step.name, job.tag))
                if found is not None:
                    job.job, job.state = found, "submitted"
                    await self._record(job)
                    _logger.info("Step '%s': found batch job %s, created before the last run"
                                 " stopped, by its tag.", self.step.name, found)
                elif wanted:
                    job.state = "collected"  # never created: its rows are submitted anew
                    await self._record(job)
                    continue
            if job.job is not None and wanted:
                live.append(job)
                _logger.info("Step '%s': re-attaching to batch job %s (%d rows) from an"
                             " earlier run.", self.step.name, job.job, len(wanted))
        return live

    async def _submit(
        self, llm: OfflineBatchGeneration, task: Task, missing: list[int],
        formatted: list[Union[FormattedInput, Exception]], keys: list[str],
        digests: list[str], next_chunk: int,
    ) -> list[_Job]:
        """Write the missing rows' requests into job files and submit each; every job is
        journaled before it is created and again once its id is known."""
        ids = [f"row-{n}" for n in range(len(missing))]
        lines = [
            llm.batch_request(request_id, formatted[i], task.num_generations)  # type: ignore[arg-type]
            for request_id, i in zip(ids, missing, strict=True)
        ]
        submitted: list[_Job] = []
        ranges = split_ranges(lines, llm.batch_max_requests, llm.batch_max_bytes,
                              label=lambda n: keys[missing[n]])
        for offset, (start, end) in enumerate(ranges):
            part = missing[start:end]
            job = _Job(next_chunk + offset, [keys[i] for i in part], [digests[i] for i in part],
                       ids[start:end], uuid.uuid4().hex)
            await self._record(job)
            job.job = await self.in_thread(
                llm.submit_batch, b"".join(lines[start:end]), _metadata(task.name, job.tag)
            )
            job.state = "submitted"
            await self._record(job)
            submitted.append(job)
            _logger.info("Step '%s': submitted batch job %s (%d requests).", task.name,
                         job.job, end - start)
        return submitted

    async def _wait(
        self, llm: OfflineBatchGeneration, step: str, live: list[_Job],
        results: list[Optional[RowResult]], position: dict[str, int], digests: list[str],
    ) -> None:
        """Poll the jobs (backing off up to the LLM's interval) and collect each as it
        finishes; without an interval, poll once and stop the run if any still runs."""
        interval = getattr(llm, "offline_batch_generation_block_until_done", None)
        wait = _FIRST_POLL if interval is None else min(_FIRST_POLL, interval)
        failures = 0
        while True:
            for job in live:
                if job.state == "collected":
                    continue
                try:
                    job.status = await self.in_thread(llm.batch_status, job.job)
                    if job.status.finished:
                        await self._collect(llm, job, results, position, digests)
                    failures = 0
                except Exception as exc:
                    failures += 1
                    if failures >= _POLL_FAILURES or interval is None:
                        raise
                    _logger.warning("Step '%s': polling batch job %s failed (%s); trying"
                                    " again.", step, job.job, exc)
            self._show(live)
            running = [job.job for job in live if job.state != "collected"]
            if not running:
                return
            if interval is None:
                raise OfflineBatchGenerationNotFinished(
                    f"Step '{step}': {len(running)} batch job(s) still running"
                    f" ({', '.join(str(j) for j in running)}); they are journaled in the run"
                    " directory. Run the pipeline again to collect them (nothing is"
                    " submitted twice), or set offline_batch_generation_block_until_done"
                    " to wait for them.",
                    step=step, jobs_ids=[j for j in running if j is not None],
                )
            await asyncio.sleep(wait)
            wait = min(interval, max(wait, 0.01) * 2)

    async def _collect(
        self, llm: OfflineBatchGeneration, job: _Job, results: list[Optional[RowResult]],
        position: dict[str, int], digests: list[str],
    ) -> None:
        """Read a finished job's answers into its rows; journal them, then the job."""
        assert job.job is not None and job.status is not None
        answered = await self.in_thread(llm.batch_results, job.job)
        entries: list[tuple[str, Any]] = []
        for key, digest, request_id in zip(job.keys, job.digests, job.ids, strict=True):
            index = position.get(key)
            if index is None or digests[index] != digest or results[index] is not None:
                continue  # the row is no longer this step's input
            result = answered.get(request_id)
            if result is None:
                result = LLMRequestError(
                    f"batch job {job.job} ended '{job.status.state}' without answering this"
                    f" row{': ' + job.status.message if job.status.message else ''}; a rerun"
                    " submits it again.",
                    llm=type(llm).__name__, retryable=True,
                )
            results[index] = result
            if not isinstance(result, Exception):
                entries.append((key, result))
        if entries:
            await self.in_thread(self.store.append_journal, entries)
        job.state = "collected"
        await self._record(job)
        failed = sum(isinstance(results[position[k]], Exception) for k in job.keys
                     if k in position)
        _logger.info("Step '%s': batch job %s %s: %d answered, %d failed.", self.step.name,
                     job.job, job.status.state, len(entries), failed)

    def _show(self, live: list[_Job]) -> None:
        done = sum(job.state == "collected" for job in live)
        requests = sum(job.status.total if job.status and job.status.total else len(job.keys)
                       for job in live)
        completed = sum(
            (job.status.completed + job.status.failed) if job.status else 0 for job in live
        )
        self.progress.detail = (
            f"batch jobs {done}/{len(live)} done, requests {completed}/{requests}"
        )

    # -- committing ---------------------------------------------------------------------

    async def _commit(
        self, task: Task, taken: Any, originals: list[Row], rows: list[Row],
        formatted: list[Union[FormattedInput, Exception]],
        results: list[Optional[RowResult]], reused: int,
    ) -> None:
        """Build and commit the rows in input order, ``input_batch_size`` at a time."""
        size = task.input_batch_size or 50
        ends: list[tuple[str, int, int]] = []  # (pred, start offset, first index after it)
        index = 0
        for pred, start, part in taken.parts:
            index += len(part)
            ends.append((pred, start, index))
        for begin in range(0, len(rows), size):
            end = min(begin + size, len(rows))
            final: list[RowResult] = [
                r if r is not None else LLMRequestError("not answered") for r in results[begin:end]
            ]
            built = task.build_rows(rows[begin:end], formatted[begin:end], final)
            out = task._map_outputs(built, originals[begin:end])
            consumed: dict[str, int] = {}
            first = 0
            for pred, start, after in ends:
                consumed[pred] = start + max(0, min(end, after) - first)
                first = after
            await self.emit(out, consumed, end - begin, reused if begin == 0 else 0)


def _metadata(step: str, tag: str) -> dict[str, str]:
    return {"distilabel_step": step[:64], "distilabel_batch": tag}
