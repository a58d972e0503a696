"""distilabel's logging: one ``distilabel`` logger hierarchy, its level, its output.

Every logger of the core and of its plugins lives under ``distilabel``
(``distilabel.pipeline``, ``distilabel.steps.tasks``, ``distilabel.plugins.openai``...);
a plugin gets its logger with ``get_logger(__name__)``. The level comes from
``DISTILABEL_LOG_LEVEL`` (default ``INFO``), ``set_log_level`` or the CLI's
``--log-level``.

Records are written to stderr with their time, level and logger name, unless the
application configured logging itself (the root logger has handlers): then they only
propagate to the application's handlers, as any library's records do. While a live
progress display is drawn on a terminal, records are printed above it instead of
through it. During a pipeline run they are also written to the run's log file
(``run_log``), which is saved with the Distiset.
"""

from __future__ import annotations

import contextlib
import logging
import os
import sys
import threading
from typing import TYPE_CHECKING, Any, Iterator, Optional, Union

if TYPE_CHECKING:
    from pathlib import Path

__all__ = [
    "LOG_LEVEL_ENV_VAR",
    "LOGGER_NAME",
    "get_logger",
    "install",
    "parse_level",
    "printing_above",
    "run_log",
    "set_log_level",
]

LOGGER_NAME = "distilabel"
LOG_LEVEL_ENV_VAR = "DISTILABEL_LOG_LEVEL"
_FORMAT = "%(asctime)s %(levelname)s %(name)s: %(message)s"
_LEVELS = ("DEBUG", "INFO", "WARNING", "ERROR", "CRITICAL")


def get_logger(name: str) -> logging.Logger:
    """The logger for ``name`` inside the ``distilabel`` hierarchy.

    Core modules pass their ``__name__`` (``distilabel.pipeline._pipeline`` stays as it
    is); a plugin passes its own ``__name__`` and gets a logger under
    ``distilabel.plugins``: ``distilabel_openai._llm`` -> ``distilabel.plugins.openai._llm``.
    """
    if name == LOGGER_NAME or name.startswith(LOGGER_NAME + "."):
        return logging.getLogger(name)
    short = name.removeprefix("distilabel_").removeprefix("distilabel-")
    return logging.getLogger(f"{LOGGER_NAME}.plugins.{short}")


def parse_level(value: Union[str, int]) -> int:
    """A level from ``"debug"``, ``"WARNING"``, ``"10"`` or ``logging.DEBUG``.

    Raises:
        ValueError: not a level; the message lists the valid names.
    """
    if isinstance(value, int):
        return value
    text = value.strip().upper()
    if text.isdigit():
        return int(text)
    if text == "WARN":
        text = "WARNING"
    if text not in _LEVELS:
        raise ValueError(
            f"Unknown log level {value!r}; use one of {', '.join(_LEVELS)} (case does not"
            " matter)."
        )
    return int(getattr(logging, text))


def set_log_level(level: Union[str, int]) -> None:
    """Set the level of every distilabel logger (core and plugins).

    Raises:
        ValueError: ``level`` is not a level name or number.
    """
    install()
    logging.getLogger(LOGGER_NAME).setLevel(parse_level(level))


class _Handler(logging.Handler):
    """distilabel's own output: stderr, or above the live progress display."""

    def __init__(self) -> None:
        super().__init__()
        self.setFormatter(logging.Formatter(_FORMAT, datefmt="%Y-%m-%d %H:%M:%S"))
        self.console: Any = None  # a rich Console drawing a live display, while it does

    def emit(self, record: logging.LogRecord) -> None:
        if logging.getLogger().handlers:
            return  # the application configured logging; its handlers get the record
        try:
            text = self.format(record)
            console = self.console
            if console is not None:
                from rich.text import Text

                style = {"WARNING": "yellow", "ERROR": "red", "CRITICAL": "bold red"}
                console.print(
                    Text(text, style=style.get(record.levelname, "")),
                    soft_wrap=True, highlight=False,
                )
                return
            stream = sys.stderr
            if stream is None:
                return
            stream.write(text + "\n")
            stream.flush()
        except Exception:
            self.handleError(record)


_handler: Optional[_Handler] = None
_install_lock = threading.Lock()


def install() -> logging.Logger:
    """Attach distilabel's handler and the ``DISTILABEL_LOG_LEVEL`` level once per process
    (``import distilabel`` does it). A level the application already set on the
    ``distilabel`` logger is kept; an invalid ``DISTILABEL_LOG_LEVEL`` is reported and
    ``INFO`` used."""
    global _handler
    logger = logging.getLogger(LOGGER_NAME)
    if _handler is not None:
        return logger
    with _install_lock:
        if _handler is None:
            _handler = _Handler()
            logger.addHandler(_handler)
            env = os.environ.get(LOG_LEVEL_ENV_VAR, "").strip()
            problem = None
            if env:
                try:
                    logger.setLevel(parse_level(env))
                except ValueError as exc:
                    problem = f"{LOG_LEVEL_ENV_VAR}: {exc} Using INFO."
            if logger.level == logging.NOTSET or problem:
                logger.setLevel(logging.INFO)
            if problem:
                logger.warning(problem)
    return logger


@contextlib.contextmanager
def printing_above(console: Any) -> Iterator[None]:
    """While the block runs, print distilabel's records through ``console`` (a rich
    Console drawing a live display), so they appear above the display."""
    install()
    assert _handler is not None
    previous, _handler.console = _handler.console, console
    try:
        yield
    finally:
        _handler.console = previous


@contextlib.contextmanager
def run_log(path: Path) -> Iterator[Path]:
    """Append every distilabel record at the current level to ``path`` while the block
    runs (a pipeline run's log file); yields ``path``."""
    logger = install()
    path.parent.mkdir(parents=True, exist_ok=True)
    handler = logging.FileHandler(path, encoding="utf-8", delay=False)
    handler.setFormatter(logging.Formatter(_FORMAT))
    logger.addHandler(handler)
    try:
        yield path
    finally:
        logger.removeHandler(handler)
        handler.close()
