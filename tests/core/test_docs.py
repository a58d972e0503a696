"""The docs cannot drift from the code: every hook and plugin-facing name is documented,
and the plugin-author guide shows the example package exactly as the tests install it."""

from __future__ import annotations

import importlib
import inspect
import re
from pathlib import Path

import pytest
import yaml

import distilabel.hookspecs
from distilabel.testing import LLMConformanceTests

ROOT = Path(__file__).resolve().parents[2]
DOCS = ROOT / "docs"
EXAMPLE = ROOT / "examples" / "third_party_plugin"
EXAMPLE_FILES = [
    "pyproject.toml",
    "src/distilabel_echo/__init__.py",
    "src/distilabel_echo/_llm.py",
    "src/echo_engine/__init__.py",
    "tests/test_conformance.py",
]
PUBLIC_MODULES = [
    "distilabel.llms",
    "distilabel.plugins",
    "distilabel.runtime_parameters",
    "distilabel.testing",
    "distilabel.hookspecs",
    "distilabel.embedded",
    "distilabel.http",
    "distilabel.pricing",
]


def docs_text() -> str:
    return "\n".join(p.read_text() for p in sorted(DOCS.rglob("*.md")))


def mentioned(name: str, text: str) -> bool:
    return re.search(rf"(?<![\w.]){re.escape(name)}(?!\w)", text) is not None or (
        re.search(rf"\.{re.escape(name)}(?!\w)", text) is not None
    )


def hookspecs() -> list[str]:
    marker = f"{distilabel.hookspecs.PROJECT_NAME}_spec"
    return [
        name for name, obj in inspect.getmembers(distilabel.hookspecs, inspect.isfunction)
        if hasattr(obj, marker)
    ]


def test_there_are_hookspecs() -> None:
    assert "distilabel_register_llms" in hookspecs()


@pytest.mark.parametrize("name", hookspecs())
def test_every_hookspec_is_documented(name: str) -> None:
    assert mentioned(name, docs_text()), f"hook {name} is not mentioned in docs/"


@pytest.mark.parametrize(
    "module, name",
    [(m, n) for m in PUBLIC_MODULES for n in importlib.import_module(m).__all__],
)
def test_every_public_name_is_documented(module: str, name: str) -> None:
    assert mentioned(name, docs_text()), f"{module}.{name} is not mentioned in docs/"


@pytest.mark.parametrize(
    "name", sorted(n for n in dir(LLMConformanceTests) if n.startswith("test_"))
)
def test_every_conformance_check_is_documented(name: str) -> None:
    assert mentioned(name, (DOCS / "testing-kit.md").read_text())


@pytest.mark.parametrize(
    "flag",
    sorted(
        n for n, v in vars(LLMConformanceTests).items()
        if not n.startswith("_") and isinstance(v, (bool, type(None), dict, str))
        and n != "llm_class"
    ),
)
def test_every_capability_flag_is_documented(flag: str) -> None:
    assert mentioned(flag, (DOCS / "testing-kit.md").read_text())


@pytest.mark.parametrize("relative", EXAMPLE_FILES)
def test_plugin_author_guide_shows_the_example_verbatim(relative: str) -> None:
    guide = (DOCS / "plugin-authors.md").read_text()
    source = (EXAMPLE / relative).read_text()
    assert f"\n{source}```" in guide, f"docs/plugin-authors.md does not show {relative} verbatim"


def test_the_example_has_no_other_source_files() -> None:
    files = sorted(
        str(p.relative_to(EXAMPLE)) for p in EXAMPLE.rglob("*")
        if p.is_file() and p.suffix in (".py", ".toml", ".cfg") and "build" not in p.parts
    )
    assert files == sorted(EXAMPLE_FILES)


def _nav_pages(nav: object) -> list[str]:
    if isinstance(nav, str):
        return [nav]
    if isinstance(nav, list):
        return [p for item in nav for p in _nav_pages(item)]
    if isinstance(nav, dict):
        return [p for value in nav.values() for p in _nav_pages(value)]
    return []


def test_every_docs_page_is_in_the_mkdocs_nav() -> None:
    nav = _nav_pages(yaml.safe_load((ROOT / "mkdocs.yml").read_text())["nav"])
    pages = sorted(str(p.relative_to(DOCS)) for p in DOCS.rglob("*.md"))
    assert [p for p in pages if p not in nav] == []


@pytest.mark.parametrize(
    "page",
    ["index.md", "llms.md", "runtime-parameters.md", "plugin-authors.md",
     "plugins-registry.md", "cli.md", "testing-kit.md"],
)
def test_core_pages_exist(page: str) -> None:
    assert (DOCS / page).is_file()


def test_relative_links_between_pages_resolve() -> None:
    existing = {str(p.relative_to(DOCS)) for p in DOCS.rglob("*.md")}
    nav = set(_nav_pages(yaml.safe_load((ROOT / "mkdocs.yml").read_text())["nav"]))
    broken = []
    for page in DOCS.rglob("*.md"):
        for target in re.findall(r"\]\(([^)#:\s]+\.md)(?:#[^)]*)?\)", page.read_text()):
            resolved = (page.parent / target).resolve()
            relative = str(resolved.relative_to(DOCS.resolve())) if resolved.is_relative_to(
                DOCS.resolve()) else str(resolved)
            if relative not in existing and relative not in nav:
                broken.append(f"{page.relative_to(DOCS)} -> {target}")
    assert broken == []
