"""Background writes of a URL run directory, in the order they were asked for.

An object store write takes tens of milliseconds; done on the local engine's event loop
it would stall every step and every LLM request. ``ObjectStepStore`` hands its writes
(batches, journal objects, markers) to the ``ObjectWriter`` of its run directory: one
thread per run directory and process, which runs them one at a time, first asked first
written. Because a batch is handed over before any successor sees its rows, a successor's
commit is always written after its input's: a crash loses a suffix of the writes, which
is the same as crashing earlier, never a batch whose successor consumed it.

After a failed write nothing more is written (a later write could depend on it), and
every further call raises until the next run opens the directory (``reset``).
"""

from __future__ import annotations

import atexit
import collections
import logging
import threading
from typing import Callable, Optional

from distilabel.pipeline.storage._store import StorageWriteError

__all__ = ["ObjectWriter", "StorageWriteError"]

_logger = logging.getLogger("distilabel.pipeline")
_IDLE_SECONDS = 5.0


class ObjectWriter:
    """Runs the writes of one run directory in a background thread, in order."""

    _writers: dict[str, ObjectWriter] = {}
    _registry_lock = threading.Lock()

    def __init__(self, name: str) -> None:
        self.name = name
        self._jobs: collections.deque[tuple[Callable[[], None], str]] = collections.deque()
        self._cond = threading.Condition()
        self._running = 0
        self._thread: Optional[threading.Thread] = None
        self._failure: Optional[StorageWriteError] = None

    @classmethod
    def for_location(cls, name: str) -> ObjectWriter:
        """The writer of the run directory ``name`` in this process."""
        with cls._registry_lock:
            writer = cls._writers.get(name)
            if writer is None:
                writer = cls._writers[name] = cls(name)
            return writer

    def submit(self, job: Callable[[], None], what: str) -> None:
        """Queue ``job`` (writing ``what``, for error messages).

        Raises:
            StorageWriteError: an earlier write failed.
        """
        with self._cond:
            self._raise_failure()
            self._jobs.append((job, what))
            if self._thread is None:
                self._thread = threading.Thread(
                    target=self._loop, name="distilabel-object-writer", daemon=True
                )
                self._thread.start()
            self._cond.notify_all()

    def flush(self) -> None:
        """Wait until every queued write is done.

        Raises:
            StorageWriteError: a write failed.
        """
        with self._cond:
            self._cond.wait_for(lambda: not self._jobs and not self._running)
            self._raise_failure()

    def reset(self) -> None:
        """Wait for queued writes and forget an earlier failure (a new run starts)."""
        with self._cond:
            self._cond.wait_for(lambda: not self._jobs and not self._running)
            self._failure = None

    def _raise_failure(self) -> None:
        if self._failure is not None:
            raise StorageWriteError(str(self._failure)) from self._failure.__cause__

    def _loop(self) -> None:
        while True:
            with self._cond:
                if not self._jobs:
                    self._cond.wait(_IDLE_SECONDS)
                if not self._jobs:
                    self._thread = None  # idle: end; the next submit starts a new one
                    self._cond.notify_all()
                    return
                job, what = self._jobs.popleft()
                skip = self._failure is not None
                self._running += 1
            try:
                if not skip:
                    job()
            except BaseException as exc:  # recorded and raised to the run's next call
                failure = StorageWriteError(
                    f"Writing {what} failed: {type(exc).__name__}: {exc}. Batches committed"
                    " before it are kept; fix the storage (credentials, permissions, space)"
                    " and run again to resume."
                )
                failure.__cause__ = exc
                with self._cond:
                    self._failure = self._failure or failure
            finally:
                with self._cond:
                    self._running -= 1
                    self._cond.notify_all()


@atexit.register
def _flush_all() -> None:
    for writer in list(ObjectWriter._writers.values()):
        try:
            writer.flush()
        except Exception as exc:  # at exit there is no caller left to raise to
            _logger.error("distilabel: %s", exc)
