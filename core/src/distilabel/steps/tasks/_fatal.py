"""Stopping a task early when its LLM fails in a way every further request will too.

A wrong API key, an unknown model, the same rejection again and again: the LLM raises
``FatalLLMError`` (``distilabel.errors``). Sending the remaining 2,000 rows to the same
wall costs money or quota and ends in a run that only looks complete, so each task
counts them in a ``FatalErrorGuard``: after ``FATAL_ERRORS_TO_STOP`` in a row (no
answer in between) the guard trips, nothing more is sent, and the engine stops the step
with ``StepStoppedError``, which names the LLM, the URL, the status and the fix. Rows
answered before are kept.
"""

from __future__ import annotations

import threading
from typing import Any, Iterable, Optional

from distilabel.errors import FatalLLMError, StepStoppedError

__all__ = ["FATAL_ERRORS_TO_STOP", "FatalErrorGuard"]

FATAL_ERRORS_TO_STOP = 3
"""Fatal LLM errors in a row (with no answer in between) that stop a step."""


class FatalErrorGuard:
    """Counts one step's fatal LLM errors in a row; trips after ``limit`` of them.

    Thread-safe: a sync LLM's rows are observed in a worker thread, an async LLM's on
    the event loop.
    """

    def __init__(self, step: str, limit: int = FATAL_ERRORS_TO_STOP) -> None:
        self.step = step
        self.limit = limit
        self.in_a_row = 0
        self.stopped: Optional[StepStoppedError] = None
        self._lock = threading.Lock()

    def observe(self, result: Any) -> Optional[StepStoppedError]:
        """Count one row's result (an answer or an exception); return the stop error
        once the guard has tripped (now or before), else ``None``."""
        with self._lock:
            if self.stopped is not None:
                return self.stopped
            if not isinstance(result, BaseException):
                self.in_a_row = 0
                return None
            if not isinstance(result, FatalLLMError):
                return None
            self.in_a_row += 1
            if self.in_a_row >= self.limit:
                self.stopped = _stop_error(self.step, result, self.in_a_row)
            return self.stopped

    def observe_all(self, results: Iterable[Any]) -> Optional[StepStoppedError]:
        """``observe`` each result in order; the stop error if the guard tripped."""
        stopped = None
        for result in results:
            stopped = self.observe(result) or stopped
        return stopped


def _stop_error(step: str, last: FatalLLMError, count: int) -> StepStoppedError:
    where = f" at {last.url}" if last.url else ""
    status = f" (HTTP {last.status})" if last.status is not None else ""
    said = str(last).rstrip()
    return StepStoppedError(
        f"Step '{step}' stopped after {count} requests in a row failed with an error no"
        f" retry can fix from {last.llm or 'its LLM'}{where}{status}; nothing more was"
        f" sent. The last one: {said}{'' if said.endswith('.') else '.'} Rows answered"
        " before are kept: fix the cause and run again (the failed rows are retried).",
        step=step, llm=last.llm, url=last.url, status=last.status, count=count,
    )
