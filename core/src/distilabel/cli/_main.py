"""Argument parsing and dispatch for the ``distilabel`` command."""

from __future__ import annotations

import argparse
import sys
from typing import Optional, Sequence

from distilabel import __version__
from distilabel.errors import DistilabelError

__all__ = ["build_parser", "main"]


def build_parser() -> argparse.ArgumentParser:
    """Build the argument parser with every sub-command registered."""
    from distilabel.cli import _llms

    parser = argparse.ArgumentParser(
        prog="distilabel",
        description="Build datasets with LLMs: inspect installed backends and run pipelines.",
    )
    parser.add_argument("--version", action="version", version=f"distilabel {__version__}")
    commands = parser.add_subparsers(dest="command", metavar="COMMAND")
    _llms.register(commands)
    _register_optional(commands)
    return parser


def _register_optional(commands: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    try:
        from distilabel.cli import _pipeline  # type: ignore[attr-defined]
    except ImportError:  # the pipeline command group is added by the pipeline module
        return
    _pipeline.register(commands)


def main(argv: Optional[Sequence[str]] = None) -> int:
    """Run the CLI; returns the process exit code (0 ok, 1 error, 2 usage)."""
    parser = build_parser()
    args = parser.parse_args(argv)
    handler = getattr(args, "handler", None)
    if handler is None:
        parser.print_help()
        return 2
    try:
        return int(handler(args) or 0)
    except DistilabelError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        print("interrupted", file=sys.stderr)
        return 130


if __name__ == "__main__":
    sys.exit(main())
