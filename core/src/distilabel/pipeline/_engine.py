"""What every engine shares: the failure it raises, the channels between steps, the
wait for the first failed step, the progress loop, and running a coroutine from sync code.

The local engine (``distilabel.pipeline.local``) and the Ray engine
(``distilabel.pipeline.ray``) both build on this module; neither imports the other.
"""

from __future__ import annotations

import asyncio
import threading
from dataclasses import dataclass
from typing import Any, Callable, Coroutine, Mapping, Optional, TypeVar

from distilabel.errors import DistilabelError
from distilabel.pipeline._channels import Channel
from distilabel.pipeline._dag import DAG
from distilabel.pipeline._interrupt import run_interruptibly
from distilabel.pipeline._progress import ProgressDisplay, StepProgress
from distilabel.pipeline.storage._store import StepStore
from distilabel.steps._base import GeneratorStep

__all__ = [
    "RunOptions",
    "StepFailedError",
    "build_channels",
    "refresh_totals",
    "run_coroutine_sync",
    "start_progress",
    "stop_progress",
    "wait_for_steps",
]

_T = TypeVar("_T")
_Task = TypeVar("_Task", bound="asyncio.Future[Any]")


@dataclass(frozen=True)
class RunOptions:
    """How ``run()`` treats earlier runs and failed rows (both engines)."""

    use_cache: bool = True
    """Resume from, and reuse, what earlier runs committed."""
    retry_failed: bool = True
    """With ``use_cache``: redo the rows that failed in earlier runs."""
    max_failed_fraction: Optional[float] = None
    """Share of a step's rows that may fail; ``None``: all but every one."""
    pricing: Optional[Any] = None
    """A ``distilabel.pricing.Pricing`` to put dollars in the run's summary, or ``None``."""


class StepFailedError(DistilabelError):
    """Raised when a step fails while the pipeline runs; names the step and the cause.

    Batches committed before the failure are kept: fix the cause and run again to resume.
    ``summary`` (a ``RunSummary``) says what the run did before it failed.
    """

    summary: Optional[Any] = None

    def __init__(self, step: str, cause: BaseException) -> None:
        self.step = step
        self.cause = cause
        said = str(cause).rstrip()
        stop = "" if said.endswith((".", "!", "?")) else "."
        super().__init__(
            f"Step '{step}' failed: {type(cause).__name__}: {said}{stop} Work finished before"
            " the failure is kept; fix the cause and run the pipeline again to resume."
        )


def build_channels(
    dag: DAG,
    order: list[str],
    stores: dict[str, StepStore],
    queue_size: int,
    targets: Optional[set[str]] = None,
) -> dict[tuple[str, str], Channel]:
    """One bounded channel per edge into every unfinished step (of ``targets`` only,
    when given), skipping what it consumed."""
    channels: dict[tuple[str, str], Channel] = {}
    for target in order:
        if stores[target].done or (targets is not None and target not in targets):
            continue
        for source in dag.predecessors[target]:
            store = stores[source]
            channels[(source, target)] = Channel(
                store,
                skip=stores[target].consumed.get(source, 0),
                live=not store.done,
                maxsize=queue_size,
                target=target,
            )
    return channels


async def wait_for_steps(
    tasks: Mapping[_Task, str],
    cause: Callable[[BaseException], BaseException] = lambda exc: exc,
) -> None:
    """Wait for the steps' tasks (task -> step name) to finish.

    Raises:
        StepFailedError: for the first task that raised, naming its step; ``cause``
            turns the raised exception into the one to report (e.g. unwraps Ray's).
    """
    if not tasks:
        return
    done, _ = await asyncio.wait(tasks, return_when=asyncio.FIRST_EXCEPTION)
    for task in done:
        if not task.cancelled() and (exc := task.exception()) is not None:
            reported = cause(exc)
            raise StepFailedError(tasks[task], reported) from reported


def start_progress(
    dag: DAG,
    order: list[str],
    progress: dict[str, StepProgress],
    display: Optional[ProgressDisplay],
) -> Optional[asyncio.Future[None]]:
    """Redraw ``display`` (if any) every ``display.interval`` seconds with fresh totals."""
    if display is None:
        return None

    async def show() -> None:
        while True:
            refresh_totals(dag, order, progress)
            display.draw()
            await asyncio.sleep(display.interval)

    return asyncio.ensure_future(show())


async def stop_progress(
    shower: Optional[asyncio.Future[None]],
    dag: DAG,
    order: list[str],
    progress: dict[str, StepProgress],
    display: Optional[ProgressDisplay],
) -> None:
    """Stop what ``start_progress`` started and draw the final state."""
    if shower is not None:
        shower.cancel()
        await asyncio.gather(shower, return_exceptions=True)
    if display is not None:
        refresh_totals(dag, order, progress)
        display.draw(final=True)


def refresh_totals(dag: DAG, order: list[str], progress: dict[str, StepProgress]) -> None:
    """Estimate each step's input total from its predecessors' expected outputs."""
    out_totals: dict[str, Optional[int]] = {}
    for name in order:
        step = dag.steps[name]
        step_progress = progress[name]
        if isinstance(step, GeneratorStep):
            if step_progress.total is None:
                step_progress.total = step.total_rows()
            out_totals[name] = step_progress.total
            continue
        preds = [out_totals.get(p) for p in dag.predecessors[name]]
        if any(p in dag.routes for p in dag.predecessors[name]):
            preds = [None]  # a routing function decides how many rows it gets
        if any(t is None for t in preds) or not preds:
            total = None
        elif step.takes_multiple_inputs():
            total = preds[0]
        else:
            total = sum(t for t in preds if t is not None)
        if step_progress.state in ("done", "cached"):
            total = step_progress.done
        step_progress.total = total
        out_totals[name] = step.expected_output_rows(total)


def run_coroutine_sync(coro: Coroutine[Any, Any, _T]) -> _T:
    """Run ``coro`` to completion from synchronous code.

    A first Ctrl-C cancels the coroutine and raises KeyboardInterrupt once it stopped,
    a second one ends the process (``_interrupt``); inside an already running loop
    (Jupyter) it runs in a helper thread instead.
    """
    try:
        asyncio.get_running_loop()
    except RuntimeError:
        return run_interruptibly(coro)
    result: dict[str, Any] = {}

    def target() -> None:
        try:
            result["value"] = asyncio.run(coro)
        except BaseException as exc:
            result["error"] = exc

    thread = threading.Thread(target=target, name="distilabel-pipeline")
    thread.start()
    thread.join()
    if "error" in result:
        raise result["error"]
    return result["value"]  # type: ignore[no-any-return]
