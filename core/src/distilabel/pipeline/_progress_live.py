"""The live progress board on rich: in place on a terminal, or as a Jupyter output.

rich rather than tqdm: the board is several rows redrawn as one region that log records
print above (rich's ``Live`` with the logging handler printing through the same
console), laid out to the terminal's width each frame, and rendered to HTML for
notebooks without ipywidgets. tqdm draws one bar per line, needs ``tqdm.write`` or a
redirect for every log record, and its notebook bars need ipywidgets.
"""

from __future__ import annotations

import io
from contextlib import AbstractContextManager
from typing import Any, Optional, TextIO

from rich.console import Console, ConsoleOptions, RenderResult
from rich.live import Live
from rich.progress_bar import ProgressBar
from rich.table import Column, Table
from rich.text import Text

from distilabel.logging import printing_above
from distilabel.pipeline._progress import (
    ProgressDisplay,
    StepProgress,
    clock,
    overall_eta,
)

__all__ = ["Board", "LiveDisplay", "NotebookDisplay"]

_STATE_STYLE = {
    "waiting": "dim", "loading": "cyan", "running": "cyan", "done": "green",
    "cached": "green", "failed": "bold red", "stopped": "yellow", "pending": "yellow",
}
# Optional columns, dropped from the last to the first when the width is short, and the
# order columns are shown in.
_OPTIONAL = ("errors", "bar", "rate", "eta", "percent", "tokens", "elapsed")
_ORDER = ("name", "state", "bar", "count", "percent", "rate", "tokens", "elapsed", "eta",
          "errors")
_BAR_MIN, _BAR_MAX, _NAME_MIN = 10, 40, 6


def _cells(step: StepProgress) -> dict[str, str]:
    running = step.started is not None
    fraction = step.fraction
    eta = step.eta
    return {
        "name": step.name,
        "state": step.state,
        "count": f"{step.done}/{step.total}" if step.total is not None else f"{step.done}",
        "percent": f"{100 * fraction:3.0f}%" if fraction is not None else "",
        "rate": step.detail or (f"{step.rate:.1f} rows/s" if running else ""),
        "tokens": f"{step.token_rate:.0f} tok/s" if running and step.tokens else "",
        "elapsed": clock(step.elapsed) if running else "",
        "eta": f"ETA {clock(eta)}" if eta is not None else "",
        "errors": f"{step.errors} failed" if step.errors else "",
    }


class Board:
    """Every step as one row (name, state, bar, rows, %, rows/s, tokens/s, elapsed,
    ETA, failures) under a header with the run's elapsed time and ETA; columns that do
    not fit the width are left out, least useful first, and the bar takes what is
    left."""

    def __init__(self, display: ProgressDisplay) -> None:
        self.display = display

    def layout(self, width: int) -> tuple[list[str], dict[str, int]]:
        """The columns shown at ``width`` (in order) and their widths; ``bar`` takes the
        width left over, up to 40."""
        steps = self.display.steps
        cells = [_cells(s) for s in steps]
        widths = {
            key: max((len(c[key]) for c in cells), default=0)
            for key in ("name", "state", "count", *_OPTIONAL) if key != "bar"
        }
        widths["bar"] = _BAR_MIN
        widths["state"] = max(widths["state"], 7)
        widths["name"] = min(widths["name"], max(_NAME_MIN + 4, width // 5))
        wanted = [k for k in _OPTIONAL if widths[k]]

        def used(cols: list[str]) -> int:
            return sum(widths[c] for c in cols) + len(cols) - 1

        while wanted and used(["name", "state", "count", *wanted]) > width:
            wanted.pop()
        if used(["name", "state", "count"]) > width:
            widths["name"] = max(_NAME_MIN, widths["name"] - (used(["name", "state", "count"])
                                                           - width))
        shown = [k for k in _ORDER if k in ("name", "state", "count") or k in wanted]
        if "bar" in shown:
            widths["bar"] = min(_BAR_MAX, _BAR_MIN + width - used(shown))
        return shown, widths

    def __rich_console__(self, console: Console, options: ConsoleOptions) -> RenderResult:
        width = options.max_width
        display = self.display
        steps = display.steps
        eta = overall_eta(steps)
        header = Text(no_wrap=True, overflow="ellipsis")
        header.append(display.title or "pipeline", style="bold")
        header.append(f"  elapsed {clock(display.elapsed)}")
        if eta is not None and any(s.state == "running" for s in steps):
            header.append(f"  ETA {clock(eta)}")
        header.truncate(width, overflow="ellipsis")
        yield header
        order, widths = self.layout(width)
        bar = widths["bar"]
        table = Table.grid(
            *[
                Column(
                    width=widths[key], no_wrap=True,
                    overflow="ellipsis",
                    justify="right" if key in ("count", "percent", "rate", "tokens") else "left",
                )
                for key in order
            ],
            padding=(0, 1, 0, 0), collapse_padding=True,
        )
        for step in steps:
            cells = _cells(step)
            row: list[Any] = []
            for key in order:
                if key == "bar":
                    fraction = step.fraction
                    row.append(ProgressBar(
                        total=step.total if step.total else 1,
                        completed=step.done if step.total else (1 if fraction else 0),
                        width=bar, pulse=step.total is None and step.state == "running",
                    ))
                elif key == "state":
                    row.append(Text(cells[key], style=_STATE_STYLE.get(step.state, "")))
                elif key == "errors":
                    row.append(Text(cells[key], style="red"))
                else:
                    row.append(Text(cells[key]))
            table.add_row(*row)
        yield table


class LiveDisplay(ProgressDisplay):
    """The board redrawn in place on a terminal (4 frames a second); distilabel's log
    records and anything printed meanwhile appear above it."""

    def __init__(
        self, steps: list[StepProgress], title: str = "", stream: Optional[TextIO] = None
    ) -> None:
        super().__init__(steps, title)
        self.interval = 0.25
        self.console = Console(file=stream, stderr=stream is None, highlight=False)
        self._live: Optional[Live] = None
        self._above: Optional[AbstractContextManager[None]] = None

    def draw(self, final: bool = False) -> None:
        if self._live is None:
            if final:
                self.console.print(Board(self))
                return
            self._live = Live(
                Board(self), console=self.console, auto_refresh=False,
                redirect_stdout=True, redirect_stderr=True, vertical_overflow="visible",
            )
            self._live.start()
            self._above = printing_above(self.console)
            self._above.__enter__()
        self._live.refresh()
        if final:
            self.close()

    def close(self) -> None:
        if self._above is not None:
            self._above.__exit__(None, None, None)
            self._above = None
        if self._live is not None:
            live, self._live = self._live, None
            live.stop()


class NotebookDisplay(ProgressDisplay):
    """The board as one Jupyter output (HTML with a plain-text fallback), updated in
    place every second; works without ipywidgets and in notebooks run by nbconvert."""

    interval = 1.0

    def __init__(self, steps: list[StepProgress], title: str = "", width: int = 120) -> None:
        super().__init__(steps, title)
        self.width = width
        self._handle: Any = None

    def _bundle(self) -> dict[str, str]:
        console = Console(
            file=io.StringIO(), record=True, width=self.width, color_system="truecolor",
            force_terminal=True, force_jupyter=False,
        )
        console.print(Board(self))
        text = console.export_text(clear=False)
        html = console.export_html(
            inline_styles=True,
            code_format="<pre style=\"font-family:monospace;line-height:1.3\">{code}</pre>",
        )
        return {"text/plain": text, "text/html": html}

    def draw(self, final: bool = False) -> None:
        from IPython.display import display

        bundle = self._bundle()
        if self._handle is None:
            self._handle = display(bundle, raw=True, display_id=True)
        else:
            self._handle.update(bundle, raw=True)
