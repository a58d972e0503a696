"""Importing distilabel (and discovering plugins) must not import heavy backends."""

from __future__ import annotations

import json
import subprocess
import sys
import textwrap

import pytest

HEAVY = ("openai", "transformers", "torch", "llama_cpp", "ray", "datasets", "numpy", "aiohttp")


def _heavy_modules_after(code: str) -> list[str]:
    probe = textwrap.dedent(code) + textwrap.dedent(
        f"""
        import json, sys
        print(json.dumps(sorted(m for m in sys.modules if m.split(".")[0] in {HEAVY!r})))
        """
    )
    result = subprocess.run(
        [sys.executable, "-c", probe], capture_output=True, text=True, timeout=120, check=False
    )
    assert result.returncode == 0, result.stderr
    return list(json.loads(result.stdout.strip().splitlines()[-1]))


def test_import_distilabel_imports_no_backend() -> None:
    assert _heavy_modules_after("import distilabel, distilabel.llms") == []


def test_public_core_modules_import_no_backend() -> None:
    code = """
        import distilabel.cli, distilabel.errors, distilabel.hookspecs, distilabel.plugins
        import distilabel.runtime_parameters, distilabel.serialization, distilabel.typing
        import distilabel.llms.typing, distilabel.steps.tasks.typing
    """
    assert _heavy_modules_after(code) == []


@pytest.mark.slow
def test_discovering_every_installed_plugin_imports_no_backend() -> None:
    """``distilabel llms list`` with whatever plugins this environment has installed."""
    code = """
        import contextlib, io
        from distilabel.cli import main
        with contextlib.redirect_stdout(io.StringIO()):
            main(["llms", "list", "--refresh"])  # a real discovery, not the cache
    """
    assert _heavy_modules_after(code) == []
