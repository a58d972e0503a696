"""The run's writer for the Ray engine: it appends every step's finished batches to the
run directory and runs the generator steps that reserve no resources (loaders).

Plain code without Ray; the engine calls it from worker threads of the driver.
"""

from __future__ import annotations

import concurrent.futures
from typing import Any, Iterator, Optional

from distilabel.pipeline._ray_actors import EXHAUSTED
from distilabel.pipeline._storage import make_step_store
from distilabel.pipeline._store import StepStore
from distilabel.steps._base import GeneratorStep
from distilabel.steps.typing import Row

__all__ = ["RunWriter"]


class _Hosted:
    """A generator step running inside the writer actor, on a thread of its own."""

    __slots__ = ("executor", "source", "step")

    def __init__(self, step: GeneratorStep) -> None:
        self.step = step
        self.executor = concurrent.futures.ThreadPoolExecutor(
            max_workers=1, thread_name_prefix=f"distilabel-{step.name}"
        )
        self.source: Optional[Iterator[Any]] = None

    def run(self, func: Any, *args: Any) -> Any:
        return self.executor.submit(func, *args).result()

    def stop(self) -> None:
        try:
            if self.source is not None:
                self.run(getattr(self.source, "close", lambda: None))
            self.run(self.step.unload)
        finally:
            self.executor.shutdown(wait=False)


class RunWriter:
    """The single writer of a run's step stores, used from the driver's writer threads.

    The driver waits for each commit of a step before sending that step's next one, so
    a step's batches are appended in order while different steps write in parallel
    threads. Generator steps that reserve no resources (loaders) run here too
    (``host``/``generate``), each on a thread of its own: their batches are committed
    where they are made.
    """

    def __init__(self) -> None:
        self.stores: dict[str, StepStore] = {}
        self.hosted: dict[str, _Hosted] = {}

    def open(self, step: str, directory: str, signature: str) -> None:
        """Open the store of ``step`` (already prepared by the driver) for appending."""
        store = make_step_store(directory, signature)
        store.open(reset=False)
        self.stores[step] = store

    def host(self, step: str, generator: GeneratorStep) -> None:
        """Load ``generator`` (step ``step``) and start it after its committed rows."""
        hosted = self.hosted[step] = _Hosted(generator)
        offset = self.stores[step].committed_rows
        hosted.run(generator.load)
        hosted.source = generator.process_applying_mappings(offset=offset)

    def generate(self, step: str) -> tuple[tuple[int, bool, bool], list[Row]]:
        """Pull and commit the next batch of hosted generator ``step``:
        ``((rows, is_last, exhausted), rows)``, as ``StepReplica.next_batch``."""
        hosted = self.hosted[step]
        item = hosted.run(next, hosted.source, EXHAUSTED)
        if item is EXHAUSTED:
            return (0, True, True), []
        batch, last = item
        store = self.stores[step]
        store.commit(batch, {"offset": store.committed_rows + len(batch)}, 0)
        return (len(batch), bool(last), False), batch

    def commit(self, step: str, rows: list[Row], consumed: dict[str, int], errors: int) -> int:
        """Append one batch of ``step``; return the step's committed rows."""
        store = self.stores[step]
        store.commit(rows, consumed, errors)
        return store.committed_rows

    def commit_all(
        self, step: str, rows: list[Row], sizes: list[int], consumed: dict[str, int]
    ) -> int:
        """Replace the output of ``step`` with ``rows`` cut into batches of ``sizes``."""
        batches: list[list[Row]] = []
        start = 0
        for size in sizes:
            batches.append(rows[start:start + size])
            start += size
        store = self.stores[step]
        store.commit_all(batches, consumed)
        return store.committed_rows

    def mark_done(self, step: str) -> None:
        """Record that ``step`` finished and close its store."""
        store = self.stores.pop(step)
        store.mark_done()
        store.close()

    def release(self, step: str) -> Optional[str]:
        """Unload hosted generator ``step``; return why that failed, if it did."""
        hosted = self.hosted.pop(step, None)
        if hosted is None:
            return None
        try:
            hosted.stop()
        except Exception as exc:
            return f"{type(exc).__name__}: {exc}"
        return None

    def close(self) -> None:
        """Unload the hosted generators and close every open store."""
        for step in list(self.hosted):
            self.release(step)
        for store in self.stores.values():
            store.close()
        self.stores.clear()
