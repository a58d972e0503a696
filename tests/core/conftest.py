"""Fixtures for the core tests: real plugin distributions, built and installed per session.

Each throwaway distribution is a directory with its own ``pyproject.toml`` and a
``distilabel.llms`` entry point, installed with ``pip install --target`` into a site
directory of its own. Checks run in a fresh interpreter whose ``PYTHONPATH`` names the
sites a test wants, so discovery goes through the real ``importlib.metadata`` machinery
and no state leaks between tests (nor into the project's virtual environment).
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import textwrap
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from pathlib import Path

import pytest

REPO_ROOT = Path(__file__).resolve().parents[2]
EXAMPLE_PLUGIN = REPO_ROOT / "examples" / "third_party_plugin"

_HOOK = """\
from distilabel.hookspecs import hookimpl


@hookimpl
def distilabel_register_llms():
    from {module}._llm import {names}

    return [{names}]
"""

_ACME_LLM = '''\
from typing import Any, List

from pydantic import Field, PrivateAttr

from distilabel.llms import LLM, AsyncLLM
from distilabel.runtime_parameters import RuntimeParameter


class AcmeLLM(LLM):
    """A synchronous LLM backed by the acme_sdk "SDK"."""

    seed: RuntimeParameter[int] = Field(default=0, description="Seed of the fake SDK.")
    _client: Any = PrivateAttr(default=None)

    @property
    def model_name(self) -> str:
        return "acme-1"

    def load(self) -> None:
        import acme_sdk

        self._client = acme_sdk.Client()

    def generate(self, inputs, num_generations: int = 1, temperature: float = 0.5) -> List[Any]:
        """Answer with the client.

        Args:
            temperature: how much the fake SDK varies its answers.
        """
        return [[self._client.answer(i, temperature)] * num_generations for i in inputs]


class AcmeAsyncLLM(AsyncLLM):
    """An asynchronous LLM backed by the acme_sdk "SDK"."""

    _client: Any = PrivateAttr(default=None)

    @property
    def model_name(self) -> str:
        return "acme-async-1"

    def load(self) -> None:
        import acme_sdk

        self._client = acme_sdk.Client()

    async def agenerate(self, input, num_generations: int = 1, top_p: float = 1.0) -> List[Any]:
        """Answer with the client.

        Args:
            top_p: nucleus sampling mass.
        """
        return [self._client.answer(input, top_p)] * num_generations
'''

_ACME_SDK = '''\
"""A fake backend SDK: discovery must never import it."""


class Client:
    def answer(self, chat, knob):
        return f"acme:{chat[-1]['content']}:{knob}"
'''

_CLASH = '''\
from distilabel.llms import LLM


class AcmeLLM(LLM):
    """Another plugin's LLM with the same name as distilabel-acme's."""

    @property
    def model_name(self) -> str:
        return "clash"

    def generate(self, inputs, num_generations: int = 1):
        return [["clash"] * num_generations for _ in inputs]
'''


def _pyproject(name: str, version: str, entry_points: Mapping[str, str]) -> str:
    lines = [
        "[build-system]",
        'requires = ["setuptools>=68"]',
        'build-backend = "setuptools.build_meta"',
        "",
        "[project]",
        f'name = "{name}"',
        f'version = "{version}"',
        'dependencies = ["distilabel-core"]',
        "",
        '[project.entry-points."distilabel.llms"]',
        *(f'{key} = "{value}"' for key, value in entry_points.items()),
        "",
        "[tool.setuptools.packages.find]",
        'where = ["src"]',
        "",
    ]
    return "\n".join(lines)


# name -> (version, entry points, {path under src/: source})
THROWAWAY_DISTRIBUTIONS: dict[str, tuple[str, dict[str, str], dict[str, str]]] = {
    # A healthy plugin with a sync and an async LLM and a lazily imported fake SDK.
    "distilabel-acme": (
        "1.2.3",
        {"acme": "distilabel_acme"},
        {
            "distilabel_acme/__init__.py": _HOOK.format(
                module="distilabel_acme", names="AcmeLLM, AcmeAsyncLLM"
            ),
            "distilabel_acme/_llm.py": _ACME_LLM,
            "acme_sdk/__init__.py": _ACME_SDK,
        },
    ),
    # Poses as a broken install of a well-known backend: one entry point raises on
    # import, another names a module that implements no hook.
    "distilabel-cohere": (
        "0.0.1",
        {"cohere": "distilabel_cohere", "cohere-nohook": "distilabel_cohere_nohook"},
        {
            "distilabel_cohere/__init__.py": (
                'raise RuntimeError("distilabel_cohere fails to import on purpose")\n'
            ),
            "distilabel_cohere_nohook/__init__.py": '"""No hook here."""\n',
        },
    ),
    # Registers a second "AcmeLLM", through an entry point whose value is the class.
    "distilabel-clash": (
        "2.0.0",
        {"clash": "distilabel_clash:AcmeLLM"},
        {"distilabel_clash/__init__.py": _CLASH},
    ),
}


@dataclass(frozen=True)
class Sites:
    """Site directories, one per installed distribution, by distribution name."""

    paths: Mapping[str, Path]
    sources: Mapping[str, Path]

    def env(self, *names: str, **variables: str) -> dict[str, str]:
        """An environment whose ``PYTHONPATH`` holds the sites of ``names`` only."""
        env = {k: v for k, v in os.environ.items() if k not in ("DISTILABEL_PLUGINS",)}
        env["PYTHONPATH"] = os.pathsep.join(str(self.paths[n]) for n in names)
        env["PYTHONDONTWRITEBYTECODE"] = "1"
        env.update(variables)
        return env

    def python(
        self, code: str, *names: str, check: bool = True, **variables: str
    ) -> subprocess.CompletedProcess[str]:
        """Run ``code`` in a fresh interpreter that sees the sites of ``names``."""
        return _run(
            [sys.executable, "-c", textwrap.dedent(code)], self.env(*names, **variables), check
        )

    def python_json(self, code: str, *names: str, **variables: str) -> object:
        """Run ``code`` (which prints one JSON document last) and return the document."""
        result = self.python(code, *names, **variables)
        return json.loads(result.stdout.strip().splitlines()[-1])

    def cli(
        self, args: Iterable[str], *names: str, check: bool = True, **variables: str
    ) -> subprocess.CompletedProcess[str]:
        """Run the ``distilabel`` console script with the sites of ``names``."""
        return _run([distilabel_script(), *args], self.env(*names, **variables), check)


def distilabel_script() -> str:
    """The ``distilabel`` console script of the interpreter running the tests."""
    script = Path(sys.executable).with_name("distilabel")
    if not script.exists():
        pytest.fail(f"console script {script} is missing: is distilabel-core installed?")
    return str(script)


def _run(cmd: list[str], env: Mapping[str, str], check: bool) -> subprocess.CompletedProcess[str]:
    result = subprocess.run(
        cmd, env=dict(env), capture_output=True, text=True, timeout=120, check=False
    )
    if check and result.returncode != 0:
        pytest.fail(
            f"{cmd[0]} exited {result.returncode}\n--- stdout\n{result.stdout}"
            f"\n--- stderr\n{result.stderr}"
        )
    return result


def _write_distribution(root: Path, name: str) -> Path:
    version, entry_points, files = THROWAWAY_DISTRIBUTIONS[name]
    source = root / name
    (source / "src").mkdir(parents=True)
    (source / "pyproject.toml").write_text(_pyproject(name, version, entry_points))
    for relative, text in files.items():
        path = source / "src" / relative
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text)
    return source


def pip_install_target(sources: Mapping[str, Path], sites_root: Path) -> dict[str, Path]:
    """``pip install --no-deps --target`` each source into its own site, in parallel."""
    procs = {}
    for name, source in sources.items():
        target = sites_root / name
        cmd = [
            sys.executable, "-m", "pip", "install", "--quiet", "--no-deps",
            "--no-build-isolation", "--no-index", "--disable-pip-version-check",
            "--target", str(target), str(source),
        ]
        procs[name] = (target, subprocess.Popen(
            cmd, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True
        ))
    sites = {}
    for name, (target, proc) in procs.items():
        output, _ = proc.communicate(timeout=300)
        if proc.returncode != 0:
            pytest.fail(f"pip install of {name} failed:\n{output}")
        sites[name] = target
    return sites


@pytest.fixture(scope="session")
def sites(tmp_path_factory: pytest.TempPathFactory) -> Sites:
    """Every throwaway distribution and the third-party example, each installed alone."""
    root = tmp_path_factory.mktemp("distributions")
    sources = {name: _write_distribution(root, name) for name in THROWAWAY_DISTRIBUTIONS}
    # Build from a copy: a build writes build/ and *.egg-info next to the sources.
    example = root / "distilabel-echo"
    shutil.copytree(EXAMPLE_PLUGIN, example, ignore=shutil.ignore_patterns(
        "build", "*.egg-info", "__pycache__", ".pytest_cache"
    ))
    sources["distilabel-echo"] = example
    paths = pip_install_target(sources, tmp_path_factory.mktemp("sites"))
    return Sites(paths=paths, sources=sources)
