"""Every step ``distilabel.steps`` exports has its gallery page in ``docs/steps/``, listed
in the navigation, naming its columns and parameters, with an example that runs and
prints what the page says it prints."""

from __future__ import annotations

import ast
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest
from test_task_gallery import nav_pages  # tests/core is on sys.path (rootdir layout)

import distilabel.steps as steps
from distilabel.steps import GeneratorStep, GlobalStep, Step
from distilabel.steps._base import _Step

ROOT = Path(__file__).resolve().parents[2]
GALLERY = ROOT / "docs" / "steps"
BASES = {"Step", "GeneratorStep", "GlobalStep"}
BASE_FIELDS = set(Step.model_fields) | set(GeneratorStep.model_fields) | set(
    GlobalStep.model_fields)
SLOW_EXAMPLES = {"EmbeddingGeneration"}  # loads a model
HUB_EXAMPLES = {"PushToHub"}  # run against the loopback stand-in of the Hub

EXPORTED = sorted(
    name for name in steps.__all__
    if isinstance(getattr(steps, name), type) and issubclass(getattr(steps, name), _Step)
    and name not in BASES
)


def page_of(name: str) -> Path:
    """``FormatTextGenerationDPO`` -> ``format_text_generation_dpo.md``."""
    return GALLERY / (re.sub(r"(?<=[a-z0-9])(?=[A-Z])", "_", name).lower() + ".md")


def example(text: str) -> str:
    blocks = re.findall(r"```python\n(.*?)```", text, re.DOTALL)
    assert blocks, "the page has no python example"
    return blocks[-1]


def test_the_curation_steps_are_exported() -> None:
    for name in ("MinHashDedup", "FormatTextGenerationDPO", "EmbeddingGeneration",
                 "FaissNearestNeighbour", "EmbeddingDedup", "DeitaFiltering"):
        assert name in EXPORTED


@pytest.mark.parametrize("name", EXPORTED)
def test_every_exported_step_has_its_page(name: str) -> None:
    page = page_of(name)
    assert page.is_file(), f"{name} has no gallery page; write docs/steps/{page.name}"
    assert f"steps/{page.name}" in nav_pages(), f"add steps/{page.name} to mkdocs.yml's nav"
    text = page.read_text()
    assert text.startswith(f"# {name}\n")
    cls = getattr(steps, name)
    for field in set(cls.model_fields) - BASE_FIELDS:
        assert f"`{field}`" in text, f"docs/steps/{page.name} does not document `{field}`"
    for column in _declared_columns(cls):
        assert f"`{column}`" in text, f"docs/steps/{page.name} does not name column `{column}`"
    imported = {
        alias.name for node in ast.walk(ast.parse(example(text)))
        if isinstance(node, ast.ImportFrom) for alias in node.names
    }
    assert name in imported, f"the example of docs/steps/{page.name} does not import {name}"


def _declared_columns(cls: type) -> list[str]:
    try:
        proto = cls.model_construct()  # type: ignore[attr-defined]
        columns = [*proto.inputs, *proto.outputs]
    except Exception:
        return []  # columns that depend on the configuration (KeepColumns, loaders)
    return [str(c) for c in columns]


@pytest.mark.parametrize("name", [
    pytest.param(n, marks=pytest.mark.slow) if n in SLOW_EXAMPLES else n for n in EXPORTED
])
def test_every_example_prints_what_its_page_says(name: str, tmp_path: Path) -> None:
    code = example(page_of(name).read_text())
    promised = [line[2:] for line in code.splitlines() if line.startswith("# ")]
    assert promised, f"docs/steps/{page_of(name).name}: say what the example prints (# ...)"
    script = tmp_path / "example.py"
    script.write_text(code)
    env = {**os.environ, "DISTILABEL_CACHE_DIR": str(tmp_path / "cache")}
    if name in HUB_EXAMPLES:
        sys.path.insert(0, str(ROOT / "tests" / "compat"))
        from hub_server import HubServer

        with HubServer(tmp_path / "hub") as hub:
            env.update(HF_ENDPOINT=hub.url, HF_HUB_OFFLINE="0", HF_TOKEN="hf_example")
            result = subprocess.run([sys.executable, str(script)], capture_output=True,
                                    text=True, timeout=300, cwd=tmp_path, env=env, check=False)
        assert hub.commits, "the example pushed nothing"
    else:
        result = subprocess.run([sys.executable, str(script)], capture_output=True, text=True,
                                timeout=300, cwd=tmp_path, env=env, check=False)
    assert result.returncode == 0, result.stderr[-3000:]
    assert result.stdout.splitlines()[-len(promised):] == promised
