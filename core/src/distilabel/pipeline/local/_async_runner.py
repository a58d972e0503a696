"""``AsyncTaskRunner``: a task with an ``AsyncLLM``, one request per row.

Requests start as soon as rows arrive, from a pool of ``max_concurrency`` worker
coroutines on the engine's loop, bounded by the LLM's limiter (which also applies rate
limits and backs off on throttling), so they never wait for a batch boundary. Output
batches are committed in input order. Each answer is journaled as it arrives; on resume
journaled rows are not sent again. A ``MultiCallTask`` journals each call of a row as it
is answered, so a resumed row replays its finished calls.
"""

from __future__ import annotations

import asyncio
import collections
import math
from typing import Any, Optional, Union

from distilabel.llms import AsyncLLM
from distilabel.llms.typing import GenerateOutput
from distilabel.pipeline._channels import TakenBatch
from distilabel.pipeline._rerun import Answers
from distilabel.pipeline._runner_base import StepRunner, run_feeder_and_committer
from distilabel.steps.tasks._base import Task
from distilabel.steps.tasks._calls import call_key
from distilabel.steps.tasks._kinds import MultiCallTask
from distilabel.steps.typing import Row

__all__ = ["JOURNAL_COMPACT_MIN", "AsyncTaskRunner"]

RowResult = Union[GenerateOutput, Exception]


class _RowQueue:
    """A minimal unbounded FIFO for coroutines on one loop (lighter than asyncio.Queue)."""

    __slots__ = ("_getters", "_items")

    def __init__(self) -> None:
        self._items: collections.deque[Any] = collections.deque()
        self._getters: collections.deque[asyncio.Future[None]] = collections.deque()

    def put(self, item: Any) -> None:
        self._items.append(item)
        while self._getters:
            getter = self._getters.popleft()
            if not getter.done():
                getter.set_result(None)
                break

    async def get(self) -> Any:
        while not self._items:
            getter = asyncio.get_running_loop().create_future()
            self._getters.append(getter)
            await getter
        return self._items.popleft()


class _BatchState:
    """Results of one input batch as its rows finish, and a future set when all have."""

    __slots__ = ("future", "keys", "remaining", "results", "reused")

    def __init__(self, keys: list[str]) -> None:
        self.keys = keys
        self.results: list[Any] = [None] * len(keys)
        self.remaining = 0
        self.reused = 0
        self.future: asyncio.Future[None] = asyncio.get_running_loop().create_future()


class _RowCalls:
    """The journal of one row's calls (a ``MultiCallTask``), in the runner's journal."""

    __slots__ = ("key", "runner")

    def __init__(self, runner: AsyncTaskRunner, key: str) -> None:
        self.runner = runner
        self.key = key

    def get(self, index: int) -> Optional[dict[str, Any]]:
        return self.runner._answers.by_key.pop(call_key(self.key, index), None)  # type: ignore[no-any-return]

    def record(self, index: int, entry: dict[str, Any]) -> None:
        key = call_key(self.key, index)
        self.runner._record(key, entry)  # type: ignore[arg-type]
        self.runner._live_calls.setdefault(self.key, []).append((key, entry))


_YIELD_EVERY = 64
JOURNAL_COMPACT_MIN = 10_000
"""Journal lines written before the journal is compacted (scaled up with the window)."""


class AsyncTaskRunner(StepRunner):
    """A task with an ``AsyncLLM``: one request per row, many batches in flight.

    A pool of ``max_concurrency`` worker coroutines takes rows from a shared queue and
    awaits the LLM (under its limiter, which also applies rate limits), so requests
    start as soon as rows arrive, never waiting for a batch boundary. Output batches are
    committed in input order. Each successful answer is journaled at once, and rows found
    in the journal on resume are not sent again.
    """

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._answers = Answers({})
        self._journal_lines = 0
        self._live: set[_BatchState] = set()
        self._pending_journal: list[tuple[str, Any]] = []
        self._live_calls: dict[str, list[tuple[str, Any]]] = {}
        self._flush_scheduled = False
        self._rows = _RowQueue()

    def _flush_journal(self) -> None:
        self._flush_scheduled = False
        if self._pending_journal:
            entries, self._pending_journal = self._pending_journal, []
            self.store.append_journal(entries)
            self._journal_lines += len(entries)

    def _compact_journal(self) -> None:
        """Rewrite the journal with only the answers not yet committed, so it stays as
        small as the rows in flight however long the run."""
        self._flush_journal()
        keep = self._answers.remaining()
        for state in self._live:
            keep.extend(
                (key, result) for key, result in zip(state.keys, state.results, strict=True)
                if isinstance(result, dict)
            )
        for calls in self._live_calls.values():
            keep.extend(calls)
        self.store.rewrite_journal(keep)
        self._journal_lines = len(keep)

    def _record(self, key: str, output: GenerateOutput) -> None:
        self._pending_journal.append((key, output))
        if not self._flush_scheduled:
            self._flush_scheduled = True
            asyncio.get_running_loop().call_soon(self._flush_journal)

    async def _worker(self) -> None:
        task = self.step
        assert isinstance(task, Task)
        llm = task.llm
        assert isinstance(llm, AsyncLLM)
        # The base agenerate_row is one limited call: skip its frame on this hot path.
        direct = type(task).agenerate_row is Task.agenerate_row
        multi = isinstance(task, MultiCallTask)
        num_generations = task.num_generations
        guard = task.fatal_guard
        rows = self._rows
        done = 0
        while True:
            state, index, key, formatted = await rows.get()
            result: RowResult
            if guard.stopped is not None:
                result = guard.stopped  # a fatal error stopped the step: send nothing more
            else:
                try:
                    if direct:
                        result = await llm.agenerate_output(formatted, num_generations)
                    elif multi:
                        result = await task.agenerate_row(formatted, _RowCalls(self, key))  # type: ignore[call-arg]
                    else:
                        result = await task.agenerate_row(formatted)
                except Exception as exc:
                    result = exc
                else:
                    self._record(key, result)
                if multi:
                    self._live_calls.pop(key, None)
                guard.observe(result)
            state.results[index] = result
            state.remaining -= 1
            if state.remaining == 0:
                state.future.set_result(None)
            done += 1
            if done % _YIELD_EVERY == 0:  # answers that never suspend must not hog the loop
                await asyncio.sleep(0)

    async def _batch(self, taken: TakenBatch) -> tuple[list[Row], _BatchState]:
        task = self.step
        assert isinstance(task, Task)
        originals, keys = taken.concatenated()
        rows = task._map_inputs(originals) if task.input_mappings else originals
        formatted = [task.format_row(row) for row in rows]
        state = _BatchState(keys)
        answers = self._answers
        for index, (key, fmt) in enumerate(zip(keys, formatted, strict=True)):
            if isinstance(fmt, Exception):
                state.results[index] = fmt
            elif answers and (cached := answers.take(key, originals[index])) is not None:
                state.results[index] = cached
                state.reused += 1
            else:
                state.remaining += 1
                self._rows.put((state, index, key, fmt))
        self._live.add(state)  # until committed: journal compaction keeps its answers
        if state.remaining:
            await state.future
        built = task.build_rows(rows, formatted, state.results)
        return task._map_outputs(built, originals), state

    async def process(self) -> None:
        task = self.step
        assert self.inputs is not None and isinstance(task, Task)
        llm = task.llm
        assert isinstance(llm, AsyncLLM)
        self.progress.done = self.progress.resumed = sum(self.inputs.offsets.values())
        self._answers = Answers(await self.in_thread(self.store.load_journal, self.keeps))
        size = task.input_batch_size or 50
        concurrency = llm.max_concurrency or 1
        batches_in_flight = max(2, math.ceil(2 * concurrency / size) + 1)
        # ``running`` bounds the batches being answered; a slot frees when its batch is
        # answered, so one slow request holds up the in-order commits but not the
        # requests of the batches after it. ``backlog`` bounds the batches taken and not
        # yet committed (their rows are held in memory).
        running = asyncio.Semaphore(batches_in_flight)
        backlog = asyncio.Semaphore(3 * batches_in_flight)
        compact_after = max(JOURNAL_COMPACT_MIN, 2 * 3 * batches_in_flight * size)
        pending: asyncio.Queue[Optional[tuple[asyncio.Task[Any], TakenBatch]]] = (
            asyncio.Queue()
        )
        inputs = self.inputs
        in_flight: list[asyncio.Task[Any]] = []

        async def feed() -> None:
            while (taken := await inputs.take(size)) is not None:
                await backlog.acquire()
                await running.acquire()
                batch_task = asyncio.ensure_future(self._batch(taken))
                batch_task.add_done_callback(lambda _task: running.release())
                in_flight.append(batch_task)
                pending.put_nowait((batch_task, taken))
            pending.put_nowait(None)

        async def commit() -> None:
            while (item := await pending.get()) is not None:
                batch_task, taken = item
                rows, state = await batch_task
                in_flight.remove(batch_task)
                self._flush_journal()
                self._live.discard(state)
                await self.emit(rows, taken.consumed, taken.size, state.reused)
                if self._journal_lines > compact_after:
                    self._compact_journal()
                backlog.release()

        workers = [asyncio.ensure_future(self._worker()) for _ in range(concurrency)]
        try:
            await run_feeder_and_committer(feed(), commit(), lambda: [*in_flight, *workers])
        finally:
            self._flush_journal()
