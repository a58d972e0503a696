"""Per-step progress (rows, rows/s, tokens/s, errors, elapsed, ETA), the displays'
base class, and the plain-line display for pipes, files and CI logs.

``_display.make_display`` picks the display; ``_progress_live`` has the rich ones.
"""

from __future__ import annotations

import os
import sys
import time
from dataclasses import dataclass, field
from typing import Optional, TextIO

from distilabel.steps.tasks._outcome import BatchOutcome

__all__ = [
    "PROGRESS_INTERVAL_ENV_VAR",
    "LineDisplay",
    "ProgressDisplay",
    "StepProgress",
    "clock",
    "overall_eta",
]

PROGRESS_INTERVAL_ENV_VAR = "DISTILABEL_PROGRESS_INTERVAL"
FINISHED = ("done", "cached", "failed", "stopped", "pending")


@dataclass
class StepProgress:
    """Counters of one step in one run."""

    name: str
    total: Optional[int] = None
    done: int = 0
    resumed: int = 0
    errors: int = 0
    tokens: int = 0
    state: str = "waiting"
    started: Optional[float] = None
    finished: Optional[float] = None
    detail: str = ""
    """What the step waits on, when rows alone do not say (e.g. batch jobs done/total)."""
    outcome: BatchOutcome = field(default_factory=BatchOutcome, repr=False)
    """What this run's batches said: failed rows and their errors, tokens, reused answers."""
    _first_done: int = field(default=0, repr=False)

    def start(self) -> None:
        """Mark the step running (rows/s counts from here)."""
        self.state = "running"
        self.started = time.monotonic()
        self._first_done = self.done

    def advance(self, rows: int, errors: int = 0, tokens: int = 0) -> None:
        """Count ``rows`` more input rows done (``errors`` of them failed) and the
        ``tokens`` their LLM generated."""
        self.done += rows
        self.errors += errors
        self.tokens += tokens

    def record(self, rows: int, outcome: BatchOutcome) -> None:
        """Count ``rows`` more input rows done, whose output said ``outcome``."""
        self.advance(rows, outcome.errors, outcome.output_tokens)
        self.outcome.add(outcome)

    def finish(self, state: str = "done") -> None:
        """Mark the step finished (``done``, ``cached``, ``failed``, ``stopped``, or
        ``pending``: its rows wait in external batch jobs)."""
        self.state = state
        self.finished = time.monotonic()

    @property
    def elapsed(self) -> float:
        """Seconds the step has been running in this run (0 before it starts)."""
        if self.started is None:
            return 0.0
        return max(0.0, (self.finished or time.monotonic()) - self.started)

    @property
    def rate(self) -> float:
        """Rows per second since the step started in this run."""
        elapsed = self.elapsed
        return (self.done - self._first_done) / elapsed if elapsed > 0 else 0.0

    @property
    def token_rate(self) -> float:
        """Generated tokens per second since the step started in this run."""
        elapsed = self.elapsed
        return self.tokens / elapsed if elapsed > 0 else 0.0

    @property
    def eta(self) -> Optional[float]:
        """Seconds left at the current rate, when the total is known."""
        if self.total is None or self.state != "running":
            return None
        rate = self.rate
        left = self.total - self.done
        return left / rate if rate > 0 and left >= 0 else None

    @property
    def fraction(self) -> Optional[float]:
        """Share of the total done (``None`` while the total is unknown)."""
        if self.total is None:
            return None
        if self.total == 0:
            return 1.0 if self.state in FINISHED else 0.0
        return min(1.0, self.done / self.total)

    def line(self, name_width: int) -> str:
        """The step as one plain line: name, state, rows, rates, errors, times."""
        total = f"/{self.total}" if self.total is not None else ""
        fraction = self.fraction
        percent = f" {100 * fraction:5.1f}%" if fraction is not None and self.total else ""
        parts = [f"{self.name:<{name_width}} {self.state:<8} {self.done}{total} rows{percent}"]
        if self.started is not None:
            parts.append(f"{self.rate:.1f} rows/s")
            if self.tokens:
                parts.append(f"{self.token_rate:.0f} tokens/s")
            parts.append(f"elapsed {clock(self.elapsed)}")
        if self.errors:
            parts.append(f"{self.errors} failed")
        if self.detail:
            parts.append(self.detail)
        eta = self.eta
        if eta is not None:
            parts.append(f"ETA {clock(eta)}")
        if self.resumed:
            parts.append(f"resumed from {self.resumed}")
        return "  ".join(parts)


def clock(seconds: float) -> str:
    """``H:MM:SS``."""
    seconds = int(seconds + 0.5)
    return f"{seconds // 3600}:{seconds // 60 % 60:02d}:{seconds % 60:02d}"


def overall_eta(steps: list[StepProgress]) -> Optional[float]:
    """Seconds until the last unfinished step finishes at current rates, when every
    unfinished step's ETA is known."""
    left = [s for s in steps if s.state not in FINISHED]
    if not left:
        return 0.0
    etas = [s.eta for s in left]
    if any(eta is None for eta in etas):
        return None
    return max(eta for eta in etas if eta is not None)


class ProgressDisplay:
    """Base of the displays: ``draw`` every ``interval`` seconds, ``draw(final=True)``
    once at the end, ``close`` (idempotent) whatever happened."""

    interval: float = 1.0

    def __init__(self, steps: list[StepProgress], title: str = "") -> None:
        self.steps = steps
        self.title = title
        self.started = time.monotonic()

    @property
    def elapsed(self) -> float:
        """Seconds since the display was created (the run's wall time so far)."""
        return time.monotonic() - self.started

    def draw(self, final: bool = False) -> None:
        """Show the current state (``final``: the last time)."""
        raise NotImplementedError

    def close(self) -> None:
        """Release the terminal or notebook output (safe to call more than once)."""


class LineDisplay(ProgressDisplay):
    """Timestamped plain lines: each running step every ``interval`` seconds, any step
    whose state or row count changed, and every step once more at the end."""

    def __init__(
        self,
        steps: list[StepProgress],
        title: str = "",
        stream: Optional[TextIO] = None,
        interval: Optional[float] = None,
    ) -> None:
        super().__init__(steps, title)
        self._stream = stream
        self.interval = interval if interval is not None else _interval(10.0)
        self._shown: dict[str, tuple[str, int]] = {}
        self._name_width = max((len(s.name) for s in steps), default=4)

    @property
    def stream(self) -> TextIO:
        """Where lines go (``sys.stderr`` as it is when drawing, unless one was given)."""
        return self._stream or sys.stderr

    def draw(self, final: bool = False) -> None:
        stamp = time.strftime("%Y-%m-%d %H:%M:%S")
        lines = []
        for step in self.steps:
            seen = (step.state, step.done)
            if final or step.state == "running" or self._shown.get(step.name) != seen:
                lines.append(f"{stamp} {step.line(self._name_width)}")
                self._shown[step.name] = seen
        if final or lines:
            eta = overall_eta(self.steps)
            summary = f"elapsed {clock(self.elapsed)}"
            if not final and eta is not None:
                summary += f"  ETA {clock(eta)}"
            title = f"{self.title} " if self.title else ""
            lines.append(f"{stamp} {title}{'finished' if final else 'running'}: {summary}")
        stream = self.stream
        stream.write("".join(line + "\n" for line in lines))
        stream.flush()


def _interval(default: float) -> float:
    raw = os.environ.get(PROGRESS_INTERVAL_ENV_VAR, "").strip()
    try:
        value = float(raw) if raw else default
    except ValueError:
        return default
    return value if value > 0 else default
