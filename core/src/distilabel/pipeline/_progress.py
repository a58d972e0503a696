"""Per-step progress (rows done/total, rows/s, errors, ETA) and its live display."""

from __future__ import annotations

import sys
import time
from dataclasses import dataclass, field
from typing import Optional, TextIO

__all__ = ["ProgressDisplay", "StepProgress"]


@dataclass
class StepProgress:
    """Counters of one step in one run."""

    name: str
    total: Optional[int] = None
    done: int = 0
    resumed: int = 0
    errors: int = 0
    state: str = "waiting"
    started: Optional[float] = None
    finished: Optional[float] = None
    _first_done: int = field(default=0, repr=False)

    def start(self) -> None:
        """Mark the step running (rows/s counts from here)."""
        self.state = "running"
        self.started = time.monotonic()
        self._first_done = self.done

    def advance(self, rows: int, errors: int = 0) -> None:
        """Count ``rows`` more input rows done (``errors`` of them failed)."""
        self.done += rows
        self.errors += errors

    def finish(self, state: str = "done") -> None:
        """Mark the step finished (``done``, ``cached``, ``failed`` or ``stopped``)."""
        self.state = state
        self.finished = time.monotonic()

    @property
    def rate(self) -> float:
        """Rows per second since the step started in this run."""
        if self.started is None:
            return 0.0
        elapsed = (self.finished or time.monotonic()) - self.started
        return (self.done - self._first_done) / elapsed if elapsed > 0 else 0.0

    @property
    def eta(self) -> Optional[float]:
        """Seconds left at the current rate, when the total is known."""
        if self.total is None or self.state != "running":
            return None
        rate = self.rate
        left = self.total - self.done
        return left / rate if rate > 0 and left >= 0 else None

    def render(self, width: int) -> str:
        """One display line."""
        total = f"/{self.total}" if self.total is not None else ""
        percent = (
            f" {100 * self.done / self.total:5.1f}%" if self.total else ""
        )
        eta = self.eta
        eta_text = f" ETA {_clock(eta)}" if eta is not None else ""
        errors = f" errors {self.errors}" if self.errors else ""
        resumed = f" (resumed {self.resumed})" if self.resumed else ""
        return (
            f"{self.name:<{width}} {self.state:<8} {self.done}{total} rows{percent}"
            f" {self.rate:8.1f} rows/s{errors}{eta_text}{resumed}"
        )


def _clock(seconds: float) -> str:
    seconds = int(seconds + 0.5)
    return f"{seconds // 3600}:{seconds // 60 % 60:02d}:{seconds % 60:02d}"


class ProgressDisplay:
    """Draw every step's progress on a terminal (redrawn in place) or as periodic lines."""

    def __init__(self, steps: list[StepProgress], stream: Optional[TextIO] = None) -> None:
        self.steps = steps
        self.stream = stream or sys.stderr
        self.live = bool(getattr(self.stream, "isatty", lambda: False)())
        self.interval = 0.25 if self.live else 10.0
        self._drawn = 0
        self._width = max((len(s.name) for s in steps), default=4)

    def draw(self, final: bool = False) -> None:
        """Print the current state (in place on a terminal)."""
        lines = [s.render(self._width) for s in self.steps]
        if self.live and self._drawn:
            self.stream.write(f"\x1b[{self._drawn}F")
        for line in lines:
            self.stream.write(("\x1b[2K" if self.live else "") + line + "\n")
        self.stream.flush()
        self._drawn = len(lines) if self.live and not final else 0
