"""``StepThread``: the one worker thread of a step, as a daemon thread.

A ``ThreadPoolExecutor``'s threads are joined when the interpreter exits, so one call
that never returns (a synchronous LLM stuck in ``generate()``) would keep the process
alive after Ctrl-C. A step's thread is a daemon instead: a call left behind by a stopped
run ends with the process.
"""

from __future__ import annotations

import concurrent.futures
import queue
import threading
from typing import Any, Callable, Optional, TypeVar

__all__ = ["StepThread"]

_T = TypeVar("_T")
_Job = tuple["concurrent.futures.Future[Any]", Callable[..., Any], tuple[Any, ...]]


class StepThread(concurrent.futures.Executor):
    """An executor running every call on one daemon thread, in order."""

    def __init__(self, name: str) -> None:
        self._jobs: queue.SimpleQueue[Optional[_Job]] = queue.SimpleQueue()
        self._closed = False
        self._lock = threading.Lock()
        self._thread = threading.Thread(target=self._work, name=name, daemon=True)
        self._thread.start()

    def _work(self) -> None:
        while (job := self._jobs.get()) is not None:
            future, func, args = job
            if not future.set_running_or_notify_cancel():
                continue
            try:
                result = func(*args)
            except BaseException as exc:
                future.set_exception(exc)
            else:
                future.set_result(result)
            del job, future

    def submit(  # type: ignore[override]
        self, fn: Callable[..., _T], /, *args: Any, **kwargs: Any
    ) -> concurrent.futures.Future[_T]:
        """Queue ``fn(*args, **kwargs)`` for the thread."""
        future: concurrent.futures.Future[_T] = concurrent.futures.Future()
        call: Callable[..., Any] = (lambda *a: fn(*a, **kwargs)) if kwargs else fn
        with self._lock:
            if self._closed:
                raise RuntimeError("cannot submit to a StepThread that was shut down")
            self._jobs.put((future, call, args))
        return future

    def shutdown(self, wait: bool = True, *, cancel_futures: bool = False) -> None:
        """Stop taking calls; the thread ends after the one running (if any)."""
        with self._lock:
            if not self._closed:
                self._closed = True
                if cancel_futures:
                    self._drain()
                self._jobs.put(None)
        if wait:
            self._thread.join()

    def _drain(self) -> None:
        while True:
            try:
                job = self._jobs.get_nowait()
            except queue.Empty:
                return
            if job is not None:
                job[0].cancel()
