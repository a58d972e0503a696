"""Every task ``distilabel.steps.tasks`` exports has its gallery page in ``docs/tasks/``,
listed in the navigation, naming its parameters and paper, with an example that imports it."""

from __future__ import annotations

import ast
import re
from pathlib import Path

import pytest
import yaml

import distilabel.steps.tasks as tasks
from distilabel.steps.tasks import Task

ROOT = Path(__file__).resolve().parents[2]
GALLERY = ROOT / "docs" / "tasks"
BASE_FIELDS = set(Task.model_fields)
KINDS = {"Task", "MultiCallTask", "GeneratorTask", "GlobalTask"}  # bases, in writing-tasks.md

EXPORTED = sorted(
    name for name in tasks.__all__
    if isinstance(getattr(tasks, name), type)
    and issubclass(getattr(tasks, name), Task) and name not in KINDS
)


def page_name(task: str) -> str:
    """``TextGeneration`` -> ``text_generation.md``; an acronym stays one word
    (``CLAIR`` -> ``clair.md``)."""
    return re.sub(r"(?<=[a-z0-9])(?=[A-Z])|(?<=[A-Z])(?=[A-Z][a-z])", "_", task).lower() + ".md"


def nav_pages() -> set[str]:
    config = yaml.load((ROOT / "mkdocs.yml").read_text(), Loader=yaml.BaseLoader)
    found: set[str] = set()

    def walk(node: object) -> None:
        if isinstance(node, str):
            found.add(node)
        elif isinstance(node, list):
            for item in node:
                walk(item)
        elif isinstance(node, dict):
            for value in node.values():
                walk(value)

    walk(config["nav"])
    return found


def test_the_library_is_exported() -> None:
    for name in ("SelfInstruct", "EvolQuality", "GenerateSentencePair", "Genstruct",
                 "InstructionBacktranslation", "TextClassification"):
        assert name in EXPORTED


@pytest.mark.parametrize("name", EXPORTED)
def test_every_exported_task_has_its_page(name: str) -> None:
    page = GALLERY / page_name(name)
    assert page.is_file(), f"{name} has no gallery page; write docs/tasks/{page.name}"
    assert f"tasks/{page.name}" in nav_pages(), f"add tasks/{page.name} to mkdocs.yml's nav"
    text = page.read_text()
    assert text.startswith(f"# {name}\n")
    cls = getattr(tasks, name)
    base = next(getattr(tasks, k) for k in sorted(KINDS, key=lambda k: k == "Task")
                if issubclass(cls, getattr(tasks, k)))
    for field in set(cls.model_fields) - BASE_FIELDS - set(base.model_fields):
        assert f"`{field}`" in text, f"docs/tasks/{page.name} does not document `{field}`"
    for paper in re.findall(r"https://arxiv\.org/abs/\d+\.\d+", cls.__doc__ or ""):
        assert paper in text, f"docs/tasks/{page.name} does not cite {paper}"
    blocks = re.findall(r"```python\n(.*?)```", text, re.DOTALL)
    assert blocks, f"docs/tasks/{page.name} has no example"
    example = ast.parse(blocks[-1])
    imported = {
        alias.name for node in ast.walk(example) if isinstance(node, ast.ImportFrom)
        for alias in node.names
    }
    assert name in imported
