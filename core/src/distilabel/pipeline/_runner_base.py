"""``StepRunner``: what the local engine does for every step, whatever its kind.

Load the step in a worker thread, process its input batches, commit each output batch
to the step's store *before* sending it on (so what a successor has seen is always
durable), mark the step done and unload it. Subclasses (``_runners``,
``_async_runner``) define ``process`` for each kind of step.
"""

from __future__ import annotations

import asyncio
import concurrent.futures
import logging
import time
from typing import TYPE_CHECKING, Any, Callable, Coroutine, Iterable, Optional, TypeVar

from distilabel.llms import AsyncLLM
from distilabel.llms._offline import OfflineBatchGenerationNotFinished
from distilabel.pipeline._channels import Channel, StepInputs
from distilabel.pipeline._interrupt import STOP_GRACE
from distilabel.pipeline._progress import StepProgress
from distilabel.pipeline._rerun import keeps_answer
from distilabel.pipeline.storage._store import StepStore
from distilabel.steps._base import _Step
from distilabel.steps.tasks._base import Task
from distilabel.steps.tasks._outcome import BatchOutcome
from distilabel.steps.typing import Row

if TYPE_CHECKING:
    from distilabel.pipeline._routing import RoutingBatchFunction

__all__ = ["StepRunner", "run_feeder_and_committer"]

_logger = logging.getLogger("distilabel.pipeline")
_T = TypeVar("_T")


class StepRunner:
    """Load, run, commit, forward, unload: what every kind of step shares."""

    router: Optional[RoutingBatchFunction] = None
    """The step's routing function, choosing among ``successors`` per batch."""
    successors: list[str] = []

    def __init__(
        self,
        step: _Step,
        store: StepStore,
        inputs: Optional[StepInputs],
        outputs: list[Channel],
        progress: StepProgress,
    ) -> None:
        self.step = step
        self.store = store
        self.inputs = inputs
        self.outputs = outputs
        self.progress = progress
        self.executor: Optional[concurrent.futures.Executor] = None
        self._busy: set[concurrent.futures.Future[Any]] = set()

    async def in_thread(self, func: Callable[..., _T], *args: Any) -> _T:
        """Run ``func(*args)`` in the engine's worker threads.

        The call is tracked: a cancelled runner waits for its threads to finish
        (``settle``) before it unloads the step, so an LLM is never unloaded while a
        thread is still generating with it.
        """
        if self.executor is None:
            return await asyncio.get_running_loop().run_in_executor(None, func, *args)
        future = self.executor.submit(func, *args)
        self._busy.add(future)
        future.add_done_callback(self._busy.discard)
        return await asyncio.wrap_future(future)

    async def settle(self, timeout: Optional[float] = None) -> bool:
        """Wait until no worker thread of this runner is still running, or ``timeout``
        seconds; return whether none is."""
        deadline = None if timeout is None else time.monotonic() + timeout
        while self._busy:
            left = None if deadline is None else deadline - time.monotonic()
            if left is not None and left <= 0:
                return False
            waits = [asyncio.wrap_future(f) for f in list(self._busy)]
            _done, pending = await asyncio.wait(waits, timeout=left)
            for wait in pending:  # once the loop is closed, a late result must not reach it
                wait.cancel()
        return True

    def _async_llms(self) -> list[AsyncLLM]:
        return [
            value for name in type(self.step).model_fields
            if isinstance(value := getattr(self.step, name, None), AsyncLLM)
        ]

    async def run(self) -> None:
        """Run the step to completion (or until cancelled)."""
        self.progress.state = "loading"
        loop = asyncio.get_running_loop()
        for llm in self._async_llms():
            llm.use_event_loop(loop)
        loaded = finished = False
        try:
            await self.in_thread(self.step.load)
            loaded = True
            self.progress.start()
            await self.process()
            self.store.mark_done()
            self.progress.finish("done")
            for channel in self.outputs:
                await channel.queue.put(None)
            finished = True
        except asyncio.CancelledError:
            self.progress.finish("stopped")
            raise
        except OfflineBatchGenerationNotFinished:
            self.progress.finish("pending")
            raise
        except BaseException:
            self.progress.finish("failed")
            raise
        finally:
            if not await self.settle(None if finished else STOP_GRACE):
                # A call that cannot be cancelled (a sync LLM stuck in generate()): leave
                # it in its daemon thread rather than hold the stop up; never unload a
                # step while a thread still runs in it.
                _logger.warning(
                    "Step '%s' stopped with a call still running in its thread (for %.0f s"
                    " after the stop); it is left behind and the step is not unloaded.",
                    self.step.name, STOP_GRACE,
                )
                loaded = False
            if loaded:
                try:
                    await self.in_thread(self.step.unload)
                except Exception as exc:  # an unload failure must not hide the real outcome
                    _logger.warning("Step '%s' failed to unload: %s", self.step.name, exc)
            for llm in self._async_llms():
                llm.use_event_loop(None)
            if self.inputs is not None:
                self.inputs.close()
            self.store.close()

    async def process(self) -> None:
        """Produce and emit every output batch."""
        raise NotImplementedError

    async def emit(
        self, rows: list[Row], consumed: dict[str, int], done_rows: int, reused: int = 0
    ) -> None:
        """Commit a batch, count it, and pass it to every successor (copies for all but
        the last, so one successor's changes never leak into another's rows); with a
        routing function, only to the successors it chose, kept in the batch's header.

        ``reused`` counts the rows answered from an earlier run's answers.

        Raises:
            StepStoppedError: the task's fatal guard tripped (after this batch is kept).
        """
        step = self.step
        outcome = step.outcome(rows) if isinstance(step, Task) else BatchOutcome()
        outcome.reused = reused
        route = None if self.router is None else self.router.route(step.name, self.successors)
        self.store.commit(rows, consumed, outcome.errors, route)
        self.progress.record(done_rows, outcome)
        outputs = [c for c in self.outputs if route is None or c.target in route]
        last = len(outputs) - 1
        if rows:
            for index, channel in enumerate(outputs):
                await channel.queue.put(rows if index == last else [dict(r) for r in rows])
        self.check_stopped()

    def keeps(self, key: str) -> bool:
        """Whether a journaled answer (by its key) is still wanted by this step."""
        assert self.inputs is not None
        return keeps_answer(key, self.inputs.offsets)

    def check_stopped(self) -> None:
        """Raise the task's ``StepStoppedError`` when its fatal guard tripped."""
        step = self.step
        if isinstance(step, Task) and step.fatal_guard.stopped is not None:
            raise step.fatal_guard.stopped


async def run_feeder_and_committer(
    feed: Coroutine[Any, Any, None],
    commit: Coroutine[Any, Any, None],
    started: Callable[[], Iterable[asyncio.Future[Any]]],
) -> None:
    """Run a step's feeder (takes input batches, starts their work) and committer
    (commits finished batches in order) until both are done.

    The first of them to raise stops the other and is raised. Either way, the two and
    the work they started (``started()``: batch futures, workers) are cancelled and
    awaited before this returns.
    """
    feeder = asyncio.ensure_future(feed)
    committer = asyncio.ensure_future(commit)
    try:
        done, _ = await asyncio.wait({feeder, committer}, return_when=asyncio.FIRST_EXCEPTION)
        for finished in done:
            finished.result()
        await feeder
        await committer
    finally:
        tasks = [feeder, committer, *started()]
        for task in tasks:
            task.cancel()
        await asyncio.gather(*tasks, return_exceptions=True)
