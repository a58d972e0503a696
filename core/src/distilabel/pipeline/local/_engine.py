"""The local engine: every step of the DAG as a coroutine on one asyncio loop.

Steps stream batches to each other through bounded channels, so a successor starts on
its predecessor's first batch and memory stays flat however many rows flow. Steps that
finished in an earlier run are not loaded: their committed batches are replayed to
whoever still needs them.
"""

from __future__ import annotations

import asyncio
import concurrent.futures
from typing import Optional

from distilabel.pipeline._channels import StepInputs
from distilabel.pipeline._convergence import ConvergentInputs
from distilabel.pipeline._dag import DAG
from distilabel.pipeline._engine import (
    build_channels,
    start_progress,
    stop_progress,
    wait_for_steps,
)
from distilabel.pipeline._progress import ProgressDisplay, StepProgress
from distilabel.pipeline._runner_base import StepRunner
from distilabel.pipeline.local._runners import make_runner
from distilabel.pipeline.local._threads import StepThread
from distilabel.pipeline.storage._store import StepStore
from distilabel.steps._base import GeneratorStep

__all__ = ["LocalEngine"]


class LocalEngine:
    """Run a validated DAG in this process."""

    def __init__(
        self,
        dag: DAG,
        order: list[str],
        stores: dict[str, StepStore],
        progress: dict[str, StepProgress],
        display: Optional[ProgressDisplay] = None,
        queue_size: int = 4,
        stages: Optional[list[list[str]]] = None,
    ) -> None:
        self.dag = dag
        self.order = order
        self.stores = stores
        self.progress = progress
        self.display = display
        self.queue_size = queue_size
        self.stages = stages if stages is not None else [list(order)]
        """Steps run (loaded, processed, unloaded) one stage after another: a later
        stage reads what earlier ones committed (``load_groups``)."""

    def _build_runners(self, stage: list[str]) -> list[StepRunner]:
        channels = build_channels(
            self.dag, self.order, self.stores, self.queue_size, targets=set(stage)
        )
        runners: list[StepRunner] = []
        for name in self.order:
            if name not in stage:
                continue
            store = self.stores[name]
            if store.done:
                self.progress[name].done = store.committed_rows
                self.progress[name].finish("cached")
                continue
            step = self.dag.steps[name]
            inputs = None
            if not isinstance(step, GeneratorStep):
                incoming = {p: channels[(p, name)] for p in self.dag.predecessors[name]}
                source = self.dag.convergence_source(name)
                inputs = (
                    StepInputs(incoming, store.consumed) if source is None
                    else ConvergentInputs(incoming, store.consumed, self.stores[source], source)
                )
            outputs = [
                channels[(name, s)] for s in self.dag.successors[name] if (name, s) in channels
            ]
            runner = make_runner(step, store, inputs, outputs, self.progress[name])
            runner.router = self.dag.routes.get(name)
            runner.successors = list(self.dag.successors[name])
            runners.append(runner)
        return runners

    async def run(self) -> None:
        """Run every unfinished step, stage by stage; raise ``StepFailedError`` for the
        first failure."""
        loop = asyncio.get_running_loop()
        executor = concurrent.futures.ThreadPoolExecutor(
            max_workers=max(8, 2 * len(self.order) + 2), thread_name_prefix="distilabel-io"
        )
        loop.set_default_executor(executor)
        shower = start_progress(self.dag, self.order, self.progress, self.display)
        try:
            for stage in self.stages:
                await self._run_stage(stage)
        finally:
            await stop_progress(shower, self.dag, self.order, self.progress, self.display)
            executor.shutdown(wait=False, cancel_futures=True)

    async def _run_stage(self, stage: list[str]) -> None:
        runners = self._build_runners(stage)
        # Each step's load, process and unload run on one thread of its own, always the
        # same: native backends keep per-thread state (an OpenMP thread team in llama.cpp
        # and torch, a CUDA context). From a shared pool, llama.cpp's calls alternated
        # between two threads and kept two teams of helper threads busy.
        # Daemon threads (``StepThread``): a call that never returns must not keep the
        # process alive once Ctrl-C stopped the run.
        step_threads = [StepThread(f"distilabel-step-{runner.step.name}") for runner in runners]
        for runner, thread in zip(runners, step_threads, strict=True):
            runner.executor = thread
        tasks = {asyncio.ensure_future(r.run()): r.step.name for r in runners}
        try:
            await wait_for_steps(tasks)
        finally:
            for task in tasks:
                task.cancel()
            await asyncio.gather(*tasks, return_exceptions=True)
            for thread in step_threads:
                thread.shutdown(wait=False, cancel_futures=True)
