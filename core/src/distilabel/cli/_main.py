"""Argument parsing and dispatch for the ``distilabel`` command."""

from __future__ import annotations

import argparse
import os
import sys
from typing import Optional, Sequence

from distilabel import __version__
from distilabel.errors import DistilabelError

__all__ = ["build_parser", "main"]


def build_parser() -> argparse.ArgumentParser:
    """Build the argument parser with every sub-command registered."""
    from distilabel.cli import _models

    parser = argparse.ArgumentParser(
        prog="distilabel",
        description="Build datasets with LLMs: inspect installed backends and run pipelines.",
    )
    parser.add_argument("--version", action="version", version=f"distilabel {__version__}")
    commands = parser.add_subparsers(dest="command", metavar="COMMAND")
    _models.register(commands, "llms")
    _models.register(commands, "embeddings")
    _register_optional(commands)
    _add_log_level(parser)
    return parser


def _register_optional(commands: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    try:
        from distilabel.cli import _pipeline  # type: ignore[attr-defined]
    except ImportError:  # the pipeline command group is added by the pipeline module
        return
    _pipeline.register(commands)


def _add_log_level(parser: argparse.ArgumentParser) -> None:
    """``--log-level`` on the command and on every sub-command, so it goes anywhere."""
    parser.add_argument(
        "--log-level", metavar="LEVEL", default=argparse.SUPPRESS,
        help="DEBUG, INFO (default), WARNING or ERROR; also DISTILABEL_LOG_LEVEL.",
    )
    for action in parser._actions:
        if isinstance(action, argparse._SubParsersAction):
            for sub in action.choices.values():
                _add_log_level(sub)


def _silence_stdout() -> None:
    """After the reader of our stdout went away (``| head``): send what is left nowhere,
    so that flushing at exit raises nothing either."""
    try:
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
    except (OSError, ValueError, AttributeError):  # not a real file (tests capture it)
        pass


def main(argv: Optional[Sequence[str]] = None) -> int:
    """Run the CLI; returns the process exit code (0 ok, 1 error, 2 usage, 130 Ctrl-C,
    141 when the reader of stdout closed it early, as ``| head`` does)."""
    parser = build_parser()
    args = parser.parse_args(argv)
    level = getattr(args, "log_level", None)
    if level is not None:
        from distilabel.logging import set_log_level

        try:
            set_log_level(level)
        except ValueError as exc:
            parser.error(f"--log-level: {exc}")
    handler = getattr(args, "handler", None)
    if handler is None:
        parser.print_help()
        return 2
    try:
        code = int(handler(args) or 0)
        sys.stdout.flush()
        return code
    except BrokenPipeError:
        _silence_stdout()
        return 141
    except DistilabelError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        print("interrupted", file=sys.stderr)
        return 130


if __name__ == "__main__":
    sys.exit(main())
