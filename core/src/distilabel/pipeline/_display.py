"""``make_display``: which progress display fits where the run is watched.

- a terminal: a live board redrawn in place, as wide as the terminal, with a bar per
  step; log records print above it (``_progress_live.LiveDisplay``, on rich);
- Jupyter: the same board as a notebook output updated in place
  (``_progress_live.NotebookDisplay``);
- anything else (a pipe, a file, CI logs): timestamped lines every
  ``DISTILABEL_PROGRESS_INTERVAL`` seconds (default 10) and whenever a step changes
  state (``_progress.LineDisplay``).

``DISTILABEL_PROGRESS`` forces one: ``live``, ``notebook``, ``lines`` or ``off``.
"""

from __future__ import annotations

import os
import sys
from typing import Optional, TextIO

from distilabel.pipeline._progress import LineDisplay, ProgressDisplay, StepProgress

__all__ = ["PROGRESS_ENV_VAR", "make_display"]

PROGRESS_ENV_VAR = "DISTILABEL_PROGRESS"


def _in_notebook() -> bool:
    """Whether this process is a Jupyter kernel (IPython's ZMQ shell)."""
    ipython = sys.modules.get("IPython")
    if ipython is None:
        return False
    shell = ipython.get_ipython()  # type: ignore[attr-defined]
    return shell is not None and type(shell).__name__ == "ZMQInteractiveShell"


def make_display(
    steps: list[StepProgress],
    title: str = "",
    stream: Optional[TextIO] = None,
    mode: Optional[str] = None,
) -> Optional[ProgressDisplay]:
    """The display for where this run is watched (see the module docstring).

    Args:
        steps: the steps' counters, in display order.
        title: what the display calls the run (e.g. ``pipeline 'name'``).
        stream: the terminal or file to draw on (default stderr).
        mode: ``live``, ``notebook``, ``lines``, ``off`` or ``None`` (``auto``:
            ``$DISTILABEL_PROGRESS``, else from where stderr goes).
    """
    chosen = (mode or os.environ.get(PROGRESS_ENV_VAR, "") or "auto").strip().lower()
    if chosen in ("off", "none", "0", "false"):
        return None
    if chosen == "auto":
        target = stream or sys.stderr
        if _in_notebook():
            chosen = "notebook"
        elif target is not None and target.isatty() and os.environ.get("TERM") != "dumb":
            chosen = "live"
        else:
            chosen = "lines"
    if chosen == "notebook":
        from distilabel.pipeline._progress_live import NotebookDisplay

        return NotebookDisplay(steps, title)
    if chosen == "live":
        from distilabel.pipeline._progress_live import LiveDisplay

        return LiveDisplay(steps, title, stream=stream)
    return LineDisplay(steps, title, stream=stream)
