"""The Ray engine: the pipeline's DAG with every step as Ray actors.

Each step gets a pool of replica actors (``StepResources``: replicas, cpus, gpus,
memory, custom resources). The driver (the process that called ``run``) schedules, and
on writer threads appends every step's finished batches to the same run directory the
local engine uses; it also runs the generator steps that reserve no resources (loaders),
as the local engine does. Only the replicas are processes of their own (about a second
of CPU each to start). A replica returns its output batch as an object reference; the
driver commits it *before* passing the reference on, so whatever a successor has seen
is durable and a rerun resumes exactly as locally. Rows move between replicas as
references; the driver fetches them only to write them.

Input batches are cut by the local engine's ``StepInputs`` over bounded channels, so
ordering, multi-input alignment, replay of committed batches on resume and
backpressure are the same; the channels carry row *markers* (a reference and an index)
instead of rows. Output batches are committed in input order whichever replica finishes
first.

Ctrl-C (``_interrupt``): the first stops sending work; the batches the replicas are
already working on get ``STOP_GRACE`` seconds to come back and be committed, then the
actors are ended and the run returns incomplete, resumable. A second Ctrl-C quits at once.
"""

from __future__ import annotations

import asyncio
import concurrent.futures
import logging
import math
from collections.abc import Mapping
from typing import Any, Optional

from distilabel.errors import DistilabelUserError
from distilabel.llms import AsyncLLM
from distilabel.pipeline._channels import Channel, StepInputs, TakenBatch
from distilabel.pipeline._dag import DAG
from distilabel.pipeline._engine import (
    build_channels,
    start_progress,
    stop_progress,
    wait_for_steps,
)
from distilabel.pipeline._interrupt import STOP_GRACE
from distilabel.pipeline._progress import ProgressDisplay, StepProgress
from distilabel.pipeline._rerun import Answers, keeps_answer
from distilabel.pipeline._runner_base import run_feeder_and_committer
from distilabel.pipeline.ray._actors import Part, Segment
from distilabel.pipeline.ray._pool import ReplicaPool, unwrap_ray_error
from distilabel.pipeline.ray._writer import RunWriter
from distilabel.pipeline.storage._store import StepStore
from distilabel.steps._base import GeneratorStep, Step, _Step
from distilabel.steps._resources import StepResources
from distilabel.steps.tasks._base import Task
from distilabel.steps.tasks._calls import CALL_KEY_PREFIX, call_key
from distilabel.steps.tasks._kinds import MultiCallTask

__all__ = ["RayEngine", "step_resources"]

_logger = logging.getLogger("distilabel.pipeline.ray")


class _RowRef:
    """Row ``index`` of the output batch behind ``ref`` (what channels carry on Ray)."""

    __slots__ = ("index", "ref")

    def __init__(self, ref: Any, index: int) -> None:
        self.ref = ref
        self.index = index


def _segments(items: list[Any]) -> list[Segment]:
    """Group markers into ``(ref, start, stop)`` slices; rows replayed from the store
    (plain dicts) travel inline."""
    segments: list[Segment] = []
    for item in items:
        last = segments[-1] if segments else None
        if isinstance(item, _RowRef):
            if last is not None and last[0] == "ref" and last[1] is item.ref \
                    and last[3] == item.index:  # type: ignore[misc]
                segments[-1] = ("ref", item.ref, last[2], item.index + 1)  # type: ignore[misc]
            else:
                segments.append(("ref", item.ref, item.index, item.index + 1))
        elif last is not None and last[0] == "rows":
            last[1].append(item)
        else:
            segments.append(("rows", [item]))
    return segments


async def _known(taken: TakenBatch, answers: Answers) -> dict[str, Any]:
    """Answers of an earlier run for rows of ``taken``, by row key; the rows behind
    object references are fetched only when answers are kept by content (a rerun)."""
    fetched: dict[Any, list[Any]] = {}
    known: dict[str, Any] = {}
    for pred, start, items in taken.parts:
        for index, item in enumerate(items):
            row = item
            if answers.by_digest and isinstance(item, _RowRef):
                if item.ref not in fetched:
                    fetched[item.ref] = await item.ref
                row = fetched[item.ref][item.index]
            key = f"{pred}:{start + index}"
            answer = answers.take(key, row if isinstance(row, dict) else None)
            if answer is not None:
                known[key] = answer
            call = 0  # a MultiCallTask's journaled calls of this row
            while (entry := answers.by_key.pop(call_key(key, call), None)) is not None:
                known[call_key(key, call)] = entry
                call += 1
    return known


def _parts(taken: TakenBatch) -> list[Part]:
    return [(pred, start, _segments(items)) for pred, start, items in taken.parts]


class _Writer:
    """The run's single writer, in the driver: ``RunWriter``'s methods on worker threads
    (one per unfinished step), so the event loop keeps scheduling while batches are
    fetched, encoded and written, and no actor process has to start for it."""

    def __init__(self, threads: int) -> None:
        self.run = RunWriter()
        self.executor = concurrent.futures.ThreadPoolExecutor(
            max_workers=threads, thread_name_prefix="distilabel-writer"
        )

    async def call(self, func: Any, *args: Any) -> Any:
        return await asyncio.get_running_loop().run_in_executor(self.executor, func, *args)

    async def close(self) -> None:
        try:
            await self.call(self.run.close)
        finally:
            self.executor.shutdown(wait=False)


class _StepWriter:
    """The run writer's methods for one step. Output batches arrive as object
    references; a writer thread fetches the rows and appends them."""

    __slots__ = ("step", "writer")

    def __init__(self, writer: _Writer, step: str) -> None:
        self.writer = writer
        self.step = step

    def _commit(self, rows_ref: Any, consumed: dict[str, int], errors: int) -> None:
        import ray

        self.writer.run.commit(self.step, ray.get(rows_ref), consumed, errors)

    def _commit_all(self, rows_ref: Any, sizes: list[int], consumed: dict[str, int]) -> None:
        import ray

        rows = rows_ref if isinstance(rows_ref, list) else ray.get(rows_ref)
        self.writer.run.commit_all(self.step, rows, sizes, consumed)

    def _generate(self) -> tuple[tuple[int, bool, bool], Any]:
        import ray

        meta, rows = self.writer.run.generate(self.step)
        return meta, ray.put(rows)

    async def commit(self, rows_ref: Any, consumed: dict[str, int], errors: int) -> None:
        await self.writer.call(self._commit, rows_ref, consumed, errors)

    async def commit_all(self, rows_ref: Any, sizes: list[int], consumed: dict[str, int]) -> None:
        await self.writer.call(self._commit_all, rows_ref, sizes, consumed)

    async def mark_done(self) -> None:
        await self.writer.call(self.writer.run.mark_done, self.step)

    async def host(self, step: GeneratorStep) -> None:
        await self.writer.call(self.writer.run.host, self.step, step)

    async def generate(self) -> tuple[tuple[int, bool, bool], Any]:
        """The hosted generator's next batch, committed: ``(meta, rows_ref)``."""
        return await self.writer.call(self._generate)  # type: ignore[no-any-return]

    async def release(self) -> None:
        failure = await self.writer.call(self.writer.run.release, self.step)
        if failure:
            _logger.warning("Step '%s' failed to unload: %s", self.step, failure)


def step_resources(
    step: _Step, overrides: Optional[Mapping[str, Any]] = None
) -> StepResources:
    """The resources ``step`` runs with: an override by step name, else the step's own
    ``resources`` field, else the defaults (one replica, no reservation)."""
    override = (overrides or {}).get(step.name)
    if override is not None:
        return override if isinstance(override, StepResources) else StepResources(**override)
    own = getattr(step, "resources", None)
    return own if isinstance(own, StepResources) else StepResources()


class RayEngine:
    """Run a validated DAG on a connected Ray cluster.

    Takes what ``LocalEngine`` takes; the driver's writer threads commit through the
    given ``stores``, so after ``run`` they hold the run's progress as with the local
    engine.
    """

    def __init__(
        self,
        dag: DAG,
        order: list[str],
        stores: dict[str, StepStore],
        progress: dict[str, StepProgress],
        display: Optional[ProgressDisplay] = None,
        queue_size: int = 4,
        resources: Optional[Mapping[str, Any]] = None,
        max_restarts: int = 3,
    ) -> None:
        self.dag = dag
        self.order = order
        self.stores = stores
        self.progress = progress
        self.display = display
        self.queue_size = queue_size
        self.resources = {
            name: step_resources(dag.steps[name], resources) for name in order
        }
        unknown = set(resources or {}) - set(dag.steps)
        if unknown:
            raise DistilabelUserError(
                f"Resources given for unknown step(s) {', '.join(sorted(unknown))}; steps:"
                f" {', '.join(dag.steps)}."
            )
        self.max_restarts = max_restarts
        self._channels: dict[tuple[str, str], Channel] = {}
        self._pools: list[ReplicaPool] = []
        self._writer: Optional[_Writer] = None
        self._stopping = False
        self._unsettled = 0  # batches sent to replicas (or pulled) and not committed yet

    # -- planning -----------------------------------------------------------------------

    def _todo(self) -> list[str]:
        return [name for name in self.order if not self.stores[name].done]

    def check_resources(self, total: Mapping[str, float]) -> None:
        """Fail before starting anything when the steps' reservations cannot fit.

        All steps run at once (rows stream between them), so the cluster must hold the
        sum of every unfinished step's ``replicas x per-replica`` reservation.

        Raises:
            DistilabelUserError: names the resource, the steps asking for it and the fix.
        """
        demand: dict[str, float] = {}
        askers: dict[str, list[str]] = {}
        for name in self._todo():
            res = self.resources[name]
            for key, amount in res.per_replica().items():
                replicas = int(res.replicas or 1)
                demand[key] = demand.get(key, 0.0) + amount * replicas
                askers.setdefault(key, []).append(f"'{name}' {replicas} x {amount:g}")
        for key, needed in demand.items():
            available = float(total.get(key, 0.0))
            if needed > available + 1e-9:
                raise DistilabelUserError(
                    f"The steps ask for {needed:g} {key} in total ({'; '.join(askers[key])})"
                    f" but the Ray cluster has {available:g}. Every step runs at the same"
                    " time: lower `replicas` or the per-replica reservation in the steps'"
                    " `resources`, or add nodes with that resource."
                )

    def _build_channels(self) -> None:
        self._channels = build_channels(self.dag, self.order, self.stores, self.queue_size)

    def _outputs(self, name: str) -> list[Channel]:
        return [
            self._channels[(name, s)] for s in self.dag.successors[name]
            if (name, s) in self._channels
        ]

    def _inputs(self, name: str) -> StepInputs:
        return StepInputs(
            {p: self._channels[(p, name)] for p in self.dag.predecessors[name]},
            self.stores[name].consumed,
        )

    # -- running ------------------------------------------------------------------------

    async def run(self) -> None:
        """Run every unfinished step; raise ``StepFailedError`` for the first failure."""
        import ray

        for name in self.order:
            if self.stores[name].done:
                self.progress[name].done = self.stores[name].committed_rows
                self.progress[name].finish("cached")
        if not self._todo():
            return
        self.check_resources(ray.cluster_resources())
        self._build_channels()
        self._writer = writer = _Writer(threads=len(self._todo()))
        for name in self._todo():  # the writer commits through the open stores
            writer.run.adopt(name, self.stores[name])
        tasks: dict[asyncio.Future[None], str] = {}
        shower = None
        try:
            tasks = {
                asyncio.ensure_future(self._run_step(name)): name for name in self._todo()
            }
            shower = start_progress(self.dag, self.order, self.progress, self.display)
            try:
                await wait_for_steps(tasks, cause=unwrap_ray_error)
            except asyncio.CancelledError:  # Ctrl-C
                await self._wind_down()
                raise
        finally:
            for task in tasks:
                task.cancel()
            await asyncio.gather(*tasks, return_exceptions=True)
            for pool in self._pools:
                await pool.stop(unload=False)
            await writer.close()
            await stop_progress(shower, self.dag, self.order, self.progress, self.display)

    async def _wind_down(self) -> None:
        """Stop sending work and give the batches in flight ``STOP_GRACE`` seconds to come
        back and be committed (in order, as always), so finished work is kept."""
        self._stopping = True
        if not self._unsettled:
            return
        _logger.warning(
            "Ctrl-C: no new batches are sent; waiting up to %g s for the %d the Ray replicas"
            " are working on, to commit them.", STOP_GRACE, self._unsettled,
        )
        loop = asyncio.get_running_loop()
        deadline = loop.time() + STOP_GRACE
        while self._unsettled and loop.time() < deadline:
            await asyncio.sleep(0.05)
        if self._unsettled:
            _logger.warning(
                "Ctrl-C: %d batch(es) did not come back within %g s; they are left behind"
                " and redone when the run resumes.", self._unsettled, STOP_GRACE,
            )

    async def _stop_sending(self) -> None:
        """Where a step would send (or pull) its next batch after Ctrl-C: wait to be
        cancelled. Returning would end the step's input, which the step must not read as
        finished."""
        if self._stopping:
            await asyncio.Event().wait()

    async def _run_step(self, name: str) -> None:
        step = self.dag.steps[name]
        progress = self.progress[name]
        progress.state = "loading"
        assert self._writer is not None
        writer = _StepWriter(self._writer, name)
        pool: Optional[ReplicaPool] = None
        try:
            if isinstance(step, GeneratorStep) and self.hosted(name):
                await self._host(name, step, writer)
                progress.start()
                await self._generate(name, step, None, writer)
            elif isinstance(step, GeneratorStep):
                pool = await self._start_pool(name, step, replicas=1, journal=False)
                progress.start()
                await self._generate(name, step, pool, writer)
            elif step.is_global:
                pool = await self._start_pool(name, step, replicas=1, journal=False)
                progress.start()
                await self._global(name, pool, writer)
            else:
                per_row = isinstance(step, Task) and step.generates_per_row()
                replicas = int(self.resources[name].replicas or 1)
                pool = await self._start_pool(
                    name, step, replicas, journal=per_row or isinstance(step, MultiCallTask)
                )
                progress.start()
                await self._batches(name, step, pool, writer, per_row)
            await writer.mark_done()
            progress.finish("done")
            for channel in self._outputs(name):
                await channel.queue.put(None)
            if pool is not None:
                await pool.stop(unload=True)
            else:
                await writer.release()
        except asyncio.CancelledError:
            progress.finish("stopped")
            raise
        except BaseException:
            progress.finish("failed")
            raise

    def hosted(self, name: str) -> bool:
        """Whether step ``name`` runs in the driver, next to the writer: a generator step
        that reserves no resources (loaders), as on the local engine; an actor of its own
        would cost a process start."""
        return isinstance(self.dag.steps[name], GeneratorStep) and not (
            self.resources[name].per_replica()
        )

    async def _host(self, name: str, step: GeneratorStep, writer: _StepWriter) -> None:
        self.progress[name].done = self.progress[name].resumed = (
            self.stores[name].committed_rows
        )
        await writer.host(step)

    async def _start_pool(
        self, name: str, step: _Step, replicas: int, journal: bool
    ) -> ReplicaPool:
        store = self.stores[name]
        on_start = None
        if isinstance(step, GeneratorStep):
            async def on_start(handle: Any) -> None:
                await handle.start.remote(self.progress[name].done)

            self.progress[name].done = self.progress[name].resumed = store.committed_rows
        pool = ReplicaPool(
            step,
            replicas,
            self.resources[name].actor_options(),
            journal=(store.location, store.signature) if journal else None,
            max_restarts=self.max_restarts,
            on_start=on_start,
        )
        self._pools.append(pool)
        await pool.start()
        return pool

    async def _forward(self, name: str, rows_ref: Any, start: int, stop: int) -> None:
        if stop <= start:
            return
        markers: Any = [_RowRef(rows_ref, i) for i in range(start, stop)]
        for channel in self._outputs(name):
            await channel.queue.put(markers)

    async def _generate(self, name: str, step: GeneratorStep, pool: Optional[ReplicaPool],
                        writer: _StepWriter) -> None:
        """Pull the generator's batches (from its replica, or from the writer when it is
        hosted there, which commits them itself), commit and forward them."""
        progress = self.progress[name]
        progress.total = step.total_rows()
        while True:
            await self._stop_sending()
            self._unsettled += 1
            if pool is None:
                (count, last, exhausted), rows_ref = await writer.generate()
            else:
                (count, last, exhausted), rows_ref = await pool.call("next_batch")
            if exhausted:
                self._unsettled -= 1
                break
            if pool is not None:
                await writer.commit(rows_ref, {"offset": progress.done + count}, 0)
            self._unsettled -= 1
            progress.advance(count)
            await self._forward(name, rows_ref, 0, count)
            if last:
                break

    async def _global(self, name: str, pool: ReplicaPool, writer: _StepWriter) -> None:
        inputs = self._inputs(name)
        taken = await inputs.take(None)
        if taken is None:
            await writer.commit_all([], [], dict(inputs.offsets))
            return
        await self._stop_sending()
        self._unsettled += 1
        (sizes, outcome), rows_ref = await pool.call("process_all", _parts(taken))
        await writer.commit_all(rows_ref, sizes, taken.consumed)
        self._unsettled -= 1
        self.progress[name].record(taken.size, outcome)
        start = 0
        for size in sizes:
            await self._forward(name, rows_ref, start, start + size)
            start += size

    async def _batches(self, name: str, step: _Step, pool: ReplicaPool, writer: _StepWriter,
                       per_row: bool) -> None:
        assert isinstance(step, Step)
        inputs = self._inputs(name)
        progress = self.progress[name]
        progress.done = progress.resumed = sum(inputs.offsets.values())
        size = step.input_batch_size or 50
        answers = Answers({})
        window = 2 * len(pool.replicas)
        if isinstance(step, Task) and (step.reuses_answers or isinstance(step, MultiCallTask)):
            answers = Answers(await asyncio.get_running_loop().run_in_executor(
                None, self.stores[name].load_journal,
                lambda key: keeps_answer(key, inputs.offsets),
            ))
        if per_row:
            assert isinstance(step, Task) and isinstance(step.llm, AsyncLLM)
            per_replica = max(2, math.ceil(2 * (step.llm.max_concurrency or 1) / size) + 1)
            window = per_replica * len(pool.replicas)
        # ``running`` bounds the calls the replicas are working on; a slot frees as soon
        # as its call returns, so a replica that finished goes on with the next batch even
        # while an earlier batch (on a slower replica) holds up the in-order commits.
        # ``backlog`` bounds the batches sent and not yet committed (their rows wait in
        # the object store), so a stuck replica cannot let the others run ahead forever.
        running = asyncio.Semaphore(window)
        backlog = asyncio.Semaphore(3 * window)
        pending: asyncio.Queue[
            Optional[tuple[asyncio.Future[Any], TakenBatch, dict[str, Any]]]
        ] = asyncio.Queue()
        in_flight: list[asyncio.Future[Any]] = []

        async def feed() -> None:
            while (taken := await inputs.take(size)) is not None:
                await backlog.acquire()
                await running.acquire()
                await self._stop_sending()
                cached = await _known(taken, answers) if answers else {}
                self._unsettled += 1
                call = asyncio.ensure_future(pool.call("process", _parts(taken), cached))
                call.add_done_callback(lambda _call: running.release())
                in_flight.append(call)
                pending.put_nowait((call, taken, cached))
            pending.put_nowait(None)

        async def commit() -> None:
            while (item := await pending.get()) is not None:
                call, taken, cached = item
                (count, outcome, stopped), rows_ref = await call
                in_flight.remove(call)
                outcome.reused = sum(not key.startswith(CALL_KEY_PREFIX) for key in cached)
                await writer.commit(rows_ref, taken.consumed, outcome.errors)
                self._unsettled -= 1
                progress.record(taken.size, outcome)
                await self._forward(name, rows_ref, 0, count)
                backlog.release()
                if stopped is not None:
                    raise stopped

        await run_feeder_and_committer(feed(), commit(), lambda: in_flight)
