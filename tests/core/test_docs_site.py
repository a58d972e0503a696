"""The built docs (``mkdocs build --strict``): a reference page for every public module,
and a components gallery listing everything installed. ``scripts/test.sh`` builds the
site first and names it in ``DISTILABEL_DOCS_SITE``; alone, this test builds it."""

from __future__ import annotations

import html
import importlib
import inspect
import os
import pkgutil
import re
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    given = os.environ.get("DISTILABEL_DOCS_SITE")
    if given:
        return Path(given)
    pytest.importorskip("mkdocstrings")
    target = tmp_path_factory.mktemp("site")
    subprocess.run([sys.executable, "-m", "mkdocs", "build", "--strict", "--quiet",
                    "--site-dir", str(target)], cwd=ROOT, check=True, timeout=300)
    return target


def page_text(site: Path, page: str) -> str:
    raw = (site / page / "index.html").read_text(encoding="utf-8")
    raw = re.sub(r"<(script|style)\b.*?</\1>", " ", raw, flags=re.S)
    return html.unescape(re.sub(r"<[^>]+>", " ", raw))


def public_modules() -> list[str]:
    roots = ["distilabel", *(p.parent.name for p in (ROOT / "plugins").glob("*/src/*/__init__.py"))]
    names = set(roots)
    for root in roots:
        package = importlib.import_module(root)
        names.update(
            m.name for m in pkgutil.walk_packages(package.__path__, f"{root}.")
            if not any(part.startswith("_") for part in m.name.split("."))
        )
    return sorted(names)


def test_every_public_module_has_a_reference_page(site: Path) -> None:
    missing = [m for m in public_modules() if not (site / "reference" / m / "index.html").exists()]
    assert missing == []


def test_reference_pages_are_rendered_from_docstrings(site: Path) -> None:
    text = page_text(site, "reference/distilabel.logging")
    assert "get_logger" in text and re.search(r"inside the\s+distilabel\s+hierarchy", text)
    assert "OpenAILLM" in page_text(site, "reference/distilabel_openai")


def test_the_gallery_lists_every_installed_llm_with_its_parameters(site: Path) -> None:
    from distilabel.plugins import get_registry

    text = page_text(site, "components")
    for name, entry in get_registry().llms.items():
        assert f"{name}" in text and entry.plugin.distribution in text
    assert "generation_kwargs.temperature" in text


def test_the_gallery_lists_every_step_and_task_with_columns(site: Path) -> None:
    import distilabel.steps
    import distilabel.steps.tasks
    from distilabel.steps._base import _Step

    text = page_text(site, "components")
    bases = {
        "Step", "GeneratorStep", "GlobalStep", "Task", "GeneratorTask", "GlobalTask",
        "MultiCallTask",
    }
    for module in (distilabel.steps, distilabel.steps.tasks):
        for name in module.__all__:
            obj = getattr(module, name)
            if inspect.isclass(obj) and issubclass(obj, _Step) and name not in bases:
                assert re.search(rf"{name}\s", text), name
    section = text[text.index("TextGeneration ") :]
    assert re.search(r"inputs:\s+instruction", section)
    assert re.search(r"outputs:\s+generation", section)
