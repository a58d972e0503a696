"""The run's writer for the Ray engine: it appends every step's finished batches to the
run directory and runs the generator steps that reserve no resources (loaders).

Plain code without Ray; the engine calls it from worker threads of the driver.
"""

from __future__ import annotations

import concurrent.futures
import threading
from typing import Any, Iterator, Optional

from distilabel.pipeline.ray._actors import EXHAUSTED
from distilabel.pipeline.storage._store import StepStore
from distilabel.steps._base import GeneratorStep
from distilabel.steps.typing import Row

__all__ = ["RunWriter"]


class _Hosted:
    """A generator step run next to the writer, on a thread of its own."""

    __slots__ = ("executor", "source", "step")

    def __init__(self, step: GeneratorStep) -> None:
        self.step = step
        self.executor = concurrent.futures.ThreadPoolExecutor(
            max_workers=1, thread_name_prefix=f"distilabel-{step.name}"
        )
        self.source: Optional[Iterator[Any]] = None

    def run(self, func: Any, *args: Any) -> Any:
        return self.executor.submit(func, *args).result()

    def stop(self, wait: bool = True) -> None:
        """Close the source and unload the step on its thread; with ``wait=False`` (a
        run that failed) do not wait for them, so a generator stuck in ``next`` cannot
        hold the run up."""

        def stop() -> None:
            if self.source is not None:
                getattr(self.source, "close", lambda: None)()
            self.step.unload()

        try:
            future = self.executor.submit(stop)
            if wait:
                future.result()
        finally:
            self.executor.shutdown(wait=False)


class RunWriter:
    """The single writer of a run's step stores, used from the driver's writer threads.

    The driver waits for each commit of a step before sending that step's next one, so
    a step's batches are appended in order while different steps write in parallel
    threads; a lock per step keeps ``close`` (when a run fails) from closing a store in
    the middle of a commit. Generator steps that reserve no resources (loaders) run here too
    (``host``/``generate``), each on a thread of its own: their batches are committed
    where they are made.
    """

    def __init__(self) -> None:
        self.stores: dict[str, StepStore] = {}
        self.hosted: dict[str, _Hosted] = {}
        self.locks: dict[str, threading.Lock] = {}

    def adopt(self, step: str, store: StepStore) -> None:
        """Commit ``step``'s batches through ``store`` (opened by the pipeline)."""
        self.stores[step] = store
        self.locks[step] = threading.Lock()

    def _open_store(self, step: str) -> StepStore:
        store = self.stores.get(step)
        if store is None:
            raise RuntimeError(f"The store of step '{step}' is closed: the run is stopping.")
        return store

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
        with self.locks[step]:
            store = self._open_store(step)
            store.commit(batch, {"offset": store.committed_rows + len(batch)}, 0)
        return (len(batch), bool(last), False), batch

    def commit(self, step: str, rows: list[Row], consumed: dict[str, int], errors: int) -> int:
        """Append one batch of ``step``; return the step's committed rows."""
        with self.locks[step]:
            store = self._open_store(step)
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
        with self.locks[step]:
            store = self._open_store(step)
            store.commit_all(batches, consumed)
            return store.committed_rows

    def mark_done(self, step: str) -> None:
        """Record that ``step`` finished and close its store."""
        with self.locks[step]:
            store = self._open_store(step)
            del self.stores[step]
            store.mark_done()
            store.close()

    def release(self, step: str, wait: bool = True) -> Optional[str]:
        """Unload hosted generator ``step``; return why that failed, if it did."""
        hosted = self.hosted.pop(step, None)
        if hosted is None:
            return None
        try:
            hosted.stop(wait)
        except Exception as exc:
            return f"{type(exc).__name__}: {exc}"
        return None

    def close(self) -> None:
        """Close every open store, once no commit is writing to it, and unload the
        hosted generators without waiting for them."""
        for step in list(self.hosted):
            self.release(step, wait=False)
        for step, store in list(self.stores.items()):
            with self.locks[step]:
                store.close()
        self.stores.clear()
