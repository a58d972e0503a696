"""Packaging rules (docs/plugin-authors.md, section 8) for the core and every plugin
under plugins/: a plugin added later is checked the day it lands."""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
import tomllib
from packaging.requirements import Requirement

ROOT = Path(__file__).resolve().parents[2]
PROJECTS = [ROOT / "core", *sorted(p.parent for p in (ROOT / "plugins").glob("*/pyproject.toml"))]
EXAMPLE = ROOT / "examples" / "third_party_plugin"


def project(folder: Path) -> dict[str, Any]:
    return tomllib.loads((folder / "pyproject.toml").read_text())


def requirements(folder: Path) -> list[Requirement]:
    table = project(folder)["project"]
    lists = [table.get("dependencies", []), *table.get("optional-dependencies", {}).values()]
    return [Requirement(item) for items in lists for item in items]


def test_the_repository_has_a_license_and_a_notice() -> None:
    assert (ROOT / "LICENSE").read_text().lstrip().startswith("Apache License")
    assert "Version 2.0, January 2004" in (ROOT / "LICENSE").read_text()
    assert "Apache License, Version 2.0" in (ROOT / "NOTICE").read_text()


def test_there_are_plugins_to_check() -> None:
    assert {p.name for p in PROJECTS} >= {"core", "openai", "llamacpp", "transformers"}


@pytest.mark.parametrize("folder", PROJECTS, ids=lambda p: p.name)
def test_license_is_an_spdx_expression_with_its_files(folder: Path) -> None:
    table = project(folder)["project"]
    assert table.get("license") == "Apache-2.0", "use license = \"Apache-2.0\" (SPDX)"
    assert table.get("license-files") == ["LICENSE", "NOTICE"]
    for name in ("LICENSE", "NOTICE"):
        assert (folder / name).read_text() == (ROOT / name).read_text(), f"copy {name} here"
    assert not [c for c in table.get("classifiers", []) if c.startswith("License ::")]
    requires = project(folder)["build-system"]["requires"]
    assert any(re.fullmatch(r"setuptools>=(\d+)", r) and int(r.split(">=")[1]) >= 77
               for r in requires), requires


@pytest.mark.parametrize("folder", PROJECTS, ids=lambda p: p.name)
def test_classifiers_and_urls(folder: Path) -> None:
    table = project(folder)["project"]
    classifiers = set(table.get("classifiers", []))
    for wanted in ("Programming Language :: Python :: 3", "Operating System :: OS Independent",
                   "Topic :: Scientific/Engineering :: Artificial Intelligence",
                   "Typing :: Typed"):
        assert wanted in classifiers, wanted
    assert any(c.startswith("Development Status ::") for c in classifiers)
    assert set(table.get("urls", {})) >= {"Homepage", "Documentation", "Repository", "Issues"}


@pytest.mark.parametrize("folder", [*PROJECTS, EXAMPLE], ids=lambda p: p.name)
def test_no_exact_pins_and_a_bounded_core(folder: Path) -> None:
    for req in requirements(folder):
        assert not any(s.operator in ("==", "===") for s in req.specifier), (
            f"{folder.name}: {req} pins a version; give a range (pins go in"
            " scripts/constraints.txt)"
        )
        if req.name == "distilabel-core":
            operators = {s.operator for s in req.specifier}
            assert ">=" in operators and "<" in operators, (
                f"{folder.name}: bound the core, e.g. distilabel-core>=0.1,<0.2 (got {req})"
            )


def test_every_plugin_depends_on_the_core() -> None:
    for folder in PROJECTS[1:]:
        assert "distilabel-core" in {r.name for r in requirements(folder)}, folder.name


def test_the_core_version_is_inside_every_plugins_range() -> None:
    import distilabel

    for folder in PROJECTS[1:]:
        for req in requirements(folder):
            if req.name == "distilabel-core":
                assert req.specifier.contains(distilabel.__version__), (folder.name, str(req))


def test_the_constraints_pin_what_the_packages_leave_open() -> None:
    pins = (ROOT / "scripts" / "constraints.txt").read_text()
    assert "torch==2.13.0" in pins and "llama-cpp-python==0.3.36" in pins
    assert "constraints.txt" in (ROOT / "scripts" / "setup.sh").read_text()


def test_installing_the_repository_root_says_what_to_install_instead() -> None:
    """What pip runs for ``pip install .`` at the root: the backend's first hook."""
    code = ("import sys; sys.path.insert(0, 'scripts/_workspace_backend');"
            " import workspace_backend as b; b.get_requires_for_build_wheel()")
    result = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True,
                            text=True, timeout=60, check=False)
    assert result.returncode != 0
    assert "not a package" in result.stderr and "pip install ./core ./plugins/openai" in (
        result.stderr
    )


def test_pypi_distilabel_in_the_same_environment_is_warned_about_loudly(tmp_path: Path) -> None:
    """What ``pip install distilabel`` leaves: a ``distilabel-<version>.dist-info``."""
    info = tmp_path / "distilabel-1.5.3.dist-info"
    info.mkdir()
    (info / "METADATA").write_text("Metadata-Version: 2.1\nName: distilabel\nVersion: 1.5.3\n")
    code = "from distilabel.llms import LLM; import distilabel.plugins as p; p.get_registry()"
    env = {"PYTHONPATH": str(tmp_path), "PATH": "/usr/bin:/bin"}
    warned = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                            timeout=60, check=True, env=env).stderr
    assert "!!! distilabel 1.5.3 (PyPI's distilabel) is installed" in warned
    assert "pip uninstall -y distilabel distilabel-core" in warned
    clean = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                           timeout=60, check=True).stderr
    assert "PyPI's distilabel" not in clean


@pytest.mark.slow
def test_a_wheelhouse_installs_without_the_checkout(tmp_path: Path) -> None:
    """``scripts/wheelhouse.sh openai``, then ``pip install --find-links`` in a new venv."""
    house = tmp_path / "wheels"
    subprocess.run(["bash", "scripts/wheelhouse.sh", "-o", str(house), "openai"], cwd=ROOT,
                   check=True, capture_output=True, timeout=300)
    names = sorted(p.name.split("-")[0] for p in house.glob("*.whl"))
    assert names == ["distilabel_core", "distilabel_openai"]
    venv = tmp_path / "venv"
    subprocess.run([sys.executable, "-m", "venv", str(venv)], check=True, timeout=120)
    python = venv / "bin" / "python"
    subprocess.run([str(python), "-m", "pip", "install", "--quiet", "--find-links", str(house),
                    "distilabel-openai"], check=True, capture_output=True, timeout=600)
    listed = subprocess.run([str(venv / "bin" / "distilabel"), "llms", "list"],
                            capture_output=True, text=True, check=True, timeout=60,
                            cwd=tmp_path).stdout
    assert re.search(r"^OpenAILLM +async +distilabel-openai +0\.1\.0", listed, re.M), listed
    license_files = subprocess.run(
        [str(python), "-c", "import importlib.metadata as m;"
         " print(m.metadata('distilabel-core')['License-Expression'])"],
        capture_output=True, text=True, check=True, timeout=60,
    ).stdout
    assert license_files.strip() == "Apache-2.0"
