"""Runners of generator, batch and global steps, and ``make_runner`` to pick one.

CPU work and synchronous LLM calls run in worker threads; a task with an ``AsyncLLM``
gets the ``AsyncTaskRunner`` (``_async_runner``), one whose LLM answers through a
batch API the ``OfflineBatchRunner`` (``_offline_runner``).
"""

from __future__ import annotations

import asyncio
from typing import Any, Optional

from distilabel.llms._offline import uses_offline_batch
from distilabel.pipeline._channels import Channel, StepInputs, TakenBatch
from distilabel.pipeline._interrupt import STOP_GRACE
from distilabel.pipeline._progress import StepProgress
from distilabel.pipeline._rerun import Answers, keeps_answer
from distilabel.pipeline._runner_base import StepRunner
from distilabel.pipeline.local._async_runner import AsyncTaskRunner
from distilabel.pipeline.local._offline_runner import OfflineBatchRunner
from distilabel.pipeline.storage._store import StepStore
from distilabel.steps._base import GeneratorStep, Step, _Step
from distilabel.steps.tasks._base import Task
from distilabel.steps.tasks._calls import call_key
from distilabel.steps.tasks._kinds import GeneratorTask, MultiCallTask
from distilabel.steps.typing import Row

__all__ = ["AsyncTaskRunner", "StepRunner", "make_runner"]


class GeneratorRunner(StepRunner):
    """Pull ``(batch, is_last)`` pairs from a generator step, from where it left off.

    Each batch is pulled in a worker thread, unless the step says its ``process`` is
    cheap and never blocks (``runs_inline``, e.g. ``LoadDataFromDicts``): then it runs on
    the loop, sparing a thread hop per batch.
    """

    async def process(self) -> None:
        step = self.step
        assert isinstance(step, GeneratorStep)
        offset = self.store.committed_rows
        self.progress.done = self.progress.resumed = offset
        self.progress.total = step.total_rows()
        if isinstance(step, GeneratorTask) and isinstance(step, MultiCallTask):
            # one row per seed: journal each seed row's calls under ``seed:<index>``
            answers = Answers(await self.in_thread(
                self.store.load_journal, lambda key: keeps_answer(key, {"seed": offset})
            ))
            store = self.store
            step._call_journals = lambda index: _SyncRowCalls(store, answers, f"seed:{index}")
        source = step.process_applying_mappings(offset=offset)
        inline = step.runs_inline
        try:
            while True:
                if inline:
                    item = next(source, None)
                    await asyncio.sleep(0)
                else:
                    item = await self.in_thread(next, source, None)
                if item is None:
                    break
                batch, last = item
                offset += len(batch)
                await self.emit(batch, {"offset": offset}, len(batch))
                if last:
                    break
        finally:
            if await self.settle(STOP_GRACE):  # a generator running in a thread cannot close
                getattr(source, "close", lambda: None)()
            if isinstance(step, GeneratorTask):
                step._call_journals = None


class _SyncRowCalls:
    """The journal of one row's calls (a ``MultiCallTask`` with a synchronous LLM),
    written straight to the step's journal from the worker thread."""

    __slots__ = ("answers", "key", "store")

    def __init__(self, store: StepStore, answers: Answers, key: str) -> None:
        self.store = store
        self.answers = answers
        self.key = key

    def get(self, index: int) -> Optional[dict[str, Any]]:
        return self.answers.by_key.pop(call_key(self.key, index), None)  # type: ignore[no-any-return]

    def record(self, index: int, entry: dict[str, Any]) -> None:
        self.store.append_journal([(call_key(self.key, index), entry)])


class BatchRunner(StepRunner):
    """Run ``process`` on each input batch in a worker thread (CPU steps, sync LLMs).

    A task whose rows were answered in an earlier run (kept by a rerun's rewind, see
    ``_rerun``) gets those answers and sends only the other rows to its LLM.
    """

    def _process(self, taken: TakenBatch, answers: Answers) -> tuple[list[Row], int]:
        step = self.step
        assert isinstance(step, Step)
        if isinstance(step, MultiCallTask):
            originals, keys = taken.concatenated()
            rows = step._map_inputs(originals) if step.input_mappings else originals
            journals: list[Any] = [_SyncRowCalls(self.store, answers, key) for key in keys]
            built = step.process_rows(rows, None, journals)
            return step._map_outputs(built, originals), 0
        if answers and isinstance(step, Task):
            originals, keys = taken.concatenated()
            known = [answers.take(key, row) for key, row in zip(keys, originals, strict=True)]
            rows = step._map_inputs(originals) if step.input_mappings else originals
            built = step.process_rows(rows, known)
            return step._map_outputs(built, originals), sum(k is not None for k in known)
        if step.takes_multiple_inputs():
            args = [rows for _pred, _start, rows in taken.parts]
        else:
            args = [taken.concatenated()[0]]
        out: list[Row] = []
        for batch in step.process_applying_mappings(*args):
            out.extend(batch)
        return out, 0

    async def process(self) -> None:
        step = self.step
        assert self.inputs is not None and isinstance(step, Step)
        self.progress.done = self.progress.resumed = sum(self.inputs.offsets.values())
        answers = Answers({})
        if isinstance(step, Task) and (step.reuses_answers or isinstance(step, MultiCallTask)):
            answers = Answers(await self.in_thread(self.store.load_journal, self.keeps))
        size = step.input_batch_size or 50
        while (taken := await self.inputs.take(size)) is not None:
            rows, reused = await self.in_thread(self._process, taken, answers)
            await self.emit(rows, taken.consumed, taken.size, reused)


class GlobalRunner(BatchRunner):
    """Gather every input row, run ``process`` once, commit all output atomically."""

    async def process(self) -> None:
        assert self.inputs is not None and isinstance(self.step, Step)
        if self.store.committed_batches:
            return  # all output was committed (atomically) before a crash; successors replay it
        taken = await self.inputs.take(None)
        if taken is None:
            self.store.commit_all([], dict(self.inputs.offsets))
            return
        step = self.step
        if step.takes_multiple_inputs():
            args = [rows for _pred, _start, rows in taken.parts]
        else:
            args = [taken.concatenated()[0]]

        def run_all() -> list[list[Row]]:
            return [list(batch) for batch in step.process_applying_mappings(*args)]

        batches = await self.in_thread(run_all)
        self.store.commit_all(batches, taken.consumed)
        self.progress.advance(taken.size)
        last = len(self.outputs) - 1
        for batch in batches:
            if not batch:
                continue
            for index, channel in enumerate(self.outputs):
                await channel.queue.put(batch if index == last else [dict(r) for r in batch])


def make_runner(
    step: _Step,
    store: StepStore,
    inputs: Optional[StepInputs],
    outputs: list[Channel],
    progress: StepProgress,
) -> StepRunner:
    """The runner for ``step``'s kind."""
    cls: type[StepRunner]
    if isinstance(step, GeneratorStep):
        cls = GeneratorRunner
    elif step.is_global:
        cls = GlobalRunner
    elif isinstance(step, Task) and uses_offline_batch(step.llm):
        cls = OfflineBatchRunner
    elif isinstance(step, Task) and step.generates_per_row():
        cls = AsyncTaskRunner
    else:
        cls = BatchRunner
    return cls(step, store, inputs, outputs, progress)
