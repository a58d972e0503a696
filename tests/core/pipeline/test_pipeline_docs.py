"""The pipeline, step, task and distiset docs cannot drift from the code."""

from __future__ import annotations

import argparse
import importlib
import re
from pathlib import Path

import pytest

from distilabel.cli._main import build_parser

DOCS = Path(__file__).resolve().parents[3] / "docs"
MODULES = ["distilabel.steps", "distilabel.steps.tasks", "distilabel.pipeline",
           "distilabel.distiset"]
PAGES = ["pipeline.md", "steps.md", "tasks.md", "distiset.md", "cli-pipeline.md"]


def text() -> str:
    return "\n".join(p.read_text() for p in sorted(DOCS.rglob("*.md")))


@pytest.mark.parametrize(
    "module, name", [(m, n) for m in MODULES for n in importlib.import_module(m).__all__]
)
def test_every_public_name_is_documented(module: str, name: str) -> None:
    assert re.search(rf"(?<![\w]){re.escape(name)}(?!\w)", text()), (
        f"{module}.{name} is not mentioned in docs/ (see {', '.join(PAGES)})")


def _pipeline_options() -> list[str]:
    parser = build_parser()
    commands = next(a for a in parser._actions if isinstance(a, argparse._SubParsersAction))
    pipeline = commands.choices["pipeline"]
    sub = next(a for a in pipeline._actions if isinstance(a, argparse._SubParsersAction))
    return sorted({opt for cmd in sub.choices.values() for action in cmd._actions
                   for opt in action.option_strings if opt.startswith("--") and opt != "--help"})


@pytest.mark.parametrize("option", _pipeline_options())
def test_every_cli_option_is_documented(option: str) -> None:
    assert option in (DOCS / "cli-pipeline.md").read_text()
